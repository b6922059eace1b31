"""Tallies kept by key (issue 14 item 7): entries set by record key, idempotent, read by keys."""

import os

import pytest

from wuying_common.store import Store
from wuying_common.tallies import TallyDocument, TallyWrites, entry_field, record_key, tally_key


class CountyTally(TallyDocument):
    meta = {"db_alias": "tally_test", "collection": "county_tallies"}


class TallyStore(TallyWrites, Store):
    documents = (CountyTally,)


@pytest.fixture(params=["embedded", "mongodb"])
def store(request, embedded_store):
    """Both write paths: the embedded store's in-place one and the update MongoDB gets (which
    mongomock also answers); with MONGODB_URI set, only the real one."""
    if os.environ.get("MONGODB_URI") and request.param == "embedded":
        pytest.skip("MONGODB_URI is set: the embedded path does not apply")
    embedded_store("tally_test")
    CountyTally.drop_collection()
    return TallyStore("tally_test", request.param)


@pytest.mark.parametrize("key", ["W-1", "a.b", "$x", "100%.$", "甲.乙"])
def test_a_record_key_becomes_a_field_name_mongo_accepts_and_comes_back(key):
    field = entry_field(key)
    assert "." not in field and not field.startswith("$")
    assert record_key(field) == key


def test_entries_are_set_by_key_idempotently_and_removed_by_none(store):
    key = tally_key("130402", 2026)
    assert key == "130402:2026" and tally_key("130402") == "130402"
    store.set_entry(CountyTally, key, "W.1", {"level": "red"})
    store.set_entry(CountyTally, key, "W.1", {"level": "red"})  # a retried write counts once
    store.set_entries(CountyTally, key, {"W-2": {"level": "blue"}, "W-3": {"level": "yellow"}})
    store.set_entry(CountyTally, key, "W-3", None)
    assert store.tallies(CountyTally, [key, "130403:2026"]) == {
        key: {"W.1": {"level": "red"}, "W-2": {"level": "blue"}},
        "130403:2026": {},
    }


def test_a_tally_is_rebuilt_whole_from_its_records(store):
    store.set_entries(CountyTally, "130402", {"stale": {"level": "red"}, "W-1": {"level": "blue"}})
    store.replace_tally(CountyTally, "130402", {"W-1": {"level": "yellow"}})
    assert store.tallies(CountyTally, ["130402"]) == {"130402": {"W-1": {"level": "yellow"}}}
    store.set_entries(CountyTally, "130402", {})  # nothing to write writes nothing
    assert store.tallies(CountyTally, []) == {}


def test_the_rebuild_scope_is_every_county_or_a_list_of_six_digit_codes():
    """Every service's ``rebuild_tallies(counties=None)`` takes its counties through this rule."""
    from wuying_common.tallies import CountiesInvalid, rebuild_counties

    assert rebuild_counties(None) is None
    assert rebuild_counties([]) == []
    assert rebuild_counties(["130403", "130402", "130403"]) == ["130403", "130402"]
    for bad in ("130402", ["13"], ["1304021"], [130402], ["13040x"], {"county": "130402"}, ["130402\n"]):
        with pytest.raises(CountiesInvalid) as caught:
            rebuild_counties(bad)
        assert caught.value.fields == {"counties": "须为六位行政区划代码的列表"}
        assert (caught.value.status, caught.value.code) == (400, "counties_invalid")
