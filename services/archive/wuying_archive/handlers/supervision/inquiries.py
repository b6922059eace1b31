"""Talk and letter inquiries (谈话函询, 001 黑龙江): opened by hand or by an inspection finding, the
yearly cap, approve → answer → verify → close."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.errors import Conflict

from ...domain.supervision import (
    ORDERED_BY_ZH,
    NotThisPerson,
    SupervisionRefused,
    check_over_cap,
    inquiry_step,
    needs_approval,
)
from ...exceptions import InquiryNotFound
from ...persistence import ArchiveStore, Inquiry, InquiryTally, Official
from ..conditions import Evaluator
from ..matters import append_record
from .common import LEADERS, SUPERVISORS, _clue, _official, _recorded, _step, _today


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
