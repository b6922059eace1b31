"""What domain code shares, with no framework: the rule error and the calendar protocol.

``domain/`` packages import only this module of the shared library (and the calendar's pure
helpers). The HTTP layer maps ``RuleBroken`` to 400, 409 or 422 and the event consumers to an
immediate dead letter, each in one place (``errors.rule_error``, ``consumers``).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol


class RuleBroken(Exception):
    """A domain rule refused a command: the offending ``field``, a Chinese ``message`` for the
    person who sent it, and a stable English ``code``.

    ``invalid = True`` marks rules about the input itself (answered 400); other rules are about
    the state of things (answered 409). A retry never fixes either.
    """

    code = "rule_broken"
    invalid = False
    #: An HTTP status other than 400/409 where the rule means one (413 too large, 403 not
    #: this person); None keeps the 400/409 of ``invalid``.
    status: int | None = None
    #: The error body's top-level message; the rule's own message when None (it is always
    #: under ``fields[field]``).
    summary: str | None = None

    def __init__(self, field: str, message: str, code: str | None = None) -> None:
        super().__init__(field, message, code or self.code)
        self.field = field
        self.message = message
        if code:
            self.code = code

    def __str__(self) -> str:
        return self.message


class InvalidInput(RuleBroken):
    """A rule about the input (a date outside the year, too few participants): 400."""

    code = "validation_failed"
    invalid = True


class UnprocessableInput(InvalidInput):
    """A semantic rule between fields that JSON Schema cannot state (an end before its start,
    as many windows as rounds, a date inside the plan's year, the body's year equal to the
    path's): the request is well-formed and schema-valid, yet refused. Answered 422 (RFC 9110
    15.5.21 "Unprocessable Content") with the rule's stable code and the field named; a route
    that can raise one declares 422 in ``@route(errors=...)`` so its OpenAPI documents it."""

    code = "rule_unsatisfied"
    status = 422


class WorkingDays(Protocol):
    """What deadline rules need from a calendar (``calendar.WorkingDayCalendar`` fits).

    The ``add_*`` methods answer an object with ``date`` and ``provisional``; periods in days
    and months follow 民法典 第二百零一—二百零三条.
    """

    def add_working_days(self, start: date, days: int): ...

    def add_calendar_days(self, start: date, days: int): ...

    def add_months(self, start: date, months: int): ...

    def working_days_between(self, start: date, end: date) -> tuple[int, bool]: ...

    def is_working_day(self, day: date) -> tuple[bool, bool]: ...
