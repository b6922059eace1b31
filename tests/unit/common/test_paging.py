"""Cursor paging (issue 15 item 3) and the one roll-up of division codes (issue 9 item 5)."""

from __future__ import annotations

from datetime import datetime

import pytest
from marshmallow import Schema, ValidationError, fields

from wuying_common.auth import Principal, counties_covered
from wuying_common.errors import Forbidden, ValidationFailed
from wuying_common.http import route
from wuying_common.openapi import build_openapi
from wuying_common.paging import (
    MAX_LIMIT,
    Page,
    PageQuerySchema,
    decode_cursor,
    encode_cursor,
    keyset_page,
    page_of,
    paged_query,
)


class Row:
    def __init__(self, pk, score=0, at=None):
        self.pk = self.id = pk
        self.score = score
        self.at = at


def test_a_cursor_is_opaque_and_names_the_position_it_was_made_from():
    at = datetime(2026, 11, 30, 8, 15)
    token = encode_cursor((35, at, "off-1"))
    assert "off-1" not in token and "=" not in token
    assert decode_cursor(token) == (35, at, "off-1")


@pytest.mark.parametrize("token", ["", "x", "%%%", "bm90IGpzb24", encode_cursor(())[:-1] + "Z", "A" * 600])
def test_a_malformed_cursor_is_refused_naming_the_cursor(token):
    with pytest.raises(ValidationError) as exc:
        PageQuerySchema().load({"cursor": token})
    assert list(exc.value.messages) == ["cursor"]
    assert "游标" in exc.value.messages["cursor"][0]


def test_limit_defaults_to_100_and_is_bounded_by_1000():
    assert PageQuerySchema().load({}) == {"limit": 100, "cursor": None}
    assert PageQuerySchema().load({"limit": str(MAX_LIMIT)})["limit"] == MAX_LIMIT
    for bad in ("0", str(MAX_LIMIT + 1), "x"):
        with pytest.raises(ValidationError) as exc:
            PageQuerySchema().load({"limit": bad})
        assert list(exc.value.messages) == ["limit"]


def test_a_routes_own_query_gains_limit_and_cursor_and_keeps_refusing_unknown_fields():
    class CountyQuery(Schema):
        county = fields.String(required=True)

    paged = paged_query(CountyQuery)
    assert paged is paged_query(CountyQuery)  # one class per query schema (one OpenAPI component)
    assert paged().load({"county": "130402", "limit": "5"}) == {"county": "130402", "limit": 5, "cursor": None}
    with pytest.raises(ValidationError):
        paged().load({"county": "130402", "offset": "5"})


def test_keyset_pages_by_key_walk_the_whole_list_once_even_with_inserts_between_pages():
    rows = [Row(f"k{n:02d}") for n in range(7)]
    first = keyset_page(rows, {"limit": 3})
    assert [r.pk for r in first] == ["k00", "k01", "k02"] and first.next
    rows.insert(0, Row("k01a"))  # behind the cursor: not sent again, not skipped ahead
    rows.append(Row("k99"))  # ahead: arrives in its place
    seen, cursor = [r.pk for r in first], decode_cursor(first.next)
    while cursor is not None:
        page = keyset_page(rows, {"limit": 3, "cursor": cursor})
        seen += [r.pk for r in page]
        cursor = decode_cursor(page.next) if page.next else None
    assert seen == ["k00", "k01", "k02", "k03", "k04", "k05", "k06", "k99"]


def test_a_ranked_list_pages_by_its_field_then_its_key():
    rows = [Row("a", 10), Row("b", 30), Row("c", 30), Row("d", 20)]
    first = keyset_page(rows, {"limit": 2}, order="-score")
    assert [r.pk for r in first] == ["b", "c"]
    rest = keyset_page(rows, {"limit": 2, "cursor": decode_cursor(first.next)}, order="-score")
    assert [r.pk for r in rest] == ["d", "a"] and rest.next is None


def test_a_cursor_from_another_list_is_a_400_naming_the_cursor():
    rows = [Row("a", 10), Row("b", 30)]
    ranked = keyset_page(rows, {"limit": 1}, order="-score").next
    with pytest.raises(ValidationFailed) as exc:
        keyset_page(rows, {"limit": 1, "cursor": decode_cursor(ranked)})
    assert exc.value.status == 400 and list(exc.value.fields) == ["cursor"]
    with pytest.raises(ValidationFailed):
        page_of(rows, {"cursor": ("b",)}, key=lambda r: (r.score, r.pk))


def test_an_in_memory_list_pages_by_any_tuple_key():
    rows = [{"rank": n % 3, "id": str(n)} for n in range(6)]
    page = page_of(rows, {"limit": 4}, key=lambda r: (r["rank"], r["id"]))
    assert [r["id"] for r in page] == ["0", "3", "1", "4"]
    rest = page_of(rows, {"limit": 4, "cursor": decode_cursor(page.next)}, key=lambda r: (r["rank"], r["id"]))
    assert [r["id"] for r in rest] == ["2", "5"] and rest.next is None


class ItemSchema(Schema):
    id = fields.String()


class QuerySchema(Schema):
    county = fields.String(required=True)


class Pages:
    name = "pages"

    @route("GET", "/api/v1/items", summary="分页列表", query=QuerySchema, response=ItemSchema, many=True)
    def list_items(self, request):
        return Page([], None)


def test_a_list_route_is_documented_as_a_page_with_limit_and_cursor():
    spec = build_openapi(Pages, title="t")
    operation = spec["paths"]["/api/v1/items"]["get"]
    params = {p["name"]: p for p in operation["parameters"]}
    assert set(params) >= {"county", "limit", "cursor"}
    assert params["limit"]["schema"]["maximum"] == MAX_LIMIT and params["limit"]["schema"]["default"] == 100
    body = operation["responses"]["200"]["content"]["application/json"]["schema"]
    page = spec["components"]["schemas"][body["$ref"].rsplit("/", 1)[-1]]
    assert set(page["properties"]) == {"items", "next"} and page["properties"]["next"]["nullable"] is True
    assert "400" in operation["responses"]


def test_a_city_or_province_rolls_up_over_its_loaded_counties_once():
    assert counties_covered(["130402"]) == ("130402",)
    assert counties_covered(["130400"]) == ("130402", "130403", "130404", "130406", "130408")
    assert len(counties_covered(["130000"])) == 19
    assert counties_covered(["130400", "130402"]) == counties_covered(["130400"])
    assert counties_covered(["*"]) is None


def test_a_principal_reads_the_counties_of_a_division_it_covers_and_nothing_else():
    city = Principal("s", frozenset({"risk_officer"}), ("130400",))
    assert city.counties_in("130400") == counties_covered(["130400"])
    assert city.counties_in("130402") == ("130402",)
    with pytest.raises(Forbidden):
        city.counties_in("130000")
    with pytest.raises(Forbidden):
        city.counties_in("130102")


@pytest.fixture
def embedded():
    from wuying_common.store import Store, connect_store

    connect_store("paging-test", "paging_test", None)
    yield Store("paging-test", "embedded")
    import mongoengine

    mongoengine.disconnect("paging-test")


def test_the_embedded_store_pages_by_key_from_the_cursor_with_string_and_objectid_keys(embedded):
    from bson import ObjectId
    from mongoengine import Document, ObjectIdField, StringField

    class Named(Document):
        meta = {"db_alias": "paging-test", "collection": "named"}
        id = StringField(primary_key=True)
        county = StringField()

    class Auto(Document):
        meta = {"db_alias": "paging-test", "collection": "auto"}
        id = ObjectIdField(primary_key=True, default=ObjectId)
        county = StringField()

    for n in (7, 3, 11, 1, 5, 9, 2):  # inserted out of key order
        Named(id=f"k{n:02d}", county="130402" if n % 2 else "130403").save(force_insert=True)
        Auto(county="130402" if n % 2 else "130403").save(force_insert=True)
    for cls in (Named, Auto):
        wanted = sorted(d.pk for d in cls.objects(county="130402"))
        seen, cursor = [], None
        while True:
            page = embedded.paged(cls.objects(county__in=["130402"]), {"limit": 2, "cursor": cursor})
            assert len(page) <= 2
            seen += [d.pk for d in page]
            if page.next is None:
                break
            cursor = decode_cursor(page.next)
        assert seen == wanted and len(seen) == 6
