"""Prometheus metrics: one ``CollectorRegistry`` per service container.

Names follow ``wuying_<service>_<noun>_<unit>``. ``county`` is a fine label; a person or case
id never is. Every provider of a container reaches the same ``ServiceMetrics`` through
``service_metrics(container)``, so the outbox relay, the event consumers and the calendar
count into the registry served at ``GET /metrics``.
"""

from __future__ import annotations

import time

from nameko.extensions import DependencyProvider
from prometheus_client import (
    CONTENT_TYPE_LATEST,  # noqa: F401  (re-exported for /metrics)
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
)


class ServiceMetrics:
    def __init__(self, service: str) -> None:
        self.service = service
        self.registry = CollectorRegistry()
        p = f"wuying_{service}"
        self.entrypoint_calls = Counter(
            f"{p}_entrypoint_calls_total",
            "Entrypoint calls by outcome",
            ["entrypoint", "outcome"],
            registry=self.registry,
        )
        self.entrypoint_latency = Histogram(
            f"{p}_entrypoint_latency_seconds", "Entrypoint latency", ["entrypoint"], registry=self.registry
        )
        self.handler_failures = Counter(
            f"{p}_handler_failures_total",
            "Entrypoints that raised an unexpected error",
            ["entrypoint"],
            registry=self.registry,
        )
        self.events_published = Counter(
            f"{p}_events_published_total",
            "Events published from the outbox",
            ["type", "county"],
            registry=self.registry,
        )
        self.events_consumed = Counter(
            f"{p}_events_consumed_total",
            "Events consumed, by outcome (processed, duplicate, retried, dead_lettered, rejected)",
            ["type", "county", "outcome"],
            registry=self.registry,
        )
        self.outbox_pending = Gauge(
            f"{p}_outbox_pending_events", "Events written but not yet published", registry=self.registry
        )
        self.calendar_provisional = Counter(
            f"{p}_calendar_provisional_total",
            "Working-day computations that fell back to weekends-only because the year is not loaded",
            ["year"],
            registry=self.registry,
        )
        self._extra: dict[str, object] = {}

    def counter(self, noun: str, doc: str, labels: tuple[str, ...] = ()) -> Counter:
        """A service-specific counter ``wuying_<service>_<noun>_total``, created once."""
        name = f"wuying_{self.service}_{noun}_total"
        if name not in self._extra:
            self._extra[name] = Counter(name, doc, list(labels), registry=self.registry)
        return self._extra[name]  # type: ignore[return-value]

    def gauge(self, noun: str, doc: str, labels: tuple[str, ...] = ()) -> Gauge:
        name = f"wuying_{self.service}_{noun}"
        if name not in self._extra:
            self._extra[name] = Gauge(name, doc, list(labels), registry=self.registry)
        return self._extra[name]  # type: ignore[return-value]

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def service_metrics(container) -> ServiceMetrics:
    """The container's metrics (extensions see the container through a weak proxy, so the
    registry is kept on the container itself)."""
    metrics = getattr(container, "_wuying_metrics", None)
    if metrics is None:
        metrics = ServiceMetrics(container.service_name)
        container._wuying_metrics = metrics
    return metrics


class Metrics(DependencyProvider):
    """Counts every entrypoint call and its latency; injects the service's ``ServiceMetrics``."""

    def setup(self) -> None:
        self.metrics = service_metrics(self.container)
        self._started: dict[object, float] = {}

    def get_dependency(self, worker_ctx) -> ServiceMetrics:
        return self.metrics

    def worker_setup(self, worker_ctx) -> None:
        self._started[worker_ctx] = time.perf_counter()

    def worker_result(self, worker_ctx, result=None, exc_info=None) -> None:
        name = worker_ctx.entrypoint.method_name
        started = self._started.pop(worker_ctx, None)
        if started is not None:
            self.metrics.entrypoint_latency.labels(name).observe(time.perf_counter() - started)
        from .errors import WuyingError

        if exc_info is None:
            outcome = "ok"
        elif isinstance(exc_info[1], WuyingError) and exc_info[1].status < 500:
            outcome = "rejected"
        else:
            outcome = "error"
            self.metrics.handler_failures.labels(name).inc()
        self.metrics.entrypoint_calls.labels(name, outcome).inc()
