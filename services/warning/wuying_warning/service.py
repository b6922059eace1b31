"""Warning service entrypoints (三色预警): thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from nameko.timer import timer

from wuying_common.clock import Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.errors import ValidationFailed
from wuying_common.http import route
from wuying_common.providers import CalendarProvider
from wuying_common.service import WuyingService

from . import handlers
from .dependencies import Rules, warning_outbox, warning_store
from .domain.authority import APPROVER_ROLES
from .schemas import (
    ApproveSchema,
    CalendarYearSchema,
    LiftSchema,
    ProposeSchema,
    ResponseSchema,
    RevisitSchema,
    TriggerSchema,
    WarningQuerySchema,
    WarningSchema,
    WorkingDaysQuerySchema,
    WorkingDaysResultSchema,
    trigger_catalogue,
)

# Overdue answers and fixes are found within this many seconds; deadlines are whole days.
DEADLINE_CHECK_SECONDS = 600

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

    def _count(self, noun, doc, warning, source):
        self.metrics.counter(noun, doc, ("level", "colour", "county", "source")).labels(
            str(warning.level), warning.colour, warning.county, source
        ).inc()

    # -- events in ---------------------------------------------------------------------------
    @wuying_event_handler("risk", "warning.proposed")
    def on_warning_proposed(self, event):
        outcome, warning = handlers.proposal_from_event(self.store, self.clock, event)
        if warning is not None:
            self._count("warnings_proposed", "Warnings proposed, by level and county", warning, "risk")
        return outcome

    # -- HTTP --------------------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/warnings",
        summary="预警中心提出预警建议",
        body=ProposeSchema,
        response=WarningSchema,
        status=201,
        roles=("warning_officer",),
        tags=("warnings",),
    )
    def propose(self, request):
        warning = handlers.propose(self.store, self.clock, request.principal, request.payload)
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
    )
    def approve(self, request, warning_id):
        warning = handlers.approve(
            self.store, self.clock, self.calendar, self.rules, request.principal, warning_id, request.payload
        )
        self._count("warnings_issued", "Warnings issued, by level and county", warning, "approval")
        return warning

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
        return handlers.list_warnings(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/warnings/<warning_id>",
        summary="预警详情",
        response=WarningSchema,
        roles=READERS,
        tags=("warnings",),
    )
    def get_warning(self, request, warning_id):
        return handlers.get_warning(self.store, request.principal, warning_id)

    @route(
        "GET",
        "/api/v1/triggers",
        summary="各等级的预警情形（代码与中文说明）",
        response=TriggerSchema,
        many=True,
        tags=("reference",),
    )
    def triggers(self, request):
        return trigger_catalogue()

    @route(
        "GET",
        "/api/v1/calendar/add-working-days",
        summary="按法定节假日安排推算 N 个工作日后的日期",
        query=WorkingDaysQuerySchema,
        response=WorkingDaysResultSchema,
        tags=("calendar",),
    )
    def add_working_days(self, request):
        return handlers.add_working_days(self.calendar, request.payload["start"], request.payload["days"], self.store)

    @route(
        "PUT",
        "/api/v1/calendar/years/<int:year>",
        summary="运维人员加载某年的法定节假日与调休安排",
        body=CalendarYearSchema,
        roles=("operator",),
        tags=("calendar",),
    )
    def load_calendar_year(self, request, year):
        if request.payload["year"] != year:
            raise ValidationFailed(fields={"year": f"与地址中的年份 {year} 不一致"})
        return handlers.load_calendar_year(self.store, self.calendar, request.payload)

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
        return handlers.respond(self.store, self.clock, request.principal, warning_id, request.payload)

    @route(
        "POST",
        "/api/v1/warnings/<warning_id>/revisit",
        summary="回访登记（听取汇报、查阅资料、召开座谈会）",
        body=RevisitSchema,
        response=WarningSchema,
        roles=("warning_officer",),
        tags=("warnings",),
    )
    def revisit(self, request, warning_id):
        return handlers.revisit(self.store, self.clock, request.principal, warning_id, request.payload)

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
        return handlers.lift(self.store, self.clock, request.principal, warning_id, request.payload)

    # -- timers ------------------------------------------------------------------------------
    @timer(interval=DEADLINE_CHECK_SECONDS)
    def check_deadlines(self):
        return handlers.check_deadlines(self.store, self.clock, self.calendar, self.rules)
