"""Coverage kept by key (issue 14 item 7; seeds 000/E 每年不少于2次, 001 贵州 全覆盖): per county
the registered units (``UnitTally``, ``_id`` the county), per county and year the plans
(``PlanTally``, ``_id`` ``<county>:<year>``), each entry keyed by the unit id and built by the
domain's pure ``unit_entry`` / ``plan_entry`` (``wuying_common.tallies``).

``CoverageTallies`` is mixed into the store in front of its generic writes: every ``add``,
``save``, ``add_or_replace`` and ``delete`` of a unit or a plan sets its entry right after the
record, whichever handler, timer or RPC wrote it. Inside ``tallies_batched()`` (a registration
batch, a campaign's commit) the entries of one greenlet are gathered and written once per tally
(``set_entries``) when the block ends, even when it fails part way (each entry is built from the
record as written). ``rebuild_coverage_tallies`` recomputes counties from their records
(``replace_tally``): an operator's mend after a failure between a record and its entry.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from mongoengine import Document

from wuying_common.tallies import TallyDocument, tally_key

from .base import ALIAS
from .plans import Plan, Unit


class UnitTally(TallyDocument):
    """A county's registered units: unit id → ``{"campaign": bool}``."""

    meta = {"db_alias": ALIAS, "collection": "unit_tallies"}


class PlanTally(TallyDocument):
    """A county's plans of one year: unit id → ``{"planned", "done", "due"}``."""

    meta = {"db_alias": ALIAS, "collection": "plan_tallies"}


def _county_of(key: str) -> str:
    return key.split(":", 1)[0]


class CoverageTallies:
    """The coverage tallies kept in step with every write of a unit or a plan (a store mixin,
    placed before the store's generic writes: the real ``Store``'s or a fake's)."""

    def _pending(self) -> dict | None:
        return getattr(self._tally_local(), "pending", None)

    def _tally_local(self) -> threading.local:
        # greenlet-local under eventlet: one worker's batch never gathers another's writes
        local = self.__dict__.get("_coverage_local")
        if local is None:
            local = self.__dict__["_coverage_local"] = threading.local()
        return local

    @contextmanager
    def tallies_batched(self, units: Iterable[str] = ()) -> Iterator[None]:
        """Gather the entries written inside the block, one ``set_entries`` per tally at its end.

        ``units``: the ids of the units the block will register, whose stored counties are
        read here at once (``get_many``: one read by keys a batch — on MongoDB one round trip,
        not one a unit) instead of by each ``add_or_replace``."""
        local = self._tally_local()
        if getattr(local, "pending", None) is not None:  # nested: the outer block writes
            yield
            return
        pending: dict[tuple[type[TallyDocument], str], dict[str, dict | None]] = {}
        local.pending = pending
        ids = list(dict.fromkeys(units))
        if ids:
            counties: dict[str, str | None] = dict.fromkeys(ids)
            counties.update((u.id, u.county) for u in self.get_many(Unit, ids))  # type: ignore[attr-defined]
            local.counties = counties
        try:
            yield
        finally:
            local.pending = local.counties = None
            for (cls, key), entries in pending.items():
                self.set_entries(cls, key, entries)  # type: ignore[attr-defined]

    def _stored_county(self, unit: Unit) -> str | None:
        """The county a unit is registered in now (None: not registered): read ahead by the
        batch (each id's once: a unit registered twice in one batch is read again), else by key."""
        known = getattr(self._tally_local(), "counties", None)
        if known is not None and unit.pk in known:
            return known.pop(unit.pk)
        before = self.get(Unit, unit.pk)  # type: ignore[attr-defined]
        return None if before is None else before.county

    def _set(self, cls: type[TallyDocument], key: str, record: str, entry: dict | None) -> None:
        pending = self._pending()
        if pending is None:
            self.set_entry(cls, key, record, entry)  # type: ignore[attr-defined]
        else:
            pending.setdefault((cls, key), {})[record] = entry

    def _kept(self, document: Document, gone: bool = False) -> None:
        if isinstance(document, Plan):
            key = tally_key(document.county, document.year)
            self._set(PlanTally, key, document.unit_id, None if gone else document.coverage_entry())
        elif isinstance(document, Unit):
            self._set(UnitTally, tally_key(document.county), document.id, None if gone else document.coverage_entry())

    # -- the generic writes, kept in step ------------------------------------------------------
    def add(self, aggregate: Document) -> Document:
        written = super().add(aggregate)  # type: ignore[misc]
        self._kept(aggregate)
        return written

    def save(self, aggregate: Document) -> Document:
        written = super().save(aggregate)  # type: ignore[misc]
        self._kept(aggregate)
        return written

    def add_or_replace(self, document: Document) -> Document:
        before = self._stored_county(document) if isinstance(document, Unit) else None
        written = super().add_or_replace(document)  # type: ignore[misc]
        if before is not None and before != document.county:
            # a unit moved to another county leaves the old tally
            self._set(UnitTally, tally_key(before), document.pk, None)
        self._kept(document)
        return written

    def delete(self, aggregate: Document) -> None:
        super().delete(aggregate)  # type: ignore[misc]
        self._kept(aggregate, gone=True)

    # -- reads and the rebuild -------------------------------------------------------------------
    def coverage_tallies(self, counties: Iterable[str], year: int) -> tuple[dict[str, dict], dict[str, dict]]:
        """The units of ``counties`` (county → unit id → entry) and their plans of ``year`` (unit
        id → entry): two reads by key."""
        counties = list(counties)
        units = self.tallies(UnitTally, [tally_key(c) for c in counties])  # type: ignore[attr-defined]
        plans: dict[str, dict] = {}
        for entries in self.tallies(PlanTally, [tally_key(c, year) for c in counties]).values():  # type: ignore[attr-defined]
            plans.update(entries)
        return units, plans

    def rebuild_coverage_tallies(self, counties: Iterable[str] | None = None) -> dict:
        """Every tally of ``counties`` (None: of every county) written whole from the units and
        plans stored; a tally whose records are all gone is emptied."""
        scope = None if counties is None else set(counties)
        unit_tallies: dict[str, dict] = {}
        plan_tallies: dict[str, dict] = {}
        for cls, found in ((UnitTally, unit_tallies), (PlanTally, plan_tallies)):
            for key in self.tally_keys(cls):  # type: ignore[attr-defined]
                if scope is None or _county_of(key) in scope:
                    found[key] = {}
        units = self.units_of(scope)  # type: ignore[attr-defined]
        plans = self.plans_of(scope)  # type: ignore[attr-defined]
        for county in scope or ():
            unit_tallies.setdefault(tally_key(county), {})
        for unit in units:
            unit_tallies.setdefault(tally_key(unit.county), {})[unit.id] = unit.coverage_entry()
        for plan in plans:
            plan_tallies.setdefault(tally_key(plan.county, plan.year), {})[plan.unit_id] = plan.coverage_entry()
        for cls, found in ((UnitTally, unit_tallies), (PlanTally, plan_tallies)):
            for key, entries in found.items():
                self.replace_tally(cls, key, entries)  # type: ignore[attr-defined]
        return {"tallies": len(unit_tallies) + len(plan_tallies), "units": len(units), "plans": len(plans)}
