"""The integrity file (廉政档案): every platform event about a person or unit, appended to their
tamper-evident timeline (004/4 深圳龙岗 一人一档; DESIGN.md §4 Archive).

Reading a file is paged by seq; the hash chain is verified on demand (``verify_file``, and the
auditor's tool), not on every read: a page costs what it shows, whatever the file's length.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock
from wuying_common.events import short_name

from ..domain.credit import CREDIT_RULES
from ..domain.file import NOT_FILED, ChainCheck, subjects_of, summarise, verify_chain
from ..exceptions import FileNotFound
from ..persistence import ArchiveStore, FileEntry, Official, Unit
from .conditions import Evaluator, evaluate, learn, signals_of


@dataclass(frozen=True)
class IntegrityFile:
    subject_kind: str
    subject_id: str
    county: str
    name: str | None
    entries: list[FileEntry]
    intact: bool | None
    last_seq: int = 0
    next_after: int | None = None


def record_event(store: ArchiveStore, clock: SystemClock, envelope: dict, evaluator: Evaluator | None = None) -> str:
    """Append an incoming event to every file it concerns, and teach the conditions what it says
    (a report, an overdue or lifted warning), then evaluate them. Idempotent on the event id:
    the file records an event once, a dossier learns it once, a reminder's key is natural."""
    if envelope["type"] in NOT_FILED:
        return "processed"
    name = short_name(envelope)
    data = envelope.get("data", {})
    subjects = subjects_of(name, data, envelope["county"])
    appended = [
        store.append(s, kind=name, summary=summarise(name, data), event=envelope, now=clock.now()) for s in subjects
    ]
    if evaluator is not None:
        learnt = [oid for oid, signal in signals_of(name, envelope) if learn(store, oid, envelope["county"], signal)]
        if learnt:
            # the conditions and the credit in one pass: the officials' stored rows and their
            # dossiers as learnt read once by key, the dossier written once; the new reminders
            # are not built as documents (nothing here reads them)
            officials = store.stored_officials(learnt).values()
            evaluate(store, clock, evaluator, officials, credit=CREDIT_RULES, documents=False)
    if subjects and not any(appended):
        return "duplicate"
    return "processed"


#: Entries per page of a file when the reader does not say.
PAGE = 100


def _owner(store: ArchiveStore, principal: Principal | None, kind: str, subject_id: str, first: FileEntry | None):
    owner = store.get(Official if kind == "official" else Unit, subject_id)
    if owner is None and first is None:
        raise FileNotFound(fields={"id": subject_id})
    county = owner.county if owner is not None else first.county  # type: ignore[union-attr]
    if principal is not None:
        principal.require_county(county)
    return owner, county


def integrity_file(
    store: ArchiveStore,
    principal: Principal | None,
    kind: str,
    subject_id: str,
    *,
    after: int = 0,
    limit: int = PAGE,
    verify: bool = False,
) -> IntegrityFile:
    """One page of a file's timeline (entries after seq ``after``), by key.

    ``intact`` is the whole chain's check: computed when asked (``verify``), or when this page
    is the whole file (then it costs nothing the read did not); else None — a long file is not
    re-hashed on every read."""
    entries, last_seq = store.page(kind, subject_id, after, limit)
    first = entries[0] if entries else store.entry_at(kind, subject_id, 1)
    owner, county = _owner(store, principal, kind, subject_id, first)
    more = bool(entries) and entries[-1].seq < last_seq
    intact: bool | None = None
    if verify:
        intact = verify_file(store, None, kind, subject_id).intact
    elif after == 0 and not more:
        intact = _check(entries).intact
    return IntegrityFile(
        subject_kind=kind,
        subject_id=subject_id,
        county=county,
        name=owner.name if owner is not None else None,
        entries=entries,
        intact=intact,
        last_seq=last_seq,
        next_after=entries[-1].seq if more else None,
    )


def _check(entries: list[FileEntry]) -> ChainCheck:
    return verify_chain([(e.seq, e.content(), e.prev_hash, e.hash) for e in entries])


def verify_file(store: ArchiveStore, principal: Principal | None, kind: str, subject_id: str) -> ChainCheck:
    """Recompute the whole chain from the entries (on demand: the auditor's question)."""
    entries = store.entries(kind, subject_id)
    _owner(store, principal, kind, subject_id, entries[0] if entries else None)
    return _check(entries)
