"""Family and interests imported in bulk over HTTP (``POST /api/v1/imports/chunks`` kind
``matters``, issue 15 item 1), on a real nameko container and the real local RabbitMQ: archive
roles only (an operator may import the registry, not people's families), line errors named."""

import json

from nameko.standalone.rpc import ServiceRpcProxy

from wuying_archive.service import ArchiveService

OFFICIAL = {"id": "off-1", "name": "张伟", "county": "130402", "unit_id": "unit-1", "post": "局长", "rank": "正科级"}
LINES = "\n".join(
    json.dumps(r, ensure_ascii=False)
    for r in (
        {"official_id": "off-1", "kind": "spouse", "source": "personal_report", "name": "王芳"},
        {"official_id": "off-1", "kind": "side_job", "source": "personal_report", "company": "某公司", "role": "顾问"},
        {"official_id": "off-1", "kind": "business", "source": "personal_report", "holder": "m9", "company": "乙"},
    )
)


def test_matters_are_imported_by_archive_keepers_only_with_line_errors(
    container_factory, service_config, web_session, token
):
    container_factory(ArchiveService, service_config).start()
    with ServiceRpcProxy("archive", service_config) as archive:
        archive.register([], [OFFICIAL])
    body = {"kind": "matters", "format": "jsonl", "text": LINES}
    refused = web_session.post("/api/v1/imports/chunks", json=body, headers={"Authorization": token("operator")})
    assert refused.status_code == 403, refused.text
    done = web_session.post("/api/v1/imports/chunks", json=body, headers={"Authorization": token("archive_keeper")})
    assert done.status_code == 200, done.text
    summary = done.json()
    assert (summary["lines"], summary["created"], summary["failed"]) == (3, 2, 1)
    assert (summary["errors"][0]["line"], summary["errors"][0]["field"]) == (3, "holder")
    assert summary["reminders"] == 1  # the side job: 兼职
    matters = web_session.get("/api/v1/officials/off-1/matters", headers={"Authorization": token("archive_keeper")})
    assert [r["kind"] for r in matters.json()["records"]] == ["spouse", "side_job"]
    csv = web_session.post(
        "/api/v1/imports/chunks",
        json={**body, "format": "csv"},
        headers={"Authorization": token("archive_keeper")},
    )
    assert csv.status_code == 400 and "format" in csv.json()["error"]["fields"], csv.text
