"""The event handlers' queue consumer acks a message only after its handler, several in one
``basic.ack`` when they finished in delivery order (DESIGN.md §3: consumers ack only after
their own write)."""

import struct

import eventlet
import pytest
from amqp.transport import TCPTransport
from hypothesis import given
from hypothesis import strategies as st

from wuying_common.consumers import READ_AHEAD, CoalescingQueueConsumer, WuyingEventHandler, read_ahead


class FakeChannel:
    def __init__(self):
        self.connection = object()  # open
        self.acks = []  # (tag, multiple)
        self.rejects = []

    def basic_ack(self, tag, multiple=False):
        self.acks.append((tag, multiple))

    def basic_reject(self, tag, requeue):
        self.rejects.append((tag, requeue))


class FakeMessage:
    def __init__(self, channel, tag):
        self.channel, self.delivery_tag = channel, tag
        self.delivery_info = {"routing_key": "thing.happened"}

    def ack(self):
        self.channel.basic_ack(self.delivery_tag)

    def requeue(self):
        self.channel.basic_reject(self.delivery_tag, requeue=True)


class FakeContainer:
    def __init__(self):
        self.spawned = []

    def spawn_managed_thread(self, fn, identifier=None):
        self.spawned.append(fn)


class FakeProvider:
    def handle_message(self, body, message):
        raise AssertionError("only spawned in these tests")


def _consumer():
    consumer = CoalescingQueueConsumer()
    consumer.container = FakeContainer()
    return consumer


def _deliver(consumer, channel, *tags):
    messages = {tag: FakeMessage(channel, tag) for tag in tags}
    for message in messages.values():
        consumer.handle_message(provider=FakeProvider(), body={}, message=message)
    return messages


def test_messages_finished_in_order_are_acked_in_one_frame_after_their_handlers():
    consumer, channel = _consumer(), FakeChannel()
    messages = _deliver(consumer, channel, 1, 2, 3, 4)
    assert len(consumer.container.spawned) == 4  # every message still goes to its handler
    for tag in (1, 2, 3):
        consumer.ack_message(messages[tag])
    assert channel.acks == []  # sent once the finishing worker yields
    eventlet.sleep(0)
    assert channel.acks == [(3, True)]  # 4 is still running: not covered
    consumer.ack_message(messages[4])
    eventlet.sleep(0)
    assert channel.acks == [(3, True), (4, True)]
    assert (consumer.acked, consumer.acks_sent) == (4, 2)


def test_a_message_finished_behind_a_running_one_is_acked_alone():
    consumer, channel = _consumer(), FakeChannel()
    messages = _deliver(consumer, channel, 1, 2, 3)
    consumer.ack_message(messages[1])
    consumer.ack_message(messages[3])
    eventlet.sleep(0)
    assert channel.acks == [(1, True), (3, False)]  # 2 still running, never acked
    consumer.ack_message(messages[2])
    eventlet.sleep(0)
    assert channel.acks[-1] == (2, True)  # 3 is settled: the multiple ack covers only 2


def test_after_a_skipped_delivery_tag_every_message_is_acked_alone():
    consumer, channel = _consumer(), FakeChannel()
    messages = _deliver(consumer, channel, 1, 2)
    messages.update(_deliver(consumer, channel, 4, 5))  # tag 3 went somewhere else on the channel
    for message in messages.values():
        consumer.ack_message(message)
    eventlet.sleep(0)
    assert channel.acks == [(1, False), (2, False), (4, False), (5, False)]


def test_a_requeued_message_is_rejected_and_never_acked():
    consumer, channel = _consumer(), FakeChannel()
    messages = _deliver(consumer, channel, 1, 2)
    consumer.requeue_message(messages[1])
    consumer.ack_message(messages[2])
    eventlet.sleep(0)
    assert channel.rejects == [(1, True)]
    assert channel.acks == [(2, True)]


def test_nothing_is_acked_on_a_closed_channel_and_its_deliveries_are_forgotten():
    consumer, old = _consumer(), FakeChannel()
    messages = _deliver(consumer, old, 1, 2)
    consumer.ack_message(messages[1])
    old.connection = None  # the connection dropped: the broker redelivers 1 and 2
    eventlet.sleep(0)
    assert old.acks == []
    new = FakeChannel()
    again = _deliver(consumer, new, 1)
    consumer.ack_message(again[1])
    eventlet.sleep(0)
    assert new.acks == [(1, True)]
    assert old not in consumer._unsettled


def test_each_service_s_event_handlers_share_the_coalescing_consumer_not_nameko_s():
    assert isinstance(WuyingEventHandler.queue_consumer, CoalescingQueueConsumer)


# -- reading ahead on the consumer's connection ------------------------------------------------
def _frames(payloads: list[bytes]) -> bytes:
    return b"".join(struct.pack(">BHI", 1 + n % 3, n % 5, len(p)) + p + b"\xce" for n, p in enumerate(payloads))


class ScriptedSocket:
    """``recv`` hands out a byte stream in the given chunk sizes (never more than asked), and
    raises a timeout where the script says ``None``."""

    def __init__(self, stream: bytes, script: list):
        self.stream, self.script, self.asked = stream, list(script), []

    def recv(self, bufsize: int) -> bytes:
        self.asked.append(bufsize)
        step = self.script.pop(0) if self.script else len(self.stream)
        if step is None:
            raise TimeoutError()
        chunk, self.stream = self.stream[: min(step, bufsize)], self.stream[min(step, bufsize) :]
        return chunk


def _transport(stream: bytes, script: list, ahead: bool) -> tuple[TCPTransport, ScriptedSocket]:
    transport = TCPTransport("127.0.0.1:1")  # never connected: reads go to the scripted socket
    sock = ScriptedSocket(stream, script)
    transport._read_buffer, transport._quick_recv = b"", sock.recv
    if ahead:
        read_ahead(transport)
    return transport, sock


def _read_all(transport: TCPTransport, count: int) -> list:
    frames = []
    while len(frames) < count:
        try:
            frames.append(transport.read_frame())
        except TimeoutError:
            continue  # as amqp's drain_events: the partly read frame was kept, read again
    return frames


@given(
    payloads=st.lists(st.binary(max_size=300), min_size=1, max_size=12),
    script=st.lists(st.one_of(st.none(), st.integers(1, 700)), max_size=40),
)
def test_reading_ahead_gives_the_frames_py_amqp_reads_whatever_the_socket_hands_over(payloads, script):
    """Same frames, same order, from any chunking of the stream, timeouts in mid-frame included."""
    stream = _frames(payloads)
    plain, _ = _transport(stream, script, ahead=False)
    ahead, sock = _transport(stream, script, ahead=True)
    expected = [(1 + n % 3, n % 5, p) for n, p in enumerate(payloads)]
    assert _read_all(plain, len(payloads)) == expected
    assert _read_all(ahead, len(payloads)) == expected
    assert all(asked >= READ_AHEAD for asked in sock.asked)


def test_reading_ahead_takes_several_messages_in_one_read_and_keeps_the_rest():
    stream = _frames([b"x" * 200] * 30)
    transport, sock = _transport(stream, [], ahead=True)
    assert len(_read_all(transport, 10)) == 10
    assert len(sock.asked) == 1  # all 30 frames came in one read
    assert len(transport._read_buffer) == len(stream) - 10 * (8 + 200)
    read_ahead(transport)  # again (a reconnection): no second wrapping
    assert len(_read_all(transport, 20)) == 20 and len(sock.asked) == 1


def test_a_closed_socket_is_reported_as_py_amqp_reports_it():
    transport, _ = _transport(_frames([b"abc"])[:5], [], ahead=True)
    with pytest.raises(OSError, match="unexpectedly closed"):
        transport.read_frame()


def test_the_event_consumer_reads_ahead_on_every_connection_it_sets_up():
    class Channel:
        def __init__(self):
            self.connection = type("Connection", (), {})()
            self.connection.transport = TCPTransport("127.0.0.1:1")

    consumer = _consumer()
    for channel in (Channel(), Channel()):  # the first connection, then a reconnection
        assert "_read" not in vars(channel.connection.transport)
        consumer.get_consumers(object, channel)
        assert "_read" in vars(channel.connection.transport)
