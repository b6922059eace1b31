"""Inspection service entrypoints (内部作风巡察): thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from eventlet import tpool
from marshmallow import ValidationError
from nameko.rpc import rpc
from nameko.timer import timer

from wuying_common.auth import service_principal
from wuying_common.clock import Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.http import SEMANTIC_ERRORS, marshmallow_fields, route
from wuying_common.paging import page_of
from wuying_common.providers import StoredYearsCalendar
from wuying_common.service import WuyingService
from wuying_common.tallies import rebuild_counties

from . import handlers
from .dependencies import SolverRuns, inspection_outbox, inspection_store
from .exceptions import UnitsInvalid
from .schemas import (
    CALENDAR_YEAR_LOADED_IN,
    OFFICIAL_CHANGED_IN,
    OFFICIALS_IMPORTED_IN,
    AssignmentQuerySchema,
    CampaignProgressSchema,
    CampaignRequestSchema,
    CampaignSchema,
    CloseDispositionRequestSchema,
    CoverageQuerySchema,
    CoverageSchema,
    CrossAssignmentRequestSchema,
    CrossAssignmentSchema,
    DispositionRequestSchema,
    FindingRequestSchema,
    FindingSchema,
    InspectorOutSchema,
    JoinSpecialistsSchema,
    MyAssignmentSchema,
    OverrideRequestSchema,
    PlanQuerySchema,
    PlanRequestSchema,
    PlanSchema,
    RegisterInspectorsResultSchema,
    RegisterInspectorsSchema,
    RegisterSpecialistsResultSchema,
    RegisterSpecialistsSchema,
    RegisterUnitsResultSchema,
    RegisterUnitsSchema,
    UpcomingQuerySchema,
    UpcomingSchema,
)

# Plans name the dates of surprise and unannounced (暗访) rounds: only the inspection side and
# the commission's leaders read them, never staff of the inspected units.
PLAN_READERS = ("inspector", "commission_leader", "commission_secretary", "auditor")
# Campaigns hold every visit's dates and team: the organising side only.
CAMPAIGN_READERS = ("inspector", "commission_leader", "commission_secretary", "auditor")
# How often the reminder timer looks for rounds due to be prepared (it is idempotent).
REMINDER_INTERVAL = 3600
# How often every replica loads the calendar years another one stored (issue 8 item 3).
CALENDAR_REFRESH_SECONDS = 300


class InspectionService(WuyingService):
    name = "inspection"
    title = "无影灯 · 内部作风巡察服务 (inspection)"
    description = "纪检监察机关及派驻（出）机构内部作风巡察：单位登记、年度巡察计划（每年不少于2次）。"

    store = inspection_store()
    outbox = inspection_outbox()
    clock = Clock()
    calendar = StoredYearsCalendar()
    solver_runs = SolverRuns()

    def _findings_recorded(self):
        return self.metrics.counter(
            "findings_recorded", "Inspection findings recorded, by county and severity", ("county", "severity")
        )

    def _plans_scheduled(self):
        return self.metrics.counter("plans_scheduled", "Inspection plans scheduled, by county", ("county",))

    def _reminders(self):
        return self.metrics.counter(
            "round_reminders", "Rounds the organising department was reminded of, by county", ("county",)
        )

    # -- events in ---------------------------------------------------------------------------
    @wuying_event_handler("archive", "official.changed")
    def on_official_changed(self, event):
        """A pool member or a relative of one moved (任职回避, 亲属回避 stay current)."""
        return handlers.official_changed(self.store, event, OFFICIAL_CHANGED_IN.load(event["data"]))

    @wuying_event_handler("archive", "officials.imported")
    def on_officials_imported(self, event):
        """A registry import's changes, up to 500 in one event (each as ``official.changed``)."""
        return handlers.officials_imported(self.store, event, OFFICIALS_IMPORTED_IN.load(event["data"]))

    @wuying_event_handler("warning", "calendar.year_loaded")
    def on_calendar_year_loaded(self, event):
        """The province's calendar (issue 8 item 3): a year loaded once, stored by key."""
        data = CALENDAR_YEAR_LOADED_IN.load(event["data"])
        return handlers.year_loaded(self.store, self.clock, self.calendar, event["id"], data)

    # -- timers ------------------------------------------------------------------------------
    @timer(interval=CALENDAR_REFRESH_SECONDS)
    def refresh_calendar(self):
        """Every replica loads the years another one stored (a small collection, read whole)."""
        return {"refreshed": handlers.refresh_calendar(self.store, self.calendar)}

    @timer(interval=REMINDER_INTERVAL)
    def remind_organisers(self):
        for county, _ in handlers.remind_organisers(self.store, self.clock, self.calendar):
            self._reminders().labels(county).inc()

    # -- RPC -------------------------------------------------------------------------------
    @rpc
    def register_units(self, units):
        try:
            payload = RegisterUnitsSchema().load({"units": list(units)})
        except ValidationError as exc:
            raise UnitsInvalid(fields=marshmallow_fields(exc.messages)) from None
        return handlers.register_units(self.store, payload["units"])

    @rpc
    def rebuild_tallies(self, counties=None):
        """An operator's mend (``wuying tallies rebuild``): the coverage tallies of ``counties``
        (six-digit codes, ``rebuild_counties``; None: every county) recomputed from the stored
        units and plans (``persistence.tallies``)."""
        return handlers.rebuild_tallies(self.store, rebuild_counties(counties))

    # -- HTTP ------------------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/units",
        summary="登记或更新被巡察单位",
        body=RegisterUnitsSchema,
        response=RegisterUnitsResultSchema,
        roles=("inspector", "operator"),
        tags=("units",),
        max_body=8 * 1024 * 1024,
    )
    def register_units_http(self, request):
        for i, unit in enumerate(request.payload["units"]):
            request.principal.require_county(unit["county"], field=f"units.{i}.county")
        return handlers.register_units(self.store, request.payload["units"])

    @route(
        "POST",
        "/api/v1/plans",
        summary="制定单位年度内部作风巡察计划（每年不少于2次）",
        body=PlanRequestSchema,
        response=PlanSchema,
        status=201,
        roles=("inspector",),
        tags=("plans",),
        errors=SEMANTIC_ERRORS,
    )
    def schedule_plan(self, request):
        plan = handlers.schedule_plan(self.store, self.clock, request.principal, request.payload)
        self._plans_scheduled().labels(plan.county).inc()
        return plan

    @route(
        "GET",
        "/api/v1/plans",
        summary="按地区、年度查询巡察计划",
        query=PlanQuerySchema,
        response=PlanSchema,
        many=True,
        roles=PLAN_READERS,
        tags=("plans",),
    )
    def list_plans(self, request):
        return handlers.list_plans(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/plans/<plan_id>",
        summary="查看巡察计划",
        response=PlanSchema,
        roles=PLAN_READERS,
        tags=("plans",),
    )
    def get_plan(self, request, plan_id):
        return handlers.get_plan(self.store, request.principal, plan_id)

    @route(
        "POST",
        "/api/v1/cross-assignments",
        summary="安排协作区交叉检查：不查本协作区，逐年轮换",
        body=CrossAssignmentRequestSchema,
        response=CrossAssignmentSchema,
        status=201,
        roles=("inspector",),
        tags=("cross-inspection",),
        description="Cross inspections of a region's cooperation zones for a year, solved with OR-Tools CP-SAT.",
    )
    def assign_cross_inspection(self, request):
        return handlers.assign_cross_inspection(self.store, self.clock, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/cross-assignments/<region>/<int:year>",
        summary="查看协作区交叉检查安排",
        response=CrossAssignmentSchema,
        roles=PLAN_READERS,
        tags=("cross-inspection",),
    )
    def get_cross_assignment(self, request, region, year):
        return handlers.get_cross_assignment(self.store, request.principal, region, year)

    @route(
        "POST",
        "/api/v1/specialists",
        summary="登记巡察机动组员（专家库）",
        body=RegisterSpecialistsSchema,
        response=RegisterSpecialistsResultSchema,
        roles=("inspector", "operator"),
        tags=("specialists",),
        max_body=4 * 1024 * 1024,
    )
    def register_specialists(self, request):
        for i, member in enumerate(request.payload["specialists"]):
            request.principal.require_county(member["county"], field=f"specialists.{i}.county")
        return handlers.register_specialists(self.store, request.payload["specialists"])

    @route(
        "POST",
        "/api/v1/plans/<plan_id>/rounds/<int:round_number>/specialists",
        summary="按需从专家库抽调机动组员参加某次巡察",
        body=JoinSpecialistsSchema,
        response=PlanSchema,
        roles=("inspector",),
        tags=("specialists",),
    )
    def join_specialists(self, request, plan_id, round_number):
        return handlers.join_specialists(self.store, request.principal, plan_id, round_number, request.payload)

    @route(
        "POST",
        "/api/v1/plans/<plan_id>/findings",
        summary="记录巡察发现的问题及处置方式（按问题性质）",
        body=FindingRequestSchema,
        response=FindingSchema,
        status=201,
        roles=("inspector",),
        tags=("findings",),
    )
    def record_finding(self, request, plan_id):
        plan, finding = handlers.record_finding(self.store, self.clock, request.principal, plan_id, request.payload)
        self._findings_recorded().labels(plan.county, finding.severity).inc()
        return finding

    @route(
        "POST",
        "/api/v1/plans/<plan_id>/rounds/<int:round_number>/complete",
        summary="完成某次巡察",
        response=PlanSchema,
        roles=("inspector",),
        tags=("findings",),
    )
    def complete_round(self, request, plan_id, round_number):
        return handlers.complete_round(self.store, self.clock, request.principal, plan_id, round_number)

    # -- the inspector pool ------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/inspectors",
        summary="登记或更新干部监督人员库（含任职、亲属任职、专长、不可用时段）",
        body=RegisterInspectorsSchema,
        response=RegisterInspectorsResultSchema,
        roles=("inspector", "operator"),
        tags=("inspectors",),
        max_body=8 * 1024 * 1024,
        errors=SEMANTIC_ERRORS,
    )
    def register_inspectors(self, request):
        return handlers.register_inspectors(self.store, request.principal, request.payload["inspectors"])

    @route(
        "GET",
        "/api/v1/inspectors/<inspector_id>",
        summary="查看人员库中的一名人员",
        response=InspectorOutSchema,
        roles=("inspector", "operator", "auditor"),
        tags=("inspectors",),
    )
    def get_inspector(self, request, inspector_id):
        return handlers.get_inspector(self.store, request.principal, inspector_id)

    # -- campaigns ---------------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/campaigns",
        summary="一次安排全省（市、县）全年内部作风巡察：方式搭配、工作日进驻时段（预览）",
        body=CampaignRequestSchema,
        response=CampaignSchema,
        status=201,
        roles=("inspector",),
        tags=("campaigns",),
        errors=SEMANTIC_ERRORS,
    )
    def create_campaign(self, request):
        return handlers.create_campaign(self.store, self.clock, self.calendar, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/campaigns/<campaign_id>",
        summary="查看巡察安排（预览、各版本变动、无解原因）",
        response=CampaignSchema,
        roles=CAMPAIGN_READERS,
        tags=("campaigns",),
    )
    def get_campaign(self, request, campaign_id):
        return handlers.get_campaign(self.store, request.principal, campaign_id)

    @route(
        "POST",
        "/api/v1/campaigns/<campaign_id>/solve",
        summary="求解巡察组安排（OR-Tools CP-SAT，后台进行）",
        response=CampaignSchema,
        status=202,
        roles=("inspector",),
        tags=("campaigns",),
        errors=(400, 401, 403, 404, 409),
    )
    def solve_campaign(self, request, campaign_id):
        campaign = handlers.start_solving(self.store, request.principal, campaign_id)
        principal = request.principal

        def work(progress):
            return handlers.solve_campaign(self.store, self.clock, principal, campaign_id, progress, run=tpool.execute)

        self.solver_runs.launch(
            campaign_id,
            work,
            lambda: handlers.release_solving(self.store, service_principal("inspection"), campaign_id),
        )
        return campaign

    @route(
        "GET",
        "/api/v1/campaigns/<campaign_id>/progress",
        summary="求解进度",
        response=CampaignProgressSchema,
        roles=CAMPAIGN_READERS,
        tags=("campaigns",),
    )
    def campaign_progress(self, request, campaign_id):
        campaign = handlers.get_campaign(self.store, request.principal, campaign_id)
        return {
            "campaign_id": campaign.id,
            "status": campaign.status,
            "plan_version": campaign.plan_version,
            "progress": self.solver_runs.of(campaign_id),
        }

    @route(
        "POST",
        "/api/v1/campaigns/<campaign_id>/overrides",
        summary="人工调整某次巡察的巡察组（须说明理由，按刚性规定复核）",
        body=OverrideRequestSchema,
        response=CampaignSchema,
        roles=("inspector",),
        tags=("campaigns",),
        errors=(400, 401, 403, 404, 409),
    )
    def override_visit(self, request, campaign_id):
        return handlers.override_visit(self.store, self.clock, request.principal, campaign_id, request.payload)

    @route(
        "POST",
        "/api/v1/campaigns/<campaign_id>/commit",
        summary="确认发布巡察安排：写入各单位年度计划并发布 inspection.scheduled",
        response=CampaignSchema,
        roles=("inspector",),
        tags=("campaigns",),
        errors=(400, 401, 403, 404, 409),
    )
    def commit_campaign(self, request, campaign_id):
        return handlers.commit_campaign(self.store, self.clock, request.principal, campaign_id)

    @route(
        "GET",
        "/api/v1/my/assignments",
        summary="巡察人员查看本人的巡察任务",
        query=AssignmentQuerySchema,
        response=MyAssignmentSchema,
        many=True,
        roles=("inspector",),
        tags=("campaigns",),
    )
    def my_assignments(self, request):
        mine = handlers.my_assignments(self.store, request.principal, request.payload["year"])
        return page_of(mine, request.payload, key=lambda row: (row["plan_id"], row["round"]))

    # -- coverage ----------------------------------------------------------------------------
    @route(
        "GET",
        "/api/v1/coverage",
        summary="巡察覆盖情况：按市、县统计已计划、已完成、逾期、未完成",
        query=CoverageQuerySchema,
        response=CoverageSchema,
        roles=PLAN_READERS,
        tags=("coverage",),
    )
    def coverage(self, request):
        q = request.payload
        return handlers.region_coverage(self.store, self.clock, request.principal, q["region"], q["year"], q["units"])

    @route(
        "GET",
        "/api/v1/reminders",
        summary="即将开始的巡察（提醒组织部门提前准备）",
        query=UpcomingQuerySchema,
        response=UpcomingSchema,
        many=True,
        roles=PLAN_READERS,
        tags=("coverage",),
    )
    def upcoming_rounds(self, request):
        q = request.payload
        rows = handlers.upcoming_rounds(
            self.store, self.clock, self.calendar, request.principal, q["region"], q["within"]
        )
        return page_of(rows, q, key=lambda row: (row["starts_on"], row["county"], row["unit_id"], row["round"]))

    # -- findings ----------------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/plans/<plan_id>/findings/<finding_id>/dispositions",
        summary="对巡察发现的问题追加处置（按 000/E 结果运用的处置阶梯）",
        body=DispositionRequestSchema,
        response=FindingSchema,
        status=201,
        roles=("inspector",),
        tags=("findings",),
        errors=(400, 401, 403, 404, 409),
    )
    def add_disposition(self, request, plan_id, finding_id):
        _, finding = handlers.add_disposition(
            self.store, self.clock, request.principal, plan_id, finding_id, request.payload
        )
        return finding

    @route(
        "POST",
        "/api/v1/plans/<plan_id>/findings/<finding_id>/outcomes",
        summary="登记处置结果（谈话、函询回复、核实结果、立案、移送司法机关）",
        body=CloseDispositionRequestSchema,
        response=FindingSchema,
        roles=("inspector",),
        tags=("findings",),
        errors=(400, 401, 403, 404, 409),
    )
    def close_disposition(self, request, plan_id, finding_id):
        _, finding = handlers.close_disposition(
            self.store, self.clock, request.principal, plan_id, finding_id, request.payload
        )
        return finding

    @route(
        "POST",
        "/api/v1/plans/<plan_id>/evaluation",
        summary="记录单位年度评优评先的巡察结果",
        response=PlanSchema,
        roles=("inspector",),
        tags=("findings",),
    )
    def record_evaluation(self, request, plan_id):
        return handlers.record_evaluation(self.store, self.clock, request.principal, plan_id)
