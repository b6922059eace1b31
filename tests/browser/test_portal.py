"""The public portal: a reporter submits a report and follows it up with the receipt code."""

import re

from playwright.sync_api import expect

from .conftest import accessible_name_missing


def choose(page, label: str, option: str) -> None:
    """Pick an option of an Element Plus select by its label, with the keyboard."""
    page.get_by_role("combobox", name=label).focus()
    page.keyboard.press("Enter")
    page.get_by_role("option", name=option).first.click()


def test_a_reporter_submits_anonymously_and_follows_up_with_the_receipt_code(stack, page, shot, official):
    portal = stack["urls"]["portal"]
    api_answers = []
    page.on("response", lambda r: api_answers.append(r) if "/api/" in r.url else None)
    page.goto(portal + "/")
    expect(page.get_by_role("heading", name="我要举报")).to_be_visible()
    assert accessible_name_missing(page) == []

    # Submitting empty shows what is missing, in Chinese, next to the fields.
    page.get_by_role("button", name="提交举报").click()
    expect(page.get_by_text("请选择被反映人或单位所在的县（市、区）")).to_be_visible()
    expect(page.get_by_text("请填写反映的主要问题")).to_be_visible()
    shot(page, "validation")

    choose(page, "被反映人或单位所在地区", "邯山区")
    page.get_by_label("姓名", exact=True).fill(official.name)
    page.get_by_label("所在单位及职务（选填）").fill("邯山区住房和城乡建设局 局长")
    choose(page, "问题类别", "作风问题")
    page.get_by_label("反映的主要问题").fill(
        f"反映{official.name}在工程招标中接受宴请，违规收受礼品礼金，影响公正履职。"
    )
    page.get_by_label("证据材料（选填）").set_input_files(
        files=[{"name": "线索.txt", "mimeType": "text/plain", "buffer": "宴请时间：2026年11月1日晚。".encode()}]
    )
    expect(page.get_by_text("线索.txt（文本文件，1 KB）")).to_be_visible()
    page.get_by_text("我承诺所反映的情况属实").click()
    shot(page, "filled")
    page.get_by_role("button", name="提交举报").click()

    page.get_by_role("heading", name="举报已提交").wait_for()
    code = page.get_by_test_id("receipt-code").inner_text().strip()
    assert len(code) >= 8
    expect(page.get_by_text("查询码只显示这一次")).to_be_visible()
    assert re.search(r"XF\d{6}-", page.get_by_text(re.compile("^XF")).first.inner_text())
    shot(page, "receipt")
    with page.expect_download() as pdf:
        page.get_by_role("button", name="下载 PDF 回执").click()
    assert pdf.value.suggested_filename.endswith(".pdf")
    assert open(pdf.value.path(), "rb").read(5) == b"%PDF-"
    page.emulate_media(media="print")
    shot(page, "receipt-print")
    expect(page.get_by_role("navigation", name="主导航")).to_be_hidden()
    page.emulate_media(media="screen")

    # Follow-up by keyboard: type the code, Enter.
    page.get_by_role("link", name="查询办理情况").click()
    page.get_by_label("查询码").fill(code)
    page.get_by_label("查询码").press("Enter")
    assert page.get_by_test_id("status").inner_text() == "已收到，正在登记受理"
    page.get_by_label("补充的情况（10–5000 字）").fill("补充：宴请地点在某酒店三楼，同席还有两名投标企业负责人。")
    page.get_by_role("button", name="提交补充材料").click()
    page.get_by_text("补充材料已提交").wait_for()
    expect(page.get_by_text("1 次", exact=True)).to_be_visible()
    shot(page, "follow-up")

    # Anonymous means anonymous: no cookie, nothing personal cached, nothing left in storage.
    assert page.context.cookies() == []
    assert api_answers and all(r.headers.get("cache-control") == "no-store" for r in api_answers)
    assert all("set-cookie" not in r.headers for r in api_answers)
    assert page.evaluate("() => localStorage.length + sessionStorage.length") == 0
    assert code not in page.url


def test_a_wrong_receipt_code_is_told_in_chinese(stack, page, shot):
    page.goto(stack["urls"]["portal"] + "/follow-up")
    page.get_by_label("查询码").fill("NOT-A-REAL-CODE")
    page.get_by_label("查询码").press("Enter")
    page.get_by_role("alert").filter(has_text="查询码").wait_for()
    shot(page, "unknown-code")


def test_the_public_library_lists_a_countys_published_powers_and_risk_points(stack, page, shot):
    page.goto(stack["urls"]["portal"] + "/library")
    with page.expect_response("**/api/risk/v1/library?county=130402") as answer:
        page.get_by_label("地区").select_option("130402")
    assert answer.value.status == 200
    assert answer.value.headers["cache-control"] == "no-store"
    expect(page.get_by_role("heading", name=re.compile(r"^权力清单（\d+ 项）$"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile(r"^廉政风险点（\d+ 个）$"))).to_be_visible()
    assert accessible_name_missing(page) == []
    shot(page, "library")
