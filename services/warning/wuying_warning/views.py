"""Printable pages beside the entrypoints: rendered from what the Out schemas dumped, so the page
and the JSON answer say the same thing."""

from __future__ import annotations

import html

from werkzeug.wrappers import Response

from .schemas import colour_label, status_label


def quarterly_report_html(report: dict) -> Response:
    """The printable 廉政风险信息预警专报 (篇5 三(二): 呈报党委、政府主要领导参阅), from
    ``QuarterlyReportSchema().dump(...)``."""
    e = html.escape

    def table(headers, rows):
        head = "".join(f"<th>{e(str(h))}</th>" for h in headers)
        body = "".join("<tr>" + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>" for row in rows)
        return f"<table><thead><tr>{head}</tr></thead><tbody>{body or '<tr><td colspan=9>无</td></tr>'}</tbody></table>"

    items = ("预警编号", "对象", "单位", "等级", "状态")

    def item_rows(rows):
        return [(r["warning_id"], r["official_id"], r["unit_id"], r["colour_zh"], r["status_zh"]) for r in rows]

    times = report["answer_working_days"]
    fmt = lambda v: "—" if v is None else v  # noqa: E731
    period = f"{report['year']}年第{report['quarter']}季度（{report['period']['from']} 至 {report['period']['to']}）"
    doc = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{e(report['title'])}</title>
<style>body{{font-family:"SimSun","Songti SC",serif;margin:2em}}h1{{text-align:center}}
table{{border-collapse:collapse;margin:0.5em 0 1.5em;width:100%}}td,th{{border:1px solid #000;padding:4px 8px}}
@media print{{body{{margin:0}}}}</style></head><body>
<h1>{e(report['title'])}</h1>
<p>地区：{e(report['county'])}　期间：{e(period)}　预警总数：{report['total']}</p>
<h2>一、按预警等级</h2>{table(("等级", "件数"), [(colour_label(c), n) for c, n in report['by_level'].items()])}
<h2>二、按办理状态</h2>{table(("状态", "件数"), [(status_label(s), n) for s, n in report['by_status'].items()])}
<h2>三、按预警情形</h2>{table(("情形", "件数"), [(r['label'], r['count']) for r in report['by_trigger']])}
<h2>四、逾期事项</h2>{table(items, item_rows(report['overdue']))}
<h2>五、升级事项</h2>{table(items, item_rows(report['escalated']))}
<h2>六、本季度解除的预警</h2>{table(items, item_rows(report['lifted']))}
<h2>七、答复用时（工作日）</h2>{table(("已答复件数", "平均", "中位数"), [(times['answered'], fmt(times['average']), fmt(times['median']))])}
</body></html>"""
    return Response(doc, status=200, content_type="text/html; charset=utf-8")
