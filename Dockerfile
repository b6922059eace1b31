# syntax=docker/dockerfile:1
# One image recipe for all five services (they differ only in package and class). Build from
# the repository root, the context the image needs (common/ and constraints.txt):
#   docker build --build-arg SERVICE=archive --build-arg SERVICE_CLASS=ArchiveService \
#     -t registry.example/wuying/archive:0.1.0 .
# The HTTP address (<SVC>_HTTP_ADDRESS=0.0.0.0:8080) comes from the service's ConfigMap.
ARG SERVICE
ARG SERVICE_CLASS

FROM python:3.11-slim AS builder
ARG SERVICE
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1
RUN test -n "$SERVICE" || (echo "--build-arg SERVICE=<intake|risk|warning|inspection|archive> is required" && false)
RUN python -m venv /opt/venv
WORKDIR /src
COPY constraints.txt ./
COPY common ./common
COPY services/${SERVICE} ./services/${SERVICE}
# Not editable: the final image gets the installed packages, not the sources.
RUN /opt/venv/bin/pip install -c constraints.txt ./common ./services/${SERVICE}

FROM python:3.11-slim
ARG SERVICE
ARG SERVICE_CLASS
# Bytecode was compiled at install time; the root filesystem is read-only at runtime and
# /tmp (an emptyDir in Kubernetes) is the only writable path, so HOME points there.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/tmp \
    WUYING_SERVICE=${SERVICE} \
    WUYING_SERVICE_CLASS=${SERVICE_CLASS}
RUN test -n "$SERVICE_CLASS" || (echo "--build-arg SERVICE_CLASS=<e.g. ArchiveService> is required" && false)
RUN groupadd --system --gid 10001 wuying \
 && useradd --system --uid 10001 --gid 10001 --home-dir /tmp --no-create-home \
      --shell /usr/sbin/nologin wuying
COPY --from=builder /opt/venv /opt/venv
COPY services/${SERVICE}/config.yml /app/config.yml
WORKDIR /app
USER 10001:10001
EXPOSE 8080
# exec: nameko is PID 1 and receives SIGTERM directly for a graceful stop.
CMD ["sh", "-c", "exec nameko run --config /app/config.yml wuying_${WUYING_SERVICE}.service:${WUYING_SERVICE_CLASS}"]
