"""Records in the file (issue 11 item 3): pledges, home visits, integrity education, special
supervisors and supervision talks — what the seeds ask a commission to do and keep.

- 000/C 承诺宣誓: 每名纪检监察干部亲笔书写廉洁诺言（50字以内）并签名 (``pledge``).
- 000/B 廉洁家访: 动员……家属填写《家访情况登记表》，签订《家庭助廉承诺书》……书写廉洁亲情寄语……发廉洁
  亲情监督卡……报告反馈 (``home_visit``, ``family_pledge``).
- 000/F 廉洁教育党课: 廉政党课教育每月开展一次，全年不少于12次，每次党课时间不少于半天。委局主要领导每年
  至少上1次廉政党课，每次不少于半天；委局其他班子成员和部门主要负责人原则上每年不少于1次，每次不少于2个
  小时 (``education``, compliance per unit and per leader).
- 000/H 聘请监督员: 特邀监督员……涉及市纪委监委领导的，向市纪委主要领导反映；涉及……其他干部的，向市纪委
  监委局领导反映; 干部监督室收集并提出处理建议 → 分管领导审定并安排调查核实 → 纪委会研究作出处理决定 →
  在适当范围内公布 (``supervisor_report`` and its steps).
- 001 黑龙江 开展监督谈话: 苗头性倾向性问题随时谈，部门负责同志定期谈，新任职新交流领导到岗谈
  (``supervision_talk``: who, when, what, follow-up).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date

from wuying_common.rules import InvalidInput

#: The fields of the 家访情况登记表 as the seed describes the visit (000/B 主要举措).
HOME_VISIT_FIELDS_ZH = {
    "visited_on": "家访日期",
    "visitors": "家访人员",
    "family_present": "参加家属（姓名、关系）",
    "family_situation": "家庭状况",
    "outside_work": "“八小时之外”情况",
    "opinions": "家属意见建议",
    "issues_found": "发现的苗头性、倾向性问题",
    "reminder_given": "警示提醒情况（咬耳扯袖）",
    "family_message": "廉洁亲情寄语",
    "card_given": "是否发放廉洁亲情监督卡",
    "follow_up": "报告反馈（件件有着落，事事有回音）",
}
TALK_KINDS_ZH = {
    "tendency": "苗头性倾向性问题随时谈",
    "regular": "部门负责同志定期谈",
    "new_post": "新任职新交流领导到岗谈",
}
LECTURER_ROLES_ZH = {
    "principal": "委局主要领导",
    "other_leader": "委局其他班子成员",
    "department_head": "部门主要负责人",
    "other": "其他",
}
SUPERVISOR_STEPS = ("proposed", "approved", "decided", "published")
SUPERVISOR_STEPS_ZH = {
    "received": "干部监督室收集",
    "proposed": "提出处理建议",
    "approved": "分管领导审定并安排调查核实",
    "decided": "纪委会研究作出处理决定",
    "published": "在适当范围内公布",
}
ROUTES_ZH = {"principal_leader": "市纪委主要领导", "commission_leaders": "市纪委监委局领导"}

#: What each kind must say (beyond the date): the required detail fields.
REQUIRED = {
    "pledge": ("text",),
    "family_pledge": ("family_member", "relation"),
    "home_visit": ("visitors", "family_present", "family_situation"),
    "supervision_talk": ("talk_kind", "talkers", "content"),
    "supervisor_report": ("supervisor_id", "content"),
}
PLEDGE_MAX_CHARS = 50  # 000/C: 廉洁诺言（50字以内）


@dataclass(frozen=True)
class EducationRules:
    """000/F as rule data: hours are the seed's 半天 (taken as 4 hours, half a working day)."""

    version: str = "2026.1"
    sessions_per_year: int = 12
    monthly: bool = True
    session_min_hours: float = 4.0
    principal_lectures: int = 1
    principal_min_hours: float = 4.0
    other_leader_lectures: int = 1
    other_leader_min_hours: float = 2.0
    source: str = (
        "000/F：廉政党课教育每月开展一次，全年不少于12次，每次党课时间不少于半天；委局主要领导每年至少上1次廉政党课，"
        "每次不少于半天；委局其他班子成员和部门主要负责人原则上每年不少于1次，每次不少于2个小时"
    )


EDUCATION_RULES = EducationRules()


def check_details(kind: str, details: dict) -> None:
    """What each kind must say (``REQUIRED``), a pledge's length (000/C), a talk's kind (001 黑龙江);
    ``schemas.supervision.RecordInSchema.OPENAPI_EXTRA`` states the same rules."""
    missing = [f for f in REQUIRED.get(kind, ()) if details.get(f) in (None, "", [])]
    if missing:
        raise InvalidInput(missing[0], "该类记录必须填写该项", "record_incomplete")
    if kind == "pledge" and not isinstance(details["text"], str):
        raise InvalidInput("text", "廉洁诺言须是文字", "record_incomplete")
    if kind == "pledge" and len(details["text"]) > PLEDGE_MAX_CHARS:
        raise InvalidInput("text", f"廉洁诺言限{PLEDGE_MAX_CHARS}字以内（000/C）", "pledge_too_long")
    # a list or an object is no talk kind (``in`` a dict raised TypeError on it: a 500)
    if kind == "supervision_talk" and (
        not isinstance(details["talk_kind"], str) or details["talk_kind"] not in TALK_KINDS_ZH
    ):
        raise InvalidInput("talk_kind", "只能是 tendency、regular 或 new_post", "record_incomplete")


def digest(details: dict) -> str:
    """What the file's entry keeps of a record: its SHA-256, never its content."""
    text = json.dumps(details, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def route_of(about_leader: bool) -> str:
    """000/H: about the commission's leaders → its principal leader; else the commission's leaders."""
    return "principal_leader" if about_leader else "commission_leaders"


@dataclass(frozen=True)
class Session:
    held_on: date
    hours: float
    lecturer_id: str
    lecturer_role: str


@dataclass
class LeaderCompliance:
    official_id: str
    name: str
    role: str
    lectures: int
    qualifying: int
    required: int
    min_hours: float

    @property
    def compliant(self) -> bool:
        return self.qualifying >= self.required


@dataclass
class UnitCompliance:
    unit_id: str
    year: int
    sessions: int
    qualifying: int
    months_covered: list[int]
    months_due: list[int]
    required: int
    leaders: list[LeaderCompliance] = field(default_factory=list)
    rule_version: str = EDUCATION_RULES.version
    source: str = EDUCATION_RULES.source

    @property
    def missing_months(self) -> list[int]:
        return [m for m in self.months_due if m not in self.months_covered]

    @property
    def compliant(self) -> bool:
        """Every month so far had a qualifying lecture (monthly), and a full year at least 12."""
        full_year = len(self.months_due) == 12
        return not self.missing_months and (not full_year or self.qualifying >= self.required)


def unit_compliance(
    unit_id: str,
    year: int,
    sessions: list[Session],
    leaders: list[tuple[str, str, str]],
    today: date,
    rules: EducationRules = EDUCATION_RULES,
) -> UnitCompliance:
    """``leaders``: (official id, name, role) with role ``principal`` or ``other_leader``/``department_head``."""
    mine = [s for s in sessions if s.held_on.year == year]
    qualifying = [s for s in mine if s.hours >= rules.session_min_hours]
    last_month = 12 if year < today.year else today.month if year == today.year else 0
    result = UnitCompliance(
        unit_id,
        year,
        len(mine),
        len(qualifying),
        sorted({s.held_on.month for s in qualifying}),
        list(range(1, last_month + 1)) if rules.monthly else [],
        rules.sessions_per_year,
    )
    for official_id, name, role in leaders:
        principal = role == "principal"
        min_hours = rules.principal_min_hours if principal else rules.other_leader_min_hours
        given = [s for s in mine if s.lecturer_id == official_id]
        result.leaders.append(
            LeaderCompliance(
                official_id,
                name,
                role,
                len(given),
                sum(1 for s in given if s.hours >= min_hours),
                rules.principal_lectures if principal else rules.other_leader_lectures,
                min_hours,
            )
        )
    return result
