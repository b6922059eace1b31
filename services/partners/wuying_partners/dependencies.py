"""The republisher's two doors to the brokers: the partner exchange and the dead letters."""

from __future__ import annotations

import json

from kombu import Exchange
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.extensions import DependencyProvider

from wuying_common.consumers import DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE

from . import routing


class PartnerBroker:
    def __init__(self, partner: Publisher, exchange: Exchange, dead_letters: Publisher, queue: str) -> None:
        self._partner = partner
        self._exchange = exchange
        self._dead_letters = dead_letters
        self._queue = queue

    def publish(self, envelope: dict, key: str) -> None:
        """Publish in CloudEvents structured mode; returns once the partner broker confirmed."""
        self._partner.publish(
            json.dumps(envelope, ensure_ascii=False, separators=(",", ":")).encode("utf-8"),
            exchange=self._exchange,
            routing_key=key,
            content_type=routing.CONTENT_TYPE,
            content_encoding="utf-8",
            message_id=envelope["id"],
            type=envelope["type"],
            # Fail fast: the consumer requeues the event, a blocked worker would hold it instead.
            retry=False,
        )

    def dead_letter(self, body, reason: str) -> None:
        headers = {"x-wuying-reason": reason, "x-wuying-queue": self._queue, "x-wuying-exchange": "partners"}
        self._dead_letters.publish(body, exchange=DEAD_LETTER_EXCHANGE, routing_key=self._queue, headers=headers)


class PartnerBrokerProvider(DependencyProvider):
    def setup(self) -> None:
        config = self.container.config
        # Passive: the partner exchange is the broker setup's (scripts/partners.py, or the
        # Topology Operator); the republisher's user may write to it, not reconfigure it.
        exchange = Exchange(
            config.get("PARTNER_EXCHANGE", routing.PARTNER_EXCHANGE), type="topic", durable=True, passive=True
        )
        self.broker = PartnerBroker(
            Publisher(config["PARTNER_AMQP_URI"], use_confirms=True, declare=[exchange]),
            exchange,
            Publisher(
                config[AMQP_URI_CONFIG_KEY],
                serializer="json",
                use_confirms=True,
                declare=[DEAD_LETTER_EXCHANGE, DEAD_LETTER_QUEUE],
            ),
            config.get("PARTNER_REPUBLISH_QUEUE", routing.REPUBLISH_QUEUE),
        )

    def get_dependency(self, worker_ctx) -> PartnerBroker:
        return self.broker
