"""Another agency, from outside: it logs in as the demo agency, receives only its counties'
events, each valid against the published schemas, and replays them from a point in time.

Everything runs for real on the local RabbitMQ: ``scripts/partners.py setup --demo`` on a
throw-away vhost pair, the republisher as a real process under its own broker user, real
events (data recorded from the platform, enveloped by the one envelope builder) published on
the internal exchanges, and ``outside_consumer.py`` (pika + jsonschema only) as a subprocess.
"""

from __future__ import annotations

import ast
import importlib
import json
import os
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CONSUMER = Path(__file__).with_name("outside_consumer.py")
RECORDED = ROOT / "tests" / "contracts" / "recorded-events.jsonl"
OURS, OTHER = ("130402", "130403"), "130404"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def partner_side(tmp_path_factory):
    """Vhost pair + users + demo agency + replay stream, and the republisher running."""
    tmp = tmp_path_factory.mktemp("partners")
    tag = "tp" + uuid.uuid4().hex[:6] + "-"
    creds = tmp / "partners.env"
    setup = [sys.executable, str(ROOT / "scripts" / "partners.py"), "--internal-vhost", f"{tag}int"]
    setup += ["--partner-vhost", f"{tag}partners", "--user-prefix", tag, "--credentials", str(creds)]
    done = subprocess.run([*setup, "setup", "--demo"], capture_output=True, text=True, timeout=120)
    if done.returncode != 0:
        subprocess.run([*setup, "teardown"], capture_output=True, timeout=120)
        pytest.fail("scripts/partners.py setup failed:\n" + done.stdout + done.stderr[-3000:])
    values = dict(line.split("=", 1) for line in creds.read_text().splitlines() if "=" in line)
    port = free_port()
    env = dict(
        os.environ,
        AMQP_URI=values["PARTNERS_AMQP_URI"],
        PARTNER_AMQP_URI=values["PARTNERS_PARTNER_AMQP_URI"],
        PARTNERS_HTTP_ADDRESS=f"127.0.0.1:{port}",
        PYTHONPATH=os.pathsep.join([str(ROOT / "services" / "partners"), os.environ.get("PYTHONPATH", "")]),
    )
    log = open(tmp / "partners.log", "w")  # noqa: SIM115 - closed at teardown
    nameko = Path(sys.executable).parent / "nameko"
    proc = subprocess.Popen(
        [str(nameko), "run", "--config", "services/partners/config.yml", "wuying_partners.service:PartnersService"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        for _ in range(240):
            try:
                if requests.get(f"http://127.0.0.1:{port}/health", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                pass
            assert proc.poll() is None, (tmp / "partners.log").read_text()[-3000:]
            time.sleep(0.25)
        else:
            pytest.fail("republisher did not become healthy:\n" + (tmp / "partners.log").read_text()[-3000:])
        yield {
            "internal_uri": f"amqp://guest:guest@127.0.0.1:5672/{tag}int",
            "agency_uri": values["AGENCY_DEMO_AMQP_URI"],
            "metrics": f"http://127.0.0.1:{port}/metrics",
        }
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()
        subprocess.run([*setup, "teardown"], capture_output=True, timeout=120)


def real_events(counties, time_now):
    """Real event data recorded from the platform, enveloped again by the envelope builder for
    the given counties (every type the platform was seen to emit, each in every county)."""
    from wuying_common.events import build_event, registry

    recorded = [json.loads(line) for line in RECORDED.read_text("utf-8").splitlines() if line.strip()]
    for service in {e["type"].split(".")[1] for e in recorded}:
        importlib.import_module(f"wuying_{service}.schemas")
    out = []
    for county in counties:
        for event in recorded:
            event_type = registry.get(event["type"])
            data = event_type.schema().load(event["data"])  # back to Python values; the builder dumps them
            out.append(build_event(event_type, data, subject=event["subject"], county=county, now=time_now))
    return out


def publish(amqp_uri, envelopes):
    from kombu import Connection, Exchange

    with Connection(amqp_uri) as conn:
        producer = conn.Producer(serializer="json")
        for envelope in envelopes:
            service = envelope["type"].split(".")[1]
            exchange = Exchange(f"{service}.events", type="topic", durable=True)
            name = ".".join(envelope["type"].split(".")[2:-1])
            producer.publish(envelope, exchange=exchange, routing_key=name, declare=[exchange], retry=True)


def consumer(*args, wait_ready=False):
    """The outside consumer as its own process; ``-I``: no PYTHONPATH, no project path."""
    cmd = [sys.executable, "-I", str(CONSUMER), *args]
    if not wait_ready:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
        return done.returncode, json.loads(done.stdout.strip().splitlines()[-1]), done.stderr
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "ready", proc.stderr.read()
    return proc


def finish(proc):
    out, err = proc.communicate(timeout=180)
    return proc.returncode, json.loads(out.strip().splitlines()[-1]), err


def summary(result: dict) -> str:
    shown = {k: (len(v) if k == "received" else v) for k, v in result.items()}
    return json.dumps(shown, ensure_ascii=False)


def withheld(event) -> bool:
    return event["type"] in {"wuying.risk.warning.proposed.v1", "wuying.warning.calendar.year_loaded.v1"}


def test_the_outside_consumer_imports_nothing_but_pika_jsonschema_and_the_standard_library():
    tree = ast.parse(CONSUMER.read_text("utf-8"))
    imported = {
        alias.name.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names
    }
    imported |= {
        node.module.split(".")[0] for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) and node.module
    }
    assert imported - sys.stdlib_module_names == {"pika", "jsonschema"}


def test_the_demo_agency_receives_only_its_counties_events_all_valid_and_replays_from_a_timestamp(partner_side):
    first = real_events([*OURS, OTHER], datetime.now(UTC))
    expected_first = [e for e in first if e["county"] in OURS and not withheld(e)]
    assert any(withheld(e) for e in first), "the recording should hold a withheld type (warning.proposed)"

    # Batch 2 (the same events again, new ids) comes after a pause: it is what the replay from
    # `since` must return. The live consumer waits for both batches.
    live = consumer("live", "--uri", partner_side["agency_uri"], "--agency", "demo", "--counties", ",".join(OURS),
                    "--expect", str(2 * len(expected_first)), "--idle", "1", wait_ready=True)  # fmt: skip
    publish(partner_side["internal_uri"], first)
    time.sleep(2.5)
    since = datetime.now(UTC).replace(microsecond=0)
    time.sleep(1.2)
    second = real_events([*OURS, OTHER], datetime.now(UTC))
    expected_second = [e for e in second if e["county"] in OURS and not withheld(e)]
    publish(partner_side["internal_uri"], second)

    code, received, err = finish(live)
    print("live consumer:", summary(received))
    assert received["violations"] == [], err
    assert code == 0
    assert sorted(received["received"]) == sorted(e["id"] for e in expected_first + expected_second)
    assert all(key.split(".")[0] in OURS for key in received["routing_keys"])
    assert not any(".warning.proposed." in key for key in received["routing_keys"])

    code, replayed, err = consumer("replay", "--uri", partner_side["agency_uri"], "--agency", "demo",
                                   "--counties", ",".join(OURS), "--since", since.isoformat(), "--idle", "3")  # fmt: skip
    print("replay:", summary(replayed))
    assert code == 0 and replayed["violations"] == [], err
    assert sorted(replayed["received"]) == sorted(e["id"] for e in expected_second)


def test_the_demo_agency_cannot_bind_another_county_publish_or_touch_what_is_not_its_own(partner_side):
    code, probed, err = consumer("probe", "--uri", partner_side["agency_uri"], "--agency", "demo", "--county", OTHER)
    print("probe:", json.dumps(probed, ensure_ascii=False))
    assert probed["outcomes"] == {
        f"bind {OTHER}.#": "refused 403",
        "bind #": "refused 403",
        "bind *.intake.#": "refused 403",
        "publish": "refused 403",
        "declare another agency's queue": "refused 403",
        "delete replay.demo": "refused 403",
    }, err


def test_an_event_that_breaks_the_envelope_is_dead_lettered_not_republished(partner_side):
    from kombu import Connection, Exchange

    from wuying_common.consumers import DEAD_LETTER_QUEUE

    bad = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "type": "wuying.intake.petition.received.v1",
        "county": "１３０４０２",
    }
    with Connection(partner_side["internal_uri"]) as conn:
        exchange = Exchange("intake.events", type="topic", durable=True)
        conn.Producer(serializer="json").publish(
            bad, exchange=exchange, routing_key="petition.received", declare=[exchange]
        )
        queue = conn.SimpleQueue(DEAD_LETTER_QUEUE)
        message = queue.get(block=True, timeout=20)
        assert message.payload["id"] == bad["id"]
        assert message.headers["x-wuying-queue"] == "partners.republish"
        message.ack()
        queue.close()
    metrics = requests.get(partner_side["metrics"], timeout=5).text
    assert 'wuying_partners_events_republished_total{county="?",outcome="dead_lettered",type="?"}' in metrics


def test_the_operator_topology_in_deploy_is_what_the_setup_script_makes():
    done = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "partners.py"), "k8s"], capture_output=True, text=True, check=True
    )
    committed = (ROOT / "deploy" / "components" / "partners" / "topology.yaml").read_text("utf-8")
    assert done.stdout == committed, "run: python scripts/partners.py k8s > deploy/components/partners/topology.yaml"
