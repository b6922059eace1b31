"""The inspector pool (干部监督人员库; seeds/001 贵州, 004 上海闵行).

001 贵州: "省纪委监委建立全省干部监督人员库，将市县两级纪委监委……从事干部监督工作的人员统一入库管理，
定期开展业务培训，根据工作需要灵活调配使用" — staff of every level in one pool, drawn on as
needed. 004 闵行: 机动组员 "三不固定" — specialists (``mobile``) belong to no team and join one
only when a team needs their field.

What assignment needs of a person: where they sit (county, cooperation zone), where they have
worked and where their relatives work (for 任职回避 and 亲属回避), skills, gender and age band
(for a mixed team) and when they are away. Postings are kept current from archive's
``official.changed``: a transfer moves the current posting into the former ones.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import date

from . import CrossFieldViolation, RuleViolation

LEVELS_ZH = {"province": "省级", "city": "市级", "county": "县级"}
GENDERS_ZH = {"female": "女", "male": "男"}
AGE_BANDS_ZH = {"under_35": "35岁以下", "35_44": "35—44岁", "45_54": "45—54岁", "55_plus": "55岁以上"}


@dataclass(frozen=True)
class Period:
    starts_on: date
    ends_on: date

    def overlaps(self, starts_on: date, ends_on: date) -> bool:
        return self.starts_on <= ends_on and starts_on <= self.ends_on


@dataclass(frozen=True)
class Inspector:
    id: str  # the official's id (archive's ``official_id``)
    name: str
    county: str
    zone: str | None = None
    level: str = "county"
    unit_id: str | None = None  # current posting
    former_unit_ids: frozenset[str] = frozenset()
    relative_unit_ids: frozenset[str] = frozenset()
    skills: frozenset[str] = frozenset()
    gender: str | None = None
    age_band: str | None = None
    unavailable: tuple[Period, ...] = ()
    leader: bool = False  # qualified to lead a team (组长)
    mobile: bool = False  # 机动组员 (004 闵行): joins teams as a specialist, on demand
    active: bool = True

    @property
    def postings(self) -> frozenset[str]:
        """Every unit the person works or has worked in (任职回避)."""
        return self.former_unit_ids | ({self.unit_id} if self.unit_id else frozenset())

    def away(self, starts_on: date, ends_on: date) -> bool:
        return any(p.overlaps(starts_on, ends_on) for p in self.unavailable)


def check_inspector(person: Inspector) -> None:
    """What registration refuses: values the rules could not read."""
    if person.level not in LEVELS_ZH:
        raise RuleViolation("level", f"人员层级“{person.level}”无效，应为：{'、'.join(LEVELS_ZH)}")
    if person.gender is not None and person.gender not in GENDERS_ZH:
        raise RuleViolation("gender", f"性别“{person.gender}”无效，应为：{'、'.join(GENDERS_ZH)}")
    if person.age_band is not None and person.age_band not in AGE_BANDS_ZH:
        raise RuleViolation("age_band", f"年龄段“{person.age_band}”无效，应为：{'、'.join(AGE_BANDS_ZH)}")
    for i, p in enumerate(person.unavailable):
        if p.ends_on < p.starts_on:
            raise CrossFieldViolation(f"unavailable.{i}.ends_on", f"结束日期 {p.ends_on} 早于开始日期 {p.starts_on}")


@dataclass(frozen=True)
class PostingChange:
    """What an ``official.changed`` says about one official (archive is the source of truth)."""

    official_id: str
    county: str
    unit_id: str
    status: str  # serving, left, retired


def apply_own_change(person: Inspector, change: PostingChange) -> Inspector:
    """The pool member themselves moved: a transfer keeps the old unit as a former posting
    (任职回避 keeps applying to it); leaving or retiring takes them out of assignment."""
    former = set(person.former_unit_ids)
    if person.unit_id and person.unit_id != change.unit_id:
        former.add(person.unit_id)
    return replace(
        person,
        unit_id=change.unit_id,
        county=change.county,
        former_unit_ids=frozenset(former),
        active=change.status == "serving",
    )


@dataclass(frozen=True)
class Relative:
    relation: str  # spouse, child, parent, sibling, in_law, other
    unit_id: str | None = None
    official_id: str | None = None  # when the relative is an official archive knows


def relative_units(relatives: Iterable[Relative]) -> frozenset[str]:
    return frozenset(r.unit_id for r in relatives if r.unit_id)


def apply_relative_change(relatives: list[Relative], change: PostingChange) -> list[Relative]:
    """A relative who is an official moved: their new unit is the one to avoid (亲属回避)."""
    return [
        replace(r, unit_id=change.unit_id if change.status == "serving" else None)
        if r.official_id == change.official_id
        else r
        for r in relatives
    ]


@dataclass(frozen=True)
class PoolSummary:
    """Registration counts, for the answer of a bulk registration."""

    inspectors: int
    leaders: int = 0
    mobile: int = 0
    zones: list[str] = field(default_factory=list)
