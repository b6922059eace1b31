"""The partners republisher: every internal event an agency may see, onto the partner vhost,
keyed ``<county>.<service>.<event>.v<N>`` (README.md says why a service and not a Shovel)."""

from __future__ import annotations

import logging

import eventlet
from kombu import Exchange, Queue, binding
from marshmallow import ValidationError
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.messaging import Consumer

from wuying_common.events import parse_event
from wuying_common.http import json_response, route
from wuying_common.service import WuyingService, check_broker

from . import routing
from .dependencies import PartnerBrokerProvider

log = logging.getLogger(__name__)


class RepublishConsumer(Consumer):
    """Consumes ``partners.republish``, bound with ``#`` to every source exchange.

    The queue is built from config at setup (nameko builds decorator arguments at import). The
    source exchanges are declared passively: they belong to their services (or to the broker
    setup), and the republisher's broker user has no configure permission on them.
    A worker that raised (partner broker unreachable) requeues its message: nothing is acked
    before the partner broker confirmed it.
    """

    def __init__(self, **kwargs):
        super().__init__(queue=None, requeue_on_error=True, **kwargs)

    def setup(self):
        config = self.container.config
        sources = config.get("PARTNER_SOURCE_SERVICES") or ",".join(routing.SOURCE_SERVICES)
        bindings = [
            binding(Exchange(f"{svc.strip()}.events", type="topic", durable=True, passive=True), routing_key="#")
            for svc in str(sources).split(",")
            if svc.strip()
        ]
        self.queue = Queue(
            config.get("PARTNER_REPUBLISH_QUEUE", routing.REPUBLISH_QUEUE), bindings=bindings, durable=True
        )
        super().setup()


republish_consumer = RepublishConsumer.decorator


class PartnersService(WuyingService):
    name = "partners"
    title = "无影灯 · 协作单位事件转发服务 (partners)"
    description = "把内部事件按县区转发到协作单位专用虚拟主机（wuying-partners），路由键 <县区>.<服务>.<事件>.v<N>。"

    partner = PartnerBrokerProvider()

    def _outcomes(self):
        return self.metrics.counter(
            "events_republished", "Events read from the internal exchanges, by outcome", ("type", "county", "outcome")
        )

    @republish_consumer()
    def republish(self, body):
        outcomes = self._outcomes()
        try:
            parse_event(body)
            key = routing.routing_key(body)
        except (ValidationError, routing.NotForPartners, TypeError, AttributeError) as exc:
            # Never forward what breaks the contract; an operator sees it with the other dead letters.
            self.partner.dead_letter(body, f"not_for_partners:{type(exc).__name__}")
            outcomes.labels("?", "?", "dead_lettered").inc()
            log.error("malformed event dead-lettered, not republished", extra={"event_id": _get(body, "id")})
            return
        if not routing.is_published(body["type"]):
            outcomes.labels(body["type"], body["county"], "withheld").inc()
            return
        try:
            self.partner.publish(body, key)
        except Exception:
            # Requeued by the consumer; pause so an unreachable partner broker is not a busy loop.
            outcomes.labels(body["type"], body["county"], "retried").inc()
            log.warning("partner broker refused or unreachable; event requeued", extra={"event_id": body["id"]})
            eventlet.sleep(float(self.config.get("PARTNER_RETRY_DELAY", 1.0)))
            raise
        outcomes.labels(body["type"], body["county"], "republished").inc()
        log.info("event republished", extra={"event_id": body["id"], "county": body["county"], "routing_key": key})

    @route("GET", "/health", summary="健康检查：内部与协作单位消息队列", public=True, tags=("operations",))
    def health_endpoint(self, request):
        checks, healthy = {}, True
        for name, key in (("broker", AMQP_URI_CONFIG_KEY), ("partner_broker", "PARTNER_AMQP_URI")):
            try:
                check_broker(self.config[key])
                checks[name] = "ok"
            except Exception as exc:  # noqa: BLE001 - report, don't crash the probe
                checks[name] = f"unavailable: {type(exc).__name__}"
                healthy = False
        status = "ok" if healthy else "unavailable"
        return json_response({"status": status, "service": self.name, "checks": checks}, status=200 if healthy else 503)


def _get(body, key):
    return body.get(key) if isinstance(body, dict) else None
