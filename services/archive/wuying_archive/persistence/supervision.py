"""Supervision records (issue 11): reproducible draws, personal-matters checks (000/D), talk and
letter inquiries (001 黑龙江), records in the file (pledges, home visits, talks, lectures) and
special supervisors (000/H)."""

from __future__ import annotations

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    EmbeddedDocument,
    EmbeddedDocumentField,
    FloatField,
    IntField,
    ListField,
    StringField,
)
from mongoengine.queryset.visitor import Q

from wuying_common.outbox import OutboxDocument
from wuying_common.paging import Page
from wuying_common.store import Store, VersionedDocument

from .common import ALIAS, _county_q
from .dossiers import Dossier


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


class SupervisionStore(Store):
    """Draws, checks, inquiries, records and supervisors in the store; part of ``ArchiveStore``."""

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
        self, counties: tuple[str, ...], page: dict, *, year: int | None = None, state: str | None = None
    ) -> Page:
        q = _county_q(counties)
        if year:
            q &= Q(year=year)
        if state:
            q &= Q(state=state)
        return self.paged(ReportCheck.objects(q), page)

    def inquiries_of(self, official_id: str, limit: int = 200) -> list[Inquiry]:
        return list(Inquiry.objects(official_id=official_id).order_by("id").limit(limit))

    # -- records in the file (issue 11 item 3): lists for people --------------------------------------
    def records_of(self, subject_kind: str, subject_id: str, limit: int = 500) -> list[SupervisionRecord]:
        query = SupervisionRecord.objects(subject_kind=subject_kind, subject_id=subject_id)
        return list(query.order_by("on", "id").limit(limit))

    def education_sessions(self, unit_id: str, year: int) -> list[SupervisionRecord]:
        query = SupervisionRecord.objects(
            subject_kind="unit", subject_id=unit_id, kind="education", on__gte=f"{year}-01-01", on__lte=f"{year}-12-31"
        )
        return list(query.order_by("on", "id").limit(1000))

    def supervisors(self, counties: tuple[str, ...], page: dict) -> Page:
        return self.paged(Supervisor.objects(_county_q(counties)), page)

    def supervisor_reports(self, supervisor_id: str, limit: int = 500) -> list[SupervisionRecord]:
        query = SupervisionRecord.objects(kind="supervisor_report", details__supervisor_id=supervisor_id)
        return list(query.order_by("on", "id").limit(limit))
