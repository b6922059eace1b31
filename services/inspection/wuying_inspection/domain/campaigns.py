"""Campaigns: the province's (a city's, a county's) yearly internal inspection in one action
(seeds/000 E, 001 贵州; issue 12).

000/E: "内部作风巡察采取专项检查、突击检查、交叉检查、暗访等方式开展……每年不少于2次" — every unit in
scope, at least twice a year, the methods mixed. 001 贵州 did it for 1806 units with 666 teams in
one programme ("完成对……1806个单位的内部督查全覆盖") and cross-inspects across six cooperation
zones. So a campaign gives every unit of its region ``rounds`` visits: at least
``min_cross_rounds`` of them cross inspections (the last ones), and a share of units (by rule
data) get their first visit as a surprise inspection or an unannounced visit (暗访) instead of a
special inspection. Which units, is a stable function of the unit and year: re-solving does not
reshuffle methods.

A campaign can also plan ONE round of every unit's year (issue 12: "one action plans a year (or
one round)"): round ``n`` of ``rounds`` gets the method and the window it would have in the whole
year's campaign; the other rounds are left as they are, or planned by another one-round campaign.
The ≥ 2 rounds rule is one of the year (coverage counts a unit with fewer as not planned), not of
the one-round campaign; each unit's rounds still follow one another without overlapping.

Visits last ``visit_working_days`` working days on the official calendar and are placed in
consecutive blocks inside each round's window, the units of one county spread over the blocks
(so a county's units are not all visited in the same week and its staff are not all needed at
once).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from wuying_common.rules import WorkingDays

from . import CrossFieldViolation, RuleViolation
from .assignment import Slot, Team
from .plans import MIN_ROUNDS_PER_YEAR, RULE_MIN_ROUNDS_ZH, check_windows, default_windows
from .ruledata import CampaignRules

# Who a campaign covers by default: 000/E's commission organs and dispatched agencies, and what
# 001 贵州 covered besides (乡镇纪委、国企纪委、学校纪委).
CAMPAIGN_KINDS = frozenset({"commission_organ", "dispatched_agency", "township", "enterprise", "school"})


@dataclass(frozen=True)
class CampaignUnit:
    id: str
    name: str
    county: str
    zone: str | None
    focus: frozenset[str] = frozenset()


def _share(*parts: object) -> float:
    digest = hashlib.blake2b("|".join(map(str, parts)).encode(), digest_size=4).digest()
    return int.from_bytes(digest, "big") / 2**32


def round_methods(unit_id: str, year: int, rules: CampaignRules) -> list[str]:
    """The methods of one unit's rounds: the last ``min_cross_rounds`` cross (001 贵州), the
    first a surprise inspection or an unannounced visit for the rule data's share of units,
    a special inspection otherwise (000/E)."""
    if rules.rounds < MIN_ROUNDS_PER_YEAR:
        raise RuleViolation(
            "rounds", f"每个单位每年至少安排两次巡察，当前为 {rules.rounds} 次；依据：{RULE_MIN_ROUNDS_ZH}"
        )
    if not 0 <= rules.min_cross_rounds <= rules.rounds:
        raise CrossFieldViolation("min_cross_rounds", f"交叉检查次数须在 0 到 {rules.rounds} 之间")
    if rules.surprise_share < 0 or rules.unannounced_share < 0 or rules.surprise_share + rules.unannounced_share > 1:
        raise CrossFieldViolation("surprise_share", "突击检查与暗访的比例须在 0 到 1 之间，且合计不超过 1")
    others = rules.rounds - rules.min_cross_rounds
    methods = ["special"] * others + ["cross"] * rules.min_cross_rounds
    draw = _share(unit_id, year)
    first = "special"
    if draw < rules.surprise_share:
        first = "surprise"
    elif draw < rules.surprise_share + rules.unannounced_share:
        first = "unannounced"
    methods[0] = first if others else methods[0]
    return methods


def first_working_day(calendar: WorkingDays, day: date) -> date:
    working, _ = calendar.is_working_day(day)
    return day if working else calendar.add_working_days(day, 1).date


def visit_blocks(calendar: WorkingDays, starts_on: date, ends_on: date, days: int) -> list[tuple[date, date]]:
    """Consecutive visits of ``days`` working days inside a window, on the official calendar
    (the first starts on the window's first working day)."""
    if days < 1:
        raise RuleViolation("visit_working_days", "每次进驻至少 1 个工作日")
    blocks: list[tuple[date, date]] = []
    start = first_working_day(calendar, starts_on)
    while True:
        end = calendar.add_working_days(start, days - 1).date
        if end > ends_on:
            break
        blocks.append((start, end))
        start = calendar.add_working_days(end, 1).date
    return blocks


def slot_key(unit_id: str, year: int, round_number: int) -> str:
    return f"{unit_id}:{year}:{round_number}"


def round_windows(
    year: int, rules: CampaignRules, windows: Sequence[tuple[date, date]] | None, round_number: int | None
) -> dict[int, tuple[date, date]]:
    """The window of each round the campaign plans, by round number: every round of the year, or
    only ``round_number`` (its window given alone, or its share of the year by default)."""
    if round_number is None:
        windows = list(windows) if windows else default_windows(year, rules.rounds)
        check_windows(year, windows, rules.rounds)
        return dict(enumerate(windows, start=1))
    if not 1 <= round_number <= rules.rounds:
        raise CrossFieldViolation("round", f"第 {round_number} 次巡察不在每年 {rules.rounds} 次之内")
    if windows and len(windows) != 1:
        raise CrossFieldViolation("windows", f"只安排第 {round_number} 次巡察时，须且只须给出这一次的时段")
    window = windows[0] if windows else default_windows(year, rules.rounds)[round_number - 1]
    check_windows(year, [window], 1)
    return {round_number: window}


def campaign_slots(
    units: Sequence[CampaignUnit],
    year: int,
    rules: CampaignRules,
    calendar: WorkingDays,
    windows: Sequence[tuple[date, date]] | None = None,
    kept: Mapping[str, Slot] | None = None,
    round_number: int | None = None,
) -> list[Slot]:
    """Every visit of the campaign, with its method and working-day dates. ``kept``: visits
    that stay as they are (started, done or fixed), by key. ``round_number``: only that round of
    each unit's ``rules.rounds`` (a one-round campaign; ``windows`` is then its one window)."""
    kept = kept or {}
    blocks: dict[int, list[tuple[date, date]]] = {}
    for i, (r, (starts_on, ends_on)) in enumerate(round_windows(year, rules, windows, round_number).items()):
        found = visit_blocks(calendar, starts_on, ends_on, rules.visit_working_days)
        if not found:
            raise RuleViolation(
                f"windows.{i}", f"{starts_on}—{ends_on} 容纳不下一次 {rules.visit_working_days} 个工作日的进驻"
            )
        blocks[r] = found
    ordered = sorted(units, key=lambda u: (u.county, u.id))
    slots: list[Slot] = []
    for k, unit in enumerate(ordered):
        for r, method in enumerate(round_methods(unit.id, year, rules), start=1):
            if r not in blocks:
                continue
            key = slot_key(unit.id, year, r)
            if key in kept:
                slots.append(kept[key])
                continue
            starts_on, ends_on = blocks[r][k % len(blocks[r])]
            slots.append(
                Slot(key, unit.id, unit.county, unit.zone, method, starts_on, ends_on, unit.focus, (), unit.name)
            )
    return slots


def check_round_order(
    unit_id: str, round_number: int, starts_on: date, ends_on: date, others: Iterable[tuple[int, date, date]]
) -> None:
    """A unit's rounds of a year follow one another without overlapping (000/E; ``check_windows``
    for one plan): a round planned on its own starts after the unit's earlier rounds end and ends
    before its later rounds start. ``others``: (round, starts_on, ends_on) of the unit's other
    rounds, planned or in another one-round campaign."""
    for number, other_start, other_end in sorted(others):
        if number < round_number and starts_on <= other_end:
            raise RuleViolation(
                "windows",
                f"{unit_id} 的第 {round_number} 次巡察（{starts_on} 起）须在第 {number} 次结束（{other_end}）之后开始",
            )
        if number > round_number and ends_on >= other_start:
            raise RuleViolation(
                "windows",
                f"{unit_id} 的第 {round_number} 次巡察（至 {ends_on}）须在第 {number} 次开始（{other_start}）之前结束",
            )


@dataclass(frozen=True)
class Move:
    """What a re-solve (or an override) changed on one visit: the plan's history."""

    unit_id: str
    round: int
    what: str  # dates, method, members, leader, specialists
    before: str
    after: str


def moves(
    before_slots: Mapping[str, Slot],
    before_teams: Mapping[str, Team],
    after_slots: Iterable[Slot],
    after_teams: Mapping[str, Team],
) -> list[Move]:
    """Every change between two versions of a campaign's plan, visit by visit."""
    found: list[Move] = []
    for slot in after_slots:
        round_number = int(slot.key.rsplit(":", 1)[1])
        old_slot, old_team, new_team = before_slots.get(slot.key), before_teams.get(slot.key), after_teams.get(slot.key)
        if old_slot is not None and (old_slot.starts_on, old_slot.ends_on) != (slot.starts_on, slot.ends_on):
            found.append(
                Move(
                    slot.unit_id,
                    round_number,
                    "dates",
                    f"{old_slot.starts_on}—{old_slot.ends_on}",
                    f"{slot.starts_on}—{slot.ends_on}",
                )
            )
        if old_slot is not None and old_slot.method != slot.method:
            found.append(Move(slot.unit_id, round_number, "method", old_slot.method, slot.method))
        if old_team is None or new_team is None:
            continue
        if set(old_team.members) != set(new_team.members):
            found.append(
                Move(slot.unit_id, round_number, "members", ",".join(old_team.members), ",".join(new_team.members))
            )
        if old_team.leader != new_team.leader:
            found.append(Move(slot.unit_id, round_number, "leader", old_team.leader or "", new_team.leader or ""))
        if set(old_team.specialists) != set(new_team.specialists):
            found.append(
                Move(
                    slot.unit_id,
                    round_number,
                    "specialists",
                    ",".join(f"{f}:{p}" for f, p in old_team.specialists),
                    ",".join(f"{f}:{p}" for f, p in new_team.specialists),
                )
            )
    return found
