"""Archive as a real nameko container on the real local RabbitMQ."""

import json
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


def test_an_import_publishes_officials_imported_and_each_change_lands_in_its_file(
    container_factory, service_config, event_listener, web_session, token
):
    """Issue 15: an import announces its changes 500 to an event, and each still reaches its file."""
    container = container_factory(ArchiveService, service_config)
    container.start()
    listener, seen = event_listener(service_config, "archive", "officials.imported")
    text = "\n".join(
        [
            "id,name,county,unit_id,post,rank,status,since,commission_staff,seconded_to,tags",
            "off-1,张伟,130402,unit-1,局长,正处级,serving,,0,,",
            "off-2,李娜,130402,unit-1,科长,正科级,serving,,0,,",
        ]
    )
    keeper = {"Authorization": token("archive_keeper")}
    with entrypoint_waiter(container, "on_officials_imported", timeout=10) as recorded:
        with entrypoint_waiter(listener, "on", timeout=10):
            response = web_session.post(
                "/api/v1/imports/chunks", json={"kind": "officials", "format": "csv", "text": text}, headers=keeper
            )
    assert response.status_code == 200, response.text
    assert (response.json()["created"], response.json()["events"]) == (2, 2)
    assert recorded.get() == "processed"
    (event,) = seen
    assert (event["type"], event["county"], event["data"]["count"]) == (
        "wuying.archive.officials.imported.v1",
        "130402",
        2,
    )
    assert [c["official_id"] for c in event["data"]["changes"]] == ["off-1", "off-2"]
    file = web_session.get("/api/v1/officials/off-2/file", headers=keeper).json()
    assert [(e["kind"], e["source_event_id"]) for e in file["entries"]] == [("official.changed", event["id"])]


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
    worklist = web_session.get("/api/v1/reminders?state=assigned", headers=auditor).json()["items"]
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
    figures = web_session.get("/api/v1/reminders/figures", headers=auditor).json()["items"]
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
    assert ([o["id"] for o in page["items"]], page["next"]) == (["off-1"], None)
    assert page["items"][0]["postings"][0]["end"] is None
    forbidden = web_session.get("/api/v1/search/officials?county=130102", headers=headers)
    assert forbidden.status_code == 403
    check = web_session.get("/api/v1/officials/off-1/file/verification", headers=headers)
    assert check.status_code == 200, check.text
    assert check.json()["intact"] is True


# -- issue 10 item 7 and issue 11, over the broker -----------------------------------------------------
def envelope(source, name, data, county="130402"):
    """A CloudEvents envelope as another service's relay publishes it."""
    return {
        "specversion": "1.0",
        "id": str(uuid.uuid4()),
        "source": f"/wuying/{source}",
        "type": f"wuying.{source}.{name}.v1",
        "time": "2026-11-20T02:00:00Z",
        "subject": "test/1",
        "datacontenttype": "application/json",
        "dataschema": f"https://schemas.wuying.local/events/wuying.{source}.{name}.v1.json",
        "county": county,
        "data": data,
    }


def test_warnings_newer_events_and_the_calendar_reach_the_archive(
    container_factory, service_config, web_session, token, publish_event
):
    """Issue 10/8 wiring: warning.superseded and organisational handling land in the file in Chinese;
    calendar.year_loaded is stored by key."""
    container = container_factory(ArchiveService, service_config)
    container.start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    superseded = envelope(
        "warning",
        "warning.superseded",
        {
            "official_id": "off-1",
            "warning_id": "w-1",
            "colour": "blue",
            "by_colour": "yellow",
            "reason": "answer_overdue",
        },
    )
    with entrypoint_waiter(container, "on_warning_superseded", timeout=10) as result:
        publish_event(service_config, "warning", "warning.superseded", superseded)
    assert result.get() == "processed"
    year = {"year": 2027, "source": "国办发明电", "holidays": ["2027-01-01"], "workdays": []}
    with entrypoint_waiter(container, "on_calendar_year_loaded", timeout=10) as result:
        publish_event(
            service_config, "warning", "calendar.year_loaded", envelope("warning", "calendar.year_loaded", year)
        )
    assert result.get() == "processed"
    body = web_session.get("/api/v1/officials/off-1/file", headers={"Authorization": token("archive_keeper")}).json()
    summaries = [e["summary"] for e in body["entries"]]
    assert any(
        s.startswith("预警被更高等级预警取代：蓝色预警由黄色预警取代（逾期未答复）") for s in summaries
    ), summaries
    assert container.dependencies  # the stored year is what a replica's refresh reads:
    refreshed = [d for d in container.extensions if type(d).__name__ == "StoredYearsCalendar"][0].calendar
    assert refreshed.is_working_day(__import__("datetime").date(2027, 1, 1)) == (False, False)


def test_the_portrait_and_its_pdf_are_for_archive_roles_never_cached_and_audited(
    container_factory, service_config, web_session, token
):
    container_factory(ArchiveService, service_config).start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    keeper = {"Authorization": token("archive_keeper", subject="keeper-9")}
    view = web_session.get("/api/v1/officials/off-1/portrait", headers=keeper)
    assert view.status_code == 200, view.text
    assert view.json()["official"]["name"] == "张伟" and view.json()["extras"]["credit"]["score"] == 100
    pdf = web_session.get("/api/v1/officials/off-1/report.pdf?purpose=任前审核", headers=keeper)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert (pdf.headers["Content-Type"], pdf.headers["Cache-Control"]) == ("application/pdf", "no-store")
    other = {"Authorization": token("warning_officer", subject="officer-3")}
    refused = web_session.get("/api/v1/officials/off-1/portrait", headers=other)
    assert refused.status_code == 403
    log = web_session.get("/api/v1/access-log?subject=off-1", headers={"Authorization": token("auditor")}).json()[
        "items"
    ]
    assert [(e["action"], e["by"], e["outcome"]) for e in log] == [
        ("portrait.read", "officer-3", "denied"),
        ("report.pdf", "keeper-9", "allowed"),
        ("portrait.read", "keeper-9", "allowed"),
    ]
    assert log[0]["code"] == "role_forbidden" and log[1]["purpose"] == "任前审核"


def test_every_file_read_is_audited_granted_or_denied(container_factory, service_config, web_session, token):
    """Issue 9 item 5: reads of files are audited, denials included — a foreign county, a
    missing token, another official's file — and an auditor of the city sees them."""
    container_factory(ArchiveService, service_config).start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    path = "/api/v1/officials/off-1/file"
    assert (
        web_session.get(path, headers={"Authorization": token("archive_keeper", subject="keeper-1")}).status_code == 200
    )
    foreign = token("archive_keeper", subject="keeper-2", county="130102")
    assert web_session.get(path, headers={"Authorization": foreign}).status_code == 403
    assert web_session.get(path).status_code == 401
    neighbour = token("official", subject="off-2")
    assert web_session.get(path, headers={"Authorization": neighbour}).status_code == 403
    check = web_session.get(path + "/verification", headers={"Authorization": token("auditor", subject="aud-1")})
    assert check.status_code == 200 and check.json()["intact"] is True
    city_auditor = {"Authorization": token("auditor", county="130400")}
    log = web_session.get("/api/v1/access-log?subject=off-1", headers=city_auditor).json()["items"]
    assert [(e["action"], e["by"], e["outcome"], e["code"]) for e in log] == [
        ("official_file.verify", "aud-1", "allowed", None),
        ("official_file.read", "off-2", "denied", "not_own_record"),
        ("official_file.read", "anonymous", "denied", "token_missing"),
        ("official_file.read", "keeper-2", "denied", "county_forbidden"),
        ("official_file.read", "keeper-1", "allowed", None),
    ]
    assert all(e["county"] == "130402" for e in log)


def test_a_review_without_a_purpose_is_refused_and_unknown_people_are_listed_back(
    container_factory, service_config, web_session, token
):
    container_factory(ArchiveService, service_config).start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    keeper = {"Authorization": token("archive_keeper")}
    refused = web_session.post("/api/v1/reviews", json={"people": ["张伟"]}, headers=keeper)
    assert refused.status_code == 400
    assert "purpose" in refused.json()["error"]["fields"]
    made = web_session.post(
        "/api/v1/reviews", json={"people": ["张伟", "李四"], "purpose": "干部选拔任用征求意见"}, headers=keeper
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["state"], body["total"], body["progress"]) == ("done", 1, 1.0)
    assert [(u["input"], u["reason"]) for u in body["unknown"]] == [("李四", "not_found")]
    rows = web_session.get(f"/api/v1/reviews/{body['id']}/rows", headers=keeper).json()["rows"]
    assert rows[0]["official_id"] == "off-1" and rows[0]["conclusion_zh"].startswith("审核期间未发现")
    pdf = web_session.get(f"/api/v1/reviews/{body['id']}/report.pdf", headers=keeper)
    assert pdf.status_code == 200 and pdf.headers["Cache-Control"] == "no-store"


def test_signed_checkpoints_are_kept_by_another_party_and_prove_the_export(
    container_factory, service_config, web_session, token, tmp_path
):
    """Issue 11 item 6, end to end: the file's entry, a checkpoint signed and published, a keeper
    outside the archive keeps it, the auditor exports the files and the verifier proves them."""
    from wuying_archive import keeper, verifier
    from wuying_archive.domain.checkpoints import Signer

    signer = Signer.generate()
    config = dict(service_config, CHECKPOINT_KEY=signer.private_pem())
    container = container_factory(ArchiveService, config)
    container.start()
    kept_file = tmp_path / "checkpoints.jsonl"
    keeper.keep(config["AMQP_URI"], "audit-office", kept_file, limit=0)  # declare and bind its queue
    with entrypoint_waiter(container, "on_official_changed", timeout=10):
        with ServiceRpcProxy("archive", config) as archive:
            archive.register([], [OFFICIAL])
    signed = web_session.post("/api/v1/checkpoints", headers={"Authorization": token("operator")})
    assert signed.status_code == 200, signed.text
    assert (signed.json()["signed"], signed.json()["files"]) == (1, 1)
    assert keeper.keep(config["AMQP_URI"], "audit-office", kept_file, limit=1, timeout=10) == 1
    auditor = {"Authorization": token("auditor")}
    assert web_session.get("/api/v1/audit/export?county=130402", headers=auditor).status_code == 400  # purpose
    export = web_session.get("/api/v1/audit/export?county=130402&purpose=年度审计", headers=auditor)
    assert export.status_code == 200 and export.headers["Content-Type"].startswith("application/x-ndjson")
    lines = [json.loads(line) for line in export.text.splitlines()]
    checkpoints = [json.loads(line) for line in kept_file.read_text().splitlines()]
    assert verifier.verify(lines, checkpoints, [signer.public_key]).ok
    assert not verifier.verify(lines[:-1] if len(lines) > 1 else [], checkpoints, [signer.public_key]).ok


def test_a_red_warning_sends_the_integrity_credit_to_risk(
    container_factory, service_config, event_listener, publish_event
):
    """Issue 11 item 4: archive.integrity_credit_changed v1 with official_id, county, score, factors."""
    container = container_factory(ArchiveService, service_config)
    container.start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    listener, seen = event_listener(service_config, "archive", "archive.integrity_credit_changed")
    issued = envelope("warning", "warning.issued", {"official_id": "off-1", "warning_id": "w-9", "colour": "red"})
    with entrypoint_waiter(listener, "on", timeout=10):
        publish_event(service_config, "warning", "warning.issued", issued)
    data = seen[0]["data"]
    assert (data["official_id"], data["county"], data["score"]) == ("off-1", "130402", 80)
    assert data["factors"][0]["code"] == "warnings"


def test_inspections_dispositions_and_the_units_evaluation_reach_the_files(
    container_factory, service_config, web_session, token, publish_event
):
    """000/E 结果运用 over the broker: the disposition ladder lands in the official's file, the
    annual evaluation in the unit's, each from its own queue."""
    container = container_factory(ArchiveService, service_config)
    container.start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([{"id": "unit-1", "name": "某局", "county": "130402", "kind": "bureau"}], [OFFICIAL])
    finding = {
        "finding_id": "f1",
        "plan_id": "unit-1:2026",
        "unit_id": "unit-1",
        "official_id": "off-1",
        "county": "130402",
        "year": 2026,
        "severity": "serious",
        "disposition": "judicial_transfer",
        "disposition_zh": "移交司法机关",
        "outcome": None,
        "outcome_zh": None,
        "finding_closed": False,
        "on": "2026-11-19",
    }
    closed = dict(finding, outcome="transferred", outcome_zh="已移交司法机关", finding_closed=True)
    evaluation = {
        "plan_id": "unit-1:2026",
        "unit_id": "unit-1",
        "county": "130402",
        "year": 2026,
        "standing": "not_recommended",
        "standing_zh": "发现严重违纪违法问题，不推荐评优评先",
        "eligible_for_excellence": False,
        "findings": {"early_sign": 0, "general": 0, "serious": 1},
        "open_dispositions": 0,
        "rounds_completed": 2,
        "rounds_planned": 2,
    }
    for name, data, entrypoint in (
        ("inspection.disposition_added", finding, "on_inspection_disposition_added"),
        ("inspection.disposition_closed", closed, "on_inspection_disposition_closed"),
        ("inspection.evaluation_recorded", evaluation, "on_inspection_evaluation_recorded"),
    ):
        with entrypoint_waiter(container, entrypoint, timeout=10) as result:
            publish_event(service_config, "inspection", name, envelope("inspection", name, data))
        assert result.get() == "processed"
    keeper = {"Authorization": token("archive_keeper")}
    official = web_session.get("/api/v1/officials/off-1/file", headers=keeper).json()
    assert [e["summary"] for e in official["entries"] if e["kind"].startswith("inspection.")] == [
        "巡察发现问题追加处置：移交司法机关（严重违纪违法问题）",
        "巡察发现问题处置办结：移交司法机关，结果：已移交司法机关（严重违纪违法问题）；该问题处置完毕",
    ]
    unit = web_session.get("/api/v1/units/unit-1/file", headers=keeper).json()
    assert [e["kind"] for e in unit["entries"]] == ["inspection.evaluation_recorded"]
    assert unit["entries"][0]["summary"].endswith("不推荐评优评先") and unit["intact"] is True
