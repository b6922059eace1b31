"""``IntakeStore``, intake's repository and the only door to mongoengine: reads and writes by key,
the lists for people, the clock's and the timers' sweeps, start-up migration."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time

from bson import ObjectId
from mongoengine import Document
from pymongo.errors import DuplicateKeyError

from wuying_common.embedded import embedded_documents
from wuying_common.errors import Conflict
from wuying_common.paging import Page
from wuying_common.store import Store
from wuying_common.tallies import TallyWrites

from ..domain.screening import (
    DUPLICATE_LOOKBACK,
    index_entry,
    is_earlier_about,
    newest_in_window,
    normalize_name,
    subject_index_key,
)
from ..domain.statistics import years_between
from .deadlines import CalendarYear
from .identity import AuditEntry, AuditRecord, IdentityRequest, audit_between, audit_row
from .legacy import migrate_legacy
from .petition import Petition
from .receiving import Attachment, SubjectReports, attachment_key
from .retention import PurgeRecord
from .tallies import TALLY_FIELDS, YEARS_KEY, ReportTally, official_calendar, petition_entry, report_tally_key

#: in ``subject_reports``: the lists were built from the petitions stored before them
SUBJECT_INDEX_BUILT = "built:v1"


class IntakeStore(TallyWrites, Store):
    """Intake's repository: the only code here that knows mongoengine.

    Per request and per event it reads and writes by ``_id`` (a petition by its id, a request
    by its id, an attachment by ``<petition_id>/<n>``, the earlier reports about a subject by
    ``<county>|<subject key>``). The lists for people (search, receipts by prefix, statistics,
    audit, reports about an official, merged reports) and the clock's sweep query other
    fields: indexed on MongoDB, scans on the embedded store (README).

    Every write of a petition sets its entry in its county's tally of its year of receipt
    (``ReportTally``, ``domain.statistics.report_entry``) right after the petition: the statistics
    read the tallies by key. An entry's working days are counted on ``calendar`` (the service's,
    bound by its provider; else the official one).
    """

    documents = (
        Petition,
        IdentityRequest,
        AuditEntry,
        Attachment,
        PurgeRecord,
        CalendarYear,
        SubjectReports,
        ReportTally,
    )
    calendar = None

    def __init__(self, alias: str, mode: str) -> None:
        super().__init__(alias, mode)
        self._years_known: set[int] = set()  # years this process has entered in ``years``

    # -- by key ------------------------------------------------------------------------------
    def get_petition(self, petition_id: str) -> Petition | None:
        return self.get(Petition, petition_id)

    def get_request(self, request_id: str) -> IdentityRequest | None:
        return self.get(IdentityRequest, request_id)

    def identity_requests(self, counties: Iterable[str], status: str, limit: int) -> list[IdentityRequest]:
        """Some counties' identity requests in one status, oldest first (a worklist read)."""
        query = IdentityRequest.objects(county__in=list(counties), status=status).exclude("audit")
        return list(query.order_by("requested_at").limit(limit))

    def attachment(self, petition_id: str, n: int) -> Attachment | None:
        return self.get(Attachment, attachment_key(petition_id, n))

    # -- writes ------------------------------------------------------------------------------
    def add(self, aggregate: Document) -> Document:
        """``Store.add``; a petition is entered in its subjects' lists first."""
        if not isinstance(aggregate, Petition):
            return super().add(aggregate)
        self._enter_subjects(aggregate, aggregate.subject_keys)
        added = super().add(aggregate)
        self._count(aggregate)
        return added

    def save(self, aggregate: Document) -> Document:
        """``Store.save``; a petition whose subject keys changed (triage adds those resolved, the
        purge drops the names) is entered in the new keys' lists before it is written and taken
        out of the dropped keys' lists after."""
        if not isinstance(aggregate, Petition):
            return super().save(aggregate)
        if aggregate._created or aggregate.pk is None:
            return self.add(aggregate)
        changed = {f.split(".", 1)[0] for f in aggregate._changed_fields}
        stored: dict = {}
        if changed & {"subject_keys", "county", "received_on"}:
            fields = {"subject_keys": 1, "county": 1, "received_on": 1}
            stored = Petition._get_collection().find_one({"_id": aggregate.pk}, fields) or {}
        if "subject_keys" not in changed:
            saved = super().save(aggregate)
        else:
            before, after = set(stored.get("subject_keys") or ()), set(aggregate.subject_keys)
            self._enter_subjects(aggregate, after - before)
            saved = super().save(aggregate)
            self._leave_subjects(aggregate, before - after)
        moved = None
        if stored.get("county") and stored.get("received_on"):
            moved = report_tally_key(stored["county"], stored["received_on"])
        self._count(aggregate, moved_from=moved)
        return saved

    def delete(self, aggregate: Document) -> None:
        super().delete(aggregate)
        if isinstance(aggregate, Petition):
            self.set_entry(ReportTally, report_tally_key(aggregate.county, aggregate.received_on), aggregate.id, None)

    # -- the reports' tallies (statistics by key) ----------------------------------------------
    def working_calendar(self):
        return self.calendar or official_calendar()

    def _count(self, petition: Petition, moved_from: str | None = None) -> None:
        """Set the petition's entry in its tally (taken out of the one it was in if its county
        or day of receipt changed); idempotent."""
        key = report_tally_key(petition.county, petition.received_on)
        if moved_from and moved_from != key:
            self.set_entry(ReportTally, moved_from, petition.id, None)
        self._know_years({petition.received_on.year})
        self.set_entry(ReportTally, key, petition.id, petition_entry(petition, self.working_calendar()))

    def _know_years(self, years: Iterable[int]) -> None:
        new = set(years) - self._years_known
        if new:
            self.set_entries(ReportTally, YEARS_KEY, {str(y): {} for y in new})
            self._years_known |= new

    def report_tallies(self, counties: Iterable[str], since=None, until=None) -> dict[str, list[dict]]:
        """The entries of the counties' reports received in the years ``since``..``until``
        overlap (county → entries; filtering to the exact days is the statistics' work). One
        read of the years, one read of the tallies, both by key."""
        counties = list(counties)
        known = self.tallies(ReportTally, [YEARS_KEY])[YEARS_KEY]
        years = years_between(since, until, (int(y) for y in known))
        found = self.tallies(ReportTally, [report_tally_key(c, date(y, 1, 1)) for c in counties for y in years])
        return {c: [e for y in years for e in found[report_tally_key(c, date(y, 1, 1))].values()] for c in counties}

    def rebuild_tallies(self, counties: Iterable[str] | None = None, calendar=None) -> dict:
        """Recompute the tallies from the petitions (``replace_tally``): of some counties, or of
        every county. For an operator after a failure, a migration or a calendar year loaded;
        an arrival meanwhile is mended by its petition's next write (or a second rebuild).
        Returns how many tallies were written and how many petitions were read."""
        counties = None if counties is None else set(counties)
        calendar = calendar or self.working_calendar()
        built: dict[str, dict[str, dict]] = {}
        query = Petition.objects(county__in=list(counties)) if counties is not None else Petition.objects
        read = 0
        for petition in query.only(*TALLY_FIELDS):
            read += 1
            key = report_tally_key(petition.county, petition.received_on)
            built.setdefault(key, {})[petition.id] = petition_entry(petition, calendar)
        stale = {
            son["_id"]
            for son in ReportTally._get_collection().find({}, {"_id": 1})
            if son["_id"] != YEARS_KEY and (counties is None or son["_id"].split(":")[0] in counties)
        }
        for key in stale - set(built):
            self.replace_tally(ReportTally, key, {})
        for key, entries in built.items():
            self.replace_tally(ReportTally, key, entries)
        years = {key.split(":")[1] for key in built}
        self.set_entries(ReportTally, YEARS_KEY, dict.fromkeys(years, {}))
        self._years_known |= {int(y) for y in years}
        return {"tallies": len(built | dict.fromkeys(stale)), "reports": read}

    def _enter_subjects(self, petition: Petition, keys: Iterable[str]) -> None:
        """Add the petition to each key's list once (atomically: a ``$push`` kept sorted and
        cut to the newest ``DUPLICATE_LOOKBACK``; an entry already there is a duplicate-key
        answer to the upsert)."""
        entry = index_entry(petition.received_on, petition.id)
        push = {"$push": {"entries": {"$each": [entry], "$sort": -1, "$slice": DUPLICATE_LOOKBACK}}}
        collection = SubjectReports._get_collection()
        for key in keys:
            try:
                collection.update_one(
                    {"_id": subject_index_key(petition.county, key), "entries": {"$ne": entry}}, push, upsert=True
                )
            except DuplicateKeyError:
                pass  # entered already

    def _leave_subjects(self, petition: Petition, keys: Iterable[str]) -> None:
        entry = index_entry(petition.received_on, petition.id)
        collection = SubjectReports._get_collection()
        for key in keys:
            collection.update_one({"_id": subject_index_key(petition.county, key)}, {"$pull": {"entries": entry}})

    def add_report(self, petition: Petition, attachments: list[dict]) -> None:
        """A new report with its attachments: the contents first, then the petition (with its
        ``petition.received`` event); if the petition is not stored, neither are they."""
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

    def import_reports(self, petitions: list[Petition]) -> set[str]:
        """Historical reports (``handlers.imports``), each checked, then written in one bulk insert
        with no events, entered in their subjects' lists and their tallies. Returns the ids
        already stored (skipped, not overwritten)."""
        rows = []
        for petition in petitions:
            petition.version = 1
            petition.validate()
            rows.append(petition.to_mongo().to_dict())
        taken = self.insert_rows(Petition, rows)
        written = [p for p in petitions if p.id not in taken]
        calendar = self.working_calendar()
        tallies: dict[str, dict] = {}
        for petition in written:
            self._enter_subjects(petition, petition.subject_keys)
            key = report_tally_key(petition.county, petition.received_on)
            tallies.setdefault(key, {})[petition.id] = petition_entry(petition, calendar)
        self._know_years({p.received_on.year for p in written})
        for key, entries in tallies.items():
            self.set_entries(ReportTally, key, entries)
        return taken

    def delete_attachments(self, petition_id: str, count: int) -> None:
        Attachment.objects(pk__in=[attachment_key(petition_id, n) for n in range(count)]).delete()

    def audit(self, **entry) -> None:
        """A refused request attempt (no request document to hold it)."""
        self.add(AuditEntry(**entry))

    def push_audit(self, request: IdentityRequest, **entry) -> None:
        """A refused step on an existing request: appended atomically. The version moves too, so a
        writer holding the request from before cannot overwrite the trail with its stale copy."""
        record = AuditRecord(id=str(ObjectId()), **entry)
        IdentityRequest.objects(id=request.id).update_one(push__audit=record, inc__version=1)

    # -- lists for people and the clock's sweep ------------------------------------------------
    def search(
        self,
        counties: Iterable[str],
        page: dict,
        *,
        status: str | None = None,
        channel: str | None = None,
        category: str | None = None,
        not_about: str | None = None,
        not_named: str | None = None,
    ) -> Page:
        """A page of the reports of some counties, the newest first."""
        query = Petition.objects(county__in=list(counties))
        recused = recusal_keys(not_about, not_named)
        if recused:  # a subject never sees reports about themselves, by id or by name (recusal)
            query = query(subject_keys__nin=recused)
        for key, value in (("status", status), ("channel", channel), ("category", category)):
            if value:
                query = query(**{key: value})
        return self.paged(query.exclude("outbox"), page, order="-received_at")

    def by_receipt_prefix(self, prefix: str, limit: int = 50) -> list[Petition]:
        return list(Petition.objects(receipt__prefix=prefix).exclude("outbox").limit(limit))

    def about_subjects_since(
        self, county: str, keys: list[str], since, limit: int = DUPLICATE_LOOKBACK
    ) -> list[tuple[str, str]]:
        """(petition_id, content) of the county's reports about any of these subjects received
        on or after ``since``, the newest ``limit`` (by day of receipt, then id; the duplicate
        check on arrival, ``domain/screening.py``). By key: the subjects' lists, then the
        petitions listed, each checked against the rule itself (an entry left by a crash before
        its petition was written, or after its key was dropped, is skipped)."""
        if not keys:
            return []
        lists = self._rows(SubjectReports, [subject_index_key(county, key) for key in keys], ("entries",))
        ids = newest_in_window((row["entries"] or () for row in lists.values()), since)
        if not ids:
            return []
        rows = self._rows(Petition, ids, ("county", "subject_keys", "received_on", "content"))
        found = []
        for petition_id in ids:
            row = rows.get(petition_id)
            if row is None:
                continue
            received_on = row["received_on"].date()
            if is_earlier_about(county, keys, since, row["county"], row.get("subject_keys") or (), received_on):
                found.append((petition_id, row["content"]))
                if len(found) == limit:
                    break
        return found

    def _rows(self, doc_cls: type[Document], ids: list[str], fields: tuple[str, ...]) -> dict[str, dict]:
        """Some fields of documents by ``_id``, as stored (read only, never changed). On the
        embedded store straight from its key dict: mongomock's projection copies each document
        first (~14 µs a petition) and a Document is slower still to build, and the duplicate check
        reads up to ``DUPLICATE_LOOKBACK`` petitions per arrival."""
        if self.mode == "embedded":
            documents = embedded_documents(doc_cls)
            return {key: {f: documents[key].get(f) for f in fields} for key in ids if key in documents}
        projection = dict.fromkeys(fields, 1)
        return {row["_id"]: row for row in doc_cls._get_collection().find({"_id": {"$in": ids}}, projection)}

    def sealed_under_old_keys(self, current_kid: str, limit: int) -> list[Petition]:
        return list(Petition.objects(reporter__exists=True, reporter__kid__ne=current_kid).limit(limit))

    def open_deadlines(self, cutoff) -> list[Petition]:
        """Reports with an unmet deadline due on or before ``cutoff`` (the clock, every 300 s).
        Loaded whole: saving a partly loaded document would overwrite its pending outbox."""
        due = datetime.combine(cutoff, time())
        query = {"deadlines": {"$elemMatch": {"met_on": None, "waived": {"$ne": True}, "due": {"$lte": due}}}}
        return list(Petition.objects(__raw__=query).order_by("received_at", "id"))

    def due_for_worklist(
        self,
        counties: Iterable[str],
        cutoff,
        assignee: str | None = None,
        limit: int = 200,
        recused: list[str] | None = None,
    ) -> list[Petition]:
        """Open reports of some counties (a county, city or province rolled up) with an
        unmet, watched deadline due on or before ``cutoff``, the earliest received first; bounded by ``limit``
        (indexed on MongoDB: county prefix, deadlines; a scan on the embedded store)."""
        due = datetime.combine(cutoff, time())
        match = {"met_on": None, "waived": {"$ne": True}, "watched": {"$ne": False}, "due": {"$lte": due}}
        query = Petition.objects(__raw__={"deadlines": {"$elemMatch": match}}, county__in=list(counties))
        if assignee:
            query = query(assignee=assignee)
        if recused:
            query = query(subject_keys__nin=recused)
        fields = ("id", "county", "kind", "status", "routing", "assignee", "deadlines", "received_on", "received_at")
        return list(query.only(*fields).order_by("received_on", "received_at", "id").limit(limit))

    def due_for_purge(self, today, limit: int = 100) -> list[Petition]:
        """Reports past their retention, not on legal hold, whose purge has not completed (the
        retention timer; indexed on ``retain_until``)."""
        until = datetime.combine(today, time())
        query = {"retain_until": {"$lte": until}, "legal_hold": {"$ne": True}, "purge.completed_at": None}
        return list(Petition.objects(__raw__=query).order_by("retain_until", "id").limit(limit))

    def record_purge(self, record: PurgeRecord) -> None:
        """The purge's audit record, by the report's id (written again by a resumed purge)."""
        self.add_or_replace(record)

    def purge_records(self, counties: Iterable[str], page: dict) -> Page:
        """A page of the purge records of some counties, the latest first."""
        return self.paged(PurgeRecord.objects(county__in=list(counties)), page, order="-completed_at")

    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list[CalendarYear]:
        """Every loaded year (a handful of small documents: read whole by the refresh timer)."""
        return list(CalendarYear.objects.order_by("id"))

    def put_calendar_year(self, year: CalendarYear) -> None:
        self.add_or_replace(year)

    def with_provisional_deadlines(self, limit: int = 1000, after: str | None = None) -> list[Petition]:
        """Reports with an open provisional deadline, by id from ``after`` (a year loaded
        recomputes them; indexed on ``deadlines.provisional``)."""
        match = {"provisional": True, "met_on": None, "waived": {"$ne": True}}
        query = Petition.objects(__raw__={"deadlines": {"$elemMatch": match}})
        if after:
            query = query(id__gt=after)
        return list(query.order_by("id").limit(limit))

    def audit_entries(self, counties: Iterable[str], since=None, until=None) -> list[dict]:
        """Both sources, newest first: refused request attempts and every request's own trail."""
        rows = []
        counties = list(counties)
        query = AuditEntry.objects(county__in=counties)
        if since:
            query = query(at__gte=since)
        if until:
            query = query(at__lt=until)
        for e in query:
            rows.append(audit_row(str(e.id), e, e.petition_id, e.request_id, e.county))
        requests = IdentityRequest.objects(county__in=counties)
        if since:
            requests = requests(audit__at__gte=since)
        for r in requests.only("id", "petition_id", "county", "audit"):
            rows.extend(audit_row(a.id, a, r.petition_id, r.id, r.county) for a in audit_between(r, since, until))
        rows.sort(key=lambda row: (row["at"], row["key"]), reverse=True)
        return rows

    def about_official(self, official_id: str, limit: int = 500) -> list[Petition]:
        """Reports naming an official (as reported or as resolved at triage), oldest first."""
        query = Petition.objects(subject_keys=f"official:id:{official_id}").exclude("outbox", "content")
        return list(query.order_by("received_at", "id").limit(limit))

    def merged_reports(self, petition_id: str) -> list[str]:
        """Reports merged into this one, oldest first (derived from their ``merged_into``, so a
        merge is one write)."""
        return [p.id for p in Petition.objects(merged_into=petition_id).only("id").order_by("received_at")]

    # -- start-up and operators ------------------------------------------------------------------
    def ensure_indexes(self) -> None:
        super().ensure_indexes()
        self.migrate_legacy_deadlines()
        self.build_subject_lists()

    def build_subject_lists(self, force: bool = False) -> int:
        """Enter every stored petition in its subjects' lists (``SubjectReports``), once: at
        start-up when they were never built (petitions stored before them), or when an operator
        forces it (``force``: it only adds, so it can run beside arrivals). Returns how many
        petitions were read."""
        collection = SubjectReports._get_collection()
        if not force and collection.find_one({"_id": SUBJECT_INDEX_BUILT}, {"_id": 1}):
            return 0
        read = 0
        fields = ("id", "county", "subject_keys", "received_on")
        for petition in Petition.objects(subject_keys__exists=True).only(*fields):
            self._enter_subjects(petition, petition.subject_keys)
            read += 1
        collection.update_one({"_id": SUBJECT_INDEX_BUILT}, {"$set": {"entries": []}}, upsert=True)
        return read

    def migrate_legacy_deadlines(self) -> int:
        """Reports stored before rules version default-2026.1 kept their deadlines in separate
        fields; move them into ``deadlines`` (same dates, same state), once."""
        ids = [p.id for p in Petition.objects(__raw__={"deadlines.0": {"$exists": False}}).only("id")]
        moved = 0
        for petition in self.get_many(Petition, ids):
            if petition.deadlines:
                continue
            migrate_legacy(petition)
            try:
                self.save(petition)
            except Conflict:
                continue  # changed meanwhile: migrated on the next start
            moved += 1
        return moved

    def attachment_count(self) -> int:
        return Attachment.objects.count()

    def count(self) -> int:
        return Petition.objects.count()


def recusal_keys(subject: str | None, name: str | None) -> list[str]:
    """The subject keys of reports a staff member is recused from (``Petition.subject_keys``)."""
    keys = [f"official:id:{subject}"] if subject else []
    if name and normalize_name(name):
        keys.append(f"official:name:{normalize_name(name)}")
    return keys
