"""Reading reports: staff views and lists (recusal applies), attachments, statistics for the
periodic reports of seeds/002 篇5 三(二) 定期通报预警信息, and the RPC reads other services use
(status and deadlines, reports about an official; never identity or content, seeds/003)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from wuying_common.auth import Principal
from wuying_common.paging import Page

from ..domain.statistics import report_statistics
from ..exceptions import AttachmentNotFound
from ..persistence import Attachment, IntakeStore, Petition
from .common import load_petition


@dataclass(frozen=True)
class StaffReport:
    """A report as staff see it (``ReportOutSchema``): the petition, and the later reports merged
    into it (derived from their ``merged_into``, so not stored on this one)."""

    petition: Petition
    merged_reports: list[str]

    def __getattr__(self, name: str):
        if name.startswith("__"):
            raise AttributeError(name)
        return getattr(self.petition, name)


def get_report(store: IntakeStore, principal: Principal, petition_id: str) -> StaffReport:
    petition = load_petition(store, principal, petition_id)
    return StaffReport(petition, store.merged_reports(petition.id))


def get_attachment(store: IntakeStore, principal: Principal, petition_id: str, n: str) -> Attachment:
    """An attachment's content for staff of the county (recusal applies)."""
    petition = load_petition(store, principal, petition_id)
    stored = store.attachment(petition.id, int(n)) if n.isdigit() else None
    if stored is None:
        raise AttachmentNotFound(fields={"n": "不存在"})
    return stored


def list_reports(store: IntakeStore, principal: Principal, query: dict) -> Page:
    """A page of a division's reports, the newest first (a city or province rolls up over its
    counties, issue 9 item 5); reports about the caller are left out (recusal)."""
    return store.search(
        principal.counties_in(query["county"]),
        query,
        status=query.get("status"),
        channel=query.get("channel"),
        category=query.get("category"),
        not_about=principal.subject,
        not_named=principal.name or None,
    )


def statistics(store: IntakeStore, principal: Principal, query: dict, today: date) -> dict:
    """Counts, working days from receipt to acceptance (triage) and to closure, and the reports
    overdue on ``today`` (their first open deadline before it), for the scope; a city or province
    also answers each county's (``counties``), so a dashboard draws every county from one read
    (seeds/002 篇5 三(二): 定期通报). Summed from the counties' tallies of the years the range
    overlaps (``IntakeStore.report_tallies``), never by listing reports."""
    since, until = query.get("since"), query.get("until")
    entries = store.report_tallies(principal.counties_in(query["county"]), since, until)
    return report_statistics(query["county"], entries, today, since, until)


def rebuild_tallies(store: IntakeStore, counties: list[str] | None = None) -> dict:
    """Recompute the reports' tallies from the reports (an operator's repair, RPC)."""
    return store.rebuild_tallies(counties)


# -- RPC for other services (``ReportStatusSchema``, ``ReportAboutSchema``) -------------------------
def report_status(store: IntakeStore, petition_id: str) -> Petition | None:
    """A report for another service's status read; None when unknown."""
    return store.get_petition(petition_id)


def reports_about(store: IntakeStore, official_id: str, limit: int = 500) -> list[Petition]:
    """Reports naming an official, oldest first."""
    return store.about_official(official_id, limit)
