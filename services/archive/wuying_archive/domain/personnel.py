"""Personnel changes (人员信息变动) and posts as time-bounded occupancies.

004/4 深圳龙岗: 实行一人一档……根据干部入职、离职、退休等情况对档案进行动态更新; 001 湖南: the
file covers 干部任免情况. A post is held from a date to a date (both inclusive), so the file
answers "who held this post on this date". Every lifecycle change — hire, transfer, promotion,
post or rank change, secondment and return, leave, retirement, death — is named here; the
handler writes it with the official and one ``official.changed`` event in one write.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from .file import CHANGES_ZH as FILE_CHANGES_ZH

STATUSES = ("serving", "seconded", "left", "retired", "deceased")
STATUSES_ZH = {"serving": "在职", "seconded": "借调/挂职", "left": "离职", "retired": "退休", "deceased": "去世"}

#: What ``official.changed`` says happened (its ``change``), with the Chinese the file shows.
CHANGES_ZH = FILE_CHANGES_ZH

# Leaving statuses and the change that reaches them.
STATUS_CHANGES = {"left": "left", "retired": "retired", "deceased": "died"}

#: Ranks from low to high (公务员职级与领导职务层次); a move up this list within a unit is a promotion.
RANK_ORDER = (
    "办事员",
    "科员",
    "副科级",
    "正科级",
    "副处级",
    "正处级",
    "副厅级",
    "正厅级",
    "副部级",
    "正部级",
)


@dataclass(frozen=True)
class Posting:
    """What the registry says about a person now."""

    unit_id: str
    status: str  # one of STATUSES
    post: str = ""
    rank: str = ""
    seconded_to: str | None = None  # the unit of a secondment (status "seconded")


@dataclass(frozen=True)
class Occupancy:
    """A post held from ``start`` to ``end`` (ISO dates, inclusive; ``end`` None: still held).

    ``kind`` is ``post`` (the substantive post) or ``secondment`` (借调/挂职 at another unit,
    held alongside the substantive post)."""

    unit_id: str
    post: str
    rank: str
    kind: str
    start: str
    end: str | None = None

    def held_on(self, day: date) -> bool:
        iso = day.isoformat()
        return self.start <= iso and (self.end is None or iso <= self.end)

    def overlaps(self, first: date, last: date) -> bool:
        return self.start <= last.isoformat() and (self.end is None or self.end >= first.isoformat())


def rank_level(rank: str) -> int | None:
    return RANK_ORDER.index(rank) if rank in RANK_ORDER else None


def personnel_change(before: Posting | None, after: Posting) -> str | None:
    """The ``change`` of ``official.changed``, or None when no lifecycle fact changed.

    A different unit is a transfer; then a change of status (leaving, retiring, dying, a
    secondment, coming back); then, in the same unit, a post or rank change — a higher rank is a
    promotion. Before, a post or rank change within one unit was silently not saved (issue 10).
    """
    if before is None:
        return "registered"
    if before.unit_id != after.unit_id:
        return "transferred"
    if before.status != after.status:
        if after.status in STATUS_CHANGES:
            return STATUS_CHANGES[after.status]
        if after.status == "seconded":
            return "seconded"
        if before.status == "seconded":
            return "returned"
        return "hired"
    if after.status == "seconded" and before.seconded_to != after.seconded_to:
        return "seconded"
    if before.rank != after.rank:
        up = rank_level(after.rank), rank_level(before.rank)
        if None not in up and up[0] > up[1]:  # type: ignore[operator]
            return "promoted"
        return "rank_changed" if before.post == after.post else "post_changed"
    if before.post != after.post:
        return "post_changed"
    return None


def _close(occupancy: Occupancy, effective: date) -> Occupancy | None:
    """End an open occupancy the day before ``effective``; None when it never lasted a day
    (a same-day correction replaces it)."""
    end = (effective - timedelta(days=1)).isoformat()
    if end < occupancy.start:
        return None
    return replace(occupancy, end=end)


def apply_change(
    occupancies: tuple[Occupancy, ...], change: str, after: Posting, effective: date
) -> tuple[Occupancy, ...]:
    """The occupancies after ``change`` takes effect on ``effective``: what closes, what opens."""
    start = effective.isoformat()
    kept: list[Occupancy] = []
    closes_post = change in ("transferred", "promoted", "post_changed", "rank_changed", "hired", "registered")
    closes_all = change in ("left", "retired", "died")
    closes_secondment = closes_all or change in ("returned", "seconded", "transferred")
    for occupancy in occupancies:
        if occupancy.end is not None:
            kept.append(occupancy)
            continue
        closing = closes_all or (
            closes_post if occupancy.kind == "post" else closes_secondment or after.status != "seconded"
        )
        if closing:
            closed = _close(occupancy, effective)
            if closed is not None:
                kept.append(closed)
        else:
            kept.append(occupancy)
    if not closes_all and after.status in ("serving", "seconded"):
        if closes_post or not any(o.kind == "post" and o.end is None for o in kept):
            kept.append(Occupancy(after.unit_id, after.post, after.rank, "post", start))
        if (
            after.status == "seconded"
            and after.seconded_to
            and not any(o.kind == "secondment" and o.end is None for o in kept)
        ):
            kept.append(Occupancy(after.seconded_to, after.post, after.rank, "secondment", start))
    return tuple(kept)


def held_on(occupancies: tuple[Occupancy, ...], day: date, unit_id: str, post: str | None = None) -> list[Occupancy]:
    """The occupancies of ``unit_id`` (and ``post``) held on ``day``."""
    return [o for o in occupancies if o.unit_id == unit_id and (post is None or o.post == post) and o.held_on(day)]


def current_post_since(occupancies: tuple[Occupancy, ...]) -> tuple[date, Occupancy] | None:
    """Since when the open substantive post has been held in its unit, and the occupancy: a
    rank change in the same post and unit does not restart the tenure (for 长期任职)."""
    open_posts = [o for o in occupancies if o.kind == "post" and o.end is None]
    if not open_posts:
        return None
    current = max(open_posts, key=lambda o: o.start)
    start = date.fromisoformat(current.start)
    earlier = {
        o.end: o
        for o in occupancies
        if o.kind == "post" and o.unit_id == current.unit_id and o.post == current.post and o.end
    }
    while (previous := earlier.get((start - timedelta(days=1)).isoformat())) is not None:
        start = date.fromisoformat(previous.start)
    return start, current
