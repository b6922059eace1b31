"""Business-data monitoring: records, supplier ties and anomaly hits, and the store's methods for
them (seeds/003 宝安: 两域 and 三长)."""

from __future__ import annotations

from collections.abc import Iterable

from mongoengine import DateTimeField, DictField, Document, FloatField, ListField, StringField
from pymongo import ReplaceOne
from pymongo.errors import DuplicateKeyError

from wuying_common.embedded import EmbeddedIndex, embedded_documents
from wuying_common.paging import Page
from wuying_common.store import Store

from .common import ALIAS


# -- business-data monitoring (seeds/003 宝安: 两域 and 三长) -------------------------------------
class BusinessRecord(Document):
    """One procurement or bidding record (``<county>/<record id>``), as imported."""

    meta = {
        "db_alias": ALIAS,
        "collection": "business_records",
        "indexes": [
            ("county", "awarded_on"),
            ("buyer_unit_id", "awarded_on"),
            "supplier_id",
            "responsible_official_id",
        ],
    }
    id = StringField(primary_key=True)
    record_id = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    domain = StringField(required=True, choices=("procurement", "bidding"))
    category = StringField(required=True, choices=("goods", "services", "works"))
    buyer_unit_id = StringField(required=True)
    buyer_kind = StringField(default="")  # state_company, public_hospital, public_school, agency (三长)
    responsible_official_id = StringField(required=True)
    supplier_id = StringField(required=True)
    supplier_name = StringField(default="")
    subject = StringField(default="")
    amount = FloatField(required=True)
    method = StringField(required=True)
    announced_on = StringField(default="")
    awarded_on = StringField(required=True)
    contracted_on = StringField(default="")
    imported_at = DateTimeField()


class SupplierTie(Document):
    """A supplier tied to an official or a relative (``<supplier>:<official>``), from the
    archive's personal-matters reports or an import (seeds/004 龙岗: 子女经商办企业)."""

    meta = {"db_alias": ALIAS, "collection": "supplier_ties", "indexes": ["official_id"]}
    id = StringField(primary_key=True)
    supplier_id = StringField(required=True)
    official_id = StringField(required=True)
    relation = StringField(required=True)
    source = StringField(default="import")
    recorded_at = DateTimeField()


class MonitoringHit(Document):
    """One anomaly found by a scan (``<rule>:<digest of its evidence>``): the same records
    found again by a later scan are the same hit."""

    meta = {"db_alias": ALIAS, "collection": "monitoring_hits", "indexes": [("county", "found_at"), "unit_id"]}
    id = StringField(primary_key=True)
    rule = StringField(required=True)
    rule_version = StringField(required=True)
    county = StringField(required=True, regex=r"^\d{6}$")
    unit_id = StringField(required=True)
    official_id = StringField(default="")
    supplier_id = StringField(default="")
    grade = StringField(required=True)
    summary = StringField(required=True)
    evidence = ListField(StringField(), max_length=200)  # business record ids
    evidence_rows = ListField(DictField(), max_length=50)  # what the records said, as seen
    found_at = DateTimeField(required=True)


#: The embedded store's records by county (``write_records`` is the collection's only writer).
RECORDS_BY_COUNTY = EmbeddedIndex(BusinessRecord, "county")


class MonitoringStore(Store):
    """Business records, supplier ties and anomaly hits (seeds/003)."""

    def write_records(self, rows: list[dict]) -> int:
        """Insert or replace records (checked rows, ``_id`` = ``<county>/<record id>``) by key;
        each row is one single-document write, so it is written whole or not at all."""
        if not rows:
            return 0
        if self.mode == "embedded":
            documents = embedded_documents(BusinessRecord)
            for row in rows:
                documents[row["_id"]] = dict(row)
            RECORDS_BY_COUNTY.add(rows)
            return len(rows)
        BusinessRecord._get_collection().bulk_write(
            [ReplaceOne({"_id": row["_id"]}, row, upsert=True) for row in rows], ordered=False
        )
        return len(rows)

    def records_in_window(self, county: str, start: str, end: str, limit: int = 500_000) -> list[dict]:
        """Raw rows of a county's records awarded in [start, end] (a scan batch: plain dicts)."""
        if self.mode == "embedded":  # the county's records only, by the index (no scan of the province)
            return [dict(row) for row in RECORDS_BY_COUNTY.documents(county) if start <= row["awarded_on"] <= end][
                :limit
            ]
        cursor = BusinessRecord._get_collection().find(
            {"county": county, "awarded_on": {"$gte": start, "$lte": end}}, {"imported_at": 0}
        )
        return list(cursor.limit(limit))

    def records(
        self, counties: Iterable[str], page: dict, unit_id: str | None = None, supplier_id: str | None = None
    ) -> Page:
        """A page of business records of some counties, the latest award first."""
        query = BusinessRecord.objects(county__in=list(counties))
        if unit_id:
            query = query(buyer_unit_id=unit_id)
        if supplier_id:
            query = query(supplier_id=supplier_id)
        return self.paged(query, page, order="-awarded_on")

    def write_ties(self, ties: list[SupplierTie]) -> int:
        for tie in ties:
            self.add_or_replace(tie)
        return len(ties)

    def ties_of_suppliers(self, supplier_ids: Iterable[str]) -> list[SupplierTie]:
        ids = sorted(set(supplier_ids))
        if not ids:
            return []
        return list(SupplierTie.objects(supplier_id__in=ids))

    def add_hit(self, hit: MonitoringHit) -> bool:
        """Insert a hit; False when the same hit (same rule, same evidence) is there already."""
        try:
            MonitoringHit._get_collection().insert_one(hit.to_mongo().to_dict())
        except DuplicateKeyError:
            return False
        return True

    def get_hit(self, hit_id: str) -> MonitoringHit | None:
        return self.get(MonitoringHit, hit_id)

    def hits(self, counties: Iterable[str], page: dict, unit_id: str | None = None) -> Page:
        query = MonitoringHit.objects(county__in=list(counties))
        if unit_id:
            query = query(unit_id=unit_id)
        return self.paged(query, page, order="-found_at")
