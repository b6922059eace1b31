"""Warning service entrypoints (三色预警): thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from nameko.rpc import RpcProxy, rpc
from nameko.timer import timer

from wuying_common.auth import service_principal
from wuying_common.clock import Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.http import SEMANTIC_ERRORS, route
from wuying_common.paging import page_of
from wuying_common.providers import CalendarProvider
from wuying_common.rules import UnprocessableInput
from wuying_common.service import WuyingService
from wuying_common.tallies import rebuild_counties

from . import views
from .dependencies import ArchiveRegistry, NotifierChannels, Rules, warning_outbox, warning_store
from .domain.authority import APPROVER_ROLES, EXTENSION_ROLE
from .handlers import (
    appeals,
    calendar,
    deadlines,
    escalations,
    lifecycle,
    notices,
    organisational,
    proposals,
    results,
    statistics,
)
from .notifiers import InboxNotifier, build_notifiers
from .schemas import (
    AppealDecisionSchema,
    AppealSchema,
    ApproveSchema,
    CalendarYearLoadedSchema,
    CalendarYearSchema,
    EligibilityQuerySchema,
    EligibilitySchema,
    ExtensionSchema,
    FindingSchema,
    InboxMessageSchema,
    InterviewRecordSchema,
    InterviewSchema,
    LiftSchema,
    OutcomeSchema,
    ProposeSchema,
    QuarterlyQuerySchema,
    QuarterlyReportSchema,
    RejectSchema,
    ResponseSchema,
    RevisitSchema,
    StatisticsQuerySchema,
    StatisticsSchema,
    TaskQuerySchema,
    TaskSchema,
    TransferSchema,
    TriggerSchema,
    WarningQuerySchema,
    WarningSchema,
    WorkingDaysQuerySchema,
    WorkingDaysResultSchema,
    WorklistQuerySchema,
    WorklistSchema,
    trigger_catalogue,
)

# Overdue answers and fixes are found within this many seconds; deadlines are whole days.
DEADLINE_CHECK_SECONDS = 600
# Every replica re-reads the (small) calendar collection this often, so replicas converge on the
# years an operator loaded even if they missed nothing else.
CALENDAR_REFRESH_SECONDS = 300

# Staff who may read warnings; an official under supervision is not staff of the commission.
READERS = ("warning_officer", *sorted(APPROVER_ROLES), "auditor", "agency_reader")


class WarningService(WuyingService):
    name = "warning"
    title = "无影灯 · 三色预警服务 (warning)"
    description = "廉政风险三色预警：预警建议、分级审批、书面通知、答复与整改期限（按法定工作日计算）。"

    store = warning_store()
    outbox = warning_outbox()
    clock = Clock()
    calendar = CalendarProvider()
    rules = Rules()
    channels = NotifierChannels()
    archive = RpcProxy("archive")

    @property
    def notifiers(self):
        return build_notifiers(self.channels, self.store, self.clock.now)

    @property
    def registry(self) -> ArchiveRegistry:
        return ArchiveRegistry(self.archive, float(self.config.get("ARCHIVE_RPC_TIMEOUT") or 5))

    def _count(self, noun, doc, warning, source):
        self.metrics.counter(noun, doc, ("level", "colour", "county", "source")).labels(
            str(warning.level), warning.colour, warning.county, source
        ).inc()

    # -- events in ---------------------------------------------------------------------------
    @wuying_event_handler("risk", "warning.proposed")
    def on_warning_proposed(self, event):
        outcome, warning = proposals.proposal_from_event(self.store, self.clock, event, self.rules)
        if warning is not None and warning.source_event_id == event["id"]:
            self._count("warnings_proposed", "Warnings proposed, by level and county", warning, "risk")
        return outcome

    @wuying_event_handler("intake", "petition.triaged")
    def on_petition_triaged(self, event):
        return escalations.report_from_triage(self.store, self.clock, event)

    @wuying_event_handler("intake", "petition.clarified")
    def on_petition_clarified(self, event):
        return notices.clarification_from_event(
            self.store, self.clock, event, InboxNotifier(self.store, self.clock.now)
        )

    @wuying_event_handler("warning", "calendar.year_loaded")
    def on_calendar_year_loaded(self, event):
        return calendar.year_loaded_from_event(self.store, self.clock, self.calendar, event)

    # -- HTTP --------------------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/warnings",
        summary="预警中心提出预警建议",
        body=ProposeSchema,
        response=WarningSchema,
        status=201,
        also=(200,),  # 一事一例: attached to, or suppressed under, an open warning
        roles=("warning_officer",),
        tags=("warnings",),
        errors=SEMANTIC_ERRORS,
    )
    def propose(self, request):
        kind, warning = proposals.propose_matter(self.store, self.clock, request.principal, request.payload, self.rules)
        if kind not in ("new", "supersede"):  # 一事一例: attached to, or suppressed under, an open warning
            return 200, warning
        self._count("warnings_proposed", "Warnings proposed, by level and county", warning, "staff")
        return warning

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/approve",
        summary="按权限审批并发出预警（蓝色：纪委分管领导；黄色：纪委书记；红色：党委）",
        body=ApproveSchema,
        response=WarningSchema,
        roles=tuple(sorted(APPROVER_ROLES)),
        tags=("warnings",),
        errors=SEMANTIC_ERRORS,
    )
    def approve(self, request, warning_id):
        warning = lifecycle.approve(
            self.store,
            self.clock,
            self.calendar,
            self.rules,
            request.principal,
            warning_id,
            request.payload,
            self.notifiers,
        )
        self._count("warnings_issued", "Warnings issued, by level and county", warning, "approval")
        return warning

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/reject",
        summary="按权限决定不予发出（含升级建议），须写明理由",
        body=RejectSchema,
        response=WarningSchema,
        roles=tuple(sorted(APPROVER_ROLES)),
        tags=("warnings",),
        errors=(400, 401, 403, 404, 409),
    )
    def reject(self, request, warning_id):
        return lifecycle.reject(self.store, self.clock, request.principal, warning_id, request.payload)

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/reports/<petition_id>/finding",
        summary="预警后群众仍有反映：记录调查核实结论（属实的提出升级预警建议，篇5 七(一)）",
        body=FindingSchema,
        response=WarningSchema,
        roles=("warning_officer",),
        tags=("escalation",),
        errors=(400, 401, 403, 404, 409),
    )
    def record_finding(self, request, warning_id, petition_id):
        return escalations.record_finding(
            self.store, self.clock, request.principal, warning_id, petition_id, request.payload
        )

    @route(
        "GET",
        "/api/v1/worklist",
        summary="预警工作待办：待审批、待答复、整改中、待回访、待解除、待核实反映、待组织处理",
        query=WorklistQuerySchema,
        response=WorklistSchema,
        roles=READERS,
        tags=("worklists",),
    )
    def worklist(self, request):
        return results.worklist(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/organisational-handling",
        summary="组织处理事项清单（按办理期限）",
        query=TaskQuerySchema,
        response=TaskSchema,
        many=True,
        roles=READERS,
        tags=("organisational-handling",),
    )
    def list_tasks(self, request):
        return organisational.list_tasks(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/organisational-handling/<task_id>",
        summary="组织处理事项详情",
        response=TaskSchema,
        roles=READERS,
        tags=("organisational-handling",),
    )
    def get_task(self, request, task_id):
        return organisational.get_task(self.store, request.principal, task_id)

    @route(
        "POST",
        "/api/v1/organisational-handling/<task_id>/outcome",
        summary="记录组织处理结果（处理方式、决定日期、理由），办结该事项",
        body=OutcomeSchema,
        response=TaskSchema,
        roles=tuple(sorted(APPROVER_ROLES)),
        tags=("organisational-handling",),
        errors=(*SEMANTIC_ERRORS, 409),
    )
    def record_outcome(self, request, task_id):
        return organisational.record_outcome(self.store, self.clock, request.principal, task_id, request.payload)

    @route(
        "GET",
        "/api/v1/warnings",
        summary="按地区、状态查询预警",
        query=WarningQuerySchema,
        response=WarningSchema,
        many=True,
        roles=READERS,
        tags=("warnings",),
    )
    def list_warnings(self, request):
        return lifecycle.list_warnings(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/warnings/<warning_id>",
        summary="预警详情",
        response=WarningSchema,
        roles=READERS,
        tags=("warnings",),
    )
    def get_warning(self, request, warning_id):
        return lifecycle.read_warning(self.store, request.principal, warning_id)

    @route(
        "GET",
        "/api/v1/triggers",
        summary="各等级的预警情形（代码与中文说明）",
        response=TriggerSchema,
        many=True,
        tags=("reference",),
    )
    def triggers(self, request):
        return page_of(trigger_catalogue(), request.payload, key=lambda t: (-t["level"], t["code"]))

    @route(
        "GET",
        "/api/v1/calendar/add-working-days",
        summary="按法定节假日安排推算 N 个工作日后的日期",
        query=WorkingDaysQuerySchema,
        response=WorkingDaysResultSchema,
        tags=("calendar",),
    )
    def add_working_days(self, request):
        return calendar.add_working_days(self.calendar, request.payload["start"], request.payload["days"], self.store)

    @route(
        "PUT",
        "/api/v1/calendar/years/<int:year>",
        summary="运维人员加载某年的法定节假日与调休安排",
        body=CalendarYearSchema,
        response=CalendarYearLoadedSchema,
        roles=("operator",),
        tags=("calendar",),
        errors=SEMANTIC_ERRORS,
    )
    def load_calendar_year(self, request, year):
        if request.payload["year"] != year:  # a rule between body and path: 422 (rules.UnprocessableInput)
            raise UnprocessableInput("year", f"与地址中的年份 {year} 不一致", "year_mismatch")
        return calendar.load_calendar_year(self.store, self.calendar, request.payload, self.clock, request.principal)

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/responses",
        summary="被预警人本人作出说明、答复或报告整改情况",
        body=ResponseSchema,
        response=WarningSchema,
        status=201,
        roles=("official",),
        tags=("warnings",),
    )
    def respond(self, request, warning_id):
        return lifecycle.respond(self.store, self.clock, request.principal, warning_id, request.payload)

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/revisit",
        summary="回访登记（听取汇报、查阅资料、召开座谈会）",
        body=RevisitSchema,
        response=WarningSchema,
        roles=("warning_officer",),
        tags=("warnings",),
        errors=SEMANTIC_ERRORS,
    )
    def revisit(self, request, warning_id):
        return lifecycle.revisit(self.store, self.clock, request.principal, warning_id, request.payload)

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/lift",
        summary="经签发人以外的领导批准解除预警",
        body=LiftSchema,
        response=WarningSchema,
        roles=tuple(sorted(APPROVER_ROLES)),
        tags=("warnings",),
    )
    def lift(self, request, warning_id):
        return lifecycle.lift(self.store, self.clock, request.principal, warning_id, request.payload)

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/appeals",
        summary="被预警人本人向实施预警的机关提出申诉（申诉期间期限暂停计算）",
        body=AppealSchema,
        response=WarningSchema,
        status=201,
        roles=("official",),
        tags=("appeals",),
    )
    def appeal(self, request, warning_id):
        return appeals.appeal(self.store, self.clock, request.principal, warning_id, request.payload)

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/appeals/decision",
        summary="实施预警的机关答复申诉：维持（期限顺延）或撤销",
        body=AppealDecisionSchema,
        response=WarningSchema,
        roles=tuple(sorted(APPROVER_ROLES)),
        tags=("appeals",),
        errors=SEMANTIC_ERRORS,
    )
    def decide_appeal(self, request, warning_id):
        return appeals.decide_appeal(
            self.store, self.clock, self.calendar, request.principal, warning_id, request.payload, self.notifiers
        )

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/transfer",
        summary="已构成违纪的，转为案件线索按办案程序处理",
        body=TransferSchema,
        response=WarningSchema,
        roles=("warning_officer",),
        tags=("warnings",),
    )
    def transfer(self, request, warning_id):
        return appeals.transfer(self.store, self.clock, request.principal, warning_id, request.payload)

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/extension",
        summary="红色预警经党委批准延长整改期限（一次，不超过一个月）",
        body=ExtensionSchema,
        response=WarningSchema,
        roles=(EXTENSION_ROLE,),
        tags=("warnings",),
        errors=(400, 401, 403, 404, 409),
    )
    def extend(self, request, warning_id):
        return deadlines.extend(
            self.store, self.clock, self.calendar, request.principal, warning_id, request.payload, self.notifiers
        )

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/interviews",
        summary="约谈预警：谈话方案、两人以上谈话人员、主谈人（职级按人员登记库核对）、约谈通知单",
        body=InterviewSchema,
        response=WarningSchema,
        status=201,
        roles=("warning_officer",),
        tags=("delivery",),
        errors=(400, 401, 403, 404, 409, 503),
    )
    def interview(self, request, warning_id):
        return notices.interview(
            self.store, self.clock, request.principal, warning_id, request.payload, self.notifiers, self.registry
        )

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/interviews/<interview_id>/record",
        summary="登记约谈实施情况：日期、参加人员、谈话摘要、后续要求",
        body=InterviewRecordSchema,
        response=WarningSchema,
        roles=("warning_officer",),
        tags=("delivery",),
        errors=(*SEMANTIC_ERRORS, 409),
    )
    def record_interview(self, request, warning_id, interview_id):
        return notices.record_interview(
            self.store, self.clock, request.principal, warning_id, interview_id, request.payload
        )

    @route(
        "GET",
        "/api/v1/inbox",
        summary="被预警人本人的站内消息",
        response=InboxMessageSchema,
        many=True,
        roles=("official",),
        tags=("delivery",),
    )
    def inbox(self, request):
        return notices.inbox(self.store, request.principal, request.payload)

    @route(
        "POST",
        "/api/v1/inbox/<message_id>/read",
        summary="记录本人已阅读该消息",
        response=InboxMessageSchema,
        roles=("official",),
        tags=("delivery",),
    )
    def read_message(self, request, message_id):
        return notices.read_inbox_message(self.store, self.clock, request.principal, message_id)

    @route(
        "GET",
        "/api/v1/units/<unit_id>/advanced-eligibility",
        summary="单位当年能否评为先进单位（一年内两次及以上红色预警的不得评先）",
        query=EligibilityQuerySchema,
        response=EligibilitySchema,
        roles=READERS,
        tags=("results",),
    )
    def advanced_eligibility(self, request, unit_id):
        return results.advanced_eligibility(
            self.store, request.principal, unit_id, request.payload["year"], registry=self.registry
        )

    @route(
        "GET",
        "/api/v1/reports/quarterly",
        summary="廉政风险信息预警专报（季度）：JSON 或可打印的 HTML（format=html）",
        query=QuarterlyQuerySchema,
        response=QuarterlyReportSchema,
        roles=READERS,
        tags=("results",),
    )
    def quarterly_report(self, request):
        report = results.quarterly_report(self.store, self.calendar, request.principal, request.payload)
        if request.payload["format"] == "html":
            return views.quarterly_report_html(QuarterlyReportSchema().dump(report))
        return report

    @route(
        "GET",
        "/api/v1/statistics",
        summary="预警统计：县、市或省未结束的预警按等级计数及说明、整改逾期数，并列所辖各县",
        query=StatisticsQuerySchema,
        response=StatisticsSchema,
        roles=READERS,
        tags=("results",),
    )
    def statistics(self, request):
        return statistics.warning_statistics(self.store, self.clock, request.principal, request.payload)

    # -- timers ------------------------------------------------------------------------------
    @timer(interval=DEADLINE_CHECK_SECONDS)
    def check_deadlines(self):
        return deadlines.check_deadlines(self.store, self.clock, self.calendar, self.rules, self.notifiers)

    @timer(interval=CALENDAR_REFRESH_SECONDS)
    def refresh_calendar(self):
        calendar.refresh_calendar(self.store, self.calendar)

    # -- RPC for the other services (trusted callers inside the cluster) -------------------
    @rpc
    def warning_by_id(self, warning_id):
        """One warning as the HTTP API shows it, or None."""
        warning = results.warning_by_id(self.store, warning_id)
        return WarningSchema().dump(warning) if warning else None

    @rpc
    def warnings_for_official(self, official_id, open_only=True):
        """An official's warnings (open ones by default), oldest first."""
        return WarningSchema(many=True).dump(results.warnings_for_official(self.store, official_id, open_only))

    @rpc
    def rebuild_tallies(self, counties=None):
        """For operators (``wuying tallies rebuild``): rewrite the warning and year tallies of
        ``counties`` (six-digit codes, ``rebuild_counties``; None: every county) from their
        warnings; ``{county: live warnings}``."""
        return statistics.rebuild_tallies(self.store, rebuild_counties(counties))

    @rpc
    def unit_advanced_eligibility(self, unit_id, year):
        """篇5 七(二): may the unit be rated an advanced unit this year?"""
        eligibility = results.advanced_eligibility(self.store, service_principal("rpc"), unit_id, int(year))
        return EligibilitySchema().dump(eligibility)
