# Bad fixture: apt-get update in a RUN of its own (CIS 4.7): the cached layer keeps a
# stale index for the install in the next RUN.
ARG BASE_IMAGE=debian:trixie-slim
FROM ${BASE_IMAGE}
RUN groupadd -g 1000 app && useradd -l -u 1000 -g 1000 -M app
RUN apt-get update
RUN apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
RUN mkdir -p /app && chown -R 1000:1000 /app
WORKDIR /app
COPY --chown=1000:1000 src /app/src
USER 1000:1000
CMD ["node", "/app/src/main.js"]
