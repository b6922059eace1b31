"""Fixtures the inspection unit tests share."""

import pytest

from wuying_inspection.persistence import ALIAS, InspectionStore
from wuying_testing.fakes.inspection import FakeInspectionStore


@pytest.fixture(params=["embedded", "fake"])
def empty_store(request, embedded_store):
    """The real store on the embedded database, then the fake: empty."""
    if request.param == "fake":
        return FakeInspectionStore()
    embedded_store(ALIAS)
    store = InspectionStore(ALIAS, "embedded")
    store.ensure_indexes()
    return store
