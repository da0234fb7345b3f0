# Must not flag: update and install in one RUN (dockerfile/apt-update-with-install), and
# the SSH client, not the server (dockerfile/no-openssh-server); every other rule passes.
ARG BASE_IMAGE=debian:trixie-slim
FROM ${BASE_IMAGE}
RUN groupadd -g 1000 app && useradd -l -u 1000 -g 1000 -M app
RUN apt-get update && apt-get install -y --no-install-recommends openssh-client && rm -rf /var/lib/apt/lists/*
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
RUN mkdir -p /app && chown -R 1000:1000 /app
WORKDIR /app
COPY --chown=1000:1000 src /app/src
USER 1000:1000
CMD ["node", "/app/src/main.js"]
