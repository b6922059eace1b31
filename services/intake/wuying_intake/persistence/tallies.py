"""The reports' tallies (``wuying_common.tallies``): per county and year of receipt (``county:year``),
each report's entry (``domain.statistics.report_entry``), so the statistics of a province read a
hundred small documents instead of every report. ``years`` lists the years that hold reports."""

from __future__ import annotations

from functools import cache

from wuying_common.calendar import WorkingDayCalendar
from wuying_common.clock import beijing_date
from wuying_common.tallies import TallyDocument, tally_key

from ..domain.statistics import report_entry
from .alias import ALIAS
from .petition import Petition

#: the tally document listing the years that hold reports (its entries: ``"2026": {}``)
YEARS_KEY = "years"

#: what a petition's entry is built from (a rebuild reads only these)
TALLY_FIELDS = ("id", "county", "received_on", "status", "channel", "category", "triage", "closure", "deadlines")


class ReportTally(TallyDocument):
    """A county's reports received in one year: petition id → entry."""

    meta = {"db_alias": ALIAS, "collection": "report_tallies"}


def report_tally_key(county: str, received_on) -> str:
    return tally_key(county, received_on.year)


def petition_entry(petition: Petition, calendar) -> dict:
    """A petition's entry, from the petition as it is now (every write sets it again)."""
    return report_entry(
        received_on=petition.received_on,
        status=petition.status,
        channel=petition.channel,
        category=petition.category,
        accepted_on=beijing_date(petition.triage.triaged_at)
        if petition.triage and petition.triage.triaged_at
        else None,
        closed_on=beijing_date(petition.closure.closed_at) if petition.closure and petition.closure.closed_at else None,
        open_dues=(d.due for d in petition.deadlines if d.open and d.due),
        calendar=calendar,
    )


@cache
def official_calendar() -> WorkingDayCalendar:
    """The official calendar, for a store no service bound its calendar to (tests, tools)."""
    return WorkingDayCalendar.official()
