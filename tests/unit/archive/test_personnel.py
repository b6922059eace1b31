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
