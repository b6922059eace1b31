"""The demo scenario: a report turns into a warning and archive entries (issue 2 item 8).

Driven over HTTP against running services, exactly as staff and the public would use them.
``make up`` runs it so a newcomer sees the flow; the end-to-end test runs it and checks more.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from wuying_common.auth import issue_token

from .demo import Province

DEFAULT_URLS = {
    "intake": "http://127.0.0.1:8001",
    "risk": "http://127.0.0.1:8002",
    "warning": "http://127.0.0.1:8003",
    "inspection": "http://127.0.0.1:8004",
    "archive": "http://127.0.0.1:8005",
}


class ScenarioError(RuntimeError):
    pass


@dataclass
class Staff:
    secret: str
    province: str = "130000"
    _cache: dict = field(default_factory=dict)

    def header(self, role: str, subject: str | None = None) -> dict:
        key = (role, subject)
        if key not in self._cache:
            token = issue_token(self.secret, subject or f"demo-{role}", [role], [self.province], name=role)
            self._cache[key] = {"Authorization": f"Bearer {token}"}
        return self._cache[key]


def post(url: str, *, retry_for: float = 30.0, **kwargs) -> requests.Response:
    """POST as staff do: a 503 says "请稍后重试" (a dependency is reconnecting), so try again."""
    deadline = time.monotonic() + retry_for
    while True:
        response = requests.post(url, **kwargs)
        if response.status_code != 503 or time.monotonic() > deadline:
            return response
        time.sleep(0.5)


def _check(response: requests.Response, what: str) -> dict:
    if response.status_code >= 400:
        raise ScenarioError(f"{what}: HTTP {response.status_code} {response.text[:300]}")
    return response.json()


def wait_for(what: str, probe: Callable[[], object], timeout: float = 30.0, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise ScenarioError(f"timed out waiting for {what}")
        time.sleep(interval)


def load_province(province: Province, urls: dict, staff: Staff) -> dict:
    operator = staff.header("operator")
    archive = _check(
        post(
            f"{urls['archive']}/api/v1/registry",
            json={"units": province.units_json(), "officials": province.officials_json()},
            headers=operator,
            timeout=60,
        ),
        "archive registry",
    )
    inspection = _check(
        post(f"{urls['inspection']}/api/v1/units", json={"units": province.units_json()}, headers=operator, timeout=60),
        "inspection units",
    )
    # Risk learns officials from archive's official.changed events; let it catch up so the demo
    # report finds its subject registered (in production the registry is simply eventually
    # consistent, and a proposal without a unit is still valid).
    wait_for(
        "risk to receive the officials",
        lambda: consumed(urls["risk"], "risk", "wuying.archive.official.changed.v1") >= len(province.officials),
        timeout=120,
    )
    return {"archive": archive, "inspection": inspection}


def metric_total(url: str, name: str, **labels) -> float:
    """Sum of the samples ``name`` with these label values on a service's ``/metrics``."""
    from prometheus_client.parser import text_string_to_metric_families

    text = requests.get(f"{url}/metrics", timeout=5).text
    return sum(
        sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
        if sample.name == name and all(sample.labels.get(k) == str(v) for k, v in labels.items())
    )


def consumed(url: str, service: str, event_type: str) -> float:
    """Events of a type a service has consumed (processed or duplicate)."""
    name = f"wuying_{service}_events_consumed_total"
    return sum(metric_total(url, name, type=event_type, outcome=o) for o in ("processed", "duplicate"))


def run(
    province: Province,
    urls: dict,
    staff: Staff,
    say: Callable[[str], None] = print,
    year: int = 2027,
    county: str = "130402",
) -> dict:
    """Play the flow once for the first bureau chief (局长) of ``county``; returns the ids it
    created and the official's timeline."""
    official = next(o for o in province.officials if o.post == "局长" and o.county == county)
    say(f"1. 群众通过门户网站匿名举报 {official.name}（{official.post}，{official.unit_id}）")
    report = _check(
        post(
            f"{urls['intake']}/api/v1/reports",
            json={
                "category": "work_style",
                "county": official.county,
                "content": f"反映{official.name}在工程招标中接受宴请，违规收受礼品礼金，影响公正履职。",
                "subjects": [{"kind": "official", "id": official.id, "name": official.name}],
                "anonymous": True,
            },
            timeout=10,
        ),
        "submit report",
    )
    petition_id = report["petition_id"]
    say(f"   受理编号 {petition_id}，查询码已发给举报人（仅显示一次）")

    say("2. 信访室研判为廉情信息")
    _check(
        post(
            f"{urls['intake']}/api/v1/reports/{petition_id}/triage",
            json={
                "outcome": "integrity_information",
                "severity": "medium",
                "subjects": [{"kind": "official", "id": official.id, "county": official.county}],
                "note": "反映问题具体，列为廉情信息，转风险防控。",
            },
            headers=staff.header("intake_clerk"),
            timeout=10,
        ),
        "triage",
    )

    say("3. 风险画像上升，超过阈值，提出预警建议")
    profile = wait_for(
        "the risk profile to rise",
        lambda: (lambda r: r.json() if r.status_code == 200 and r.json().get("score", 0) > 0 else None)(
            requests.get(
                f"{urls['risk']}/api/v1/profiles/{official.id}", headers=staff.header("risk_officer"), timeout=10
            )
        ),
    )
    say(f"   风险分值 {profile['score']}（{profile.get('level_zh', profile.get('level'))}）")

    def proposed():
        r = requests.get(
            f"{urls['warning']}/api/v1/warnings",
            params={"county": official.county},
            headers=staff.header("warning_officer"),
            timeout=10,
        )
        if r.status_code != 200:
            return None
        items = r.json()
        items = items.get("items", items) if isinstance(items, dict) else items
        return next((w for w in items if w.get("official_id") == official.id), None)

    warning = wait_for("the warning proposal", proposed)
    say(f"4. 预警中心收到{warning.get('colour_zh', warning.get('colour'))}预警建议，分管领导审批")
    issued = _check(
        post(
            f"{urls['warning']}/api/v1/warnings/{warning['id']}/approve",
            json={},
            headers=staff.header("commission_leader", subject="demo-leader"),
            timeout=10,
        ),
        "approve warning",
    )
    say(
        f"   已发出预警，书面说明期限 {issued.get('answer_due')}（{'暂定' if issued.get('answer_due_provisional') else '按法定节假日计算'}）"
    )

    say(f"5. 巡察：为 {official.unit_id} 安排 {year} 年内部作风巡察")
    plan = _check(
        post(
            f"{urls['inspection']}/api/v1/plans",
            json={"unit_id": official.unit_id, "year": year},
            headers=staff.header("inspector"),
            timeout=10,
        ),
        "inspection plan",
    )

    archive_headers = staff.header("archive_keeper")

    def timeline():
        r = requests.get(
            f"{urls['archive']}/api/v1/officials/{official.id}/file?verify=true", headers=archive_headers, timeout=10
        )
        kinds = [e["kind"] for e in r.json().get("entries", [])] if r.status_code == 200 else []
        return r.json() if "warning.issued" in kinds else None

    file = wait_for("the archive to record the warning", timeline)

    def unit_file():
        r = requests.get(f"{urls['archive']}/api/v1/units/{official.unit_id}/file", headers=archive_headers, timeout=10)
        return r.json() if r.status_code == 200 and r.json().get("entries") else None

    unit = wait_for("the archive to record the inspection plan", unit_file)
    say(f"6. 廉政档案（{official.name}），哈希链{'完整' if file['intact'] else '被篡改!'}：")
    for entry in file["entries"]:
        say(f"   #{entry['seq']} {entry['occurred_at'][:19]} {entry['summary']}")
    say(f"   单位档案：{unit['entries'][-1]['summary']}")
    return {
        "official": official,
        "petition_id": petition_id,
        "warning": issued,
        "plan": plan,
        "file": file,
        "unit_file": unit,
    }
