"""The embedded outbox: a state change and its events are one write; the relay publishes and
only then forgets (DESIGN.md §3 "nothing is lost")."""

import pytest
from marshmallow import Schema, fields
from mongoengine import StringField

from wuying_common import outbox
from wuying_common.events import EventRegistry
from wuying_common.metrics import ServiceMetrics
from wuying_common.outbox import OutboxDocument, OutboxRelay


class _Data(Schema):
    thing_id = fields.String(required=True)


EVENT = EventRegistry().register("testsvc", "thing.happened", 1, _Data, "test")


class Thing(OutboxDocument):
    meta = {"db_alias": "outbox_test", "collection": "things"}
    id = StringField(primary_key=True)
    state = StringField()


class FakePublisher:
    """Sends into a list; ``unconfirmed`` makes the broker's confirms of a batch never come."""

    def __init__(self, fail_on=None, unconfirmed=False):
        self.sent, self.fail_on, self.unconfirmed = [], fail_on, unconfirmed
        self.confirmed = 0

    def publish(self, payload, **kwargs):
        if payload["data"]["thing_id"] == self.fail_on and payload["subject"].endswith("2"):
            raise ConnectionError("broker gone")
        self.sent.append((kwargs["routing_key"], payload))

    def wait_for_confirms(self):
        if self.unconfirmed:
            raise TimeoutError("no confirms")
        self.confirmed = len(self.sent)


def relay(publisher):
    r = OutboxRelay(Thing)
    r.publisher, r.exchange, r.metrics = publisher, "testsvc.events", ServiceMetrics("testsvc")
    return r


@pytest.fixture(params=["collection dict", "queries"])
def things(request, embedded_store, monkeypatch):
    """Each relay test twice on the embedded store: reading and clearing outboxes in the
    collection's dict, and through the queries MongoDB gets (``stored_documents`` says None)."""
    embedded_store("outbox_test")
    Thing.drop_collection()
    if request.param == "queries":
        monkeypatch.setattr(outbox, "stored_documents", lambda collection: None)
    return Thing


def make_thing(n_events=2):
    thing = Thing(id="t1", state="new")
    for i in range(1, n_events + 1):
        thing.record_event(EVENT, {"thing_id": "t1"}, subject=f"thing/t1/{i}", county="130402")
    thing.save_versioned()
    return thing


def test_the_state_and_its_events_are_saved_in_one_document(things):
    make_thing()
    stored = Thing.objects.get(id="t1")
    assert stored.state == "new"
    assert stored.outbox_pending is True
    assert [e.routing_key for e in stored.outbox] == ["thing.happened", "thing.happened"]


def test_the_relay_publishes_in_order_and_then_forgets(things):
    make_thing()
    publisher = FakePublisher()
    assert relay(publisher).flush() == 2
    assert [p["subject"] for _, p in publisher.sent] == ["thing/t1/1", "thing/t1/2"]
    assert publisher.confirmed == 2  # forgotten only once confirmed
    stored = Thing.objects.get(id="t1")
    assert stored.outbox == [] and stored.outbox_pending is False
    assert relay(publisher).flush() == 0


def test_an_event_that_could_not_be_published_stays_pending(things):
    """Nothing of a batch is forgotten before the broker confirmed all of it: the events sent
    before the failure go out again, in their order (at least once)."""
    make_thing()
    publisher = FakePublisher(fail_on="t1")
    with pytest.raises(ConnectionError):
        relay(publisher).flush()
    stored = Thing.objects.get(id="t1")
    assert [e.envelope["subject"] for e in stored.outbox] == ["thing/t1/1", "thing/t1/2"]
    assert stored.outbox_pending is True
    working = FakePublisher()
    assert relay(working).flush() == 2
    assert [p["subject"] for _, p in working.sent] == ["thing/t1/1", "thing/t1/2"]
    assert Thing.objects.get(id="t1").outbox == []


def test_a_batch_the_broker_did_not_confirm_stays_pending(things):
    make_thing()
    publisher = FakePublisher(unconfirmed=True)
    with pytest.raises(TimeoutError):
        relay(publisher).flush()
    assert len(publisher.sent) == 2
    stored = Thing.objects.get(id="t1")
    assert [e.envelope["subject"] for e in stored.outbox] == ["thing/t1/1", "thing/t1/2"]
    assert stored.outbox_pending is True


def test_a_concurrent_writer_with_a_stale_version_is_refused(things):
    from wuying_common.errors import Conflict

    make_thing(0)
    first, second = Thing.objects.get(id="t1"), Thing.objects.get(id="t1")
    first.state = "a"
    first.save_versioned()
    second.state = "b"
    with pytest.raises(Conflict):
        second.save_versioned()
    assert Thing.objects.get(id="t1").state == "a"


def test_an_event_recorded_while_the_relay_publishes_an_earlier_one_is_not_lost(things):
    """The race behind a lost petition.triaged: the writer loaded the aggregate before the relay
    removed the published entry and cleared outbox_pending."""
    make_thing(1)
    stale = Thing.objects.get(id="t1")  # a worker loads it, pending event still inside
    publisher = FakePublisher()
    relay(publisher).flush()  # relay publishes and clears outbox_pending
    stale.state = "triaged"
    stale.record_event(EVENT, {"thing_id": "t1"}, subject="thing/t1/next", county="130402")
    stale.save_versioned()
    assert relay(publisher).flush() == 1
    assert [p["subject"] for _, p in publisher.sent] == ["thing/t1/1", "thing/t1/next"]
    assert Thing.objects.get(id="t1").state == "triaged"


def test_the_relay_finds_work_by_key_and_sweeps_for_what_another_process_wrote(things):
    from wuying_common.store import PENDING

    make_thing(1)
    assert PENDING.keys(Thing, 10) == {"t1": 1}
    publisher = FakePublisher()
    r = relay(publisher)
    assert r.flush() == 1
    assert PENDING.keys(Thing, 10) == {}
    # Written by another process: no key here, the next sweep finds it.
    other = Thing.objects.get(id="t1")
    other.record_event(EVENT, {"thing_id": "t1"}, subject="thing/t1/elsewhere", county="130402")
    other.save_versioned()
    PENDING.done(Thing, "t1", PENDING.keys(Thing, 10)["t1"])  # as if it happened elsewhere
    assert r.flush() == 0  # swept only every OUTBOX_SWEEP_INTERVAL
    r._next_sweep = 0
    assert r.flush() == 1
    assert publisher.sent[-1][1]["subject"] == "thing/t1/elsewhere"


def test_a_key_marked_again_while_its_events_are_published_is_kept():
    from wuying_common.store import PendingKeys

    keys = PendingKeys()
    keys.mark(Thing, "t1")
    taken = keys.keys(Thing, 10)
    keys.mark(Thing, "t1")  # a writer pushes a new event meanwhile
    keys.done(Thing, "t1", taken["t1"])
    assert list(keys.keys(Thing, 10)) == ["t1"]
    keys.done(Thing, "t1", keys.keys(Thing, 10)["t1"])
    assert keys.count((Thing,)) == 0


def test_the_sweep_on_the_embedded_store_finds_what_the_query_finds(things):
    from wuying_common.embedded import flagged_keys
    from wuying_common.store import PENDING

    for n in range(5):
        thing = Thing(id=f"t{n}", state="new")
        if n % 2 == 0:
            thing.record_event(EVENT, {"thing_id": thing.id}, subject=f"thing/t{n}", county="130402")
        thing.save_versioned()
    queried = [doc.pk for doc in Thing.objects(outbox_pending=True).only("id")]
    assert queried == ["t0", "t2", "t4"]
    assert flagged_keys(Thing, "outbox_pending", 10) == queried
    assert flagged_keys(Thing, "outbox_pending", 2) == ["t0", "t2"]
    for key, marks in PENDING.keys(Thing, 10).items():
        PENDING.done(Thing, key, marks)
    assert relay(FakePublisher()).sweep() == 3
    assert list(PENDING.keys(Thing, 10)) == ["t0", "t2", "t4"]


def test_an_event_pushed_while_its_aggregates_batch_is_sent_stays_pending(things):
    """A worker writes between the relay's read and its removal (publishing yields): only the
    published entries leave the outbox, the new one and ``outbox_pending`` stay."""
    make_thing(2)

    class WriterDuringPublish(FakePublisher):
        def publish(self, payload, **kwargs):
            super().publish(payload, **kwargs)
            if len(self.sent) == 1:
                writer = Thing.objects.get(id="t1")
                writer.record_event(EVENT, {"thing_id": "t1"}, subject="thing/t1/meanwhile", county="130402")
                writer.save_versioned()

    publisher = WriterDuringPublish()
    assert relay(publisher).flush() == 2
    assert [p["subject"] for _, p in publisher.sent] == ["thing/t1/1", "thing/t1/2"]
    stored = Thing.objects.get(id="t1")
    assert [e.envelope["subject"] for e in stored.outbox] == ["thing/t1/meanwhile"]
    assert stored.outbox_pending is True
    assert relay(publisher).flush() == 1
    assert publisher.sent[-1][1]["subject"] == "thing/t1/meanwhile"
    stored = Thing.objects.get(id="t1")
    assert stored.outbox == [] and stored.outbox_pending is False


def test_the_backlog_gauge_shows_pending_aggregates_before_publishing_and_none_after(things):
    make_thing(2)
    r = relay(FakePublisher())
    gauge = r.metrics.outbox_pending
    seen = []

    class Watching(FakePublisher):
        def publish(self, payload, **kwargs):
            seen.append(gauge._value.get())
            super().publish(payload, **kwargs)

    r.publisher = Watching()
    assert r.flush() == 2
    assert seen == [1.0, 1.0]  # one aggregate pending while its events are sent
    assert gauge._value.get() == 0
    assert r.flush() == 0  # idle: nothing read, nothing sent
    assert len(r.publisher.sent) == 2 and gauge._value.get() == 0
