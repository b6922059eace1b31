"""Inspection service entrypoints (内部作风巡察): thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from marshmallow import ValidationError
from nameko.rpc import rpc

from wuying_common.clock import Clock
from wuying_common.http import marshmallow_fields, route
from wuying_common.service import WuyingService

from . import handlers
from .dependencies import inspection_outbox, inspection_store
from .exceptions import UnitsInvalid
from .schemas import (
    CrossAssignmentRequestSchema,
    CrossAssignmentSchema,
    FindingRequestSchema,
    FindingSchema,
    JoinSpecialistsSchema,
    PlanQuerySchema,
    PlanRequestSchema,
    PlanSchema,
    RegisterSpecialistsResultSchema,
    RegisterSpecialistsSchema,
    RegisterUnitsResultSchema,
    RegisterUnitsSchema,
)

# Plans name the dates of surprise and unannounced (暗访) rounds: only the inspection side and
# the commission's leaders read them, never staff of the inspected units.
PLAN_READERS = ("inspector", "commission_leader", "commission_secretary", "auditor")


class InspectionService(WuyingService):
    name = "inspection"
    title = "无影灯 · 内部作风巡察服务 (inspection)"
    description = "纪检监察机关及派驻（出）机构内部作风巡察：单位登记、年度巡察计划（每年不少于2次）。"

    store = inspection_store()
    outbox = inspection_outbox()
    clock = Clock()

    def _findings_recorded(self):
        return self.metrics.counter(
            "findings_recorded", "Inspection findings recorded, by county and severity", ("county", "severity")
        )

    def _plans_scheduled(self):
        return self.metrics.counter("plans_scheduled", "Inspection plans scheduled, by county", ("county",))

    # -- RPC -------------------------------------------------------------------------------
    @rpc
    def register_units(self, units):
        try:
            payload = RegisterUnitsSchema().load({"units": list(units)})
        except ValidationError as exc:
            raise UnitsInvalid(fields=marshmallow_fields(exc.messages)) from None
        return handlers.register_units(self.store, payload["units"])

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
