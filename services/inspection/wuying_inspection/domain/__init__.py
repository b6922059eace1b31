"""Inspection domain rules (内部作风巡察). Pure: no nameko, mongoengine or marshmallow imports."""

from wuying_common.rules import InvalidInput, UnprocessableInput


class RuleViolation(InvalidInput):
    """Input that breaks a seed rule; ``field`` names the offending input for the 400 body."""

    code = "inspection_rule_violated"
    summary = "巡察计划不符合内部作风巡察的规定，请检查标出的字段"

    def __init__(self, field: str, message: str) -> None:
        super().__init__(field, message)


class CrossFieldViolation(RuleViolation, UnprocessableInput):
    """Input that breaks a rule between its fields JSON Schema cannot state (as many windows as
    rounds, a window inside the year and ending after it starts, a round within the rounds): 422
    (``rules.UnprocessableInput``), with the same code and summary as the other rule breaks."""


class StateViolation(RuleViolation):
    """A seed rule the stored state breaks, not the input (too few zones registered, no free
    specialist): 409, as for every rule about the state of things (``errors.rule_error``)."""

    invalid = False
