"""Payloads of the integrity portrait and the personal report (廉政画像 / 个人综合廉情报告), the access
log, the one-click integrity review (廉政审核) and the integrity credit (廉政信用)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.openapi_limits import non_blank

from .matters import MatterRecordSchema
from .registry import OfficialSchema
from .reminders import ReminderSchema


# -- the integrity portrait and the personal report (廉政画像 / 个人综合廉情报告) -----------------------
class OutcomeSchema(Schema):
    category = fields.String()
    category_zh = fields.String()
    ref = fields.String()
    settled = fields.Boolean()
    status_zh = fields.String(metadata={"description": "已办结 / 尚未办结"})
    state_zh = fields.String()
    first_on = fields.String()
    last_on = fields.String()
    detail_zh = fields.String()
    seqs = fields.List(fields.Integer(), metadata={"description": "the file entries it comes from"})


class ConditionHitSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    evidence = fields.List(fields.String())


def _outcomes(*categories: str):
    return fields.Function(
        lambda p: OutcomeSchema(many=True).dump(p.outcomes_of(*categories)),
        metadata={"type": "array", "items": {"type": "object"}},
    )


class PortraitSchema(Schema):
    official = fields.Nested(OfficialSchema)
    generated_at = fields.DateTime()
    requester = fields.String()
    family = fields.List(fields.Nested(MatterRecordSchema), metadata={"description": "家庭成员及国（境）外情况"})
    interests = fields.List(fields.Nested(MatterRecordSchema), metadata={"description": "经商办企业、任职、兼职"})
    personal_reports = fields.List(fields.Nested(MatterRecordSchema), metadata={"description": "个人有关事项及核实"})
    conditions = fields.List(fields.Nested(ConditionHitSchema), metadata={"description": "当前符合的预警条件"})
    rule_version = fields.String()
    reminders = fields.List(fields.Nested(ReminderSchema))
    reports = _outcomes("report", "clue", "clarification")
    warnings = _outcomes("warning")
    organisational_handling = _outcomes("organisational_handling")
    sanctions = _outcomes("sanction")
    findings = _outcomes("finding")
    supervision = _outcomes("inquiry", "report_check")
    risk = fields.Dict(allow_none=True, metadata={"description": "the latest risk.profile_changed"})
    file = fields.Function(
        lambda p: {"last_seq": p.file_last_seq, "intact": p.file_intact}, metadata={"type": "object"}
    )
    extras = fields.Function(
        lambda p: {k: v for k, v in p.extras.items() if k != "pdf_sections"},
        metadata={"type": "object", "description": "credit (廉政信用) and records (承诺、家访、谈话)"},
    )


class PortraitQuerySchema(Schema):
    purpose = fields.String(
        load_default="", validate=validate.Length(max=200), metadata={"description": "查阅事由（记入查阅日志）"}
    )


class AccessLogQuerySchema(Schema):
    subject = fields.String(load_default=None)
    by = fields.String(load_default=None)


ACTIONS_ZH = {
    "portrait.read": "查阅廉政画像",
    "report.pdf": "打印个人综合廉情报告",
    "review.create": "发起廉政审核",
    "review.read": "查阅廉政审核报告",
    "review.pdf": "打印廉政审核报告",
    "export.files": "导出档案（审计核验）",
    "official_file.read": "查阅人员廉政档案",
    "official_file.verify": "校验人员档案哈希链",
    "unit_file.read": "查阅单位档案",
    "unit_file.verify": "校验单位档案哈希链",
}


class AccessLogSchema(Schema):
    id = fields.String()
    at = fields.DateTime()
    by = fields.String()
    roles = fields.List(fields.String())
    action = fields.String()
    action_zh = fields.Function(lambda e: ACTIONS_ZH.get(e.action, e.action))
    subject = fields.String()
    county = fields.String()
    purpose = fields.String()
    outcome = fields.String(metadata={"description": "allowed 或 denied（被拒绝的查阅也留痕）"})
    outcome_zh = fields.Function(lambda e: "已拒绝" if e.outcome == "denied" else "已查阅")
    code = fields.String(allow_none=True, metadata={"description": "拒绝的错误码"})


# -- the one-click integrity review (廉政审核, issue 11 item 5) ---------------------------------------
class ReviewInSchema(Schema):
    purpose = fields.String(
        required=True,
        validate=validate.Length(min=2, max=200, error="必须写明审核用途"),
        metadata={"description": "审核用途（必填，记入审计）", "pattern": non_blank()},
    )
    people = fields.List(
        fields.String(validate=validate.Length(max=2000)),
        load_default=list,
        metadata={"description": "姓名或编号（可粘贴多个，用换行、逗号、顿号分隔）"},
    )
    text = fields.String(load_default="", metadata={"description": "上传名单文件的内容：每行一人，CSV 取第一列"})
    unit_id = fields.String(
        load_default=None,
        metadata={"description": "按单位审核；people、text 与 unit_id 都没有给出人员时 422 people_required"},
    )
    date_from = fields.Date(load_default=None)
    date_to = fields.Date(load_default=None)
    as_of = fields.AwareDateTime(
        load_default=None, default_timezone=None, metadata={"description": "审核时点（默认现在）：只看届时档案所载"}
    )


class ReviewSchema(Schema):
    id = fields.String()
    requester = fields.String()
    purpose = fields.String()
    requested_at = fields.DateTime()
    as_of = fields.DateTime()
    date_from = fields.String(allow_none=True)
    date_to = fields.String(allow_none=True)
    unit_id = fields.String(allow_none=True)
    total = fields.Integer()
    done = fields.Integer()
    progress = fields.Function(lambda r: round(r.done / r.total, 4) if r.total else 1.0, metadata={"type": "number"})
    pages = fields.Integer()
    with_findings = fields.Integer()
    pending_items = fields.Integer()
    unknown = fields.List(fields.Dict(), metadata={"description": "未能审核的输入（原样列出）"})
    state = fields.String()
    state_zh = fields.Function(
        lambda r: {"queued": "排队中", "running": "生成中", "done": "已完成"}.get(r.state, r.state)
    )
    finished_at = fields.DateTime(allow_none=True)


class ReviewRowsQuerySchema(Schema):
    page = fields.Integer(load_default=0, validate=validate.Range(min=0))


class ReviewRowsSchema(Schema):
    review = fields.Nested(ReviewSchema)
    page = fields.Integer()
    rows = fields.List(fields.Dict())


class CreditSchema(Schema):
    official_id = fields.String()
    score = fields.Integer()
    level = fields.String()
    level_zh = fields.String()
    rule_version = fields.String()
    factors = fields.List(fields.Dict(), metadata={"description": "code, name_zh, points, count, source"})
