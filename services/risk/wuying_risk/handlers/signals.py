"""Where signals come from: every source of DESIGN.md §2/§4 Risk, each a tolerant reader of
another service's event (or an HTTP import), turned into one signal per subject.

- intake ``petition.triaged`` (integrity information: 篇5 二; case clues are not warning matters,
  篇5 三(一)3);
- inspection ``inspection.finding_recorded`` (seeds/000 E: early sign / general / serious);
- warning ``warning.issued`` / ``warning.escalated`` / ``warning.lifted`` (past warnings: 篇5 七(一)
  escalation; 篇5 六4 a lifted warning weighs less);
- archive ``archive.reminder_closed`` (seeds/004 龙岗: 12 类廉政风险预警条件 — a confirmed
  condition weighs by its code, one still needing handling weighs little, a cleared one retires
  the earlier signal of the same reminder);
- archive ``archive.integrity_credit_changed`` (篇8 第二十六条 廉政信用度: a low credit weighs by
  the rule's bands, each new credit replacing the last);
- inspection ``inspection.disposition_added`` (seeds/000 E: a serious finding filed as a case or
  transferred to the judiciary);
- assessment results and integrity credit, imported over HTTP (篇8 第十八条(一)1② 民主测评或考核
  满意率较低; 第二十六条 廉政信用度).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, parse_rfc3339

from ..domain.scoring import ASSESSMENT_RATINGS, DISPOSITIONS_ZH, FINDING_SEVERITY, Entry, RuleSet
from ..persistence import RiskStore
from ..schemas import (
    DISPOSITION_ADDED_IN,
    FINDING_RECORDED_IN,
    INTEGRITY_CREDIT_CHANGED_IN,
    PETITION_TRIAGED_IN,
    REMINDER_CLOSED_IN,
    WARNING_ESCALATED_IN,
    WARNING_ISSUED_IN,
    WARNING_LIFTED_IN,
)
from .profiles import Outcome, SignalInput, add_signal, add_unit_signal, signal_key
from .rules import profile_rules

WARNING_COLOUR_ZH = {3: "蓝色预警（警示提醒）", 2: "黄色预警（诫勉纠错）", 1: "红色预警（责令整改）"}
FINDING_SEVERITY_ZH = {"early_sign": "苗头性、倾向性问题", "general": "一般问题", "serious": "严重违纪违法问题"}
REMINDER_RESULT_ZH = {"confirmed": "经核实属实", "needs_handling": "待处置", "cleared": "经核实已排除"}


def _event_day(envelope: dict, clock: SystemClock) -> date:
    return beijing_date(parse_rfc3339(envelope.get("time")) or clock.now())


def _entry(
    envelope: dict, factor: str, severity: str, category: str, category_zh: str, day: date, ref: str = ""
) -> Entry:
    return Entry(
        key=envelope["id"],
        event_id=envelope["id"],
        factor=factor,
        severity=severity,
        category=category,
        category_zh=category_zh,
        occurred_on=day,
        ref=ref,
    )


def _day(value: str | None) -> date | None:
    """A date from an ISO date or timestamp string; None when absent or unreadable."""
    try:
        return date.fromisoformat(str(value or "")[:10])
    except ValueError:
        return None


def _source(envelope: dict) -> str:
    return str(envelope.get("type", "event"))


def on_petition_triaged(store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet | None = None) -> Outcome:
    """Integrity information about officials raises their profiles; about a unit, the unit's
    (DESIGN.md §4 Risk). Other outcomes (case clues go to case handling, 篇5 三(一)3) leave
    profiles alone."""
    data = PETITION_TRIAGED_IN.load(envelope.get("data", {}))
    if data["outcome"] != "integrity_information":
        return Outcome("processed")
    subjects = [s for s in data["subjects"] if s["kind"] in ("official", "unit")]
    if not subjects:
        return Outcome("processed")
    severity = data["severity"] or ""
    rules_now = rules or profile_rules(store, envelope["county"])
    rules_now.points_for(severity)  # an unknown severity is refused before anything is written
    entry = _entry(
        envelope, "integrity_report", severity, data["category"], data["category_zh"], _event_day(envelope, clock)
    )
    signal = SignalInput(entry, _source(envelope), evidence=(data["petition_id"],) if data["petition_id"] else ())
    outcome = Outcome("duplicate")
    for subject in subjects:
        county = subject.get("county") or envelope["county"]
        key = signal_key(envelope["id"], subject["id"])
        if subject["kind"] == "unit":
            if add_unit_signal(store, clock, subject["id"], county, signal, key=key, rules=rules):
                outcome.status = "processed"
            continue
        outcome.add(add_signal(store, clock, subject["id"], county, signal, key=key, rules=rules))
    return outcome


def on_inspection_finding(
    store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet | None = None
) -> Outcome:
    """A finding about an official raises that official's profile, one about a unit as a whole
    the unit's (DESIGN.md §2: inspection findings feed risk; seeds/000 E: severity early sign /
    general / serious)."""
    data = FINDING_RECORDED_IN.load(envelope.get("data", {}))
    entry = _entry(
        envelope,
        "inspection_finding",
        FINDING_SEVERITY[data["severity"]],
        "inspection_finding",
        data["severity_zh"] or "巡察发现问题",
        _event_day(envelope, clock),
    )
    signal = SignalInput(entry, _source(envelope), evidence=(data["finding_id"],) if data["finding_id"] else ())
    if not data["official_id"]:
        if not data["unit_id"]:
            return Outcome("processed")
        key = signal_key(envelope["id"], data["unit_id"])
        applied = add_unit_signal(store, clock, data["unit_id"], envelope["county"], signal, key=key, rules=rules)
        return Outcome("processed" if applied else "duplicate")
    key = signal_key(envelope["id"], data["official_id"])
    change = add_signal(
        store,
        clock,
        data["official_id"],
        envelope["county"],
        signal,
        key=key,
        rules=rules,
        unit_id_hint=data["unit_id"],
    )
    return Outcome("processed", [change]) if change is not None else Outcome("duplicate")


def _warning_signal(
    store: RiskStore, clock: SystemClock, envelope: dict, data: dict, level: int, day: date, retire, rules
) -> Outcome:
    in_force = rules or profile_rules(store, data["county"])
    severity = in_force.warning_grades.get(level, "medium")
    entry = _entry(
        envelope,
        "past_warning",
        severity,
        f"warning_level_{level}",
        WARNING_COLOUR_ZH[level],
        day,
        ref=data["warning_id"],
    )
    signal = SignalInput(entry, _source(envelope), evidence=(data["warning_id"],), retire=retire)
    key = signal_key(envelope["id"], data["official_id"])
    change = add_signal(
        store, clock, data["official_id"], data["county"], signal, key=key, rules=rules, unit_id_hint=data["unit_id"]
    )
    return Outcome("processed", [change]) if change is not None else Outcome("duplicate")


def on_warning_issued(store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet | None = None) -> Outcome:
    """A warning issued is a past warning on the profile; one issued as an escalation
    (``escalated_from``) retires the lower warning it replaces (篇5 七(一); 一事一例 篇5 七(四))."""
    data = WARNING_ISSUED_IN.load(envelope.get("data", {}))
    day = data["issued_on"] or _event_day(envelope, clock)
    retire = (data["escalated_from"], "superseded") if data["escalated_from"] else None
    return _warning_signal(store, clock, envelope, data, data["level"], day, retire, rules)


def on_warning_escalated(store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet | None = None) -> Outcome:
    """The deprecated ``warning.escalated`` (still read: events already published): the warning
    at its new level replaces its earlier signal."""
    data = WARNING_ESCALATED_IN.load(envelope.get("data", {}))
    day = data["issued_on"] or _event_day(envelope, clock)
    return _warning_signal(store, clock, envelope, data, data["level"], day, (data["warning_id"], "superseded"), rules)


def on_warning_lifted(store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet | None = None) -> Outcome:
    """A lifted warning (篇5 六4: 回访后解除) keeps only the rule's lifted share of its weight."""
    data = WARNING_LIFTED_IN.load(envelope.get("data", {}))
    day = data["lifted_on"] or _event_day(envelope, clock)
    in_force = rules or profile_rules(store, data["county"])
    entry = _entry(
        envelope,
        "past_warning",
        in_force.warning_grades.get(data["level"], "medium"),
        "warning_lifted",
        "预警解除",
        day,
        ref=data["warning_id"],
    )
    signal = SignalInput(
        entry, _source(envelope), evidence=(data["warning_id"],), retire=(data["warning_id"], "lifted"), adds=False
    )
    key = signal_key(envelope["id"], data["official_id"])
    change = add_signal(store, clock, data["official_id"], data["county"], signal, key=key, rules=rules)
    return Outcome("processed", [change]) if change is not None else Outcome("processed")


def on_reminder_closed(store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet | None = None) -> Outcome:
    """An archive supervision reminder closed (seeds/004): ``confirmed`` adds the condition's
    weight, ``needs_handling`` a low one, ``cleared`` retires what the reminder added before."""
    data = REMINDER_CLOSED_IN.load(envelope.get("data", {}))
    in_force = rules or profile_rules(store, data["county"])
    result = data["result"]
    code = data["condition_code"]
    ref = f"reminder:{data['reminder_id']}" if data["reminder_id"] else f"condition:{data['official_id']}:{code}"
    label = (data["condition_name_zh"] or data["condition_zh"] or code) + f"（{REMINDER_RESULT_ZH[result]}）"
    severity = {"confirmed": in_force.condition_grade(code), "needs_handling": "low"}.get(result, "low")
    entry = _entry(
        envelope,
        "archive_condition",
        severity,
        code,
        label,
        _day(data["closed_on"]) or _event_day(envelope, clock),
        ref,
    )
    signal = SignalInput(
        entry,
        _source(envelope),
        evidence=(data["reminder_id"],) if data["reminder_id"] else (),
        retire=(ref, "superseded"),
        adds=result != "cleared",
    )
    key = signal_key(envelope["id"], data["official_id"])
    change = add_signal(
        store,
        clock,
        data["official_id"],
        data["county"],
        signal,
        key=key,
        rules=rules,
        unit_id_hint=data["unit_id"] or "",
    )
    if change is None:
        return Outcome("duplicate" if result != "cleared" else "processed")
    return Outcome("processed", [change])


def on_integrity_credit_changed(
    store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet | None = None
) -> Outcome:
    """Archive's integrity credit (廉政信用度, 篇8 第二十六条: 依据廉政档案记录考核……廉政信用度) is a
    state, not a series: each new credit replaces the official's previous credit signal. Before
    banding, the credit leaves out the factors risk scores from their own events (the rule's
    ``credit_discounted_factors``: warnings, inspection findings, warning conditions), so one
    fact is counted once; a credit above every band only retires the previous one."""
    data = INTEGRITY_CREDIT_CHANGED_IN.load(envelope.get("data", {}))
    in_force = rules or profile_rules(store, data["county"])
    credit = credit_counted(data["score"], data["factors"], in_force.credit_discounted_factors)
    grade = in_force.credit_grade(credit)
    ref = f"integrity_credit:{data['official_id']}"
    if grade is None and not _holds_live(store.profile_row("official", data["official_id"]), ref):
        return Outcome("processed")  # a good credit with nothing to retire: no signal document
    entry = _entry(
        envelope,
        "integrity_credit",
        grade or "low",  # no band: the signal adds nothing (and only retires the previous credit)
        "archive_integrity_credit",
        credit_label(data, credit, in_force.credit_discounted_factors),
        _day(data["computed_on"]) or _event_day(envelope, clock),
        ref,
    )
    signal = SignalInput(entry, _source(envelope), retire=(ref, "superseded"), adds=grade is not None)
    key = signal_key(envelope["id"], data["official_id"])
    change = add_signal(store, clock, data["official_id"], data["county"], signal, key=key, rules=rules)
    if change is None:
        return Outcome("duplicate" if grade is not None else "processed")
    return Outcome("processed", [change])


def _holds_live(row: dict | None, ref: str) -> bool:
    """Whether a stored profile holds a live signal referring to ``ref``."""
    signals = (row or {}).get("signals") or ()
    return any(s.get("ref", "") == ref and s.get("state", "") != "superseded" for s in signals)


def credit_counted(score: int, factors: list[dict], discounted: frozenset[str]) -> int:
    """The credit without the deductions of ``discounted`` factors (their points given back), 0–100."""
    given_back = sum(f["points"] for f in factors if f["code"] in discounted)
    return max(0, min(100, score - given_back))


def credit_label(data: dict, credit: int, discounted: frozenset[str]) -> str:
    """The credit explained factor by factor: what counts here and what is scored elsewhere."""
    level = f"（{data['level_zh']}）" if data["level_zh"] else ""
    rule = f"，规则 {data['rule_version']}" if data["rule_version"] else ""
    parts = [f"{f['name_zh'] or f['code']} {f['points']:+d}" for f in data["factors"] if f["code"] not in discounted]
    skipped = [f"{f['name_zh'] or f['code']} {f['points']:+d}" for f in data["factors"] if f["code"] in discounted]
    label = f"廉政信用度 {data['score']} 分{level}{rule}：" + ("、".join(parts) or "无扣分因素")
    if skipped:
        label += f"；不重复计入已单独计分的{'、'.join(skipped)}，按 {credit} 分计"
    return label


def on_disposition_added(store: RiskStore, clock: SystemClock, envelope: dict, rules: RuleSet | None = None) -> Outcome:
    """A finding filed as a case or transferred to the judiciary (seeds/000 E: 严重违纪违法问题，
    按有关程序立案调查，触犯法律的，移交司法机关处理) weighs on the official (or the unit, for a
    finding about the unit as a whole) under the rule's ``disposition_grades``; the lighter rungs
    (talks, inquiries, verification, organisational handling) add nothing to what the finding
    already weighs. A later serious disposition of the same finding replaces the earlier one.
    An event that does not say how serious the finding is is recorded, explained, and not scored."""
    data = DISPOSITION_ADDED_IN.load(envelope.get("data", {}))
    in_force = rules or profile_rules(store, envelope["county"])
    grade = in_force.disposition_grade(data["disposition"])
    if grade is None:
        return Outcome("processed")
    label = data["disposition_zh"] or DISPOSITIONS_ZH.get(data["disposition"], data["disposition"])
    ref = f"inspection_finding:{data['finding_id']}"
    entry = _entry(
        envelope,
        "inspection_disposition",
        grade,
        data["disposition"],
        label + (f"（{FINDING_SEVERITY_ZH[data['severity']]}）" if data["severity"] in FINDING_SEVERITY_ZH else ""),
        _day(data["on"]) or _event_day(envelope, clock),
        ref,
    )
    if data["severity"] in FINDING_SEVERITY:
        signal = SignalInput(entry, _source(envelope), evidence=(data["finding_id"],), retire=(ref, "superseded"))
    else:
        note = "事件未载明问题性质，仅记录，不计分"
        signal = SignalInput(entry, _source(envelope), evidence=(data["finding_id"],), note=note, adds=False)
    if not data["official_id"]:
        if not data["unit_id"]:
            return Outcome("processed")
        key = signal_key(envelope["id"], data["unit_id"])
        applied = add_unit_signal(store, clock, data["unit_id"], envelope["county"], signal, key=key, rules=rules)
        return Outcome("processed" if applied or not signal.adds else "duplicate")
    key = signal_key(envelope["id"], data["official_id"])
    change = add_signal(
        store,
        clock,
        data["official_id"],
        envelope["county"],
        signal,
        key=key,
        rules=rules,
        unit_id_hint=data["unit_id"] or "",
    )
    if change is None:
        return Outcome("duplicate" if signal.adds else "processed")
    return Outcome("processed", [change])


# -- assessment results and integrity credit, over HTTP ----------------------------------------
@dataclass
class ImportReport:
    received: int = 0
    applied: int = 0
    duplicates: int = 0
    no_signal: int = 0
    changes: list = field(default_factory=list)


def import_assessments(store: RiskStore, clock: SystemClock, principal: Principal, payload: dict) -> ImportReport:
    """Assessment results (考核等次、民主测评) and integrity credit (廉政信用度 0–100) from the
    organisation department, each record once (idempotent on its ``record_id``)."""
    records = payload["records"]
    for record in records:
        principal.require_county(record["county"])
    report = ImportReport(received=len(records))
    for record in records:
        rules = profile_rules(store, record["county"])
        if record["kind"] == "assessment":
            severity = rules.assessment_grades.get(record["rating"])
            label = f"{record['period']} {ASSESSMENT_RATINGS.get(record['rating'], record['rating'])}"
            factor = "assessment_result"
        else:
            severity = rules.credit_grade(record["credit"])
            label = f"{record['period']} 廉政信用度 {record['credit']} 分"
            factor = "integrity_credit"
        if severity is None:
            report.no_signal += 1
            continue
        source_id = f"assessment:{record['record_id']}"
        entry = Entry(
            key=source_id,
            event_id=source_id,
            factor=factor,
            severity=severity,
            category=record["kind"],
            category_zh=label,
            occurred_on=record["assessed_on"],
        )
        signal = SignalInput(entry, "risk.assessment_import", note=f"imported by {principal.subject}")
        change = add_signal(
            store,
            clock,
            record["official_id"],
            record["county"],
            signal,
            key=signal_key(source_id, record["official_id"]),
        )
        if change is None:
            report.duplicates += 1
        else:
            report.applied += 1
            report.changes.append(change)
    return report
