"""Risk service entrypoints: thin, each loads, calls one handler, dumps."""

from __future__ import annotations

from nameko.rpc import rpc
from nameko.timer import timer

from wuying_common.clock import Clock
from wuying_common.consumers import wuying_event_handler
from wuying_common.errors import PayloadTooLarge
from wuying_common.http import SEMANTIC_ERRORS, route
from wuying_common.providers import StoredYearsCalendar
from wuying_common.service import WuyingService

from .dependencies import risk_outbox, risk_store
from .domain.rulebook import RULE_KINDS
from .exceptions import ProfileNotFound, RuleVersionNotFound
from .handlers import calendar as calendar_years
from .handlers import monitoring, powers, profiles, recompute, registry, reviews, risk_points, rules, signals
from .schemas import (
    CALENDAR_YEAR_LOADED_IN,
    AssessmentImportSchema,
    BusinessRecordSchema,
    CountSchema,
    CountyQuerySchema,
    DeletedSchema,
    EvaluateSchema,
    HitQuerySchema,
    HitSchema,
    ImportReportSchema,
    LibrarySchema,
    PowerQuerySchema,
    PowerRevisionSchema,
    PowerSchema,
    ProfileQuerySchema,
    ProfileSchema,
    ProfileSummarySchema,
    RankingRowSchema,
    RecomputeReportSchema,
    RecomputeSchema,
    RecordImportQuerySchema,
    RecordImportResultSchema,
    RecordQuerySchema,
    ReviewSchema,
    RiskPointCreateSchema,
    RiskPointQuerySchema,
    RiskPointSchema,
    RuleCommissionQuerySchema,
    RulesInForceSchema,
    RuleVersionCorrectSchema,
    RuleVersionCreateSchema,
    RuleVersionSchema,
    ScanReportSchema,
    ScanSchema,
    SignalRecordSchema,
    StepSchema,
    TieImportSchema,
    UnitProfileSchema,
)

WRITERS = ("risk_officer",)
DECIDERS = risk_points.DECIDERS
# Who sets a commission's rule data.
RULE_WRITERS = ("risk_officer", "commission_leader", "commission_secretary")
# Read-only access to the monitoring data: inspection teams get query accounts (seeds/003).
MONITORING_READERS = ("inspector", "risk_officer", "auditor", "commission_leader", "commission_secretary")
# Business records of a province arrive in files of tens of thousands of rows.
MAX_IMPORT_BYTES = 64 * 1024 * 1024
# Decay takes effect daily; missed reviews are escalated within the hour.
DAILY_SECONDS = 24 * 3600
REVIEW_CHECK_SECONDS = 3600
# How often every replica loads the calendar years another one stored.
CALENDAR_REFRESH_SECONDS = 300
# Made once: the RPC entrypoint dumps every profile through it.
PROFILE_OUT = ProfileSchema()


def _scope(commission: str) -> str:
    """The county prefix a commission's rules cover: 130402, 1304 (a city), 13 (a province)."""
    if commission.endswith("0000"):
        return commission[:2]
    if commission.endswith("00"):
        return commission[:4]
    return commission


class RiskService(WuyingService):
    name = "risk"
    title = "无影灯 · 廉政风险识别与评估服务 (risk)"
    description = (
        "动态廉政风险画像（各类信号逐因素加权、随时间衰减）、权力清单与风险点五步识别、评估排序与10%上限、"
        "复核周期与逾期升级、业务数据（两域）监测。"
    )

    store = risk_store()
    outbox = risk_outbox()
    clock = Clock()
    calendar = StoredYearsCalendar()

    # -- events in -------------------------------------------------------------------------
    @wuying_event_handler("archive", "official.changed")
    def on_official_changed(self, event):
        return registry.record_official(self.store, self.clock, event)

    @wuying_event_handler("archive", "officials.imported")
    def on_officials_imported(self, event):
        """A registry import's changes, up to 500 in one event (the same as ``official.changed``)."""
        outcome, applied = registry.record_imported(self.store, self.clock, event)
        self.metrics.counter("registry_imported", "Officials learnt from archive's officials.imported").inc(applied)
        return outcome

    @wuying_event_handler("intake", "petition.triaged")
    def on_petition_triaged(self, event):
        return self._counted(signals.on_petition_triaged(self.store, self.clock, event))

    @wuying_event_handler("inspection", "inspection.finding_recorded")
    def on_inspection_finding_recorded(self, event):
        return self._counted(signals.on_inspection_finding(self.store, self.clock, event))

    @wuying_event_handler("warning", "warning.issued")
    def on_warning_issued(self, event):
        return self._counted(signals.on_warning_issued(self.store, self.clock, event))

    @wuying_event_handler("warning", "warning.escalated")
    def on_warning_escalated(self, event):
        return self._counted(signals.on_warning_escalated(self.store, self.clock, event))

    @wuying_event_handler("warning", "warning.lifted")
    def on_warning_lifted(self, event):
        return self._counted(signals.on_warning_lifted(self.store, self.clock, event))

    @wuying_event_handler("archive", "archive.reminder_closed")
    def on_reminder_closed(self, event):
        return self._counted(signals.on_reminder_closed(self.store, self.clock, event))

    @wuying_event_handler("archive", "archive.integrity_credit_changed")
    def on_integrity_credit_changed(self, event):
        return self._counted(signals.on_integrity_credit_changed(self.store, self.clock, event))

    @wuying_event_handler("inspection", "inspection.disposition_added")
    def on_inspection_disposition_added(self, event):
        return self._counted(signals.on_disposition_added(self.store, self.clock, event))

    # -- the province's calendar -----------------------------------------------------------------
    @wuying_event_handler("warning", "calendar.year_loaded")
    def on_calendar_year_loaded(self, event):
        data = CALENDAR_YEAR_LOADED_IN.load(event["data"])
        return calendar_years.year_loaded(self.store, self.clock, self.calendar, event["id"], data)

    @timer(interval=CALENDAR_REFRESH_SECONDS)
    def refresh_calendar(self):
        """Every replica loads the years another one stored (a small collection, read whole)."""
        return {"refreshed": calendar_years.refresh_calendar(self.store, self.calendar)}

    def _counted(self, outcome: profiles.Outcome) -> str:
        self._count(outcome.changes)
        return outcome.status

    def _count(self, changes: list[profiles.Change]) -> None:
        changed = self.metrics.counter("profiles_changed", "Risk profiles changed, by county", ("county",))
        proposed = self.metrics.counter(
            "warnings_proposed", "Warnings proposed, by county and level", ("county", "level")
        )
        for change in changes:
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

    # -- timers ------------------------------------------------------------------------------
    @timer(interval=DAILY_SECONDS)
    def recompute_daily(self):
        """Decay takes effect without a new signal (a batch: scans every profile once a day)."""
        return recompute.recompute_profiles(self.store, self.clock, "", reason="decay").changed

    @timer(interval=REVIEW_CHECK_SECONDS)
    def check_reviews(self):
        return len(reviews.check_reviews(self.store, self.clock, self.calendar).escalated)

    # -- profiles --------------------------------------------------------------------------
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
        "/api/v1/profiles/<official_id>/signals",
        summary="人员的全部风险信号（含已移出画像的早期信号）",
        response=SignalRecordSchema,
        many=True,
        tags=("profiles",),
    )
    def get_profile_signals(self, request, official_id):
        return profiles.signals_view(self.store, request.principal, official_id, request.payload)

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
        return profiles.top_profiles(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/unit-profiles/<unit_id>",
        summary="单位动态廉政风险画像（单位层面信号、业务数据异常）",
        response=UnitProfileSchema,
        tags=("profiles",),
    )
    def get_unit_profile(self, request, unit_id):
        return profiles.unit_profile_view(self.store, request.principal, unit_id)

    @route(
        "GET",
        "/api/v1/unit-profiles",
        summary="按地区列出风险分值最高的单位画像",
        query=ProfileQuerySchema,
        response=UnitProfileSchema,
        many=True,
        tags=("profiles",),
    )
    def list_unit_profiles(self, request):
        return profiles.top_unit_profiles(self.store, request.principal, request.payload)

    @route(
        "POST",
        "/api/v1/assessments",
        summary="导入考核测评结果与廉政信用度（逐条计入画像，按 record_id 幂等）",
        body=AssessmentImportSchema,
        response=ImportReportSchema,
        roles=WRITERS,
        max_body=4 * 1024 * 1024,
        tags=("profiles",),
    )
    def import_assessments(self, request):
        report = signals.import_assessments(self.store, self.clock, request.principal, request.payload)
        self._count(report.changes)
        return report

    @route(
        "POST",
        "/api/v1/profiles/recompute",
        summary="按现行规则重新计算画像（省、市或县范围）",
        body=RecomputeSchema,
        response=RecomputeReportSchema,
        roles=RULE_WRITERS,
        tags=("rules",),
    )
    def recompute_profiles(self, request):
        prefix = request.payload["county_prefix"]
        request.principal.require_county((prefix + "000000")[:6] if prefix else "000000", field="county_prefix")
        return recompute.recompute_profiles(self.store, self.clock, prefix)

    # -- versioned rule data -----------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/rules/<kind>",
        summary="新建某纪委的规则版本（profile/evaluation/cadence/anomaly），立即生效",
        body=RuleVersionCreateSchema,
        response=RuleVersionSchema,
        status=201,
        roles=RULE_WRITERS,
        tags=("rules",),
    )
    def create_rule_version(self, request, kind):
        kind = _kind(kind)
        version = rules.create_version(self.store, self.clock, request.principal, kind, request.payload)
        if kind == "profile":
            recompute.recompute_profiles(self.store, self.clock, _scope(version.commission))
        return version

    @route(
        "PUT",
        "/api/v1/rules/<kind>/<commission>/<version>",
        summary="更正尚未被使用的规则版本（已用于评估的版本不能修改）",
        body=RuleVersionCorrectSchema,
        response=RuleVersionSchema,
        roles=RULE_WRITERS,
        tags=("rules",),
    )
    def correct_rule_version(self, request, kind, commission, version):
        return rules.correct_version(
            self.store, self.clock, request.principal, _kind(kind), commission, version, request.payload
        )

    @route(
        "GET",
        "/api/v1/rules/<kind>",
        summary="某纪委的规则版本历史",
        query=RuleCommissionQuerySchema,
        response=RuleVersionSchema,
        many=True,
        tags=("rules",),
    )
    def list_rule_versions(self, request, kind):
        return rules.versions(self.store, request.principal, _kind(kind), request.payload)

    @route(
        "GET",
        "/api/v1/rules/<kind>/in-force",
        summary="某县现行的规则（本级、市级、省级或默认）",
        query=CountyQuerySchema,
        response=RulesInForceSchema,
        tags=("rules",),
    )
    def rules_in_force(self, request, kind):
        return rules.version_view(self.store, request.principal, _kind(kind), request.payload["county"])

    # -- power lists (权力清单) ----------------------------------------------------------------
    @route(
        "POST",
        "/api/v1/powers",
        summary="新增岗位权力清单条目（含流程环节、风险点、防控措施）",
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
        "GET",
        "/api/v1/powers/<power_id>/history",
        summary="权力清单条目的历次修订",
        response=PowerRevisionSchema,
        many=True,
        tags=("powers",),
    )
    def power_history(self, request, power_id):
        return powers.history(self.store, request.principal, power_id, request.payload)

    @route(
        "PUT",
        "/api/v1/powers/<power_id>",
        summary="修改权力清单条目（新修订，待重新公开）",
        body=PowerSchema,
        response=PowerSchema,
        roles=WRITERS,
        tags=("powers",),
    )
    def update_power(self, request, power_id):
        return powers.update_power(self.store, self.clock, request.principal, power_id, request.payload)

    @route(
        "POST",
        "/api/v1/powers/<power_id>/publish",
        summary="公开权力清单条目的当前修订（绘权晒权）",
        response=PowerSchema,
        roles=DECIDERS,
        tags=("powers",),
    )
    def publish_power(self, request, power_id):
        return powers.publish_power(self.store, self.clock, request.principal, power_id)

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

    @route(
        "GET",
        "/api/v1/library",
        summary="公开的权力清单与风险点（门户网站，无需登录，不含个人信息）",
        query=CountyQuerySchema,
        response=LibrarySchema,
        public=True,
        tags=("library",),
    )
    def public_library(self, request):
        return powers.public_library(self.store, request.payload["county"])

    # -- risk points: five-step identification, evaluation, reviews --------------------------
    @route(
        "POST",
        "/api/v1/risk-points",
        summary="登记风险点（第一步：自己找；系统分配同岗位同事）",
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
        summary="记录识别步骤（同事帮、领导点、集体定、组织审，按顺序，各由其人，一人一步）",
        body=StepSchema,
        response=RiskPointSchema,
        tags=("risk-points",),
    )
    def add_step(self, request, risk_id):
        return risk_points.add_step(self.store, self.clock, request.principal, risk_id, request.payload)

    @route(
        "POST",
        "/api/v1/risk-points/<risk_id>/evaluation",
        summary="评估风险点：七因素→风险指数→高中低（部门高等级原则上不超过10%）；重新评估保留历史",
        body=EvaluateSchema,
        response=RiskPointSchema,
        roles=DECIDERS,
        tags=("risk-points",),
    )
    def evaluate_risk_point(self, request, risk_id):
        return risk_points.evaluate_risk_point(
            self.store, self.clock, request.principal, risk_id, request.payload, calendar=self.calendar
        )

    @route(
        "POST",
        "/api/v1/risk-points/<risk_id>/reviews",
        summary="记录风险点定期复核，计算下次复核日期",
        body=ReviewSchema,
        response=RiskPointSchema,
        tags=("risk-points",),
    )
    def review_risk_point(self, request, risk_id):
        return reviews.record_review(self.store, self.clock, self.calendar, request.principal, risk_id, request.payload)

    @route(
        "GET",
        "/api/v1/risk-points/overdue-reviews",
        summary="复核逾期的风险点（逾期最久者在前）",
        query=CountyQuerySchema,
        response=RiskPointSchema,
        many=True,
        tags=("risk-points",),
    )
    def overdue_reviews(self, request):
        return reviews.overdue_queue(self.store, self.clock, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/risk-points/ranking",
        summary="风险排序（风险指数由高到低，标明可接受的风险基准）",
        query=RiskPointQuerySchema,
        response=RankingRowSchema,
        many=True,
        tags=("risk-points",),
    )
    def risk_ranking(self, request):
        return risk_points.ranking(self.store, request.principal, request.payload)

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

    # -- business-data monitoring (seeds/003) -------------------------------------------------
    @route(
        "POST",
        "/api/v1/monitoring/records",
        summary="批量导入政府采购与工程招投标数据（CSV 或 JSON lines，按记录号幂等，逐行报错）",
        query=RecordImportQuerySchema,
        response=RecordImportResultSchema,
        roles=WRITERS,
        tags=("monitoring",),
    )
    def import_records(self, request):
        if (request.content_length or 0) > MAX_IMPORT_BYTES:
            raise PayloadTooLarge(fields={"_body": f"不得超过 {MAX_IMPORT_BYTES} 字节"})
        body = request.get_data(cache=False).decode("utf-8-sig", errors="replace")
        return monitoring.import_records(self.store, self.clock, request.principal, body, request.payload["format"])

    @route(
        "POST",
        "/api/v1/monitoring/ties",
        summary="导入供应商与领导干部（含亲属）的关联",
        body=TieImportSchema,
        response=CountSchema,
        roles=WRITERS,
        max_body=8 * 1024 * 1024,
        tags=("monitoring",),
    )
    def import_ties(self, request):
        return {"count": monitoring.import_ties(self.store, self.clock, request.principal, request.payload)}

    @route(
        "POST",
        "/api/v1/monitoring/scans",
        summary="按现行异常规则扫描某县一段时间的业务数据，新线索计入人员和单位画像",
        body=ScanSchema,
        response=ScanReportSchema,
        roles=WRITERS,
        tags=("monitoring",),
        errors=SEMANTIC_ERRORS,
    )
    def run_scan(self, request):
        q = request.payload
        report = monitoring.run_scan(self.store, self.clock, request.principal, q["county"], q["start"], q["end"])
        self._count(report.changes)
        return report

    @route(
        "GET",
        "/api/v1/monitoring/records",
        summary="查询业务数据（巡察组只读）",
        query=RecordQuerySchema,
        response=BusinessRecordSchema,
        many=True,
        roles=MONITORING_READERS,
        tags=("monitoring",),
    )
    def query_records(self, request):
        return monitoring.query_records(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/monitoring/hits",
        summary="查询异常线索及其证据（巡察组只读）",
        query=HitQuerySchema,
        response=HitSchema,
        many=True,
        roles=MONITORING_READERS,
        tags=("monitoring",),
    )
    def query_hits(self, request):
        return monitoring.query_hits(self.store, request.principal, request.payload)

    @route(
        "GET",
        "/api/v1/monitoring/hits/<path:hit_id>",
        summary="异常线索详情",
        response=HitSchema,
        roles=MONITORING_READERS,
        tags=("monitoring",),
    )
    def get_hit(self, request, hit_id):
        return monitoring.get_hit(self.store, request.principal, hit_id)


def _kind(kind: str) -> str:
    if kind not in RULE_KINDS:
        raise RuleVersionNotFound(f"未知的规则种类：{kind}", fields={"kind": "profile, evaluation, cadence, anomaly"})
    return kind
