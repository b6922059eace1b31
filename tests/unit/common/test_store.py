"""The store is the only door to mongoengine; the embedded store answers key lookups by key."""

import gc
import re
import weakref

import mongomock
import pytest
from mongoengine import (
    DictField,
    Document,
    EmbeddedDocument,
    EmbeddedDocumentField,
    IntField,
    ListField,
    StringField,
    ValidationError,
)

from wuying_common.embedded import (
    EmbeddedIndex,
    SurvivorFreezer,
    embedded_documents,
    freeze_survivors,
    install_id_fast_path,
    keys_of,
)
from wuying_common.errors import Conflict
from wuying_common.store import Store, ValueListField, VersionedDocument, checked_row


class Item(VersionedDocument):
    meta = {"db_alias": "store_test", "collection": "items", "indexes": [{"fields": ["code"], "unique": True}]}
    id = StringField(primary_key=True)
    code = StringField()
    n = IntField(default=0)


@pytest.fixture
def store(embedded_store):
    embedded_store("store_test")
    Item.drop_collection()
    Item.ensure_indexes()
    return Store("store_test", "embedded")


def test_keys_of_names_only_plain_key_lookups():
    assert keys_of({"_id": "a"}) == ["a"]
    assert keys_of({"_id": "a", "version": 3}) == ["a"]
    assert keys_of({"_id": {"$in": ["a", "b", "a"]}}) == ["a", "b"]
    assert keys_of({"_id": {"$gt": "a"}}) is None
    assert keys_of({"_id": re.compile("^a")}) is None
    assert keys_of({"_id": {"$in": [{"x": 1}]}}) is None
    assert keys_of({"code": "a"}) is None
    assert keys_of({"$or": [{"_id": "a"}]}) is None


def test_the_fast_path_answers_exactly_what_a_scan_answers():
    install_id_fast_path()
    collection = mongomock.MongoClient().db.things
    collection.insert_many([{"_id": f"k{i}", "n": i} for i in range(50)])
    assert collection.find_one({"_id": "k7"}) == {"_id": "k7", "n": 7}
    assert collection.find_one({"_id": "k7", "n": 8}) is None
    assert collection.find_one({"_id": "missing"}) is None
    assert [d["n"] for d in collection.find({"_id": {"$in": ["k3", "k1", "nope"]}})] == [3, 1]
    assert collection.update_one({"_id": "k9", "n": 9}, {"$inc": {"n": 100}}).matched_count == 1
    assert collection.find_one({"_id": "k9"})["n"] == 109
    assert collection.count_documents({"n": {"$lt": 5}}) == 5  # not by key: still a scan


def test_an_embedded_index_answers_what_a_scan_of_the_collection_answers(store):
    index = EmbeddedIndex(Item, "n")
    documents = embedded_documents(Item)
    rows = [{"_id": f"i{k}", "code": f"c{k}", "n": k % 2, "version": 1} for k in range(6)]
    for row in rows[:4]:
        documents[row["_id"]] = row
    assert [d["_id"] for d in index.documents(0)] == ["i0", "i2"]  # built from the collection
    for row in rows[4:]:
        documents[row["_id"]] = row
    index.add(rows[4:])  # its writer tells it
    assert [d["_id"] for d in index.documents(0)] == ["i0", "i2", "i4"]
    documents["i2"] = {**rows[2], "n": 1}  # changed behind it: never answered for 0 again
    assert [d["_id"] for d in index.documents(0)] == ["i0", "i4"]
    store.add(Item(id="z", code="z", n=0))  # written by another path: the size moved, so it rebuilds
    assert [d["_id"] for d in index.documents(0)] == ["i0", "i4", "z"]
    assert [d["_id"] for d in index.documents(1)] == ["i1", "i2", "i3", "i5"]
    assert index.documents(7) == []


def test_rows_inserted_in_bulk_never_overwrite_and_name_the_keys_taken(store):
    store.add(Item(id="a", code="A"))
    taken = store.insert_rows(Item, [{"_id": "a", "code": "X", "version": 9}, {"_id": "b", "code": "B", "version": 1}])
    assert taken == {"a"}
    assert (store.get(Item, "a").code, store.get(Item, "b").code) == ("A", "B")
    assert store.insert_rows(Item, []) == set()


def test_add_save_and_delete_go_through_the_store(store):
    item = store.add(Item(id="a", code="A"))
    assert item.version == 1
    loaded = store.get(Item, "a")
    loaded.n = 5
    store.save(loaded)
    assert store.get(Item, "a").n == 5 and store.get(Item, "a").version == 2
    assert [i.id for i in store.get_many(Item, ["b", "a"])] == ["a"]
    store.delete(loaded)
    assert store.get(Item, "a") is None


def test_a_lost_update_and_a_unique_clash_are_conflicts(store):
    store.add(Item(id="a", code="A"))
    first, second = store.get(Item, "a"), store.get(Item, "a")
    first.n = 1
    store.save(first)
    second.n = 2
    with pytest.raises(Conflict) as lost:
        store.save(second)
    assert lost.value.code == "concurrent_update"
    with pytest.raises(Conflict) as taken:
        store.add(Item(id="a", code="Z"))
    assert taken.value.code == "duplicate"
    with pytest.raises(Conflict) as clash:
        store.add(Item(id="b", code="A"))
    assert clash.value.code == "duplicate"


def test_a_broken_rule_is_answered_400_or_409_or_its_own_status_naming_the_field():
    from wuying_common.errors import rule_error
    from wuying_common.rules import InvalidInput, RuleBroken

    class TooLarge(InvalidInput):
        code, status = "attachment_too_large", 413

    assert (
        rule_error(InvalidInput("days", "延长不超过30日")).status,
        rule_error(RuleBroken("s", "已办结")).status,
    ) == (
        400,
        409,
    )
    large = rule_error(TooLarge("attachments.0", "单个附件过大"))
    assert (large.status, large.code, large.fields) == (413, "attachment_too_large", {"attachments.0": "单个附件过大"})


class Plain(Document):
    meta = {"db_alias": "store_test", "collection": "plain"}
    id = StringField(primary_key=True)
    n = IntField(required=True, min_value=0)


def test_insert_validates_writes_once_and_says_when_the_key_is_taken(store):
    Plain.drop_collection()
    assert store.insert(Plain(id="p", n=1)) is True
    assert store.insert(Plain(id="p", n=2)) is False
    assert store.get(Plain, "p").n == 1
    with pytest.raises(ValidationError):
        store.insert(Plain(id="q", n=-1))
    assert store.get(Plain, "q") is None


@pytest.mark.parametrize("mode", ["embedded", "mongodb"])  # "mongodb": the collection calls, on mongomock
def test_a_son_is_inserted_once_by_its_key_and_only_a_taken_key_answers_false(store, mode):
    Plain.drop_collection()
    store.mode = mode
    assert store.insert_son(Plain, {"_id": "p", "n": 1}) is True
    assert store.insert_son(Plain, {"_id": "p", "n": 2}) is False
    assert store.get(Plain, "p").n == 1
    assert [p.n for p in Plain.objects(pk="p")] == [1]  # a query sees it as any stored document


class Lists(Document):
    meta = {"db_alias": "store_test", "collection": "lists"}
    id = StringField(primary_key=True)
    tags = ListField(StringField(), max_length=2)
    needed = ListField(StringField(), required=True)
    extra = DictField()
    name = StringField()


def test_a_checked_row_is_refused_exactly_as_its_document_would_be():
    assert checked_row(Plain, {"_id": "p", "n": 0}) == {"_id": "p", "n": 0}
    lists = {"_id": "l", "tags": [], "needed": ["a"], "extra": {}}
    assert checked_row(Lists, lists) is lists  # empty optional lists and dicts, as defaults leave them
    for cls, row, field in (
        (Plain, {"_id": "p", "n": -1}, "n"),
        (Plain, {"_id": "p"}, "n"),
        (Plain, {"_id": "p", "n": "x"}, "n"),
        (Lists, {**lists, "needed": []}, "needed"),  # required: never empty
        (Lists, {**lists, "tags": ["a", "b", "c"]}, "tags"),
        (Lists, {**lists, "tags": [1]}, "tags"),
        (Lists, {**lists, "tags": {}}, "tags"),  # empty, but not a list
        (Lists, {**lists, "extra": []}, "extra"),
        (Lists, {**lists, "name": []}, "name"),
    ):
        with pytest.raises(ValidationError) as refused:
            checked_row(cls, row)
        assert set(refused.value.errors) == {field}
        with pytest.raises(ValidationError) as document:
            cls._from_son(dict(row)).validate()
        assert set(document.value.errors) == {field}


def test_mongomock_version_checks_are_parsed_once_and_answer_the_same():
    from mongomock import collection as mongomock_collection
    from packaging import version

    install_id_fast_path()
    parsed = mongomock_collection.version
    assert parsed.parse("4.0") is parsed.parse("4.0")  # remembered
    assert parsed.parse("4.0") == version.parse("4.0") and parsed.Version is version.Version


def test_what_survives_a_full_collection_is_frozen_and_new_garbage_still_collected():
    freezer = SurvivorFreezer()
    try:
        freezer.install()  # collects and freezes what the process holds now
        assert freezer.frozen >= 1 and gc.get_freeze_count() > 0
        before = freezer.frozen
        cycle = [None]
        cycle[0] = cycle  # garbage only a cyclic collection frees
        probe = weakref.ref(Holder(cycle))
        del cycle
        gc.collect()
        assert probe() is None  # collected: it was not frozen
        assert freezer.frozen == before + 1
    finally:
        freezer.uninstall()
        gc.unfreeze()
    gc.collect()
    assert freezer.frozen == before + 1  # uninstalled: no more freezing


class Holder:
    def __init__(self, cycle) -> None:
        self.cycle = cycle
        cycle.append(self)


@pytest.mark.parametrize(
    ("setting", "embedded", "expected"),
    [
        ("embedded", True, True),
        ("embedded", False, False),
        ("true", False, True),
        ("false", True, False),
        (None, True, False),
    ],
)
def test_the_freezer_is_on_by_default_only_on_the_embedded_store(setting, embedded, expected):
    assert freeze_survivors(setting, embedded=embedded) is expected


class Mark(EmbeddedDocument):
    label = StringField(required=True)


class Marked(VersionedDocument):
    meta = {"db_alias": "store_test", "collection": "marked"}
    id = StringField(primary_key=True)
    marks = ValueListField(EmbeddedDocumentField(Mark), max_length=3)
    keys = ValueListField(StringField())
    plain = ListField(StringField())


def test_a_value_list_is_never_dereferenced_and_tracks_and_validates_as_a_list(store, monkeypatch):
    from mongoengine.base import fields as base_fields

    walked = []
    real = base_fields.ComplexBaseField._lazy_load_refs
    monkeypatch.setattr(
        base_fields.ComplexBaseField,
        "_lazy_load_refs",
        staticmethod(
            lambda instance, name, ref_values, *, max_depth: walked.append(name)
            or real(instance, name, ref_values, max_depth=max_depth)
        ),
    )
    Marked.drop_collection()
    store.add(Marked(id="m", marks=[Mark(label="a")], keys=["k1"], plain=["p1"]))
    doc = store.get(Marked, "m")
    assert "k1" in doc.keys and [m.label for m in doc.marks] == ["a"] and doc.plain == ["p1"]
    assert walked == ["plain"]  # the plain ListField is walked for references; the value lists are not
    doc.keys.append("k2")
    doc.marks[0].label = "b"
    doc.keys = [*doc.keys, "k3"]
    assert {"keys", "marks.0.label"} <= set(doc._get_changed_fields())
    store.save(doc)
    again = store.get(Marked, "m")
    assert again.keys == ["k1", "k2", "k3"] and again.marks[0].label == "b"
    again.marks = [Mark(label=str(n)) for n in range(4)]
    with pytest.raises(ValidationError):
        store.save(again)  # max_length kept
