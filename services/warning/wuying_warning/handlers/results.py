"""Using the results (seeds/002 篇5 三(二): the quarterly 廉政风险信息预警专报 to the Party
committee and government; 七(二): a unit with two or more red warnings in a year is not rated
an advanced unit) and the reads other services make over RPC."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Protocol

from wuying_common.auth import Principal
from wuying_common.calendar import WorkingDayCalendar
from wuying_common.errors import Forbidden

from ..domain.lifecycle import OPEN
from ..domain.quarterly import count_quarter
from ..domain.results import (
    RED_WARNINGS_BARRING_ADVANCED,
    AnswerTimes,
    advanced_eligible,
    answer_times,
    quarter_bounds,
)
from ..exceptions import UnitNotFound
from ..persistence import WarningRecord, WarningRow, WarningStore
from .calendar import refresh_calendar

ELIGIBILITY_RULE = "篇5 七(二)：单位一年内受到两次及以上一级预警的，当年不得评为先进单位"


@dataclass(frozen=True)
class Eligibility:
    unit_id: str
    year: int
    eligible: bool
    red_warnings: int
    warning_ids: list[str]
    threshold: int = RED_WARNINGS_BARRING_ADVANCED
    rule: str = ELIGIBILITY_RULE


@dataclass(frozen=True)
class TriggerCount:
    code: str
    label: str
    count: int


@dataclass(frozen=True)
class Period:
    first: date
    last: date


@dataclass(frozen=True)
class QuarterlyReport:
    """廉政风险信息预警专报 of one county and quarter (dumped by ``QuarterlyReportSchema``)."""

    county: str
    year: int
    quarter: int
    period: Period
    total: int
    by_level: dict[str, int]
    by_status: dict[str, int]
    by_trigger: list[TriggerCount]
    overdue: list[WarningRow]  # the warnings listed: report lines (``WarningStore.warning_items``)
    escalated: list[WarningRow]
    lifted: list[WarningRow]
    answer_times: AnswerTimes


class UnitRegistry(Protocol):
    """archive's registry of units (``get_unit``: id, name, county, kind; None if unknown);
    raises ``RegistryUnavailable`` (503) when archive cannot answer."""

    def get_unit(self, unit_id: str) -> dict | None: ...


def advanced_eligibility(
    store: WarningStore, principal: Principal, unit_id: str, year: int, registry: UnitRegistry | None = None
) -> Eligibility:
    """篇5 七(二): 一年内两次及以上红色预警的不得评先. Asked over HTTP (``registry`` given), the
    unit must exist in archive's registry (else 404) and be in the caller's counties (else 403),
    whether or not it has warnings; other services ask over RPC for any unit."""
    if registry is not None:
        unit = registry.get_unit(unit_id)
        if unit is None:
            raise UnitNotFound(fields={"unit_id": unit_id})
        principal.require_county(unit["county"], field="unit_id")
    reds = store.red_issued_in_year(unit_id, year)
    visible = [w for w in reds if principal.can_see(w.county)]
    if reds and not visible:
        raise Forbidden("无权访问该地区的数据", fields={"unit_id": "不在令牌授权的地区范围内"}, code="county_forbidden")
    return Eligibility(unit_id, year, advanced_eligible(len(visible)), len(visible), [w.id for w in visible])


def quarterly_report(
    store: WarningStore, calendar: WorkingDayCalendar, principal: Principal, query: dict
) -> QuarterlyReport:
    """The quarter's warnings of one county, counted (篇5 三(二): 每季度 … 梳理分析): from the
    scope's tallies of the quarter's year (``domain.quarterly``), read by key; a city or
    province code rolls up over its counties. The warnings the report lists (overdue,
    escalated, lifted) are read by key as report lines, those only. The working days to each first answer are
    counted on the service's calendar as stored now (each pair of dates once)."""
    county, year, quarter = query["county"], query["year"], query["quarter"]
    counties = principal.counties_in(county)
    first, last = quarter_bounds(year, quarter)
    refresh_calendar(store, calendar)
    spans: dict[tuple[str, str], int] = {}

    def working_days(issued: str, answered: str) -> int:
        if (issued, answered) not in spans:
            spans[issued, answered] = calendar.working_days_between(
                date.fromisoformat(issued), date.fromisoformat(answered)
            )[0]
        return spans[issued, answered]

    counts = count_quarter(store.quarter_tallies(counties, year), first, last, working_days)
    listed = {w.id: w for w in store.warning_items([*counts.overdue, *counts.escalated, *counts.lifted])}

    def warnings(ids: list[str]) -> list[WarningRow]:
        return [listed[i] for i in ids if i in listed]

    return QuarterlyReport(
        county=county,
        year=year,
        quarter=quarter,
        period=Period(first, last),
        total=counts.total,
        by_level=counts.by_level,
        by_status=counts.by_status,
        by_trigger=[TriggerCount(code, label, n) for code, label, n in counts.by_trigger],
        overdue=warnings(counts.overdue),
        escalated=warnings(counts.escalated),
        lifted=warnings(counts.lifted),
        answer_times=answer_times(counts.answer_days),
    )


# -- the staff worklist (issue 8 item 10) ----------------------------------------------------
@dataclass(frozen=True)
class Section:
    items: list
    truncated: bool


@dataclass(frozen=True)
class Worklist:
    counties: list[str]
    limit: int
    awaiting_approval: Section
    awaiting_answer: Section
    awaiting_rectification: Section
    awaiting_revisit: Section
    awaiting_lifting: Section
    reports_pending_verification: Section
    organisational_handling: Section


def worklist(store: WarningStore, principal: Principal, query: dict) -> Worklist:
    """What waits for the warning centre and the deciding authorities in the caller's counties,
    most urgent first, each list bounded by ``limit`` (``truncated`` says there is more):
    proposals awaiting approval (篇5 三(一)2), warnings awaiting the answer (篇5 六1–六3, by due
    date) or the rectification (by fix date), the revisit (篇5 六4), the lifting, reports
    pending verification (篇5 七(一)), and open organisational-handling tasks (篇5 七(一))."""
    county, limit = query.get("county"), query["limit"]
    if county:
        principal.require_county(county)
    scopes = (county,) if county else principal.counties
    if not scopes:
        raise Forbidden("无权访问该地区的数据", fields={"county": "令牌未授权任何地区"}, code="county_forbidden")

    def section(statuses, order, level=None, reports_pending=False) -> Section:
        found = store.worklist(scopes, statuses, order, limit + 1, level=level, reports_pending=reports_pending)
        return Section(found[:limit], len(found) > limit)

    revisit = store.worklist(scopes, ("rectified",), "proposed_at", limit + 1)
    answered_blue = store.worklist(scopes, ("answered",), "answer_due", limit + 1, level=3)
    waiting = sorted([*revisit, *answered_blue], key=lambda w: (w.proposed_at, w.id))
    tasks = store.tasks(scopes, "open", limit + 1)
    return Worklist(
        counties=list(scopes),
        limit=limit,
        awaiting_approval=section(("proposed",), "proposed_at"),
        awaiting_answer=section(("issued",), "answer_due"),
        awaiting_rectification=section(("rectifying",), "fix_due"),
        awaiting_revisit=Section(waiting[:limit], len(waiting) > limit),
        awaiting_lifting=section(("revisited",), "proposed_at"),
        reports_pending_verification=section(
            ("issued", "answered", "rectifying", "rectified", "revisited"), "proposed_at", reports_pending=True
        ),
        organisational_handling=Section(tasks[:limit], len(tasks) > limit),
    )


# -- RPC reads (trusted callers inside the cluster) ------------------------------------------
def warning_by_id(store: WarningStore, warning_id: str) -> WarningRecord | None:
    return store.warning(warning_id)


def warnings_for_official(store: WarningStore, official_id: str, open_only: bool = True) -> list[WarningRecord]:
    """An official's warnings (open ones by default), oldest first; read by key."""
    return store.warnings_of(official_id, OPEN if open_only else None)
