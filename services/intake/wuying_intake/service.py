"""Intake service entrypoints: thin, each loads (done by @route), calls one handler, dumps."""

from __future__ import annotations

from urllib.parse import quote

from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer
from werkzeug.wrappers import Response

from wuying_common.clock import Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.http import SEMANTIC_ERRORS, content_disposition, denial, route
from wuying_common.paging import page_of
from wuying_common.providers import StoredYearsCalendar
from wuying_common.service import WuyingService
from wuying_common.tallies import rebuild_counties

from .dependencies import (
    AcknowledgementKey,
    ArchiveRegistry,
    RateLimiter,
    ReceiptKeys,
    ReporterKeyring,
    ReporterNotifier,
    intake_outbox,
    intake_store,
)
from .domain.attachments import CAP_MAX_TOTAL_BYTES, MAX_ATTACHMENTS, Limits
from .domain.catalog import PUBLIC_CHANNEL
from .handlers import (
    acknowledgements,
    casework,
    deadlines,
    identity,
    imports,
    queries,
    receipts,
    receiving,
    retention,
    worklists,
)
from .handlers import (
    calendar as calendar_years,
)
from .schemas import (
    AcknowledgementRequestSchema,
    AcknowledgeSchema,
    AdditionInSchema,
    AssignSchema,
    AttachmentOutSchema,
    AuditOutSchema,
    AuditQuerySchema,
    CalendarYearLoadedIn,
    CloseRepeatedSchema,
    CloseSchema,
    DecisionInSchema,
    DueItemOutSchema,
    ExtendSchema,
    FeedbackSchema,
    IdentityOutSchema,
    IdentityRequestInSchema,
    IdentityRequestOutSchema,
    ImportReportsResultSchema,
    ImportReportsSchema,
    LegalHoldSchema,
    MergeSchema,
    NoteInSchema,
    PendingQuerySchema,
    PurgeQuerySchema,
    PurgeRecordOutSchema,
    ReceiptLookupSchema,
    ReceiptStatusSchema,
    ReportAboutSchema,
    ReportOutSchema,
    ReportQuerySchema,
    ReportStatusSchema,
    SendUpSchema,
    StaffReportSchema,
    StatisticsQuerySchema,
    StatisticsSchema,
    SubmitReportSchema,
    SubmitResultSchema,
    TriageSchema,
    VerificationSchema,
    VerifyCodeSchema,
    VerifyResultSchema,
    WorklistQuerySchema,
)
from .views import acknowledgement_pdf, statistics_csv

# A report is at most 5000 characters of content plus a few short fields, and its attachments
# (base64: 4 characters for 3 bytes) up to the hard cap on their total size.
MAX_REPORT_BODY = 32 * 1024 + (CAP_MAX_TOTAL_BYTES * 4) // 3 + MAX_ATTACHMENTS * 1024
MAX_ADDITION_BODY = 32 * 1024
DEADLINE_CHECK_SECONDS = 300
RETENTION_PURGE_SECONDS = 3600
CALENDAR_REFRESH_SECONDS = 60
IDENTITY_ROLES = ("intake_clerk", "intake_supervisor")
# The public routes go through the rate limiter (``admit=``: before the body is read; the client
# address is only hashed, under a per-process salt, in memory, never stored or logged): they can
# answer 429 too.
RATE_LIMITED = (400, 404, 429)
# Who may handle a report: the clerks, and for a report about the commission's leaders only the
# principal leader (主要负责人, seeds/000 H; the handlers check which, ``domain/routing.py``).
HANDLERS = ("intake_clerk", "commission_secretary")
# Who works the reports: worklists and internal notes.
STAFF_ROLES = ("intake_clerk", "intake_supervisor", "commission_secretary", "commission_leader")


class IntakeService(WuyingService):
    name = "intake"
    title = "无影灯 · 信访举报与廉情信息受理服务 (intake)"
    description = (
        "受理网上举报、来信来访、电话、特邀监督员和预警信息员报送等渠道的信访举报与廉情信息；研判、办结与答复。"
    )

    store = intake_store()
    outbox = intake_outbox()
    clock = Clock()
    calendar = StoredYearsCalendar()
    keyring = ReporterKeyring()
    receipt_keys = ReceiptKeys()
    limiter = RateLimiter()
    ack_key = AcknowledgementKey()
    notifier = ReporterNotifier()
    archive = RpcProxy("archive")

    @property
    def registry(self) -> ArchiveRegistry:
        return ArchiveRegistry(self.archive, float(self.config.get("ARCHIVE_RPC_TIMEOUT") or 5))

    @property
    def attachment_limits(self) -> Limits:
        return Limits.from_config(
            self.config.get("INTAKE_ATTACHMENT_MAX_BYTES"), self.config.get("INTAKE_ATTACHMENTS_MAX_TOTAL_BYTES")
        )

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
        errors=(*RATE_LIMITED, 422),  # 422: an identity number whose check digit is wrong
        admit="reports",
    )
    def submit_public(self, request):
        result = receiving.submit_report(
            self.store,
            self.clock,
            self.calendar,
            self.keyring,
            request.payload,
            channel=PUBLIC_CHANNEL,
            limits=self.attachment_limits,
            signer=self.ack_key,
            receipts=self.receipt_keys,
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
        errors=RATE_LIMITED,
        admit="lookups",
    )
    def lookup_receipt(self, request):
        return receipts.lookup_receipt(self.store, request.payload["receipt_code"], self.receipt_keys)

    @route(
        "POST",
        "/api/v1/receipts/additions",
        summary="匿名举报人凭查询码补充举报材料",
        body=AdditionInSchema,
        response=ReceiptStatusSchema,
        status=201,
        public=True,
        tags=("public",),
        max_body=MAX_ADDITION_BODY,
        errors=RATE_LIMITED,
        admit="lookups",
    )
    def add_information(self, request):
        payload = request.payload
        return receipts.add_information(
            self.store, self.clock, payload["receipt_code"], payload["content"], self.receipt_keys
        )

    @route(
        "POST",
        "/api/v1/acknowledgements",
        summary="下载可打印的受理回执（PDF）：匿名举报人凭查询码，实名举报人凭编号和核验码",
        body=AcknowledgementRequestSchema,
        public=True,
        tags=("public",),
        max_body=1024,
        errors=RATE_LIMITED,
        admit="lookups",
    )
    def download_acknowledgement(self, request):
        printable = acknowledgements.printable_for_reporter(
            self.store, request.payload, self.ack_key, self.receipt_keys
        )
        return _pdf(printable)

    @route(
        "POST",
        "/api/v1/acknowledgements/verify",
        summary="核验受理回执的真伪（编号、收件日期、核验码；不返回任何举报内容）",
        body=VerifyCodeSchema,
        response=VerifyResultSchema,
        public=True,
        tags=("public",),
        max_body=1024,
        errors=RATE_LIMITED,
        admit="lookups",
    )
    def verify_acknowledgement(self, request):
        payload = request.payload
        return acknowledgements.verify_code(
            self.ack_key, payload["petition_id"], payload["date"], payload["verification_code"]
        )

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
        errors=SEMANTIC_ERRORS,
    )
    def submit_staff(self, request):
        payload = request.payload
        request.principal.require_county(payload["county"])
        result = receiving.submit_report(
            self.store,
            self.clock,
            self.calendar,
            self.keyring,
            payload,
            channel=payload["channel"],
            recorded_by=request.principal.subject,
            registry=self.registry,
            limits=self.attachment_limits,
            signer=self.ack_key,
            receipts=self.receipt_keys,
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
        return queries.list_reports(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/reports/<petition_id>",
        summary="查看信访举报件（不含举报人信息）",
        response=ReportOutSchema,
        tags=("staff",),
    )
    def get_report(self, request, petition_id):
        return queries.get_report(self.store, request.principal, petition_id)

    @route(
        "GET",
        "/api/v1/reports/<petition_id>/attachments",
        summary="查看举报件的附件清单（文件名、类型、大小、SHA-256）",
        response=AttachmentOutSchema,
        many=True,
        tags=("staff",),
    )
    def list_attachments(self, request, petition_id):
        attachments = queries.get_report(self.store, request.principal, petition_id).attachments
        return page_of(attachments, request.payload, key=lambda a: a.n)

    @route(
        "GET",
        "/api/v1/reports/<petition_id>/attachments/<n>",
        summary="下载举报件的附件",
        tags=("staff",),
    )
    def download_attachment(self, request, petition_id, n):
        stored = queries.get_attachment(self.store, request.principal, petition_id, n)
        return Response(
            bytes(stored.content),
            mimetype=stored.content_type,
            headers={
                "Content-Disposition": f"attachment; filename=attachment-{stored.n}; "
                f"filename*=UTF-8''{quote(stored.file_name)}",
                "X-Content-Type-Options": "nosniff",
            },
        )

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/triage",
        summary="研判：廉情信息、问题线索（移交案件办理）、无实质内容、重复举报、疑似恶意举报",
        body=TriageSchema,
        response=ReportOutSchema,
        roles=HANDLERS,
        tags=("staff",),
    )
    def triage_report(self, request, petition_id):
        return casework.triage(
            self.store,
            self.clock,
            request.principal,
            petition_id,
            request.payload,
            registry=self.registry,
            calendar=self.calendar,
        )

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/close",
        summary="办结并答复（件件有着落，事事有回音）",
        body=CloseSchema,
        response=ReportOutSchema,
        roles=HANDLERS,
        tags=("staff",),
        errors=SEMANTIC_ERRORS,
    )
    def close_report(self, request, petition_id):
        return casework.close(
            self.store, self.clock, request.principal, petition_id, request.payload, calendar=self.calendar
        )

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/merge",
        summary="确认重复举报，并入此前的举报件合并办理",
        body=MergeSchema,
        response=ReportOutSchema,
        roles=HANDLERS,
        tags=("staff",),
        errors=SEMANTIC_ERRORS,
    )
    def merge_report(self, request, petition_id):
        return casework.merge(
            self.store, self.clock, request.principal, petition_id, request.payload, calendar=self.calendar
        )

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/close-repeated",
        summary="重复举报无新的事实，经集体研判予以了结",
        body=CloseRepeatedSchema,
        response=ReportOutSchema,
        roles=HANDLERS,
        tags=("staff",),
        errors=SEMANTIC_ERRORS,
    )
    def close_repeated(self, request, petition_id):
        return casework.close_repeated(
            self.store, self.clock, request.principal, petition_id, request.payload, calendar=self.calendar
        )

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/feedback",
        summary="记录向实名举报人反馈办理结果（办结后15个工作日内）",
        body=FeedbackSchema,
        response=ReportOutSchema,
        roles=HANDLERS,
        tags=("staff",),
    )
    def feedback(self, request, petition_id):
        return casework.record_feedback(self.store, self.clock, request.principal, petition_id, request.payload)

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/extend",
        summary="延长信访办理期限（只能一次，不超过30日，须说明理由；检举控告无此期限）",
        body=ExtendSchema,
        response=ReportOutSchema,
        roles=HANDLERS,
        tags=("staff",),
    )
    def extend_report(self, request, petition_id):
        payload = request.payload
        return deadlines.extend(
            self.store, request.principal, petition_id, payload["reason"], payload["days"], calendar=self.calendar
        )

    @route(
        "GET",
        "/api/v1/worklists/deadlines",
        summary="工作清单：N个工作日内到期及已逾期的期限，按承办人和地区（仅授权地区）",
        query=WorklistQuerySchema,
        response=DueItemOutSchema,
        many=True,
        roles=STAFF_ROLES,
        tags=("staff",),
    )
    def deadline_worklist(self, request):
        return worklists.deadline_worklist(self.store, self.clock, self.calendar, request.principal, request.payload)

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/notes",
        summary="添加内部备注（仅工作人员可见，不向举报人显示，不进入事件）",
        body=NoteInSchema,
        response=ReportOutSchema,
        status=201,
        roles=STAFF_ROLES,
        tags=("staff",),
    )
    def add_note(self, request, petition_id):
        return worklists.add_note(self.store, self.clock, request.principal, petition_id, request.payload["text"])

    @route(
        "GET",
        "/api/v1/statistics",
        summary="按渠道、类别、状态统计信访举报件（format=csv 导出）",
        query=StatisticsQuerySchema,
        response=StatisticsSchema,
        tags=("staff",),
    )
    def statistics(self, request):
        stats = queries.statistics(self.store, request.principal, request.payload, self.clock.today())
        if request.payload["format"] == "csv":
            filename = f"intake-statistics-{stats['county']}.csv"
            return Response(
                "\ufeff" + statistics_csv(stats),  # BOM: spreadsheet software then reads UTF-8
                mimetype="text/csv",
                headers={"Content-Disposition": content_disposition(filename)},
            )
        return stats

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/send-up",
        summary="属上级管辖的，收件后5个工作日内转送上级机关",
        body=SendUpSchema,
        response=ReportOutSchema,
        roles=HANDLERS,
        tags=("staff",),
    )
    def send_up(self, request, petition_id):
        return casework.send_up(self.store, self.clock, request.principal, petition_id, request.payload)

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/verification",
        summary="疑似恶意举报核实结论；属实的为被反映人澄清正名",
        body=VerificationSchema,
        response=ReportOutSchema,
        roles=(*IDENTITY_ROLES, "commission_secretary"),
        tags=("staff",),
    )
    def verification(self, request, petition_id):
        return casework.conclude_verification(self.store, self.clock, request.principal, petition_id, request.payload)

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/acknowledgement",
        summary="向实名举报人送达受理告知（短信或信函，送达留痕后受理告知期限方为履行）",
        body=AcknowledgeSchema,
        response=ReportOutSchema,
        roles=HANDLERS,
        tags=("staff",),
    )
    def acknowledge(self, request, petition_id):
        return acknowledgements.send_acknowledgement(
            self.store,
            self.clock,
            self.keyring,
            self.notifier,
            request.principal,
            petition_id,
            request.payload["method"],
            self.ack_key,
        )

    @route(
        "GET",
        "/api/v1/reports/<petition_id>/acknowledgement.pdf",
        summary="打印受理回执（PDF，用于信函送达）",
        tags=("staff",),
    )
    def print_acknowledgement(self, request, petition_id):
        return _pdf(acknowledgements.printable_for_staff(self.store, request.principal, petition_id, self.ack_key))

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/assign",
        summary="分办或改派承办人（涉及纪委监委领导的件由纪委主要负责人分办）；每次变更留痕",
        body=AssignSchema,
        response=ReportOutSchema,
        roles=("intake_supervisor", "commission_secretary"),
        tags=("staff",),
    )
    def assign_report(self, request, petition_id):
        return casework.assign(self.store, self.clock, request.principal, petition_id, request.payload)

    # -- retention (issue 8 item 11) ---------------------------------------------------------
    @route(
        "POST",
        "/api/v1/reports/<petition_id>/legal-hold",
        summary="依法保全：保存期限届满也不清除（须说明理由）",
        body=LegalHoldSchema,
        response=ReportOutSchema,
        roles=("intake_supervisor",),
        tags=("staff",),
    )
    def set_legal_hold(self, request, petition_id):
        return retention.set_legal_hold(
            self.store, self.clock, request.principal, petition_id, True, request.payload["reason"]
        )

    @route(
        "POST",
        "/api/v1/reports/<petition_id>/legal-hold/release",
        summary="解除依法保全（须说明理由）",
        body=LegalHoldSchema,
        response=ReportOutSchema,
        roles=("intake_supervisor",),
        tags=("staff",),
    )
    def release_legal_hold(self, request, petition_id):
        return retention.set_legal_hold(
            self.store, self.clock, request.principal, petition_id, False, request.payload["reason"]
        )

    @route(
        "GET",
        "/api/v1/purges",
        summary="按保存期限清除的记录（不含任何举报内容和举报人信息）",
        query=PurgeQuerySchema,
        response=PurgeRecordOutSchema,
        many=True,
        roles=("auditor", "intake_supervisor"),
        tags=("staff",),
    )
    def purges(self, request):
        return retention.purge_log(self.store, request.principal, request.payload)

    # -- opening a named reporter's identity (four eyes, audited) ---------------------------
    @route(
        "POST",
        "/api/v1/reports/<petition_id>/identity-requests",
        summary="申请查看实名举报人信息（须另一名负责人批准）",
        body=IdentityRequestInSchema,
        response=IdentityRequestOutSchema,
        status=201,
        roles=IDENTITY_ROLES,
        tags=("identity",),
    )
    def request_identity(self, request, petition_id):
        self._audit_denial(request, "requested", petition_id=petition_id)
        return identity.request_identity(
            self.store, self.clock, request.principal, petition_id, request.payload["reason"]
        )

    @route(
        "GET",
        "/api/v1/identity-requests",
        summary="待本人审批的查看举报人信息申请（不含本人申请的、反映本人的件）",
        query=PendingQuerySchema,
        response=IdentityRequestOutSchema,
        many=True,
        roles=("intake_supervisor",),
        tags=("identity",),
    )
    def identity_worklist(self, request):
        return identity.awaiting_decision(self.store, request.principal, request.payload)

    @route(
        "POST",
        "/api/v1/identity-requests/<request_id>/approve",
        summary="批准查看举报人信息的申请（不得是申请人本人）",
        body=DecisionInSchema,
        response=IdentityRequestOutSchema,
        roles=("intake_supervisor",),
        tags=("identity",),
    )
    def approve_identity(self, request, request_id):
        self._audit_denial(request, "approved", request_id=request_id)
        return identity.decide_identity_request(
            self.store, self.clock, request.principal, request_id, True, request.payload["note"]
        )

    @route(
        "POST",
        "/api/v1/identity-requests/<request_id>/refuse",
        summary="不批准查看举报人信息的申请",
        body=DecisionInSchema,
        response=IdentityRequestOutSchema,
        roles=("intake_supervisor",),
        tags=("identity",),
    )
    def refuse_identity(self, request, request_id):
        self._audit_denial(request, "refused", request_id=request_id)
        return identity.decide_identity_request(
            self.store, self.clock, request.principal, request_id, False, request.payload["note"]
        )

    @route(
        "GET",
        "/api/v1/identity-requests/<request_id>/identity",
        summary="申请人在批准后查看举报人信息（每次查看均留痕）",
        response=IdentityOutSchema,
        roles=IDENTITY_ROLES,
        tags=("identity",),
    )
    def open_identity(self, request, request_id):
        self._audit_denial(request, "accessed", request_id=request_id)
        # The response is returned, never logged.
        return identity.open_identity(self.store, self.clock, self.keyring, request.principal, request_id)

    @route(
        "GET",
        "/api/v1/audit",
        summary="举报人信息查看审计记录（谁、何时、哪一件、结果；不含举报人信息）",
        query=AuditQuerySchema,
        response=AuditOutSchema,
        many=True,
        roles=("auditor",),
        tags=("identity",),
    )
    def audit(self, request):
        return identity.audit_log(self.store, request.principal, request.payload)

    def _audit_denial(self, request, action: str, **ids) -> None:
        """Identity routes are ``audited`` in the authorisation matrix: the HTTP layer hands
        their refusals here so that every denied attempt lands in the audit trail."""
        error = denial(request)
        if error is not None:
            identity.audit_denied(self.store, self.clock, request.principal, error, action, **ids)

    # -- clocks ----------------------------------------------------------------------------
    @timer(interval=DEADLINE_CHECK_SECONDS)
    def check_deadlines(self):
        result = deadlines.check_deadlines(self.store, self.clock, self.calendar)
        overdue = self.metrics.counter(
            "deadlines_overdue", "Deadlines passed without an answer, by county and kind", ("county", "kind")
        )
        for county, kind in result["overdue"]:
            overdue.labels(county, kind).inc()
        return {"reminded": result["reminded"], "overdue": len(result["overdue"])}

    # -- the province's calendar (issue 8 item 3) ------------------------------------------
    @wuying_event_handler("warning", "calendar.year_loaded")
    def on_calendar_year_loaded(self, event):
        data = CalendarYearLoadedIn().load(event["data"])
        return calendar_years.year_loaded(self.store, self.clock, self.calendar, event["id"], data)

    @timer(interval=CALENDAR_REFRESH_SECONDS)
    def refresh_calendar(self):
        """Every replica loads the years another one stored (a small collection, read whole)."""
        return {"refreshed": calendar_years.refresh_calendar(self.store, self.calendar)}

    @timer(interval=RETENTION_PURGE_SECONDS)
    def purge_expired(self):
        purged = self.metrics.counter(
            "reports_purged", "Reports purged after their retention period, by county", ("county",)
        )
        counties = retention.purge_expired(self.store, self.clock)
        for county in counties:
            purged.labels(county).inc()
        return {"purged": len(counties)}

    # -- a commission's history (历史信访件导入) ------------------------------------------------
    @route(
        "POST",
        "/api/v1/imports/reports",
        summary="导入原系统的历史信访件（已受理或已办结；不发布事件，其他服务各自导入）",
        body=ImportReportsSchema,
        response=ImportReportsResultSchema,
        roles=("operator", "intake_supervisor"),
        tags=("staff",),
        max_body=16 * 1024 * 1024,
        errors=SEMANTIC_ERRORS,
    )
    def import_reports(self, request):
        return imports.import_reports(
            self.store, self.clock, self.calendar, self.keyring, request.principal, request.payload["reports"]
        )

    # -- RPC (operators) -------------------------------------------------------------------
    @rpc
    def reseal_reporters(self, limit=500):
        """After adding a new first key: re-encrypt reporters' details under it, in batches."""
        return identity.reseal_reporters(self.store, self.keyring, int(limit))

    @rpc
    def rebuild_tallies(self, counties=None):
        """Recompute the reports' tallies (statistics) from the reports (``wuying tallies
        rebuild``): of ``counties`` (six-digit codes, ``rebuild_counties``), or all (None)."""
        return queries.rebuild_tallies(self.store, rebuild_counties(counties))

    # -- RPC (other services): status and deadlines; never the reporter, never the content ---
    @rpc
    def report_status(self, petition_id):
        """A report's status and deadlines, or None when unknown."""
        petition = queries.report_status(self.store, str(petition_id))
        return ReportStatusSchema().dump(petition) if petition is not None else None

    @rpc
    def reports_about(self, official_id, limit=500):
        """Reports naming an official (ids, categories, statuses, outcomes), oldest first."""
        petitions = queries.reports_about(self.store, str(official_id), min(int(limit), 1000))
        return ReportAboutSchema(many=True).dump(petitions)


def _pdf(printable) -> Response:
    """The printable acknowledgement; never cached (it names a report)."""
    return Response(
        acknowledgement_pdf(printable),
        mimetype="application/pdf",
        headers={
            "Content-Disposition": content_disposition(f"acknowledgement-{printable.petition.id}.pdf"),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )
