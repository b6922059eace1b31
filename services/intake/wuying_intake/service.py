"""Intake service entrypoints: thin, each loads (done by @route), calls one handler, dumps."""

from __future__ import annotations

from nameko.rpc import rpc
from werkzeug.wrappers import Response

from wuying_common.clock import Clock
from wuying_common.http import route
from wuying_common.providers import CalendarProvider
from wuying_common.service import WuyingService

from . import handlers
from .dependencies import ReporterKeyring, intake_outbox, intake_store
from .domain.catalog import PUBLIC_CHANNEL
from .schemas import (
    CloseSchema,
    ExtendSchema,
    ReceiptLookupSchema,
    ReceiptStatusSchema,
    ReportOutSchema,
    ReportQuerySchema,
    StaffReportSchema,
    StatisticsQuerySchema,
    StatisticsSchema,
    SubmitReportSchema,
    SubmitResultSchema,
    TriageSchema,
)

# A report is at most 5000 characters of content plus a few short fields.
MAX_REPORT_BODY = 32 * 1024


class IntakeService(WuyingService):
    name = "intake"
    title = "无影灯 · 信访举报与廉情信息受理服务 (intake)"
    description = (
        "受理网上举报、来信来访、电话、特邀监督员和预警信息员报送等渠道的信访举报与廉情信息；研判、办结与答复。"
    )

    store = intake_store()
    outbox = intake_outbox()
    clock = Clock()
    calendar = CalendarProvider()
    keyring = ReporterKeyring()

    def _count_received(self, channel: str, county: str) -> None:
        self.metrics.counter(
            "reports_received", "Reports received, by channel and county", ("channel", "county")
        ).labels(channel, county).inc()

    # -- public ----------------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/reports",
        summary="网上举报（无需登录；匿名举报返回一次性查询码）",
        body=SubmitReportSchema,
        response=SubmitResultSchema,
        status=201,
        public=True,
        tags=("public",),
        max_body=MAX_REPORT_BODY,
    )
    def submit_public(self, request):
        # No IP address or other client detail is read or stored (reporter protection).
        result = handlers.submit_report(
            self.store, self.clock, self.calendar, self.keyring, request.payload, channel=PUBLIC_CHANNEL
        )
        self._count_received(PUBLIC_CHANNEL, request.payload["county"])
        return result

    @route(
        "POST",
        "/api/v1/receipts/lookup",
        summary="匿名举报人凭查询码查询办理情况和答复",
        body=ReceiptLookupSchema,
        response=ReceiptStatusSchema,
        public=True,
        tags=("public",),
        max_body=1024,
    )
    def lookup_receipt(self, request):
        return handlers.lookup_receipt(self.store, request.payload["receipt_code"])

    # -- staff -----------------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/staff/reports",
        summary="工作人员登记来信、来访、电话、监督员和信息员报送、内部移送和网络舆情",
        body=StaffReportSchema,
        response=SubmitResultSchema,
        status=201,
        roles=("intake_clerk",),
        tags=("staff",),
        max_body=MAX_REPORT_BODY,
    )
    def submit_staff(self, request):
        payload = request.payload
        request.principal.require_county(payload["county"])
        result = handlers.submit_report(
            self.store,
            self.clock,
            self.calendar,
            self.keyring,
            payload,
            channel=payload["channel"],
            recorded_by=request.principal.subject,
        )
        self._count_received(payload["channel"], payload["county"])
        return result

    @route(
        "GET",
        "/api/v1/reports",
        summary="按地区查询信访举报件（不含举报人信息）",
        query=ReportQuerySchema,
        response=ReportOutSchema,
        many=True,
        tags=("staff",),
    )
    def list_reports(self, request):
        return handlers.list_reports(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/reports/<petition_id>",
        summary="查看信访举报件（不含举报人信息）",
        response=ReportOutSchema,
        tags=("staff",),
    )
    def get_report(self, request, petition_id):
        return handlers.get_report(self.store, request.principal, petition_id)

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/triage",
        summary="研判：廉情信息、问题线索（移交案件办理）、无实质内容、重复举报、疑似恶意举报",
        body=TriageSchema,
        response=ReportOutSchema,
        roles=("intake_clerk",),
        tags=("staff",),
    )
    def triage_report(self, request, petition_id):
        return handlers.triage(self.store, self.clock, request.principal, petition_id, request.payload)

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/close",
        summary="办结并答复（件件有着落，事事有回音）",
        body=CloseSchema,
        response=ReportOutSchema,
        roles=("intake_clerk",),
        tags=("staff",),
    )
    def close_report(self, request, petition_id):
        return handlers.close(self.store, self.clock, request.principal, petition_id, request.payload)

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/extend",
        summary="延长办理期限（只能一次，最多30日，须说明理由）",
        body=ExtendSchema,
        response=ReportOutSchema,
        roles=("intake_clerk",),
        tags=("staff",),
    )
    def extend_report(self, request, petition_id):
        return handlers.extend(self.store, request.principal, petition_id, request.payload["reason"])

    @route(
        "GET",
        "/api/v1/statistics",
        summary="按渠道、类别、状态统计信访举报件（format=csv 导出）",
        query=StatisticsQuerySchema,
        response=StatisticsSchema,
        tags=("staff",),
    )
    def statistics(self, request):
        stats = handlers.statistics(self.store, request.principal, request.payload)
        if request.payload["format"] == "csv":
            filename = f"intake-statistics-{stats['county']}.csv"
            return Response(
                "\ufeff" + handlers.statistics_csv(stats),  # BOM: spreadsheet software then reads UTF-8
                mimetype="text/csv",
                headers={"Content-Disposition": f"attachment; filename={filename}"},
            )
        return stats

    # -- RPC (operators) -------------------------------------------------------------------
    @rpc
    def reseal_reporters(self, limit=500):
        """After adding a new first key: re-encrypt reporters' details under it, in batches."""
        return handlers.reseal_reporters(self.store, self.keyring, int(limit))
