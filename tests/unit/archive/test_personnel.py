"""Personnel changes: what ``official.changed`` says (004/4: hire, transfer, leave, retirement)."""

from wuying_archive.domain.personnel import Posting, personnel_change


def test_a_first_registration_is_registered():
    assert personnel_change(None, Posting("unit-1", "serving")) == "registered"


def test_a_new_unit_is_a_transfer_whatever_the_status():
    assert personnel_change(Posting("unit-1", "serving"), Posting("unit-2", "retired")) == "transferred"


def test_leaving_and_retiring_are_named_and_coming_back_is_a_hire():
    serving = Posting("unit-1", "serving")
    assert personnel_change(serving, Posting("unit-1", "left")) == "left"
    assert personnel_change(serving, Posting("unit-1", "retired")) == "retired"
    assert personnel_change(Posting("unit-1", "retired"), serving) == "hired"


def test_the_same_unit_and_status_is_no_change():
    assert personnel_change(Posting("unit-1", "serving"), Posting("unit-1", "serving")) is None


# -- issue 10: every lifecycle change is named, the same-unit change included -------------------
from datetime import date  # noqa: E402

from wuying_archive.domain.personnel import Occupancy, apply_change, current_post_since, held_on  # noqa: E402


def test_a_post_change_within_the_same_unit_is_a_change_not_nothing():
    """004/4 深圳龙岗 动态更新: before issue 10 a post or rank change in one unit was dropped."""
    before = Posting("unit-1", "serving", "副局长", "副处级")
    assert personnel_change(before, Posting("unit-1", "serving", "局长", "正处级")) == "promoted"
    assert personnel_change(before, Posting("unit-1", "serving", "调研员", "副处级")) == "post_changed"
    assert personnel_change(before, Posting("unit-1", "serving", "副局长", "正处级")) == "promoted"
    assert personnel_change(before, Posting("unit-1", "serving", "副局长", "正科级")) == "rank_changed"


def test_secondment_return_and_death_are_lifecycle_changes():
    serving = Posting("unit-1", "serving", "科长", "正科级")
    seconded = Posting("unit-1", "seconded", "科长", "正科级", seconded_to="unit-9")
    assert personnel_change(serving, seconded) == "seconded"
    assert personnel_change(seconded, serving) == "returned"
    assert personnel_change(serving, Posting("unit-1", "deceased", "科长", "正科级")) == "died"


def test_a_transfer_closes_the_old_post_the_day_before_and_opens_the_new_one():
    opened = apply_change((), "registered", Posting("unit-1", "serving", "科长", "正科级"), date(2020, 1, 1))
    moved = apply_change(opened, "transferred", Posting("unit-2", "serving", "局长", "副处级"), date(2024, 3, 1))
    assert moved == (
        Occupancy("unit-1", "科长", "正科级", "post", "2020-01-01", "2024-02-29"),
        Occupancy("unit-2", "局长", "副处级", "post", "2024-03-01", None),
    )
    assert [o.post for o in held_on(moved, date(2024, 2, 29), "unit-1")] == ["科长"]
    assert held_on(moved, date(2024, 3, 1), "unit-1") == []
    assert [o.post for o in held_on(moved, date(2024, 3, 1), "unit-2", "局长")] == ["局长"]


def test_a_secondment_is_held_alongside_the_post_and_ends_on_return():
    post = apply_change((), "registered", Posting("unit-1", "serving", "科长", "正科级"), date(2020, 1, 1))
    away = apply_change(post, "seconded", Posting("unit-1", "seconded", "科长", "正科级", "unit-9"), date(2022, 1, 1))
    assert {o.kind for o in away if o.end is None} == {"post", "secondment"}
    back = apply_change(away, "returned", Posting("unit-1", "serving", "科长", "正科级"), date(2022, 7, 1))
    assert [(o.kind, o.end) for o in back] == [("post", None), ("secondment", "2022-06-30")]


def test_retirement_and_death_close_every_post():
    post = apply_change((), "registered", Posting("unit-1", "serving", "科长", "正科级"), date(2020, 1, 1))
    assert all(
        o.end == "2025-12-31" for o in apply_change(post, "retired", Posting("unit-1", "retired"), date(2026, 1, 1))
    )


def test_a_rank_change_in_the_same_post_does_not_restart_the_tenure():
    post = apply_change((), "registered", Posting("unit-1", "serving", "科长", "副科级"), date(2015, 1, 1))
    promoted = apply_change(post, "promoted", Posting("unit-1", "serving", "科长", "正科级"), date(2018, 1, 1))
    since, occupancy = current_post_since(promoted)
    assert since == date(2015, 1, 1) and occupancy.rank == "正科级"
