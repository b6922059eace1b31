"""The per-event paths' stored rows (issue 15 item 2b): a consumed proposal or report reads an
official's warnings and writes a new warning or one merge by key, in the stored form, with the
checks, the version condition and the tally entry of a document's write. The same assertions on
the embedded store, on the MongoDB branch of the same code (driven through mongomock's
collection calls) and on ``FakeWarningStore``."""

import os
from datetime import datetime

import pytest
from mongoengine.errors import ValidationError

from wuying_common.errors import Conflict
from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning.domain.statistics import tally_entry
from wuying_warning.persistence import (
    ALIAS,
    OfficialWarnings,
    WarningRecord,
    WarningStore,
    new_warning_row,
    stored_time,
)

AT = datetime(2026, 11, 20, 2, 0, 0, 123456)


@pytest.fixture(params=["embedded", "mongodb", "fake"])
def store(request):
    if request.param == "fake":
        return FakeWarningStore()
    if request.param == "embedded" and os.environ.get("MONGODB_URI"):
        pytest.skip("the embedded branch needs the embedded store")
    request.getfixturevalue("embedded_store")(ALIAS)
    real = WarningStore(ALIAS, request.param)  # "mongodb": the collection calls, on either store
    for document in real.documents:
        document.drop_collection()
    real.ensure_indexes()
    return real


def fields(official="off-1", level=3, at=AT, **more):
    return {
        "official_id": official,
        "unit_id": "unit-1",
        "county": "130402",
        "level": level,
        "colour": {3: "blue", 2: "yellow", 1: "red"}[level],
        "proposer": "system:risk",
        "proposed_at": stored_time(at),
        "status": "proposed",
        "reasons": ["风险分值超过阈值"],
        "matter": "rp:工程招投标",
        "history": [{"action": "proposed", "actor": "system:risk", "at": at.isoformat()}],
        **more,
    }


def test_a_new_row_is_the_stored_form_of_the_document_it_stands_for():
    given = fields(id="w-1", trigger=None, score=71.5, cause_event_ids=["e-1"])
    document = WarningRecord(**given)
    document.version = 1
    assert new_warning_row(**given) == document.to_mongo().to_dict()
    assert new_warning_row(**fields())["_id"] != new_warning_row(**fields())["_id"]  # a fresh key each
    assert stored_time(AT) == datetime(2026, 11, 20, 2, 0, 0, 123000)


def test_a_row_is_added_once_by_key_listed_under_its_official_and_counted(store):
    row = new_warning_row(**fields(id="w-1"))
    assert store.add_warning_row(row) is True
    assert store.add_warning_row(new_warning_row(**fields(id="w-1", level=1))) is False
    stored = store.warning("w-1")
    assert (stored.level, stored.version, stored.proposed_at, stored.outbox) == (3, 1, stored_time(AT), [])
    assert store.get(OfficialWarnings, "off-1").warning_ids == ["w-1"]
    assert store.warning_tallies(["130402"])["130402"] == {"w-1": tally_entry("proposed", 3, None, None)}
    assert store.has_warning("w-1") and not store.has_warning("w-2")


def test_a_row_its_document_would_refuse_is_refused_and_nothing_is_written(store):
    for bad in (
        fields(id="w-1", county="1304"),
        {**fields(id="w-1"), "level": 4},
        {**fields(id="w-1"), "colour": "green"},
        {**fields(id="w-1"), "proposer": None},
    ):
        with pytest.raises(ValidationError):
            store.add_warning_row(new_warning_row(**bad))
    assert not store.has_warning("w-1") and store.get(OfficialWarnings, "off-1") is None
    assert store.warning_tallies(["130402"])["130402"] == {}


def test_an_officials_rows_answer_what_their_documents_answer_oldest_first(store):
    store.add_warning_row(new_warning_row(**fields(id="late", at=datetime(2026, 11, 21))))
    store.add_warning_row(new_warning_row(**fields(id="early", at=datetime(2026, 11, 1), level=2)))
    store.add(WarningRecord(**fields(id="doc", at=datetime(2026, 11, 5), status="issued", issued_on="2026-11-05")))
    store.add_warning_row(new_warning_row(**fields(official="off-2")))
    store.add_or_replace(OfficialWarnings(official_id="off-3", warning_ids=["never-written"]))
    rows, documents = store.warning_rows_of("off-1"), store.warnings_of("off-1")
    assert [r.id for r in rows] == [d.id for d in documents] == ["early", "doc", "late"]
    for row, document in zip(rows, documents, strict=True):
        assert (row.level, row.status, row.version, row.proposed_at, row.issued_on, row.matter) == (
            document.level,
            document.status,
            document.version,
            document.proposed_at,
            document.issued_on,
            document.matter,
        )
        assert row.history is None  # not read: a hot path never reads a warning's history
    assert store.warning_rows_of("off-3") == [] and store.warning_rows_of("nobody") == []


def test_a_merge_is_one_write_at_the_version_read_and_keeps_the_tally(store):
    store.add_warning_row(new_warning_row(**fields(id="w-1", status="issued", answer_due="2026-12-01")))
    [row] = store.warning_rows_of("off-1")
    written = store.merge_into_warning(
        row,
        {"reports_pending": True, "reasons": ["风险分值超过阈值", "新的信访件"]},
        {"report_event_ids": ["e-9"], "history": [{"action": "report_attached"}]},
    )
    stored = store.warning("w-1")
    assert (stored.version, stored.reports_pending, stored.report_event_ids) == (2, True, ["e-9"])
    assert stored.reasons == ["风险分值超过阈值", "新的信访件"]
    assert [h["action"] for h in stored.history] == ["proposed", "report_attached"]
    assert (written.version, written.report_event_ids) == (2, ["e-9"])
    assert store.warning_tallies(["130402"])["130402"] == {"w-1": tally_entry("issued", 3, "2026-12-01", None)}
    with pytest.raises(Conflict) as stale:  # the row read at version 1
        store.merge_into_warning(row, {}, {"report_event_ids": ["e-10"]})
    assert stale.value.code == "concurrent_update"
    assert store.warning("w-1").report_event_ids == ["e-9"]


def test_a_merge_its_document_would_refuse_is_refused_and_nothing_is_written(store):
    store.add_warning_row(new_warning_row(**fields(id="w-1")))
    [row] = store.warning_rows_of("off-1")
    for sets, pushes in (
        ({"status": None}, {}),
        ({"level": 7}, {}),
        ({}, {"merged_event_ids": [{"not": "a string"}]}),
        ({}, {"attached_proposals": ["not a dict"]}),
    ):
        with pytest.raises(ValidationError):
            store.merge_into_warning(row, sets, pushes)
    for own in ({"version": 5}, {"outbox": []}):
        with pytest.raises(ValueError):
            store.merge_into_warning(row, own, {})
    stored = store.warning("w-1")
    assert (stored.version, stored.status, stored.level, stored.merged_event_ids) == (1, "proposed", 3, [])
