"""mongoengine documents of the archive service (connection alias ``archive``)."""

from __future__ import annotations

from datetime import datetime

from mongoengine import DateTimeField, DictField, Document, IntField, StringField
from mongoengine.errors import NotUniqueError

from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store

from .domain.file import GENESIS_HASH, FileSubject, entry_hash

ALIAS = "archive"


class Unit(Document):
    """A unit (单位): commission organs, dispatched agencies, departments, townships."""

    meta = {"db_alias": ALIAS, "collection": "units", "indexes": ["county", "zone"]}
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    kind = StringField(required=True)
    zone = StringField()


class Official(OutboxDocument):
    """An official under supervision; the owner of one integrity file."""

    meta = {
        "db_alias": ALIAS,
        "collection": "officials",
        "indexes": ["county", "unit_id", "name", "outbox_pending"],
    }
    id = StringField(primary_key=True)
    name = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    post = StringField(required=True)
    rank = StringField(required=True)
    status = StringField(required=True, default="serving")
    commission_staff = IntField(default=0)  # 1 when the official works for a commission


class FileEntry(Document):
    """One append-only, hash-chained entry of an integrity file."""

    meta = {
        "db_alias": ALIAS,
        "collection": "file_entries",
        "indexes": [
            {"fields": ["subject_kind", "subject_id", "seq"], "unique": True},
            {"fields": ["source_event_id", "subject_kind", "subject_id"], "unique": True},
            "county",
        ],
    }
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


class ArchiveStore(Store):
    documents = (Unit, Official, FileEntry)

    def get_official(self, official_id: str) -> Official | None:
        return Official.objects(id=official_id).first()

    def get_unit(self, unit_id: str) -> Unit | None:
        return Unit.objects(id=unit_id).first()

    def officials(self, county: str | None = None, name: str | None = None, limit: int = 100) -> list[Official]:
        query = Official.objects
        if county:
            query = query(county=county)
        if name:
            query = query(name=name)
        return list(query.order_by("id").limit(limit))

    def has_entry(self, event_id: str, subject: FileSubject) -> bool:
        return bool(
            FileEntry.objects(source_event_id=event_id, subject_kind=subject.kind, subject_id=subject.id).count()
        )

    def append(self, subject: FileSubject, *, kind: str, summary: str, event: dict, now: datetime) -> bool:
        """Append to a file; False when this event is already in it (redelivery).

        The unique (subject, seq) index makes two concurrent appends to the same file collide
        instead of forking the chain; the loser recomputes and tries again.
        """
        for _ in range(10):
            if self.has_entry(event["id"], subject):
                return False
            last = FileEntry.objects(subject_kind=subject.kind, subject_id=subject.id).order_by("-seq").first()
            prev_hash = last.hash if last else GENESIS_HASH
            entry = FileEntry(
                subject_kind=subject.kind,
                subject_id=subject.id,
                county=subject.county,
                seq=(last.seq + 1) if last else 1,
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
            try:
                entry.save(force_insert=True)
                return True
            except NotUniqueError:
                continue
        raise RuntimeError("could not append to the file after 10 concurrent attempts")

    def entries(self, kind: str, subject_id: str) -> list[FileEntry]:
        return list(FileEntry.objects(subject_kind=kind, subject_id=subject_id).order_by("seq"))
