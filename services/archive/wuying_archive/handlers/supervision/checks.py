"""Personal-matters checks (000/D): opened by a draw or as mandatory, a result recorded in the
dossier (a clue when serious), closed by a leader."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.errors import Conflict

from ...domain.supervision import (
    MANDATORY_REASONS_ZH,
    check_close_step,
    check_result_step,
    is_serious,
)
from ...exceptions import ReportCheckNotFound
from ...persistence import ArchiveStore, Official, ReportCheck
from ..conditions import Evaluator
from ..matters import append_record
from .common import LEADERS, SUPERVISORS, _clue, _official, _recorded, _step, _today


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
