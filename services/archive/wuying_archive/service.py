"""Archive service entrypoints: thin, each loads, calls one handler, dumps."""

from __future__ import annotations

import json
from urllib.parse import quote

import eventlet
from nameko.rpc import rpc
from nameko.timer import timer
from werkzeug.wrappers import Response

from wuying_common.clock import CST, Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.http import SEMANTIC_ERRORS, content_disposition, denial, route
from wuying_common.paging import page_of
from wuying_common.providers import StoredYearsCalendar
from wuying_common.service import WuyingService

from . import handlers
from .dependencies import CheckpointKey, ConditionRulesProvider, archive_outbox, archive_store
from .domain.tags import vocabulary
from .exceptions import InquiryNotFound
from .handlers import calendar as calendar_years
from .handlers import (
    checkpoints,
    conditions,
    importing,
    matters,
    portrait,
    records,
    registry,
    reminders,
    review,
    search,
    supervision,
)
from .handlers.conditions import Evaluator
from .handlers.matters import ARCHIVE_ROLES
from .schemas import (
    AccessLogQuerySchema,
    AccessLogSchema,
    CalendarYearLoadedIn,
    ChainCheckSchema,
    CheckpointQuerySchema,
    CheckResultInSchema,
    ConditionRulesSchema,
    CreditSchema,
    DossierSchema,
    DrawInSchema,
    DrawSchema,
    DrawStepInSchema,
    EducationInSchema,
    EducationQuerySchema,
    EducationSchema,
    ExportQuerySchema,
    FiguresSchema,
    FileQuerySchema,
    FileSchema,
    FollowUpInSchema,
    HolderSchema,
    HoldersQuerySchema,
    ImportChunkSchema,
    ImportSummarySchema,
    InquiryInSchema,
    InquirySchema,
    InquiryStepInSchema,
    MandatoryCheckInSchema,
    MatterRecordInSchema,
    MatterRecordSchema,
    NoteInSchema,
    OfficialQuerySchema,
    OfficialSchema,
    PortraitQuerySchema,
    PortraitSchema,
    PublicKeySchema,
    ReassignSchema,
    RecordAddedSchema,
    RecordEndSchema,
    RecordInSchema,
    RegisterResultSchema,
    RegisterSchema,
    ReminderQuerySchema,
    ReminderSchema,
    ReminderStepInSchema,
    ReportCheckQuerySchema,
    ReportCheckSchema,
    ReviewInSchema,
    ReviewRowsQuerySchema,
    ReviewRowsSchema,
    ReviewSchema,
    SearchQuerySchema,
    SupervisionRecordSchema,
    SupervisorInSchema,
    SupervisorSchema,
    TagVocabularySchema,
    UnitSchema,
)
from .views import portrait_pdf, review_pdf

#: How often the timer looks for overdue reminders and, once a day after SWEEP_HOUR (Beijing),
#: runs the nightly sweep of the conditions.
TIMER_SECONDS = 600
SWEEP_HOUR = 1
#: How often every replica loads the calendar years another one stored.
CALENDAR_REFRESH_SECONDS = 300
#: How often checkpoints are signed (at least daily: a county with nothing new gets a heartbeat).
CHECKPOINT_SECONDS = 3600
#: How often a replica computes pages of large integrity reviews, and how many per run.
REVIEW_SECONDS = 5
REVIEW_PAGES_PER_RUN = 40

# Who takes reminder steps and reads reminders (the steps check their own roles too).
REMINDER_ROLES = ("auditor", "commission_leader", "commission_secretary", "archive_keeper")


class ArchiveService(WuyingService):
    name = "archive"
    title = "无影灯 · 廉政档案服务 (archive)"
    description = "一人一档：人员登记、廉政档案时间线（防篡改哈希链）。"

    store = archive_store()
    outbox = archive_outbox()
    clock = Clock()
    calendar = StoredYearsCalendar()
    rules = ConditionRulesProvider()
    signer = CheckpointKey()

    @property
    def evaluator(self) -> Evaluator:
        return Evaluator(self.calendar, self.rules)

    # -- events in (one handler per source and type, so each has its own durable queue) ----
    # Its own official.changed too: the personnel change is written with the official in one
    # write, and reaches the file through the outbox like any other event (at least once).
    @wuying_event_handler("archive", "official.changed")
    def on_official_changed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    # An import's changes, 500 to an event (``registry.apply_officials``): each lands in its file.
    @wuying_event_handler("archive", "officials.imported")
    def on_officials_imported(self, event):
        return registry.record_imported(self.store, self.clock, event)

    @wuying_event_handler("archive", "archive.reminder_created")
    def on_reminder_created(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("archive", "archive.reminder_closed")
    def on_reminder_closed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("archive", "archive.supervision_recorded")
    def on_supervision_recorded(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("archive", "archive.case_clue_raised")
    def on_case_clue_raised(self, event):
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
        return handlers.record_event(self.store, self.clock, event, self.evaluator)

    @wuying_event_handler("warning", "warning.escalated")
    def on_warning_escalated(self, event):
        return handlers.record_event(self.store, self.clock, event, self.evaluator)

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

    @wuying_event_handler("warning", "warning.superseded")
    def on_warning_superseded(self, event):
        return handlers.record_event(self.store, self.clock, event, self.evaluator)

    @wuying_event_handler("warning", "organisational_handling.opened")
    def on_organisational_handling_opened(self, event):
        return handlers.record_event(self.store, self.clock, event, self.evaluator)

    @wuying_event_handler("warning", "organisational_handling.closed")
    def on_organisational_handling_closed(self, event):
        return handlers.record_event(self.store, self.clock, event, self.evaluator)

    # -- the province's calendar -----------------------------------------------------------------
    @wuying_event_handler("warning", "calendar.year_loaded")
    def on_calendar_year_loaded(self, event):
        data = CalendarYearLoadedIn().load(event["data"])
        return calendar_years.year_loaded(self.store, self.clock, self.calendar, event["id"], data)

    @timer(interval=CALENDAR_REFRESH_SECONDS)
    def refresh_calendar(self):
        """Every replica loads the years another one stored (a small collection, read whole)."""
        return {"refreshed": calendar_years.refresh_calendar(self.store, self.calendar)}

    @wuying_event_handler("inspection", "inspection.scheduled")
    def on_inspection_scheduled(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("inspection", "inspection.finding_recorded")
    def on_inspection_finding_recorded(self, event):
        """In the file; and a finding disposed of by a talk or letter inquiry is an inquiry (cap)."""
        outcome = handlers.record_event(self.store, self.clock, event, self.evaluator)
        supervision.inquiries_ordered(self.store, self.clock, event)
        return outcome

    @wuying_event_handler("inspection", "inspection.completed")
    def on_inspection_completed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("inspection", "inspection.disposition_added")
    def on_inspection_disposition_added(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("inspection", "inspection.disposition_closed")
    def on_inspection_disposition_closed(self, event):
        return handlers.record_event(self.store, self.clock, event)

    @wuying_event_handler("inspection", "inspection.evaluation_recorded")
    def on_inspection_evaluation_recorded(self, event):
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
    def get_unit(self, unit_id):
        """A registered unit (warning checks a unit exists and where before answering for it)."""
        unit = handlers.get_unit(self.store, unit_id)
        return UnitSchema().dump(unit) if unit is not None else None

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
        return self.store.official_list(request.principal.counties_in(q["county"]), q, q["name"])

    @route(
        "GET",
        "/api/v1/officials/<official_id>/file",
        summary="人员廉政档案时间线（分页）",
        query=FileQuerySchema,
        response=FileSchema,
        tags=("files",),
    )
    def official_file(self, request, official_id):
        return self._file_read(request, "official", official_id)

    @route(
        "GET",
        "/api/v1/units/<unit_id>/file",
        summary="单位档案时间线（分页）",
        query=FileQuerySchema,
        response=FileSchema,
        tags=("files",),
    )
    def unit_file(self, request, unit_id):
        return self._file_read(request, "unit", unit_id)

    def _file_read(self, request, kind: str, subject_id: str):
        def read():
            return handlers.integrity_file(self.store, request.principal, kind, subject_id, **request.payload)

        return self._audited(request, f"{kind}_file.read", kind, subject_id, read)

    def _audited(self, request, action: str, kind: str, subject_id: str, read, grant: bool = True):
        """Files and portraits are ``audited`` in the matrix: refusals and grants are logged."""
        principal = request.principal
        return portrait.audited_read(
            self.store, self.clock, principal, denial(request), action, kind, subject_id, read, grant=grant
        )

    @route(
        "GET",
        "/api/v1/officials/<official_id>/file/verification",
        summary="校验人员档案哈希链（按需）",
        response=ChainCheckSchema,
        tags=("files",),
    )
    def verify_official_file(self, request, official_id):
        return self._audited(
            request,
            "official_file.verify",
            "official",
            official_id,
            lambda: handlers.verify_file(self.store, request.principal, "official", official_id),
        )

    @route(
        "GET",
        "/api/v1/units/<unit_id>/file/verification",
        summary="校验单位档案哈希链（按需）",
        response=ChainCheckSchema,
        tags=("files",),
    )
    def verify_unit_file(self, request, unit_id):
        return self._audited(
            request,
            "unit_file.verify",
            "unit",
            unit_id,
            lambda: handlers.verify_file(self.store, request.principal, "unit", unit_id),
        )

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
        mine = [h for h in found if request.principal.can_see(h[0].county)]
        return page_of(mine, q, key=lambda h: (h[0].id, h[1].start, h[1].post))

    @route(
        "GET",
        "/api/v1/search/officials",
        summary="精准检索：按姓名、单位、职务、职级、标签、预警条件、提醒状态和时间范围",
        query=SearchQuerySchema,
        response=OfficialSchema,
        many=True,
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
        if p["kind"] == "matters":  # family and interests: archive roles only
            request.principal.require_role(*ARCHIVE_ROLES)
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

    # -- the integrity portrait and the personal report (issue 10 item 7) -------------------------
    @route(
        "GET",
        "/api/v1/officials/<official_id>/portrait",
        summary="廉政画像（任职、家庭与利益关联、预警条件与监督提醒、信访举报与处置、预警、组织处理、巡察发现、风险画像）",
        query=PortraitQuerySchema,
        response=PortraitSchema,
        roles=ARCHIVE_ROLES,
        tags=("portrait",),
    )
    def official_portrait(self, request, official_id):
        def read():
            purpose = request.payload["purpose"]
            return portrait.portrait(
                self.store, self.clock, self.evaluator, request.principal, official_id, purpose=purpose
            )

        # portrait() audits the grant itself (with the purpose); refusals are audited here.
        return self._audited(request, "portrait.read", "official", official_id, read, grant=False)

    @route(
        "GET",
        "/api/v1/officials/<official_id>/report.pdf",
        summary="打印个人综合廉情报告（PDF，水印标注查阅人和时间）",
        query=PortraitQuerySchema,
        roles=ARCHIVE_ROLES,
        tags=("portrait",),
    )
    def official_report_pdf(self, request, official_id):
        def read():
            return portrait.portrait(
                self.store,
                self.clock,
                self.evaluator,
                request.principal,
                official_id,
                action="report.pdf",
                purpose=request.payload["purpose"],
            )

        found = self._audited(request, "report.pdf", "official", official_id, read, grant=False)
        return pdf_response(portrait_pdf(found), f"integrity-report-{official_id}.pdf")

    @route(
        "GET",
        "/api/v1/officials/<official_id>/credit",
        summary="廉政信用（逐项说明扣分依据）",
        response=CreditSchema,
        roles=("archive_keeper", "auditor", "commission_leader"),
        tags=("portrait",),
    )
    def official_credit(self, request, official_id):
        return portrait.credit_now(self.store, self.clock, self.evaluator, request.principal, official_id)

    @route(
        "GET",
        "/api/v1/access-log",
        summary="查阅日志：谁在何时因何查阅了廉政画像、廉情报告、审核报告或导出档案",
        query=AccessLogQuerySchema,
        response=AccessLogSchema,
        many=True,
        roles=("auditor",),
        tags=("portrait",),
    )
    def access_log(self, request):
        q = request.payload
        return self.store.access_log(request.principal.counties, q, subject=q["subject"], by=q["by"])

    # -- tamper evidence an outside auditor can prove (issue 11 item 6) ------------------------------
    @timer(interval=CHECKPOINT_SECONDS)
    def sign_checkpoints(self):
        """Sign, per county, the heads that moved; a daily heartbeat for a county with nothing new."""
        return checkpoints.sign_checkpoints(self.store, self.clock, self.signer)

    @route(
        "POST",
        "/api/v1/checkpoints",
        summary="立即签发档案检查点（运维）",
        roles=("operator",),
        tags=("audit",),
    )
    def sign_now(self, request):
        return checkpoints.sign_checkpoints(self.store, self.clock, self.signer)

    @route(
        "GET",
        "/api/v1/checkpoints/public-key",
        summary="检查点签名公钥（审计方应另行从档案部门书面获取并核对）",
        response=PublicKeySchema,
        tags=("audit",),
    )
    def public_key(self, request):
        if self.signer is None:
            return {"key_id": "", "public_key_pem": ""}
        return {"key_id": self.signer.key_id, "public_key_pem": self.signer.public_pem()}

    @route(
        "GET",
        "/api/v1/checkpoints",
        summary="某地区的签名检查点（JSON Lines；审计以第三方保存的为准）",
        query=CheckpointQuerySchema,
        roles=("auditor",),
        tags=("audit",),
    )
    def checkpoint_list(self, request):
        q = request.payload
        request.principal.require_county(q["county"])
        found = self.store.checkpoints(q["county"], q["after"], q["limit"])
        return ndjson_response([checkpoints.event_data(c) for c in found])

    @route(
        "GET",
        "/api/v1/audit/export",
        summary="导出某地区全部档案条目（JSON Lines，分页；供 python -m wuying_archive.verifier 核验）",
        query=ExportQuerySchema,
        roles=("auditor",),
        tags=("audit",),
    )
    def export_files(self, request):
        q = request.payload
        request.principal.require_county(q["county"])
        portrait.audit(
            self.store, self.clock, request.principal, "export.files", q["county"], q["county"], q["purpose"]
        )
        lines, next_after = checkpoints.export_page(self.store, (q["county"],), q["after"], q["limit"])
        # A header holds Latin-1 only: a key with other characters is percent-encoded (ASCII keys
        # are sent as they are), which ``?after=`` decodes again.
        return ndjson_response(lines, {"X-Next-After": quote(next_after or "", safe=":/-_.~@+=,;")})

    # -- records in the file (issue 11 item 3) -------------------------------------------------------
    @route(
        "POST",
        "/api/v1/officials/<official_id>/records",
        summary="登记廉洁承诺、家庭助廉承诺、廉洁家访、监督谈话或特邀监督员反映",
        body=RecordInSchema,
        response=SupervisionRecordSchema,
        status=201,
        roles=("archive_keeper", "auditor", "commission_leader"),
        tags=("records",),
    )
    def add_supervision_record(self, request, official_id):
        p = request.payload
        return records.add_record(
            self.store, self.clock, request.principal, "official", official_id, p["kind"], p["on"], p["details"]
        )

    @route(
        "GET",
        "/api/v1/officials/<official_id>/records",
        summary="某人的承诺、家访、监督谈话和特邀监督员反映",
        response=SupervisionRecordSchema,
        many=True,
        roles=records.READERS,
        tags=("records",),
    )
    def supervision_records(self, request, official_id):
        found = records.records_of(self.store, request.principal, official_id)
        return page_of(found, request.payload, key=lambda r: (r.on, r.id))

    @route(
        "POST",
        "/api/v1/records/<record_id>/follow-up",
        summary="跟进落实（谈话后续、家访反馈），或特邀监督员反映的下一步（建议、审定、决定、公布）",
        body=FollowUpInSchema,
        response=SupervisionRecordSchema,
        roles=records.READERS,
        tags=("records",),
    )
    def follow_up(self, request, record_id):
        p = request.payload
        return records.follow_up(self.store, self.clock, request.principal, record_id, p["note"], p["step"])

    @route(
        "POST",
        "/api/v1/units/<unit_id>/education",
        summary="登记廉政党课",
        body=EducationInSchema,
        response=SupervisionRecordSchema,
        status=201,
        roles=("archive_keeper",),
        tags=("records",),
    )
    def add_lecture(self, request, unit_id):
        p = dict(request.payload)
        held_on = p.pop("held_on")
        return records.add_record(self.store, self.clock, request.principal, "unit", unit_id, "education", held_on, p)

    @route(
        "GET",
        "/api/v1/units/<unit_id>/education",
        summary="廉政党课开展情况（按单位、按领导是否达标）",
        query=EducationQuerySchema,
        response=EducationSchema,
        roles=records.READERS,
        tags=("records",),
    )
    def education(self, request, unit_id):
        return records.education(self.store, self.clock, request.principal, unit_id, request.payload["year"])

    @route(
        "POST",
        "/api/v1/supervisors",
        summary="聘任特邀监督员",
        body=SupervisorInSchema,
        response=SupervisorSchema,
        status=201,
        roles=("archive_keeper",),
        tags=("records",),
    )
    def appoint_supervisor(self, request):
        return records.appoint(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/supervisors",
        summary="特邀监督员名册",
        response=SupervisorSchema,
        many=True,
        roles=records.READERS,
        tags=("records",),
    )
    def supervisor_list(self, request):
        return self.store.supervisors(request.principal.counties, request.payload)

    @route(
        "GET",
        "/api/v1/supervisors/<supervisor_id>/reports",
        summary="某特邀监督员反映的情况及处理",
        response=SupervisionRecordSchema,
        many=True,
        roles=records.READERS,
        tags=("records",),
    )
    def supervisor_reports(self, request, supervisor_id):
        found = [r for r in self.store.supervisor_reports(supervisor_id) if request.principal.can_see(r.county)]
        return page_of(found, request.payload, key=lambda r: (r.on, r.id))

    # -- the one-click integrity review (issue 11 item 5) ----------------------------------------------
    @route(
        "POST",
        "/api/v1/reviews",
        summary="一键廉政审核：按人员（姓名或编号、名单文件）或单位及审核期间，检索问题线索处置、组织处理、党纪政务处分等",
        body=ReviewInSchema,
        response=ReviewSchema,
        status=201,
        roles=review.REVIEWERS,
        tags=("review",),
        errors=SEMANTIC_ERRORS,
        max_body=8 * 1024 * 1024,
    )
    def create_review(self, request):
        return review.create_review(self.store, self.clock, self.evaluator, request.principal, **request.payload)

    @route(
        "GET",
        "/api/v1/reviews/<review_id>",
        summary="廉政审核的进度、未能审核的输入和汇总",
        response=ReviewSchema,
        roles=review.REVIEWERS,
        tags=("review",),
    )
    def get_review(self, request, review_id):
        return review.get_review(self.store, self.clock, request.principal, review_id)

    @route(
        "GET",
        "/api/v1/reviews/<review_id>/rows",
        summary="廉政审核结果（按页，每页500人）",
        query=ReviewRowsQuerySchema,
        response=ReviewRowsSchema,
        roles=review.REVIEWERS,
        tags=("review",),
    )
    def review_rows(self, request, review_id):
        return review.rows_of(self.store, self.clock, request.principal, review_id, request.payload["page"])

    @route(
        "GET",
        "/api/v1/reviews/<review_id>/report.pdf",
        summary="打印廉政审核报告（PDF，水印标注打印人和时间）",
        roles=review.REVIEWERS,
        tags=("review",),
    )
    def review_report_pdf(self, request, review_id):
        found = review.get_review(self.store, self.clock, request.principal, review_id, action="review.pdf")
        rows = review.all_rows(self.store, found)
        body = review_pdf(found, rows, request.principal.subject, self.clock.now())
        return pdf_response(body, f"integrity-review-{review_id}.pdf")

    @timer(interval=REVIEW_SECONDS)
    def run_reviews(self):
        """Large reviews, a few pages at a time (the progress is on the review)."""
        for found in self.store.reviews_to_run():
            review.run_review(self.store, self.clock, self.evaluator, found.id, REVIEW_PAGES_PER_RUN)

    # -- personal-matters checks and inquiries (issue 11 items 1–2) ----------------------------------
    @route(
        "POST",
        "/api/v1/draws",
        summary="随机抽取：冻结抽取范围并承诺随机种子（公布其哈希）",
        body=DrawInSchema,
        response=DrawSchema,
        status=201,
        roles=supervision.SUPERVISORS,
        tags=("supervision",),
    )
    def commit_draw(self, request):
        p = request.payload
        return supervision.commit_draw(
            self.store, self.clock, request.principal, p["purpose"], p["commission"], p["period"]
        )

    @route(
        "POST",
        "/api/v1/draw-steps/draw/<path:draw_id>",
        summary="随机抽取：以当场公布的公开随机数抽取，公布种子",
        body=DrawStepInSchema,
        response=DrawSchema,
        roles=supervision.SUPERVISORS,
        tags=("supervision",),
    )
    def make_draw(self, request, draw_id):
        return supervision.make_draw(
            self.store, self.clock, request.principal, draw_id, request.payload["public_entropy"]
        )

    @route(
        "GET",
        "/api/v1/draws/<path:draw_id>",
        summary="随机抽取的承诺、范围和结果（任何人可据此复核）",
        response=DrawSchema,
        roles=supervision.READERS,
        tags=("supervision",),
    )
    def get_draw(self, request, draw_id):
        return supervision.get_draw(self.store, request.principal, draw_id)

    @route(
        "POST",
        "/api/v1/report-checks",
        summary="个人有关事项一律抽查核实（拟提拔、后备干部、拟进一步使用、涉及报告事项举报）",
        body=MandatoryCheckInSchema,
        response=ReportCheckSchema,
        status=201,
        roles=(*supervision.SUPERVISORS, "archive_keeper"),
        tags=("supervision",),
    )
    def mandatory_check(self, request):
        p = request.payload
        return supervision.mandatory_check(
            self.store, self.clock, request.principal, p["official_id"], p["year"], p["reason"]
        )

    @route(
        "GET",
        "/api/v1/report-checks",
        summary="个人有关事项核查清单",
        query=ReportCheckQuerySchema,
        response=ReportCheckSchema,
        many=True,
        roles=supervision.READERS,
        tags=("supervision",),
    )
    def report_checks(self, request):
        q = request.payload
        return self.store.report_checks(request.principal.counties, q, year=q["year"], state=q["state"])

    @route(
        "POST",
        "/api/v1/report-check-steps/result/<path:check_id>",
        summary="登记核查结果（如实报告、漏报、隐瞒不报）",
        body=CheckResultInSchema,
        response=ReportCheckSchema,
        roles=supervision.SUPERVISORS,
        tags=("supervision",),
    )
    def check_result(self, request, check_id):
        return supervision.record_check_result(
            self.store, self.clock, self.evaluator, request.principal, check_id, **request.payload
        )

    @route(
        "POST",
        "/api/v1/report-check-steps/close/<path:check_id>",
        summary="核查办结",
        body=NoteInSchema,
        response=ReportCheckSchema,
        roles=supervision.LEADERS,
        tags=("supervision",),
    )
    def check_close(self, request, check_id):
        return supervision.close_check(self.store, self.clock, request.principal, check_id, request.payload["note"])

    @route(
        "POST",
        "/api/v1/inquiries",
        summary="谈话函询（同一人一年一般不超过2次，超过须写明理由并经领导批准）",
        body=InquiryInSchema,
        response=InquirySchema,
        status=201,
        roles=supervision.SUPERVISORS,
        tags=("supervision",),
    )
    def open_inquiry(self, request):
        p = dict(request.payload)
        return supervision.open_inquiry(self.store, self.clock, request.principal, p.pop("official_id"), **p)

    @route(
        "GET",
        "/api/v1/officials/<official_id>/inquiries",
        summary="某人的谈话函询",
        response=InquirySchema,
        many=True,
        roles=supervision.READERS,
        tags=("supervision",),
    )
    def inquiries_of(self, request, official_id):
        official = supervision._official(self.store, request.principal, official_id)
        return page_of(self.store.inquiries_of(official.id), request.payload)

    @route(
        "POST",
        "/api/v1/inquiry-steps/<step>/<path:inquiry_id>",
        summary="谈话函询步骤：approve（领导批准）、answer（登记说明）、verify（抽查核实）、close（了结）",
        body=InquiryStepInSchema,
        response=InquirySchema,
        roles=(*supervision.SUPERVISORS, *supervision.LEADERS),
        tags=("supervision",),
    )
    def inquiry_step(self, request, step, inquiry_id):
        if step not in ("approve", "answer", "verify", "close"):
            raise InquiryNotFound(fields={"step": step})
        return supervision.inquiry_step_taken(
            self.store, self.clock, self.evaluator, request.principal, inquiry_id, step, **request.payload
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
        return reminders.worklist(self.store, request.principal, request.payload)

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
        rows = reminders.figures(self.store, self.clock, request.principal)
        return page_of(rows, request.payload, key=lambda f: (f.county, f.department))

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
        registry.finish_stale_batches(self.store, self.clock)  # an import a crash left unannounced
        if self.clock.now().astimezone(CST).hour >= SWEEP_HOUR:
            # yielding after each page: the consumers go on while a province is swept
            conditions.nightly_sweep(self.store, self.clock, self.evaluator, between_pages=eventlet.sleep)
        return escalated


def pdf_response(body: bytes, filename: str) -> Response:
    """A printable report: never cached (it names people and what happened to them)."""
    return Response(
        body,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": content_disposition(filename),
            "Cache-Control": "no-store",
            "X-Content-Type-Options": "nosniff",
        },
    )


def ndjson_response(rows: list[dict], headers: dict | None = None) -> Response:
    body = "".join(json.dumps(row, ensure_ascii=False, sort_keys=True, default=str) + "\n" for row in rows)
    return Response(
        body,
        mimetype="application/x-ndjson",
        headers={"Cache-Control": "no-store", **(headers or {})},
    )
