"""Integrity files: the hash-chained entries, their heads and idempotency records, the append
algorithm (``FileChain``) and its by-key steps on MongoDB (``FileStore``)."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import datetime

from mongoengine import (
    BooleanField,
    DateTimeField,
    DictField,
    Document,
    IntField,
    StringField,
)

from wuying_common.embedded import embedded_documents
from wuying_common.store import Store, checked_row

from ..domain.file import GENESIS_HASH, FileSubject, entry_hash
from .common import ALIAS, entry_key, head_key, recorded_key

#: How often one append re-reads the head after losing a seq to a concurrent append.
APPEND_ATTEMPTS = 10


class FileEntry(Document):
    """One append-only, hash-chained entry of an integrity file; ``_id`` ``<kind>/<id>/<seq>``."""

    meta = {"db_alias": ALIAS, "collection": "file_entries", "indexes": ["county"]}
    id = StringField(primary_key=True)
    subject_kind = StringField(required=True, choices=("official", "unit"))
    subject_id = StringField(required=True)
    county = StringField(required=True)
    seq = IntField(required=True, min_value=1)
    kind = StringField(required=True)
    summary = StringField(required=True)
    source_event_id = StringField(required=True)
    source_event_type = StringField(required=True)
    occurred_at = StringField(required=True)
    recorded_at = DateTimeField(required=True)
    data = DictField()
    prev_hash = StringField(required=True)
    hash = StringField(required=True)

    @classmethod
    def chained(
        cls, subject: FileSubject, seq: int, prev_hash: str, *, kind: str, summary: str, event: dict, now: datetime
    ) -> FileEntry:
        """The entry at ``seq`` after an entry whose hash is ``prev_hash``, hashed."""
        entry = cls(
            id=entry_key(subject.kind, subject.id, seq),
            subject_kind=subject.kind,
            subject_id=subject.id,
            county=subject.county,
            seq=seq,
            kind=kind,
            summary=summary,
            source_event_id=event["id"],
            source_event_type=event["type"],
            occurred_at=event["time"],
            recorded_at=now.replace(tzinfo=None),
            data=event.get("data", {}),
            prev_hash=prev_hash,
        )
        entry.hash = entry_hash(prev_hash, entry.content())
        return entry

    def content(self) -> dict:
        """What the hash covers."""
        return {
            "subject_kind": self.subject_kind,
            "subject_id": self.subject_id,
            "county": self.county,
            "seq": self.seq,
            "kind": self.kind,
            "summary": self.summary,
            "source_event_id": self.source_event_id,
            "source_event_type": self.source_event_type,
            "occurred_at": self.occurred_at,
            "data": self.data,
        }


class FileHead(Document):
    """Where a file ends: the last recorded seq and its hash; ``_id`` ``<kind>/<id>``.

    A cache of the chain, never its proof: verification recomputes from the entries. It may lag
    behind the entries (an appender stopped between its writes), never run ahead of them.
    """

    meta = {"db_alias": ALIAS, "collection": "file_heads", "indexes": ["pending"]}
    id = StringField(primary_key=True)
    subject_kind = StringField(required=True)
    subject_id = StringField(required=True)
    county = StringField(required=True)
    seq = IntField(required=True, min_value=1)
    hash = StringField(required=True)
    #: moved since the last signed checkpoint (set by every append, in the same write)
    pending = BooleanField(default=True)
    #: what the last checkpoint signed of this file; the next one only extends it
    signed_seq = IntField(default=0)
    signed_hash = StringField(default=GENESIS_HASH)
    #: the entries do not extend what was signed: never signed again, alerted
    broken = BooleanField(default=False)


class RecordedEvent(Document):
    """Idempotency record: this event is in this file at ``seq``; ``_id`` ``<event>/<kind>/<id>``."""

    meta = {"db_alias": ALIAS, "collection": "file_events"}
    id = StringField(primary_key=True)
    event_id = StringField(required=True)
    subject_kind = StringField(required=True)
    subject_id = StringField(required=True)
    seq = IntField(required=True, min_value=1)


class FileChain:
    """Appending to and reading integrity files, on a store's by-key steps.

    Shared by ``ArchiveStore`` and the tests' fake so both keep the same guarantees. The steps
    of one append, in this order, each one write by ``_id``:

    1. read the head, then the event's idempotency record (present: a redelivery);
    2. walk the entries past the head by key (a head lags only when an appender stopped
       between its writes): record each one's event, and if one is this event, answer duplicate;
    3. insert the entry at the next seq; a collision on ``_id`` means a concurrent append won
       that seq: start again at 1;
    4. write the idempotency record, then advance the head (conditional, never backwards).

    The head is read before the record because a record is always written before the head
    passes its entry: an append that sees the head past this event's entry also sees its
    record, and one that sees the head before it walks onto the entry. So an event lands once
    per file, whatever crashed or raced, without a unique index on (event, file).
    """

    # -- steps a store provides ---------------------------------------------------------------
    def head(self, kind: str, subject_id: str) -> FileHead | None:
        raise NotImplementedError

    def entry_at(self, kind: str, subject_id: str, seq: int) -> FileEntry | None:
        raise NotImplementedError

    def is_recorded(self, event_id: str, subject: FileSubject) -> bool:
        raise NotImplementedError

    def insert_entry(self, entry: FileEntry | EntryRow) -> bool:
        """Insert; False when the seq is taken."""
        raise NotImplementedError

    def record(self, event_id: str, subject: FileSubject, seq: int) -> None:
        """Write the idempotency record (again is a no-op)."""
        raise NotImplementedError

    def advance_head(self, subject: FileSubject, seq: int, digest: str) -> None:
        """Move the head to ``seq`` unless it is already there or past it."""
        raise NotImplementedError

    def entries_at(self, kind: str, subject_id: str, seqs: range) -> list[FileEntry]:
        """The entries at ``seqs`` that exist, in seq order."""
        raise NotImplementedError

    def tail(self, kind: str, subject_id: str) -> tuple[int, str]:
        """The head's seq and hash, (0, genesis) for a file without a head."""
        head = self.head(kind, subject_id)
        return (head.seq, head.hash) if head else (0, GENESIS_HASH)

    def new_entry(
        self, subject: FileSubject, seq: int, prev_hash: str, *, kind: str, summary: str, event: dict, now: datetime
    ) -> FileEntry | EntryRow:
        """The entry to insert at ``seq`` (anything with ``seq`` and ``hash`` that
        ``insert_entry`` takes)."""
        return FileEntry.chained(subject, seq, prev_hash, kind=kind, summary=summary, event=event, now=now)

    # -- the file -----------------------------------------------------------------------------
    def append(self, subject: FileSubject, *, kind: str, summary: str, event: dict, now: datetime) -> bool:
        """Append to a file; False when this event is already in it (redelivery)."""
        event_id = event["id"]
        for _ in range(APPEND_ATTEMPTS):
            seq, prev_hash = self.tail(subject.kind, subject.id)
            if self.is_recorded(event_id, subject):
                return False
            for walked in self._after(subject.kind, subject.id, seq):
                self.record(walked.source_event_id, subject, walked.seq)
                if walked.source_event_id == event_id:
                    self.advance_head(subject, walked.seq, walked.hash)
                    return False
                seq, prev_hash = walked.seq, walked.hash
            entry = self.new_entry(subject, seq + 1, prev_hash, kind=kind, summary=summary, event=event, now=now)
            if not self.insert_entry(entry):
                continue
            self.record(event_id, subject, entry.seq)
            self.advance_head(subject, entry.seq, entry.hash)
            return True
        raise RuntimeError(f"could not append to the file after {APPEND_ATTEMPTS} concurrent attempts")

    def append_many(self, items: list[tuple[FileSubject, str, str, dict]], now: datetime) -> int:
        """``append`` each ``(subject, kind, summary, event)``; returns how many were appended
        (a redelivery appends none). ``FileStore`` starts the files that are new in bulk."""
        return sum(self.append(s, kind=k, summary=m, event=e, now=now) for s, k, m, e in items)

    def entries(self, kind: str, subject_id: str) -> list[FileEntry]:
        """The whole file in seq order, by key: 1..head, then any entry past a lagging head.

        A missing entry is left out, so the chain check sees the gap.
        """
        head = self.head(kind, subject_id)
        last = head.seq if head else 0
        return self.entries_at(kind, subject_id, range(1, last + 1)) + list(self._after(kind, subject_id, last))

    def page(self, kind: str, subject_id: str, after: int, limit: int) -> tuple[list[FileEntry], int]:
        """Up to ``limit`` entries after seq ``after``, by key, and the last seq of the file."""
        head = self.head(kind, subject_id)
        last = head.seq if head else 0
        entries = self.entries_at(kind, subject_id, range(after + 1, min(after + limit, last) + 1))
        if len(entries) < limit:
            for entry in self._after(kind, subject_id, max(last, after)):
                entries.append(entry)
                if len(entries) == limit:
                    break
        tail = entries[-1].seq if entries else after
        if tail >= last and self.entry_at(kind, subject_id, tail + 1) is not None:
            tail += 1  # a lagging head: there is more past the page
        return entries, max(last, tail)

    def _after(self, kind: str, subject_id: str, seq: int) -> Iterator[FileEntry]:
        while (entry := self.entry_at(kind, subject_id, seq + 1)) is not None:
            yield entry
            seq += 1


class EntryRow(dict):
    """A file entry in its stored form, built and checked by the store (``FileStore.new_entry``):
    what ``append`` inserts without building a mongoengine document for it."""

    @property
    def seq(self) -> int:
        return self["seq"]

    @property
    def hash(self) -> str:
        return self["hash"]


class FileStore(FileChain, Store):
    """``FileChain`` on the store's by-key steps; part of ``ArchiveStore``.

    The append's steps read and write the documents' stored form by ``_id`` (every event of
    the drain appends to one or more files: building and converting the mongoengine documents
    of a head, an entry and a record was most of an append); the rows are checked against the
    documents' fields as ``Document.validate`` checks them (``checked_row``)."""

    # -- the file's steps, each by _id ----------------------------------------------------------
    def head(self, kind: str, subject_id: str) -> FileHead | None:
        return self.get(FileHead, head_key(kind, subject_id))

    def tail(self, kind: str, subject_id: str) -> tuple[int, str]:
        row = self._row(FileHead, head_key(kind, subject_id))
        return (row["seq"], row["hash"]) if row else (0, GENESIS_HASH)

    def entry_at(self, kind: str, subject_id: str, seq: int) -> FileEntry | None:
        row = self._row(FileEntry, entry_key(kind, subject_id, seq))
        return None if row is None else FileEntry._from_son(copy.deepcopy(row))

    def entries_at(self, kind: str, subject_id: str, seqs: range) -> list[FileEntry]:
        return self.get_many(FileEntry, [entry_key(kind, subject_id, seq) for seq in seqs])

    def is_recorded(self, event_id: str, subject: FileSubject) -> bool:
        return self._row(RecordedEvent, recorded_key(event_id, subject.kind, subject.id)) is not None

    def new_entry(
        self, subject: FileSubject, seq: int, prev_hash: str, *, kind: str, summary: str, event: dict, now: datetime
    ) -> EntryRow:
        # the event's data copied: an event filed in two files must not share one stored dict
        event = dict(event, data=copy.deepcopy(event.get("data", {})))
        return EntryRow(_entry_row(subject, seq, prev_hash, kind, summary, event, now))

    def insert_entry(self, entry: FileEntry | EntryRow) -> bool:
        if isinstance(entry, FileEntry):
            return self.insert(entry)
        return not self.insert_rows(FileEntry, [checked_row(FileEntry, entry)])

    def record(self, event_id: str, subject: FileSubject, seq: int) -> None:
        # taken: recorded already (by a redelivery, or by an append that walked past it)
        row = {
            "_id": recorded_key(event_id, subject.kind, subject.id),
            "event_id": event_id,
            "subject_kind": subject.kind,
            "subject_id": subject.id,
            "seq": seq,
        }
        self.insert_rows(RecordedEvent, [checked_row(RecordedEvent, row)])

    def advance_head(self, subject: FileSubject, seq: int, digest: str) -> None:
        if self._move_head(subject, seq, digest):
            return
        row = checked_row(FileHead, _head_row(subject.kind, subject.id, subject.county, seq, digest))
        if self.insert_rows(FileHead, [row]):
            # It exists: at or past seq already (nothing to do), or created just now behind us.
            self._move_head(subject, seq, digest)

    def _row(self, cls, key: str) -> dict | None:
        """A stored document by ``_id``, read only (on the embedded store the collection's own
        dict: mongomock's ``find_one`` copies it and evaluates a cursor for a key lookup)."""
        if self.mode == "embedded":
            return embedded_documents(cls).get(key)
        return cls._get_collection().find_one({"_id": key})

    def append_many(self, items: list[tuple[FileSubject, str, str, dict]], now: datetime) -> int:
        """Files that do not exist yet (no head, no first entry: an import's new officials) are
        started in bulk, in ``append``'s order of writes: every first entry, then every
        idempotency record, then every head; the others, and any first entry a concurrent append
        took, go through ``append`` one by one. 200,000 officials' first entries cost ~6 store
        calls and three mongoengine documents each through ``append``."""
        heads = {h["_id"] for h in _rows(FileHead, [head_key(s.kind, s.id) for s, *_ in items])}
        firsts = {e["_id"] for e in _rows(FileEntry, [entry_key(s.kind, s.id, 1) for s, *_ in items])}
        fresh: dict[str, tuple[int, dict]] = {}  # entry key -> (the item's index, the first entry)
        for i, (subject, kind, summary, event) in enumerate(items):
            key = entry_key(subject.kind, subject.id, 1)
            if head_key(subject.kind, subject.id) not in heads and key not in firsts and key not in fresh:
                fresh[key] = (i, _first_entry(subject, kind, summary, event, now))
        taken = self.insert_rows(FileEntry, [son for _, son in fresh.values()])
        started = [son for key, (_, son) in fresh.items() if key not in taken]
        done = {i for key, (i, _) in fresh.items() if key not in taken}
        rest = [item for i, item in enumerate(items) if i not in done]  # in their order
        self.insert_rows(
            RecordedEvent,
            [
                {
                    "_id": recorded_key(e["source_event_id"], e["subject_kind"], e["subject_id"]),
                    "event_id": e["source_event_id"],
                    "subject_kind": e["subject_kind"],
                    "subject_id": e["subject_id"],
                    "seq": 1,
                }
                for e in started
            ],
        )
        heads_taken = self.insert_rows(FileHead, [_first_head(e) for e in started])
        for e in started:  # a head made meanwhile by a concurrent append: move it, never backwards
            if head_key(e["subject_kind"], e["subject_id"]) in heads_taken:
                subject = FileSubject(e["subject_kind"], e["subject_id"], e["county"])
                self.advance_head(subject, 1, e["hash"])
        return len(started) + sum(self.append(s, kind=k, summary=m, event=e, now=now) for s, k, m, e in rest)

    def _move_head(self, subject: FileSubject, seq: int, digest: str) -> bool:
        """Move an existing head forward to ``seq`` (never backwards); False when there is no
        head to move (or, on MongoDB, when it is at or past ``seq``: then inserting it fails
        and the second call is a no-op)."""
        key = head_key(subject.kind, subject.id)
        if self.mode == "embedded":  # the collection's dict, as mongomock's update would
            row = embedded_documents(FileHead).get(key)
            if row is not None and row["seq"] < seq:
                row.update(seq=seq, hash=digest, pending=True)
            return row is not None
        moved = FileHead._get_collection().update_one(
            {"_id": key, "seq": {"$lt": seq}}, {"$set": {"seq": seq, "hash": digest, "pending": True}}
        )
        return bool(moved.matched_count)


def _rows(cls, keys: list[str]) -> list[dict]:
    """Raw documents by key (their ``_id`` only)."""
    return list(cls._get_collection().find({"_id": {"$in": keys}}, {"_id": 1})) if keys else []


def _first_entry(subject: FileSubject, kind: str, summary: str, event: dict, now: datetime) -> dict:
    """A file's first entry in its stored form."""
    return _entry_row(subject, 1, GENESIS_HASH, kind, summary, event, now)


def _entry_row(
    subject: FileSubject, seq: int, prev_hash: str, kind: str, summary: str, event: dict, now: datetime
) -> dict:
    """The entry at ``seq`` in its stored form, hashed as ``FileEntry.chained`` hashes it."""
    content = {
        "subject_kind": subject.kind,
        "subject_id": subject.id,
        "county": subject.county,
        "seq": seq,
        "kind": kind,
        "summary": summary,
        "source_event_id": event["id"],
        "source_event_type": event["type"],
        "occurred_at": event["time"],
        "data": event.get("data", {}),
    }
    return {
        "_id": entry_key(subject.kind, subject.id, seq),
        **content,
        "recorded_at": now.replace(tzinfo=None),
        "prev_hash": prev_hash,
        "hash": entry_hash(prev_hash, content),
    }


def _first_head(entry: dict) -> dict:
    return _head_row(entry["subject_kind"], entry["subject_id"], entry["county"], 1, entry["hash"])


def _head_row(kind: str, subject_id: str, county: str, seq: int, digest: str) -> dict:
    return {
        "_id": head_key(kind, subject_id),
        "subject_kind": kind,
        "subject_id": subject_id,
        "county": county,
        "seq": seq,
        "hash": digest,
        "pending": True,
        "signed_seq": 0,
        "signed_hash": GENESIS_HASH,
        "broken": False,
    }
