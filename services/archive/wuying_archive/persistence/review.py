"""The one-click integrity review (廉政审核, 004/4) and the access log (每次查阅留痕)."""

from __future__ import annotations

from collections.abc import Iterable

from mongoengine import (
    DateTimeField,
    DictField,
    Document,
    IntField,
    ListField,
    StringField,
)
from mongoengine.queryset.visitor import Q

from wuying_common.paging import Page
from wuying_common.store import Store, VersionedDocument

from .common import ALIAS, _chunks, _county_q, entry_key, head_key
from .dossiers import Dossier
from .files import FileEntry, FileHead
from .registry import Official


class Review(VersionedDocument):
    """A one-click integrity review (廉政审核, 004/4) of a list of people over a date range, as of a
    stated time; the request itself is its audit record (requester, purpose, when). Its people
    and results are kept in ``ReviewPage`` documents; ``done`` is the progress."""

    meta = {"db_alias": ALIAS, "collection": "reviews", "indexes": ["state", "requester", "county"]}
    id = StringField(primary_key=True)
    requester = StringField(required=True)
    roles = ListField(StringField())
    purpose = StringField(required=True)
    county = StringField(default="")
    counties = ListField(StringField())
    requested_at = DateTimeField(required=True)
    as_of = DateTimeField(required=True)
    date_from = StringField(null=True)
    date_to = StringField(null=True)
    unit_id = StringField(null=True)
    total = IntField(default=0)
    pages = IntField(default=0)
    done = IntField(default=0)
    done_pages = IntField(default=0)
    with_findings = IntField(default=0)
    pending_items = IntField(default=0)
    unknown = ListField(DictField())  # [{"input", "reason", "candidates"}]: listed back, never dropped
    state = StringField(required=True, default="queued")
    finished_at = DateTimeField(null=True)


class ReviewPage(Document):
    """A page of a review (``_id`` ``<review>/<n>``): its people, then their rows once computed."""

    meta = {"db_alias": ALIAS, "collection": "review_pages"}
    id = StringField(primary_key=True)
    review_id = StringField(required=True)
    n = IntField(required=True)
    official_ids = ListField(StringField())
    rows = ListField(DictField(), null=True)


class AccessLog(Document):
    """Who read what, and why (每次查阅留痕): one append-only document per read of a portrait, a
    personal report, a review or an export; ``_id`` a fresh id. Never updated, never deleted."""

    meta = {"db_alias": ALIAS, "collection": "access_log", "indexes": ["subject", "by", "county", "at"]}
    id = StringField(primary_key=True)
    at = DateTimeField(required=True)
    by = StringField(required=True)
    roles = ListField(StringField())
    action = StringField(required=True)
    subject = StringField(required=True)
    county = StringField(default="")
    purpose = StringField(default="")
    outcome = StringField(default="allowed", choices=("allowed", "denied"))
    code = StringField(null=True)  # the refusal's code when denied


class ReviewStore(Store):
    """Reviews, their raw reads by key, and the access log in the store; part of ``ArchiveStore``."""

    # -- the integrity review: raw reads by key, for a province's worth of people ------------------
    def officials_named(self, names: Iterable[str]) -> dict[str, list[dict]]:
        """name -> the stored officials of that name (raw). MongoDB answers ``$in`` on the indexed
        name; mongomock's ``$in`` tests every document against the whole list (quadratic), so the
        embedded store reads the names once and matches them in a set."""
        wanted = set(names)
        found: dict[str, list[dict]] = {}
        collection = Official._get_collection()
        fields = {"name": 1, "county": 1, "unit_id": 1, "post": 1}
        if self.mode == "embedded":
            cursor = collection.find({}, fields)
            matches = (row for row in cursor if row.get("name") in wanted)
            for row in matches:
                found.setdefault(row["name"], []).append(row)
            return found
        for chunk in _chunks(sorted(wanted), 1000):
            for row in collection.find({"name": {"$in": chunk}}, fields):
                found.setdefault(row["name"], []).append(row)
        return found

    def unit_members(self, unit_id: str, limit: int = 20000) -> list[str]:
        """Officials who held any post in the unit (a list for people)."""
        rows = Official.objects(postings__unit_id=unit_id).only("id").order_by("id").limit(limit).as_pymongo()
        return [r["_id"] for r in rows]

    def review_material(self, ids: list[str]) -> tuple[dict, dict, dict]:
        """For a page of a review, by key: the officials, their dossiers, and their files' entries
        (file key -> entries), all in raw form."""
        officials = self._rows_without(Official, ids, {"outbox": 0})
        dossiers = self._rows_without(Dossier, ids, {"records": 1, "county": 1})
        heads = self._rows_without(FileHead, [head_key("official", i) for i in ids], {"seq": 1})
        keys = [
            entry_key("official", key.split("/", 1)[1], n)
            for key, row in heads.items()
            for n in range(1, row["seq"] + 1)
        ]
        entries: dict[str, list[dict]] = {}
        for row in self._rows_without(FileEntry, keys, {"outbox": 0}).values():
            entries.setdefault(row["subject_id"], []).append(row)
        return officials, dossiers, entries

    @staticmethod
    def _rows_without(cls, ids: list[str], projection: dict) -> dict[str, dict]:
        collection = cls._get_collection()
        found: dict[str, dict] = {}
        for chunk in _chunks(ids):
            for row in collection.find({"_id": {"$in": chunk}}, projection):
                found[row["_id"]] = row
        return found

    def reviews_to_run(self, limit: int = 5) -> list[Review]:
        return list(Review.objects(state__in=["queued", "running"]).order_by("requested_at").limit(limit))

    # -- who read what --------------------------------------------------------------------------
    def log_access(self, entry: AccessLog) -> None:
        self.add(entry)

    def access_log(
        self, counties: tuple[str, ...], page: dict, *, subject: str | None = None, by: str | None = None
    ) -> Page:
        """A page of reads, the newest first (indexed on MongoDB, a scan on the embedded store)."""
        q = _county_q(counties)
        if subject:
            q &= Q(subject=subject)
        if by:
            q &= Q(by=by)
        return self.paged(AccessLog.objects(q), page, order="-at")
