"""What every Wuying service serves: ``/health``, ``/metrics`` and ``/openapi.json``.

A service class inherits ``WuyingService`` and declares ``store = StoreProvider(...)``; nameko
finds the inherited entrypoints and dependency providers.
"""

from __future__ import annotations

import logging

from kombu import Connection
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.dependency_providers import Config
from werkzeug.wrappers import Response

from .http import json_response, route
from .metrics import CONTENT_TYPE_LATEST, Metrics
from .openapi import build_openapi

log = logging.getLogger(__name__)


def check_broker(amqp_uri: str, timeout: float = 2.0) -> None:
    with Connection(amqp_uri, connect_timeout=timeout) as conn:
        conn.ensure_connection(max_retries=1, timeout=timeout)


class WuyingService:
    """Base class; subclasses set ``name``, ``title`` and ``store``."""

    title = "Wuying service"
    description = ""

    config = Config()
    metrics = Metrics()

    @route(
        "GET",
        "/health",
        summary="健康检查：消息队列与存储",
        public=True,
        tags=("operations",),
        also=(503,),  # readiness: the same body, status "unavailable", while a dependency is down
    )
    def health_endpoint(self, request):
        checks, healthy = {}, True
        try:
            check_broker(self.config[AMQP_URI_CONFIG_KEY])
            checks["broker"] = "ok"
        except Exception as exc:  # noqa: BLE001 - report, don't crash the probe
            checks["broker"] = f"unavailable: {type(exc).__name__}"
            healthy = False
        try:
            self.store.ping()
            checks["store"] = f"ok ({self.store.mode})"
        except Exception as exc:  # noqa: BLE001
            checks["store"] = f"unavailable: {type(exc).__name__}"
            healthy = False
        status = "ok" if healthy else "unavailable"
        return json_response({"status": status, "service": self.name, "checks": checks}, status=200 if healthy else 503)

    @route("GET", "/health/live", summary="存活检查：进程能应答（不检查依赖）", public=True, tags=("operations",))
    def liveness_endpoint(self, request):
        # Liveness must not fail while the broker or the store is down: restarting every pod
        # during a broker outage would not help. Readiness (/health) covers dependencies.
        return json_response({"status": "alive", "service": self.name})

    @route("GET", "/metrics", summary="Prometheus 指标", public=True, tags=("operations",))
    def metrics_endpoint(self, request):
        return Response(self.metrics.exposition(), mimetype=CONTENT_TYPE_LATEST.split(";")[0])

    @route("GET", "/openapi.json", summary="本服务的 OpenAPI 文档", public=True, tags=("operations",))
    def openapi_endpoint(self, request):
        return json_response(openapi_document(type(self)))


def openapi_document(service_cls) -> dict:
    return build_openapi(service_cls, title=service_cls.title, description=service_cls.description)
