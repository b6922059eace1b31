"""Importing a commission's historical reports (历史信访件导入): checked whole, written in bulk with
their tallies, no events, the reporter sealed or absent."""

import copy
from datetime import UTC, date, datetime

import pytest
from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.errors import Forbidden
from wuying_common.rules import UnprocessableInput
from wuying_intake import handlers
from wuying_intake.schemas import ImportReportsSchema

OPERATOR = Principal("op-1", frozenset({"operator"}), ("130402",))
REPORTER = {"name": "李举报", "phone": "13912345678", "address": "幸福路88号"}
REPORT = {
    "petition_id": "OLD-2026-000001",
    "channel": "letter",
    "category": "key_sectors",
    "county": "130402",
    "kind": "petition",
    "content": "原系统登记的反映材料，内容完整。",
    "subjects": [{"kind": "official", "name": "周某"}],
    "anonymous": False,
    "reporter": REPORTER,
    "received_on": "2026-03-02",
    "status": "closed",
    "triage": {
        "outcome": "no_substance",
        "severity": "low",
        "note": "经核查无实质内容",
        "triaged_at": "2026-03-05T02:00:00Z",
    },
    "closure": {"answer": "已答复", "closed_at": "2026-04-20T02:00:00Z"},
    "acknowledged_on": "2026-03-04",
}


def load(*reports) -> list[dict]:
    return ImportReportsSchema().load({"reports": [copy.deepcopy(r) for r in reports]})["reports"]


def test_a_closed_named_report_is_stored_sealed_with_its_deadlines_answered_and_no_events(
    real_store, clock, calendar, keyring
):
    anonymous = dict(REPORT, petition_id="OLD-2026-000002", anonymous=True, reporter=None, acknowledged_on=None)
    anonymous.update(status="triaged", closure=None)
    result = handlers.import_reports(real_store, clock, calendar, keyring, OPERATOR, load(REPORT, anonymous))
    assert result == {"received": 2, "imported": 2, "skipped": []}
    closed = real_store.get_petition("OLD-2026-000001")
    assert closed.status == "closed" and closed.outbox == [] and not closed.outbox_pending
    assert closed.reporter.ciphertext and "李举报" not in str(closed.to_mongo())
    assert keyring.open(closed.id, closed.reporter.to_domain())["name"] == "李举报"
    assert {d.key: d.met_by for d in closed.deadlines} == {"register": "acknowledged", "handle": "close"}
    assert closed.retain_until is not None
    accepted = real_store.get_petition("OLD-2026-000002")
    assert accepted.reporter is None and accepted.receipt is None and accepted.deadline("handle").met_on is None
    stats = handlers.statistics(real_store, OPERATOR, {"county": "130402"}, date(2026, 11, 20))
    assert (stats["total"], stats["status"]["closed"], stats["overdue"]) == (2, 1, 1)  # 60 days to handle, passed
    # sent again after a failure: nothing doubles
    again = handlers.import_reports(real_store, clock, calendar, keyring, OPERATOR, load(REPORT))
    assert again == {"received": 1, "imported": 0, "skipped": ["OLD-2026-000001"]}
    assert handlers.statistics(real_store, OPERATOR, {"county": "130402"}, date(2026, 11, 20))["total"] == 2


@pytest.mark.parametrize(
    "change, field, code",
    [
        ({"received_on": "2026-12-01"}, "reports.1.received_on", "date_in_future"),
        (
            {"triage": {**REPORT["triage"], "triaged_at": "2026-03-01T02:00:00Z"}},
            "reports.1.triage.triaged_at",
            "out_of_order",
        ),
        (
            {"closure": {**REPORT["closure"], "closed_at": "2026-03-04T02:00:00Z"}},
            "reports.1.closure.closed_at",
            "out_of_order",
        ),
        ({"petition_id": "OLD-2026-000001"}, "reports.1.petition_id", "duplicate_in_batch"),
    ],
)
def test_a_batch_with_one_report_refused_writes_nothing_and_names_the_field(
    real_store, clock, calendar, keyring, change, field, code
):
    bad = {**REPORT, "petition_id": "OLD-2026-000009", **change}
    with pytest.raises(UnprocessableInput) as exc:
        handlers.import_reports(real_store, clock, calendar, keyring, OPERATOR, load(REPORT, bad))
    assert (exc.value.field, exc.value.code) == (field, code)
    assert real_store.count() == 0
    assert handlers.statistics(real_store, OPERATOR, {"county": "130402"}, clock.today())["total"] == 0


def test_a_county_the_caller_does_not_cover_and_a_malformed_report_are_refused(real_store, clock, calendar, keyring):
    with pytest.raises(Forbidden) as exc:
        handlers.import_reports(real_store, clock, calendar, keyring, OPERATOR, load(dict(REPORT, county="130102")))
    assert exc.value.fields == {"reports.0.county": "不在令牌授权的地区范围内"}
    with pytest.raises(ValidationError) as invalid:
        load(dict(REPORT, status="closed", closure=None), dict(REPORT, anonymous=True))
    assert set(invalid.value.messages["reports"]) == {0, 1}
    assert real_store.count() == 0
    with pytest.raises(ValidationError):
        load(dict(REPORT, triage={**REPORT["triage"], "triaged_at": datetime(2026, 3, 5, tzinfo=UTC).isoformat()[:-6]}))
