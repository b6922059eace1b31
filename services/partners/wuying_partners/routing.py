"""What other agencies receive and under which routing key (DESIGN.md §3, issue 9).

Pure: no nameko, no broker. The republisher, the broker setup (``scripts/partners.py``) and the
contract generator (``scripts/contracts.py``) all read the partner contract from here, so the
three cannot disagree.
"""

from __future__ import annotations

import re

#: The partner vhost and its one exchange. The exchange name carries the version of the
#: routing-key scheme (``<county>.<service>.<event>.v<N>``): a new scheme means a new exchange
#: published side by side, never a silent change under agencies' bindings.
PARTNER_VHOST = "wuying-partners"
PARTNER_EXCHANGE = "wuying.partners.v1"

#: The internal exchanges the republisher reads (``<service>.events``).
SOURCE_SERVICES = ("intake", "risk", "warning", "inspection", "archive")

#: The republisher's own durable queue on the internal vhost, bound with ``#`` to each source.
REPUBLISH_QUEUE = "partners.republish"

#: Event types (without version) kept inside the commission. A warning proposal is not a
#: decision yet: until a leader approves it even the official concerned may not see it
#: (issue 9 item 5), so no agency may. A calendar year load is operations, not a county's fact.
WITHHELD_TYPES = frozenset(
    {
        "wuying.risk.warning.proposed",
        "wuying.warning.calendar.year_loaded",
    }
)

CONTENT_TYPE = "application/cloudevents+json"

_TYPE = re.compile(r"^wuying\.(?P<service>[a-z]+)\.(?P<event>[a-z_]+(?:\.[a-z_]+)*)\.v(?P<version>\d+)$")
_COUNTY = re.compile(r"^\d{6}$")
_AGENCY = re.compile(r"^[a-z][a-z0-9-]{1,30}$")


class NotForPartners(ValueError):
    """The envelope cannot be routed to partners (malformed type or county)."""


def unversioned(type_: str) -> str:
    """``wuying.intake.petition.received.v1`` -> ``wuying.intake.petition.received``."""
    match = _TYPE.match(type_)
    if not match:
        raise NotForPartners(f"not a Wuying event type: {type_!r}")
    return f"wuying.{match['service']}.{match['event']}"


def is_published(type_: str) -> bool:
    return unversioned(type_) not in WITHHELD_TYPES


def routing_key(envelope: dict) -> str:
    """``<county>.<service>.<event>.v<N>``, e.g. ``130402.intake.petition.received.v1``.

    The county comes first so that an agency's topic permission is one anchored prefix per
    county (``^(130402|130403)\\.``), which RabbitMQ checks on every binding.
    """
    county = envelope.get("county")
    type_ = envelope.get("type")
    if not isinstance(county, str) or not _COUNTY.match(county):
        raise NotForPartners(f"county must be a six-digit code, got {county!r}")
    if not isinstance(type_, str):
        raise NotForPartners("event without a type")
    unversioned(type_)
    return f"{county}.{type_[len('wuying.') :]}"


def partner_address(service: str, event: str, version: int) -> str:
    """The AsyncAPI channel address of one event type on the partner exchange."""
    return f"{{county}}.{service}.{event}.v{version}"


def check_agency_id(agency: str) -> str:
    if not _AGENCY.match(agency):
        raise ValueError(f"agency id must match {_AGENCY.pattern}: {agency!r}")
    return agency


def agency_user(agency: str) -> str:
    return f"agency-{check_agency_id(agency)}"


def agency_queue_prefix(agency: str) -> str:
    """An agency declares and binds only queues named ``agency.<id>.<anything>``."""
    return f"agency.{check_agency_id(agency)}."


def replay_stream(agency: str) -> str:
    """The agency's replay stream. Outside its queue prefix on purpose: the agency's configure
    permission covers its own queues, and must not let it delete or rebind its replay."""
    return f"replay.{check_agency_id(agency)}"


def county_topic_pattern(counties: list[str] | tuple[str, ...]) -> str:
    """The topic-permission regex that lets an agency bind only keys starting with its counties."""
    if not counties or not all(isinstance(c, str) and _COUNTY.match(c) for c in counties):
        raise ValueError(f"counties must be six-digit GB/T 2260 codes: {counties!r}")
    return "^(" + "|".join(sorted(set(counties))) + r")\."
