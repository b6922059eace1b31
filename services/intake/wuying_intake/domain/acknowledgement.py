"""The acknowledgement a reporter receives (受理告知; 件件有着落，事事有回音, seeds/000 B; issue 8 item
7), and the verification code printed on it.

- A named reporter's acknowledgement is *sent*: a delivery through the notifier (SMS or letter)
  is recorded, and only that meets the acknowledgement deadline (受理告知 / 登记受理). It goes out
  once the report is decided here (accepted, sent up or closed) and says which, never the
  content.
- Every reporter can download a printable acknowledgement (PDF, Chinese) with the report
  number, the date, the deadlines that apply and a verification code: an HMAC over the report
  id and its date under a key of its own (not the reporter key), so intake can tell a genuine
  acknowledgement from a forged one without storing anything and without revealing the report.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import date

from wuying_common.rules import RuleBroken

METHODS = {"sms": "短信", "letter": "书面（信函）"}
CODE_BYTES = 10  # 80 bits: 16 base32 characters


class AcknowledgementRuleError(RuleBroken):
    """Nothing to send (anonymous, not yet decided, already sent, no address): 409."""

    def __init__(self, code: str, message: str, field: str = "petition_id") -> None:
        super().__init__(field, message, code)


@dataclass(frozen=True)
class AckSigner:
    """Makes and checks verification codes: HMAC-SHA256 over ``<petition_id>|<date>``."""

    key: bytes

    @classmethod
    def from_config(cls, value: str | None) -> AckSigner | None:
        """``base64:<key>`` or the key as text; at least 16 bytes. None when not configured."""
        if not value:
            return None
        raw = base64.b64decode(value[7:]) if value.startswith("base64:") else value.encode("utf-8")
        if len(raw) < 16:
            raise ValueError("the acknowledgement key must be at least 16 bytes")
        return cls(raw)

    def code(self, petition_id: str, day: date) -> str:
        digest = hmac.new(self.key, f"{petition_id}|{day.isoformat()}".encode(), hashlib.sha256).digest()
        text = base64.b32encode(digest[:CODE_BYTES]).decode("ascii")
        return "-".join(text[i : i + 4] for i in range(0, len(text), 4))

    def genuine(self, petition_id: str, day: date, code: str) -> bool:
        given = "".join(ch for ch in code.upper() if ch.isalnum())
        expected = self.code(petition_id, day).replace("-", "")
        return hmac.compare_digest(given.encode(), expected.encode())


def check_sendable(anonymous: bool, status: str, already_sent: bool) -> None:
    """A named reporter, a decided report (accepted, sent up or closed), not yet told."""
    if anonymous:
        raise AcknowledgementRuleError("not_named", "匿名举报人凭查询码查看受理情况，无需送达受理告知")
    if status == "received":
        raise AcknowledgementRuleError("not_decided", "尚未作出受理决定，不能送达受理告知", "status")
    if already_sent:
        raise AcknowledgementRuleError("already_acknowledged", "已送达受理告知")


STATUS_SENTENCE = {
    "triaged": "已受理，正在办理",
    "closed": "已办结，请留意答复",
    "merged": "已与此前的相同举报合并办理",
    "sent_up": "已按管辖权限转送上级机关办理",
}


def acknowledgement_text(petition_id: str, received_on: date, kind_zh: str, status: str, code: str | None) -> str:
    """What the reporter is told (SMS or letter): the number, the date, the decision; never the
    content or anyone's name."""
    text = f"您于{received_on.year}年{received_on.month}月{received_on.day}日提交的{kind_zh}（编号{petition_id}）{STATUS_SENTENCE.get(status, '已收到')}。"
    if code:
        text += f"受理回执核验码：{code}。"
    return text
