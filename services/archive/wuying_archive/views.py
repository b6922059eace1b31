"""Renderings beside the entrypoints: the printable Chinese PDFs (reportlab, built-in CID font).

Every page carries a watermark naming who printed it and when (廉政审核报告 and 个人综合廉情报告 are
read by people who must not pass them on unmarked).
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import datetime

from wuying_common.clock import CST

FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without font files
#: Compressed pages (tests switch it off to read the text back).
PAGE_COMPRESSION = 1


def _register() -> None:
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))


def stamp(requester: str, at: datetime) -> str:
    return f"{requester}  {at.astimezone(CST).strftime('%Y-%m-%d %H:%M')}"


class Builder:
    """A thin story builder: headings, lines and small tables, all in the CID font."""

    def __init__(self) -> None:
        from reportlab.lib.styles import ParagraphStyle

        _register()
        self.story: list = []
        self.h1 = ParagraphStyle("h1", fontName=FONT, fontSize=17, leading=24, alignment=1, spaceAfter=10)
        self.h2 = ParagraphStyle("h2", fontName=FONT, fontSize=12.5, leading=18, spaceBefore=8, spaceAfter=4)
        self.body = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=14, wordWrap="CJK")
        self.small = ParagraphStyle("small", fontName=FONT, fontSize=8, leading=11, wordWrap="CJK")

    @staticmethod
    def _esc(text) -> str:
        return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")

    def title(self, text: str) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(self._esc(text), self.h1))

    def heading(self, text: str) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(self._esc(text), self.h2))

    def line(self, text: str, small: bool = False) -> None:
        from reportlab.platypus import Paragraph

        self.story.append(Paragraph(self._esc(text), self.small if small else self.body))

    def table(self, header: list[str], rows: list[list], widths: list[float]) -> None:
        from reportlab.lib import colors
        from reportlab.platypus import Paragraph, Table, TableStyle

        if not rows:
            self.line("（无）")
            return
        data = [[Paragraph(self._esc(h), self.small) for h in header]]
        data += [[Paragraph(self._esc(c), self.small) for c in row] for row in rows]
        # splitInRow: a cell taller than a page (a long unresolved input, a long name) goes on
        # over the next page instead of failing the whole report (LayoutError, a 500).
        table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.4, colors.grey),
                    ("BACKGROUND", (0, 0), (-1, 0), colors.whitesmoke),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ]
            )
        )
        self.story.append(table)

    def page_break(self) -> None:
        from reportlab.platypus import PageBreak

        self.story.append(PageBreak())

    def render(self, title: str, watermark: str) -> bytes:
        from reportlab.lib.pagesizes import A4
        from reportlab.platypus import SimpleDocTemplate

        buffer = io.BytesIO()
        doc = SimpleDocTemplate(
            buffer,
            pagesize=A4,
            title=title,
            leftMargin=48,
            rightMargin=48,
            topMargin=56,
            bottomMargin=56,
            pageCompression=PAGE_COMPRESSION,
            invariant=1,
        )
        doc.build(self.story, onFirstPage=_marker(watermark), onLaterPages=_marker(watermark))
        return buffer.getvalue()


def _marker(watermark: str) -> Callable:
    def draw(canvas, doc) -> None:
        from reportlab.lib.pagesizes import A4

        width, height = A4
        canvas.saveState()
        canvas.setFont(FONT, 26)
        canvas.setFillGray(0.85)
        canvas.translate(width / 2, height / 2)
        canvas.rotate(35)
        for dy in (-220, 0, 220):
            canvas.drawCentredString(0, dy, watermark)
        canvas.restoreState()
        canvas.saveState()
        canvas.setFont(FONT, 8)
        canvas.setFillGray(0.35)
        canvas.drawString(48, 30, f"打印：{watermark}    第 {doc.page} 页    内部资料，注意保密")
        canvas.restoreState()

    return draw


def _records(b: Builder, title: str, rows, kinds_zh: dict) -> None:
    b.heading(title)
    b.table(
        ["类别", "姓名/企业", "情况", "来源/日期", "状态"],
        [
            [
                kinds_zh.get(r.kind, r.kind),
                r.name or r.company or (str(r.year) if r.year else ""),
                "；".join(
                    x
                    for x in (
                        r.role,
                        r.country,
                        "已移居国（境）外" if r.settled_abroad else "",
                        f"核实结果：{r.check_result}" if r.check_result else "",
                        "管辖范围内" if r.within_remit else "",
                        f"取酬{r.pay_yuan}元" if r.paid else "",
                    )
                    if x
                ),
                f"{r.source} {r.recorded_on}",
                f"已于{r.ended_on}终止" if r.ended_on else "在续",
            ]
            for r in rows
        ],
        [60, 90, 170, 100, 79],
    )


def _outcomes(b: Builder, title: str, outcomes) -> None:
    b.heading(title)
    b.table(
        ["类别", "编号", "日期", "办理情况", "状态"],
        [[o.category_zh, o.ref, o.first_on, f"{o.state_zh} {o.detail_zh}".strip(), o.status_zh] for o in outcomes],
        [80, 90, 62, 206, 61],
    )


def portrait_pdf(p) -> bytes:
    """个人综合廉情报告 (004/4 深圳龙岗) of a ``handlers.portrait.Portrait``."""
    from .domain.matters import KINDS_ZH
    from .domain.reminders import STATES_ZH

    o = p.official
    b = Builder()
    b.title("个人综合廉情报告")
    b.line(f"姓名：{o.name}　　编号：{o.id}　　地区：{o.county}　　状态：{o.status}", small=False)
    b.line(
        f"生成时间：{p.generated_at.astimezone(CST).strftime('%Y-%m-%d %H:%M')}（北京时间）　　查阅人：{p.requester}"
    )
    b.line(f"档案时间线共 {p.file_last_seq} 条，哈希链{'完整' if p.file_intact else '校验未通过'}", small=True)
    b.heading("一、任职情况")
    b.table(
        ["单位", "职务", "职级", "起", "止"],
        [[x.unit_id, x.post, x.rank, x.start, x.end or "至今"] for x in o.postings],
        [120, 110, 80, 95, 94],
    )
    _records(b, "二、家庭成员及国（境）外情况", p.family, KINDS_ZH)
    _records(b, "三、经商办企业、任职及兼职", p.interests, KINDS_ZH)
    _records(b, "四、个人有关事项报告及核实", p.personal_reports, KINDS_ZH)
    b.heading(f"五、预警条件（规则 {p.rule_version}）与监督提醒")
    b.line("；".join(c.name_zh for c in p.conditions) or "当前未触发预警条件")
    b.table(
        ["任务", "预警条件", "状态", "结果"],
        [[r.id, r.condition_code, STATES_ZH.get(r.state, r.state), r.result or ""] for r in p.reminders],
        [170, 120, 100, 109],
    )
    _outcomes(b, "六、信访举报、问题线索及澄清", p.outcomes_of("report", "clue", "clarification"))
    _outcomes(b, "七、廉政风险预警", p.outcomes_of("warning"))
    _outcomes(b, "八、组织处理与党纪政务处分", p.outcomes_of("organisational_handling", "sanction"))
    _outcomes(b, "九、巡察发现问题", p.outcomes_of("finding"))
    _outcomes(b, "十、谈话函询与个人有关事项抽查", p.outcomes_of("inquiry", "report_check"))
    b.heading("十一、廉政风险画像")
    if p.risk:
        b.line(f"风险分值 {p.risk['score']}（{p.risk.get('level_zh') or p.risk.get('level')}），{p.risk['on']} 更新")
    else:
        b.line("暂无风险评估")
    for title, lines in p.extras.get("pdf_sections", []):
        b.heading(title)
        for text in lines:
            b.line(text)
    return b.render(f"个人综合廉情报告 {o.id}", stamp(p.requester, p.generated_at))


def review_pdf(review, rows: list[dict], printed_by: str, printed_at: datetime) -> bytes:
    """廉政审核报告 (004/4 深圳龙岗: 批量、在线一键生成廉政审核报告): one section per person, the
    unresolved inputs listed back, watermarked with who printed it and when."""
    b = Builder()
    b.title("廉政审核报告")
    period = f"{review.date_from or '建档以来'} 至 {review.date_to or '审核时'}"
    b.line(f"审核编号：{review.id}　　审核期间：{period}")
    b.line(
        f"审核时点：{_cst(review.as_of)}（以档案库当时所载为准）　　申请人：{review.requester}　　用途：{review.purpose}"
    )
    b.line(
        f"共审核 {review.total} 人，其中 {review.with_findings} 人有需说明的情况，{review.pending_items} 项尚未办结。"
    )
    if review.unknown:
        b.heading("未能审核的输入（请核对）")
        b.table(
            ["输入", "原因", "可能的人员"],
            [[u["input"], u.get("reason_zh", u["reason"]), "；".join(u.get("candidates", []))] for u in review.unknown],
            [120, 120, 259],
        )
    for n, row in enumerate(rows, start=1):
        b.heading(f"{n}. {row['name']}（{row['official_id']}）　{row['unit_id']} {row['post']}")
        b.line(row["conclusion_zh"])
        if row["items"]:
            b.table(
                ["类别", "编号", "日期", "办理情况", "状态"],
                [
                    [
                        i["category_zh"],
                        i["ref"],
                        i["first_on"],
                        f"{i['state_zh']} {i['detail_zh']}".strip(),
                        i["status_zh"],
                    ]
                    for i in row["items"]
                ],
                [80, 90, 62, 206, 61],
            )
        b.line(f"档案截至第 {row['file_seq']} 条（{row['file_hash'][:16]}）", small=True)
    return b.render(f"廉政审核报告 {review.id}", stamp(printed_by, printed_at))


def _cst(moment: datetime) -> str:
    from datetime import UTC

    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(CST).strftime("%Y-%m-%d %H:%M")
