"""Issue 9 item 7 on a real intake container (real local RabbitMQ): hostile bodies answer
400/411/413/415, never 500; division codes are loaded ASCII codes; personal answers are not
cached; every 4xx/5xx is counted by route and status."""

from __future__ import annotations

import base64

import pytest

from wuying_intake.service import IntakeService

KEY = base64.b64encode(b"k" * 32).decode()
REPORT = {
    "category": "work_style",
    "county": "130402",
    "content": "某局局长长期在工作日中午饮酒，并多次公车私用接送家人。",
    "subjects": [{"kind": "official", "name": "王某", "unit_name": "某某局"}],
    "anonymous": True,
}
JSON = {"Content-Type": "application/json"}


@pytest.fixture
def intake(container_factory, service_config):
    container = container_factory(IntakeService, dict(service_config, INTAKE_ENCRYPTION_KEYS=f"k1:{KEY}"))
    container.start()
    return container


def _post(web_session, body: bytes, headers=JSON):
    return web_session.post("/api/v1/reports", data=body, headers=headers)


@pytest.mark.parametrize(
    ("body", "code"),
    [
        (b"[" * 1000 + b"]" * 1000, "json_too_deep"),
        (b'{"a":' * 1000 + b"1" + b"}" * 1000, "json_too_deep"),
        (b'{"county": ' + b"9" * 5000 + b"}", "number_too_large"),
        (b'{"content": "\\ud800"}', "invalid_string"),
        (b'{"content": "\xed\xa0\x80"}', "invalid_utf8"),
        (b'{"n": 1e999}', "number_too_large"),
        (b'{"n": NaN}', "invalid_json"),
    ],
    ids=["depth-1000-arrays", "depth-1000-objects", "5000-digits", "lone-surrogate", "surrogate-bytes", "inf", "nan"],
)
def test_hostile_json_answers_400_never_500(intake, web_session, body, code):
    response = _post(web_session, body)
    assert response.status_code == 400, response.text
    assert response.json()["error"]["code"] == code


@pytest.mark.parametrize("county", ["１３０４０２", "999999", "130499", "13040", "130402 "])
def test_a_county_must_be_an_ascii_code_of_the_loaded_divisions(intake, web_session, county):
    response = web_session.post("/api/v1/reports", json=dict(REPORT, county=county))
    assert response.status_code == 400
    assert "county" in response.json()["error"]["fields"]


def test_only_json_is_accepted_and_a_body_without_content_type_is_415(intake, web_session, web_config_port):
    import json

    raw = json.dumps(REPORT).encode()
    plain = _post(web_session, raw, {"Content-Type": "text/plain"})
    assert plain.status_code == 415 and plain.json()["error"]["code"] == "unsupported_media_type"
    latin = _post(web_session, raw, {"Content-Type": "application/json; charset=latin-1"})
    assert latin.status_code == 415
    missing = _raw(
        web_config_port, b"POST /api/v1/reports HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\n{}"
    )
    # eventlet's server fills in ``text/plain`` for a missing type; either way it is refused.
    assert missing.split()[1] == "415" and "unsupported_media_type" in missing


def test_a_chunked_body_is_read_whole(intake, web_session):
    import json

    raw = json.dumps(REPORT).encode()
    chunks = (raw[i : i + 17] for i in range(0, len(raw), 17))  # a generator: requests sends it chunked
    response = web_session.post("/api/v1/reports", data=chunks, headers=JSON)
    assert response.status_code == 201, response.text
    assert response.json()["petition_id"]


def _raw(port: int, request: bytes) -> str:
    """One hand-made HTTP request (what requests cannot be made to send)."""
    import socket

    with socket.create_connection(("127.0.0.1", int(port)), timeout=5) as conn:
        conn.sendall(request)
        conn.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := conn.recv(4096):
            answer += chunk
    return answer.decode("utf-8", "replace")


def test_a_body_with_neither_length_nor_chunks_is_411(intake, web_config_port):
    answer = _raw(
        web_config_port, b"POST /api/v1/reports HTTP/1.0\r\nHost: x\r\nContent-Type: application/json\r\n\r\n{}"
    )
    assert answer.split()[1] == "411"


def test_personal_answers_are_not_cached_and_reference_data_may_be(intake, web_session, token):
    submitted = web_session.post("/api/v1/reports", json=REPORT)
    assert submitted.headers["Cache-Control"] == "no-store"
    listing = web_session.get("/api/v1/reports?county=130402", headers={"Authorization": token("intake_clerk")})
    assert listing.status_code == 200 and listing.headers["Cache-Control"] == "no-store"
    assert "Cache-Control" not in web_session.get("/health/live").headers


def test_every_error_status_is_counted_by_route_and_status(intake, web_session):
    for _ in range(3):
        _post(web_session, b"[" * 1000)
    _post(web_session, b"{}", {"Content-Type": "text/plain"})
    web_session.get("/api/v1/nowhere")
    metrics = web_session.get("/metrics").text
    assert 'wuying_intake_http_responses_total{route="/api/v1/reports",status="400"} 3.0' in metrics
    assert 'wuying_intake_http_responses_total{route="/api/v1/reports",status="415"} 1.0' in metrics
    assert 'wuying_intake_http_responses_total{route="unmatched",status="404"} 1.0' in metrics


def test_a_city_token_rolls_up_the_reports_of_its_counties(intake, web_session, token):
    for county in ("130402", "130403", "130102"):
        assert web_session.post("/api/v1/reports", json=dict(REPORT, county=county)).status_code == 201
    city = {"Authorization": token("intake_clerk", county="130400")}
    listed = web_session.get("/api/v1/reports?county=130400", headers=city).json()["items"]
    assert sorted(r["county"] for r in listed) == ["130402", "130403"]
    stats = web_session.get("/api/v1/statistics?county=130400", headers=city).json()
    assert stats["total"] == 2
    province = {"Authorization": token("intake_clerk", county="130000")}
    assert len(web_session.get("/api/v1/reports?county=130000", headers=province).json()["items"]) == 3
    assert web_session.get("/api/v1/reports?county=130100", headers=city).status_code == 403


def test_every_denied_identity_read_is_audited(intake, web_session, token):
    from wuying_intake.persistence import IdentityRequest

    named = dict(REPORT, anonymous=False, reporter={"name": "李举报", "phone": "13800138000"})
    pid = web_session.post("/api/v1/reports", json=named).json()["petition_id"]
    clerk = {"Authorization": token("intake_clerk", subject="clerk-1")}
    rid = web_session.post(
        f"/api/v1/reports/{pid}/identity-requests", json={"reason": "核实举报人联系方式以便答复"}, headers=clerk
    ).json()["request_id"]
    attempts = [
        {},  # no token
        {"Authorization": "Bearer not-a-token"},
        {"Authorization": token("auditor", subject="aud-1")},  # a role the matrix does not grant
        {"Authorization": token("intake_clerk", subject="clerk-2", county="130102")},  # another county
        clerk,  # not approved yet
    ]
    for headers in attempts:
        assert web_session.get(f"/api/v1/identity-requests/{rid}/identity", headers=headers).status_code in (401, 403)
    trail = IdentityRequest.objects.get(id=rid).audit
    denied = [entry for entry in trail if entry.outcome == "denied" and entry.action == "accessed"]
    assert len(denied) == len(attempts)
    assert {entry.actor for entry in denied} >= {"anonymous", "aud-1", "clerk-2", "clerk-1"}
