"""Payloads of the registry: units, officials and their posts, registration, the precise search
(精准检索), who held a post, the tag vocabulary, and the streamed import."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from wuying_common.events import COUNTY_CODE
from wuying_common.openapi_limits import non_blank

from ..domain.importing import LIMITS
from ..domain.personnel import STATUSES, STATUSES_ZH
from ..domain.reminders import STATES_ZH
from ..domain.tags import vocabulary

#: The years 1900-2100 (``importing.SINCE_FIRST``, ``SINCE_LAST``) as a pattern of an ISO date.
SINCE_YEARS = r"^(19[0-9]{2}|20[0-9]{2}|2100)-"


# -- HTTP / RPC payloads -------------------------------------------------------------------
def _row_text(key: str, **kwargs) -> fields.String:
    """A text column as ``domain.importing`` checks a row (``_text``): at most ``LIMITS[key]``
    characters and, when required, not blank (the OpenAPI says so with ``non_blank``)."""
    metadata = {"pattern": non_blank()} if kwargs.get("required") else {}
    return fields.String(validate=validate.Length(max=LIMITS[key]), metadata=metadata, **kwargs)


class UnitSchema(Schema):
    id = _row_text("id", required=True)
    name = _row_text("name", required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    kind = _row_text("kind", required=True)
    zone = _row_text("zone", load_default=None, allow_none=True)


class OccupancySchema(Schema):
    unit_id = fields.String()
    post = fields.String()
    rank = fields.String()
    kind = fields.String(metadata={"description": "post, or secondment (借调/挂职)"})
    kind_zh = fields.Function(lambda o: "借调/挂职" if o.kind == "secondment" else "任职")
    start = fields.String(metadata={"description": "from (ISO date, inclusive)"})
    end = fields.String(allow_none=True, metadata={"description": "to (ISO date, inclusive); null: still held"})


class OfficialSchema(Schema):
    """An official: loaded from a registration, dumped with the time-bounded posts and tags."""

    id = _row_text("id", required=True)
    name = fields.String(required=True, validate=validate.Length(max=50), metadata={"pattern": non_blank()})
    county = fields.String(required=True, validate=COUNTY_CODE)
    unit_id = _row_text("unit_id", required=True)
    post = _row_text("post", required=True)
    rank = _row_text("rank", required=True)
    status = fields.String(load_default="serving", validate=validate.OneOf(STATUSES))
    status_zh = fields.Function(lambda o: STATUSES_ZH.get(o.status, o.status), dump_only=True)
    commission_staff = fields.Boolean(load_default=False)
    seconded_to = _row_text("seconded_to", load_default=None, allow_none=True)
    since = fields.Date(
        load_default=None,
        allow_none=True,
        load_only=True,
        metadata={"description": "date the current post or status began", "pattern": SINCE_YEARS},
    )
    tags = fields.List(fields.String(metadata={"enum": sorted(vocabulary().codes())}), load_default=list)
    tags_zh = fields.Function(lambda o: [vocabulary(o.tag_version).label(t) for t in o.tags or []], dump_only=True)
    tag_version = fields.String(dump_only=True, allow_none=True)
    postings = fields.List(fields.Nested(OccupancySchema), dump_only=True)

    OPENAPI_EXTRA = {  # check_official: a seconded official names the unit seconded to
        "anyOf": [
            {"properties": {"status": {"not": {"enum": ["seconded"]}}}},
            {
                "required": ["status", "seconded_to"],
                "properties": {"seconded_to": {"type": "string", "pattern": non_blank()}},
            },
        ]
    }


class RegisterSchema(Schema):
    units = fields.List(fields.Nested(UnitSchema), load_default=list)
    officials = fields.List(fields.Nested(OfficialSchema), load_default=list)


class RegisterResultSchema(Schema):
    units = fields.Integer()
    officials = fields.Integer()


class OfficialQuerySchema(Schema):
    county = fields.String(required=True, validate=COUNTY_CODE)
    name = fields.String(load_default=None)


class SearchQuerySchema(Schema):
    county = fields.String(load_default=None, validate=COUNTY_CODE)
    name = fields.String(load_default=None)
    unit_id = fields.String(load_default=None)
    post = fields.String(load_default=None)
    rank = fields.String(load_default=None)
    tag = fields.String(load_default=None)
    condition = fields.String(load_default=None)
    reminder_state = fields.String(load_default=None, validate=validate.OneOf(list(STATES_ZH)))
    date_from = fields.Date(load_default=None, metadata={"description": "held a post (or reminder raised) from"})
    date_to = fields.Date(load_default=None)


class HoldersQuerySchema(Schema):
    unit_id = fields.String(required=True)
    post = fields.String(load_default=None)
    on = fields.Date(required=True)


class HolderSchema(Schema):
    official_id = fields.Function(lambda h: h[0].id)
    name = fields.Function(lambda h: h[0].name)
    county = fields.Function(lambda h: h[0].county)
    occupancy = fields.Function(lambda h: OccupancySchema().dump(h[1]))


class TagSchema(Schema):
    code = fields.String()
    name_zh = fields.String()
    category = fields.String()
    source = fields.String()


class TagVocabularySchema(Schema):
    version = fields.String()
    tags = fields.List(fields.Nested(TagSchema))


# -- import --------------------------------------------------------------------------------------
class ImportChunkSchema(Schema):
    kind = fields.String(
        required=True,
        validate=validate.OneOf(["officials", "units", "matters"]),
        metadata={"description": "matters: family and interests, JSON lines, each with its official_id"},
    )
    format = fields.String(required=True, validate=validate.OneOf(["csv", "jsonl"]))
    first_line = fields.Integer(
        load_default=None,
        validate=validate.Range(min=1),
        metadata={"description": "file line number of the chunk's first data line (CSV default 2, JSONL 1)"},
    )
    text = fields.String(required=True, metadata={"description": "the lines; a CSV chunk starts with its header"})
    as_of = fields.Date(load_default=None, metadata={"description": "effective date of changes without since"})

    OPENAPI_EXTRA = {  # handlers.importing: family and interests come as JSON lines only
        "anyOf": [
            {"properties": {"kind": {"not": {"enum": ["matters"]}}}},
            {"properties": {"format": {"enum": ["jsonl"]}}},
        ]
    }


class LineErrorSchema(Schema):
    line = fields.Integer()
    field = fields.String()
    message = fields.String()


class ImportSummarySchema(Schema):
    kind = fields.String()
    lines = fields.Integer()
    created = fields.Integer()
    changed = fields.Integer()
    unchanged = fields.Integer()
    failed = fields.Integer()
    events = fields.Integer()
    reminders = fields.Integer()
    errors = fields.List(fields.Nested(LineErrorSchema))
