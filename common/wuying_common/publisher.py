"""The outbox relay's publisher (``outbox.OutboxRelay``): its own connection and channel in
publisher-confirm mode, a batch's frames written to the socket together and the broker's
confirms awaited once per batch (DESIGN.md §3: nothing of a batch counts as sent before the
broker confirmed all of it)."""

from __future__ import annotations

import logging
import time
from typing import Any

from amqp import Message, spec
from amqp.method_framing import frame_writer
from amqp.serialization import dumps as amqp_dumps
from kombu import Connection, serialization
from nameko.constants import PERSISTENT

log = logging.getLogger(__name__)


class Unconfirmed(Exception):
    """The broker refused (nack) or did not confirm in time an event of a batch."""


class ConfirmedPublisher:
    """The relay's own connection and channel, in publisher-confirm mode.

    ``publish`` sends without waiting; ``wait_for_confirms`` returns once the broker confirmed
    every message sent so far (RabbitMQ confirms several deliveries in one frame), or raises
    (nack, timeout, connection lost) after dropping the connection, so the next batch starts on
    a fresh one. Messages are those nameko's ``Publisher`` makes: JSON, persistent, the same
    properties and frames (tested against kombu's ``Producer``).

    What does not change from one message to the next is done once: the exchange is declared
    when the connection opens (``Producer`` re-checked its declaration cache on every publish),
    and a batch's frames are written to the socket together, when the batch's confirms are
    awaited (or every ``BUFFER_BYTES``), not one socket write (and py-amqp's read for a
    ``connection.blocked`` notice) per message. Nothing counts as sent before it is confirmed,
    so a write that fails takes the whole batch back to pending, as a refused publish did.
    """

    #: Frames are written once this much is buffered, so a batch of large events never holds
    #: more than this in memory before the broker sees it.
    BUFFER_BYTES = 256 * 1024

    def __init__(self, amqp_uri: str, exchange, timeout: float = 30.0) -> None:
        self.amqp_uri, self.exchange, self.timeout = amqp_uri, exchange, timeout
        self._conn: Connection | None = None
        self._channel: Any = None  # py-amqp's channel in confirm mode
        self._frames: Any = None  # py-amqp's frame writer, into ``_out`` instead of the socket
        self._out = bytearray()
        self._publish_args: dict[str, bytes] = {}  # routing key -> encoded basic.publish arguments
        self._sent = 0
        self._unconfirmed: set[int] = set()
        self._refused = False

    def _open(self):
        conn = Connection(self.amqp_uri)
        try:
            channel = conn.channel()
            channel.confirm_select()
            channel.events["basic_ack"].add(self._on_ack)
            channel.events["basic_nack"].add(self._on_nack)
            self.exchange(channel).declare()  # once per connection (a no_declare exchange: not at all)
            out = self._out
            self._frames = frame_writer(channel.connection, _Appender(out))
        except BaseException:
            conn.release()
            raise
        self._conn, self._channel = conn, channel
        out.clear()
        self._sent, self._unconfirmed, self._refused = 0, set(), False
        return channel

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        if multiple:
            self._unconfirmed = {t for t in self._unconfirmed if t > delivery_tag}
        else:
            self._unconfirmed.discard(delivery_tag)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._refused = True
        self._on_ack(delivery_tag, multiple)

    def publish(self, payload: dict, *, routing_key: str, message_id: str, type: str) -> None:
        try:
            channel = self._channel or self._open()
            content_type, content_encoding, body = serialization.dumps(payload, serializer="json")
            message = Message(
                body,
                priority=0,
                content_type=content_type,
                content_encoding=content_encoding,
                application_headers={},
                delivery_mode=PERSISTENT,
                message_id=message_id,
                type=type,
            )
            args = self._publish_args.get(routing_key)
            if args is None:
                args = self._publish_args[routing_key] = amqp_dumps(
                    "Bssbb", (0, self.exchange.name, routing_key, False, False)
                )
            self._frames(1, channel.channel_id, spec.Basic.Publish, args, message)
            if len(self._out) >= self.BUFFER_BYTES:
                self._write()
        except BaseException:
            self.close()
            raise
        self._sent += 1  # delivery tags count from 1 on a channel in confirm mode
        self._unconfirmed.add(self._sent)

    def _write(self) -> None:
        """Send the buffered frames in one socket write."""
        if self._out:
            data = bytes(self._out)
            self._out.clear()
            if self._conn is None or not self._channel.is_open:
                raise Unconfirmed("the relay's channel closed before its events were sent")
            self._channel.connection.transport.write(data)

    def wait_for_confirms(self) -> None:
        deadline = time.monotonic() + self.timeout
        try:
            self._write()
            while self._unconfirmed and not self._refused:
                remaining = deadline - time.monotonic()
                if remaining <= 0 or self._conn is None:
                    raise Unconfirmed(f"{len(self._unconfirmed)} events not confirmed in {self.timeout} s")
                try:
                    self._conn.drain_events(timeout=remaining)
                except TimeoutError:
                    continue
            if self._refused:
                raise Unconfirmed("the broker refused an event (nack)")
        except BaseException:
            self.close()
            raise

    def close(self) -> None:
        conn, self._conn, self._channel, self._frames = self._conn, None, None, None
        self._out.clear()
        self._unconfirmed, self._refused = set(), False
        if conn is not None:
            try:
                conn.release()
            except Exception:  # noqa: BLE001 - a dead connection: nothing left to close
                log.debug("outbox relay connection closed uncleanly", exc_info=True)


class _Appender:
    """The transport py-amqp's frame writer writes a batch's frames to: a buffer (the writer
    hands over a view of its own reused buffer, so the bytes are copied here)."""

    def __init__(self, out: bytearray) -> None:
        self.out = out

    def write(self, data) -> None:
        self.out += data
