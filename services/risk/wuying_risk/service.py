"""Risk service entrypoints: thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from nameko.rpc import rpc

from wuying_common.clock import Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.http import route
from wuying_common.service import WuyingService

from .dependencies import risk_outbox, risk_store
from .exceptions import ProfileNotFound
from .handlers import powers, profiles, registry, risk_points
from .schemas import (
    DeletedSchema,
    EvaluateSchema,
    PowerQuerySchema,
    PowerSchema,
    ProfileQuerySchema,
    ProfileSchema,
    ProfileSummarySchema,
    RiskPointCreateSchema,
    RiskPointQuerySchema,
    RiskPointSchema,
    StepSchema,
)

WRITERS = ("risk_officer",)
DECIDERS = risk_points.DECIDERS
# Made once: the RPC entrypoint dumps every profile through it.
PROFILE_OUT = ProfileSchema()


class RiskService(WuyingService):
    name = "risk"
    title = "无影灯 · 廉政风险识别与评估服务 (risk)"
    description = "动态廉政风险画像：廉情信息逐因素计分，达到阈值时提出三色预警建议。"

    store = risk_store()
    outbox = risk_outbox()
    clock = Clock()

    # -- events in -------------------------------------------------------------------------
    @wuying_event_handler("archive", "official.changed")
    def on_official_changed(self, event):
        return registry.record_official(self.store, self.clock, event)

    @wuying_event_handler("intake", "petition.triaged")
    def on_petition_triaged(self, event):
        outcome = profiles.on_petition_triaged(self.store, self.clock, event)
        self._count(outcome)
        return outcome.status

    @wuying_event_handler("inspection", "inspection.finding_recorded")
    def on_inspection_finding_recorded(self, event):
        outcome = profiles.on_inspection_finding(self.store, self.clock, event)
        self._count(outcome)
        return outcome.status

    def _count(self, outcome: profiles.Outcome) -> None:
        changed = self.metrics.counter("profiles_changed", "Risk profiles changed, by county", ("county",))
        proposed = self.metrics.counter(
            "warnings_proposed", "Warnings proposed, by county and level", ("county", "level")
        )
        for change in outcome.changes:
            changed.labels(change.county).inc()
            if change.scored.proposal is not None:
                proposed.labels(change.county, str(change.scored.proposal.level)).inc()

    # -- RPC -------------------------------------------------------------------------------
    @rpc
    def get_profile(self, official_id):
        try:
            return PROFILE_OUT.dump(profiles.profile_view(self.store, None, official_id))
        except ProfileNotFound:
            return None

    # -- HTTP ------------------------------------------------------------------------------
    @route(
        "GET",
        "/api/v1/profiles/<official_id>",
        summary="人员动态廉政风险画像（逐因素解释）",
        response=ProfileSchema,
        tags=("profiles",),
    )
    def get_profile_http(self, request, official_id):
        return profiles.profile_view(self.store, request.principal, official_id)

    @route(
        "GET",
        "/api/v1/profiles",
        summary="按地区列出风险分值最高的人员画像",
        query=ProfileQuerySchema,
        response=ProfileSummarySchema,
        many=True,
        tags=("profiles",),
    )
    def list_profiles(self, request):
        q = request.payload
        return profiles.top_profiles(self.store, request.principal, q["county"], q["limit"])

    # -- power lists (权力清单) ----------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/powers",
        summary="新增岗位权力清单条目",
        body=PowerSchema,
        response=PowerSchema,
        status=201,
        roles=WRITERS,
        tags=("powers",),
    )
    def create_power(self, request):
        return powers.create_power(self.store, self.clock, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/powers",
        summary="按地区、单位、岗位查询权力清单",
        query=PowerQuerySchema,
        response=PowerSchema,
        many=True,
        tags=("powers",),
    )
    def list_powers(self, request):
        return powers.list_powers(self.store, request.principal, request.payload)

    @route("GET", "/api/v1/powers/<power_id>", summary="权力清单条目", response=PowerSchema, tags=("powers",))
    def get_power(self, request, power_id):
        return powers.get_power(self.store, request.principal, power_id)

    @route(
        "PUT",
        "/api/v1/powers/<power_id>",
        summary="修改权力清单条目",
        body=PowerSchema,
        response=PowerSchema,
        roles=WRITERS,
        tags=("powers",),
    )
    def update_power(self, request, power_id):
        return powers.update_power(self.store, self.clock, request.principal, power_id, request.payload)

    @route(
        "DELETE",
        "/api/v1/powers/<power_id>",
        summary="删除权力清单条目",
        response=DeletedSchema,
        roles=WRITERS,
        tags=("powers",),
    )
    def delete_power(self, request, power_id):
        return powers.delete_power(self.store, request.principal, power_id)

    # -- risk points: five-step identification and evaluation ------------------------------
    @route(
        "POST",
        "/api/v1/risk-points",
        summary="登记风险点（第一步：自己找）",
        body=RiskPointCreateSchema,
        response=RiskPointSchema,
        status=201,
        tags=("risk-points",),
    )
    def create_risk_point(self, request):
        return risk_points.create_risk_point(self.store, self.clock, request.principal, request.payload)

    @route(
        "POST",
        "/api/v1/risk-points/<risk_id>/steps",
        summary="记录识别步骤（同事帮、领导点、集体定、组织审，按顺序）",
        body=StepSchema,
        response=RiskPointSchema,
        tags=("risk-points",),
    )
    def add_step(self, request, risk_id):
        return risk_points.add_step(self.store, self.clock, request.principal, risk_id, request.payload)

    @route(
        "POST",
        "/api/v1/risk-points/<risk_id>/evaluation",
        summary="评估风险点：七因素→风险指数→高中低（部门高等级不超过10%）",
        body=EvaluateSchema,
        response=RiskPointSchema,
        roles=DECIDERS,
        tags=("risk-points",),
    )
    def evaluate_risk_point(self, request, risk_id):
        return risk_points.evaluate_risk_point(self.store, self.clock, request.principal, risk_id, request.payload)

    @route(
        "GET", "/api/v1/risk-points/<risk_id>", summary="风险点详情", response=RiskPointSchema, tags=("risk-points",)
    )
    def get_risk_point(self, request, risk_id):
        return risk_points.get_risk_point(self.store, request.principal, risk_id)

    @route(
        "GET",
        "/api/v1/risk-points",
        summary="按地区、单位查询风险点",
        query=RiskPointQuerySchema,
        response=RiskPointSchema,
        many=True,
        tags=("risk-points",),
    )
    def list_risk_points(self, request):
        return risk_points.list_risk_points(self.store, request.principal, request.payload)
