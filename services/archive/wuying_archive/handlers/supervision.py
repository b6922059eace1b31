"""Personal-matters checks (000/D) and talk and letter inquiries (001 黑龙江), with their
reproducible draws (``domain.supervision``).

Roles: there is no supervision-department role on the platform; as for the reminders of issue 10,
``auditor`` (监督检查 / 干部监督室) commits and makes draws, records results and answers, and
``commission_leader`` approves an inquiry over the yearly cap and closes checks and inquiries.
A result that is an omission, a concealment or a concealed fact becomes a dossier record, which the
``undeclared_matters`` condition reads (a supervision reminder); a serious one is also a case clue
(``archive.case_clue_raised``).
"""

from __future__ import annotations

import hashlib
from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict

from ..domain.supervision import (
    DRAW_PURPOSES_ZH,
    MANDATORY_REASONS_ZH,
    ORDERED_BY_ZH,
    SUPERVISION_RULES,
    NotThisPerson,
    SupervisionRefused,
    check_close_step,
    check_over_cap,
    check_result_step,
    commitment,
    draw,
    inquiry_step,
    is_serious,
    mandatory_reasons,
    needs_approval,
    new_seed,
    population_digest,
)
from ..exceptions import DrawNotFound, InquiryNotFound, OfficialNotFound, ReportCheckNotFound
from ..persistence import ArchiveStore, Draw, Inquiry, InquiryTally, Official, ReportCheck, TrailStep
from ..schemas import CASE_CLUE_RAISED, DRAW_COMMITTED, DRAW_REVEALED, SUPERVISION_RECORDED
from .conditions import Evaluator
from .matters import append_record

SUPERVISORS = ("auditor",)  # 监督检查 / 干部监督室: no supervision-department role (issue 10 used auditor)
LEADERS = ("commission_leader",)
READERS = ("auditor", "commission_leader", "commission_secretary", "archive_keeper")


def _today(clock: SystemClock) -> date:
    return beijing_date(clock.now())


def _official(store: ArchiveStore, principal: Principal | None, official_id: str) -> Official:
    official = store.get(Official, official_id)
    if official is None:
        raise OfficialNotFound(fields={"id": official_id})
    if principal is not None:
        principal.require_county(official.county)
    return official


def _step(doc, clock: SystemClock, step: str, by: str, note: str = "") -> None:
    doc.trail = [*doc.trail, TrailStep(step=step, by=by, at=naive_utc(clock.now()), note=note)]


def _recorded(doc, clock: SystemClock, kind: str, step: str, result: str | None = None) -> None:
    doc.record_event(
        SUPERVISION_RECORDED,
        {
            "record_id": doc.id,
            "official_id": doc.official_id,
            "unit_id": None,
            "county": doc.county,
            "kind": kind,
            "step": step,
            "state": doc.state,
            "result": result,
            "on": _today(clock).isoformat(),
            "digest": None,
        },
        now=clock.now(),
    )


def _clue(doc, clock: SystemClock, source: str, reason: str) -> None:
    doc.clue_id = f"{source}/{doc.id}"
    doc.record_event(
        CASE_CLUE_RAISED,
        {
            "clue_id": doc.clue_id,
            "official_id": doc.official_id,
            "county": doc.county,
            "source": source,
            "source_ref": doc.id,
            "reason": reason,
            "raised_on": _today(clock).isoformat(),
        },
        now=clock.now(),
    )


# -- draws ------------------------------------------------------------------------------------
def commit_draw(
    store: ArchiveStore, clock: SystemClock, principal: Principal, purpose: str, commission: str, period: str
) -> Draw:
    """Freeze the population and commit to a seed (its hash is published before the draw)."""
    principal.require_role(*SUPERVISORS)
    principal.require_county(commission)
    rules = SUPERVISION_RULES
    if purpose == "report_spot_check":
        if not period.isdigit():
            raise SupervisionRefused("period", "个人有关事项抽查按年度进行：period 为年份", "period_invalid")
        population, ratio, source = (
            store.reporters(commission, int(period)),
            rules.spot_check_ratio,
            rules.spot_check_source,
        )
    else:
        population = store.answered_undrawn_inquiries(commission)
        ratio, source = rules.inquiry_verify_ratio, rules.inquiry_verify_source
    if not population:
        raise SupervisionRefused("period", f"没有可供{DRAW_PURPOSES_ZH[purpose]}的对象", "empty_population")
    seed = new_seed()
    found = Draw(
        id=f"{purpose}/{commission}/{period}",
        purpose=purpose,
        county=commission,
        period=period,
        ratio=ratio,
        rule_version=rules.version,
        source=source,
        population=population,
        population_digest=population_digest(population),
        commitment=commitment(seed),
        seed=seed,
        committed_by=principal.subject,
        committed_at=naive_utc(clock.now()),
    )
    found.record_event(
        DRAW_COMMITTED,
        {
            "draw_id": found.id,
            "county": commission,
            "purpose": purpose,
            "period": period,
            "ratio": ratio,
            "rule_version": rules.version,
            "population_size": len(population),
            "population_digest": found.population_digest,
            "commitment": found.commitment,
            "committed_at": clock.now().isoformat(),
        },
        now=clock.now(),
    )
    try:
        return store.add(found)
    except Conflict:
        raise Conflict("该期次已承诺过随机种子，不能重新抽取", code="draw_exists") from None


def get_draw(store: ArchiveStore, principal: Principal, draw_id: str) -> Draw:
    principal.require_role(*READERS)
    found = store.get(Draw, draw_id)
    if found is None:
        raise DrawNotFound(fields={"id": draw_id})
    principal.require_county(found.county)
    return found


def make_draw(store: ArchiveStore, clock: SystemClock, principal: Principal, draw_id: str, public_entropy: str) -> Draw:
    """Draw with the public entropy, reveal the seed, and open what the draw calls for: a check
    per sampled or mandatory official, or the verification mark on sampled inquiries. Again on
    a drawn draw only finishes that work (a crash between the writes)."""
    principal.require_role(*SUPERVISORS)
    found = get_draw(store, principal, draw_id)
    if found.state == "committed":
        found.selected = draw(found.seed, public_entropy, list(found.population), found.ratio)
        found.public_entropy = public_entropy.strip()
        found.drawn_by, found.drawn_at, found.state = principal.subject, naive_utc(clock.now()), "drawn"
        if found.purpose == "report_spot_check":
            rows = store.official_rows(found.population)
            found.mandatory = {
                oid: reasons
                for oid, row in rows.items()
                if (reasons := mandatory_reasons(frozenset(row.get("tags", ()))))
            }
        found.record_event(
            DRAW_REVEALED,
            {
                "draw_id": found.id,
                "county": found.county,
                "purpose": found.purpose,
                "period": found.period,
                "seed": found.seed,
                "public_entropy": found.public_entropy,
                "selected_count": len(found.selected),
                "sample_digest": hashlib.sha256("\n".join(found.selected).encode()).hexdigest(),
                "drawn_at": clock.now().isoformat(),
            },
            now=clock.now(),
        )
        found = store.save(found)
    if found.purpose == "report_spot_check":
        year = int(found.period)
        wanted: dict[str, list[str]] = {oid: ["random"] for oid in found.selected}
        for oid, reasons in (found.mandatory or {}).items():
            wanted[oid] = [*wanted.get(oid, []), *reasons]
        for oid, reasons in sorted(wanted.items()):
            official = store.get(Official, oid)
            if official is not None:
                open_check(store, clock, official, year, reasons, found.id, principal.subject)
    else:
        store.set_sample_draw(list(found.population), found.id, set(found.selected))
    return found


# -- personal-matters checks (000/D) ----------------------------------------------------------------
def open_check(
    store: ArchiveStore, clock: SystemClock, official: Official, year: int, reasons: list[str], draw_id, by: str
) -> ReportCheck:
    """The check of one report (``<official>/<year>``): created once, its reasons accumulate."""
    key = f"{official.id}/{year}"
    for _ in range(3):
        check = store.get(ReportCheck, key)
        if check is None:
            check = ReportCheck(
                id=key,
                official_id=official.id,
                county=official.county,
                year=year,
                reasons=list(dict.fromkeys(reasons)),
                draw_id=draw_id,
                opened_on=_today(clock).isoformat(),
            )
            _step(check, clock, "opened", by, "、".join(MANDATORY_REASONS_ZH[r] for r in check.reasons))
            _recorded(check, clock, "report_check", "opened")
            try:
                return store.add(check)
            except Conflict:
                continue
        missing = [r for r in reasons if r not in check.reasons]
        if not missing:
            return check
        check.reasons = [*check.reasons, *missing]
        check.draw_id = check.draw_id or draw_id
        _step(check, clock, "reason_added", by, "、".join(MANDATORY_REASONS_ZH[r] for r in missing))
        try:
            return store.save(check)
        except Conflict:
            continue
    raise Conflict("核查记录正被同时修改，请重试", code="concurrent_update")


def mandatory_check(
    store: ArchiveStore, clock: SystemClock, principal: Principal, official_id: str, year: int, reason: str
) -> ReportCheck:
    """一律进行抽查核实: promotion candidates, reserve cadres, those proposed for further use, anyone
    reported about their report."""
    principal.require_role(*SUPERVISORS, "archive_keeper")
    official = _official(store, principal, official_id)
    return open_check(store, clock, official, year, [reason], None, principal.subject)


def _check(store: ArchiveStore, principal: Principal, check_id: str) -> ReportCheck:
    check = store.get(ReportCheck, check_id)
    if check is None:
        raise ReportCheckNotFound(fields={"id": check_id})
    principal.require_county(check.county)
    return check


def record_check_result(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    principal: Principal,
    check_id: str,
    *,
    result: str,
    serious: bool = False,
    other_violation: bool = False,
    note: str = "",
) -> ReportCheck:
    """consistent / omission / concealment. The result is written into the dossier (the
    ``undeclared_matters`` condition reads it: a supervision reminder), then onto the check; a
    serious concealment or another violation found is a case clue (000/D)."""
    principal.require_role(*SUPERVISORS)
    check = _check(store, principal, check_id)
    check_result_step(check.state, result)
    official = _official(store, None, check.official_id)
    raw = {"kind": "report_check", "source": "verification", "year": check.year, "check_result": result}
    added = append_record(
        store, clock, evaluator, official, dict(raw, ref=f"report_check/{check.id}", note=note), principal.subject
    )
    check.state, check.result, check.record_id = "resulted", result, added.record.id
    check.serious, check.other_violation = serious, other_violation
    _step(check, clock, "resulted", principal.subject, note)
    _recorded(check, clock, "report_check", "resulted", result)
    if is_serious(result, serious, other_violation):
        _clue(check, clock, "report_check", "other_violation" if other_violation else "concealment")
    return store.save(check)


def close_check(
    store: ArchiveStore, clock: SystemClock, principal: Principal, check_id: str, note: str = ""
) -> ReportCheck:
    """Tracked to closure: the handling under the 两项法规 decided and recorded."""
    principal.require_role(*LEADERS)
    check = _check(store, principal, check_id)
    check_close_step(check.state)
    check.state, check.closed_on = "closed", _today(clock).isoformat()
    _step(check, clock, "closed", principal.subject, note)
    _recorded(check, clock, "report_check", "closed", check.result)
    return store.save(check)


# -- talk and letter inquiries (001 黑龙江) -------------------------------------------------------------
def open_inquiry(
    store: ArchiveStore,
    clock: SystemClock,
    principal: Principal | None,
    official_id: str,
    *,
    kind: str,
    ordered_by: str,
    ref: str = "",
    reason: str = "",
    event_id: str | None = None,
    by: str | None = None,
) -> Inquiry:
    """Open an inquiry; the person's yearly tally (by key) says whether it is over the cap: then it
    needs a recorded reason and waits for a leader's approval. One ordered by an event (an
    inspection finding) is opened once per event; over the cap it waits for approval too."""
    if principal is not None:
        principal.require_role(*SUPERVISORS)
    official = _official(store, principal, official_id)
    opener = principal.subject if principal is not None else (by or "system")
    year = _today(clock).year
    for _ in range(5):
        tally = store.get(InquiryTally, f"{official_id}/{year}") or InquiryTally(id=f"{official_id}/{year}")
        if event_id and event_id in tally.events:  # ``events`` runs alongside ``inquiries`` ("" by hand)
            already = tally.events.index(event_id)
            existing = store.get(Inquiry, tally.inquiries[already])
            if existing is not None:
                return existing
        else:
            already = len(tally.inquiries)
            if principal is not None:
                check_over_cap(already, reason)
            elif needs_approval(already) and not reason:
                reason = f"{ORDERED_BY_ZH.get(ordered_by, ordered_by)}：{ref}"
            tally.inquiries = [*tally.inquiries, f"{official_id}/{year}/{already + 1}"]
            tally.events = [*tally.events, event_id or ""]
            try:
                store.save(tally) if tally.version else store.add(tally)
            except Conflict:
                continue
        key = f"{official_id}/{year}/{already + 1}"
        inquiry = Inquiry(
            id=key,
            official_id=official_id,
            county=official.county,
            year=year,
            n=already + 1,
            kind=kind,
            ordered_by=ordered_by,
            ref=ref,
            reason=reason,
            opened_by=opener,
            opened_on=_today(clock).isoformat(),
            state="awaiting_approval" if needs_approval(already) else "open",
        )
        _step(inquiry, clock, "opened", opener, reason)
        _recorded(inquiry, clock, "inquiry", "opened")
        try:
            return store.add(inquiry)
        except Conflict:
            found = store.get(Inquiry, key)
            if found is not None:
                return found
    raise Conflict("谈话函询记录正被同时修改，请重试", code="concurrent_update")


def inquiries_ordered(store: ArchiveStore, clock: SystemClock, envelope: dict) -> Inquiry | None:
    """An inspection finding disposed of by a talk or a letter inquiry (000/E 谈话函询) is an
    inquiry of that person: it counts toward the yearly cap."""
    data = envelope.get("data", {})
    disposition = data.get("disposition")
    if disposition not in ("talk", "letter_inquiry") or not data.get("official_id"):
        return None
    if store.get(Official, data["official_id"]) is None:
        return None
    return open_inquiry(
        store,
        clock,
        None,
        data["official_id"],
        kind="talk" if disposition == "talk" else "letter",
        ordered_by="inspection",
        ref=str(data.get("finding_id", "")),
        event_id=envelope["id"],
        by="inspection",
    )


def _inquiry(store: ArchiveStore, principal: Principal, inquiry_id: str) -> Inquiry:
    found = store.get(Inquiry, inquiry_id)
    if found is None:
        raise InquiryNotFound(fields={"id": inquiry_id})
    principal.require_county(found.county)
    return found


def inquiry_step_taken(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    principal: Principal,
    inquiry_id: str,
    step: str,
    *,
    answer: str = "",
    method: str | None = None,
    result: str | None = None,
    note: str = "",
) -> Inquiry:
    """approve (a leader, not the opener) → answer → verify (talk, retrieval or query; a concealed
    fact becomes a record the conditions read, and a case clue) → close (a leader; a sampled
    inquiry only once verified)."""
    principal.require_role(*(LEADERS if step in ("approve", "close") else SUPERVISORS))
    inquiry = _inquiry(store, principal, inquiry_id)
    inquiry_step(inquiry.state, step)
    if step == "approve":
        if principal.subject == inquiry.opened_by:
            raise NotThisPerson("by", "超过次数的谈话函询须由提出人以外的领导批准")
        inquiry.state, inquiry.approved_by = "open", principal.subject
    elif step == "answer":
        if not answer.strip():
            raise SupervisionRefused("answer", "须登记被谈话函询人的说明（摘要）", "answer_required")
        inquiry.state, inquiry.answer, inquiry.answered_on = "answered", answer, _today(clock).isoformat()
    elif step == "verify":
        if method not in ("talk", "retrieval", "query") or result not in ("truthful", "concealed"):
            raise SupervisionRefused("result", "须写明核实方式（谈话、调取、查询）和结果", "result_required")
        if inquiry.verification is not None:
            raise SupervisionRefused("state", "该谈话函询已核实", "already_verified")
        inquiry.method, inquiry.verification = method, result
        if result == "concealed":
            official = _official(store, None, inquiry.official_id)
            raw = {
                "kind": "inquiry_verification",
                "source": "verification",
                "year": inquiry.year,
                "check_result": "concealment",
                "ref": f"inquiry/{inquiry.id}",
                "note": note,
            }
            inquiry.record_id = append_record(store, clock, evaluator, official, raw, principal.subject).record.id
            _clue(inquiry, clock, "inquiry", "concealed_fact")
    elif step == "close":
        if inquiry.sampled and inquiry.verification is None:
            raise SupervisionRefused("state", "该谈话函询被抽中核实，须先完成抽查核实", "verification_pending")
        inquiry.state, inquiry.closed_on = "closed", _today(clock).isoformat()
    _step(inquiry, clock, step, principal.subject, note)
    _recorded(inquiry, clock, "inquiry", step, inquiry.verification if step == "verify" else None)
    return store.save(inquiry)
