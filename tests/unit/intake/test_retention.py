"""Retention (issue 8 item 11; rule data ``domain/retention.py``, a default to confirm): a closed
report is kept for its kind's period, then the reporter's identity is purged first, then its
content and attachments, unless under legal hold; each purge leaves an audit record with no
content; a purge interrupted between identity and content finishes on the next run."""

import hashlib
import json
from datetime import date

import pytest

from wuying_common.auth import Principal
from wuying_common.errors import rule_error
from wuying_intake import handlers
from wuying_intake.domain.petition import IntakeRuleError
from wuying_intake.domain.retention import PURGED_TEXT, RETENTION_RULES, RetentionRuleError, retain_until
from wuying_intake.persistence import Attachment, Petition, PurgeRecord

from .conftest import REVIEW, staff_view

CLERK = Principal("clerk-1", frozenset({"intake_clerk"}), ("130402",))
BOSS = Principal("boss-1", frozenset({"intake_supervisor"}), ("130402",))
PHOTO = b"\xff\xd8\xff" + b"photo" * 20
CONTENT = "某镇在村道工程招标中指定施工单位，涉嫌围标串标。"


def closed_named_report(store, clock, calendar, keyring):
    payload = {
        "category": "key_sectors",
        "county": "130402",
        "content": CONTENT,
        "subjects": [{"kind": "official", "name": "赵某"}],
        "anonymous": False,
        "reporter": {"name": "李举报", "phone": "13912345678"},
        "attachments": [
            {
                "file_name": "照片.jpg",
                "content_type": "image/jpeg",
                "sha256": hashlib.sha256(PHOTO).hexdigest(),
                "content": PHOTO,
            }
        ],
    }
    pid = handlers.submit_report(store, clock, calendar, keyring, payload, channel="letter").petition.id
    handlers.triage(
        store, clock, CLERK, pid, {"outcome": "no_substance", "severity": "low", "subjects": [], "note": "无具体事实"}
    )
    handlers.add_note(store, clock, CLERK, pid, "已联系被反映单位")
    handlers.close(
        store, clock, CLERK, pid, {"answer": "经核查，反映问题不属实。", "note": "", "collective_review": REVIEW}
    )
    return pid


def test_the_retention_period_is_rule_data_per_kind_counted_from_closing():
    assert {kind: rule.years for kind, rule in RETENTION_RULES.items()} == {"discipline_report": 10, "petition": 10}
    assert all("default to confirm" in rule.source for rule in RETENTION_RULES.values())
    assert retain_until("petition", date(2026, 11, 20)) == date(2036, 11, 20)
    assert retain_until("discipline_report", date(2028, 2, 29)) == date(2038, 2, 28)


def test_a_closed_report_is_purged_after_its_retention_identity_first_leaving_an_audit_record_without_content(
    store, clock, calendar, keyring
):
    pid = closed_named_report(store, clock, calendar, keyring)
    assert store.get_petition(pid).retain_until == date(2036, 11, 20)
    assert handlers.purge_expired(store, clock) == []  # not yet
    clock.advance(days=3653)  # 2036-11-20
    assert handlers.purge_expired(store, clock) == ["130402"]
    petition = store.get_petition(pid)
    assert petition.reporter is None and petition.content == PURGED_TEXT and petition.attachments == []
    assert petition.internal_notes == [] and petition.replies[0].text == PURGED_TEXT
    assert petition.subjects[0].name is None and petition.triage.outcome == "no_substance"  # the record stays
    assert store.attachment(pid, 0) is None
    dumped = json.dumps(petition.to_mongo().to_dict(), ensure_ascii=False, default=str)
    for trace in ("13912345678", "李举报", CONTENT, "赵某", "已联系", "照片"):
        assert trace not in dumped
    [record] = handlers.purge_log(store, BOSS, {"county": "130402"})
    assert record.id == pid and record.attachments_deleted == 1
    assert record.identity_purged_at <= record.content_purged_at <= record.completed_at
    assert CONTENT not in json.dumps(record.to_mongo().to_dict(), ensure_ascii=False, default=str)
    assert handlers.purge_expired(store, clock) == []  # done once


def test_a_report_under_legal_hold_is_not_purged_until_the_hold_is_released_with_a_reason(
    store, clock, calendar, keyring
):
    pid = closed_named_report(store, clock, calendar, keyring)
    with pytest.raises(IntakeRuleError) as exc:
        handlers.set_legal_hold(store, clock, BOSS, pid, True, " ")
    assert rule_error(exc.value).status == 400 and "reason" in rule_error(exc.value).fields
    handlers.set_legal_hold(store, clock, BOSS, pid, True, "涉及诉讼，依法保全")
    with pytest.raises(RetentionRuleError) as exc:
        handlers.set_legal_hold(store, clock, BOSS, pid, True, "再次保全")
    assert exc.value.code == "already_on_hold" and rule_error(exc.value).status == 409
    clock.advance(days=4000)
    assert handlers.purge_expired(store, clock) == []
    assert store.get_petition(pid).content == CONTENT
    view = staff_view(handlers.set_legal_hold(store, clock, BOSS, pid, False, "诉讼已终结"))
    assert [(h["action"], h["by"]) for h in view["legal_holds"]] == [("set", "boss-1"), ("released", "boss-1")]
    assert handlers.purge_expired(store, clock) == ["130402"]
    with pytest.raises(RetentionRuleError) as exc:
        handlers.set_legal_hold(store, clock, BOSS, pid, True, "太迟了")
    assert exc.value.code == "already_purged"


def test_a_purge_interrupted_after_the_identity_finishes_its_content_on_the_next_run(
    real_store, clock, calendar, keyring, monkeypatch
):
    store = real_store
    pid = closed_named_report(store, clock, calendar, keyring)
    clock.advance(days=3653)
    real_save, calls = store.save, []

    def crash_after_identity(aggregate):
        calls.append(aggregate)
        if len(calls) == 2:  # the content write
            raise RuntimeError("crash")
        return real_save(aggregate)

    monkeypatch.setattr(store, "save", crash_after_identity)
    with pytest.raises(RuntimeError):
        handlers.purge_expired(store, clock)
    monkeypatch.setattr(store, "save", real_save)
    halfway = Petition.objects(id=pid).first()
    assert halfway.reporter is None and halfway.purge.identity_purged_at and halfway.content == CONTENT
    assert PurgeRecord.objects(id=pid).first() is None
    assert handlers.purge_expired(store, clock) == ["130402"]
    done = Petition.objects(id=pid).first()
    assert done.content == PURGED_TEXT and done.purge.completed_at
    assert done.purge.identity_purged_at == halfway.purge.identity_purged_at  # not redone
    assert Attachment.objects(petition_id=pid).count() == 0 and PurgeRecord.objects(id=pid).count() == 1
