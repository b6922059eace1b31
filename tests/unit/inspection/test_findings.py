"""Findings are disposed of by severity (seeds/000 E 结果运用)."""

import pytest

from wuying_inspection.domain import RuleViolation
from wuying_inspection.domain.findings import disposition_for, tally


def test_early_signs_default_to_a_reminder_talk():
    assert disposition_for("early_sign") == "reminder_talk"


@pytest.mark.parametrize(
    ("severity", "disposition"),
    [
        ("early_sign", "integrity_talk"),
        ("general", "letter_inquiry"),
        ("general", "preliminary_verification"),
        ("general", "organisational_handling"),
        ("serious", "case_filing"),
        ("serious", "judicial_transfer"),
    ],
)
def test_each_severity_accepts_the_dispositions_of_the_seed(severity, disposition):
    assert disposition_for(severity, disposition) == disposition


def test_a_serious_problem_cannot_be_closed_with_a_talk():
    with pytest.raises(RuleViolation) as caught:
        disposition_for("serious", "reminder_talk")
    assert caught.value.field == "disposition"
    assert "立案调查" in caught.value.message


def test_an_early_sign_is_not_transferred_to_the_judiciary():
    with pytest.raises(RuleViolation):
        disposition_for("early_sign", "judicial_transfer")


def test_an_unknown_severity_names_the_field():
    with pytest.raises(RuleViolation) as caught:
        disposition_for("catastrophic")
    assert caught.value.field == "severity"


def test_the_tally_lists_every_severity():
    assert tally(["general", "serious", "general"]) == {"early_sign": 0, "general": 2, "serious": 1}
