"""What the archive's documents and store share: the connection alias, the natural keys of an
integrity file, short ``$in`` chunks and county scopes as queries."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from mongoengine.queryset.visitor import Q

from wuying_common.auth import counties_covered

ALIAS = "archive"


# -- natural keys ----------------------------------------------------------------------------
def head_key(kind: str, subject_id: str) -> str:
    """``_id`` of a file's chain head, and the prefix of its entries' keys."""
    return f"{kind}/{subject_id}"


def entry_key(kind: str, subject_id: str, seq: int) -> str:
    """``_id`` of the entry at ``seq``: unique (file, seq) for free."""
    return f"{kind}/{subject_id}/{seq}"


def recorded_key(event_id: str, kind: str, subject_id: str) -> str:
    """``_id`` of the idempotency record of one event in one file."""
    return f"{event_id}/{kind}/{subject_id}"


#: Keys per ``$in`` lookup: mongomock tests every candidate against the whole list, so a long
#: list is quadratic on the embedded store; short ones cost the same on MongoDB.
KEY_CHUNK = 100


def _chunks(keys: list, size: int = KEY_CHUNK) -> Iterator[list]:
    for i in range(0, len(keys), size):
        yield keys[i : i + size]


def _county_q(scopes: Iterable[str]) -> Q:
    """The counties a token's divisions cover, as a query: the platform's one roll-up
    (``wuying_common.auth.counties_covered``); no condition for a service principal."""
    counties = counties_covered(scopes)
    return Q() if counties is None else Q(county__in=list(counties))
