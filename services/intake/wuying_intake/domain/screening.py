"""Screening a new report on arrival: who must handle it, and whether it repeats an earlier one.

- Routing (seeds/000 H 监督方式及处理): a report involving the commission's own leaders goes to
  the commission's principal leader; one about other commission staff goes to the commission
  leaders. Reports about commission staff are the point of the whole programme (seeds/000, 001:
  who supervises the supervisors), so they are flagged from the first moment.
- Duplicates (seeds/001 黑龙江: 对无实质内容、重复检举控告的问题线索，经过集体研判直接予以了结):
  a report about the same subject with nearly the same text within a window is *proposed* as a
  duplicate; only the collective triage decides. The earlier reports compared are those of the
  county about any of the new report's subjects received on or after its day of receipt less
  ``DUPLICATE_WINDOW_DAYS``, the newest ``DUPLICATE_LOOKBACK`` of them (by day of receipt, then
  report id); the store finds them by key (``subject_index_key``, below).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date

ROUTE_PRINCIPAL_LEADER = "principal_leader"  # 纪委主要领导
ROUTE_COMMISSION_LEADERS = "commission_leaders"  # 纪委监委局领导
ROUTE_STANDARD = "standard"
ROUTES_ZH = {
    ROUTE_PRINCIPAL_LEADER: "涉及纪委监委领导，报纪委主要领导",
    ROUTE_COMMISSION_LEADERS: "涉及纪检监察干部，报纪委监委局领导",
    ROUTE_STANDARD: "按一般程序办理",
}

DUPLICATE_WINDOW_DAYS = 180
DUPLICATE_THRESHOLD = 0.6
DUPLICATE_LOOKBACK = 200  # the newest earlier reports compared on arrival

_NOISE = re.compile(r"[\s\W_]+", re.UNICODE)


def route_for(subjects: Iterable[dict]) -> str:
    subjects = list(subjects)
    if any(s.get("commission_leader") for s in subjects):
        return ROUTE_PRINCIPAL_LEADER
    if any(s.get("commission_staff") for s in subjects):
        return ROUTE_COMMISSION_LEADERS
    return ROUTE_STANDARD


def normalize_name(name: str) -> str:
    """A name as compared across reports and with a staff member's token (blanks and marks dropped)."""
    return _NOISE.sub("", name or "")


def subject_keys(subjects: Iterable[dict]) -> list[str]:
    """What identifies a reported subject across reports: its id, else its name."""
    keys = []
    for s in subjects:
        if s.get("id"):
            keys.append(f"{s['kind']}:id:{s['id']}")
        if s.get("name"):
            keys.append(f"{s['kind']}:name:{normalize_name(s['name'])}")
    return sorted(set(keys))


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams: Chinese needs no word segmentation for this to work. A text of at most
    ``CACHED_TEXT`` characters is remembered among the last ``CACHED_TEXTS`` (an immutable set):
    each arrival compares its text with the earlier reports about its subjects, the same texts
    the last arrival about them was compared with."""
    return _cached_bigrams(text) if len(text) <= CACHED_TEXT else _bigrams(text)


CACHED_TEXT, CACHED_TEXTS = 500, 2048  # at most ~2,048 sets of ≤ 500 bigrams held


def _bigrams(text: str) -> frozenset[str]:
    cleaned = _NOISE.sub("", text.lower())
    if len(cleaned) < 2:
        return frozenset({cleaned}) if cleaned else frozenset()
    return frozenset(cleaned[i : i + 2] for i in range(len(cleaned) - 1))


_cached_bigrams = functools.lru_cache(maxsize=CACHED_TEXTS)(_bigrams)


def _jaccard(x: frozenset[str], y: frozenset[str]) -> float:
    if not x or not y:
        return 0.0
    return len(x & y) / len(x | y)


def similarity(a: str, b: str) -> float:
    """Jaccard similarity of character bigrams, 0..1."""
    return _jaccard(bigrams(a), bigrams(b))


@dataclass(frozen=True)
class DuplicateCandidate:
    petition_id: str
    similarity: float


def duplicate_candidates(
    content: str, earlier: Iterable[tuple[str, str]], threshold: float = DUPLICATE_THRESHOLD, limit: int = 5
) -> list[DuplicateCandidate]:
    """``earlier``: (petition_id, content) of reports about the same subject in the window."""
    mine = bigrams(content)
    found = [DuplicateCandidate(pid, round(_jaccard(mine, bigrams(text)), 3)) for pid, text in earlier]
    found = [c for c in found if c.similarity >= threshold]
    return sorted(found, key=lambda c: (-c.similarity, c.petition_id))[:limit]


# -- the earlier reports a new one is compared with, by key --------------------------------------
def is_earlier_about(
    county: str, keys: Collection[str], since: date, report_county: str, report_keys: Iterable[str], received_on: date
) -> bool:
    """A stored report is compared with a new one of ``county`` about ``keys`` when it is of the
    same county, about one of the same subjects and received on or after ``since``."""
    return report_county == county and received_on >= since and not set(keys).isdisjoint(report_keys)


def subject_index_key(county: str, key: str) -> str:
    """The key of the list of a county's reports about one subject (``130402|official:id:o1``)."""
    return f"{county}|{key}"


def index_entry(received_on: date, petition_id: str) -> str:
    """One report in a subject's list: ``"2026-11-20 XF130402-20261120-9F2C61AB"``. Entries sort
    as (day of receipt, report id), the order in which the newest are compared."""
    return f"{received_on.isoformat()} {petition_id}"


def with_entry(entries: Iterable[str], entry: str, cap: int = DUPLICATE_LOOKBACK) -> list[str]:
    """A subject's list with ``entry`` added once, newest first, the newest ``cap`` kept.

    Dropping the older entries changes no answer: a report dropped had ``cap`` reports about
    the same subject received on the same day or later, all inside any window it is inside,
    so it was never among the newest ``cap`` compared."""
    return sorted(set(entries) | {entry}, reverse=True)[:cap]


def newest_in_window(lists: Iterable[Iterable[str]], since: date) -> list[str]:
    """The report ids of some subjects' lists received on or after ``since``, newest first
    (by day of receipt, then id), each once."""
    floor = since.isoformat()
    found = {entry for entries in lists for entry in entries if entry[:10] >= floor}
    return [entry.split(" ", 1)[1] for entry in sorted(found, reverse=True)]
