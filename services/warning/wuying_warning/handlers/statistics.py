"""Warning statistics for the dashboards (issue 14 item 7): live warnings by level and the
overdue answers and rectifications (seeds/002 篇5 六, 七(一)) of a county, a city or the
province, summed from the counties' tallies (``domain.statistics``), never by listing warnings."""

from __future__ import annotations

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock

from ..domain.statistics import Statistics, sum_tallies
from ..persistence import WarningStore


def warning_statistics(store: WarningStore, clock: SystemClock, principal: Principal, query: dict) -> Statistics:
    """The scope's figures on the service's today (Beijing): a city or province code rolls up
    over its counties (``Principal.counties_in``, 403 outside the token's divisions, as the
    warning list); one read of the scope's tallies by key."""
    scope = query["county"]
    counties = principal.counties_in(scope)
    return sum_tallies(scope, counties, store.warning_tallies(counties), clock.today().isoformat())


def rebuild_tallies(store: WarningStore, counties: list[str] | None = None) -> dict[str, int]:
    """Rewrite the tallies of ``counties`` (None: every county's) from their warnings (an
    operator's repair): county → live warnings counted. A list is rebuilt a county at a time
    (one scan of the county's warnings each, indexed on ``county`` on MongoDB)."""
    if counties is None:
        return store.rebuild_tallies()
    rebuilt: dict[str, int] = {}
    for county in counties:
        rebuilt.update(store.rebuild_tallies(county))
    return dict(sorted(rebuilt.items()))
