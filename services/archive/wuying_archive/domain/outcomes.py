"""What happened to a person, folded from their file: reports, clue dispositions, warnings,
organisational handling, inspection findings, supervision reminders, sanctions — each settled or
still pending.

004/4 深圳龙岗: 基于档案库的基础数据……形成个人综合廉情报告……实时呈现干部的“廉政画像”; and the
integrity review (廉政审核): 自动检索相应人员的问题线索、组织处理、党纪政务处分等内容. The file's entries
carry the events of intake, warning, risk and inspection; this module reads them (pure: no store),
so the portrait and the review report say the same thing. ``as_of`` keeps only what the archive
had recorded by then (an entry's ``recorded_at``; a record's ``entered_at``), which makes a report
reproducible later.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from .file import COLOURS_ZH, MEASURES_ZH, REASONS_ZH, RESULTS_ZH
from .matters import SANCTION_MONTHS, SANCTIONS_ZH, MatterRecord
from .supervision import CLUE_REASONS_ZH, RECORD_STEPS_ZH, RESULTS_OF_RECORDS_ZH

CATEGORIES_ZH = {
    "report": "信访举报（廉情信息）",
    "clue": "问题线索处置",
    "clarification": "澄清正名",
    "warning": "廉政风险预警",
    "organisational_handling": "组织处理",
    "sanction": "党纪政务处分",
    "finding": "巡察发现问题",
    "reminder": "监督提醒",
    "inquiry": "谈话函询",
    "report_check": "个人有关事项抽查核实",
}
#: The order categories are shown in (the review's: clues, organisational handling, sanctions first).
CATEGORY_ORDER = tuple(CATEGORIES_ZH)

NOTICES_ZH = {"notice": "廉情预警告知", "inquiry": "廉情预警质询", "order": "廉情监察（检查）建议"}

_BEIJING = timedelta(hours=8)


@dataclass(frozen=True)
class Fact:
    """One file entry as the fold reads it."""

    seq: int
    kind: str
    data: dict
    occurred_at: str  # the event's time (ISO, UTC)
    recorded_at: datetime | None  # when the archive recorded it (naive UTC)


@dataclass
class Outcome:
    category: str
    ref: str
    settled: bool
    state_zh: str
    first_on: str  # ISO date (Beijing)
    last_on: str
    detail_zh: str = ""
    seqs: list[int] = field(default_factory=list)

    @property
    def category_zh(self) -> str:
        return CATEGORIES_ZH.get(self.category, self.category)

    @property
    def status_zh(self) -> str:
        return "已办结" if self.settled else "尚未办结"


def beijing_day(iso: str) -> str:
    """The Beijing date of an ISO timestamp (a bare date stays as it is)."""
    if len(iso) <= 10:
        return iso
    try:
        moment = datetime.fromisoformat(iso.replace("Z", "+00:00"))
    except ValueError:
        return iso[:10]
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return (moment.astimezone(UTC) + _BEIJING).date().isoformat()


def known_by(recorded_at: datetime | None, as_of: datetime | None) -> bool:
    """Whether the archive knew a thing recorded at ``recorded_at`` by ``as_of`` (naive UTC)."""
    if as_of is None or recorded_at is None:
        return True
    return recorded_at.replace(tzinfo=None) <= as_of.replace(tzinfo=None)


class _Fold:
    def __init__(self) -> None:
        self.items: dict[tuple[str, str], Outcome] = {}

    def touch(self, category: str, ref: str, fact: Fact, *, settled: bool, state_zh: str, detail: str | None = None):
        day = beijing_day(fact.occurred_at)
        item = self.items.get((category, ref))
        if item is None:
            item = self.items[(category, ref)] = Outcome(category, ref, settled, state_zh, day, day)
        item.settled, item.state_zh, item.last_on = settled, state_zh, max(item.last_on, day)
        if detail is not None:
            item.detail_zh = detail
        item.seqs.append(fact.seq)
        return item

    def note(self, category: str, ref: str, fact: Fact, state_zh: str) -> None:
        """A step that changes what a pending outcome says but not whether it is settled."""
        item = self.items.get((category, ref))
        if item is not None and item.settled:
            item.seqs.append(fact.seq)
            return
        self.touch(category, ref, fact, settled=False, state_zh=state_zh)


def _colour(data: dict, key: str = "colour") -> str:
    return COLOURS_ZH.get(data.get(key, ""), data.get(key, ""))


def fold(facts: Iterable[Fact]) -> list[Outcome]:
    """The outcomes a file's entries tell, in category order, then by first date."""
    f = _Fold()
    for fact in sorted(facts, key=lambda x: x.seq):
        d, k = fact.data, fact.kind
        if k == "petition.triaged":
            f.touch(
                "report",
                str(d.get("petition_id", fact.seq)),
                fact,
                settled=False,
                state_zh="经研判为廉情信息，办理中",
                detail=f"类别：{d.get('category_zh', d.get('category', ''))}",
            )
        elif k == "clue.transferred":
            pid = str(d.get("petition_id", fact.seq))
            false = d.get("kind") == "false_accusation"
            f.touch(
                "clue",
                pid,
                fact,
                settled=True,
                state_zh="诬告陷害线索已移送案件审理部门" if false else "问题线索已移送案件审理部门",
                detail=str(d.get("reason_zh", "")),
            )
            if ("report", pid) in f.items:
                f.touch("report", pid, fact, settled=True, state_zh="已作为问题线索移送")
        elif k == "petition.clarified":
            pid = str(d.get("petition_id", fact.seq))
            f.touch("clarification", pid, fact, settled=True, state_zh="经核实为失实举报，予以澄清正名")
            if ("report", pid) in f.items:
                f.touch("report", pid, fact, settled=True, state_zh="经核实失实，已澄清")
        elif k in ("warning.issued", "warning.escalated"):
            due = f"，答复期限 {d['answer_due']}" if d.get("answer_due") else ""
            fix = f"，整改期限 {d['fix_due']}" if d.get("fix_due") else ""
            f.touch(
                "warning",
                str(d.get("warning_id", fact.seq)),
                fact,
                settled=False,
                state_zh="已发出，答复或整改中",
                detail=f"{_colour(d)}预警（{NOTICES_ZH.get(d.get('notice_kind', ''), '')}）{due}{fix}",
            )
        elif k == "warning.responded":
            f.note("warning", str(d.get("warning_id")), fact, "已答复，待回访解除")
        elif k == "warning.overdue":
            what = "答复" if d.get("due_kind") == "answer" else "整改"
            f.note("warning", str(d.get("warning_id")), fact, f"逾期未{what}")
        elif k == "warning.appealed":
            f.note("warning", str(d.get("warning_id")), fact, "申诉中")
        elif k == "warning.extended":
            f.note("warning", str(d.get("warning_id")), fact, "整改期限已延长")
        elif k == "warning.lifted":
            f.touch(
                "warning", str(d.get("warning_id")), fact, settled=True, state_zh=f"已解除（{d.get('lifted_on', '')}）"
            )
        elif k == "warning.superseded":
            reason = REASONS_ZH.get(d.get("reason", ""), "")
            f.touch(
                "warning",
                str(d.get("warning_id")),
                fact,
                settled=True,
                state_zh=f"被{_colour(d, 'by_colour')}预警取代（{reason}）",
            )
        elif k == "warning.transferred":
            f.touch("warning", str(d.get("warning_id")), fact, settled=True, state_zh="作为问题线索移送")
        elif k == "organisational_handling.opened":
            f.touch(
                "organisational_handling",
                str(d.get("task_id", fact.seq)),
                fact,
                settled=False,
                state_zh=f"红色预警逾期未整改，组织处理办理中（期限 {d.get('due_on', '')}）",
            )
        elif k == "organisational_handling.closed":
            measure = MEASURES_ZH.get(d.get("measure", ""), d.get("measure", ""))
            f.touch(
                "organisational_handling",
                str(d.get("task_id", fact.seq)),
                fact,
                settled=True,
                state_zh=f"{measure}（{d.get('decided_on', '')} 决定）",
            )
        elif k == "inspection.finding_recorded":
            f.touch(
                "finding",
                str(d.get("finding_id", fact.seq)),
                fact,
                settled=True,
                state_zh=str(d.get("disposition_zh") or d.get("disposition", "")),
                detail=f"{d.get('year', '')} 年第 {d.get('round', '')} 轮巡察，{d.get('severity_zh', '')}",
            )
        elif k == "archive.reminder_created":
            f.touch(
                "reminder",
                str(d.get("reminder_id", fact.seq)),
                fact,
                settled=False,
                state_zh="已分派，了解核实中",
                detail=str(d.get("condition_name_zh", d.get("condition_code", ""))),
            )
        elif k == "archive.reminder_closed":
            result = RESULTS_ZH.get(d.get("result", ""), d.get("result", ""))
            f.touch("reminder", str(d.get("reminder_id", fact.seq)), fact, settled=True, state_zh=f"已办结：{result}")
        elif k == "archive.supervision_recorded" and d.get("kind") in ("report_check", "inquiry"):
            step = RECORD_STEPS_ZH.get(d.get("step", ""), d.get("step", ""))
            result = RESULTS_OF_RECORDS_ZH.get(d.get("result") or "", "")
            f.touch(
                d["kind"],
                str(d.get("record_id", fact.seq)),
                fact,
                settled=d.get("state") == "closed",
                state_zh=step + (f"（{result}）" if result else ""),
            )
        elif k == "archive.case_clue_raised":
            f.touch(
                "clue",
                str(d.get("clue_id", fact.seq)),
                fact,
                settled=True,
                state_zh="问题线索已移送案件审理部门",
                detail=CLUE_REASONS_ZH.get(d.get("reason", ""), ""),
            )
    return sorted(f.items.values(), key=lambda o: (CATEGORY_ORDER.index(o.category), o.first_on, o.ref))


def sanctions(records: Iterable[MatterRecord], today: date, periods) -> list[Outcome]:
    """党纪政务处分 on record: settled decisions, with whether the period is still running
    (政务处分法 第八条; 民法典 第二百零一—二百零三条 via ``periods.add_months``)."""
    found = []
    for r in records:
        if r.kind != "sanction" or r.sanction not in SANCTION_MONTHS:
            continue
        last = periods.add_months(date.fromisoformat(r.decided_on), SANCTION_MONTHS[r.sanction]).date
        running = r.decided_on <= today.isoformat() <= last.isoformat()
        found.append(
            Outcome(
                "sanction",
                r.id,
                True,
                f"{SANCTIONS_ZH.get(r.sanction, r.sanction)}（{r.decided_on} 决定）",
                r.decided_on,
                r.decided_on,
                f"影响期至 {last.isoformat()}，{'尚在影响期内' if running else '已期满'}",
            )
        )
    return found


def in_range(outcome: Outcome, first: date | None, last: date | None) -> bool:
    """An outcome belongs to a period when something of it happened in it, or when it was still
    pending at the period's end having started before."""
    lo = (first or date.min).isoformat()
    hi = (last or date.max).isoformat()
    if outcome.first_on > hi:
        return False
    return outcome.last_on >= lo or not outcome.settled


def risk_profile(facts: Iterable[Fact]) -> dict | None:
    """The latest ``risk.profile_changed`` in the file: the risk profile as risk last said it."""
    latest = None
    for fact in facts:
        if fact.kind == "risk.profile_changed" and (latest is None or fact.seq > latest.seq):
            latest = fact
    if latest is None:
        return None
    d = latest.data
    return {
        "score": d.get("score_after"),
        "level": d.get("level"),
        "level_zh": d.get("level_zh", ""),
        "rule_version": d.get("rule_version", ""),
        "on": beijing_day(latest.occurred_at),
        "factors": d.get("factors", []),
    }
