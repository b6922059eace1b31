"""The staff console: a clerk triages, the leader approves, the official's file shows it, the
dashboard draws its charts, and a role without the right sees no button and gets 403."""

import re
import time

import requests
from playwright.sync_api import expect

from .conftest import accessible_name_missing


def submit_report(stack, official, **fields) -> str:
    """A report from the portal's public endpoint, through the portal's origin (anonymous unless
    ``fields`` say otherwise)."""
    response = requests.post(
        stack["urls"]["portal"] + "/api/intake/v1/reports",
        json={
            "category": "work_style",
            "county": official.county,
            "content": f"反映{official.name}在工程招标中接受宴请，违规收受礼品礼金。",
            "subjects": [{"kind": "official", "id": official.id, "name": official.name}],
            "anonymous": True,
            **fields,
        },
        timeout=15,
    )
    assert response.status_code == 201, response.text
    return response.json()["petition_id"]


def test_the_sign_in_page_is_labelled_and_works_by_keyboard(stack, page, shot, sign_in):
    page.goto(stack["urls"]["console"] + "/signin")
    expect(page.get_by_text("开发环境登录")).to_be_visible()
    assert accessible_name_missing(page) == []
    shot(page, "signin")
    sign_in(page, "intake_clerk", name="李受理")
    expect(page.get_by_test_id("who")).to_contain_text("信访举报受理人员")
    expect(page.get_by_test_id("who")).to_contain_text("邯山区")
    assert page.context.cookies() == []


def test_a_clerk_triages_a_report_as_integrity_information(stack, page, shot, sign_in, official):
    petition_id = submit_report(stack, official)
    sign_in(page, "intake_clerk")
    expect(page.get_by_test_id("worklist-reports-new")).to_contain_text(petition_id)
    shot(page, "today")
    page.get_by_role("link", name="信访举报").click()
    page.get_by_role("link", name=petition_id).click()
    expect(page.get_by_test_id("report-status")).to_have_text("已收到，待受理")
    page.get_by_role("button", name="研判", exact=True).click()
    assert accessible_name_missing(page) == []
    page.get_by_label("研判结果").select_option("integrity_information")
    page.get_by_label("严重程度").select_option("medium")
    page.get_by_label("研判意见").fill("反映问题具体，列为廉情信息，转风险防控。")
    page.get_by_role("button", name="保存研判结果").click()
    expect(page.get_by_test_id("report-status")).to_have_text("已受理，正在办理")
    expect(page.get_by_text("研判为「廉情信息（转风险研判）」")).to_be_visible()
    # The clerk may now close it; the leader's buttons are not theirs.
    expect(page.get_by_role("button", name="办结并答复")).to_be_visible()
    shot(page, "triaged")


def test_the_leader_approves_the_proposed_warning_and_the_file_shows_it(
    stack, page, shot, sign_in, proposed_warning, official, staff_api
):
    sign_in(page, "commission_leader", name="王分管")
    expect(page.get_by_test_id("worklist-warnings-approve")).to_contain_text(official.id)
    page.get_by_role("link", name="预警看板").click()
    card = page.get_by_test_id(f"warning-{proposed_warning['id']}")
    expect(card).to_contain_text("待审批")
    shot(page, "board")
    card.get_by_role("button", name="审批").click()
    assert accessible_name_missing(page) == []
    page.get_by_label("审批意见（选填）").fill("同意发出书面预警告知。")
    shot(page, "approve-dialog")
    page.get_by_test_id("confirm-decision").click()
    expect(card).to_contain_text("已发出")
    expect(card.get_by_role("button", name="审批")).to_have_count(0)
    page.get_by_role("link", name=official.id).first.click()
    expect(page.get_by_test_id("warning-status")).to_have_text("已发出")
    expect(page.get_by_text("说明（答复）期限")).to_be_visible()
    shot(page, "warning-detail")

    # The issued warning reaches the archive through RabbitMQ; wait for it there, then look.
    for _ in range(100):
        entries = staff_api("GET", "archive", f"/api/v1/officials/{official.id}/file", "archive_keeper").json()
        if any(e["kind"] == "warning.issued" for e in entries.get("entries", [])):
            break
        time.sleep(0.2)
    else:
        raise AssertionError("the archive never recorded warning.issued")
    sign_in(page, "archive_keeper")
    page.goto(stack["urls"]["console"] + f"/officials/{official.id}")
    timeline = page.get_by_test_id("file-timeline")
    expect(timeline).to_contain_text("warning.issued")
    expect(page.get_by_test_id("chain-intact")).to_be_visible()
    shot(page, "official-file")


#: What the dashboard reads for a scope: each service's statistics once, never a list.
DASHBOARD_READS = {
    "warning/v1/statistics",
    "intake/v1/statistics",
    "inspection/v1/coverage",
    "warning/v1/reports/quarterly",
}


def api_reads(page) -> list[str]:
    """The API paths the page asks from now on (``service/v1/…``, query left off), as a list
    that grows."""
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url.split("?")[0].split("/api/", 1)[1]) if "/api/" in r.url else None)
    return seen


def test_today_asks_warnings_worklist_once_and_the_approver_only_the_proposals_of_their_level(
    stack, page, shot, sign_in, proposed_warning, official
):
    """今日工作 at a city's scope: warning's bounded worklist once, and for the leader who
    approves blue warnings (篇5 三(一)2) the proposed blue ones — never every warning of the
    scope (a province holds thousands: that was ~75 requests)."""
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url.split("/api/", 1)[1]) if "/api/warning/" in r.url else None)
    sign_in(page, "commission_leader", county="130400")
    expect(page.get_by_test_id("worklist-warnings-approve")).to_contain_text(official.id)
    expect(page.get_by_test_id("worklist-warnings-lift")).to_be_visible()
    page.wait_for_load_state("networkidle")
    worklist = [a for a in asked if a.startswith("warning/v1/worklist?")]
    lists = [a for a in asked if a.startswith("warning/v1/warnings?")]
    assert len(worklist) == 1 and "county=130400" in worklist[0], asked
    assert len(lists) == 1 and all(p in lists[0] for p in ("status=proposed", "level=3", "county=130400")), asked
    shot(page, "today-city")


def test_the_dashboard_draws_its_charts_for_a_city(stack, page, shot, sign_in, proposed_warning):
    sign_in(page, "commission_leader", county="130400")
    page.wait_for_load_state("networkidle")
    reads = api_reads(page)
    page.get_by_role("link", name="统计分析").click()
    charts = page.locator("[data-rendered]")
    expect(charts).to_have_count(6)
    expect(page.locator('[data-rendered="true"]')).to_have_count(6, timeout=20000)
    # warning `statistics`: the proposed warning is live (blue) in its county of the city.
    expect(page.get_by_text(re.compile(r"蓝色预警 [1-9]\d* 件$"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"各县（市、区）在办预警合计 [1-9]\d* 件，最多的是邯山区"))).to_be_visible()
    expect(page.get_by_text(re.compile(r"合计逾期 \d+ 项：举报办理 \d+ 项，预警答复、整改 \d+ 项"))).to_be_visible()
    # Coverage from inspection's one read for the city: the demo units of its counties.
    expect(page.get_by_text(re.compile(r"应巡察单位 [1-9]\d* 个，已完成 \d+ 个，覆盖率 \d+%"))).to_be_visible()
    for name in ("在办预警（按颜色）", "逾期未办结的期限", "办结用时", "内部巡察覆盖", "廉政风险信息预警专报"):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert sorted(reads) == sorted(DASHBOARD_READS), reads  # one request each, no list
    assert accessible_name_missing(page) == []
    shot(page, "dashboard")

    # One county of the city: the same four reads for it, and its quarterly report to print.
    reads.clear()
    page.get_by_label("范围").select_option("130402")
    expect(page.get_by_role("button", name="打印季度专报")).to_be_visible()
    expect(page.locator('[data-rendered="true"]')).to_have_count(6, timeout=20000)
    expect(page.get_by_text(re.compile(r"^\d{4} 年第 \d 季度 · 1 个县（市、区）"))).to_be_visible()
    page.wait_for_load_state("networkidle")
    assert sorted(reads) == sorted(DASHBOARD_READS), reads
    shot(page, "dashboard-county")


def test_a_role_without_the_right_sees_no_approve_button_and_the_api_refuses_it(
    stack, page, shot, sign_in, proposed_warning
):
    sign_in(page, "warning_officer")
    page.get_by_role("link", name="预警看板").click()
    card = page.get_by_test_id(f"warning-{proposed_warning['id']}")
    expect(card).to_contain_text("待审批")
    expect(card.get_by_role("button", name="审批")).to_have_count(0)
    shot(page, "board-without-approve")
    status = page.evaluate(
        """async (id) => {
            const token = sessionStorage.getItem('wuying.console.token')
            const r = await fetch(`/api/warning/v1/warnings/${id}/approve`, {
              method: 'POST', headers: {'Content-Type': 'application/json', Authorization: `Bearer ${token}`},
              body: '{}'})
            return [r.status, (await r.json()).error.code]
        }""",
        proposed_warning["id"],
    )
    assert status == [403, "role_forbidden"]


def test_other_pages_render_in_chinese(stack, page, shot, sign_in):
    sign_in(page, "inspector", county="130402")
    for path, heading in (("/inspection", "内部巡察"), ("/risk-points", "风险点"), ("/officials", "廉政档案")):
        page.goto(stack["urls"]["console"] + path)
        expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
        assert accessible_name_missing(page) == []
        shot(page, path.strip("/"))
