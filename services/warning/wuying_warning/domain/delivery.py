"""How a warning reaches the official (seeds/002 篇5 五(二), 篇1): in writing and/or by interview,
through the platform's inbox and by SMS.

约谈 (篇5 五(二)2): a plan (谈话方案), at least two interviewers, the lead a member of the Party
committee or a responsible comrade of the discipline-inspection organ (主谈人为党委成员或纪检监察
机关负责同志、分管负责同志), and a notice slip of the level's kind sent to the official. The
lead's rank is not typed in: it follows from the lead's post in archive's registry of officials
(``lead_rank_from_registry``). Afterwards the interview is recorded as held: the date, who
attended (still two or more, the lead among them), a summary and the follow-up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Protocol

MIN_INTERVIEWERS = 2

# 主谈人 ranks (篇5 五(二)2(2)): stable codes with the seed's wording.
LEAD_RANKS: MappingProxyType[str, str] = MappingProxyType(
    {
        "party_committee_member": "党委成员",
        "commission_principal": "纪检监察机关负责同志",
        "commission_leader_in_charge": "纪检监察机关分管负责同志",
    }
)


# Which registry posts (archive's ``post``) hold which lead rank. Commission posts count only for
# commission staff (``commission_staff``: 纪检监察机关 or its dispatched agencies). Rule data: a
# province adds its own post names here.
PARTY_COMMITTEE_POSTS = frozenset({"党委书记", "党委副书记", "党委委员", "党工委书记", "党工委副书记", "党组书记"})
COMMISSION_PRINCIPAL_POSTS = frozenset({"纪委书记", "纪工委书记"})
# 组长: the leader of a dispatched discipline-inspection group (派驻纪检监察组), in charge there.
COMMISSION_LEADER_POSTS = frozenset({"纪委副书记", "纪工委副书记", "监委副主任", "组长"})


def lead_rank_of(post: str, commission_staff: bool) -> str | None:
    """The 主谈人 rank a registry post holds (篇5 五(二)2(2)), or None."""
    if post in PARTY_COMMITTEE_POSTS:
        return "party_committee_member"
    if commission_staff and post in COMMISSION_PRINCIPAL_POSTS:
        return "commission_principal"
    if commission_staff and post in COMMISSION_LEADER_POSTS:
        return "commission_leader_in_charge"
    return None


def lead_rank_from_registry(official: dict | None) -> tuple[str | None, str | None]:
    """(rank, None) for a lead whose registry entry qualifies, else (None, why not)."""
    if official is None:
        return None, "主谈人不在人员登记库中（须填写登记库中的人员编号）"
    if official.get("status", "serving") != "serving":
        return None, "主谈人已离岗或退休，不能主谈"
    rank = lead_rank_of(str(official.get("post") or ""), bool(official.get("commission_staff")))
    if rank is None:
        return None, (
            f"主谈人职务为“{official.get('post') or '未登记'}”，须为党委成员或纪检监察机关负责同志、"
            "分管负责同志（篇5 五(二)2(2)）"
        )
    return rank, None


def interview_problems(interviewers: list[str], lead: str) -> dict[str, str]:
    """What is wrong with an interview plan's people, field by field (empty: it may go ahead).
    The lead's rank is checked against the registry separately (``lead_rank_from_registry``)."""
    problems: dict[str, str] = {}
    distinct = {i.strip() for i in interviewers if i.strip()}
    if len(distinct) < MIN_INTERVIEWERS:
        problems["interviewers"] = f"约谈须有 {MIN_INTERVIEWERS} 人以上参加（篇5 五(二)2(2)）"
    if lead.strip() not in distinct:
        problems["lead"] = "主谈人须是参加约谈的人员之一"
    return problems


def held_interview_problems(attendees: list[str], lead: str) -> dict[str, str]:
    """An interview counts as held under 篇5 五(二)2(2) only with two or more interviewers present,
    the lead among them."""
    problems: dict[str, str] = {}
    present = {a.strip() for a in attendees if a.strip()}
    if len(present) < MIN_INTERVIEWERS:
        problems["attendees"] = f"约谈须有 {MIN_INTERVIEWERS} 人以上参加（篇5 五(二)2(2)）"
    elif lead.strip() not in present:
        problems["attendees"] = "主谈人未参加，不能视为已按规定约谈"
    return problems


@dataclass(frozen=True)
class Notice:
    """One written message to the warned official (告知书/质询书/建议书, 约谈通知单, 答复…).

    ``id`` is stable, so sending it again through any channel is a no-op."""

    id: str
    warning_id: str
    official_id: str
    county: str
    kind: str
    title: str
    body: str
    meta: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Delivery:
    channel: str
    notice_id: str
    delivered: bool  # False: already delivered earlier (idempotent resend)


class Notifier(Protocol):
    """A way to reach the official. Adapters: the platform inbox and an SMS gateway."""

    channel: str

    def send(self, notice: Notice) -> Delivery: ...


class SmsGateway(Protocol):
    """The SMS provider: the local adapter records messages; a real one would call the carrier."""

    def send_sms(self, message_id: str, recipient: str, text: str, county: str) -> bool: ...


def sms_text(notice: Notice) -> str:
    """Short and without the matter's details: a phone screen is not a confidential channel."""
    return f"【无影灯】您有一份{notice.title}，请登录廉政风险预警平台查阅并按期办理。"
