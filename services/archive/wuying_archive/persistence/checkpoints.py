"""Signed checkpoints of a county's files (``domain.checkpoints``) and the auditor's export."""

from __future__ import annotations

from collections.abc import Iterable

from mongoengine import (
    DictField,
    IntField,
    ListField,
    StringField,
)
from mongoengine.queryset.visitor import Q

from wuying_common.outbox import OutboxDocument
from wuying_common.store import Store, VersionedDocument

from ..domain.file import GENESIS_HASH
from .common import ALIAS, _county_q
from .files import FileEntry, FileHead


class Checkpoint(OutboxDocument):
    """A signed checkpoint of one county's files (``domain.checkpoints``); ``_id``
    ``<county>/<number>``, written with its ``archive.checkpoint_signed`` in one write."""

    meta = {"db_alias": ALIAS, "collection": "checkpoints", "indexes": ["county", "outbox_pending"]}
    subject_kind = "checkpoint"
    id = StringField(primary_key=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    number = IntField(required=True, min_value=1)
    issued_at = StringField(required=True)
    key_id = StringField(required=True)
    prev_hash = StringField(required=True)
    leaves = ListField(DictField())
    hash = StringField(required=True)
    signature = StringField(required=True)

    def body(self) -> dict:
        return {
            "county": self.county,
            "number": self.number,
            "issued_at": self.issued_at,
            "key_id": self.key_id,
            "prev_hash": self.prev_hash,
            "leaves": list(self.leaves),
        }


class CheckpointChain(VersionedDocument):
    """Where a county's checkpoints end: ``_id`` the county, the last number and hash."""

    meta = {"db_alias": ALIAS, "collection": "checkpoint_chains"}
    id = StringField(primary_key=True)
    number = IntField(default=0)
    hash = StringField(default=GENESIS_HASH)
    issued_at = StringField(default="")


class CheckpointStore(Store):
    """Signed checkpoints and the export in the store; part of ``ArchiveStore``."""

    # -- signed checkpoints (the timer's scan of moved heads; by key otherwise) ---------------------
    def pending_heads(self, limit: int = 5000) -> list[FileHead]:
        """Heads moved since their last checkpoint (indexed on MongoDB; a scan on the embedded store)."""
        return list(FileHead.objects(pending=True, broken__ne=True).order_by("id").limit(limit))

    def mark_signed(self, leaves: Iterable[tuple[str, int, str]]) -> None:
        """Record what a checkpoint signed; a head that moved meanwhile stays pending."""
        for key, seq, digest in leaves:
            FileHead.objects(pk=key, seq=seq).update_one(
                set__pending=False, set__signed_seq=seq, set__signed_hash=digest
            )

    def mark_broken(self, key: str) -> None:
        FileHead.objects(pk=key).update_one(set__broken=True)

    def checkpoint_chains(self) -> list[CheckpointChain]:
        """One per county that has files (a small collection, read whole by the timer)."""
        return list(CheckpointChain.objects.order_by("id"))

    def checkpoints(self, county: str, after: int = 0, limit: int = 100) -> list[Checkpoint]:
        return list(Checkpoint.objects(county=county, number__gt=after).order_by("number").limit(limit))

    def export_entries(self, counties: tuple[str, ...], after: str = "", limit: int = 1000) -> list[dict]:
        """File entries in the counties, in ``_id`` order after ``after``, as stored (the auditor's
        export: a scan by design)."""
        q = _county_q(counties)
        if after:
            q &= Q(id__gt=after)
        return list(FileEntry.objects(q).order_by("id").limit(limit).as_pymongo())
