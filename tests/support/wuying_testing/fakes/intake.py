"""``FakeIntakeStore``: intake's store over dicts, for handler unit tests.

It offers ``IntakeStore``'s methods and keeps the same documents (mongoengine Documents are built
and validated without a database), stored as copies so a handler's unsaved change never shows:
``get`` answers a fresh copy, as the real store does. Versioned documents are written only if
unchanged since read (else ``Conflict("concurrent_update")``), an insert of a taken key is a
``Conflict("duplicate")``, and new events are appended to the stored outbox, as
``OutboxDocument.save_versioned`` does. The real store's queries are tested on the embedded
store (``tests/unit/intake/test_store.py``), against this fake as well.
"""

from __future__ import annotations

from datetime import date, datetime

from bson import ObjectId

from wuying_common.paging import Page
from wuying_intake.domain.screening import DUPLICATE_LOOKBACK, is_earlier_about
from wuying_intake.persistence import (
    Attachment,
    AuditEntry,
    AuditRecord,
    CalendarYear,
    IdentityRequest,
    Petition,
    PurgeRecord,
    attachment_key,
    audit_between,
    audit_row,
    migrate_legacy,
    recusal_keys,
)
from wuying_intake.persistence.tallies import official_calendar, petition_entry

from .memory import MemoryStore


class FakeIntakeStore(MemoryStore):
    def ensure_indexes(self) -> None:
        self.migrate_legacy_deadlines()

    # -- by key ----------------------------------------------------------------------------------
    def get_petition(self, petition_id: str) -> Petition | None:
        return self.get(Petition, petition_id)

    def get_request(self, request_id: str) -> IdentityRequest | None:
        return self.get(IdentityRequest, request_id)

    def attachment(self, petition_id: str, n: int) -> Attachment | None:
        return self.get(Attachment, attachment_key(petition_id, n))

    # -- writes ----------------------------------------------------------------------------------
    def add_report(self, petition: Petition, attachments: list[dict]) -> None:
        try:
            if attachments:
                self.put_attachments(petition.id, attachments)
            self.add(petition)
        except BaseException:
            if attachments:
                self.delete_attachments(petition.id, len(attachments))
            raise

    def put_attachments(self, petition_id: str, items: list[dict]) -> None:
        for n, item in enumerate(items):
            self.add(
                Attachment(
                    id=attachment_key(petition_id, n),
                    petition_id=petition_id,
                    n=n,
                    file_name=item["file_name"],
                    content_type=item["content_type"],
                    size=len(item["content"]),
                    sha256=item["sha256"].lower(),
                    content=item["content"],
                )
            )

    def delete_attachments(self, petition_id: str, count: int) -> None:
        for n in range(count):
            self._table(Attachment).pop(attachment_key(petition_id, n), None)

    def audit(self, **entry) -> None:
        self.add(AuditEntry(**entry))

    def push_audit(self, request: IdentityRequest, **entry) -> None:
        stored = self._table(IdentityRequest)[request.id]
        stored.setdefault("audit", []).append(self._son(AuditRecord(id=str(ObjectId()), **entry)))
        stored["version"] = stored.get("version", 0) + 1

    # -- lists -----------------------------------------------------------------------------------
    def search(
        self,
        counties,
        page: dict,
        *,
        status: str | None = None,
        channel: str | None = None,
        category: str | None = None,
        not_about: str | None = None,
        not_named: str | None = None,
    ) -> Page:
        recused = set(recusal_keys(not_about, not_named))
        found = [
            p
            for county in counties
            for p in self._petitions(county=county, status=status, channel=channel, category=category)
            if not recused & set(p.subject_keys)
        ]
        return self.paged(found, page, order="-received_at")

    def by_receipt_prefix(self, prefix: str, limit: int = 50) -> list[Petition]:
        return [p for p in self.all(Petition) if p.receipt and p.receipt.prefix == prefix][:limit]

    def about_subjects_since(
        self, county: str, keys: list[str], since: date, limit: int = DUPLICATE_LOOKBACK
    ) -> list[tuple]:
        """The rule as a scan of every petition (what ``IntakeStore`` answers by key)."""
        if not keys:
            return []
        found = [
            (son["received_on"].date(), son["_id"], son["content"])
            for son in self._table(Petition).values()
            if is_earlier_about(
                county, keys, since, son["county"], son.get("subject_keys", ()), son["received_on"].date()
            )
        ]
        found.sort(reverse=True)
        return [(pid, content) for _, pid, content in found[:limit]]

    def report_tallies(self, counties, since=None, until=None) -> dict[str, list[dict]]:
        """Every report's entry, computed from the reports (what ``IntakeStore`` reads from its
        tallies by key; the statistics filter the days)."""
        calendar = official_calendar()
        return {county: [petition_entry(p, calendar) for p in self._petitions(county=county)] for county in counties}

    def rebuild_tallies(self, counties=None, calendar=None) -> dict:
        """Nothing to rebuild: ``report_tallies`` computes the entries on each read."""
        return {"tallies": 0, "reports": len(self._table(Petition))}

    def sealed_under_old_keys(self, current_kid: str, limit: int) -> list[Petition]:
        return [p for p in self.all(Petition) if p.reporter and p.reporter.kid != current_kid][:limit]

    def open_deadlines(self, cutoff: date) -> list[Petition]:
        found = [
            p
            for p in self.all(Petition)
            if any(d.met_on is None and not d.waived and d.due <= cutoff for d in p.deadlines)
        ]
        return sorted(found, key=lambda p: (p.received_at, p.id))

    def due_for_worklist(self, counties, cutoff: date, assignee=None, limit: int = 200, recused=None) -> list[Petition]:
        found = [
            p
            for p in self.all(Petition)
            if p.county in counties
            and (not assignee or p.assignee == assignee)
            and not set(recused or ()) & set(p.subject_keys)
            and any(
                d.met_on is None and not d.waived and d.watched is not False and d.due <= cutoff for d in p.deadlines
            )
        ]
        return sorted(found, key=lambda p: (p.received_on, p.received_at, p.id))[:limit]

    def due_for_purge(self, today: date, limit: int = 100) -> list[Petition]:
        found = [
            p
            for p in self.all(Petition)
            if p.retain_until and p.retain_until <= today and not p.legal_hold
            and not (p.purge and p.purge.completed_at)
        ]  # fmt: skip
        return sorted(found, key=lambda p: (p.retain_until, p.id))[:limit]

    def record_purge(self, record: PurgeRecord) -> None:
        self.add_or_replace(record)

    def purge_records(self, counties, page: dict) -> Page:
        return self.paged([r for r in self.all(PurgeRecord) if r.county in counties], page, order="-completed_at")

    def calendar_year(self, year: int):
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list:
        return sorted(self.all(CalendarYear), key=lambda y: y.id)

    def put_calendar_year(self, year) -> None:
        self.add_or_replace(year)

    def with_provisional_deadlines(self, limit: int = 1000, after: str | None = None) -> list[Petition]:
        found = [
            p
            for p in self.all(Petition)
            if (not after or p.id > after)
            and any(d.provisional and d.met_on is None and not d.waived for d in p.deadlines)
        ]
        return sorted(found, key=lambda p: p.id)[:limit]

    def audit_entries(self, counties, since: datetime | None = None, until: datetime | None = None) -> list[dict]:
        rows = [
            audit_row(str(e.id), e, e.petition_id, e.request_id, e.county)
            for e in self.all(AuditEntry)
            if e.county in counties and (not since or e.at >= since) and (not until or e.at < until)
        ]
        for r in self.all(IdentityRequest):
            if r.county in counties:
                rows.extend(audit_row(a.id, a, r.petition_id, r.id, r.county) for a in audit_between(r, since, until))
        rows.sort(key=lambda row: (row["at"], row["key"]), reverse=True)
        return rows

    def about_official(self, official_id: str, limit: int = 500) -> list[Petition]:
        found = [p for p in self.all(Petition) if f"official:id:{official_id}" in p.subject_keys]
        return sorted(found, key=lambda p: (p.received_at, p.id))[:limit]

    def merged_reports(self, petition_id: str) -> list[str]:
        found = [p for p in self.all(Petition) if p.merged_into == petition_id]
        return [p.id for p in sorted(found, key=lambda p: p.received_at)]

    def _petitions(self, **equal) -> list[Petition]:
        wanted = {k: v for k, v in equal.items() if v}
        return [p for p in self.all(Petition) if all(getattr(p, k) == v for k, v in wanted.items())]

    # -- start-up and operators ------------------------------------------------------------------
    def migrate_legacy_deadlines(self) -> int:
        moved = 0
        for petition in self.all(Petition):
            if petition.deadlines:
                continue
            migrate_legacy(petition)
            self.save(petition)
            moved += 1
        return moved

    def attachment_count(self) -> int:
        return len(self._table(Attachment))

    def count(self) -> int:
        return len(self._table(Petition))
