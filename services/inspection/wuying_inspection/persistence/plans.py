"""Documents of one unit's plan (000/E): the unit registry, plans with their rounds, findings
and evaluation, the specialist pool (004 闵行) and cross assignments of cooperation zones
(001 贵州)."""

from __future__ import annotations

from datetime import date

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
)

from wuying_common.outbox import OutboxDocument

from ..domain.coverage import RoundState, plan_entry, unit_entry
from .base import ALIAS


class Unit(Document):
    """A unit that can be inspected: commission organs, dispatched agencies (000/E scope), and
    others; ``zone`` is its cooperation zone (协作区, seeds/001 Guizhou)."""

    meta = {"db_alias": ALIAS, "collection": "units", "indexes": ["county", "zone", "kind"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    kind = StringField(required=True)
    zone = StringField()
    focus = ListField(StringField())  # skills an inspection of this unit needs (soft, campaigns)
    specialist_fields = ListField(StringField())  # fields its teams draw a mobile specialist for

    def coverage_entry(self) -> dict:
        """Its entry in the county's coverage tally (``domain.coverage.unit_entry``)."""
        return unit_entry(self.kind)


class RoundSpecialist(EmbeddedDocument):
    id = StringField(required=True)
    name = StringField(required=True)
    expertise = StringField(required=True)  # the field they were drawn for


class PlanRound(EmbeddedDocument):
    round = IntField(required=True, min_value=1)
    method = StringField(required=True, choices=("special", "surprise", "cross", "unannounced"))
    method_zh = StringField(required=True)
    starts_on = StringField(required=True)  # ISO date: Mongo has no date type
    ends_on = StringField(required=True)
    inspecting_zone = StringField()  # cross rounds: the zone whose team inspects (001 Guizhou)
    specialists = ListField(EmbeddedDocumentField(RoundSpecialist))
    members = ListField(StringField())  # the team (inspector ids), from a campaign
    leader = StringField()
    completed_on = StringField()
    reminded_on = StringField()  # the organising department was reminded (coverage)
    campaign_id = StringField()  # the campaign that planned this round (one-round campaigns)


class Disposition(EmbeddedDocument):
    """One rung of the ladder taken on a finding, open until its outcome is recorded."""

    kind = StringField(required=True)
    opened_by = StringField(required=True)
    opened_at = DateTimeField(required=True)
    outcome = StringField()
    note = StringField()  # stays here, like the summary
    closed_by = StringField()
    closed_on = StringField()


class Finding(EmbeddedDocument):
    id = StringField(required=True)
    round = IntField(required=True)
    severity = StringField(required=True, choices=("early_sign", "general", "serious"))
    disposition = StringField(required=True)  # the first one
    dispositions = ListField(EmbeddedDocumentField(Disposition))
    official_id = StringField()
    summary = StringField(required=True)  # stays in this service: it may name people
    recorded_by = StringField(required=True)
    recorded_at = DateTimeField(required=True)

    @property
    def closed(self) -> bool:
        return bool(self.dispositions) and all(d.outcome for d in self.dispositions)


class EvaluationRecord(EmbeddedDocument):
    """The year's result for the unit's annual evaluation (评优评先; 000/E 结果运用)."""

    standing = StringField(required=True)
    findings = DictField()
    open_dispositions = IntField(required=True)
    rounds_completed = IntField(required=True)
    rounds_planned = IntField(required=True)
    recorded_by = StringField(required=True)
    recorded_at = DateTimeField(required=True)


class Plan(OutboxDocument):
    """One unit's inspection plan for one year, keyed ``"<unit_id>:<year>"``: the key is the
    one-plan-per-unit-and-year rule (a second insert is a duplicate ``_id``)."""

    meta = {
        "db_alias": ALIAS,
        "collection": "plans",
        "indexes": [
            ("county", "year"),
            ("year", "specialist_ids"),
            ("year", "inspector_ids"),
            "outbox_pending",
            ("remind_pending", "next_start"),
        ],
    }
    subject_kind = "plan"
    id = StringField(primary_key=True)
    unit_id = StringField(required=True)
    unit_name = StringField(required=True)
    unit_kind = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    zone = StringField()
    year = IntField(required=True)
    status = StringField(required=True, default="scheduled")
    rounds = ListField(EmbeddedDocumentField(PlanRound))
    specialist_ids = ListField(StringField())  # flattened from the rounds, to find bookings
    inspector_ids = ListField(StringField())  # every team member of every round: "my assignments"
    findings = ListField(EmbeddedDocumentField(Finding))
    evaluation = EmbeddedDocumentField(EvaluationRecord)
    campaign_id = StringField()  # the campaign that made this version
    # rounds the unit has this year (000/E: at least 2) when they are planned one round at a time
    # (one-round campaigns); None: the rounds the plan holds
    rounds_per_year = IntField(min_value=1)
    plan_version = IntField(default=1)
    # the timer's key: the earliest round not yet reminded, and whether one is left
    next_start = StringField()
    remind_pending = BooleanField(default=True)
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)

    @property
    def rounds_expected(self) -> int:
        """The rounds of the unit's year: those planned, or more when later rounds are still to
        be planned by a one-round campaign."""
        return max(len(self.rounds), self.rounds_per_year or 0)

    def planned_elsewhere(self, number: int, campaign_id: str) -> bool:
        """Round ``number`` is in the plan, planned by hand or by another campaign than
        ``campaign_id``."""
        found = next((r for r in self.rounds if r.round == number), None)
        return found is not None and (found.campaign_id or self.campaign_id) != campaign_id

    def round_states(self) -> list[RoundState]:
        """The rounds as coverage reads them (``domain.coverage``)."""
        return [
            RoundState(
                r.round, r.method, date.fromisoformat(r.starts_on), date.fromisoformat(r.ends_on), bool(r.completed_on)
            )
            for r in self.rounds
        ]

    def coverage_entry(self) -> dict:
        """Its entry in the county's coverage tally of its year (``domain.coverage.plan_entry``)."""
        return plan_entry(self.round_states())

    def has_round(self, number: int) -> bool:
        return any(r.round == number for r in self.rounds)

    def refresh_index_fields(self) -> None:
        """The flattened fields the list queries and the timer read."""
        self.specialist_ids = sorted({s.id for r in self.rounds for s in r.specialists})
        self.inspector_ids = sorted(
            {m for r in self.rounds for m in r.members} | {s.id for r in self.rounds for s in r.specialists}
        )
        waiting = sorted(r.starts_on for r in self.rounds if not r.reminded_on and not r.completed_on)
        self.next_start = waiting[0] if waiting else None
        self.remind_pending = bool(waiting)

    @staticmethod
    def key_for(unit_id: str, year: int) -> str:
        # ":" and not "/": the key is one path segment of /api/v1/plans/<plan_id>.
        return f"{unit_id}:{year}"


class SpecialistMember(Document):
    """A member of the specialist pool (机动组员, 004 Minhang): belongs to no team."""

    meta = {"db_alias": ALIAS, "collection": "specialists", "indexes": ["county", "expertise"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    expertise = ListField(StringField(), required=True)
    unit_id = StringField()


class ZonePair(EmbeddedDocument):
    inspected_zone = StringField(required=True)
    inspecting_zone = StringField(required=True)
    repeats_last_year = BooleanField(default=False)
    reciprocal = BooleanField(default=False)


class CrossAssignment(Document):
    """Which cooperation zone inspects which, for one region and year (001 Guizhou)."""

    meta = {"db_alias": ALIAS, "collection": "cross_assignments"}
    id = StringField(primary_key=True)  # "<region>:<year>": one assignment per region and year
    region = StringField(required=True, regex=r"^\d{6}$")
    year = IntField(required=True)
    pairs = ListField(EmbeddedDocumentField(ZonePair))
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)

    @staticmethod
    def key_for(region: str, year: int) -> str:
        return f"{region}:{year}"

    def inspecting_zone(self, zone: str | None) -> str | None:
        return next((p.inspecting_zone for p in self.pairs if p.inspected_zone == zone), None)
