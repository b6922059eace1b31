"""Family and interests (家庭成员与利益关联), personal-matters reports and sanctions of one
official: each a record with its source and date.

What a commission's archive keeps about a person beyond the registry (001 湖南: 干部任免情况、
个人有关事项、问题线索和处置情况; 000/D 个人重大事项报告; 004/4: 兼职、裸官、子女经商办企业).
These records are visible only to archive roles and never put on an event: conditions read them,
reminders point at them by id.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from wuying_common.rules import InvalidInput, RuleBroken

KINDS_ZH = {
    "spouse": "配偶",
    "child": "子女",
    "child_spouse": "子女的配偶",
    "foreign_status": "本人持有外国国籍或境外永久居留权",
    "residence_abroad": "本人在国（境）外居住",
    "business": "经商办企业",
    "directorship": "在企业担任董事、监事或高管",
    "side_job": "兼职",
    "personal_report": "个人有关事项报告",
    "report_check": "个人有关事项抽查核实",
    "sanction": "党纪政务处分",
    "inquiry_verification": "谈话函询抽查核实",
    "assessment": "年度考核及民主测评",
}
#: Kinds only the archive's own workflows write (a check's or an inquiry's result).
SYSTEM_KINDS = ("inquiry_verification",)
RELATIVES = ("spouse", "child", "child_spouse")
INTERESTS = ("business", "directorship", "side_job")

SOURCES_ZH = {
    "personal_report": "个人有关事项报告",
    "organisation_department": "组织部门",
    "verification": "核查核实",
    "petition": "信访举报",
    "self_declared": "本人申报",
    "case_handling": "案件审理",
    "other": "其他",
}
FOREIGN_STATUSES_ZH = {"nationality": "外国国籍", "permanent_residency": "境外永久居留权"}
CHECK_RESULTS_ZH = {"consistent": "如实报告", "omission": "漏报", "concealment": "隐瞒不报"}

#: 《公职人员政务处分法》第八条 (警告六个月、记过十二个月、记大过十八个月、降级撤职二十四个月) and
#: 《中国共产党纪律处分条例》 (警告一年内、严重警告一年半内不得在党内提升职务; 撤销党内职务、
#: 留党察看按二年计): months a sanction stays in force.
SANCTION_MONTHS = {
    "warning": 6,
    "demerit": 12,
    "major_demerit": 18,
    "demotion": 24,
    "dismissal_from_post": 24,
    "party_warning": 12,
    "party_serious_warning": 18,
    "party_post_removed": 24,
    "party_probation": 24,
}
SANCTIONS_ZH = {
    "warning": "政务警告",
    "demerit": "记过",
    "major_demerit": "记大过",
    "demotion": "降级",
    "dismissal_from_post": "撤职",
    "party_warning": "党内警告",
    "party_serious_warning": "党内严重警告",
    "party_post_removed": "撤销党内职务",
    "party_probation": "留党察看",
}

# What each kind must say, beyond kind, source and recorded_on.
REQUIRED = {
    "spouse": ("name",),
    "child": ("name",),
    "child_spouse": ("name", "relative_of"),
    "foreign_status": ("foreign_status", "country"),
    "residence_abroad": ("country",),
    "business": ("holder", "company"),
    "directorship": ("holder", "company", "role"),
    "side_job": ("company", "role"),
    "personal_report": ("year",),
    "report_check": ("year", "check_result"),
    "sanction": ("sanction", "decided_on"),
    "inquiry_verification": ("year", "check_result"),
    "assessment": ("year", "grade"),
}
GRADES_ZH = {"excellent": "优秀", "competent": "称职", "basically_competent": "基本称职", "incompetent": "不称职"}


@dataclass(frozen=True)
class MatterRecord:
    """One record. ``holder`` of an interest is ``self`` or the id of a relative's record."""

    id: str
    kind: str
    source: str
    recorded_on: str
    name: str = ""
    relative_of: str = ""  # a child's record id, for a child's spouse
    settled_abroad: bool = False
    country: str = ""
    foreign_status: str = ""  # "nationality", "permanent_residency" or ""
    holder: str = "self"
    company: str = ""
    role: str = ""
    within_remit: bool = False  # a business inside the official's remit (管辖地区和业务范围)
    paid: bool = False
    pay_yuan: int = 0
    approved: bool = False  # a side job approved as the rules require
    year: int = 0
    on_time: bool = True
    check_result: str = ""
    sanction: str = ""
    decided_on: str = ""
    ended_on: str | None = None
    note: str = ""
    entered_at: datetime | None = None  # when the archive recorded it
    ref: str = ""  # the check or inquiry that wrote it
    grade: str = ""  # assessment (考核) grade
    satisfaction: int = 0  # 民主测评 satisfaction, percent
    extra: dict = field(default_factory=dict)

    def active_on(self, day: date) -> bool:
        return self.ended_on is None or self.ended_on >= day.isoformat()


def check_record(raw: dict) -> None:
    """Refuse a record that lacks what its kind needs, or points at a relative that is not one."""
    kind = raw["kind"]
    missing = [f for f in REQUIRED.get(kind, ()) if raw.get(f) in (None, "", 0)]
    if missing:
        raise InvalidInput(missing[0], f"{KINDS_ZH[kind]}记录必须填写该项", "record_incomplete")
    if kind == "foreign_status" and raw["foreign_status"] not in FOREIGN_STATUSES_ZH:
        raise InvalidInput("foreign_status", "只能是 nationality 或 permanent_residency", "record_incomplete")
    if kind == "report_check" and raw["check_result"] not in CHECK_RESULTS_ZH:
        raise InvalidInput("check_result", "只能是 consistent、omission 或 concealment", "record_incomplete")
    if kind == "assessment" and raw["grade"] not in GRADES_ZH:
        raise InvalidInput(
            "grade", "只能是 excellent、competent、basically_competent 或 incompetent", "record_incomplete"
        )
    if kind == "sanction" and raw["sanction"] not in SANCTION_MONTHS:
        raise InvalidInput("sanction", "不是已知的处分种类", "record_incomplete")


def check_reference(records: tuple[MatterRecord, ...], raw: dict) -> None:
    """A holder or ``relative_of`` must name a relative already on file: the state of the
    dossier (record the relative first), not the input, so a ``RuleBroken`` (409)."""
    relatives = {r.id: r.kind for r in records if r.kind in RELATIVES}
    holder = raw.get("holder") or "self"
    if raw["kind"] in INTERESTS and holder != "self" and holder not in relatives:
        raise RuleBroken("holder", "持有人必须是 self 或已登记的亲属记录编号", "unknown_relative")
    if raw["kind"] == "child_spouse" and relatives.get(raw.get("relative_of", "")) != "child":
        raise RuleBroken("relative_of", "必须是已登记的子女记录编号", "unknown_relative")


def relation_of(records: tuple[MatterRecord, ...], holder: str) -> str:
    """``self``, ``spouse``, ``child`` or ``child_spouse``: who holds an interest."""
    if holder == "self":
        return "self"
    return next((r.kind for r in records if r.id == holder), "unknown")
