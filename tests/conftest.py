"""Shared fixtures for every ring. nameko's pytest plugin no longer monkey-patches: do it first."""

import eventlet

eventlet.monkey_patch()

import os  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

import mongoengine  # noqa: E402
import pytest  # noqa: E402
from hypothesis import settings  # noqa: E402

from wuying_common.auth import issue_token  # noqa: E402
from wuying_testing import FixedClock  # noqa: E402

# CI replays the same examples every run (a red CI must be reproducible); developers' runs
# keep exploring new ones.
settings.register_profile("ci", derandomize=True, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

JWT_SECRET = "test-only-secret-" + uuid.uuid4().hex


@pytest.fixture
def jwt_secret():
    return JWT_SECRET


@pytest.fixture
def token():
    """token("warning_officer", "130402") -> "Bearer …" header value."""

    def make(*roles, county="130402", subject=None, counties=None):
        return "Bearer " + issue_token(
            JWT_SECRET, subject or f"staff-{uuid.uuid4().hex[:6]}", list(roles), counties or [county]
        )

    return make


@pytest.fixture
def clock():
    return FixedClock(datetime(2026, 11, 20, 2, 0, tzinfo=UTC))


@pytest.fixture
def db_suffix():
    """Unique database names per test when MONGODB_URI points at a real server; dropped after."""
    suffix = "_t" + uuid.uuid4().hex[:10]
    yield suffix
    uri = os.environ.get("MONGODB_URI")
    if uri:
        import pymongo

        client = pymongo.MongoClient(uri)
        for name in client.list_database_names():
            if name.endswith(suffix):
                client.drop_database(name)
        client.close()


@pytest.fixture
def service_config(rabbit_config, web_config, db_suffix):
    """Config for a real nameko container on the real local RabbitMQ (a vhost per test)."""
    config = dict(rabbit_config)
    config.update(web_config)
    config.update(
        {
            "JWT_SECRET": JWT_SECRET,
            "MONGODB_URI": os.environ.get("MONGODB_URI", ""),
            "MONGODB_DATABASE_SUFFIX": db_suffix,
            "EVENT_MAX_ATTEMPTS": 3,
            "EVENT_RETRY_DELAY": 0.05,
            "serializer": "json",
        }
    )
    return config


@pytest.fixture
def embedded_store(db_suffix):
    """Connect an alias for unit tests of persistence: real MongoDB if MONGODB_URI is set."""
    from wuying_common.store import connect_store

    aliases = []

    def connect(alias):
        connect_store(alias, f"wuying_{alias}{db_suffix}", os.environ.get("MONGODB_URI") or None)
        aliases.append(alias)

    yield connect
    for alias in aliases:
        mongoengine.disconnect(alias)


@pytest.fixture
def publish_event():
    """publish_event(config, "intake", "petition.triaged", envelope, times=1): straight onto a
    service's event exchange on the real broker, as that service's outbox relay would."""
    from kombu import Connection
    from nameko.standalone.events import get_event_exchange

    def publish(config, service, routing_key, envelope, times=1):
        exchange = get_event_exchange(service, config)
        with Connection(config["AMQP_URI"]) as conn:
            producer = conn.Producer(serializer="json")
            for _ in range(times):
                producer.publish(envelope, exchange=exchange, routing_key=routing_key, declare=[exchange])

    return publish


@pytest.fixture
def person():
    """person("staff-1", "warning_officer", county="130402") -> a Principal, as a token gives."""
    from wuying_common.auth import Principal

    def make(subject, *roles, county="130402", counties=None):
        return Principal(subject=subject, roles=frozenset(roles), counties=tuple(counties or [county]))

    return make


@pytest.fixture
def event_listener(container_factory):
    """listen(config, "archive", "official.changed") -> (container, seen): a real nameko
    container on the broker that appends every such event to ``seen``; use it with
    ``entrypoint_waiter(container, "on")``."""
    from nameko.events import event_handler

    def listen(config, source_service, event_type, name=None):
        seen: list = []

        class Listener:
            on = event_handler(source_service, event_type)(lambda self, payload: seen.append(payload))

        Listener.name = name or f"listener_{source_service}_{event_type.replace('.', '_')}"
        container = container_factory(Listener, config)
        container.start()
        return container, seen

    return listen


@pytest.fixture(autouse=True, scope="session")
def events_match_the_published_contract():
    """Every event the suite builds is validated against the checked-in JSON Schema of its type
    (``contracts/events/``) as other agencies would validate it (issue 9 item 3): a schema that
    refuses a real event fails the test that made it."""
    import json
    from pathlib import Path

    import jsonschema

    from wuying_common.events import ENVELOPE_CHECKS

    root = Path(__file__).resolve().parent.parent / "contracts" / "events"
    validators: dict = {}

    def validator(name: str):
        if name not in validators:
            path = root / f"{name}.json"
            schema = json.loads(path.read_text("utf-8")) if path.exists() else None
            validators[name] = jsonschema.Draft7Validator(schema) if schema else None
        return validators[name]

    def check(event_type, envelope: dict) -> None:
        if not event_type.schema.__module__.startswith("wuying_"):
            return  # a probe type a test made for itself (contracts.py publishes the services' own)
        data = validator(envelope["type"])
        assert data is not None, f"{envelope['type']} is emitted but not published in contracts/events"
        errors = [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in data.iter_errors(envelope["data"])]
        assert not errors, f"{envelope['type']} does not match contracts/events: {errors[:3]}"

    ENVELOPE_CHECKS.append(check)
    yield
    ENVELOPE_CHECKS.remove(check)
