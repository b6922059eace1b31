"""How a warning reaches the official (seeds/002 篇5 五(二), 篇1): in writing and/or by interview,
through the platform's inbox and by SMS.

约谈 (篇5 五(二)2): a plan (谈话方案), at least two interviewers, the lead a member of the Party
committee or a responsible comrade of the discipline-inspection organ (主谈人为党委成员或纪检监察
机关负责同志、分管负责同志), and a notice slip of the level's kind sent to the official.
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


def interview_problems(interviewers: list[str], lead: str, lead_rank: str) -> dict[str, str]:
    """What is wrong with an interview plan, field by field (empty: it may go ahead)."""
    problems: dict[str, str] = {}
    distinct = {i.strip() for i in interviewers if i.strip()}
    if len(distinct) < MIN_INTERVIEWERS:
        problems["interviewers"] = f"约谈须有 {MIN_INTERVIEWERS} 人以上参加（篇5 五(二)2(2)）"
    if lead.strip() not in distinct:
        problems["lead"] = "主谈人须是参加约谈的人员之一"
    if lead_rank not in LEAD_RANKS:
        problems["lead_rank"] = "主谈人须为党委成员或纪检监察机关负责同志、分管负责同志：" + "、".join(
            f"{code}（{label}）" for code, label in LEAD_RANKS.items()
        )
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
