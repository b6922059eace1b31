"""The one event contract, for our services and for other agencies (DESIGN.md §3).

Every event is a CloudEvents 1.0 envelope in JSON structured mode, published on the topic
exchange ``<service>.events`` with the short event name (``petition.received``) as routing key.
Each event type registers a versioned marshmallow schema here; the JSON Schema files and the
AsyncAPI document in ``contracts/`` are generated from this registry.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime

from marshmallow import EXCLUDE, Schema, ValidationError, fields, validate

from .clock import rfc3339

SPEC_VERSION = "1.0"
DATA_CONTENT_TYPE = "application/json"
SCHEMA_BASE = "https://schemas.wuying.local/events"
COUNTY_CODE_PATTERN = re.compile(r"[0-9]{6}")  # fullmatch: a county code and nothing else
COUNTY_CODE = validate.Regexp(r"^[0-9]{6}$", error="必须是六位行政区划代码 (GB/T 2260)")
EVENT_SOURCE = validate.Regexp(r"^/wuying/[a-z]+$")
EVENT_TYPE = validate.Regexp(r"^wuying\.[a-z]+\.[a-z_.]+\.v\d+$")

# Field names that would carry a reporter's identity or a secret. No event schema may declare
# them (DESIGN.md §3: events never carry a reporter's identity).
FORBIDDEN_EVENT_FIELDS = frozenset(
    {
        "reporter",
        "reporter_name",
        "reporter_contact",
        "reporter_phone",
        "reporter_id_number",
        "contact",
        "phone",
        "id_number",
        "email",
        "address",
        "receipt_code",
        "passphrase",
        "ip",
        "ip_address",
        "password",
        "secret",
        "token",
    }
)


class ConsumedEventData(Schema):
    """Base of every schema that reads another service's event ``data`` (a tolerant reader):
    it declares only the fields the consumer uses and ignores the rest, so a producer may add
    fields without breaking its consumers."""

    class Meta:
        unknown = EXCLUDE


class CloudEventSchema(Schema):
    """CloudEvents 1.0 envelope with Wuying's ``county`` extension attribute."""

    specversion = fields.String(required=True, validate=validate.Equal(SPEC_VERSION))
    id = fields.UUID(required=True)
    source = fields.String(required=True, validate=EVENT_SOURCE)
    type = fields.String(required=True, validate=EVENT_TYPE)
    time = fields.String(required=True)
    subject = fields.String(required=True)
    datacontenttype = fields.String(required=True, validate=validate.Equal(DATA_CONTENT_TYPE))
    dataschema = fields.String(required=True)
    county = fields.String(required=True, validate=COUNTY_CODE)
    data = fields.Dict(required=True)


@dataclass(frozen=True)
class EventType:
    service: str
    name: str  # short name, the routing key: "petition.received"
    version: int
    schema: type[Schema]
    description: str
    #: When an older version stops being published (announced in the contract, DESIGN §3:
    #: breaking changes make a new version, old ones are published side by side until retired).
    retires: date | None = None

    @property
    def type(self) -> str:
        return f"wuying.{self.service}.{self.name}.v{self.version}"

    @property
    def source(self) -> str:
        return f"/wuying/{self.service}"

    @property
    def exchange(self) -> str:
        return f"{self.service}.events"

    @property
    def dataschema(self) -> str:
        return f"{SCHEMA_BASE}/{self.type}.json"


class EventRegistry:
    """All event types known to this process, by full type string."""

    def __init__(self) -> None:
        self._types: dict[str, EventType] = {}

    def register(
        self,
        service: str,
        name: str,
        version: int,
        schema: type[Schema],
        description: str,
        retires: date | None = None,
    ) -> EventType:
        leaked = FORBIDDEN_EVENT_FIELDS & set(schema._declared_fields)
        if leaked:
            raise ValueError(f"event {name} v{version} declares secret fields {sorted(leaked)}")
        event_type = EventType(service, name, version, schema, description, retires)
        existing = self._types.get(event_type.type)
        if existing and existing.schema is not schema:
            raise ValueError(f"event type {event_type.type} registered twice")
        self._types[event_type.type] = event_type
        return event_type

    def get(self, type_: str) -> EventType:
        return self._types[type_]

    def all(self) -> list[EventType]:
        return sorted(self._types.values(), key=lambda t: t.type)


registry = EventRegistry()

#: The envelope's schema, made once: building a marshmallow schema costs more than the
#: validation itself (~0.2 ms against ~0.1 ms), and every event in or out is validated.
ENVELOPE = CloudEventSchema()
_ENVELOPE_FIELDS = ENVELOPE.fields
_SCHEMAS: dict[type[Schema], Schema] = {}


def schema_of(schema_cls: type[Schema]) -> Schema:
    """The one instance of an event's data schema (made on first use, then reused: a schema
    keeps no state between ``dump``/``validate`` calls)."""
    schema = _SCHEMAS.get(schema_cls)
    if schema is None:
        schema = _SCHEMAS[schema_cls] = schema_cls()
    return schema


def build_event(
    event_type: EventType,
    data: dict,
    *,
    subject: str,
    county: str,
    now: datetime | None = None,
    event_id: str | None = None,
) -> dict:
    """Build a validated CloudEvents envelope. The one place envelopes are made.

    ``data`` is dumped through the event's schema, so only declared fields leave the service.
    """
    schema = schema_of(event_type.schema)
    dumped = schema.dump(data)
    errors = schema.validate(dumped)
    if errors:
        raise ValidationError(errors)
    when = (now or datetime.now(UTC)).astimezone(UTC)
    envelope = {
        "specversion": SPEC_VERSION,
        "id": event_id or str(uuid.uuid4()),
        "source": event_type.source,
        "type": event_type.type,
        "time": rfc3339(when),
        "subject": subject,
        "datacontenttype": DATA_CONTENT_TYPE,
        "dataschema": event_type.dataschema,
        "county": county,
        "data": dumped,
    }
    _check_envelope(event_type, envelope, event_id is not None)
    for check in ENVELOPE_CHECKS:
        check(event_type, envelope)
    return envelope


#: Event types whose envelope passed ``ENVELOPE`` whole once: what is left to check of their next
#: envelopes is what the caller passed (``_check_envelope``).
_CHECKED_TYPES: set[str] = set()


def _check_envelope(event_type: EventType, envelope: dict, caller_id: bool) -> None:
    """Raise ``ValidationError`` on a malformed envelope (a bad county code, ...), as
    ``ENVELOPE.load`` would. An event type's first envelope is loaded whole; after that, the
    parts that come from the event type (source, type, dataschema) or from here (specversion,
    id, time, datacontenttype, the dumped data's dict) cannot change, and only the caller's
    county and subject (and id, when given) are checked, by the envelope schema's own fields:
    a fifth of the cost of building an event was validating the rest again."""
    if event_type.type not in _CHECKED_TYPES:
        ENVELOPE.load(envelope)
        _CHECKED_TYPES.add(event_type.type)
        return
    errors = {}
    for name in ("county", "subject", "id") if caller_id else ("county", "subject"):
        try:
            _ENVELOPE_FIELDS[name].deserialize(envelope[name])
        except ValidationError as exc:
            errors[name] = exc.messages
    if errors:
        raise ValidationError(errors)


#: Extra checks of every envelope built (the contract tests add one validating it against the
#: published JSON Schema, so every event the test suite makes is checked); none in production.
ENVELOPE_CHECKS: list = []


def parse_event(envelope: dict) -> dict:
    """Validate an incoming envelope; raises ``marshmallow.ValidationError`` when malformed.

    A well-formed envelope is recognised by ``plainly_valid`` (a few µs, where ``ENVELOPE.load``
    takes ~18 for every event every consumer reads); anything else goes through ``ENVELOPE``,
    which refuses it with its usual messages (or accepts what the quick test did not cover)."""
    if not plainly_valid(envelope):
        ENVELOPE.load(envelope)
    return envelope


_ENVELOPE_KEYS = frozenset(ENVELOPE.fields)
#: Text ``uuid.UUID`` always parses (``fields.UUID`` accepts more spellings: those take the long way).
_UUID_TEXT = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\Z")


def plainly_valid(envelope) -> bool:
    """True only for an envelope ``ENVELOPE.load`` accepts: a dict with exactly the envelope's
    fields (all are required, unknown ones refused), each a ``str`` passing the schema's own
    validators (the same compiled patterns), ``data`` a dict. False means "not shown here",
    not "malformed": the caller then asks ``ENVELOPE``."""
    return (
        type(envelope) is dict
        and envelope.keys() == _ENVELOPE_KEYS
        and envelope["specversion"] == SPEC_VERSION
        and envelope["datacontenttype"] == DATA_CONTENT_TYPE
        and all(type(envelope[name]) is str for name in _TEXT_FIELDS)
        and _UUID_TEXT.match(envelope["id"]) is not None
        and EVENT_SOURCE.regex.match(envelope["source"]) is not None
        and EVENT_TYPE.regex.match(envelope["type"]) is not None
        and COUNTY_CODE.regex.match(envelope["county"]) is not None
        and type(envelope["data"]) is dict
    )


_TEXT_FIELDS = ("specversion", "id", "source", "type", "time", "subject", "datacontenttype", "dataschema", "county")


def short_name(envelope: dict) -> str:
    """``wuying.intake.petition.received.v1`` -> ``petition.received``."""
    parts = envelope["type"].split(".")
    return ".".join(parts[2:-1])
