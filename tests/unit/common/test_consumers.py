"""The event handlers' queue consumer acks a message only after its handler, several in one
``basic.ack`` when they finished in delivery order (DESIGN.md §3: consumers ack only after
their own write)."""

import eventlet

from wuying_common.consumers import CoalescingQueueConsumer, WuyingEventHandler


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
