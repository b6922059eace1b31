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

from . import RuleViolation
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
        raise RuleViolation("min_cross_rounds", f"交叉检查次数须在 0 到 {rules.rounds} 之间")
    if rules.surprise_share < 0 or rules.unannounced_share < 0 or rules.surprise_share + rules.unannounced_share > 1:
        raise RuleViolation("surprise_share", "突击检查与暗访的比例须在 0 到 1 之间，且合计不超过 1")
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


def campaign_slots(
    units: Sequence[CampaignUnit],
    year: int,
    rules: CampaignRules,
    calendar: WorkingDays,
    windows: Sequence[tuple[date, date]] | None = None,
    kept: Mapping[str, Slot] | None = None,
) -> list[Slot]:
    """Every visit of the campaign, with its method and working-day dates. ``kept``: visits
    that stay as they are (started, done or fixed), by key."""
    kept = kept or {}
    windows = list(windows) if windows else default_windows(year, rules.rounds)
    check_windows(year, windows, rules.rounds)
    blocks = []
    for i, (starts_on, ends_on) in enumerate(windows):
        found = visit_blocks(calendar, starts_on, ends_on, rules.visit_working_days)
        if not found:
            raise RuleViolation(
                f"windows.{i}", f"{starts_on}—{ends_on} 容纳不下一次 {rules.visit_working_days} 个工作日的进驻"
            )
        blocks.append(found)
    ordered = sorted(units, key=lambda u: (u.county, u.id))
    slots: list[Slot] = []
    for k, unit in enumerate(ordered):
        for r, method in enumerate(round_methods(unit.id, year, rules), start=1):
            key = slot_key(unit.id, year, r)
            if key in kept:
                slots.append(kept[key])
                continue
            starts_on, ends_on = blocks[r - 1][k % len(blocks[r - 1])]
            slots.append(
                Slot(key, unit.id, unit.county, unit.zone, method, starts_on, ends_on, unit.focus, (), unit.name)
            )
    return slots


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
