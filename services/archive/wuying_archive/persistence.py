"""mongoengine documents of the archive service (connection alias ``archive``) and its store.

An integrity file is written per event, the platform's hottest path, so every read and write of
it goes by ``_id`` (natural keys, see ``FileChain``); no secondary unique index is written per
event.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from mongoengine import (
    BooleanField,
    DateField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    StringField,
)
from mongoengine.errors import NotUniqueError
from mongoengine.queryset.visitor import Q
from pymongo import ReplaceOne
from pymongo.errors import BulkWriteError

from wuying_common.errors import Conflict
from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store, VersionedDocument

from .domain.conditions import Signal
from .domain.file import GENESIS_HASH, FileSubject, entry_hash
from .domain.matters import MatterRecord
from .domain.personnel import Occupancy

ALIAS = "archive"

#: How often one append re-reads the head after losing a seq to a concurrent append.
APPEND_ATTEMPTS = 10


# -- natural keys ----------------------------------------------------------------------------
def head_key(kind: str, subject_id: str) -> str:
    """``_id`` of a file's chain head, and the prefix of its entries' keys."""
    return f"{kind}/{subject_id}"


def entry_key(kind: str, subject_id: str, seq: int) -> str:
    """``_id`` of the entry at ``seq``: unique (file, seq) for free."""
    return f"{kind}/{subject_id}/{seq}"


def recorded_key(event_id: str, kind: str, subject_id: str) -> str:
    """``_id`` of the idempotency record of one event in one file."""
    return f"{event_id}/{kind}/{subject_id}"


class Unit(Document):
    """A unit (单位): commission organs, dispatched agencies, departments, townships."""

    meta = {"db_alias": ALIAS, "collection": "units", "indexes": ["county", "zone"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    kind = StringField(required=True)
    zone = StringField()


class OccupancyDoc(EmbeddedDocument):
    """A post held from ``start`` to ``end`` (ISO dates, inclusive; ``end`` None: still held)."""

    unit_id = StringField(required=True)
    post = StringField(required=True)
    rank = StringField(required=True)
    kind = StringField(required=True, choices=("post", "secondment"))
    start = StringField(required=True)
    end = StringField(null=True)

    def to_domain(self) -> Occupancy:
        return Occupancy(self.unit_id, self.post, self.rank, self.kind, self.start, self.end)

    @classmethod
    def of(cls, o: Occupancy) -> OccupancyDoc:
        return cls(unit_id=o.unit_id, post=o.post, rank=o.rank, kind=o.kind, start=o.start, end=o.end)


class Official(OutboxDocument):
    """An official under supervision; the owner of one integrity file.

    ``postings`` are the posts held, time-bounded (who held this post on this date); ``tags``
    are codes of the standard vocabulary ``tag_version``."""

    meta = {
        "db_alias": ALIAS,
        "collection": "officials",
        "indexes": ["county", "unit_id", "name", "outbox_pending", "post", "rank", "tags", "postings.unit_id"],
    }
    subject_kind = "official"
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    post = StringField(required=True)
    rank = StringField(required=True)
    status = StringField(required=True, default="serving")
    commission_staff = IntField(default=0)  # 1 when the official works for a commission
    seconded_to = StringField(null=True)
    postings = ListField(EmbeddedDocumentField(OccupancyDoc))
    tags = ListField(StringField())
    tag_version = StringField(null=True)

    def occupancies(self) -> tuple[Occupancy, ...]:
        return tuple(p.to_domain() for p in self.postings)


class MatterDoc(EmbeddedDocument):
    """One family-and-interests, personal-report or sanction record (``domain.matters``)."""

    id = StringField(required=True)
    kind = StringField(required=True)
    source = StringField(required=True)
    recorded_on = StringField(required=True)
    noted_by = StringField()
    name = StringField(default="")
    relative_of = StringField(default="")
    settled_abroad = BooleanField(default=False)
    country = StringField(default="")
    foreign_status = StringField(default="")
    holder = StringField(default="self")
    company = StringField(default="")
    role = StringField(default="")
    within_remit = BooleanField(default=False)
    paid = BooleanField(default=False)
    pay_yuan = IntField(default=0)
    approved = BooleanField(default=False)
    year = IntField(default=0)
    on_time = BooleanField(default=True)
    check_result = StringField(default="")
    sanction = StringField(default="")
    decided_on = StringField(default="")
    ended_on = StringField(null=True)
    note = StringField(default="")
    entered_at = DateTimeField(null=True)  # when the archive recorded it (a report "as of" reads it)
    ref = StringField(default="")  # the check or inquiry that wrote it (written once per ref)
    grade = StringField(default="")  # assessment: excellent, competent, basically_competent, incompetent
    satisfaction = IntField(default=0)  # 民主测评 satisfaction, percent

    FIELDS = (
        "id kind source recorded_on name relative_of settled_abroad country foreign_status holder company role "
        "within_remit paid pay_yuan approved year on_time check_result sanction decided_on ended_on note entered_at "
        "ref grade satisfaction"
    ).split()

    def to_domain(self) -> MatterRecord:
        return MatterRecord(**{f: getattr(self, f) for f in self.FIELDS})


class SignalDoc(EmbeddedDocument):
    event_id = StringField(required=True)
    kind = StringField(required=True)
    on = StringField(required=True)
    ref = StringField(default="")
    detail = StringField(default="")

    def to_domain(self) -> Signal:
        return Signal(self.event_id, self.kind, self.on, self.ref, self.detail or "")


class Dossier(OutboxDocument):
    """What the conditions read beyond the registry, one per official (``_id`` the official id):
    family and interests, personal-matters reports and sanctions (``records``, archive roles only,
    never on an event), facts learnt from events (``signals``, idempotent on the event id), and
    per condition the last reminder round and the evidence it covered (``hits``)."""

    meta = {"db_alias": ALIAS, "collection": "dossiers", "indexes": ["outbox_pending"]}
    subject_kind = "official"
    id = StringField(primary_key=True)
    county = StringField(required=True)
    records = ListField(EmbeddedDocumentField(MatterDoc))
    next_record = IntField(default=1)
    signals = ListField(EmbeddedDocumentField(SignalDoc))
    hits = DictField()  # code -> {"round": n, "evidence": [...], "reminder_id": ...}
    credit = DictField()  # the integrity credit last sent to risk: score, level, factors, rule_version

    def matter_records(self) -> tuple[MatterRecord, ...]:
        return tuple(r.to_domain() for r in self.records)

    def signal_facts(self) -> tuple[Signal, ...]:
        return tuple(s.to_domain() for s in self.signals)


class StepDoc(EmbeddedDocument):
    """One step of a reminder's trail (留痕): who did what, when."""

    step = StringField(required=True)  # assigned, acknowledge, verify, close, escalated, reassign
    by = StringField(required=True)
    on = StringField(required=True)
    at = DateTimeField(required=True)
    result = StringField(null=True)
    note = StringField(default="")
    to = StringField(null=True)


class Reminder(OutboxDocument):
    """A supervision-reminder task (监督提醒); ``_id`` ``<official>/<condition>/<round>``: one per
    person and condition at a time, a new round only for new evidence after closure."""

    meta = {
        "db_alias": ALIAS,
        "collection": "reminders",
        "indexes": [
            "official_id",
            "county",
            "state",
            "condition_code",
            "escalate_on",
            "department",
            "outbox_pending",
            "due_provisional",
        ],
    }
    subject_kind = "reminder"
    id = StringField(primary_key=True)
    official_id = StringField(required=True)
    official_name = StringField(default="")
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    condition_code = StringField(required=True)
    rule_version = StringField(required=True)
    round = IntField(required=True, min_value=1)
    evidence = ListField(StringField())
    department = StringField(required=True)
    state = StringField(required=True, default="assigned")
    result = StringField(null=True)
    created_on = StringField(required=True)
    due_on = StringField(null=True)
    due_provisional = BooleanField(default=False)
    escalate_on = StringField(null=True)  # the due date until the step is escalated, then None
    escalation_level = IntField(default=0)
    escalated_step = StringField(null=True)
    ever_overdue = BooleanField(default=False)
    verified_by = StringField(null=True)
    closed_on = StringField(null=True)
    steps = ListField(EmbeddedDocumentField(StepDoc))


class SweepRun(Document):
    """The nightly sweep of one day (``_id`` the date): claimed by one replica, resumable."""

    meta = {"db_alias": ALIAS, "collection": "sweeps"}
    id = StringField(primary_key=True)
    started_at = DateTimeField(required=True)
    after = StringField(default="")
    evaluated = IntField(default=0)
    reminders = IntField(default=0)
    finished_at = DateTimeField(null=True)


class CalendarYear(Document):
    """A year's official holiday arrangement as loaded for the province (``calendar.year_loaded``
    from warning), by year: every replica refreshes its calendar from this small collection."""

    meta = {"db_alias": ALIAS, "collection": "calendar_years"}
    id = IntField(primary_key=True)  # the year
    holidays = ListField(DateField())
    workdays = ListField(DateField())
    source = StringField(default="")
    event_id = StringField()  # the event it was loaded from (idempotency)
    loaded_at = DateTimeField(required=True)


class FileEntry(Document):
    """One append-only, hash-chained entry of an integrity file; ``_id`` ``<kind>/<id>/<seq>``."""

    meta = {"db_alias": ALIAS, "collection": "file_entries", "indexes": ["county"]}
    id = StringField(primary_key=True)
    subject_kind = StringField(required=True, choices=("official", "unit"))
    subject_id = StringField(required=True)
    county = StringField(required=True)
    seq = IntField(required=True, min_value=1)
    kind = StringField(required=True)
    summary = StringField(required=True)
    source_event_id = StringField(required=True)
    source_event_type = StringField(required=True)
    occurred_at = StringField(required=True)
    recorded_at = DateTimeField(required=True)
    data = DictField()
    prev_hash = StringField(required=True)
    hash = StringField(required=True)

    @classmethod
    def chained(
        cls, subject: FileSubject, seq: int, prev_hash: str, *, kind: str, summary: str, event: dict, now: datetime
    ) -> FileEntry:
        """The entry at ``seq`` after an entry whose hash is ``prev_hash``, hashed."""
        entry = cls(
            id=entry_key(subject.kind, subject.id, seq),
            subject_kind=subject.kind,
            subject_id=subject.id,
            county=subject.county,
            seq=seq,
            kind=kind,
            summary=summary,
            source_event_id=event["id"],
            source_event_type=event["type"],
            occurred_at=event["time"],
            recorded_at=now.replace(tzinfo=None),
            data=event.get("data", {}),
            prev_hash=prev_hash,
        )
        entry.hash = entry_hash(prev_hash, entry.content())
        return entry

    def content(self) -> dict:
        """What the hash covers."""
        return {
            "subject_kind": self.subject_kind,
            "subject_id": self.subject_id,
            "county": self.county,
            "seq": self.seq,
            "kind": self.kind,
            "summary": self.summary,
            "source_event_id": self.source_event_id,
            "source_event_type": self.source_event_type,
            "occurred_at": self.occurred_at,
            "data": self.data,
        }


class FileHead(Document):
    """Where a file ends: the last recorded seq and its hash; ``_id`` ``<kind>/<id>``.

    A cache of the chain, never its proof: verification recomputes from the entries. It may lag
    behind the entries (an appender stopped between its writes), never run ahead of them.
    """

    meta = {"db_alias": ALIAS, "collection": "file_heads", "indexes": ["pending"]}
    id = StringField(primary_key=True)
    subject_kind = StringField(required=True)
    subject_id = StringField(required=True)
    county = StringField(required=True)
    seq = IntField(required=True, min_value=1)
    hash = StringField(required=True)
    #: moved since the last signed checkpoint (set by every append, in the same write)
    pending = BooleanField(default=True)
    #: what the last checkpoint signed of this file; the next one only extends it
    signed_seq = IntField(default=0)
    signed_hash = StringField(default=GENESIS_HASH)
    #: the entries do not extend what was signed: never signed again, alerted
    broken = BooleanField(default=False)


class Checkpoint(OutboxDocument):
    """A signed checkpoint of one county's files (``domain.checkpoints``); ``_id``
    ``<county>/<number>``, written with its ``archive.checkpoint_signed`` in one write."""

    meta = {"db_alias": ALIAS, "collection": "checkpoints", "indexes": ["county", "outbox_pending"]}
    subject_kind = "checkpoint"
    id = StringField(primary_key=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    number = IntField(required=True, min_value=1)
    issued_at = StringField(required=True)
    key_id = StringField(required=True)
    prev_hash = StringField(required=True)
    leaves = ListField(DictField())
    hash = StringField(required=True)
    signature = StringField(required=True)

    def body(self) -> dict:
        return {
            "county": self.county,
            "number": self.number,
            "issued_at": self.issued_at,
            "key_id": self.key_id,
            "prev_hash": self.prev_hash,
            "leaves": list(self.leaves),
        }


class Draw(OutboxDocument):
    """A reproducible draw (``domain.supervision``): committed (seed hash and population digest
    published), then drawn with public entropy (seed revealed). ``_id``
    ``<purpose>/<commission>/<period>``: one spot check per commission per year."""

    meta = {"db_alias": ALIAS, "collection": "draws", "indexes": ["county", "outbox_pending"]}
    subject_kind = "draw"
    id = StringField(primary_key=True)
    purpose = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")  # the commission's division code
    period = StringField(required=True)
    ratio = FloatField(required=True)
    rule_version = StringField(required=True)
    source = StringField(default="")
    population = ListField(StringField())
    population_digest = StringField(required=True)
    commitment = StringField(required=True)
    seed = StringField(required=True)  # hidden until drawn
    committed_by = StringField(required=True)
    committed_at = DateTimeField(required=True)
    public_entropy = StringField(null=True)
    drawn_by = StringField(null=True)
    drawn_at = DateTimeField(null=True)
    selected = ListField(StringField())
    mandatory = DictField()  # id -> [reasons] beyond the random sample
    state = StringField(required=True, default="committed")


class TrailStep(EmbeddedDocument):
    step = StringField(required=True)
    by = StringField(required=True)
    at = DateTimeField(required=True)
    note = StringField(default="")


class ReportCheck(OutboxDocument):
    """A check of one official's personal-matters report for one year (000/D); ``_id``
    ``<official>/<year>``: random or mandatory, the reasons accumulate, tracked to closure."""

    meta = {"db_alias": ALIAS, "collection": "report_checks", "indexes": ["county", "year", "state", "outbox_pending"]}
    subject_kind = "report_check"
    id = StringField(primary_key=True)
    official_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    year = IntField(required=True)
    reasons = ListField(StringField())
    draw_id = StringField(null=True)
    state = StringField(required=True, default="open")
    result = StringField(null=True)
    serious = BooleanField(default=False)
    other_violation = BooleanField(default=False)
    record_id = StringField(null=True)  # the report_check record it wrote in the dossier
    clue_id = StringField(null=True)
    opened_on = StringField(required=True)
    closed_on = StringField(null=True)
    trail = ListField(EmbeddedDocumentField(TrailStep))


class InquiryTally(VersionedDocument):
    """The inquiries of one person in one year (``_id`` ``<official>/<year>``): the cap is read
    here by key, never counted; ``events`` makes an inquiry ordered by an event idempotent."""

    meta = {"db_alias": ALIAS, "collection": "inquiry_tallies"}
    id = StringField(primary_key=True)
    inquiries = ListField(StringField())
    events = ListField(StringField())


class Inquiry(OutboxDocument):
    """A talk or letter inquiry (谈话函询, 001 黑龙江); ``_id`` ``<official>/<year>/<n>``."""

    meta = {
        "db_alias": ALIAS,
        "collection": "inquiries",
        "indexes": ["official_id", "county", "state", "sample_draw", "outbox_pending"],
    }
    subject_kind = "inquiry"
    id = StringField(primary_key=True)
    official_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    year = IntField(required=True)
    n = IntField(required=True, min_value=1)
    kind = StringField(required=True)
    ordered_by = StringField(required=True)
    ref = StringField(default="")
    reason = StringField(default="")
    opened_by = StringField(required=True)
    opened_on = StringField(required=True)
    approved_by = StringField(null=True)
    state = StringField(required=True)
    answered_on = StringField(null=True)
    answer = StringField(default="")
    sample_draw = StringField(null=True)
    sampled = BooleanField(default=False)
    method = StringField(null=True)
    verification = StringField(null=True)  # truthful | concealed
    record_id = StringField(null=True)
    clue_id = StringField(null=True)
    closed_on = StringField(null=True)
    trail = ListField(EmbeddedDocumentField(TrailStep))


class Review(VersionedDocument):
    """A one-click integrity review (廉政审核, 004/4) of a list of people over a date range, as of a
    stated time; the request itself is its audit record (requester, purpose, when). Its people
    and results are kept in ``ReviewPage`` documents; ``done`` is the progress."""

    meta = {"db_alias": ALIAS, "collection": "reviews", "indexes": ["state", "requester", "county"]}
    id = StringField(primary_key=True)
    requester = StringField(required=True)
    roles = ListField(StringField())
    purpose = StringField(required=True)
    county = StringField(default="")
    counties = ListField(StringField())
    requested_at = DateTimeField(required=True)
    as_of = DateTimeField(required=True)
    date_from = StringField(null=True)
    date_to = StringField(null=True)
    unit_id = StringField(null=True)
    total = IntField(default=0)
    pages = IntField(default=0)
    done = IntField(default=0)
    done_pages = IntField(default=0)
    with_findings = IntField(default=0)
    pending_items = IntField(default=0)
    unknown = ListField(DictField())  # [{"input", "reason", "candidates"}]: listed back, never dropped
    state = StringField(required=True, default="queued")
    finished_at = DateTimeField(null=True)


class ReviewPage(Document):
    """A page of a review (``_id`` ``<review>/<n>``): its people, then their rows once computed."""

    meta = {"db_alias": ALIAS, "collection": "review_pages"}
    id = StringField(primary_key=True)
    review_id = StringField(required=True)
    n = IntField(required=True)
    official_ids = ListField(StringField())
    rows = ListField(DictField(), null=True)


class SupervisionRecord(OutboxDocument):
    """A pledge, a home visit, a supervision talk, a lecture or a special supervisor's report
    (``domain.records``); ``_id`` a fresh id. Its content stays here (archive roles); the file gets
    an ``archive.supervision_recorded`` with the content's digest."""

    meta = {
        "db_alias": ALIAS,
        "collection": "supervision_records",
        "indexes": [("subject_kind", "subject_id"), "kind", "county", "on", "details.supervisor_id", "outbox_pending"],
    }
    id = StringField(primary_key=True)
    subject_kind = StringField(required=True, choices=("official", "unit"))
    subject_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    kind = StringField(required=True)
    on = StringField(required=True)
    details = DictField()
    by = StringField(required=True)
    entered_at = DateTimeField(required=True)
    state = StringField(default="recorded")
    trail = ListField(EmbeddedDocumentField(TrailStep))

    @property
    def event_subject(self) -> str:
        return f"record/{self.pk}"


class Supervisor(VersionedDocument):
    """A special supervisor (特邀监督员, 000/H) and the appointment."""

    meta = {"db_alias": ALIAS, "collection": "supervisors", "indexes": ["county"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    appointed_on = StringField(required=True)
    term_to = StringField(null=True)
    letter_no = StringField(default="")
    scope = ListField(StringField())
    ended_on = StringField(null=True)


class CheckpointChain(VersionedDocument):
    """Where a county's checkpoints end: ``_id`` the county, the last number and hash."""

    meta = {"db_alias": ALIAS, "collection": "checkpoint_chains"}
    id = StringField(primary_key=True)
    number = IntField(default=0)
    hash = StringField(default=GENESIS_HASH)
    issued_at = StringField(default="")


class RecordedEvent(Document):
    """Idempotency record: this event is in this file at ``seq``; ``_id`` ``<event>/<kind>/<id>``."""

    meta = {"db_alias": ALIAS, "collection": "file_events"}
    id = StringField(primary_key=True)
    event_id = StringField(required=True)
    subject_kind = StringField(required=True)
    subject_id = StringField(required=True)
    seq = IntField(required=True, min_value=1)


class AccessLog(Document):
    """Who read what, and why (每次查阅留痕): one append-only document per read of a portrait, a
    personal report, a review or an export; ``_id`` a fresh id. Never updated, never deleted."""

    meta = {"db_alias": ALIAS, "collection": "access_log", "indexes": ["subject", "by", "county", "at"]}
    id = StringField(primary_key=True)
    at = DateTimeField(required=True)
    by = StringField(required=True)
    roles = ListField(StringField())
    action = StringField(required=True)
    subject = StringField(required=True)
    county = StringField(default="")
    purpose = StringField(default="")


class FileChain:
    """Appending to and reading integrity files, on a store's by-key steps.

    Shared by ``ArchiveStore`` and the tests' fake so both keep the same guarantees. The steps
    of one append, in this order, each one write by ``_id``:

    1. read the head, then the event's idempotency record (present: a redelivery);
    2. walk the entries past the head by key (a head lags only when an appender stopped
       between its writes): record each one's event, and if one is this event, answer duplicate;
    3. insert the entry at the next seq; a collision on ``_id`` means a concurrent append won
       that seq: start again at 1;
    4. write the idempotency record, then advance the head (conditional, never backwards).

    The head is read before the record because a record is always written before the head
    passes its entry: an append that sees the head past this event's entry also sees its
    record, and one that sees the head before it walks onto the entry. So an event lands once
    per file, whatever crashed or raced, without a unique index on (event, file).
    """

    # -- steps a store provides ---------------------------------------------------------------
    def head(self, kind: str, subject_id: str) -> FileHead | None:
        raise NotImplementedError

    def entry_at(self, kind: str, subject_id: str, seq: int) -> FileEntry | None:
        raise NotImplementedError

    def is_recorded(self, event_id: str, subject: FileSubject) -> bool:
        raise NotImplementedError

    def insert_entry(self, entry: FileEntry) -> bool:
        """Insert; False when the seq is taken."""
        raise NotImplementedError

    def record(self, event_id: str, subject: FileSubject, seq: int) -> None:
        """Write the idempotency record (again is a no-op)."""
        raise NotImplementedError

    def advance_head(self, subject: FileSubject, seq: int, digest: str) -> None:
        """Move the head to ``seq`` unless it is already there or past it."""
        raise NotImplementedError

    def entries_at(self, kind: str, subject_id: str, seqs: range) -> list[FileEntry]:
        """The entries at ``seqs`` that exist, in seq order."""
        raise NotImplementedError

    # -- the file -----------------------------------------------------------------------------
    def append(self, subject: FileSubject, *, kind: str, summary: str, event: dict, now: datetime) -> bool:
        """Append to a file; False when this event is already in it (redelivery)."""
        event_id = event["id"]
        for _ in range(APPEND_ATTEMPTS):
            head = self.head(subject.kind, subject.id)
            if self.is_recorded(event_id, subject):
                return False
            seq, prev_hash = (head.seq, head.hash) if head else (0, GENESIS_HASH)
            for entry in self._after(subject.kind, subject.id, seq):
                self.record(entry.source_event_id, subject, entry.seq)
                if entry.source_event_id == event_id:
                    self.advance_head(subject, entry.seq, entry.hash)
                    return False
                seq, prev_hash = entry.seq, entry.hash
            entry = FileEntry.chained(subject, seq + 1, prev_hash, kind=kind, summary=summary, event=event, now=now)
            if not self.insert_entry(entry):
                continue
            self.record(event_id, subject, entry.seq)
            self.advance_head(subject, entry.seq, entry.hash)
            return True
        raise RuntimeError(f"could not append to the file after {APPEND_ATTEMPTS} concurrent attempts")

    def entries(self, kind: str, subject_id: str) -> list[FileEntry]:
        """The whole file in seq order, by key: 1..head, then any entry past a lagging head.

        A missing entry is left out, so the chain check sees the gap.
        """
        head = self.head(kind, subject_id)
        last = head.seq if head else 0
        return self.entries_at(kind, subject_id, range(1, last + 1)) + list(self._after(kind, subject_id, last))

    def page(self, kind: str, subject_id: str, after: int, limit: int) -> tuple[list[FileEntry], int]:
        """Up to ``limit`` entries after seq ``after``, by key, and the last seq of the file."""
        head = self.head(kind, subject_id)
        last = head.seq if head else 0
        entries = self.entries_at(kind, subject_id, range(after + 1, min(after + limit, last) + 1))
        if len(entries) < limit:
            for entry in self._after(kind, subject_id, max(last, after)):
                entries.append(entry)
                if len(entries) == limit:
                    break
        tail = entries[-1].seq if entries else after
        if tail >= last and self.entry_at(kind, subject_id, tail + 1) is not None:
            tail += 1  # a lagging head: there is more past the page
        return entries, max(last, tail)

    def _after(self, kind: str, subject_id: str, seq: int) -> Iterator[FileEntry]:
        while (entry := self.entry_at(kind, subject_id, seq + 1)) is not None:
            yield entry
            seq += 1


#: Keys per ``$in`` lookup: mongomock tests every candidate against the whole list, so a long
#: list is quadratic on the embedded store; short ones cost the same on MongoDB.
KEY_CHUNK = 100


def _chunks(keys: list, size: int = KEY_CHUNK) -> Iterator[list]:
    for i in range(0, len(keys), size):
        yield keys[i : i + size]


@dataclass(frozen=True)
class OfficialQuery:
    """A precise search (精准检索) for people: every field narrows; ``counties`` are the caller's
    scopes (a county, a city ``xxxx00`` or a province ``xx0000``); ``after`` is the cursor (an id)."""

    counties: tuple[str, ...]
    name: str | None = None
    unit_id: str | None = None
    post: str | None = None
    rank: str | None = None
    tag: str | None = None
    official_ids: tuple[str, ...] | None = None  # from the reminder side of the search
    held_from: date | None = None  # a posting (unit/post when given) overlapping this range
    held_to: date | None = None
    after: str = ""
    limit: int = 50

    def posting_matches(self, occupancies: Iterable[Occupancy]) -> bool:
        if self.held_from is None and self.held_to is None:
            return True
        first, last = self.held_from or date.min, self.held_to or date.max
        return any(
            o.overlaps(first, last)
            and (self.unit_id is None or o.unit_id == self.unit_id)
            and (self.post is None or o.post == self.post)
            for o in occupancies
        )


def county_prefixes(scopes: Iterable[str]) -> list[str] | None:
    """The county-code prefixes a principal's scopes cover; None for every county."""
    prefixes = []
    for scope in scopes:
        if scope == "*":
            return None
        prefixes.append(scope[:2] if scope.endswith("0000") else scope[:4] if scope.endswith("00") else scope)
    return prefixes


def _county_q(scopes: Iterable[str]) -> Q:
    prefixes = county_prefixes(scopes)
    if prefixes is None:
        return Q()
    q = Q(county="__none__")
    for prefix in prefixes:
        q |= Q(county=prefix) if len(prefix) == 6 else Q(county__startswith=prefix)
    return q


class ArchiveStore(FileChain, Store):
    documents = (
        Unit,
        Official,
        FileEntry,
        FileHead,
        RecordedEvent,
        Dossier,
        Reminder,
        SweepRun,
        CalendarYear,
        AccessLog,
        Checkpoint,
        CheckpointChain,
        Draw,
        ReportCheck,
        InquiryTally,
        Inquiry,
        Review,
        ReviewPage,
        SupervisionRecord,
        Supervisor,
    )

    def officials(self, county: str | None = None, name: str | None = None, limit: int = 100) -> list[Official]:
        """A bounded list for people (indexed on MongoDB; a scan on the embedded store)."""
        query = Official.objects
        if county:
            query = query(county=county)
        if name:
            query = query(name=name)
        return list(query.order_by("id").limit(limit))

    # -- the registry at province scale: raw rows by key, bulk writes ----------------------------
    def official_rows(self, ids: Iterable[str]) -> dict[str, dict]:
        """The stored officials' documents (their MongoDB form) by id, for diffing an import."""
        return self._rows(Official, list(ids))

    def unit_rows(self, ids: Iterable[str]) -> dict[str, dict]:
        return self._rows(Unit, list(ids))

    @staticmethod
    def _rows(cls, ids: list[str]) -> dict[str, dict]:
        collection = cls._get_collection()
        found: dict[str, dict] = {}
        for chunk in _chunks(ids):
            for row in collection.find({"_id": {"$in": chunk}}):
                found[row["_id"]] = row
        return found

    def write_officials(self, inserts: list[dict], updates: list[tuple[str, int, dict, list[dict]]]) -> set[str]:
        """Insert new officials whole and update changed ones, each ONE document write carrying
        its events (``$push`` onto the outbox, never rewriting it: the relay pulls from it).

        ``updates``: (id, version read, fields to set, outbox entries to push); the write is
        conditional on the version. Returns the ids not written: taken (a concurrent insert) or
        changed since they were read; the caller diffs them again.
        """
        collection = Official._get_collection()
        lost: set[str] = set()
        if inserts:
            try:
                collection.insert_many(inserts, ordered=False)
            except BulkWriteError as exc:
                lost |= {inserts[e["index"]]["_id"] for e in exc.details.get("writeErrors", [])}
        for key, version, sets, events in updates:
            update: dict = {"$set": dict(sets, version=version + 1)}
            if events:
                update["$set"]["outbox_pending"] = True
                update["$push"] = {"outbox": {"$each": events}}
            if not collection.update_one({"_id": key, "version": version}, update).matched_count:
                lost.add(key)
        for row in inserts:
            if row["_id"] not in lost and row.get("outbox"):
                self.events_written(Official, row["_id"])
        for key, _, _, events in updates:
            if key not in lost and events:
                self.events_written(Official, key)
        return lost

    def write_units(self, rows: list[dict]) -> None:
        """Units are reference data: written whole (no events)."""
        if rows:
            Unit._get_collection().bulk_write([ReplaceOne({"_id": r["_id"]}, r, upsert=True) for r in rows])

    def holders(self, unit_id: str, post: str | None, on: date) -> list[tuple[Official, Occupancy]]:
        """Who held ``post`` (any post when None) in ``unit_id`` on ``on`` (bounded by the unit)."""
        found = []
        for official in Official.objects(postings__unit_id=unit_id).order_by("id").limit(5000):
            for occupancy in official.occupancies():
                if occupancy.unit_id == unit_id and (post is None or occupancy.post == post) and occupancy.held_on(on):
                    found.append((official, occupancy))
        return found

    def search_officials(self, query: OfficialQuery) -> list[Official]:
        """One page of the precise search, in id order after the cursor (indexed fields)."""
        q = _county_q(query.counties)
        for key in ("name", "unit_id", "post", "rank"):
            value = getattr(query, key)
            if value is not None and not (key in ("unit_id", "post") and (query.held_from or query.held_to)):
                q &= Q(**{key: value})
        if query.tag:
            q &= Q(tags=query.tag)
        if query.official_ids is not None:
            q &= Q(id__in=list(query.official_ids))
        if query.unit_id and (query.held_from or query.held_to):
            q &= Q(postings__unit_id=query.unit_id)
        if query.after:
            q &= Q(id__gt=query.after)
        found: list[Official] = []
        # A time range is checked on the postings after the query: read on until a page is full.
        for official in Official.objects(q).order_by("id").limit(query.limit * 20):
            if query.posting_matches(official.occupancies()):
                found.append(official)
                if len(found) == query.limit:
                    break
        return found

    def official_page(self, after: str, limit: int) -> list[Official]:
        """Officials in id order after ``after``: the nightly sweep's walk."""
        return list(Official.objects(id__gt=after).order_by("id").limit(limit))

    # -- dossiers and reminders ------------------------------------------------------------------
    def dossiers(self, ids: Iterable[str]) -> list[Dossier]:
        """Dossiers by key (in short ``$in`` chunks)."""
        found: list[Dossier] = []
        for chunk in _chunks(list(ids)):
            found += self.get_many(Dossier, chunk)
        return found

    def insert_reminders(self, rows: list[dict]) -> set[str]:
        """Insert new reminders in their stored form (each with its event in the outbox), in
        bulk; one whose key exists (raised already, before a crash) is skipped. Returns the keys
        inserted; the relay is told about them by key."""
        inserted = self._insert_new(Reminder, rows)
        for key in inserted:
            self.events_written(Reminder, key)
        return inserted

    def insert_dossiers(self, rows: list[dict]) -> set[str]:
        """Insert new dossiers in bulk; returns the keys that existed already (not written)."""
        inserted = self._insert_new(Dossier, rows)
        return {r["_id"] for r in rows} - inserted

    @staticmethod
    def _insert_new(cls, rows: list[dict]) -> set[str]:
        if not rows:
            return set()
        keys = {r["_id"] for r in rows}
        try:
            cls._get_collection().insert_many(rows, ordered=False)
        except BulkWriteError as exc:
            keys -= {rows[e["index"]]["_id"] for e in exc.details.get("writeErrors", [])}
        return keys

    def add_reminders(self, reminders: Iterable[Reminder]) -> list[Reminder]:
        """Insert new reminders, each with its event; one whose key exists (raised already, before
        a crash) is left as it is. Returns those inserted."""
        added = []
        for reminder in reminders:
            try:
                added.append(self.add(reminder))
            except Conflict:
                continue
        return added

    def reminders_of(self, official_id: str, limit: int = 500) -> list[Reminder]:
        return list(Reminder.objects(official_id=official_id).order_by("id").limit(limit))

    def reminders(
        self,
        counties: tuple[str, ...],
        *,
        state: str | None = None,
        condition: str | None = None,
        department: str | None = None,
        created_from: date | None = None,
        created_to: date | None = None,
        after: str = "",
        limit: int = 50,
    ) -> list[Reminder]:
        """A department's worklist or the reminder side of a search, cursor-paged by id."""
        q = _county_q(counties)
        if state:
            q &= Q(state=state)
        if condition:
            q &= Q(condition_code=condition)
        if department:
            q &= Q(department=department)
        if created_from:
            q &= Q(created_on__gte=created_from.isoformat())
        if created_to:
            q &= Q(created_on__lte=created_to.isoformat())
        if after:
            q &= Q(id__gt=after)
        return list(Reminder.objects(q).order_by("id").limit(limit))

    def reminders_due(self, today: date, limit: int = 500) -> list[Reminder]:
        """Open reminders whose current step is past due and not yet escalated (the timer's scan,
        by due date)."""
        return list(Reminder.objects(escalate_on__lt=today.isoformat()).order_by("escalate_on", "id").limit(limit))

    def provisional_reminders(self, after: str = "", limit: int = 500) -> list[Reminder]:
        """Open reminders whose deadline was counted on a year not loaded (a loaded year recounts
        them), by id after ``after``."""
        query = Reminder.objects(due_provisional=True, state__ne="closed")
        if after:
            query = query(id__gt=after)
        return list(query.order_by("id").limit(limit))

    # -- signed checkpoints (the timer's scan of moved heads; by key otherwise) ---------------------
    def pending_heads(self, limit: int = 5000) -> list[FileHead]:
        """Heads moved since their last checkpoint (indexed on MongoDB; a scan on the embedded store)."""
        return list(FileHead.objects(pending=True, broken__ne=True).order_by("id").limit(limit))

    def mark_signed(self, leaves: Iterable[tuple[str, int, str]]) -> None:
        """Record what a checkpoint signed; a head that moved meanwhile stays pending."""
        for key, seq, digest in leaves:
            FileHead.objects(pk=key, seq=seq).update_one(
                set__pending=False, set__signed_seq=seq, set__signed_hash=digest
            )

    def mark_broken(self, key: str) -> None:
        FileHead.objects(pk=key).update_one(set__broken=True)

    def checkpoint_chains(self) -> list[CheckpointChain]:
        """One per county that has files (a small collection, read whole by the timer)."""
        return list(CheckpointChain.objects.order_by("id"))

    def checkpoints(self, county: str, after: int = 0, limit: int = 100) -> list[Checkpoint]:
        return list(Checkpoint.objects(county=county, number__gt=after).order_by("number").limit(limit))

    def export_entries(self, counties: tuple[str, ...], after: str = "", limit: int = 1000) -> list[dict]:
        """File entries in the counties, in ``_id`` order after ``after``, as stored (the auditor's
        export: a scan by design)."""
        q = _county_q(counties)
        if after:
            q &= Q(id__gt=after)
        return list(FileEntry.objects(q).order_by("id").limit(limit).as_pymongo())

    # -- supervision records (issue 11): lists for people, by key otherwise ----------------------------
    def reporters(self, commission: str, year: int) -> list[str]:
        """Officials inside ``commission`` with a personal-matters report for ``year`` (a draw's
        population: a list for people, a scan on the embedded store)."""
        q = _county_q((commission,)) & Q(records__match={"kind": "personal_report", "year": year})
        return sorted(d["_id"] for d in Dossier.objects(q).only("id").as_pymongo())

    def answered_undrawn_inquiries(self, commission: str, limit: int = 10000) -> list[str]:
        """Answered inquiries inside ``commission`` not yet in a verification draw."""
        q = _county_q((commission,)) & Q(answered_on__ne=None, sample_draw=None)
        return sorted(d["_id"] for d in Inquiry.objects(q).only("id").limit(limit).as_pymongo())

    def set_sample_draw(self, ids: list[str], draw_id: str, selected: set[str]) -> None:
        for key in ids:
            Inquiry.objects(pk=key, sample_draw=None).update_one(
                set__sample_draw=draw_id, set__sampled=key in selected, inc__version=1
            )

    def report_checks(
        self, counties: tuple[str, ...], *, year: int | None = None, state: str | None = None, limit: int = 200
    ) -> list[ReportCheck]:
        q = _county_q(counties)
        if year:
            q &= Q(year=year)
        if state:
            q &= Q(state=state)
        return list(ReportCheck.objects(q).order_by("id").limit(limit))

    def inquiries_of(self, official_id: str, limit: int = 200) -> list[Inquiry]:
        return list(Inquiry.objects(official_id=official_id).order_by("id").limit(limit))

    # -- the integrity review: raw reads by key, for a province's worth of people ------------------
    def officials_named(self, names: Iterable[str]) -> dict[str, list[dict]]:
        """name -> the stored officials of that name (raw). MongoDB answers ``$in`` on the indexed
        name; mongomock's ``$in`` tests every document against the whole list (quadratic), so the
        embedded store reads the names once and matches them in a set."""
        wanted = set(names)
        found: dict[str, list[dict]] = {}
        collection = Official._get_collection()
        fields = {"name": 1, "county": 1, "unit_id": 1, "post": 1}
        if self.mode == "embedded":
            cursor = collection.find({}, fields)
            matches = (row for row in cursor if row.get("name") in wanted)
            for row in matches:
                found.setdefault(row["name"], []).append(row)
            return found
        for chunk in _chunks(sorted(wanted), 1000):
            for row in collection.find({"name": {"$in": chunk}}, fields):
                found.setdefault(row["name"], []).append(row)
        return found

    def unit_members(self, unit_id: str, limit: int = 20000) -> list[str]:
        """Officials who held any post in the unit (a list for people)."""
        rows = Official.objects(postings__unit_id=unit_id).only("id").order_by("id").limit(limit).as_pymongo()
        return [r["_id"] for r in rows]

    def review_material(self, ids: list[str]) -> tuple[dict, dict, dict]:
        """For a page of a review, by key: the officials, their dossiers, and their files' entries
        (file key -> entries), all in raw form."""
        officials = self._rows_without(Official, ids, {"outbox": 0})
        dossiers = self._rows_without(Dossier, ids, {"records": 1, "county": 1})
        heads = self._rows_without(FileHead, [head_key("official", i) for i in ids], {"seq": 1})
        keys = [
            entry_key("official", key.split("/", 1)[1], n)
            for key, row in heads.items()
            for n in range(1, row["seq"] + 1)
        ]
        entries: dict[str, list[dict]] = {}
        for row in self._rows_without(FileEntry, keys, {"outbox": 0}).values():
            entries.setdefault(row["subject_id"], []).append(row)
        return officials, dossiers, entries

    @staticmethod
    def _rows_without(cls, ids: list[str], projection: dict) -> dict[str, dict]:
        collection = cls._get_collection()
        found: dict[str, dict] = {}
        for chunk in _chunks(ids):
            for row in collection.find({"_id": {"$in": chunk}}, projection):
                found[row["_id"]] = row
        return found

    def reviews_to_run(self, limit: int = 5) -> list[Review]:
        return list(Review.objects(state__in=["queued", "running"]).order_by("requested_at").limit(limit))

    # -- records in the file (issue 11 item 3): lists for people --------------------------------------
    def records_of(self, subject_kind: str, subject_id: str, limit: int = 500) -> list[SupervisionRecord]:
        query = SupervisionRecord.objects(subject_kind=subject_kind, subject_id=subject_id)
        return list(query.order_by("on", "id").limit(limit))

    def education_sessions(self, unit_id: str, year: int) -> list[SupervisionRecord]:
        query = SupervisionRecord.objects(
            subject_kind="unit", subject_id=unit_id, kind="education", on__gte=f"{year}-01-01", on__lte=f"{year}-12-31"
        )
        return list(query.order_by("on", "id").limit(1000))

    def supervisors(self, counties: tuple[str, ...], limit: int = 500) -> list[Supervisor]:
        return list(Supervisor.objects(_county_q(counties)).order_by("id").limit(limit))

    def supervisor_reports(self, supervisor_id: str, limit: int = 500) -> list[SupervisionRecord]:
        query = SupervisionRecord.objects(kind="supervisor_report", details__supervisor_id=supervisor_id)
        return list(query.order_by("on", "id").limit(limit))

    # -- who read what --------------------------------------------------------------------------
    def log_access(self, entry: AccessLog) -> None:
        self.add(entry)

    def access_log(
        self, counties: tuple[str, ...], *, subject: str | None = None, by: str | None = None, limit: int = 100
    ) -> list[AccessLog]:
        """The newest reads first (a list for people: indexed on MongoDB, a scan on the embedded store)."""
        q = _county_q(counties)
        if subject:
            q &= Q(subject=subject)
        if by:
            q &= Q(by=by)
        return list(AccessLog.objects(q).order_by("-at", "id").limit(limit))

    # -- the province's calendar -------------------------------------------------------------
    def calendar_year(self, year: int) -> CalendarYear | None:
        return self.get(CalendarYear, year)

    def calendar_years(self) -> list[CalendarYear]:
        """Every loaded year (a handful of small documents: read whole by the refresh timer)."""
        return list(CalendarYear.objects.order_by("id"))

    def put_calendar_year(self, year: CalendarYear) -> None:
        self.add_or_replace(year)

    def reminder_figures_rows(self, counties: tuple[str, ...]) -> list[tuple]:
        """(department, county, state, due_on, ever_overdue, result) of every reminder in
        ``counties``: the completion figures (a list for people)."""
        rows = []
        fields = ("department", "county", "state", "due_on", "ever_overdue", "result")
        for r in Reminder.objects(_county_q(counties)).only(*fields).as_pymongo():
            due = r.get("due_on")
            rows.append(
                (
                    r["department"],
                    r["county"],
                    r["state"],
                    date.fromisoformat(due) if due else None,
                    bool(r.get("ever_overdue")),
                    r.get("result"),
                )
            )
        return rows

    # -- the file's steps, each by _id ----------------------------------------------------------
    def head(self, kind: str, subject_id: str) -> FileHead | None:
        return self.get(FileHead, head_key(kind, subject_id))

    def entry_at(self, kind: str, subject_id: str, seq: int) -> FileEntry | None:
        return self.get(FileEntry, entry_key(kind, subject_id, seq))

    def entries_at(self, kind: str, subject_id: str, seqs: range) -> list[FileEntry]:
        return self.get_many(FileEntry, [entry_key(kind, subject_id, seq) for seq in seqs])

    def is_recorded(self, event_id: str, subject: FileSubject) -> bool:
        return self.get(RecordedEvent, recorded_key(event_id, subject.kind, subject.id)) is not None

    def insert_entry(self, entry: FileEntry) -> bool:
        try:
            entry.save(force_insert=True)
        except NotUniqueError:
            return False
        return True

    def record(self, event_id: str, subject: FileSubject, seq: int) -> None:
        try:
            RecordedEvent(
                id=recorded_key(event_id, subject.kind, subject.id),
                event_id=event_id,
                subject_kind=subject.kind,
                subject_id=subject.id,
                seq=seq,
            ).save(force_insert=True)
        except NotUniqueError:
            pass  # recorded already (by a redelivery, or by an append that walked past it)

    def advance_head(self, subject: FileSubject, seq: int, digest: str) -> None:
        if self._move_head(subject, seq, digest):
            return
        try:
            FileHead(
                id=head_key(subject.kind, subject.id),
                subject_kind=subject.kind,
                subject_id=subject.id,
                county=subject.county,
                seq=seq,
                hash=digest,
            ).save(force_insert=True)
        except NotUniqueError:
            # It exists: at or past seq already (nothing to do), or created just now behind us.
            self._move_head(subject, seq, digest)

    @staticmethod
    def _move_head(subject: FileSubject, seq: int, digest: str) -> bool:
        moved = FileHead.objects(pk=head_key(subject.kind, subject.id), seq__lt=seq).update_one(
            set__seq=seq, set__hash=digest, set__pending=True
        )
        return bool(moved)
