"""The integrity file (廉政档案): one person, one file (seeds/004 Longgang; DESIGN.md §4 Archive).

Entries are append-only and tamper-evident: each entry's hash covers its content and the
previous entry's hash, so changing or removing any entry breaks every hash after it and an
auditor can prove the file is intact by recomputing the chain.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from .supervision import CLUE_REASONS_ZH, RECORD_KINDS_ZH, RECORD_STEPS_ZH, RESULTS_OF_RECORDS_ZH

GENESIS_HASH = "0" * 64

# What each recorded event means to a person reading the file.
TIMELINE_TITLES: dict[str, str] = {
    "official.changed": "人员信息变动",
    "petition.triaged": "信访举报经研判为廉情信息",
    "petition.closed": "信访举报办结",
    "clue.transferred": "问题线索移送案件审理部门",
    "petition.clarified": "经核实为失实举报，予以澄清正名",
    "risk.profile_changed": "廉政风险画像变化",
    "risk.assessed": "廉政风险评估",
    "warning.proposed": "拟作出廉政风险预警",
    "warning.issued": "发出廉政风险预警",
    "warning.escalated": "预警升级",
    "warning.responded": "被预警人作出说明或回复",
    "warning.lifted": "预警解除",
    "warning.overdue": "预警逾期未回复或未整改",
    "warning.appealed": "预警申诉",
    "warning.transferred": "预警事项作为问题线索移送",
    "warning.extended": "红色预警整改期限延长",
    "warning.superseded": "预警被更高等级预警取代",
    "organisational_handling.opened": "红色预警逾期未整改，转组织处理",
    "organisational_handling.closed": "组织处理结果",
    "inspection.scheduled": "内部作风巡察计划安排",
    "inspection.finding_recorded": "巡察发现问题",
    "inspection.completed": "巡察完成",
    "inspection.disposition_added": "巡察发现问题追加处置",
    "inspection.disposition_closed": "巡察发现问题处置办结",
    "inspection.evaluation_recorded": "巡察结果纳入年度评优评先",
    "archive.reminder_created": "生成监督提醒任务",
    "archive.reminder_closed": "监督提醒任务办结",
    "archive.supervision_recorded": "监督记录",
    "archive.case_clue_raised": "发现问题线索，移送案件审理部门",
    "archive.integrity_credit_changed": "廉政信用变化",
}

# The Chinese of official.changed's ``change`` and of a reminder's result (kept here: the
# domain may not import the service's schemas).
CHANGES_ZH = {
    "registered": "建档登记",
    "hired": "入职（重新任用）",
    "transferred": "调任",
    "promoted": "晋升",
    "post_changed": "职务调整",
    "rank_changed": "职级调整",
    "seconded": "借调/挂职",
    "returned": "借调/挂职结束返回",
    "left": "离职",
    "retired": "退休",
    "died": "去世",
    "updated": "登记信息更正",
}
#: inspection's finding severities (000/E; its ``domain.findings``).
FINDING_SEVERITIES_ZH = {"early_sign": "苗头性、倾向性问题", "general": "一般问题", "serious": "严重违纪违法问题"}
RESULTS_ZH = {"confirmed": "属实", "cleared": "不属实（予以了结）", "needs_handling": "需进一步处置"}

COLOURS_ZH = {"blue": "蓝色", "yellow": "黄色", "red": "红色"}
#: warning's escalation reasons and organisational measures (002/篇5 七(一); its ``domain``).
REASONS_ZH = {
    "answer_overdue": "逾期未答复",
    "fix_overdue": "逾期未整改",
    "verified_new_report": "新的举报经核实",
    "higher_level_proposal": "更高等级预警提议",
}
MEASURES_ZH = {
    "suspension_for_inspection": "停职检查",
    "reassignment": "调整职务",
    "ordered_resignation": "责令辞职",
    "removal": "免职",
    "demotion": "降职",
    "no_measure": "经研究不予组织处理",
}


#: Events published in two versions side by side reach a file once, in the version that may be
#: filed: ``inspection.scheduled`` v1 (published until its retirement) carries the dates of
#: surprise and unannounced rounds, v2 withholds them (issue 12 item 4).
NOT_FILED = frozenset({"wuying.inspection.inspection.scheduled.v1"})


@dataclass(frozen=True)
class FileSubject:
    kind: str  # "official" or "unit"
    id: str
    county: str


def subjects_of(event_name: str, data: dict[str, Any], county: str) -> list[FileSubject]:
    """Whose files an event belongs in."""
    if event_name in ("petition.triaged", "clue.transferred"):
        # A case clue reaches the file when it is transferred (clue.transferred), not at triage.
        if event_name == "petition.triaged" and data.get("outcome") != "integrity_information":
            return []
        return [
            FileSubject(s["kind"], s["id"], s.get("county") or county) for s in data.get("subjects", []) if s.get("id")
        ]
    if event_name == "petition.clarified":
        # Seed 003: the accused's file records the clarification (澄清正名).
        return [FileSubject("official", official_id, county) for official_id in data.get("official_ids", [])]
    if data.get("official_id"):
        return [FileSubject("official", data["official_id"], county)]
    if data.get("unit_id"):
        return [FileSubject("unit", data["unit_id"], county)]
    return []


def summarise(event_name: str, data: dict[str, Any]) -> str:
    """One Chinese line for the timeline."""
    title = TIMELINE_TITLES.get(event_name, event_name)
    if event_name == "risk.profile_changed":
        return f"{title}：风险分值 {data.get('score_before')} → {data.get('score_after')}（{data.get('level_zh', data.get('level', ''))}）"
    if event_name in ("warning.proposed", "warning.issued", "warning.escalated"):
        colour = COLOURS_ZH.get(data.get("colour", ""), data.get("colour", ""))
        extra = f"，答复期限 {data['answer_due']}" if data.get("answer_due") else ""
        return f"{title}：{colour}预警{extra}"
    if event_name == "official.changed":
        change = CHANGES_ZH.get(data.get("change", ""), data.get("change", ""))
        since = f"（自 {data['effective_on']} 起）" if data.get("effective_on") else ""
        return f"{title}：{change}，{data.get('unit_id', '')} {data.get('post', '')}（{data.get('rank', '')}）{since}"
    if event_name == "archive.reminder_created":
        return (
            f"{title}：{data.get('condition_name_zh', data.get('condition_code', ''))}，签收期限 {data.get('due_on')}"
        )
    if event_name == "archive.reminder_closed":
        result = RESULTS_ZH.get(data.get("result", ""), data.get("result", ""))
        return f"{title}：{data.get('condition_name_zh', data.get('condition_code', ''))}，核实结果：{result}"
    if event_name == "warning.superseded":
        colour = COLOURS_ZH.get(data.get("colour", ""), data.get("colour", ""))
        by = COLOURS_ZH.get(data.get("by_colour", ""), data.get("by_colour", ""))
        reason = REASONS_ZH.get(data.get("reason", ""), data.get("reason", ""))
        return f"{title}：{colour}预警由{by}预警取代（{reason}），{data.get('superseded_on', '')}"
    if event_name == "organisational_handling.opened":
        return f"{title}：办理期限 {data.get('due_on', '')}（已逾期 {data.get('days_overdue', 0)} 日）"
    if event_name == "organisational_handling.closed":
        measure = MEASURES_ZH.get(data.get("measure", ""), data.get("measure", ""))
        late = "" if data.get("on_time", True) else "，逾期办结"
        return f"{title}：{measure}（{data.get('decided_on', '')} 决定{late}）"
    if event_name == "archive.supervision_recorded":
        kind = RECORD_KINDS_ZH.get(data.get("kind", ""), data.get("kind", ""))
        step = RECORD_STEPS_ZH.get(data.get("step", ""), data.get("step", ""))
        result = RESULTS_OF_RECORDS_ZH.get(data.get("result") or "", "")
        return f"{kind}：{step}" + (f"（{result}）" if result else "")
    if event_name == "archive.case_clue_raised":
        return f"{title}：{CLUE_REASONS_ZH.get(data.get('reason', ''), data.get('reason', ''))}"
    if event_name == "archive.integrity_credit_changed":
        return f"{title}：{data.get('score')} 分（{data.get('level_zh', '')}，规则 {data.get('rule_version', '')}）"
    if event_name in ("inspection.disposition_added", "inspection.disposition_closed"):
        severity = FINDING_SEVERITIES_ZH.get(data.get("severity", ""), data.get("severity", ""))
        disposition = data.get("disposition_zh") or data.get("disposition", "")
        outcome = f"，结果：{data.get('outcome_zh') or data.get('outcome')}" if data.get("outcome") else ""
        closed = "；该问题处置完毕" if data.get("finding_closed") else ""
        return f"{title}：{disposition}{outcome}（{severity}）{closed}"
    if event_name == "inspection.evaluation_recorded":
        findings = data.get("findings") or {}
        tally = "、".join(f"{FINDING_SEVERITIES_ZH[k]} {findings.get(k, 0)} 个" for k in FINDING_SEVERITIES_ZH)
        rounds = f"巡察 {data.get('rounds_completed', 0)}/{data.get('rounds_planned', 0)} 轮"
        open_ = f"，{data['open_dispositions']} 项处置未办结" if data.get("open_dispositions") else ""
        eligible = "可参加评优评先" if data.get("eligible_for_excellence") else "暂不参加评优评先"
        standing = data.get("standing_zh") or eligible  # inspection's standing says the verdict
        return f"{title}：{data.get('year')} 年，{rounds}，发现{tally}{open_}；{standing}"
    if event_name == "inspection.scheduled":
        return f"{title}：{data.get('year')} 年共 {len(data.get('rounds', []))} 轮"
    if event_name == "petition.triaged":
        return f"{title}（类别：{data.get('category_zh', data.get('category', ''))}）"
    return title


def canonical(content: dict[str, Any]) -> str:
    return json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)


def entry_hash(prev_hash: str, content: dict[str, Any]) -> str:
    return hashlib.sha256((prev_hash + canonical(content)).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class ChainCheck:
    intact: bool
    entries: int
    first_broken_seq: int | None = None


def verify_chain(entries: list[tuple[int, dict[str, Any], str, str]]) -> ChainCheck:
    """``entries``: (seq, content, prev_hash, hash) in seq order, starting at 1."""
    prev = GENESIS_HASH
    for expected_seq, (seq, content, prev_hash, digest) in enumerate(entries, start=1):
        if seq != expected_seq or prev_hash != prev or entry_hash(prev, content) != digest:
            return ChainCheck(False, len(entries), expected_seq)
        prev = digest
    return ChainCheck(True, len(entries))
