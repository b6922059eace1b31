"""Fixtures of intake's unit tests: the fake store (handlers), the real store on the embedded
store or MongoDB (the store's own tests), the official calendar, a keyring and a fake of archive's
registry."""

import base64
from datetime import date

import pytest

from wuying_common.calendar import WorkingDayCalendar
from wuying_intake.domain.protection import Keyring
from wuying_intake.exceptions import RegistryUnavailable
from wuying_intake.persistence import IntakeStore
from wuying_intake.schemas import IdentityRequestOutSchema, ReceiptStatusSchema, ReportOutSchema, SubmitResultSchema
from wuying_testing.fakes.intake import FakeIntakeStore

KEY_A = base64.b64encode(b"a" * 32).decode()
# A collective review on record (集体研判, seeds/001 黑龙江): what closing a report triaged as no
# substance or duplicate, merging a duplicate or closing a repeat needs (issue 8 item 5).
REVIEW = {"meeting_date": date(2026, 11, 20), "participants": ["甲", "乙", "丙"], "conclusion": "经集体研判，予以了结"}


@pytest.fixture
def store():
    """What handler tests run on: ``IntakeStore``'s methods over dicts."""
    return FakeIntakeStore()


@pytest.fixture
def real_store(embedded_store):
    """``IntakeStore`` itself, on the embedded store (MongoDB when ``MONGODB_URI`` is set)."""
    embedded_store("intake")
    store = IntakeStore("intake", "embedded")
    store.ensure_indexes()
    return store


@pytest.fixture
def calendar():
    return WorkingDayCalendar.official()


@pytest.fixture
def keyring():
    return Keyring.from_config(f"k1:{KEY_A}")


class FakeRegistry:
    """archive's ``get_official`` / ``find_officials``, in memory."""

    def __init__(self, *officials: dict, down: bool = False) -> None:
        self.officials = {o["id"]: o for o in officials}
        self.down = down

    def get_official(self, official_id):
        if self.down:
            raise RegistryUnavailable()
        return self.officials.get(official_id)

    def find_officials(self, county, name):
        if self.down:
            raise RegistryUnavailable()
        return [o for o in self.officials.values() if o["county"] == county and o["name"] == name]


class RecordingNotifier:
    """An SMS/letter gateway that records what it was handed (``handlers.acknowledgements.Notifier``)."""

    name = "recording"

    def __init__(self) -> None:
        self.sent: list[dict] = []

    def send(self, delivery_id, method, contact, text, county):
        self.sent.append({"id": delivery_id, "method": method, "contact": contact, "text": text, "county": county})
        return f"ref-{len(self.sent)}"


@pytest.fixture
def notifier():
    return RecordingNotifier()


@pytest.fixture
def registry():
    return FakeRegistry(
        {"id": "off-9", "name": "赵某", "county": "130402", "commission_staff": False},
        {"id": "off-7", "name": "孙某", "county": "130402", "commission_staff": True},
        {"id": "off-5", "name": "钱某", "county": "130402", "commission_staff": False},
        {"id": "off-6", "name": "钱某", "county": "130402", "commission_staff": False},
    )


# -- what the routes show: the handlers' aggregates dumped by the Out schemas ----------------------
def staff_view(report) -> dict:
    """``ReportOutSchema``: what ``GET /api/v1/reports/<id>`` and the staff actions answer."""
    return ReportOutSchema().dump(report)


def submitted(result) -> dict:
    """``SubmitResultSchema``: what ``POST /api/v1/reports`` answers (the receipt code once)."""
    return SubmitResultSchema().dump(result)


def receipt_view(petition) -> dict:
    """``ReceiptStatusSchema``: what an anonymous reporter sees with the receipt code."""
    return ReceiptStatusSchema().dump(petition)


def request_view(request) -> dict:
    """``IdentityRequestOutSchema``: an identity request as the approvers see it."""
    return IdentityRequestOutSchema().dump(request)


def staff_view_many(reports) -> list[dict]:
    return ReportOutSchema(many=True).dump(reports)
