"""Providers of the intake service."""

from __future__ import annotations

import hashlib
import hmac
import os
import time
from collections import OrderedDict

import eventlet
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider

from wuying_common.outbox import OutboxRelay
from wuying_common.store import StoreProvider

from .domain.acknowledgement import AckSigner
from .domain.protection import Keyring
from .exceptions import RateLimited, RegistryUnavailable
from .notifiers import build_gateway
from .persistence import ALIAS, IntakeStore, Petition


def intake_store() -> StoreProvider:
    return StoreProvider(IntakeStore, ALIAS)


def intake_outbox() -> OutboxRelay:
    return OutboxRelay(Petition)


class ReporterKeyring(DependencyProvider):
    """The AES-GCM keys for reporters' details, from ``INTAKE_ENCRYPTION_KEYS``.

    Injects a ``Keyring`` or None when no key is configured (named reports are then refused).
    A malformed value stops the service at start-up: better than running with a broken key.
    """

    def setup(self) -> None:
        self.keyring = Keyring.from_config(self.container.config.get("INTAKE_ENCRYPTION_KEYS"))

    def get_dependency(self, worker_ctx) -> Keyring | None:
        return self.keyring


class AcknowledgementKey(DependencyProvider):
    """The key of the acknowledgements' verification codes (``INTAKE_ACK_KEY``, a secret of its
    own, not the reporter key). Injects an ``AckSigner`` or None when not configured (the
    printable acknowledgement is then 503). A malformed value stops start-up."""

    def setup(self) -> None:
        self.signer = AckSigner.from_config(self.container.config.get("INTAKE_ACK_KEY"))

    def get_dependency(self, worker_ctx) -> AckSigner | None:
        return self.signer


class ReporterNotifier(DependencyProvider):
    """The gateway that delivers acknowledgements: ``INTAKE_NOTIFIER_URL`` (the province's
    SMS/letter gateway), or the local gateway when empty."""

    def setup(self) -> None:
        config = self.container.config
        self.gateway = build_gateway(
            config.get("INTAKE_NOTIFIER_URL") or None, float(config.get("INTAKE_NOTIFIER_TIMEOUT") or 10)
        )

    def get_dependency(self, worker_ctx):
        return self.gateway


class ArchiveRegistry:
    """archive's registry of officials over nameko RPC, with a time limit: nameko 2.14's
    RpcProxy has none, and a triage must not hang on a stopped archive."""

    def __init__(self, proxy, timeout: float) -> None:
        self.proxy = proxy
        self.timeout = timeout

    def _call(self, method: str, *args):
        try:
            with eventlet.Timeout(self.timeout):
                return getattr(self.proxy, method)(*args)
        except (UnknownService, eventlet.Timeout):
            raise RegistryUnavailable() from None

    def get_official(self, official_id: str) -> dict | None:
        return self._call("get_official", official_id)

    def find_officials(self, county: str, name: str) -> list[dict]:
        return self._call("find_officials", county, name) or []


class TokenBuckets:
    """Per-client token buckets, in memory only. A client is known by a keyed hash of its
    address under a salt made at start-up and never stored, so neither the address nor a
    stable hash of it outlives the process or reaches the store or the logs."""

    def __init__(self, capacity: int, period: float, *, max_clients: int = 100_000, now=time.monotonic) -> None:
        self.capacity = capacity
        self.rate = capacity / period  # tokens per second
        self.max_clients = max_clients
        self.now = now
        self._salt = os.urandom(32)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @classmethod
    def from_config(cls, value: str, **kwargs) -> TokenBuckets:
        """``"10/3600"``: 10 requests, refilled evenly over 3600 seconds."""
        capacity, _, period = str(value).partition("/")
        return cls(int(capacity), float(period or 60), **kwargs)

    def key(self, address: str) -> str:
        return hmac.new(self._salt, address.encode(), hashlib.sha256).hexdigest()

    def allow(self, address: str) -> bool:
        key, now = self.key(address), self.now()
        tokens, last = self._buckets.pop(key, (float(self.capacity), now))
        tokens = min(float(self.capacity), tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        self._buckets[key] = (tokens - 1 if allowed else tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)  # the least recently seen client
        return allowed


class RateLimiter(DependencyProvider):
    """Limits public submissions and receipt lookups per client (``INTAKE_RATE_LIMIT_REPORTS``,
    ``INTAKE_RATE_LIMIT_LOOKUPS``: "capacity/seconds")."""

    def setup(self) -> None:
        config = self.container.config
        self.buckets = {
            "reports": TokenBuckets.from_config(config.get("INTAKE_RATE_LIMIT_REPORTS") or "10/3600"),
            "lookups": TokenBuckets.from_config(config.get("INTAKE_RATE_LIMIT_LOOKUPS") or "30/3600"),
        }
        self.address_header = config.get("INTAKE_CLIENT_ADDRESS_HEADER") or ""

    def get_dependency(self, worker_ctx) -> RateLimiter:
        return self

    def check(self, scope: str, request) -> None:
        address = (self.address_header and request.headers.get(self.address_header)) or request.remote_addr or ""
        if not self.buckets[scope].allow(address.split(",")[0].strip()):
            raise RateLimited()
