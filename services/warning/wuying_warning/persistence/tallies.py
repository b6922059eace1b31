"""The statistics' tallies (issue 14 item 7; ``wuying_common.tallies``): what a warning counts
for in its county's live tally and in the quarterly report of each year it touches, and the
fields a report's line shows."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from mongoengine import Document

from wuying_common.embedded import embedded_documents
from wuying_common.tallies import TallyDocument, TallyWrites, tally_key

from ..domain.quarterly import entry_years, quarter_entry
from ..domain.statistics import tally_entry
from .documents import ALIAS, WarningRecord
from .rows import WarningRow


class WarningTally(TallyDocument):
    """A county's live warnings by id → entry (``domain.statistics.tally_entry``): ``_id`` is
    the county code; what ``GET /api/v1/statistics`` sums (issue 14 item 7). Set by
    ``WarningStore`` on every write of a warning (a warning's county never changes)."""

    meta = {"db_alias": ALIAS, "collection": "warning_tallies"}


class QuarterTally(TallyDocument):
    """A county's warnings of one year by id → entry (``domain.quarterly.quarter_entry``):
    ``_id`` is ``county:year`` (``tally_key``); an entry for every warning proposed (Beijing
    date), issued or lifted in the year, so one that spans two years is in both. What ``GET
    /api/v1/reports/quarterly`` counts (issue 14 item 7); set by ``WarningStore`` with the
    county's ``WarningTally`` on every write of a warning."""

    meta = {"db_alias": ALIAS, "collection": "quarter_tallies"}


#: The record fields a quarter entry is built from (``domain.quarterly.quarter_entry``).
QUARTER_SOURCES = (
    "level",
    "colour",
    "status",
    "trigger",
    "trigger_zh",
    "proposed_at",
    "issued_on",
    "lifted_on",
    "responses",
    "overdue_notices",
    "escalated_from",
)


#: What a report's line shows of a warning (``schemas.WarningItemSchema``).
ITEM_FIELDS = ("official_id", "unit_id", "level", "colour", "status")


def warning_quarter_entry(warning) -> dict:
    """What a warning (a ``WarningRecord``, or its stored form: a dict) counts for in the
    quarterly report of the years it touches."""
    fields: dict[str, Any] = (
        {f: warning.get(f) for f in QUARTER_SOURCES}
        if isinstance(warning, dict)
        else {f: getattr(warning, f) for f in QUARTER_SOURCES}
    )
    return quarter_entry(**fields)


def warning_entry(warning: WarningRecord | WarningRow) -> dict | None:
    """What a warning counts for in its county's tally (``domain.statistics.tally_entry``)."""
    return tally_entry(warning.status, warning.level, warning.answer_due, warning.fix_due)


class TallyStore(TallyWrites):
    """``WarningStore``'s tallies: each warning write's entries (live and per year), the
    statistics' and the quarterly report's reads by key, and the operator's rebuild."""

    mode: str  # "embedded" or "mongodb": the ``Store`` it is mixed into

    def _count_in_tally(self, aggregate: Document | WarningRow) -> None:
        # After the record: a failure in between is mended by its next write or a rebuild.
        # A ``WarningRow`` is a whole warning as written (``add_warning_row``, ``merge_into_warning``).
        if isinstance(aggregate, WarningRecord | WarningRow):
            self.set_entry(WarningTally, tally_key(aggregate.county), aggregate.pk, warning_entry(aggregate))
            self._count_in_quarters(aggregate)

    def _count_in_quarters(self, warning) -> None:
        """The warning's (a ``WarningRecord`` or its stored form) entry in the ``QuarterTally``
        of every year it touches: by key, idempotent (its years only grow, ``domain.quarterly``)."""
        entry = warning_quarter_entry(warning)
        county, key = (warning["county"], warning["_id"]) if isinstance(warning, dict) else (warning.county, warning.pk)
        for year in entry_years(entry):
            self.set_entry(QuarterTally, tally_key(county, year), key, entry)

    # -- tallies (issue 14 item 7) -------------------------------------------------------------
    def warning_tallies(self, counties: Iterable[str]) -> dict[str, dict[str, dict]]:
        """The counties' tallies (county → warning id → entry), one read by keys."""
        counties = list(counties)
        found = self.tallies(WarningTally, [tally_key(c) for c in counties])
        return {c: found[tally_key(c)] for c in counties}

    def warning_items(self, warning_ids: Iterable[str]) -> list[WarningRow]:
        """Warnings by key as a report's lines (``ITEM_FIELDS``, read only), in the order of
        ``warning_ids``, missing ones left out: one read by keys, no document built (the
        quarterly report lists hundreds of a province's warnings)."""
        keys = list(dict.fromkeys(warning_ids))
        if self.mode == "embedded":  # the collection's dict, read without a copy of each warning
            stored = embedded_documents(WarningRecord)
            found = {k: stored[k] for k in keys if k in stored}
        elif keys:
            cursor = WarningRecord._get_collection().find({"_id": {"$in": keys}}, dict.fromkeys(ITEM_FIELDS, 1))
            found = {son["_id"]: son for son in cursor}
        else:
            found = {}
        return [WarningRow({"_id": k, **{f: found[k].get(f) for f in ITEM_FIELDS}}) for k in keys if k in found]

    def quarter_tallies(self, counties: Iterable[str], year: int) -> dict[str, dict]:
        """The counties' warnings touching ``year`` (warning id → quarter entry, the counties'
        tallies merged: a warning's county never changes), one read by keys."""
        found: dict[str, dict] = {}
        for entries in self.tallies(QuarterTally, [tally_key(c, year) for c in counties]).values():
            found.update(entries)
        return found

    def rebuild_tallies(self, county: str | None = None) -> dict[str, int]:
        """Rewrite one county's tally (or every county's: those with warnings or a tally) from
        its warnings (``replace_tally``); county → live warnings counted. An operator's
        repair after a failure between a record and its entry, or a migration: a scan of the
        warnings (indexed on ``county`` on MongoDB), never on a request's path. A warning
        written while it runs is set again by its next write or by running it again. The
        county's year tallies of the quarterly report (``QuarterTally``) are rewritten with it."""
        found: dict[str, dict[str, dict]] = {key: {} for key in ([county] if county else self._tally_keys())}
        years: dict[str, dict[str, dict]] = {key: {} for key in self._quarter_tally_keys(county)}
        for key, warning_id, entry, quarter in self._tally_sources(county):
            entries = found.setdefault(key, {})
            if entry is not None:
                entries[warning_id] = entry
            for year in entry_years(quarter):
                years.setdefault(tally_key(key, year), {})[warning_id] = quarter
        for key, entries in found.items():
            self.replace_tally(WarningTally, tally_key(key), entries)
        for key, entries in years.items():
            self.replace_tally(QuarterTally, key, entries)
        return {key: len(entries) for key, entries in sorted(found.items())}

    def _tally_keys(self) -> list[str]:
        return [son["_id"] for son in WarningTally._get_collection().find({}, {"_id": 1})]

    def _quarter_tally_keys(self, county: str | None) -> list[str]:
        keys = [son["_id"] for son in QuarterTally._get_collection().find({}, {"_id": 1})]
        return keys if county is None else [k for k in keys if k.startswith(f"{county}:")]

    def _tally_sources(self, county: str | None) -> Iterable[tuple[str, str, dict | None, dict]]:
        """(county, warning id, entry, quarter entry) of every warning (of ``county``), read
        raw: only the fields the entries are built from."""
        wanted = dict.fromkeys(("county", "status", "level", "answer_due", "fix_due", *QUARTER_SOURCES), 1)
        for son in WarningRecord._get_collection().find({} if county is None else {"county": county}, wanted):
            entry = tally_entry(son.get("status"), son.get("level"), son.get("answer_due"), son.get("fix_due"))
            yield son["county"], son["_id"], entry, warning_quarter_entry(son)
