"""Fixtures of intake's unit tests: the embedded store, the official calendar, a keyring and a
fake of archive's registry."""

import base64

import pytest

from wuying_common.calendar import WorkingDayCalendar
from wuying_intake.domain.protection import Keyring
from wuying_intake.exceptions import RegistryUnavailable
from wuying_intake.persistence import IntakeStore

KEY_A = base64.b64encode(b"a" * 32).decode()


@pytest.fixture
def store(embedded_store):
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


@pytest.fixture
def registry():
    return FakeRegistry(
        {"id": "off-9", "name": "赵某", "county": "130402", "commission_staff": False},
        {"id": "off-7", "name": "孙某", "county": "130402", "commission_staff": True},
        {"id": "off-5", "name": "钱某", "county": "130402", "commission_staff": False},
        {"id": "off-6", "name": "钱某", "county": "130402", "commission_staff": False},
    )
