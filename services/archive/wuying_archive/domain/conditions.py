"""The twelve risk-warning conditions (廉政风险预警条件) as versioned rule data.

004/4 深圳龙岗: 该档案管理系统设置了兼职、裸官、子女经商办企业等12大类廉政风险预警条件，符合预警
条件的，系统将对可能存在的廉政风险点生成监督提醒任务. The seed names three; the other nine come
from the cadre-supervision rules each one cites. Each condition says what it is (``code``, Chinese
``name_zh``), which facts it reads, its threshold (data, so a commission can publish a new
version) and its source. A hit carries its evidence: the ids of the records, posts, events or
warnings that make it true. Every reminder keeps the rule version it was raised under.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any

from wuying_common.calendar import add_months
from wuying_common.rules import InvalidInput, WorkingDays

from .matters import FOREIGN_STATUSES_ZH, INTERESTS, SANCTION_MONTHS, MatterRecord, relation_of
from .personnel import Occupancy, current_post_since


@dataclass(frozen=True)
class Signal:
    """A fact the archive learnt from an event: ``report`` (a report triaged as integrity
    information), ``warning_overdue``, ``warning_lifted``, ``warning_superseded``,
    ``warning_issued``, ``finding``, ``org_handling``; ``ref`` is the petition, warning, finding or
    task."""

    event_id: str
    kind: str
    on: str  # ISO date
    ref: str = ""
    detail: str = ""  # a warning's colour, a finding's severity


@dataclass(frozen=True)
class Facts:
    """Everything a condition may read about one official."""

    official_id: str
    status: str
    tags: frozenset[str]
    occupancies: tuple[Occupancy, ...]
    records: tuple[MatterRecord, ...] = ()
    signals: tuple[Signal, ...] = ()


@dataclass(frozen=True)
class Hit:
    code: str
    evidence: tuple[str, ...]  # "record:m3", "post:<unit>/<post>@<start>", "event:<id>", "warning:<id>"


@dataclass(frozen=True)
class Condition:
    code: str
    name_zh: str
    reads: tuple[str, ...]
    threshold: dict[str, Any]
    threshold_zh: str
    source: str
    check: Callable[[Condition, Facts, date, WorkingDays], tuple[str, ...]] = field(repr=False, compare=False)

    def evaluate(self, facts: Facts, today: date, periods: WorkingDays) -> Hit | None:
        evidence = self.check(self, facts, today, periods)
        return Hit(self.code, evidence) if evidence else None


# -- the checks ------------------------------------------------------------------------------
def _ref(record: MatterRecord) -> str:
    return f"record:{record.id}"


def _active(facts: Facts, today: date, *kinds: str) -> list[MatterRecord]:
    return [r for r in facts.records if r.kind in kinds and r.active_on(today)]


def _side_job(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    return tuple(
        _ref(r)
        for r in _active(facts, today, "side_job")
        if r.holder == "self" and ((c.threshold["paid"] and r.paid) or (c.threshold["unapproved"] and not r.approved))
    )


def _abroad(record: MatterRecord) -> bool:
    return record.settled_abroad or record.foreign_status in FOREIGN_STATUSES_ZH


def _naked_official(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    family = _active(facts, today, "spouse", "child")
    if family and all(_abroad(r) for r in family):
        return tuple(_ref(r) for r in family)
    return ()


def _relatives_business(relations: tuple[str, ...]):
    def check(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
        return tuple(
            _ref(r)
            for r in _active(facts, today, "business", "directorship")
            if relation_of(facts.records, r.holder) in relations
        )

    return check


def _business_in_remit(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    return tuple(
        _ref(r)
        for r in _active(facts, today, *INTERESTS)
        if r.within_remit and relation_of(facts.records, r.holder) in ("spouse", "child", "child_spouse")
    )


def _own_business(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    return tuple(
        _ref(r) for r in _active(facts, today, "business", "directorship") if r.holder == "self" and not r.approved
    )


def _foreign_status(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    return tuple(_ref(r) for r in _active(facts, today, "foreign_status", "residence_abroad"))


def _undeclared(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    kinds = c.threshold.get("check_kinds", ["report_check"])
    return tuple(
        _ref(r)
        for r in facts.records
        if (r.kind in kinds and r.check_result in c.threshold["check_results"])
        or (r.kind == "personal_report" and not r.on_time)
    )


def _long_tenure(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    tenure = current_post_since(facts.occupancies)
    if tenure is None or facts.status not in ("serving", "seconded"):
        return ()
    since, occupancy = tenure
    sensitive = bool(facts.tags & set(c.threshold["sensitive_tags"]))
    years = c.threshold["sensitive_years"] if sensitive else c.threshold["years"]
    if add_months(since, 12 * years) <= today:
        return (f"post:{occupancy.unit_id}/{occupancy.post}@{since.isoformat()}",)
    return ()


def _repeated_reports(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    since = add_months(today, -c.threshold["months"]).isoformat()
    reports = [s for s in facts.signals if s.kind == "report" and s.on > since]
    if len(reports) >= c.threshold["reports"]:
        return tuple(f"event:{s.event_id}" for s in reports)
    return ()


def _sanction_in_force(c: Condition, facts: Facts, today: date, periods: WorkingDays) -> tuple[str, ...]:
    found = []
    for r in facts.records:
        if r.kind != "sanction" or r.sanction not in SANCTION_MONTHS:
            continue
        # The period counts from the day after the decision and ends on the corresponding day
        # (民法典 第二百零一、二百零二条); a last day on a rest day moves on (第二百零三条).
        last = periods.add_months(date.fromisoformat(r.decided_on), SANCTION_MONTHS[r.sanction]).date
        if r.decided_on <= today.isoformat() <= last.isoformat():
            found.append(_ref(r))
    return tuple(found)


def _warning_unrectified(c: Condition, facts: Facts, today: date, _p: WorkingDays) -> tuple[str, ...]:
    closing = set(c.threshold.get("closed_by", ["warning_lifted"]))
    lifted = {s.ref for s in facts.signals if s.kind in closing}
    return tuple(
        dict.fromkeys(f"warning:{s.ref}" for s in facts.signals if s.kind == "warning_overdue" and s.ref not in lifted)
    )


# -- the rule data ---------------------------------------------------------------------------
SEED_004 = "004/4 深圳龙岗：兼职、裸官、子女经商办企业等12大类廉政风险预警条件"

CONDITIONS_2026_1: tuple[Condition, ...] = (
    Condition(
        "side_job",
        "兼职（未经批准兼职或兼职取酬）",
        ("records.side_job",),
        {"paid": True, "unapproved": True},
        "本人有在任兼职，且未经批准或领取报酬",
        f"{SEED_004}；中组部《关于进一步规范党政领导干部在企业兼职（任职）问题的意见》（中组发〔2013〕18号）："
        "经批准兼职的不得领取兼职报酬",
        _side_job,
    ),
    Condition(
        "naked_official",
        "裸官（配偶、子女均已移居国（境）外）",
        ("records.spouse", "records.child"),
        {"all_family_abroad": True},
        "登记的配偶和子女全部已移居国（境）外或取得外国国籍、境外永久居留权",
        f"{SEED_004}；《关于对配偶子女均已移居国（境）外的国家工作人员加强管理的暂行规定》（2010）",
        _naked_official,
    ),
    Condition(
        "children_business",
        "子女及其配偶经商办企业",
        ("records.business", "records.directorship", "records.child", "records.child_spouse"),
        {"relations": ["child", "child_spouse"]},
        "子女或其配偶在任经营企业或担任企业董事、高管",
        f"{SEED_004}；《领导干部配偶、子女及其配偶经商办企业管理规定》（2022）",
        _relatives_business(("child", "child_spouse")),
    ),
    Condition(
        "spouse_business",
        "配偶经商办企业",
        ("records.business", "records.directorship", "records.spouse"),
        {"relations": ["spouse"]},
        "配偶在任经营企业或担任企业董事、高管",
        "《领导干部配偶、子女及其配偶经商办企业管理规定》（2022）；001 湖南《省纪委监委副厅级以上领导干部配偶、"
        "子女及其配偶禁业范围建议》",
        _relatives_business(("spouse",)),
    ),
    Condition(
        "business_in_remit",
        "亲属在本人管辖地区或业务范围内经商办企业",
        ("records.business", "records.directorship", "records.side_job"),
        {"within_remit": True},
        "配偶、子女及其配偶的在任企业或任职位于本人管辖地区和业务范围内",
        "001 湖南：《……领导干部配偶、子女及其配偶禁业范围建议》；《领导干部配偶、子女及其配偶经商办企业管理规定》（2022）",
        _business_in_remit,
    ),
    Condition(
        "own_business",
        "本人违规经商办企业或在企业任职",
        ("records.business", "records.directorship"),
        {"unapproved": True},
        "本人在任经营企业或在企业担任董事、高管，且未经批准",
        "《中国共产党廉洁自律准则》《中国共产党纪律处分条例》：违反有关规定从事营利活动；"
        "中组发〔2013〕18号：党政领导干部不得在企业兼职（任职）",
        _own_business,
    ),
    Condition(
        "foreign_status",
        "本人持有外国国籍、境外永久居留权或在国（境）外居住",
        ("records.foreign_status", "records.residence_abroad"),
        {"any": True},
        "本人有在任的外国国籍、境外永久居留权或国（境）外居住记录",
        "《公务员法》第十三条（具有中华人民共和国国籍）；《国籍法》第三条（不承认双重国籍）；"
        "《领导干部报告个人有关事项规定》（2017）",
        _foreign_status,
    ),
    Condition(
        "undeclared_matters",
        "个人有关事项不按时报告、漏报或隐瞒不报",
        ("records.personal_report", "records.report_check"),
        {"check_results": ["omission", "concealment"], "late": True},
        "抽查核实结果为漏报或隐瞒不报，或个人有关事项报告未按时报送",
        "000/D 个人重大事项报告：按10%的比例随机抽查……对无正当理由不按时报告、漏报或者隐瞒不报的……严格按照"
        "“两项法规”有关规定处理；001 黑龙江：对隐瞒事实、欺骗组织的严肃处理",
        _undeclared,
    ),
    Condition(
        "long_tenure",
        "在同一岗位任职时间过长",
        ("occupancies", "tags"),
        {
            "years": 10,
            "sensitive_years": 5,
            "sensitive_tags": [
                "sensitive_post",
                "finance",
                "construction",
                "procurement",
                "personnel",
                "law_enforcement",
            ],
        },
        "在同一单位同一职务连续任职满10年；重点岗位满5年",
        "《党政领导干部交流工作规定》（在同一职位任职满十年的必须交流；重要岗位定期交流）；004/2 甘肃高台：交流轮岗……"
        "破解“熟人圈”“朋友圈”的监督难题",
        _long_tenure,
    ),
    Condition(
        "repeated_reports",
        "短期内多次被信访举报",
        ("signals.report",),
        {"reports": 3, "months": 12},
        "12个月内有3件以上信访举报经研判为廉情信息",
        "001 黑龙江：精准处置线索……对同一被反映人一年之内谈话函询一般不超过2次；001 湖南：对反映“关键少数”的问题线索"
        "优先从快办理；004/4 深圳龙岗：自动检索相应人员的问题线索",
        _repeated_reports,
    ),
    Condition(
        "sanction_in_force",
        "处分影响期内",
        ("records.sanction",),
        {"months": dict(SANCTION_MONTHS)},
        "党纪政务处分尚在影响期内（按民法典第二百零一—二百零三条计算期间）",
        "《公职人员政务处分法》第八条（警告六个月、记过十二个月、记大过十八个月、降级撤职二十四个月）；"
        "《中国共产党纪律处分条例》（受警告处分一年内、严重警告一年半内不得在党内提升职务）；001 湖南：党纪政务处分",
        _sanction_in_force,
    ),
    Condition(
        "warning_unrectified",
        "廉政风险预警逾期未答复或未整改",
        ("signals.warning_overdue", "signals.warning_lifted"),
        {"overdue_not_lifted": True},
        "有逾期未答复或未整改、尚未解除的预警",
        "002/篇5 七：对预警后不按期答复、不整改的……升级预警或组织处理；002/篇8 第十八条",
        _warning_unrectified,
    ),
)


@dataclass(frozen=True)
class ConditionRules:
    version: str
    conditions: tuple[Condition, ...]

    def get(self, code: str) -> Condition:
        for condition in self.conditions:
            if condition.code == code:
                return condition
        raise InvalidInput("condition", f"没有预警条件 {code}", "unknown_condition")

    def codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.conditions)

    def evaluate(self, facts: Facts, today: date, periods: WorkingDays) -> list[Hit]:
        """Every condition that holds for ``facts`` on ``today``, in rule order."""
        return [hit for c in self.conditions if (hit := c.evaluate(facts, today, periods)) is not None]


def _revised(conditions: tuple[Condition, ...], **changes: dict) -> tuple[Condition, ...]:
    """A new version: the conditions named in ``changes`` with their fields replaced."""
    return tuple(replace(c, **changes[c.code]) if c.code in changes else c for c in conditions)


#: 2026.2 (issue 11): a concealed fact found when verifying a talk or letter inquiry counts like
#: a concealment found by a personal-matters spot check (001 黑龙江: 对隐瞒事实、欺骗组织的严肃处理),
#: and a warning superseded by a higher one no longer counts as unrectified (the higher warning
#: carries the matter on, warning's ``warning.superseded``; 002/篇5 七).
CONDITIONS_2026_2 = _revised(
    CONDITIONS_2026_1,
    undeclared_matters={
        "reads": ("records.personal_report", "records.report_check", "records.inquiry_verification"),
        "threshold": {
            "check_results": ["omission", "concealment"],
            "check_kinds": ["report_check", "inquiry_verification"],
            "late": True,
        },
        "threshold_zh": "个人有关事项抽查核实或谈话函询核实发现漏报、隐瞒不报（隐瞒事实），或个人有关事项报告未按时报送",
    },
    warning_unrectified={
        "reads": ("signals.warning_overdue", "signals.warning_lifted", "signals.warning_superseded"),
        "threshold": {"overdue_not_lifted": True, "closed_by": ["warning_lifted", "warning_superseded"]},
        "threshold_zh": "有逾期未答复或未整改、尚未解除且未被更高等级预警取代的预警",
    },
)

RULES: dict[str, ConditionRules] = {
    "2026.1": ConditionRules("2026.1", CONDITIONS_2026_1),
    "2026.2": ConditionRules("2026.2", CONDITIONS_2026_2),
}
DEFAULT_RULES = "2026.2"


def condition_rules(version: str | None = None) -> ConditionRules:
    try:
        return RULES[version or DEFAULT_RULES]
    except KeyError:
        raise ValueError(f"unknown condition rules {version!r}; known: {sorted(RULES)}") from None


def new_evidence(hit: Hit, covered: tuple[str, ...]) -> bool:
    """Whether a hit shows something the person's earlier reminder for it did not."""
    return bool(set(hit.evidence) - set(covered))


def to_raise(hits: list[Hit], recorded: Mapping[str, Mapping]) -> list[tuple[Hit, int]]:
    """The hits that call for a reminder, each with its round, given the person's hit records
    (``recorded``: condition code -> the last round, the evidence it covered, closed or not).
    004/4 深圳龙岗 生成监督提醒任务: one reminder per person and condition; none while one is
    open; after it is closed, a new round only for evidence the closed one did not cover."""
    raised = []
    for hit in hits:
        last = recorded.get(hit.code) or {}
        if last and (not last.get("closed") or not new_evidence(hit, tuple(last.get("evidence", ())))):
            continue
        raised.append((hit, last.get("round", 0) + 1))
    return raised


def hit_record(hit: Hit, round_: int, reminder_id: str) -> dict:
    """What a dossier keeps of a hit that raised a reminder (what ``to_raise`` reads next time)."""
    return {"round": round_, "evidence": list(hit.evidence), "reminder_id": reminder_id, "closed": False}
