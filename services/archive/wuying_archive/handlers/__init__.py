"""Archive use cases, by family: (command, store, clock, ...) -> result. No nameko here.

``files`` (recording events, reading and verifying files), ``registry`` (officials, units,
personnel changes), ``importing`` (the province registry, streamed), ``matters`` (family and
interests), ``conditions`` (the twelve warning conditions, the nightly sweep), ``reminders``
(supervision reminders), ``search`` (精准检索), ``portrait`` (廉政画像 and the report).
"""

from .files import IntegrityFile, integrity_file, record_event, verify_file
from .registry import Registered, find_officials, get_official, get_unit, register

__all__ = [
    "IntegrityFile",
    "Registered",
    "find_officials",
    "get_unit",
    "get_official",
    "integrity_file",
    "record_event",
    "register",
    "verify_file",
]
