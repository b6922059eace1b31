"""Event consumption: validate the envelope, ack after the handler's own write, retry, then
dead-letter. Never drop a message silently.

nameko's ``event_handler`` acks a message whose handler raised (``requeue_on_error=False``)
or requeues it forever (``True``). ``wuying_event_handler`` does neither: a failed message is
republished to its own queue with an attempt counter and a growing delay; after
``EVENT_MAX_ATTEMPTS`` it goes to the ``wuying.dead-letter`` queue, where an operator sees it
(RabbitMQ management, ``make dead-letters``) and can replay it (``make replay-dead-letters``).
A malformed envelope, or data the handler's schema refuses, is dead-lettered at once:
retrying cannot fix it.

Handlers return ``"processed"`` or ``"duplicate"`` (idempotency on the event id is the
handler's job, done in the same single-document write as its state change).
"""

from __future__ import annotations

import logging

import eventlet
from kombu import Exchange, Queue
from marshmallow import ValidationError
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.events import SERVICE_POOL, EventHandler

from .errors import ValidationFailed, WuyingError
from .events import parse_event
from .metrics import service_metrics
from .rules import RuleBroken

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-wuying-attempt"
DEAD_LETTER_EXCHANGE = Exchange("wuying.dead-letter", type="fanout", durable=True)
DEAD_LETTER_QUEUE = Queue("wuying.dead-letter", exchange=DEAD_LETTER_EXCHANGE, durable=True)


def error_label(exc: BaseException) -> str:
    """What a dead letter says about its failure: a type and a code, never the message text
    (which might quote personal data)."""
    code = exc.code if isinstance(exc, WuyingError | RuleBroken) else ""
    return f"{type(exc).__name__}:{code}" if code else type(exc).__name__


def _log_fields(body, queue: str) -> dict:
    """Ids and the county for the JSON log line; never the event's data."""
    body = body if isinstance(body, dict) else {}
    return {
        "event_id": str(body.get("id", "?")),
        "event_type": str(body.get("type", "?")),
        "county": str(body.get("county", "?")),
        "entrypoint": queue,
    }


class WuyingEventHandler(EventHandler):
    def __init__(self, source_service, event_type, **kwargs):
        kwargs.setdefault("handler_type", SERVICE_POOL)
        kwargs.setdefault("reliable_delivery", True)
        super().__init__(source_service, event_type, requeue_on_error=False, **kwargs)

    def setup(self):
        super().setup()
        config = self.container.config
        self.max_attempts = int(config.get("EVENT_MAX_ATTEMPTS", 3))
        self.retry_delay = float(config.get("EVENT_RETRY_DELAY", 0.5))
        self.metrics = service_metrics(self.container)
        self.republisher = Publisher(
            config[AMQP_URI_CONFIG_KEY],
            serializer="json",
            declare=[DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE],
            use_confirms=True,
        )

    def handle_message(self, body, message):
        try:
            parse_event(body)
        except (ValidationError, TypeError, AttributeError) as exc:
            log.error("malformed event dead-lettered (%s)", error_label(exc), extra=_log_fields(body, self.queue.name))
            self._dead_letter(body, message, "malformed_envelope")
            self._count(body, "rejected")
            self.queue_consumer.ack_message(message)
            return
        super().handle_message(body, message)

    def _count(self, body, outcome):
        if isinstance(body, dict):
            self.metrics.events_consumed.labels(str(body.get("type", "?")), str(body.get("county", "?")), outcome).inc()

    def _dead_letter(self, body, message, reason):
        headers = dict(message.headers or {})
        headers.update(
            {
                "x-wuying-reason": reason,
                "x-wuying-queue": self.queue.name,
                "x-wuying-exchange": self.queue.exchange.name,
                "x-wuying-routing-key": self.event_type,
            }
        )
        self.republisher.publish(body, exchange=DEAD_LETTER_EXCHANGE, routing_key=self.queue.name, headers=headers)

    def handle_message_processed(self, message, result=None, exc_info=None):
        body = message.payload
        if exc_info is None:
            self._count(body, "duplicate" if result == "duplicate" else "processed")
            self.queue_consumer.ack_message(message)
            return
        exc = exc_info[1]
        attempt = int((message.headers or {}).get(ATTEMPT_HEADER, 1))
        if isinstance(exc, ValidationError | ValidationFailed | RuleBroken):
            # Data the consumer cannot read, or that a domain rule refuses, will not become
            # acceptable on a retry.
            self._dead_letter(body, message, f"invalid_data:{error_label(exc)}")
            log.error("event with unreadable data dead-lettered", extra=_log_fields(body, self.queue.name))
            self._count(body, "dead_lettered")
        elif attempt < self.max_attempts:
            eventlet.sleep(self.retry_delay * attempt)
            headers = dict(message.headers or {})
            headers[ATTEMPT_HEADER] = attempt + 1
            self.republisher.publish(body, exchange="", routing_key=self.queue.name, headers=headers)
            log.warning(
                "event failed on attempt %d (%s); retrying",
                attempt,
                error_label(exc),
                extra=_log_fields(body, self.queue.name),
            )
            self._count(body, "retried")
        else:
            self._dead_letter(body, message, error_label(exc))
            log.error(
                "event dead-lettered after %d attempts (%s)",
                attempt,
                error_label(exc),
                extra=_log_fields(body, self.queue.name),
            )
            self._count(body, "dead_lettered")
        self.queue_consumer.ack_message(message)


wuying_event_handler = WuyingEventHandler.decorator
