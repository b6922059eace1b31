"""Figures kept by key: a dashboard of a whole province reads a hundred small documents, not
every warning, unit and report the province holds.

Each service that answers statistics keeps, per county (and, where records pile up over the years,
per county and year), one *tally* document. Its ``entries`` map a record's key to what that record
counts for now: a small dict built by a pure domain function of the record (its *entry*), or
nothing when it counts for nothing (a lifted warning, a unit outside the campaign kinds). Every
write of a record sets its entry by key, in the store, right after the record itself:

- idempotent: a retried event or a repeated write sets the same entry, never counts twice; a
  write that failed between the record and its entry is mended by the record's next write or by
  rebuilding the county from its records (``replace_tally``, each service's ``rebuild`` command);
- by key on both stores: one ``$set``/``$unset`` on one small document (atomic in MongoDB; the
  embedded store does not yield inside it);
- date-relative figures stay exact: an entry holds the *date* a record falls due, not whether it
  is overdue, so a read on any day sums the entries due before it.

A statistics read fetches the scope's tally documents by key (``tallies``) and sums their entries
in a pure function. Entries are bounded by what a county holds open (warnings, units) or by a
year (reports), so a document stays small (a county's year of 2,000 reports is ~300 KB, far below
MongoDB's 16 MB).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from mongoengine import DictField, Document, StringField
from nameko.exceptions import deserialize_to_instance

from .embedded import embedded_documents
from .errors import ValidationFailed
from .events import COUNTY_CODE_PATTERN

# Mongo field names cannot hold "." nor start with "$": a record key is escaped into one.
_ESCAPES = (("%", "%25"), (".", "%2E"), ("$", "%24"))


def entry_field(record_key: str) -> str:
    """The field name under ``entries`` that holds ``record_key``'s entry (reversible)."""
    text = str(record_key)
    for raw, escaped in _ESCAPES:
        text = text.replace(raw, escaped)
    return text


def record_key(field: str) -> str:
    """The record key an ``entries`` field name stands for (the inverse of ``entry_field``)."""
    for raw, escaped in reversed(_ESCAPES):
        field = field.replace(escaped, raw)
    return field


@deserialize_to_instance
class CountiesInvalid(ValidationFailed):
    """``rebuild_tallies`` over RPC with counties that are not a list of six-digit codes."""

    code = "counties_invalid"
    message = "行政区划代码有误"


def rebuild_counties(counties: object) -> list[str] | None:
    """The scope of every service's ``rebuild_tallies(counties=None)`` RPC (and of ``wuying
    tallies rebuild``): None for every county, else a list of six-digit GB/T 2260 county codes
    (repeats dropped, order kept; an empty list rebuilds nothing). Anything else, a single code
    included, is ``CountiesInvalid`` naming ``counties``."""
    if counties is None:
        return None
    if not isinstance(counties, list | tuple) or not all(
        isinstance(c, str) and COUNTY_CODE_PATTERN.fullmatch(c) for c in counties
    ):
        raise CountiesInvalid(fields={"counties": "须为六位行政区划代码的列表"})
    return list(dict.fromkeys(counties))


def tally_key(county: str, period: int | str | None = None) -> str:
    """A tally document's ``_id``: the county, or ``county:period`` (a year)."""
    return county if period is None else f"{county}:{period}"


class TallyDocument(Document):
    """A county's (or county and year's) tally: ``entries`` record key → entry. Subclass it per
    service with its own ``meta`` (``db_alias``, ``collection``)."""

    meta: dict[str, Any] = {"abstract": True}
    id = StringField(primary_key=True)
    entries = DictField()


class TallyWrites:
    """The store's writes and reads of tallies (mixed into a service's ``Store``)."""

    def set_entry(self, cls: type[TallyDocument], key: str, record: str, entry: Mapping | None) -> None:
        """Set one record's entry in tally ``key`` (created if missing); ``None`` removes it."""
        self.set_entries(cls, key, {record: entry})

    def set_entries(self, cls: type[TallyDocument], key: str, entries: Mapping[str, Mapping | None]) -> None:
        """Set (or, for ``None``, remove) several records' entries in tally ``key`` in one write
        (an import, a campaign committing a county's plans)."""
        if not entries:
            return
        if getattr(self, "mode", None) == "embedded":
            # mongomock's update copies and walks the whole document: 2.7 ms a write at 2,000
            # entries. The collection's dict is changed in place instead (nothing yields here).
            stored = embedded_documents(cls).setdefault(key, {"_id": key, "entries": {}})
            held = stored.setdefault("entries", {})
            for record, entry in entries.items():
                if entry is None:
                    held.pop(entry_field(record), None)
                else:
                    held[entry_field(record)] = dict(entry)
            return
        put = {f"entries.{entry_field(r)}": dict(e) for r, e in entries.items() if e is not None}
        drop = {f"entries.{entry_field(r)}": "" for r, e in entries.items() if e is None}
        update: dict = {}
        if put:
            update["$set"] = put
        if drop:
            update["$unset"] = drop
        cls._get_collection().update_one({"_id": key}, update, upsert=True)

    def replace_tally(self, cls: type[TallyDocument], key: str, entries: Mapping[str, Mapping]) -> None:
        """Write tally ``key`` whole from its records (a rebuild after a failure or a migration)."""
        son = {"_id": key, "entries": {entry_field(r): dict(e) for r, e in entries.items()}}
        cls._get_collection().replace_one({"_id": key}, son, upsert=True)

    def tallies(self, cls: type[TallyDocument], keys: Iterable[str]) -> dict[str, dict[str, dict]]:
        """Tallies by key (missing ones are empty): key → record key → entry. One read by keys."""
        keys = list(dict.fromkeys(keys))
        found: dict[str, dict[str, dict]] = {key: {} for key in keys}
        if keys:
            for son in cls._get_collection().find({"_id": {"$in": keys}}):
                found[son["_id"]] = {record_key(f): e for f, e in (son.get("entries") or {}).items()}
        return found
