"""The outbox relay's publisher on the real broker (DESIGN.md §3: nothing is lost): what it
sends is what nameko's ``Publisher`` (kombu's ``Producer``) sends, frame for frame, in order,
and a batch the broker did not take is reported, never counted as sent."""

import uuid

import pytest
from kombu import Connection, Exchange, Producer, Queue
from nameko.constants import PERSISTENT
from nameko.standalone.events import get_event_exchange

from wuying_common.publisher import ConfirmedPublisher


def _envelope(n: int, padding: int = 0) -> dict:
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "type": "wuying.testsvc.thing.happened.v1",
        "county": "130402",
        "subject": f"thing/{n}",
        "data": {"n": n, "note": "备注" + "x" * padding},
    }


@pytest.fixture
def broker(rabbit_config):
    """A connection to the test's own vhost, the service's event exchange and a queue bound to
    every routing key of it."""
    exchange = get_event_exchange("testsvc", rabbit_config)
    with Connection(rabbit_config["AMQP_URI"]) as conn:
        queue = Queue("sink", exchange=exchange, routing_key="#")(conn.channel())
        queue.declare()
        yield rabbit_config["AMQP_URI"], exchange, queue


def _drain(queue) -> list:
    messages = []
    while (message := queue.get(no_ack=True)) is not None:
        messages.append(message)
    return messages


def test_what_the_relay_sends_is_what_kombus_producer_sends(broker):
    uri, exchange, queue = broker
    envelope = _envelope(1)
    with Connection(uri) as conn:
        Producer(conn.channel(), exchange=exchange, serializer="json").publish(
            envelope,
            routing_key="thing.happened",
            message_id=envelope["id"],
            type=envelope["type"],
            delivery_mode=PERSISTENT,
            headers={},
            retry=False,
        )
    publisher = ConfirmedPublisher(uri, exchange)
    publisher.publish(envelope, routing_key="thing.happened", message_id=envelope["id"], type=envelope["type"])
    publisher.wait_for_confirms()
    publisher.close()
    theirs, ours = _drain(queue)
    assert ours.body == theirs.body
    assert ours.properties == theirs.properties
    assert ours.properties["delivery_mode"] == PERSISTENT
    assert ours.headers == theirs.headers == {}
    assert ours.delivery_info["exchange"] == theirs.delivery_info["exchange"] == "testsvc.events"
    assert ours.delivery_info["routing_key"] == theirs.delivery_info["routing_key"] == "thing.happened"
    assert ours.decode() == envelope


def test_batches_larger_than_the_buffer_arrive_whole_and_in_order(broker, monkeypatch):
    uri, exchange, queue = broker
    monkeypatch.setattr(ConfirmedPublisher, "BUFFER_BYTES", 4096)
    publisher = ConfirmedPublisher(uri, exchange)
    sent = [_envelope(n, padding=300 * (n % 7)) for n in range(60)]
    sent.append(_envelope(60, padding=200_000))  # more than a frame (frame_max 128 KiB): several body frames
    for batch in (sent[:25], sent[25:]):
        for envelope in batch:
            publisher.publish(
                envelope, routing_key=f"thing.n{envelope['data']['n'] % 3}", message_id=envelope["id"], type="t"
            )
        publisher.wait_for_confirms()
        assert publisher._unconfirmed == set()
    publisher.close()
    received = _drain(queue)
    assert [m.decode() for m in received] == sent
    assert [m.properties["message_id"] for m in received] == [e["id"] for e in sent]
    assert [m.delivery_info["routing_key"] for m in received] == [f"thing.n{n % 3}" for n in range(61)]


def test_a_batch_the_broker_refuses_raises_and_the_next_one_starts_on_a_new_connection(broker):
    """An exchange that does not exist (declaration turned off): the broker closes the channel,
    the wait for the batch's confirms raises, and nothing of it counts as sent; once the
    exchange exists the same publisher sends again."""
    uri, _, queue = broker
    missing = Exchange("nowhere.events", type="topic", durable=True, no_declare=True)
    publisher = ConfirmedPublisher(uri, missing, timeout=5)
    envelope = _envelope(1)
    publisher.publish(envelope, routing_key="thing.happened", message_id=envelope["id"], type="t")
    with pytest.raises(Exception) as refused:
        publisher.wait_for_confirms()
    assert "nowhere.events" in str(refused.value)
    assert publisher._conn is None and publisher._unconfirmed == set()
    with Connection(uri) as conn:
        channel = conn.channel()
        Exchange("nowhere.events", type="topic", durable=True)(channel).declare()
        queue.bind_to("nowhere.events", routing_key="#")
    publisher.publish(envelope, routing_key="thing.happened", message_id=envelope["id"], type="t")
    publisher.wait_for_confirms()
    publisher.close()
    assert [m.decode() for m in _drain(queue)] == [envelope]
