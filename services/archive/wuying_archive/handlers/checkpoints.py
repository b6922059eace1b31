"""Signing checkpoints of the files (issue 11 item 6; ``domain.checkpoints``) and exporting the
files for an outside auditor.

The timer signs, per county, the heads that moved since the county's last checkpoint — after
checking that each file's new entries extend what was signed before (a file that does not is
never signed again and is reported) — and, for a county with nothing new, a heartbeat once a day.
Each checkpoint is one document written with its ``archive.checkpoint_signed`` (outbox).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import datetime, timedelta

from wuying_common.clock import SystemClock
from wuying_common.errors import Conflict

from ..domain.checkpoints import GENESIS, HEARTBEAT_HOURS, MAX_LEAVES, Leaf, Signer, body_of, checkpoint_hash, extends
from ..domain.file import entry_hash
from ..persistence import ArchiveStore, Checkpoint, CheckpointChain, FileHead
from ..schemas import CHECKPOINT_SIGNED

log = logging.getLogger(__name__)


def sign_checkpoints(
    store: ArchiveStore, clock: SystemClock, signer: Signer | None, *, max_leaves: int = MAX_LEAVES
) -> dict:
    """Sign what moved, county by county; returns what it did (the timer logs it)."""
    if signer is None:
        return {"signed": 0, "broken": [], "disabled": True}
    chains = {c.id: c for c in store.checkpoint_chains()}
    by_county: dict[str, list[Leaf]] = defaultdict(list)
    broken: list[str] = []
    for head in store.pending_heads():
        if _extends_signed(store, head):
            by_county[head.county].append(Leaf(head.id, head.seq, head.hash))
        else:
            store.mark_broken(head.id)
            broken.append(head.id)
            log.error("file %s does not extend its signed checkpoint: not signed again", head.id)
    made: list[Checkpoint] = []
    for county in sorted(by_county):
        leaves = by_county[county]
        for start in range(0, len(leaves), max_leaves):
            chunk = leaves[start : start + max_leaves]
            made.append(_issue(store, clock, signer, chains, county, chunk))
            store.mark_signed((leaf.file, leaf.seq, leaf.hash) for leaf in chunk)
    now = clock.now()
    for county, chain in chains.items():
        if county in by_county or not chain.issued_at:
            continue
        if datetime.fromisoformat(chain.issued_at) <= now - timedelta(hours=HEARTBEAT_HOURS):
            made.append(_issue(store, clock, signer, chains, county, []))
    return {"signed": len(made), "files": sum(len(c.leaves) for c in made), "broken": broken, "disabled": False}


def _extends_signed(store: ArchiveStore, head: FileHead) -> bool:
    """The signed entry is still what was signed, and the new ones chain on from it."""
    first = max(head.signed_seq, 1)
    entries = store.entries_at(head.subject_kind, head.subject_id, range(first, head.seq + 1))
    rows = [(e.seq, e.prev_hash, e.hash, entry_hash(e.prev_hash, e.content())) for e in entries]
    if len(rows) != head.seq - first + 1:
        return False
    if head.signed_seq:
        seq, _, digest, recomputed = rows.pop(0)
        if digest != head.signed_hash or recomputed != digest:
            return False
    return extends(head.signed_hash or GENESIS, rows, head.signed_seq)


def _issue(
    store: ArchiveStore, clock: SystemClock, signer: Signer, chains: dict, county: str, leaves: list[Leaf]
) -> Checkpoint:
    for _ in range(3):
        chain = chains.get(county) or CheckpointChain(id=county)
        number = chain.number + 1
        body = body_of(county, number, clock.now().isoformat(), signer.key_id, chain.hash, leaves)
        digest = checkpoint_hash(body)
        checkpoint = Checkpoint(
            id=f"{county}/{number}",
            county=county,
            number=number,
            issued_at=body["issued_at"],
            key_id=signer.key_id,
            prev_hash=chain.hash,
            leaves=body["leaves"],
            hash=digest,
            signature=signer.sign(body),
        )
        checkpoint.record_event(
            CHECKPOINT_SIGNED,
            dict(body, files=len(leaves), hash=digest, signature=checkpoint.signature),
            now=clock.now(),
        )
        try:
            store.add(checkpoint)
        except Conflict:
            # Another replica (or this one before a crash) issued this number: follow it.
            existing = store.get(Checkpoint, f"{county}/{number}")
            chains[county] = _advance(store, chain, existing) if existing else chain
            continue
        chains[county] = _advance(store, chain, checkpoint)
        return checkpoint
    raise Conflict("检查点正被同时签发，请稍后重试", code="concurrent_update")


def _advance(store: ArchiveStore, chain: CheckpointChain, checkpoint: Checkpoint) -> CheckpointChain:
    if chain.number >= checkpoint.number:
        return chain
    chain.number, chain.hash, chain.issued_at = checkpoint.number, checkpoint.hash, checkpoint.issued_at
    try:
        return store.save(chain) if chain.version else store.add(chain)
    except Conflict:
        return store.get(CheckpointChain, chain.id) or chain


def event_data(checkpoint: Checkpoint) -> dict:
    """A checkpoint as its ``archive.checkpoint_signed`` data (what keepers keep)."""
    return dict(checkpoint.body(), files=len(checkpoint.leaves), hash=checkpoint.hash, signature=checkpoint.signature)


#: What an export line holds: the entry as hashed, plus when it was recorded (not hashed).
EXPORT_FIELDS = (
    "subject_kind",
    "subject_id",
    "county",
    "seq",
    "kind",
    "summary",
    "source_event_id",
    "source_event_type",
    "occurred_at",
    "data",
    "prev_hash",
    "hash",
)


def export_page(
    store: ArchiveStore, counties: tuple[str, ...], after: str, limit: int
) -> tuple[list[dict], str | None]:
    """One page of the export: entries as lines, and the cursor of the next page."""
    rows = store.export_entries(counties, after, limit)
    lines = []
    for row in rows:
        line = {k: row.get(k) for k in EXPORT_FIELDS}
        recorded = row.get("recorded_at")
        line["recorded_at"] = recorded.isoformat() if recorded else None
        lines.append(line)
    return lines, (rows[-1]["_id"] if len(rows) == limit else None)
