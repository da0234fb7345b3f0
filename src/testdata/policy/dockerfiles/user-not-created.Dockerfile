# Bad fixture: USER 1000:1000 is never created (no groupadd/useradd).
ARG BASE_IMAGE=debian:trixie-slim
FROM ${BASE_IMAGE}
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
RUN mkdir -p /app && chown -R 1000:1000 /app
WORKDIR /app
COPY --chown=1000:1000 src /app/src
USER 1000:1000
CMD ["node", "/app/src/main.js"]
