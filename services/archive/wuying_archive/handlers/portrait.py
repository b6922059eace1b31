"""The integrity portrait (廉政画像) and the personal comprehensive integrity report (个人综合廉情报告).

004/4 深圳龙岗: 基于档案库的基础数据，系统可以及时对各类廉情信息进行梳理整合，既可以形成个人综合廉情
报告……实时呈现干部的“廉政画像”. One person in one view: posts, family and interests, personal-matters
reports and their checks, conditions and reminders, reports and their outcomes, warnings,
organisational handling, inspection findings, sanctions and the risk profile — read by key (the
official, the dossier, the file, the reminders). Archive roles only, and every read is audited
(who, when, which person, and for the PDF why).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import TypeVar

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Forbidden, Unauthorized, WuyingError

from ..domain.file import verify_chain
from ..domain.matters import RELATIVES
from ..domain.outcomes import Fact, Outcome, fold, risk_profile, sanctions
from ..domain.supervision import RECORD_KINDS_ZH
from ..exceptions import OfficialNotFound
from ..persistence import AccessLog, ArchiveStore, Dossier, FileEntry, MatterDoc, Official, Reminder, Unit
from .conditions import Evaluator, facts_of
from .credit import credit_of
from .matters import ARCHIVE_ROLES

T = TypeVar("T")

#: The kinds of the dossier shown under each heading.
FAMILY_KINDS = (*RELATIVES, "foreign_status", "residence_abroad")
INTEREST_KINDS = ("business", "directorship", "side_job")
REPORT_KINDS = ("personal_report", "report_check", "inquiry_verification")


@dataclass(frozen=True)
class ConditionView:
    code: str
    name_zh: str
    evidence: tuple[str, ...]


@dataclass
class Portrait:
    official: Official
    generated_at: datetime
    requester: str
    family: list[MatterDoc]
    interests: list[MatterDoc]
    personal_reports: list[MatterDoc]
    conditions: list[ConditionView]
    rule_version: str
    reminders: list[Reminder]
    outcomes: list[Outcome]
    risk: dict | None
    file_last_seq: int
    file_intact: bool
    extras: dict = field(default_factory=dict)  # what later issues add (supervision records, credit)

    def outcomes_of(self, *categories: str) -> list[Outcome]:
        return [o for o in self.outcomes if o.category in categories]


def facts_of_entries(entries: list[FileEntry]) -> list[Fact]:
    return [Fact(e.seq, e.kind, e.data or {}, e.occurred_at, e.recorded_at) for e in entries]


def audit(
    store: ArchiveStore,
    clock: SystemClock,
    principal: Principal | None,
    action: str,
    subject: str,
    county: str,
    purpose="",
    *,
    outcome: str = "allowed",
    code: str | None = None,
) -> None:
    """One access-log entry, written before what it logs is answered (or refused: ``outcome``
    ``denied`` with the refusal's code; a caller without a valid token is ``anonymous``)."""
    store.log_access(
        AccessLog(
            id=uuid.uuid4().hex,
            at=naive_utc(clock.now()),
            by=principal.subject if principal is not None else "anonymous",
            roles=sorted(principal.roles) if principal is not None else [],
            action=action,
            subject=subject,
            county=county,
            purpose=purpose,
            outcome=outcome,
            code=code,
        )
    )


def audited_read(
    store: ArchiveStore,
    clock: SystemClock,
    principal: Principal | None,
    denied: WuyingError | None,
    action: str,
    kind: str,
    subject_id: str,
    read: Callable[[], T],
    *,
    grant: bool = True,
) -> T:
    """A read of sensitive data (a file, a portrait, a report) audited whether it is granted or
    denied (issue 9 item 5; seeds/000 D 每次查阅留痕): the HTTP layer's refusal (``denied``, from
    the matrix) and the handler's own (county, role, own record) both land in the access log
    before the refusal is answered. ``grant=False`` when ``read`` audits the grant itself."""
    try:
        if denied is not None:
            raise denied
        result = read()
    except (Forbidden, Unauthorized) as exc:
        audit(
            store,
            clock,
            principal,
            action,
            subject_id,
            _county_of(store, kind, subject_id),
            outcome="denied",
            code=exc.code,
        )
        raise
    if grant:
        audit(store, clock, principal, action, subject_id, _county_of(store, kind, subject_id))
    return result


def _county_of(store: ArchiveStore, kind: str, subject_id: str) -> str:
    """The county of a file's subject (by key), for the auditors of that county; "" if unknown."""
    owner = store.get(Official if kind == "official" else Unit, subject_id)
    return owner.county if owner is not None else ""


def portrait(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    principal: Principal,
    official_id: str,
    *,
    action: str = "portrait.read",
    purpose: str = "",
) -> Portrait:
    principal.require_role(*ARCHIVE_ROLES)
    official = store.get(Official, official_id)
    if official is None:
        raise OfficialNotFound(fields={"id": official_id})
    principal.require_county(official.county)
    audit(store, clock, principal, action, official_id, official.county, purpose)
    dossier = store.get(Dossier, official_id)
    records = list(dossier.records) if dossier else []
    entries = store.entries("official", official_id)
    facts = facts_of_entries(entries)
    today = beijing_date(clock.now())
    hits = evaluator.rules.evaluate(facts_of(official, dossier), today, evaluator.calendar)
    domain_records = [r.to_domain() for r in records]
    outcomes = fold(facts) + sanctions(domain_records, today, evaluator.calendar)
    check = verify_chain([(e.seq, e.content(), e.prev_hash, e.hash) for e in entries])
    credit = credit_of(evaluator, official, dossier, today)
    kept = store.records_of("official", official_id)
    extras = {
        "credit": credit_view(credit),
        "records": [
            {"id": r.id, "kind": r.kind, "kind_zh": RECORD_KINDS_ZH.get(r.kind, r.kind), "on": r.on, "state": r.state}
            for r in kept
        ],
        "pdf_sections": [
            (
                f"十二、廉政信用（规则 {credit.rule_version}）",
                [f"{credit.score} 分（{credit.level_zh}）"]
                + [f"{f.name_zh}：{f.points:+d} 分（依据：{f.source}）" for f in credit.factors],
            ),
            (
                "十三、廉洁承诺、家访、监督谈话及特邀监督员反映",
                [f"{r.on} {RECORD_KINDS_ZH.get(r.kind, r.kind)}" for r in kept] or ["（无）"],
            ),
        ],
    }
    return Portrait(
        official=official,
        generated_at=clock.now(),
        requester=principal.subject,
        family=[r for r in records if r.kind in FAMILY_KINDS],
        interests=[r for r in records if r.kind in INTEREST_KINDS],
        personal_reports=[r for r in records if r.kind in REPORT_KINDS],
        conditions=[ConditionView(h.code, evaluator.rules.get(h.code).name_zh, h.evidence) for h in hits],
        rule_version=evaluator.rules.version,
        reminders=store.reminders_of(official_id),
        outcomes=outcomes,
        risk=risk_profile(facts),
        file_last_seq=entries[-1].seq if entries else 0,
        file_intact=check.intact,
        extras=extras,
    )


def credit_view(credit) -> dict:
    return {
        "score": credit.score,
        "level": credit.level,
        "level_zh": credit.level_zh,
        "rule_version": credit.rule_version,
        "factors": [dict(f.to_dict(), source=f.source) for f in credit.factors],
    }


def credit_now(
    store: ArchiveStore, clock: SystemClock, evaluator: Evaluator, principal: Principal, official_id: str
) -> dict:
    """The integrity credit as it is today, explained factor by factor."""
    principal.require_role("archive_keeper", "auditor", "commission_leader")
    official = store.get(Official, official_id)
    if official is None:
        raise OfficialNotFound(fields={"id": official_id})
    principal.require_county(official.county)
    dossier = store.get(Dossier, official_id)
    return dict(
        credit_view(credit_of(evaluator, official, dossier, beijing_date(clock.now()))), official_id=official_id
    )
