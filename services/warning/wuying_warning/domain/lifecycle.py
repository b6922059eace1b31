"""The life of a warning as a pure state machine (seeds/002 篇5 五–七, 篇8 第十八条).

proposed ─approve→ issued ─respond→ answered (blue: 书面说明, 篇5 六1)
                         └respond→ rectifying (yellow/red: 答复并报整改措施, 篇5 六2–3)
rectifying ─report_rectified→ rectified
answered | rectified ─revisit→ revisited (回访, 篇5 六4) ─lift→ lifted (解除预警)
issued | answered | rectifying | rectified ─appeal→ appealed (申诉, 篇5 七(三); clock paused)
appealed ─uphold→ the status before the appeal; appealed ─revoke→ revoked
any open status ─supersede→ superseded: a warning of a higher level for the same official and
    matter was issued (篇5 七(一) 可转…, 篇8 第十八条(二)1①/(三)1①; 一事一例 篇5 七(四)). A warning
    never changes its own level: escalation is a NEW warning, proposed at the next level and
    decided by that level's authority (篇5 三(一)2), which closes the lower one when issued.
any open status ─transfer_case_clue→ transferred_as_case_clue (篇5 三(一)3, 七(三))
proposed ─reject→ rejected (the authority decided not to warn, with reasons)
"""

from __future__ import annotations

from dataclasses import dataclass

TERMINAL = frozenset({"lifted", "revoked", "rejected", "transferred_as_case_clue", "superseded"})
APPEALABLE = frozenset({"issued", "answered", "rectifying", "rectified"})
OPEN = frozenset({"proposed", "issued", "answered", "rectifying", "rectified", "revisited", "appealed"})
STATUSES = OPEN | TERMINAL
STATUS_ZH = {
    "proposed": "待审批",
    "issued": "已发出",
    "answered": "已说明",
    "rectifying": "整改中",
    "rectified": "已整改",
    "revisited": "已回访",
    "appealed": "申诉中",
    "lifted": "已解除",
    "revoked": "已撤销",
    "rejected": "未批准",
    "transferred_as_case_clue": "已转案件线索",
    "superseded": "已被更高等级预警取代",
}
ACTIONS = (
    "approve",
    "reject",
    "respond",
    "report_rectified",
    "revisit",
    "lift",
    "appeal",
    "uphold",
    "revoke",
    "supersede",
    "transfer_case_clue",
)


class IllegalTransition(ValueError):
    def __init__(self, status: str, action: str) -> None:
        self.status = status
        self.action = action
        super().__init__(f"{action} is not allowed in status {status}")


@dataclass(frozen=True)
class State:
    status: str
    level: int  # 3 blue, 2 yellow, 1 red: fixed for the life of the warning
    appealed_from: str | None = None


def next_state(state: State, action: str) -> State:
    """The state after ``action``, or ``IllegalTransition``. Never mutates ``state``."""
    s, lvl = state.status, state.level
    if action == "approve" and s == "proposed":
        return State("issued", lvl)
    if action == "reject" and s == "proposed":
        return State("rejected", lvl)
    if action == "respond" and s == "issued":
        # Blue asks for a written explanation; yellow and red for an answer with measures,
        # after which the rectification runs (篇5 六1–六3).
        return State("answered" if lvl == 3 else "rectifying", lvl)
    if action == "report_rectified" and s == "rectifying":
        return State("rectified", lvl)
    if action == "revisit" and (s == "rectified" or (s == "answered" and lvl == 3)):
        return State("revisited", lvl)
    if action == "lift" and s == "revisited":
        return State("lifted", lvl)
    if action == "appeal" and s in APPEALABLE:
        return State("appealed", lvl, appealed_from=s)
    if action == "uphold" and s == "appealed" and state.appealed_from:
        return State(state.appealed_from, lvl)
    if action == "revoke" and s == "appealed":
        return State("revoked", lvl)
    if action == "supersede" and s in OPEN:
        return State("superseded", lvl)
    if action == "transfer_case_clue" and s in OPEN:
        return State("transferred_as_case_clue", lvl)
    raise IllegalTransition(s, action)


def allowed_actions(state: State) -> list[str]:
    allowed = []
    for action in ACTIONS:
        try:
            next_state(state, action)
        except IllegalTransition:
            continue
        allowed.append(action)
    return allowed
