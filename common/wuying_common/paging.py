"""Cursor paging for every list route (issue 15 item 3): at most ``limit`` items and an opaque
``next`` token when more exist; ``?cursor=<next>`` continues where the page ended.

Pages are keyset pages: a cursor holds the position of the last item sent (its ``_id``, or
its sort value and ``_id`` for lists ranked by a field), and the next page is read with a range
query from there (``_id > last``), sorted by the same keys and limited to ``limit + 1`` rows to
know whether more exist; nothing is counted or skipped. An item inserted meanwhile appears in
its place or not at all, and no item is sent twice. Lists held in one document (signals,
revisions) are paged the same way in memory (``page_of``).

A ``@route(..., many=True)`` is paged by the HTTP layer: its query schema gains ``limit`` and
``cursor`` (``paged_query``), its answer is ``{"items": [...], "next": "..." | null}``
(``page_schema``) and its handler returns a ``Page``.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

from marshmallow import Schema, fields, validate

from .errors import ValidationFailed

DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MAX_CURSOR = 512  # characters: a position is a few short values
CURSOR_VERSION = 1

Position = tuple  # the sort values of the last item sent, ``_id`` last


@dataclass(frozen=True)
class Page:
    """One page of a list: its items and the token of the next page (None: this is the last)."""

    items: list
    next: str | None = None

    def __iter__(self):
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

    def __getitem__(self, index):
        return self.items[index]


# -- the opaque token ---------------------------------------------------------------------------
def _plain(value):
    if isinstance(value, datetime):
        return {"t": value.isoformat()}
    if isinstance(value, date):
        return {"d": value.isoformat()}
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)  # ObjectIds and other keys: compared as their text


def _typed(value):
    if isinstance(value, dict) and set(value) == {"t"}:
        return datetime.fromisoformat(value["t"])
    if isinstance(value, dict) and set(value) == {"d"}:
        return date.fromisoformat(value["d"])
    if isinstance(value, dict | list):
        raise ValueError("not a position value")
    return value


class Cursor(tuple):
    """A decoded position, with the ``scope`` of the list that issued it (None: not bound)."""

    scope: str | None = None


def cursor_scope(*names: str) -> str:
    """The scope a list binds its cursors to: a short digest of what names the list and its
    ordering (the service, the method and the route's path; every list has one fixed order)."""
    return hashlib.sha256(" ".join(names).encode("utf-8")).hexdigest()[:12]


def encode_cursor(position: Iterable, scope: str | None = None) -> str:
    """The opaque token of a position (URL-safe base64 of a small versioned JSON array), bound
    to ``scope`` when given (``bind_cursor``)."""
    body = [CURSOR_VERSION, [_plain(v) for v in position]]
    if scope is not None:
        body.append(scope)
    text = json.dumps(body, separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(text.encode("ascii")).decode("ascii").rstrip("=")


def decode_cursor(token: str) -> Cursor:
    """The position a token names (its ``scope`` too); ``ValueError`` for anything this module
    did not make."""
    if not token or len(token) > MAX_CURSOR:
        raise ValueError("empty or too long")
    try:
        raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
        version, values, *scope = json.loads(raw.decode("ascii"))
    except (binascii.Error, UnicodeDecodeError, ValueError, TypeError) as exc:
        raise ValueError("not a cursor") from exc
    if version != CURSOR_VERSION or not isinstance(values, list) or not values or len(scope) > 1:
        raise ValueError("not a cursor")
    if scope and not isinstance(scope[0], str):
        raise ValueError("not a cursor")
    cursor = Cursor(_typed(v) for v in values)
    cursor.scope = scope[0] if scope else None
    return cursor


def bind_cursor(token: str | None, scope: str) -> str | None:
    """``token`` (a ``Page.next``) bound to the list that answers it: the HTTP layer binds
    every ``next`` to its route, and a cursor of another list or ordering is then refused with
    400 naming ``cursor`` (``check_cursor``) instead of being compared with positions of
    another kind."""
    return None if token is None else encode_cursor(decode_cursor(token), scope)


def check_cursor(cursor, scope: str) -> None:
    """A loaded ``cursor`` must come from the list (route) it is sent to."""
    if cursor is not None and getattr(cursor, "scope", None) != scope:
        raise cursor_mismatch()


class CursorField(fields.String):
    """``cursor``: loads to the position it names; a token it cannot read is a 400 naming it."""

    default_error_messages = {"invalid_cursor": "分页游标无效或已损坏，请从第一页重新查询"}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            return decode_cursor(text)
        except ValueError:
            raise self.make_error("invalid_cursor") from None


class PageQuerySchema(Schema):
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(min=1, max=MAX_LIMIT),
        metadata={"description": f"每页条数，默认 {DEFAULT_LIMIT}，至多 {MAX_LIMIT}"},
    )
    cursor = CursorField(
        load_default=None,
        validate=validate.Length(max=MAX_CURSOR),
        metadata={"description": "上一页返回的 next，原样传回即取下一页；不传则从第一页开始"},
    )


@cache
def paged_query(query: type[Schema] | None) -> type[Schema]:
    """A route's query schema with ``limit`` and ``cursor`` (the common ones win)."""
    if query is None:
        return PageQuerySchema
    name = query.__name__.removesuffix("Schema") + "PagedSchema"
    return type(name, (PageQuerySchema, query), {"Meta": query.Meta})


@cache
def page_schema(item: type[Schema]) -> type[Schema]:
    """``{"items": [item], "next": str | null}``, named after the item (``ReminderPage``)."""
    name = item.__name__.removesuffix("Schema") + "PageSchema"
    return type(
        name,
        (Schema,),
        {
            "items": fields.List(fields.Nested(item), required=True),
            "next": fields.String(
                required=True,
                allow_none=True,
                metadata={"description": "下一页的游标（不透明），没有更多时为 null"},
            ),
        },
    )


# -- pages of what is already in memory --------------------------------------------------------
def position_of(item, key: Callable[[Any], Any]) -> Position:
    value = key(item)
    return tuple(value) if isinstance(value, tuple | list) else (value,)


def page_of(items: Iterable, query: dict, key: Callable[[Any], Any] = lambda item: item.id) -> Page:
    """A page of a bounded list held in memory, in ``key`` order (a tuple for ranked lists:
    ``(-score, id)``), after the cursor's position."""
    limit, after = query.get("limit", DEFAULT_LIMIT), query.get("cursor")
    ordered = sorted(items, key=lambda item: position_of(item, key))
    if after is not None:
        try:
            ordered = [item for item in ordered if position_of(item, key) > tuple(after)]
        except TypeError:
            raise cursor_mismatch() from None
    return page_from(ordered[: limit + 1], limit, lambda item: position_of(item, key))


def value_at(item, dotted: str):
    """``a.b`` of a document or dict (None when absent)."""
    for part in dotted.split("."):
        item = item.get(part) if isinstance(item, dict) else getattr(item, part, None)
    return item


def keyset_page(items: Iterable, query: dict, order: str | None = None, key: Callable = lambda item: item.pk) -> Page:
    """``Store.paged`` over items already in memory (a fake store, a merged list): the same
    order (``order`` then the key, or the key alone) and the same positions."""
    limit, after = query.get("limit", DEFAULT_LIMIT), query.get("cursor")
    name = order.lstrip("-") if order else None
    descending = order is not None and order.startswith("-")
    rows = sorted(items, key=key)
    if name is not None:
        rows.sort(key=lambda item: value_at(item, name), reverse=descending)

    def position(item) -> Position:
        return (key(item),) if name is None else (value_at(item, name), key(item))

    if after is not None:
        if len(after) != (1 if name is None else 2):
            raise cursor_mismatch()

        def beyond(item) -> bool:
            here = position(item)
            if name is None:
                return here[0] > after[0]
            first = here[0] < after[0] if descending else here[0] > after[0]
            return first or (here[0] == after[0] and here[1] > after[1])

        try:
            rows = [item for item in rows if beyond(item)]
        except TypeError:
            raise cursor_mismatch() from None
    return page_from(rows[: limit + 1], limit, position)


def cursor_mismatch() -> ValidationFailed:
    """A well-formed token from another list (or another ordering): a 400 naming it."""
    return ValidationFailed(fields={"cursor": "分页游标与该列表不符，请从第一页重新查询"}, code="invalid_cursor")


def page_from(rows: list, limit: int, position: Callable[[Any], Position]) -> Page:
    """The page of ``rows`` read as ``limit + 1``: the extra row only says that more exist."""
    if len(rows) <= limit:
        return Page(list(rows))
    rows = list(rows[:limit])
    return Page(rows, encode_cursor(position(rows[-1])))
