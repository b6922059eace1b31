"""An anonymous reporter's follow-up with the receipt code: the status and the answers (事事有回音,
seeds/000 B) and information added later (补充材料), without anything about the reporter being
recorded or a guesser learning whether a code exists (seeds/003: reports must be safe to make)."""

from __future__ import annotations

import logging

from wuying_common.clock import SystemClock, naive_utc

from ..domain.petition import RECEIVED, TRIAGED
from ..domain.protection import ReceiptHasher, lookup_prefix
from ..exceptions import InvalidTransition, ReceiptNotFound
from ..persistence import Addition, IntakeStore, Petition

log = logging.getLogger(__name__)

MAX_ADDITIONS = 20
_KEYLESS = ReceiptHasher()  # verifies the scrypt records of before; used when no hasher is given


def by_receipt(store: IntakeStore, receipt_code: str, receipts: ReceiptHasher | None = None) -> Petition:
    """The report a receipt code opens. Each candidate with the prefix is checked in its own
    scheme (``hmac-sha256$<kid>`` or the older ``scrypt``); when none has the prefix, a decoy
    of the current scheme is checked instead, so the time of a miss does not tell whether the
    prefix exists."""
    receipts = receipts or _KEYLESS
    prefix = lookup_prefix(receipt_code)
    candidates = store.by_receipt_prefix(prefix) if prefix else []
    if not candidates:
        receipts.verify(receipt_code, receipts.decoy)
    for petition in candidates:
        if receipts.verify(receipt_code, petition.receipt.to_domain()):
            return petition
    raise ReceiptNotFound()


def lookup_receipt(store: IntakeStore, receipt_code: str, receipts: ReceiptHasher | None = None) -> Petition:
    """What an anonymous reporter may see (``ReceiptStatusSchema``): status and replies, never
    the triage outcome."""
    return by_receipt(store, receipt_code, receipts)


def add_information(
    store: IntakeStore, clock: SystemClock, receipt_code: str, text: str, receipts: ReceiptHasher | None = None
) -> Petition:
    """补充材料: with the receipt code an anonymous reporter adds information to an open report;
    appended to it and shown to staff. Nothing about the reporter is recorded."""
    petition = by_receipt(store, receipt_code, receipts)
    if petition.status not in (RECEIVED, TRIAGED):
        raise InvalidTransition(
            "该件已办结或已转送，如有新的问题请重新举报", code="not_open", fields={"status": petition.status}
        )
    if len(petition.additions) >= MAX_ADDITIONS:
        raise InvalidTransition(
            f"每件最多补充 {MAX_ADDITIONS} 次", code="too_many_additions", fields={"content": "补充次数已满"}
        )
    petition.additions.append(Addition(text=text.strip(), at=naive_utc(clock.now())))
    store.save(petition)
    log.info("petition %s supplemented", petition.id, extra={"county": petition.county})
    return petition
