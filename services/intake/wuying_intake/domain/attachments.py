"""Attachments to a report: photos, scans, recordings, documents (DESIGN.md §4 Intake: reports
from every channel, with their evidence).

Only an allow-list of content types is accepted; each file and all files together are limited
in size (rule data below, lowered or raised by configuration up to the hard caps the HTTP body
limit is built from). The reporter states each file's SHA-256; the content must match it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from types import MappingProxyType

from wuying_common.rules import InvalidInput, UnprocessableInput

ALLOWED_TYPES: MappingProxyType[str, str] = MappingProxyType(
    {
        "image/jpeg": "JPEG 图片",
        "image/png": "PNG 图片",
        "application/pdf": "PDF 文档",
        "text/plain": "文本",
        "audio/mpeg": "MP3 录音",
    }
)
MAX_ATTACHMENTS = 10
DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024
DEFAULT_MAX_TOTAL_BYTES = 10 * 1024 * 1024
# Hard caps: configuration may not go beyond them (the HTTP body limit is derived from them).
CAP_MAX_FILE_BYTES = 10 * 1024 * 1024
CAP_MAX_TOTAL_BYTES = 20 * 1024 * 1024


class AttachmentRuleError(InvalidInput):
    """``field`` names the input at fault (``attachments.N.content``); a file or total over the
    limit is answered 413 ``payload_too_large`` (``status``, honoured by the shared mapping)."""

    def __init__(self, message: str, field: str, too_large: bool = False, unprocessable: bool = False) -> None:
        super().__init__(field, message, "payload_too_large" if too_large else None)
        self.too_large = too_large
        if too_large:
            self.status = 413
            self.summary = "提交的内容过大"
        elif unprocessable:  # a size or a digest that does not match the content: 422
            self.status = UnprocessableInput.status


@dataclass(frozen=True)
class Limits:
    per_file: int = DEFAULT_MAX_FILE_BYTES
    total: int = DEFAULT_MAX_TOTAL_BYTES

    @classmethod
    def from_config(cls, per_file=None, total=None) -> Limits:
        f = min(int(per_file or DEFAULT_MAX_FILE_BYTES), CAP_MAX_FILE_BYTES)
        t = min(int(total or DEFAULT_MAX_TOTAL_BYTES), CAP_MAX_TOTAL_BYTES)
        if f <= 0 or t <= 0:
            raise ValueError("attachment size limits must be positive")
        return cls(f, t)


def sha256_hex(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def check_attachments(items: list[dict], limits: Limits) -> None:
    """Each item: file_name, content_type, content (bytes), sha256, optional size."""
    if len(items) > MAX_ATTACHMENTS:
        raise AttachmentRuleError(f"附件不超过 {MAX_ATTACHMENTS} 个", "attachments")
    total = 0
    for i, item in enumerate(items):
        if item["content_type"] not in ALLOWED_TYPES:
            raise AttachmentRuleError("附件类型不在允许范围内", f"attachments.{i}.content_type")
        content = item["content"]
        if not content:
            raise AttachmentRuleError("附件内容为空", f"attachments.{i}.content")
        if len(content) > limits.per_file:
            raise AttachmentRuleError(f"单个附件不超过 {limits.per_file} 字节", f"attachments.{i}.content", True)
        total += len(content)
        if total > limits.total:
            raise AttachmentRuleError(f"附件合计不超过 {limits.total} 字节", f"attachments.{i}.content", True)
        if item.get("size") is not None and item["size"] != len(content):
            raise AttachmentRuleError("附件大小与内容不符", f"attachments.{i}.size", unprocessable=True)
        if sha256_hex(content) != item["sha256"].lower():
            raise AttachmentRuleError("附件校验值（SHA-256）与内容不符", f"attachments.{i}.sha256", unprocessable=True)
