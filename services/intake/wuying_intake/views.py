"""Renderings beside the entrypoints: what is not JSON (the statistics as CSV for spreadsheets)."""

from __future__ import annotations

import csv
import io

from .domain.statistics import csv_rows


def statistics_csv(stats: dict) -> str:
    """The statistics as CSV rows (``domain/statistics.csv_rows``); the route adds the BOM."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(csv_rows(stats["county"], stats))
    return buffer.getvalue()


# -- the printable acknowledgement (受理回执, issue 8 item 7) ------------------------------------------
ACK_FONT = "STSong-Light"  # reportlab's built-in CID font: Chinese without font files


def acknowledgement_pdf(printable) -> bytes:
    """A one-page Chinese acknowledgement (``handlers.acknowledgements.Printable``): the report
    number, the date received, the deadlines that apply and the verification code. Never the
    content, the reporter or the receipt code."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    from .domain.deadlines import REPORT_KIND_RULES_ZH, REPORT_KINDS_ZH, UNITS_ZH

    if ACK_FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(ACK_FONT))
    petition = printable.petition
    buffer = io.BytesIO()
    pdf = canvas.Canvas(buffer, pagesize=A4, invariant=True)
    pdf.setTitle(f"受理回执 {petition.id}")
    width, height = A4
    y = height - 72

    def line(text: str, size: int = 11, gap: int = 20, x: float = 64) -> None:
        nonlocal y
        pdf.setFont(ACK_FONT, size)
        pdf.drawString(x, y, text)
        y -= gap

    pdf.setFont(ACK_FONT, 18)
    pdf.drawCentredString(width / 2, y, f"{REPORT_KINDS_ZH[petition.kind]}受理回执")
    y -= 40
    received = petition.received_on
    line(f"编号：{petition.id}")
    line(f"收件日期：{received.year}年{received.month}月{received.day}日")
    line(f"类别：{REPORT_KINDS_ZH[petition.kind]}（适用《{REPORT_KIND_RULES_ZH[petition.kind]}》）")
    y -= 8
    line("适用的办理期限：", gap=22)
    for n, d in enumerate((d for d in petition.deadlines if not d.waived), start=1):
        note = "（该年节假日安排尚未公布，日期可能调整）" if d.provisional else ""
        met = f"，已于{d.met_on.isoformat()}办结此项" if d.met_on else ""
        line(
            f"{n}. {d.label_zh}：{d.amount}{UNITS_ZH[d.unit]}，至{d.due.isoformat()}{met}{note}", size=10, gap=18, x=80
        )
    y -= 12
    line(f"核验码：{printable.verification_code}", size=13, gap=24)
    line("本回执真伪可凭编号、收件日期和核验码向受理机关核验（POST /api/v1/acknowledgements/verify）。", size=9, gap=16)
    line("期限以日计算的，依《民法典》第二百零一条至第二百零三条计算：开始的当日不计入；", size=9, gap=16)
    line("期限的最后一日是法定休假日的，以法定休假日结束的次日为期限的最后一日。", size=9, gap=16)
    line("请妥善保管本回执；匿名举报的查询码不在本回执上显示。", size=9, gap=16)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
