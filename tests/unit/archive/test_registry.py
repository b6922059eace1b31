"""The registry on the fake store: every lifecycle change is saved with one ``official.changed``
(004/4 深圳龙岗 动态更新; issue 10 fixes the dropped same-unit change), posts are time-bounded."""

from datetime import date

import pytest

from wuying_archive import handlers
from wuying_archive.persistence import Official
from wuying_common.rules import InvalidInput
from wuying_testing.fakes.archive import FakeArchiveStore

ZHANG = {"id": "off-1", "name": "张伟", "county": "130402", "unit_id": "unit-1", "post": "副局长", "rank": "副处级"}


@pytest.fixture
def store():
    return FakeArchiveStore()


def events(store, official_id="off-1"):
    return [e.envelope for e in store.get(Official, official_id).outbox]


def test_a_promotion_within_the_same_unit_is_saved_with_its_event(store, clock):
    handlers.register(store, clock, [], [dict(ZHANG, since="2020-01-01")])
    handlers.register(store, clock, [], [dict(ZHANG, post="局长", rank="正处级", since="2026-11-01")])
    official = store.get(Official, "off-1")
    assert (official.post, official.rank, official.version) == ("局长", "正处级", 2)
    promoted = events(store)[-1]["data"]
    assert promoted["change"] == "promoted"
    assert (promoted["previous_post"], promoted["previous_rank"], promoted["effective_on"]) == (
        "副局长",
        "副处级",
        "2026-11-01",
    )
    assert [(p.post, p.start, p.end) for p in official.postings] == [
        ("副局长", "2020-01-01", "2026-10-31"),
        ("局长", "2026-11-01", None),
    ]


def test_who_held_a_post_on_a_date_is_answered_from_the_occupancies(store, clock):
    handlers.register(store, clock, [], [dict(ZHANG, post="局长", rank="正处级", since="2018-01-01")])
    handlers.register(store, clock, [], [dict(ZHANG, unit_id="unit-2", since="2024-01-01")])
    handlers.register(
        store, clock, [], [dict(ZHANG, id="off-2", name="李娜", post="局长", rank="正处级", since="2024-02-01")]
    )
    assert [o.id for o, _ in store.holders("unit-1", "局长", date(2023, 6, 1))] == ["off-1"]
    assert store.holders("unit-1", "局长", date(2024, 1, 15)) == []
    assert [o.id for o, _ in store.holders("unit-1", "局长", date(2024, 2, 1))] == ["off-2"]


def test_each_lifecycle_change_is_one_write_and_one_event(store, clock):
    steps = [
        dict(ZHANG),
        dict(ZHANG, status="seconded", seconded_to="unit-9"),
        dict(ZHANG),
        dict(ZHANG, rank="正科级"),
        dict(ZHANG, post="调研员", rank="正科级"),
        dict(ZHANG, post="调研员", rank="正科级", status="retired"),
        dict(ZHANG, post="调研员", rank="正科级", status="deceased"),
    ]
    for row in steps:
        handlers.register(store, clock, [], [row])
    changes = [e["data"]["change"] for e in events(store)]
    assert changes == ["registered", "seconded", "returned", "rank_changed", "post_changed", "retired", "died"]
    assert store.get(Official, "off-1").version == len(steps)


def test_a_corrected_name_or_new_tags_are_saved_as_an_update(store, clock):
    handlers.register(store, clock, [], [ZHANG])
    handlers.register(store, clock, [], [dict(ZHANG, name="张玮", tags=["key_minority"])])
    official = store.get(Official, "off-1")
    assert (official.name, official.tags, official.tag_version) == ("张玮", ["key_minority"], "2026.1")
    assert events(store)[-1]["data"]["change"] == "updated"
    assert events(store)[-1]["data"]["tags"] == ["key_minority"]


def test_an_unknown_tag_is_refused_before_anything_is_written(store, clock):
    with pytest.raises(InvalidInput) as refused:
        handlers.register(store, clock, [], [dict(ZHANG, tags=["vip"])])
    assert refused.value.field == "tags"
    assert store.get(Official, "off-1") is None


def test_every_official_changed_event_is_valid_against_its_schema(store, clock):
    from wuying_archive.schemas import OfficialChangedV1Schema

    handlers.register(store, clock, [], [ZHANG, dict(ZHANG, id="off-2"), dict(ZHANG, unit_id="unit-3")])
    for official_id in ("off-1", "off-2"):
        for envelope in events(store, official_id):
            assert OfficialChangedV1Schema().validate(envelope["data"]) == {}
            assert envelope["subject"] == f"official/{official_id}"
