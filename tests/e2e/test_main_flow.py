"""Issue 2 item 8: one real flow across all five services, through RabbitMQ."""

import subprocess
import time
import uuid
from datetime import date
from pathlib import Path

import pytest
import requests
from kombu import Connection, Exchange

from wuying_common.calendar import WorkingDayCalendar
from wuying_tools.scenario import load_province, run, wait_for
from wuying_tools.scenario import metric_total as metric


def test_a_report_becomes_a_blue_warning_and_every_step_lands_in_the_officials_file(platform):
    result = run(platform["province"], platform["urls"], platform["staff"], say=lambda _: None)

    warning = result["warning"]
    assert warning["colour"] == "blue"
    assert warning["level"] == 3
    issued_on = date.fromisoformat(warning["issued_on"])
    expected = WorkingDayCalendar.official().add_working_days(issued_on, 7)
    assert warning["answer_due"] == expected.date.isoformat()
    assert warning["answer_due_provisional"] == expected.provisional

    file = result["file"]
    kinds = [e["kind"] for e in file["entries"]]
    for step in ["official.changed", "petition.triaged", "risk.profile_changed", "warning.proposed", "warning.issued"]:
        assert step in kinds, kinds
    assert kinds.index("petition.triaged") < kinds.index("warning.proposed") < kinds.index("warning.issued")
    assert file["intact"] is True

    plan_entries = [e for e in result["unit_file"]["entries"] if e["kind"] == "inspection.scheduled"]
    assert len(plan_entries) == 1
    assert len(plan_entries[0]["data"]["rounds"]) >= 2


def test_the_same_event_delivered_twice_has_one_effect(platform):
    urls, staff = platform["urls"], platform["staff"]
    official = next(o for o in platform["province"].officials if o.post == "局长" and o.county == "130403")
    event = {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": "/wuying/intake",
        "type": "wuying.intake.petition.triaged.v1",
        "time": "2026-11-20T02:00:00Z",
        "subject": "petition/redelivery-test",
        "datacontenttype": "application/json",
        "dataschema": "https://schemas.wuying.local/events/wuying.intake.petition.triaged.v1.json",
        "county": official.county,
        "data": {
            "petition_id": "redelivery-test",
            "outcome": "integrity_information",
            "category": "work_style",
            "category_zh": "作风问题",
            "severity": "low",
            "subjects": [{"kind": "official", "id": official.id, "county": official.county}],
            "triaged_at": "2026-11-20T02:00:00Z",
        },
    }
    before = metric(urls["archive"], "wuying_archive_events_consumed_total", outcome="duplicate")
    exchange = Exchange("intake.events", type="topic", durable=True)
    with Connection(platform["amqp_uri"]) as conn:
        producer = conn.Producer(serializer="json")
        for _ in range(2):
            producer.publish(event, exchange=exchange, routing_key="petition.triaged", declare=[exchange])

    wait_for(
        "the archive to see the redelivery",
        lambda: metric(urls["archive"], "wuying_archive_events_consumed_total", outcome="duplicate") > before,
    )
    wait_for(
        "risk to see the redelivery",
        lambda: metric(urls["risk"], "wuying_risk_events_consumed_total", type=event["type"], outcome="duplicate") >= 1,
    )
    file = requests.get(
        f"{urls['archive']}/api/v1/officials/{official.id}/file", headers=staff.header("archive_keeper"), timeout=5
    ).json()
    assert [e["source_event_id"] for e in file["entries"]].count(event["id"]) == 1
    profile = requests.get(
        f"{urls['risk']}/api/v1/profiles/{official.id}", headers=staff.header("risk_officer"), timeout=5
    ).json()
    assert profile["score"] == 15  # one low-severity signal, counted once


def test_a_malformed_event_is_dead_lettered_not_dropped(platform):
    from wuying_common.consumers import DEAD_LETTER_QUEUE

    exchange = Exchange("intake.events", type="topic", durable=True)
    poison = {"id": "not-a-uuid", "type": "garbage"}
    with Connection(platform["amqp_uri"]) as conn:
        conn.Producer(serializer="json").publish(
            poison, exchange=exchange, routing_key="petition.triaged", declare=[exchange]
        )
        queue = conn.SimpleQueue(DEAD_LETTER_QUEUE)
        seen = set()
        deadline = time.monotonic() + 20
        consumers = {"archive", "risk", "warning"}  # every service bound to petition.triaged
        while seen != consumers and time.monotonic() < deadline:
            message = queue.get(timeout=20)
            if message.payload == poison:
                assert message.headers["x-wuying-reason"] == "malformed_envelope"
                seen.add(message.headers["x-wuying-queue"].split("--")[1].split(".")[0])
            message.ack()
        queue.close()
    assert seen == consumers


def test_events_published_while_a_consumer_is_dead_are_consumed_when_it_comes_back(platform):
    """A killed service loses nothing: its durable queues hold what was published meanwhile."""
    urls, staff = platform["urls"], platform["staff"]
    official = next(o for o in platform["province"].officials if o.post == "局长" and o.county == "130404")
    platform["stop"]("archive")  # SIGKILL: no graceful shutdown
    event_id = str(uuid.uuid4())
    envelope = {
        "specversion": "1.0",
        "id": event_id,
        "source": "/wuying/risk",
        "type": "wuying.risk.risk.profile_changed.v1",
        "time": "2026-11-20T03:00:00Z",
        "subject": f"official/{official.id}",
        "datacontenttype": "application/json",
        "dataschema": "https://schemas.wuying.local/events/wuying.risk.risk.profile_changed.v1.json",
        "county": official.county,
        "data": {
            "official_id": official.id,
            "score_before": 0,
            "score_after": 15,
            "level": "low",
            "level_zh": "低风险",
        },
    }
    exchange = Exchange("risk.events", type="topic", durable=True)
    with Connection(platform["amqp_uri"]) as conn:
        conn.Producer(serializer="json").publish(
            envelope, exchange=exchange, routing_key="risk.profile_changed", declare=[exchange]
        )
    platform["start"]("archive")
    platform["wait_healthy"]("archive")

    def recorded():
        r = requests.get(
            f"{urls['archive']}/api/v1/officials/{official.id}/file", headers=staff.header("archive_keeper"), timeout=5
        )
        return r.status_code == 200 and event_id in [e["source_event_id"] for e in r.json()["entries"]]

    assert wait_for("the restarted archive to consume the queued event", recorded)


BROKER = Path(__file__).resolve().parents[2] / "scripts" / "broker.sh"
OURS = Path(__file__).resolve().parents[2] / ".run" / "rabbitmq" / "started-by-us"


@pytest.mark.skipif(not OURS.exists(), reason="the broker was not started by this project; it is not ours to pause")
def test_a_broker_outage_loses_nothing_and_the_flow_resumes(platform):
    """Fault test: every connection drops; the state written meanwhile keeps its events in the
    outbox, the relay publishes them after the broker is back, consumers reconnect."""
    urls = platform["urls"]
    before = metric(urls["intake"], "wuying_intake_events_published_total", type="wuying.intake.petition.received.v1")
    subprocess.run([str(BROKER), "pause"], check=True, capture_output=True)
    try:
        response = requests.post(
            f"{urls['intake']}/api/v1/reports",
            json={
                "category": "work_style",
                "county": "130406",
                "content": "反映有干部在工程验收中接受宴请，情节需要核实。",
                "subjects": [{"kind": "official", "name": "某干部"}],
                "anonymous": True,
            },
            timeout=10,
        )
        assert response.status_code == 201, response.text  # the report is taken while the broker is down
        assert metric(urls["intake"], "wuying_intake_outbox_pending_events") >= 1
    finally:
        subprocess.run([str(BROKER), "resume"], check=True, capture_output=True)
    wait_for(
        "the outbox to publish what was written during the outage",
        lambda: metric(
            urls["intake"], "wuying_intake_events_published_total", type="wuying.intake.petition.received.v1"
        )
        > before,
        timeout=60,
    )
    # The archive restarted earlier in this module on its in-memory store and forgot the
    # registry: load it again (a real deployment keeps it in MongoDB).
    load_province(platform["province"], urls, platform["staff"])
    result = run(platform["province"], urls, platform["staff"], say=lambda _: None, year=2028, county="130406")
    assert result["warning"]["colour"] == "blue"
    assert "warning.issued" in [e["kind"] for e in result["file"]["entries"]]
