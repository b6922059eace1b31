"""Notifier adapters (domain.delivery.Notifier): the platform inbox and an SMS gateway.

Both record every delivery in the warning store with its time; both are idempotent on the
notice id, so the timer can resend pending notices safely.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from wuying_common.clock import naive_utc

from .domain.delivery import Delivery, Notice, Notifier, SmsGateway, sms_text
from .persistence import InboxMessage, SmsDelivery, WarningStore

CHANNELS = ("inbox", "sms")


class InboxNotifier:
    """站内消息: the official reads it at ``GET /api/v1/inbox``."""

    channel = "inbox"

    def __init__(self, store: WarningStore, now: Callable[[], datetime]) -> None:
        self.store, self.now = store, now

    def send(self, notice: Notice) -> Delivery:
        message = InboxMessage(
            id=notice.id,
            official_id=notice.official_id,
            warning_id=notice.warning_id or None,
            county=notice.county,
            kind=notice.kind,
            title=notice.title,
            body=notice.body,
            delivered_at=naive_utc(self.now()),
        )
        return Delivery(self.channel, notice.id, self.store.deliver_inbox(message))


class LocalSmsGateway:
    """Records the SMS in the store instead of calling a carrier (local runs, tests, pilots)."""

    name = "local"

    def __init__(self, store: WarningStore, now: Callable[[], datetime]) -> None:
        self.store, self.now = store, now

    def send_sms(self, message_id: str, recipient: str, text: str, county: str) -> bool:
        sms = SmsDelivery(
            id=message_id,
            recipient=recipient,
            county=county,
            text=text,
            gateway=self.name,
            sent_at=naive_utc(self.now()),
        )
        return self.store.record_sms(sms)


class SmsNotifier:
    channel = "sms"

    def __init__(self, gateway: SmsGateway) -> None:
        self.gateway = gateway

    def send(self, notice: Notice) -> Delivery:
        delivered = self.gateway.send_sms(notice.id, notice.official_id, sms_text(notice), notice.county)
        return Delivery(self.channel, notice.id, delivered)


def build_notifiers(channels: tuple[str, ...], store: WarningStore, now: Callable[[], datetime]) -> list[Notifier]:
    built: list[Notifier] = []
    for channel in channels:
        if channel == "inbox":
            built.append(InboxNotifier(store, now))
        elif channel == "sms":
            built.append(SmsNotifier(LocalSmsGateway(store, now)))
        else:
            raise ValueError(f"unknown notifier {channel!r}; known: {CHANNELS}")
    return built
