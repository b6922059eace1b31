"""The acknowledgement (受理告知; 件件有着落，事事有回音, seeds/000 B; issue 8 item 7): a named reporter's
is actually sent through the notifier (SMS or letter gateway) and the delivery recorded before the
receipt deadline counts as met; every reporter can download a printable acknowledgement with a
verification code intake can check. The reporter's contact is decrypted only to be handed to the
gateway; the store keeps the delivery (when, how, by whom, the gateway's reference), never the
contact (seeds/003: reports must be safe to make)."""

from __future__ import annotations

import logging
import secrets
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, naive_utc

from ..domain.acknowledgement import AcknowledgementRuleError, AckSigner, acknowledgement_text, check_sendable
from ..domain.deadlines import ON_ACKNOWLEDGED, REPORT_KINDS_ZH
from ..domain.protection import Keyring, ReceiptHasher
from ..domain.routing import ACKNOWLEDGE
from ..exceptions import AcknowledgementUnavailable, EncryptionUnavailable, PetitionNotFound
from ..persistence import AckDelivery, IntakeStore, Petition
from .common import load_for, load_petition, settle
from .receipts import by_receipt

log = logging.getLogger(__name__)


class Notifier(Protocol):
    """An SMS or letter gateway (``notifiers.py``). ``send`` hands over the contact and the text
    and answers the gateway's reference; it raises ``NotifierUnavailable`` when it cannot."""

    name: str

    def send(self, delivery_id: str, method: str, contact: str, text: str, county: str) -> str: ...


def send_acknowledgement(
    store: IntakeStore,
    clock: SystemClock,
    keyring: Keyring | None,
    notifier: Notifier,
    principal: Principal,
    petition_id: str,
    method: str,
    signer: AckSigner | None = None,
) -> Petition:
    """受理告知: tell a named reporter the decision (accepted, sent up or closed) by SMS or letter;
    the delivery is recorded and meets the receipt deadline (受理告知 / 登记受理)."""
    petition = load_for(store, principal, petition_id, ACKNOWLEDGE)
    check_sendable(petition.anonymous, petition.status, bool(petition.acknowledgements))
    if keyring is None or petition.reporter is None:
        raise EncryptionUnavailable()
    details = keyring.open(petition.id, petition.reporter.to_domain())
    contact = details.get("phone") if method == "sms" else details.get("address")
    if not contact:
        raise AcknowledgementRuleError("no_address", "实名举报人未留通信地址，请改用短信送达", "method")
    code = signer.code(petition.id, petition.received_on) if signer else None
    text = acknowledgement_text(
        petition.id, petition.received_on, REPORT_KINDS_ZH[petition.kind], petition.status, code
    )
    delivery_id = f"ACK-{secrets.token_hex(6).upper()}"
    reference = notifier.send(delivery_id, method, contact, text, petition.county)
    del details, contact  # handed to the gateway; never stored or logged
    now, today = naive_utc(clock.now()), clock.today()
    petition.acknowledgements.append(
        AckDelivery(
            id=delivery_id, method=method, gateway=notifier.name, reference=reference, at=now, by=principal.subject
        )
    )
    settle(petition, ON_ACKNOWLEDGED, today)
    store.save(petition)
    log.info("petition %s acknowledgement delivered (%s)", petition.id, delivery_id, extra={"county": petition.county})
    return petition


@dataclass(frozen=True)
class Printable:
    """What the printable acknowledgement shows (``views.acknowledgement_pdf``)."""

    petition: Petition
    verification_code: str


def _printable(petition: Petition, signer: AckSigner | None) -> Printable:
    if signer is None:
        raise AcknowledgementUnavailable()
    return Printable(petition, signer.code(petition.id, petition.received_on))


def printable_for_staff(
    store: IntakeStore, principal: Principal, petition_id: str, signer: AckSigner | None
) -> Printable:
    """For staff to print or post (a letter to a named reporter): county and recusal apply."""
    return _printable(load_petition(store, principal, petition_id), signer)


def printable_for_reporter(
    store: IntakeStore, payload: dict, signer: AckSigner | None, receipts: ReceiptHasher | None = None
) -> Printable:
    """For the reporter: an anonymous one with the receipt code (as the follow-up endpoints), a
    named one with the report number and the verification code they were given. A wrong pair is
    a generic 404."""
    if payload.get("receipt_code"):
        return _printable(by_receipt(store, payload["receipt_code"], receipts), signer)
    if signer is None:
        raise AcknowledgementUnavailable()
    petition = store.get_petition(payload["petition_id"])
    if petition is None or not signer.genuine(petition.id, petition.received_on, payload["verification_code"]):
        raise PetitionNotFound()
    return Printable(petition, signer.code(petition.id, petition.received_on))


def verify_code(signer: AckSigner | None, petition_id: str, day: date, code: str) -> dict:
    """Whether an acknowledgement's code is genuine; reads nothing, reveals nothing else."""
    if signer is None:
        raise AcknowledgementUnavailable()
    return {"genuine": signer.genuine(petition_id, day, code)}
