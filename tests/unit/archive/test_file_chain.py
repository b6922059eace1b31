"""Archive domain: one person, one file; append-only and tamper-evident (DESIGN.md §4 Archive)."""

from wuying_archive.domain.file import GENESIS_HASH, entry_hash, subjects_of, verify_chain


def chain(contents):
    rows, prev = [], GENESIS_HASH
    for seq, content in enumerate(contents, start=1):
        digest = entry_hash(prev, content)
        rows.append((seq, content, prev, digest))
        prev = digest
    return rows


def test_an_untouched_file_verifies():
    assert verify_chain(chain([{"a": 1}, {"b": 2}, {"c": 3}])).intact


def test_changing_any_entry_breaks_the_chain_at_that_entry():
    rows = chain([{"a": 1}, {"b": 2}, {"c": 3}])
    seq, content, prev, digest = rows[1]
    rows[1] = (seq, {"b": 999}, prev, digest)
    check = verify_chain(rows)
    assert not check.intact
    assert check.first_broken_seq == 2


def test_removing_an_entry_breaks_the_chain():
    rows = chain([{"a": 1}, {"b": 2}, {"c": 3}])
    del rows[1]
    assert not verify_chain(rows).intact


def test_only_integrity_information_reaches_an_officials_file():
    data = {"outcome": "case_clue", "subjects": [{"kind": "official", "id": "o1"}]}
    assert subjects_of("petition.triaged", data, "130402") == []
    data["outcome"] = "integrity_information"
    assert [s.id for s in subjects_of("petition.triaged", data, "130402")] == ["o1"]


def test_a_transferred_case_clue_reaches_the_subjects_file():
    data = {"subjects": [{"kind": "official", "id": "o1", "county": "130402"}], "transferred_to": "case_handling"}
    assert [s.id for s in subjects_of("clue.transferred", data, "130402")] == ["o1"]


def test_warning_events_go_to_the_officials_file():
    assert [s.id for s in subjects_of("warning.appealed", {"official_id": "o9"}, "130402")] == ["o9"]


def test_a_clarification_reaches_every_accused_officials_file():
    """Seed 003 (澄清正名): a report found false is recorded in each accused official's file."""
    from wuying_archive.domain.file import summarise

    data = {"petition_id": "p1", "county": "130402", "official_ids": ["o1", "o2"], "summary_zh": "经核实，反映问题失实"}
    assert [(s.kind, s.id) for s in subjects_of("petition.clarified", data, "130402")] == [
        ("official", "o1"),
        ("official", "o2"),
    ]
    assert "澄清正名" in summarise("petition.clarified", data)


def test_lifecycle_changes_and_reminders_read_in_chinese_in_the_file():
    from wuying_archive.domain.file import summarise

    promoted = {
        "change": "promoted",
        "unit_id": "unit-1",
        "post": "局长",
        "rank": "正处级",
        "effective_on": "2026-11-01",
    }
    assert summarise("official.changed", promoted) == "人员信息变动：晋升，unit-1 局长（正处级）（自 2026-11-01 起）"
    closed = {"condition_name_zh": "兼职（未经批准兼职或兼职取酬）", "result": "confirmed"}
    assert (
        summarise("archive.reminder_closed", closed)
        == "监督提醒任务办结：兼职（未经批准兼职或兼职取酬），核实结果：属实"
    )
