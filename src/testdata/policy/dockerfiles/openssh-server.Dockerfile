# Bad fixture: an SSH server installed in the image (CIS 5.7).
ARG BASE_IMAGE=debian:trixie-slim
FROM ${BASE_IMAGE}
RUN groupadd -g 1000 app && useradd -l -u 1000 -g 1000 -M app
RUN apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends openssh-server && rm -rf /var/lib/apt/lists/*
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
RUN mkdir -p /app && chown -R 1000:1000 /app
WORKDIR /app
COPY --chown=1000:1000 src /app/src
USER 1000:1000
CMD ["node", "/app/src/main.js"]
