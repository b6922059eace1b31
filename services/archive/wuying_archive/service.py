"""Archive service entrypoints: thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from nameko.rpc import rpc

from wuying_common.clock import Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.http import route
from wuying_common.service import WuyingService

from . import handlers
from .dependencies import archive_outbox, archive_store
from .schemas import FileSchema, OfficialQuerySchema, OfficialSchema, RegisterResultSchema, RegisterSchema


class ArchiveService(WuyingService):
    name = "archive"
    title = "无影灯 · 廉政档案服务 (archive)"
    description = "一人一档：人员登记、廉政档案时间线（防篡改哈希链）。"

    store = archive_store()
    outbox = archive_outbox()
    clock = Clock()

    # -- events in (one handler per source and type, so each has its own durable queue) ----
    # Its own official.changed too: the personnel change is written with the official in one
    # write, and reaches the file through the outbox like any other event (at least once).
    @wuying_event_handler("archive", "official.changed")
    def on_official_changed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("intake", "petition.triaged")
    def on_petition_triaged(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("intake", "clue.transferred")
    def on_clue_transferred(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("intake", "petition.clarified")
    def on_petition_clarified(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("intake", "petition.closed")
    def on_petition_closed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("risk", "risk.profile_changed")
    def on_risk_profile_changed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("risk", "warning.proposed")
    def on_warning_proposed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("warning", "warning.issued")
    def on_warning_issued(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("warning", "warning.escalated")
    def on_warning_escalated(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("warning", "warning.responded")
    def on_warning_responded(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("warning", "warning.lifted")
    def on_warning_lifted(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("warning", "warning.appealed")
    def on_warning_appealed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("warning", "warning.transferred")
    def on_warning_transferred(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("warning", "warning.extended")
    def on_warning_extended(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("warning", "warning.overdue")
    def on_warning_overdue(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("inspection", "inspection.scheduled")
    def on_inspection_scheduled(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("inspection", "inspection.finding_recorded")
    def on_inspection_finding_recorded(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("inspection", "inspection.completed")
    def on_inspection_completed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    # -- RPC -------------------------------------------------------------------------------
    @rpc
    def register(self, units=(), officials=()):
        payload = RegisterSchema().load({"units": list(units), "officials": list(officials)})
        result = handlers.register(self.store, self.clock, payload["units"], payload["officials"])
        return RegisterResultSchema().dump(result)

    @rpc
    def get_official(self, official_id):
        official = handlers.get_official(self.store, official_id)
        return OfficialSchema().dump(official) if official is not None else None

    @rpc
    def find_officials(self, county, name=None):
        return OfficialSchema(many=True).dump(handlers.find_officials(self.store, county, name))

    # -- HTTP ------------------------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/registry",
        summary="登记或更新单位与人员",
        body=RegisterSchema,
        response=RegisterResultSchema,
        roles=("archive_keeper", "operator"),
        tags=("registry",),
        max_body=8 * 1024 * 1024,
    )
    def register_http(self, request):
        for item in request.payload["units"] + request.payload["officials"]:
            request.principal.require_county(item["county"])
        return handlers.register(self.store, self.clock, request.payload["units"], request.payload["officials"])

    @route(
        "GET",
        "/api/v1/officials",
        summary="按地区查询人员",
        query=OfficialQuerySchema,
        response=OfficialSchema,
        many=True,
        tags=("registry",),
    )
    def list_officials(self, request):
        q = request.payload
        request.principal.require_county(q["county"])
        return handlers.find_officials(self.store, q["county"], q["name"], q["limit"])

    @route(
        "GET",
        "/api/v1/officials/<official_id>/file",
        summary="人员廉政档案时间线",
        response=FileSchema,
        tags=("files",),
    )
    def official_file(self, request, official_id):
        return handlers.integrity_file(self.store, request.principal, "official", official_id)

    @route("GET", "/api/v1/units/<unit_id>/file", summary="单位档案时间线", response=FileSchema, tags=("files",))
    def unit_file(self, request, unit_id):
        return handlers.integrity_file(self.store, request.principal, "unit", unit_id)
