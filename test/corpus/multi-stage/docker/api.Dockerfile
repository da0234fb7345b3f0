FROM debian:trixie-slim AS build
WORKDIR /src
ADD src /src
RUN echo built > /src/out

FROM debian:trixie-slim AS runtime
RUN groupadd -g 1000 app && useradd -l -u 1000 -g 1000 -M app
RUN find / -xdev -perm /6000 -type f -exec chmod a-s {} +
RUN mkdir -p /app && chown -R 1000:1000 /app
WORKDIR /app
COPY --from=build --chown=1000:1000 /src/out /app/out
USER 1000:1000
