"""Archive service entrypoints: thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from nameko.rpc import rpc
from nameko.timer import timer

from wuying_common.clock import CST, Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.http import route
from wuying_common.providers import CalendarProvider
from wuying_common.service import WuyingService

from . import handlers
from .dependencies import ConditionRulesProvider, archive_outbox, archive_store
from .domain.tags import vocabulary
from .handlers import conditions, importing, matters, reminders, search
from .handlers.conditions import Evaluator
from .handlers.matters import ARCHIVE_ROLES
from .schemas import (
    ChainCheckSchema,
    ConditionRulesSchema,
    DossierSchema,
    FiguresSchema,
    FileQuerySchema,
    FileSchema,
    HolderSchema,
    HoldersQuerySchema,
    ImportChunkSchema,
    ImportSummarySchema,
    MatterRecordInSchema,
    MatterRecordSchema,
    OfficialQuerySchema,
    OfficialSchema,
    ReassignSchema,
    RecordAddedSchema,
    RecordEndSchema,
    RegisterResultSchema,
    RegisterSchema,
    ReminderQuerySchema,
    ReminderSchema,
    ReminderStepInSchema,
    SearchPageSchema,
    SearchQuerySchema,
    TagVocabularySchema,
)

#: How often the timer looks for overdue reminders and, once a day after SWEEP_HOUR (Beijing),
#: runs the nightly sweep of the conditions.
TIMER_SECONDS = 600
SWEEP_HOUR = 1

# Who takes reminder steps and reads reminders (the steps check their own roles too).
REMINDER_ROLES = ("auditor", "commission_leader", "commission_secretary", "archive_keeper")


class ArchiveService(WuyingService):
    name = "archive"
    title = "无影灯 · 廉政档案服务 (archive)"
    description = "一人一档：人员登记、廉政档案时间线（防篡改哈希链）。"

    store = archive_store()
    outbox = archive_outbox()
    clock = Clock()
    calendar = CalendarProvider()
    rules = ConditionRulesProvider()

    @property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.calendar, self.rules)

    # -- events in (one handler per source and type, so each has its own durable queue) ----
    # Its own official.changed too: the personnel change is written with the official in one
    # write, and reaches the file through the outbox like any other event (at least once).
    @wuying_event_handler("archive", "official.changed")
    def on_official_changed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("archive", "archive.reminder_created")
    def on_reminder_created(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("archive", "archive.reminder_closed")
    def on_reminder_closed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("intake", "petition.triaged")
    def on_petition_triaged(self, event):
        return handlers.record_event(self.store, self.clock, event, self.evaluator)

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
        return handlers.record_event(self.store, self.clock, event, self.evaluator)

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
        return handlers.record_event(self.store, self.clock, event, self.evaluator)

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
        conditions.evaluate_ids(self.store, self.clock, self.evaluator, result.changed)
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
        result = handlers.register(self.store, self.clock, request.payload["units"], request.payload["officials"])
        conditions.evaluate_ids(self.store, self.clock, self.evaluator, result.changed)
        return result

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
        summary="人员廉政档案时间线（分页）",
        query=FileQuerySchema,
        response=FileSchema,
        tags=("files",),
    )
    def official_file(self, request, official_id):
        return handlers.integrity_file(self.store, request.principal, "official", official_id, **request.payload)

    @route(
        "GET",
        "/api/v1/units/<unit_id>/file",
        summary="单位档案时间线（分页）",
        query=FileQuerySchema,
        response=FileSchema,
        tags=("files",),
    )
    def unit_file(self, request, unit_id):
        return handlers.integrity_file(self.store, request.principal, "unit", unit_id, **request.payload)

    @route(
        "GET",
        "/api/v1/officials/<official_id>/file/verification",
        summary="校验人员档案哈希链（按需）",
        response=ChainCheckSchema,
        tags=("files",),
    )
    def verify_official_file(self, request, official_id):
        return handlers.verify_file(self.store, request.principal, "official", official_id)

    @route(
        "GET",
        "/api/v1/units/<unit_id>/file/verification",
        summary="校验单位档案哈希链（按需）",
        response=ChainCheckSchema,
        tags=("files",),
    )
    def verify_unit_file(self, request, unit_id):
        return handlers.verify_file(self.store, request.principal, "unit", unit_id)

    # -- registry: posts, tags, import ----------------------------------------------------------
    @route(
        "GET",
        "/api/v1/posts/holders",
        summary="某日某单位某职务的任职人员",
        query=HoldersQuerySchema,
        response=HolderSchema,
        many=True,
        tags=("registry",),
    )
    def post_holders(self, request):
        q = request.payload
        found = self.store.holders(q["unit_id"], q["post"], q["on"])
        return [h for h in found if request.principal.can_see(h[0].county)]

    @route(
        "GET",
        "/api/v1/search/officials",
        summary="精准检索：按姓名、单位、职务、职级、标签、预警条件、提醒状态和时间范围",
        query=SearchQuerySchema,
        response=SearchPageSchema,
        tags=("registry",),
    )
    def search_officials(self, request):
        return search.search(self.store, request.principal, request.payload)

    @route("GET", "/api/v1/tags", summary="标准化信息标签库", response=TagVocabularySchema, tags=("registry",))
    def tags(self, request):
        return vocabulary()

    @route(
        "POST",
        "/api/v1/imports/chunks",
        summary="导入人员或单位（CSV / JSON Lines，分块）",
        body=ImportChunkSchema,
        response=ImportSummarySchema,
        roles=("archive_keeper", "operator"),
        tags=("registry",),
        max_body=16 * 1024 * 1024,
    )
    def import_chunk(self, request):
        p = request.payload
        first_line = p["first_line"] or (2 if p["format"] == "csv" else 1)
        return importing.import_chunk(
            self.store,
            self.clock,
            self.evaluator,
            p["kind"],
            p["format"],
            p["text"].splitlines(),
            first_line=first_line,
            as_of=p["as_of"],
            counties=request.principal.can_see,
        )

    # -- family and interests (archive roles only) -----------------------------------------------
    @route(
        "GET",
        "/api/v1/officials/<official_id>/matters",
        summary="家庭成员与利益关联、个人有关事项、处分（仅档案管理人员）",
        response=DossierSchema,
        roles=ARCHIVE_ROLES,
        tags=("matters",),
    )
    def get_matters(self, request, official_id):
        return matters.dossier_of(self.store, request.principal, official_id)

    @route(
        "POST",
        "/api/v1/officials/<official_id>/matters",
        summary="登记一条家庭成员与利益关联记录",
        body=MatterRecordInSchema,
        response=RecordAddedSchema,
        status=201,
        roles=ARCHIVE_ROLES,
        tags=("matters",),
    )
    def add_matter(self, request, official_id):
        return matters.add_record(
            self.store, self.clock, self.evaluator, request.principal, official_id, request.payload
        )

    @route(
        "POST",
        "/api/v1/officials/<official_id>/matters/<record_id>/end",
        summary="记录终止（辞去兼职、企业注销、回国定居等）",
        body=RecordEndSchema,
        response=MatterRecordSchema,
        roles=ARCHIVE_ROLES,
        tags=("matters",),
    )
    def end_matter(self, request, official_id, record_id):
        return matters.end_record(
            self.store, self.clock, request.principal, official_id, record_id, request.payload["ended_on"]
        )

    # -- conditions and reminders -------------------------------------------------------------------
    @route(
        "GET",
        "/api/v1/conditions",
        summary="十二类廉政风险预警条件（规则数据）",
        response=ConditionRulesSchema,
        tags=("reminders",),
    )
    def condition_list(self, request):
        return self.rules

    @route(
        "GET",
        "/api/v1/reminders",
        summary="监督提醒任务清单",
        query=ReminderQuerySchema,
        response=ReminderSchema,
        many=True,
        roles=REMINDER_ROLES,
        tags=("reminders",),
    )
    def reminder_list(self, request):
        return reminders.worklist(self.store, request.principal, **request.payload)

    @route(
        "GET",
        "/api/v1/reminders/figures",
        summary="监督提醒任务完成情况（按部门、地区）",
        response=FiguresSchema,
        many=True,
        roles=REMINDER_ROLES,
        tags=("reminders",),
    )
    def reminder_figures(self, request):
        return reminders.figures(self.store, self.clock, request.principal)

    @route(
        "GET",
        "/api/v1/reminders/<path:reminder_id>",
        summary="监督提醒任务（含留痕）",
        response=ReminderSchema,
        roles=REMINDER_ROLES,
        tags=("reminders",),
    )
    def reminder_detail(self, request, reminder_id):
        return reminders.get_reminder(self.store, request.principal, reminder_id)

    def _step(self, request, reminder_id, step):
        return reminders.take_step(
            self.store, self.clock, self.evaluator, request.principal, reminder_id, step, **request.payload
        )

    @route(
        "POST",
        "/api/v1/reminder-steps/acknowledge/<path:reminder_id>",
        summary="签收监督提醒",
        body=ReminderStepInSchema,
        response=ReminderSchema,
        roles=REMINDER_ROLES,
        tags=("reminders",),
    )
    def acknowledge_reminder(self, request, reminder_id):
        return self._step(request, reminder_id, "acknowledge")

    @route(
        "POST",
        "/api/v1/reminder-steps/verify/<path:reminder_id>",
        summary="了解核实（给出结果）",
        body=ReminderStepInSchema,
        response=ReminderSchema,
        roles=REMINDER_ROLES,
        tags=("reminders",),
    )
    def verify_reminder(self, request, reminder_id):
        return self._step(request, reminder_id, "verify")

    @route(
        "POST",
        "/api/v1/reminder-steps/close/<path:reminder_id>",
        summary="办结监督提醒",
        body=ReminderStepInSchema,
        response=ReminderSchema,
        roles=REMINDER_ROLES,
        tags=("reminders",),
    )
    def close_reminder(self, request, reminder_id):
        return self._step(request, reminder_id, "close")

    @route(
        "POST",
        "/api/v1/reminder-steps/reassign/<path:reminder_id>",
        summary="改派监督提醒",
        body=ReassignSchema,
        response=ReminderSchema,
        roles=REMINDER_ROLES,
        tags=("reminders",),
    )
    def reassign_reminder(self, request, reminder_id):
        p = request.payload
        return reminders.reassign(self.store, self.clock, request.principal, reminder_id, p["department"], p["note"])

    # -- timers ------------------------------------------------------------------------------------
    @timer(interval=TIMER_SECONDS)
    def supervise(self):
        """Escalate overdue reminders; once a day after SWEEP_HOUR, sweep every official's conditions."""
        escalated = reminders.escalate_overdue(self.store, self.clock)
        if self.clock.now().astimezone(CST).hour >= SWEEP_HOUR:
            conditions.nightly_sweep(self.store, self.clock, self.evaluator)
        return escalated
