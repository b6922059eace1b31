"""Risk service entrypoints: thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from nameko.rpc import rpc

from wuying_common.clock import Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.http import route
from wuying_common.service import WuyingService

from . import handlers
from .dependencies import risk_outbox, risk_store
from .exceptions import ProfileNotFound
from .schemas import ProfileQuerySchema, ProfileSchema, ProfileSummarySchema


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
        return handlers.record_official(self.store, self.clock, event)

    @wuying_event_handler("intake", "petition.triaged")
    def on_petition_triaged(self, event):
        outcome = handlers.on_petition_triaged(self.store, self.clock, event)
        self._count(outcome)
        return outcome.status

    def _count(self, outcome: handlers.Outcome) -> None:
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
            return ProfileSchema().dump(handlers.profile_view(self.store, None, official_id))
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
        return handlers.profile_view(self.store, request.principal, official_id)

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
        return handlers.top_profiles(self.store, request.principal, q["county"], q["limit"])
