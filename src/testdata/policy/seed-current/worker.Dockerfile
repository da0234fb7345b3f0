# The seed's current worker Dockerfile pattern: /app is created by WORKDIR as root before
# USER 1000:1000, and `COPY src /app/src` has no --chown.
ARG BASE_IMAGE=debian:trixie-slim
FROM ${BASE_IMAGE}
RUN groupadd -g 1000 app && useradd -l -u 1000 -g 1000 -M app
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
WORKDIR /app
COPY src /app/src
USER 1000:1000
CMD ["node", "/app/src/worker.js"]
