"""Versioned rule data per commission: its documents and the store's methods for them."""

from __future__ import annotations

import copy
from datetime import datetime

from mongoengine import BooleanField, DateTimeField, DictField, Document, StringField

from wuying_common.clock import naive_utc
from wuying_common.embedded import embedded_documents
from wuying_common.paging import Page
from wuying_common.store import Store, VersionedDocument

from ..domain.rulebook import commission_chain
from .common import ALIAS


# -- versioned rule data ----------------------------------------------------------------------
class RuleVersion(VersionedDocument):
    """One version of one kind of rule data of one commission (``<kind>:<commission>:<version>``)."""

    meta = {"db_alias": ALIAS, "collection": "rule_versions", "indexes": [("kind", "commission", "created_at")]}
    id = StringField(primary_key=True)
    kind = StringField(required=True)
    commission = StringField(required=True)
    rule_version = StringField(required=True)
    body = DictField(required=True)
    frozen = BooleanField(default=False)
    note = StringField(default="")
    created_by = StringField(required=True)
    created_at = DateTimeField(required=True)
    frozen_at = DateTimeField()


class RuleInForce(Document):
    """The version in force for one kind and commission (``<kind>:<commission>``), with a copy
    of its body so a consumer reads its rules by key, in one lookup with its fallbacks."""

    meta = {"db_alias": ALIAS, "collection": "rules_in_force"}
    id = StringField(primary_key=True)
    rule_version = StringField(required=True)
    body = DictField(required=True)
    activated_at = DateTimeField(required=True)
    activated_by = StringField(required=True)


class RuleStore(Store):
    """Versioned rule data per commission."""

    def add_rule_version(self, version: RuleVersion) -> RuleVersion:
        self.add(version)
        return version

    def get_rule_version(self, kind: str, commission: str, rule_version: str) -> RuleVersion | None:
        return self.get(RuleVersion, f"{kind}:{commission}:{rule_version}")

    def save_rule_version(self, version: RuleVersion) -> RuleVersion:
        self.save(version)
        return version

    def rule_versions(self, kind: str, commission: str, page: dict) -> Page:
        return self.paged(RuleVersion.objects(kind=kind, commission=commission), page, order="created_at")

    def put_in_force(self, kind: str, commission: str, rule_version: str, body: dict, by: str, now: datetime) -> None:
        self.add_or_replace(
            RuleInForce(
                id=f"{kind}:{commission}",
                rule_version=rule_version,
                body=body,
                activated_at=naive_utc(now),
                activated_by=by,
            )
        )

    def freeze_rule_version(self, kind: str, commission: str, rule_version: str, now: datetime) -> None:
        """Mark a version used (idempotent): from now on it cannot change."""
        RuleVersion._get_collection().update_one(
            {"_id": f"{kind}:{commission}:{rule_version}", "frozen": {"$ne": True}},
            {"$set": {"frozen": True, "frozen_at": naive_utc(now)}, "$inc": {"version": 1}},
        )

    def rules_in_force(self, kind: str, county: str) -> tuple[str, RuleInForce] | None:
        """(commission, rules) in force for a county: its own, its city's, its province's or
        the default commission's, in ONE lookup by key."""
        chain = commission_chain(county)
        if self.mode == "embedded":
            # Read on every signal (twice: the event's county, then the official's): the
            # collection's dict by key, a document built only for the one found.
            stored = embedded_documents(RuleInForce)
            for commission in chain:
                son = stored.get(f"{kind}:{commission}")
                if son is not None:
                    return commission, RuleInForce._from_son(copy.deepcopy(son))
            return None
        found = {doc.id: doc for doc in self.get_many(RuleInForce, [f"{kind}:{c}" for c in chain])}
        for commission in chain:
            doc = found.get(f"{kind}:{commission}")
            if doc is not None:
                return commission, doc
        return None
