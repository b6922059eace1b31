"""Archive as a real nameko container on the real local RabbitMQ."""

import uuid

from kombu import Connection
from marshmallow import Schema, fields
from nameko.standalone.rpc import ServiceRpcProxy
from nameko.testing.services import entrypoint_waiter

from wuying_archive.service import ArchiveService
from wuying_common.consumers import DEAD_LETTER_QUEUE
from wuying_common.events import build_event, registry
from wuying_common.outbox import OutboxRelay

OFFICIAL = {
    "id": "off-1",
    "name": "张伟",
    "county": "130402",
    "unit_id": "unit-1",
    "post": "局长",
    "rank": "正科级",
}


class _TriagedProbe(Schema):
    """The part of intake's petition.triaged the archive reads (a tolerant reader)."""

    outcome = fields.String()
    subjects = fields.List(fields.Dict())
    category = fields.String()


PROBE = registry.register("intake", "probe.triaged", 1, _TriagedProbe, "test only")


def triaged_event(official_id="off-1", event_id=None):
    env = build_event(
        PROBE,
        {
            "outcome": "integrity_information",
            "subjects": [{"kind": "official", "id": official_id}],
            "category": "work_style",
        },
        subject="petition/p1",
        county="130402",
        event_id=event_id,
    )
    env["type"] = "wuying.intake.petition.triaged.v1"
    return env


def test_registering_an_official_publishes_official_changed(container_factory, service_config, event_listener):
    container = container_factory(ArchiveService, service_config)
    container.start()
    listener, seen = event_listener(service_config, "archive", "official.changed")
    with entrypoint_waiter(listener, "on", timeout=10):
        with ServiceRpcProxy("archive", service_config) as archive:
            assert archive.register([], [OFFICIAL]) == {"units": 0, "officials": 1}
    assert seen[0]["type"] == "wuying.archive.official.changed.v1"
    assert seen[0]["data"]["official_id"] == "off-1"
    assert seen[0]["county"] == "130402"


def test_the_same_event_delivered_twice_appears_once_in_the_file(
    container_factory, service_config, web_session, token, publish_event
):
    container = container_factory(ArchiveService, service_config)
    container.start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    event = triaged_event(event_id=str(uuid.uuid4()))
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10) as result:
        publish_event(service_config, "intake", "petition.triaged", event)
    assert result.get() == "processed"
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10) as result:
        publish_event(service_config, "intake", "petition.triaged", event)
    assert result.get() == "duplicate"

    response = web_session.get("/api/v1/officials/off-1/file", headers={"Authorization": token("archive_keeper")})
    assert response.status_code == 200
    body = response.json()
    assert [e["kind"] for e in body["entries"]].count("petition.triaged") == 1
    assert body["intact"] is True


def test_a_file_outside_the_tokens_counties_is_forbidden(container_factory, service_config, web_session, token):
    container = container_factory(ArchiveService, service_config)
    container.start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    response = web_session.get(
        "/api/v1/officials/off-1/file", headers={"Authorization": token("archive_keeper", county="130102")}
    )
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "county_forbidden"
    assert web_session.get("/api/v1/officials/off-1/file").status_code == 401


def test_errors_are_json_for_unknown_paths_and_methods(container_factory, service_config, web_session):
    container_factory(ArchiveService, service_config).start()
    missing = web_session.get("/nope")
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong = web_session.delete("/health")
    assert wrong.status_code == 405
    assert wrong.json()["error"]["code"] == "method_not_allowed"


def test_health_metrics_and_openapi(container_factory, service_config, web_session):
    container_factory(ArchiveService, service_config).start()
    health = web_session.get("/health")
    assert health.status_code == 200, health.text
    assert health.json()["checks"]["broker"] == "ok"
    spec = web_session.get("/openapi.json").json()
    assert "/api/v1/officials/{official_id}/file" in spec["paths"]
    metrics = web_session.get("/metrics").text
    assert "wuying_archive_entrypoint_calls_total" in metrics


def test_a_handler_that_keeps_failing_is_retried_then_dead_lettered(container_factory, service_config, publish_event):
    config = dict(service_config, EVENT_MAX_ATTEMPTS=2)
    container = container_factory(ArchiveService, config)
    container.start()
    # The official's file does not exist yet, so nothing fails; make the handler fail instead
    # with an event whose subjects list is malformed (a string, not objects).
    event = triaged_event()
    event["data"]["subjects"] = "not-a-list"
    with entrypoint_waiter(container, "on_petition_triaged", timeout=10):
        publish_event(config, "intake", "petition.triaged", event)
    with Connection(config["AMQP_URI"]) as conn:
        queue = conn.SimpleQueue(DEAD_LETTER_QUEUE)
        message = queue.get(timeout=10)
        assert message.payload["id"] == event["id"]
        assert message.headers["x-wuying-queue"].startswith("evt-intake-petition.triaged--archive")
        message.ack()
        queue.close()


def test_outbox_relay_is_registered_for_officials():
    assert any(isinstance(p, OutboxRelay) for p in vars(ArchiveService).values())


# -- issue 10: import → condition hit → reminder task → events (risk's profile signal) ----------
def test_an_imported_long_tenure_becomes_a_reminder_task_whose_confirmed_closure_reaches_risk(
    container_factory, service_config, web_session, token, event_listener
):
    """004/4 深圳龙岗: 符合预警条件的……生成监督提醒任务 → 了解、核实 → 办结; risk (issue 13) reads
    ``archive.reminder_closed`` with result ``confirmed`` as a profile signal."""
    container = container_factory(ArchiveService, service_config)
    container.start()
    created_listener, created = event_listener(service_config, "archive", "archive.reminder_created")
    closed_listener, closed = event_listener(service_config, "archive", "archive.reminder_closed")
    text = "\n".join(
        [
            "id,name,county,unit_id,post,rank,status,since,commission_staff,seconded_to,tags",
            "off-7,张伟,130402,unit-1,财务科长,正科级,serving,2019-03-01,0,,finance",
            "off-8,李娜,1304,unit-1,科员,科员,serving,,0,,",
        ]
    )
    keeper = {"Authorization": token("archive_keeper")}
    with entrypoint_waiter(created_listener, "on", timeout=10):
        response = web_session.post(
            "/api/v1/imports/chunks", json={"kind": "officials", "format": "csv", "text": text}, headers=keeper
        )
    assert response.status_code == 200, response.text
    summary = response.json()
    assert (summary["created"], summary["failed"], summary["reminders"]) == (1, 1, 1)
    assert (summary["errors"][0]["line"], summary["errors"][0]["field"]) == (3, "county")
    event = created[0]
    assert event["type"] == "wuying.archive.archive.reminder_created.v1"
    assert (event["data"]["official_id"], event["data"]["condition_code"]) == ("off-7", "long_tenure")
    reminder_id = event["data"]["reminder_id"]

    auditor = {"Authorization": token("auditor")}
    leader = {"Authorization": token("commission_leader")}
    worklist = web_session.get("/api/v1/reminders?state=assigned", headers=auditor).json()
    assert [r["id"] for r in worklist] == [reminder_id]
    assert worklist[0]["department_zh"] == "监督检查室"
    for path, headers, body in [
        ("acknowledge", auditor, {}),
        ("verify", auditor, {"result": "confirmed", "note": "任财务科长逾五年，已提出交流建议"}),
    ]:
        step = web_session.post(f"/api/v1/reminder-steps/{path}/{reminder_id}", json=body, headers=headers)
        assert step.status_code == 200, step.text
    with entrypoint_waiter(closed_listener, "on", timeout=10):
        done = web_session.post(f"/api/v1/reminder-steps/close/{reminder_id}", json={}, headers=leader)
    assert done.status_code == 200, done.text
    assert done.json()["state_zh"] == "已办结"
    signal = closed[0]["data"]
    assert {k: signal[k] for k in ("official_id", "county", "condition_code", "result")} == {
        "official_id": "off-7",
        "county": "130402",
        "condition_code": "long_tenure",
        "result": "confirmed",
    }
    figures = web_session.get("/api/v1/reminders/figures", headers=auditor).json()
    assert figures == [
        {
            "department": "supervision_inspection",
            "department_zh": "监督检查室",
            "county": "130402",
            "total": 1,
            "closed": 1,
            "closed_on_time": 1,
            "open": 0,
            "overdue": 0,
            "confirmed": 1,
            "completion_rate": 1.0,
        }
    ]


def test_family_and_interests_are_refused_to_other_roles_over_http(
    container_factory, service_config, web_session, token
):
    container_factory(ArchiveService, service_config).start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    record = {"kind": "side_job", "source": "personal_report", "company": "某公司", "role": "顾问", "paid": True}
    refused = web_session.post(
        "/api/v1/officials/off-1/matters", json=record, headers={"Authorization": token("warning_officer")}
    )
    assert refused.status_code == 403
    added = web_session.post(
        "/api/v1/officials/off-1/matters", json=record, headers={"Authorization": token("archive_keeper")}
    )
    assert added.status_code == 201, added.text
    assert added.json()["reminders"] == ["off-1/side_job/1"]


def test_search_pages_inside_the_tokens_counties_and_a_file_is_verified_on_demand(
    container_factory, service_config, web_session, token
):
    container_factory(ArchiveService, service_config).start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL, dict(OFFICIAL, id="off-2", name="李娜", county="130102")])
    headers = {"Authorization": token("archive_keeper", county="130400")}
    page = web_session.get("/api/v1/search/officials?post=局长", headers=headers).json()
    assert ([o["id"] for o in page["items"]], page["next_after"]) == (["off-1"], None)
    assert page["items"][0]["postings"][0]["end"] is None
    forbidden = web_session.get("/api/v1/search/officials?county=130102", headers=headers)
    assert forbidden.status_code == 403
    check = web_session.get("/api/v1/officials/off-1/file/verification", headers=headers)
    assert check.status_code == 200, check.text
    assert check.json()["intact"] is True
