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

import errno
import itertools
import logging
import types

import eventlet
from amqp.exceptions import AMQPError
from amqp.transport import TCPTransport
from kombu import Exchange, Queue
from marshmallow import ValidationError
from nameko.amqp.publish import Publisher
from nameko.constants import AMQP_URI_CONFIG_KEY
from nameko.events import SERVICE_POOL, EventHandler
from nameko.messaging import QueueConsumer

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


class CoalescingQueueConsumer(QueueConsumer):
    """nameko's queue consumer for the event handlers, acking what is done in one ``basic.ack``.

    nameko acks each message alone, right after its handler: one frame and one socket write per
    event, a fifth of archive's CPU in the drain of a burst. This consumer still acks a message
    only once its handler has finished (its own write made: nothing is acked early), but sends
    the acks of the messages finished meanwhile together, in one ``basic.ack`` with
    ``multiple`` set, from a greenthread scheduled by the first of them (it runs as soon as
    that worker yields: an ack waits one turn of the event loop, never a timer).

    ``multiple`` acks every unsettled delivery up to a tag, so it is used only for a prefix of
    deliveries this consumer has seen and seen finished, with consecutive tags (no delivery on
    the channel went past it). A finished message behind one still running is acked alone, so
    a slow handler never holds the others' prefetch. A separate shared extension, hence its own
    connection and channel: nameko's RPC entrypoints keep the plain consumer, and their
    deliveries never share the tags acked here. An ack lost with its connection means a
    redelivery, which handlers already treat as a duplicate (at least once, as before).
    """

    def __init__(self):
        super().__init__()
        # channel -> {delivery tag: finished}, in delivery order (the consumer thread's order)
        self._unsettled: dict = {}
        self._last_tag: dict = {}  # channel -> the last delivery tag seen
        self._broken: set = set()  # channels where a delivery skipped a tag: no multiple acks
        self._flush_scheduled = False
        self.acked = self.acks_sent = 0  # messages acked, basic.ack frames sent

    def get_consumers(self, consumer_cls, channel):
        read_ahead(channel.connection.transport)  # called on every (re)connection
        return super().get_consumers(consumer_cls, channel)

    def handle_message(self, provider, body, message):
        channel, tag = message.channel, message.delivery_tag
        if tag != self._last_tag.get(channel, 0) + 1:
            self._broken.add(channel)
        self._last_tag[channel] = tag
        self._unsettled.setdefault(channel, {})[tag] = False
        super().handle_message(provider, body, message)

    def ack_message(self, message):
        pending = self._unsettled.get(message.channel)
        if pending is None or message.delivery_tag not in pending:
            super().ack_message(message)  # not delivered through handle_message
            return
        pending[message.delivery_tag] = True
        if not self._flush_scheduled:
            self._flush_scheduled = True
            eventlet.spawn_n(self._flush)

    def requeue_message(self, message):
        self._unsettled.get(message.channel, {}).pop(message.delivery_tag, None)
        super().requeue_message(message)

    def _flush(self):
        """Ack what has finished, channel by channel, until nothing finished is left (acks of
        messages finishing while a frame is written are sent by the same greenthread, in order)."""
        try:
            while self._flush_once():
                pass
        finally:
            self._flush_scheduled = False

    def _flush_once(self) -> bool:
        sent = False
        for channel in list(self._unsettled):
            pending = self._unsettled[channel]
            if not channel.connection:  # closed: the broker has taken its deliveries back
                self._forget(channel)
                continue
            prefix = list(itertools.takewhile(pending.__getitem__, pending))
            alone = [tag for tag in itertools.islice(pending, len(prefix), None) if pending[tag]]
            for tag in itertools.chain(prefix, alone):
                del pending[tag]
            if channel in self._broken:
                prefix, alone = [], prefix + alone
            try:
                if prefix:
                    channel.basic_ack(prefix[-1], multiple=True)
                for tag in alone:
                    channel.basic_ack(tag)
            except (AMQPError, OSError) as exc:
                # The connection or channel is closing: the broker redelivers what was not acked.
                log.warning("acks not sent (%s); the broker will redeliver", type(exc).__name__)
                continue
            self.acked += len(prefix) + len(alone)
            self.acks_sent += bool(prefix) + len(alone)
            sent = sent or bool(prefix or alone)
        return sent

    def _forget(self, channel) -> None:
        del self._unsettled[channel]
        self._last_tag.pop(channel, None)
        self._broken.discard(channel)


#: How much one socket read may take beyond the frame being read (see ``read_ahead``).
READ_AHEAD = 16 * 1024


def read_ahead(transport) -> None:
    """Make a py-amqp TCP transport read what the socket holds, not just what it needs.

    py-amqp reads a frame in three exact reads (its header, its payload, its end octet), and a
    delivered message is three frames: nine ``recv`` calls, each a trip through eventlet's
    green socket, per message. Reading up to ``READ_AHEAD`` bytes at a time (``recv`` returns
    what is there; it waits only while nothing is) and keeping the rest in the transport's
    own buffer gives the same bytes in the same order with one call per several messages.
    Only the plain TCP transport of the connection it is called on; idempotent."""
    if type(transport) is TCPTransport and "_read" not in vars(transport):
        transport._read = types.MethodType(_read_ahead, transport)


def _read_ahead(self, n, initial=False, _errnos=(errno.EAGAIN, errno.EINTR)):
    """``TCPTransport._read`` (read exactly ``n`` bytes), reading ahead into a bytearray
    (``del buffer[:n]`` drops the consumed front without copying the rest). py-amqp puts a
    partly read frame back as ``bytes`` after a timeout: it becomes a bytearray again here."""
    buffer = self._read_buffer
    if type(buffer) is not bytearray:
        buffer = self._read_buffer = bytearray(buffer)
    recv = self._quick_recv
    while len(buffer) < n:
        try:
            chunk = recv(max(n - len(buffer), READ_AHEAD))
        except OSError as exc:
            if exc.errno in _errnos:
                if initial and self.raise_on_initial_eintr:
                    raise TimeoutError() from exc
                continue
            raise
        if not chunk:
            raise OSError("Server unexpectedly closed connection")
        buffer += chunk
    result = bytes(buffer[:n])
    del buffer[:n]
    return result


class WuyingEventHandler(EventHandler):
    queue_consumer = CoalescingQueueConsumer()

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
