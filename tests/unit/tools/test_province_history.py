"""The province loader hands intake the simulated year through its historical import."""

from datetime import UTC, datetime

from wuying_intake.schemas import ImportReportsSchema
from wuying_tools.province_load import historical_report

LINE = {
    "petition_id": "9f2c61ab0e1d4c3b8a7f6e5d4c3b2a19",
    "event_id": "0e1d4c3b8a7f6e5d4c3b2a199f2c61ab",
    "county": "130402",
    "official_id": "O130402-000017",
    "category": "key_sectors",
    "category_zh": "重点领域",
    "severity": "medium",
    "triaged_at": "2026-03-10T06:30:00Z",
}


def test_a_simulated_report_is_taken_by_intakes_import_the_same_on_every_load():
    now = datetime(2026, 11, 30, tzinfo=UTC)
    row = historical_report(LINE, now)
    assert row == historical_report(dict(LINE), now)  # derived from the line's id alone
    loaded = ImportReportsSchema().load({"reports": [row]})["reports"][0]
    assert loaded["anonymous"] is True and loaded["reporter"] is None
    assert loaded["triage"]["subjects"] == [{"kind": "official", "id": "O130402-000017", "county": "130402"}]
    assert loaded["received_on"] <= loaded["triage"]["triaged_at"].date()
    assert (loaded["status"] == "closed") == (loaded["closure"] is not None)


def test_a_report_triaged_after_now_is_left_for_later():
    assert historical_report(dict(LINE, triaged_at="2026-12-20T06:30:00Z"), datetime(2026, 11, 30, tzinfo=UTC)) is None
