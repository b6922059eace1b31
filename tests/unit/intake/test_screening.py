"""Screening on arrival: routing reports about commission staff (seeds/000 H) and proposing
duplicates of earlier reports (seeds/001 黑龙江)."""

import random
from datetime import date, timedelta

from wuying_intake.domain.screening import (
    CACHED_TEXT,
    DUPLICATE_LOOKBACK,
    ROUTE_COMMISSION_LEADERS,
    ROUTE_PRINCIPAL_LEADER,
    ROUTE_STANDARD,
    bigrams,
    duplicate_candidates,
    index_entry,
    is_earlier_about,
    newest_in_window,
    route_for,
    similarity,
    subject_index_key,
    subject_keys,
    with_entry,
)

TEXT = "某镇在村道工程招标中指定施工单位，涉嫌围标串标。"


def test_a_report_involving_a_commission_leader_goes_to_the_principal_leader():
    subjects = [
        {"kind": "official", "name": "甲", "commission_staff": True},
        {"kind": "official", "name": "乙", "commission_leader": True},
    ]
    assert route_for(subjects) == ROUTE_PRINCIPAL_LEADER


def test_a_report_about_other_commission_staff_goes_to_the_commission_leaders():
    assert route_for([{"kind": "official", "name": "甲", "commission_staff": True}]) == ROUTE_COMMISSION_LEADERS
    assert route_for([{"kind": "official", "name": "甲"}]) == ROUTE_STANDARD


def test_subjects_are_matched_by_id_or_by_name_ignoring_blanks():
    assert subject_keys([{"kind": "official", "id": "o1", "name": "王 某"}]) == ["official:id:o1", "official:name:王某"]
    assert subject_keys([{"kind": "unit", "name": "某局"}]) == ["unit:name:某局"]


def test_chinese_text_is_compared_by_character_bigrams_ignoring_punctuation():
    assert bigrams("招标，招标") == {"招标", "标招"}
    assert similarity(TEXT, TEXT) == 1.0
    assert similarity(TEXT, TEXT.replace("，", " ")) == 1.0
    assert similarity(TEXT, "局长在工作日中午饮酒，公车私用。") < 0.2
    assert similarity("", TEXT) == 0.0


def test_near_identical_earlier_reports_are_proposed_most_similar_first():
    earlier = [
        ("P1", "某镇在村道工程招标中指定施工单位，涉嫌围标串标，请查处。"),
        ("P2", "局长在工作日中午饮酒，公车私用。"),
        ("P3", TEXT),
    ]
    found = duplicate_candidates(TEXT, earlier)
    assert [c.petition_id for c in found] == ["P3", "P1"]
    assert found[0].similarity == 1.0


def test_the_earlier_reports_compared_are_of_the_county_about_a_same_subject_and_inside_the_window():
    since = date(2026, 6, 1)
    keys = ["official:id:o1", "official:name:王某"]
    assert is_earlier_about("130402", keys, since, "130402", ["official:name:王某"], since)
    assert not is_earlier_about("130402", keys, since, "130403", ["official:name:王某"], since)
    assert not is_earlier_about("130402", keys, since, "130402", ["official:id:o2"], since)
    assert not is_earlier_about("130402", keys, since, "130402", ["official:id:o1"], since - timedelta(days=1))
    # a report received later than the new one (a staff entry dated back) is inside the window too
    assert is_earlier_about("130402", keys, since, "130402", ["official:id:o1"], date(2027, 1, 1))


def test_a_subjects_list_holds_each_report_once_newest_first_and_only_the_newest_cap():
    entries = []
    for day, pid in [(3, "B"), (1, "A"), (3, "C"), (2, "D"), (3, "B")]:
        entries = with_entry(entries, index_entry(date(2026, 11, day), pid), cap=3)
    assert entries == ["2026-11-03 C", "2026-11-03 B", "2026-11-02 D"]
    assert subject_index_key("130402", "official:id:o1") == "130402|official:id:o1"
    lists = [entries, ["2026-11-03 C", "2026-10-01 Z"]]
    assert newest_in_window(lists, date(2026, 11, 2)) == ["C", "B", "D"]
    assert newest_in_window(lists, date(2026, 9, 1)) == ["C", "B", "D", "Z"]
    assert newest_in_window([], date(2026, 9, 1)) == []


def scan(reports, county, keys, since, limit):
    """The rule as the store answered it before the lists: every report tested."""
    found = [r for r in reports if is_earlier_about(county, keys, since, r[1], r[2], r[3])]
    return [r[0] for r in sorted(found, key=lambda r: (r[3], r[0]), reverse=True)[:limit]]


def by_lists(reports, county, keys, since, limit, cap):
    """The rule answered from the subjects' lists, each cut to ``cap``, then checked."""
    lists: dict[str, list[str]] = {}
    for pid, c, report_keys, received_on in reports:
        for key in report_keys:
            index = subject_index_key(c, key)
            lists[index] = with_entry(lists.get(index, []), index_entry(received_on, pid), cap)
    stored = {r[0]: r for r in reports}
    ids = newest_in_window((lists.get(subject_index_key(county, k), []) for k in keys), since)
    return [p for p in ids if is_earlier_about(county, keys, since, *stored[p][1:])][:limit]


def test_the_lists_cut_to_the_lookback_give_what_a_scan_of_every_report_gives():
    """Many reports about few subjects over two years, some dated back: for any new report the
    lists (cut to ``cap`` = the lookback) and the scan compare the same earlier reports."""
    rng = random.Random(2026)
    subjects = [f"official:id:o{i}" for i in range(6)] + ["official:name:王某", "unit:name:某局"]
    start = date(2025, 1, 1)
    reports = []
    for n in range(600):
        keys = rng.sample(subjects, rng.choice([1, 1, 2, 3]))
        received_on = start + timedelta(days=rng.randrange(730))
        reports.append((f"XF{n:04d}", rng.choice(["130402", "130403"]), keys, received_on))
    for cap in (5, 20, DUPLICATE_LOOKBACK):
        for _ in range(300):
            county, keys = rng.choice(["130402", "130403"]), rng.sample(subjects, rng.choice([1, 2]))
            since = start + timedelta(days=rng.randrange(-30, 760))
            expected = scan(reports, county, keys, since, cap)
            assert by_lists(reports, county, keys, since, cap, cap) == expected
    assert any(len(scan(reports, "130402", [s], start, 400)) > 20 for s in subjects)  # the cut was exercised


def test_remembered_bigrams_give_the_same_similarities_for_short_and_long_texts():
    long_text = TEXT * (CACHED_TEXT // len(TEXT) + 2)  # beyond what is remembered
    assert len(long_text) > CACHED_TEXT
    for a, b in [(TEXT, TEXT + "请查处"), (long_text, TEXT), (TEXT, "局长饮酒。")]:
        expected = len(set(bigrams(a)) & set(bigrams(b))) / len(set(bigrams(a)) | set(bigrams(b)))
        assert similarity(a, b) == similarity(a, b) == expected
        [found] = duplicate_candidates(a, [("P", b)], threshold=0.0)
        assert found.similarity == round(expected, 3)
    assert bigrams(long_text) > bigrams(TEXT)  # one copy's bigrams and the one across copies
