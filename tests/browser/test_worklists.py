"""The Today page's worklists that need a second person or another department: identity
requests waiting for a second supervisor (intake, four eyes) and supervision reminders (archive,
004/4 监督提醒) — shown to the roles that act on them in their counties, and to no one else."""

from playwright.sync_api import expect

from .conftest import COUNTY, items
from .test_console import submit_report


def named_report(stack, official) -> str:
    return submit_report(stack, official, anonymous=False, reporter={"name": "赵实名", "phone": "13900001111"})


def test_a_second_supervisor_sees_and_approves_an_identity_request_a_clerk_does_not_see_it(
    stack, page, shot, sign_in, official, staff_api
):
    petition_id = named_report(stack, official)
    asked = staff_api(
        "POST",
        "intake",
        f"/api/v1/reports/{petition_id}/identity-requests",
        "intake_clerk",
        subject="clerk-browser",
        json={"reason": "核实举报内容需要联系举报人补充材料"},
    )
    assert asked.status_code == 201, asked.text
    request_id = asked.json()["request_id"]

    sign_in(page, "intake_supervisor", name="陈负责")
    worklist = page.get_by_test_id("worklist-identity-requests")
    row = worklist.get_by_role("row").filter(has_text=petition_id)
    expect(row).to_contain_text("核实举报内容需要联系举报人补充材料")
    expect(row).to_contain_text("clerk-browser")
    expect(worklist).not_to_contain_text("赵实名")  # the identity itself is never in the list
    shot(page, "identity-worklist")
    row.get_by_role("button", name="批准", exact=True).click()
    expect(page.get_by_role("dialog")).to_contain_text(petition_id)
    page.get_by_label("审批意见（选填）").fill("同意，仅用于联系举报人补充材料。")
    shot(page, "identity-approve-dialog")
    page.get_by_test_id("confirm-identity").click()
    expect(worklist.get_by_role("row").filter(has_text=petition_id)).to_have_count(0)
    shot(page, "identity-approved")
    # Approved in the service: the requester may now read it (audited), the list no longer has it.
    opened = staff_api(
        "GET", "intake", f"/api/v1/identity-requests/{request_id}/identity", "intake_clerk", subject="clerk-browser"
    )
    assert opened.status_code == 200, opened.text
    waiting = staff_api("GET", "intake", f"/api/v1/identity-requests?county={COUNTY}", "intake_supervisor")
    assert request_id not in [r["request_id"] for r in items(waiting.json())]

    # A clerk (who may ask but not approve) has no such worklist, and the API refuses the list.
    sign_in(page, "intake_clerk")
    expect(page.get_by_test_id("worklist-reports-new")).to_be_visible()
    expect(page.get_by_test_id("worklist-identity-requests")).to_have_count(0)
    shot(page, "identity-worklist-not-for-clerks")
    refused = staff_api("GET", "intake", f"/api/v1/identity-requests?county={COUNTY}", "intake_clerk")
    assert refused.status_code == 403


def test_supervision_reminders_reach_the_auditor_and_the_leader_by_step_and_no_one_else(
    stack, page, shot, sign_in, official, staff_api
):
    # A side job declared into the file meets a warning condition: archive raises a reminder.
    added = staff_api(
        "POST",
        "archive",
        f"/api/v1/officials/{official.id}/matters",
        "archive_keeper",
        json={"kind": "side_job", "source": "personal_report", "company": "某科技公司", "role": "顾问", "paid": True},
    )
    assert added.status_code == 201, added.text
    assert added.json()["reminders"], added.text
    reminder_id = added.json()["reminders"][0]

    sign_in(page, "auditor", name="孙监督")
    reminders = page.get_by_test_id("worklist-reminders")
    row = reminders.get_by_role("row").filter(has_text=official.name).filter(has_text="兼职")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("已分派")
    expect(row).to_contain_text("签收")
    shot(page, "reminders-auditor")

    # Once verified, the close step is the leader's: it leaves the auditor's list for theirs.
    for step, body in (("acknowledge", {}), ("verify", {"result": "confirmed", "note": "经核实属实"})):
        taken = staff_api(
            "POST", "archive", f"/api/v1/reminder-steps/{step}/{reminder_id}", "auditor", subject="aud-1", json=body
        )
        assert taken.status_code == 200, taken.text
    sign_in(page, "commission_leader", name="王分管")
    row = page.get_by_test_id("worklist-reminders").get_by_role("row").filter(has_text=official.name)
    expect(row.filter(has_text="兼职")).to_have_count(1)
    expect(row.filter(has_text="兼职")).to_contain_text("已了解核实")
    expect(row.filter(has_text="兼职")).to_contain_text("办结")
    shot(page, "reminders-leader")

    # The warning centre does not take reminders: no such list, and the API refuses it.
    sign_in(page, "warning_officer")
    expect(page.get_by_test_id("worklist-warnings-revisit")).to_be_visible()
    expect(page.get_by_test_id("worklist-reminders")).to_have_count(0)
    shot(page, "reminders-not-for-the-warning-centre")
    assert staff_api("GET", "archive", "/api/v1/reminders", "warning_officer").status_code == 403
