"""Casework on a received report: triage (研判, seeds/002 篇5 三 预警信息分析: a case clue is not a
warning matter, 三(一)3), sending up to the level above (seeds/000 H), closing with an answer and
feeding the result back (件件有着落，事事有回音, seeds/000 B), confirming duplicates by merging or
closing a repeat after a collective review (seeds/001 黑龙江), and concluding the verification of
a suspected malicious report with the accused cleared on the record (seeds/003 澄清正名).

Each step and its event are one write of the petition (``store.save``). One module per step:
``triaging``, ``closing`` (close, feedback), ``duplicates`` (merge, close as repeated),
``sending_up``, ``verification`` and ``assignment``; other modules import from here."""

from .assignment import assign
from .closing import close, record_feedback
from .duplicates import close_repeated, merge
from .sending_up import send_up
from .triaging import check_triaged_subjects, triage
from .verification import CLARIFIED_SUMMARY, conclude_verification

__all__ = [
    "CLARIFIED_SUMMARY",
    "assign",
    "check_triaged_subjects",
    "close",
    "close_repeated",
    "conclude_verification",
    "merge",
    "record_feedback",
    "send_up",
    "triage",
]
