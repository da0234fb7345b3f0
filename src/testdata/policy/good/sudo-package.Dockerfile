# Must not flag: installing the sudo package is not running sudo (hadolint DL3004 is about
# the latter); dockerfile/no-sudo passes, and so does every other rule.
ARG BASE_IMAGE=debian:trixie-slim
FROM ${BASE_IMAGE}
RUN groupadd -g 1000 app && useradd -l -u 1000 -g 1000 -M app
RUN apt-get update && apt-get install -y --no-install-recommends sudo && rm -rf /var/lib/apt/lists/*
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
RUN mkdir -p /app && chown -R 1000:1000 /app
WORKDIR /app
COPY --chown=1000:1000 src /app/src
USER 1000:1000
CMD ["node", "/app/src/main.js"]
