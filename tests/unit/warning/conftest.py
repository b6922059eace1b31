"""What the warning unit tests share: the store on both sides, the embedded store (or MongoDB
when MONGODB_URI is set) and ``FakeWarningStore``, so the fake cannot answer differently."""

import os

import pytest

from wuying_testing.fakes.warning import FakeWarningStore
from wuying_warning.persistence import ALIAS, WarningStore


@pytest.fixture(params=["embedded", "fake"])
def embedded_or_fake(request):
    if request.param == "fake":
        return FakeWarningStore()
    request.getfixturevalue("embedded_store")(ALIAS)
    real = WarningStore(ALIAS, "mongodb" if os.environ.get("MONGODB_URI") else "embedded")
    for document in real.documents:  # each test starts empty (a stored calendar year would leak)
        document.drop_collection()
    real.ensure_indexes()
    return real
