"""Proposals: from risk's ``warning.proposed`` and from the warning centre's staff (seeds/002
篇5 三(一)2: the centre analyses and proposes; 篇8 第十八条 triggers), one matter, one warning
(篇5 七(四) 一事一例: attach to, or suppress under, the matter's open warning whatever its age,
or supersede it with a higher level once issued; ``domain.grouping``).

Idempotent on the event id, by key: a new warning's ``_id`` is derived from the event id (the
insert is the record that the event was processed), and a proposal attached to or suppressed
under an open warning leaves its event id in that warning's ``merged_event_ids``, in the same
write; both are found by key through the official's list of warnings.

Both paths decide on the stored rows of the official's warnings (``WarningStore.warning_rows_of``)
and write a new warning as a checked row or the holder by one conditional merge: no
``WarningRecord`` is built per consumed event (issue 15 item 2b).
"""

from __future__ import annotations

from marshmallow import ValidationError

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc
from wuying_common.errors import Conflict, ValidationFailed
from wuying_common.events import schema_of
from wuying_common.http import marshmallow_fields

from ..domain.deadlines import RuleSet
from ..domain.grouping import MatterWarning, dispose, matter_key
from ..domain.levels import SYSTEM_TRIGGERS, level, trigger_label
from ..persistence import WarningRecord, WarningRow, WarningStore, new_warning_row, proposal_warning_id, stored_time
from ..schemas import WarningProposedReader
from .support import DEFAULT_RULES, RISK_PROPOSER, get_warning, history_entry, matter_of, not_in_future


def proposal_from_event(
    store: WarningStore, clock: SystemClock, envelope: dict, rules: RuleSet = DEFAULT_RULES
) -> tuple[str, WarningRow | None]:
    """Risk proposed a warning (``warning.proposed`` v1): ("processed", the stored row of the
    warning that holds it) or ("duplicate", None) for an event already processed."""
    event_id = envelope["id"]
    warning_id = proposal_warning_id(event_id)
    if store.has_warning(warning_id):
        return "duplicate", None
    try:
        data = schema_of(WarningProposedReader).load(envelope.get("data") or {})
    except ValidationError as exc:
        # Retried, then dead-lettered where an operator sees it (wuying_event_handler).
        raise ValidationFailed("预警建议事件的数据不完整", fields=marshmallow_fields(exc.messages)) from None
    lvl = level(data["level"])
    warning = new_warning_row(
        id=warning_id,
        source_event_id=event_id,
        proposal_id=data["proposal_id"],
        official_id=data["official_id"],
        unit_id=data["unit_id"],
        county=data["county"],
        level=lvl.number,
        colour=lvl.colour,
        trigger=data["trigger"],
        # Risk may use its own trigger codes: keep them, label the ones we know.
        trigger_zh=trigger_label(lvl.number, data["trigger"] or "") or SYSTEM_TRIGGERS.get(data["trigger"] or ""),
        reasons=data["reasons"],
        risk_point=data["risk_point"],
        score=data["score"],
        cause_event_ids=data["cause_event_ids"],
        proposer=RISK_PROPOSER,
        proposed_at=stored_time(naive_utc(clock.now())),
        proposal_rule_version=data["rule_version"],
        status="proposed",
        matter=matter_key(data["risk_point"], data["trigger"]),
        history=[history_entry("proposed", RISK_PROPOSER, clock, event_id=event_id)],
    )
    kind, target = _place_proposal(store, clock, rules, warning, event_id)
    if kind == "duplicate":
        return "duplicate", None
    return "processed", target


def propose(
    store: WarningStore, clock: SystemClock, principal: Principal, payload: dict, rules: RuleSet = DEFAULT_RULES
) -> WarningRecord:
    return propose_matter(store, clock, principal, payload, rules)[1]


def propose_matter(
    store: WarningStore, clock: SystemClock, principal: Principal, payload: dict, rules: RuleSet = DEFAULT_RULES
) -> tuple[str, WarningRecord]:
    """A warning-centre officer proposes a warning (篇5 三(一)2: the centre analyses and
    proposes). Returns ("new" | "supersede" | "attach" | "suppress", the warning that holds the
    proposal; "supersede" is a new warning that will close the matter's open lower one)."""
    principal.require_county(payload["county"])
    not_in_future(payload["issued_on"], clock, "issued_on")
    lvl = level(payload["level"])
    warning = new_warning_row(
        official_id=payload["official_id"],
        unit_id=payload["unit_id"],
        county=payload["county"],
        level=lvl.number,
        colour=lvl.colour,
        trigger=payload["trigger"],
        trigger_zh=trigger_label(lvl.number, payload["trigger"]),
        reasons=payload["reasons"],
        risk_point=payload["risk_point"],
        proposer=principal.subject,
        proposed_at=stored_time(naive_utc(clock.now())),
        paper_issued_on=payload["issued_on"].isoformat() if payload["issued_on"] else None,
        status="proposed",
        matter=matter_key(payload["risk_point"], payload["trigger"]),
        history=[history_entry("proposed", principal.subject, clock)],
    )
    kind, placed = _place_proposal(store, clock, rules, warning, None)
    # The person's answer is the whole warning that holds the proposal, as just written.
    return kind, get_warning(store, principal, placed.id)


def _place_proposal(
    store: WarningStore, clock: SystemClock, rules: RuleSet, new: WarningRow, event_id: str | None
) -> tuple[str, WarningRow]:
    """One matter, one warning (domain.grouping): insert ``new`` (a new warning's stored row,
    linked to the open lower warning it will supersede, if any), or attach it to / suppress it
    under the matter's open warning in one conditional write of that warning. Returns (kind,
    the row written); kind "duplicate" when the event was processed before."""
    everything = store.warning_rows_of(new.official_id)
    if event_id and any(event_id in (w.merged_event_ids or []) for w in everything):
        return "duplicate", new
    candidates = [w for w in everything if w.id != new.id and matter_of(w) == new.matter]
    disposition = dispose(
        [MatterWarning(c.id, c.level, c.status, c.proposed_at) for c in candidates],
        new.level,
        new.proposed_at,
        rules.grouping_window_days,
    )
    target = next((c for c in candidates if c.id == disposition.warning_id), None)
    if disposition.kind in ("new", "supersede") or target is None:
        if disposition.kind == "supersede" and target is not None:
            # 篇5 七(一) 可转…: a higher level for the same matter; the lower warning is closed as
            # superseded when this one is issued (never two parallel warnings for one matter).
            new["escalated_from"] = target.id
            new["escalation"] = {"reason": "higher_level_proposal", "evidence": []}
        if not store.add_warning_row(new):  # the same event, processed meanwhile by another delivery
            if event_id is None:
                raise Conflict("记录已存在", code="duplicate")
            return "duplicate", new
        return ("supersede" if new.escalated_from else "new"), new
    entry = {
        "at": clock.now().isoformat(),
        "by": new.proposer,
        "level": new.level,
        "trigger": new.trigger,
        "reasons": list(new.reasons),
        "cause_event_ids": list(new.cause_event_ids or []),
        "proposal_id": new.proposal_id,
        "source_event_id": event_id,
    }
    sets: dict = {}
    if disposition.kind == "attach":
        pushes: dict[str, list] = {"attached_proposals": [entry]}
        if target.status == "proposed":  # the approver still sees every reason
            sets["reasons"] = list(dict.fromkeys([*(target.reasons or []), *new.reasons]))
        sets["cause_event_ids"] = list(dict.fromkeys([*(target.cause_event_ids or []), *(new.cause_event_ids or [])]))
    else:
        pushes = {"suppressed_proposals": [entry]}
    if event_id:
        pushes["merged_event_ids"] = [event_id]
    action = {"attach": "proposal_attached", "suppress": "proposal_suppressed"}[disposition.kind]
    pushes["history"] = [history_entry(action, new.proposer, clock, event_id=event_id)]
    return disposition.kind, store.merge_into_warning(target, sets, pushes)
