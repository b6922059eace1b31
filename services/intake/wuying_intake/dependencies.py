"""Providers of the intake service."""

from __future__ import annotations

import hashlib
import hmac
import logging
import math
import os
import time
from collections import OrderedDict

import eventlet
from nameko.exceptions import UnknownService
from nameko.extensions import DependencyProvider

from wuying_common.http import Admission
from wuying_common.outbox import OutboxRelay
from wuying_common.providers import CalendarProvider
from wuying_common.store import StoreProvider

from .domain.acknowledgement import AckSigner
from .domain.protection import Keyring, ReceiptHasher
from .exceptions import RateLimited, RegistryUnavailable
from .notifiers import build_gateway
from .persistence import ALIAS, IntakeStore, Petition

log = logging.getLogger(__name__)


class IntakeStoreProvider(StoreProvider):
    """``StoreProvider`` that binds the service's calendar to the store once every provider is
    set up: the reports' tallies count working days on it (``IntakeStore.calendar``)."""

    def start(self) -> None:
        calendars = (d for d in self.container.dependencies if isinstance(d, CalendarProvider))
        provider = next(calendars, None)
        if provider is not None:
            self.store.calendar = provider.calendar


def intake_store() -> StoreProvider:
    return IntakeStoreProvider(IntakeStore, ALIAS)


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


class ReceiptKeys(DependencyProvider):
    """The keys of the receipt-code hash, from ``INTAKE_RECEIPT_KEYS`` (``ReceiptHasher``: why a
    keyed hash). Injects a ``ReceiptHasher``; without a key it hashes new codes with scrypt as
    before, slowly, and says so at start-up. A malformed value stops start-up."""

    def setup(self) -> None:
        self.hasher = ReceiptHasher.from_config(self.container.config.get("INTAKE_RECEIPT_KEYS"))
        if not self.hasher.keyed:
            log.warning("INTAKE_RECEIPT_KEYS is not set: receipt codes are hashed with scrypt (~30 ms each)")

    def get_dependency(self, worker_ctx) -> ReceiptHasher:
        return self.hasher


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
    stable hash of it outlives the process or reaches the store or the logs.

    ``capacity`` requests at once, then ``rate`` a second (``capacity / period`` unless given)."""

    def __init__(
        self,
        capacity: int,
        period: float,
        *,
        rate: float | None = None,
        max_clients: int = 100_000,
        now=time.monotonic,
    ) -> None:
        self.capacity = capacity
        self.rate = rate if rate is not None else capacity / period  # tokens per second
        self.max_clients = max_clients
        self.now = now
        self._salt = os.urandom(32)
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()

    @classmethod
    def from_config(cls, value: str, processes: int = 1, **kwargs) -> TokenBuckets:
        """``"10/3600"``: 10 requests, refilled evenly over 3600 seconds, for one client across
        ``processes`` buckets (``INTAKE_RATE_LIMIT_PROCESSES``): each process then allows a
        ``processes``-th of the rate and of the burst (at least one request), so however a
        client's requests are spread, it gets at most the configured rate in total."""
        capacity, _, period = str(value).partition("/")
        total, seconds, processes = int(capacity), float(period or 60), max(1, int(processes))
        return cls(max(1, total // processes), seconds, rate=total / seconds / processes, **kwargs)

    def key(self, address: str) -> str:
        return hmac.new(self._salt, address.encode(), hashlib.sha256).hexdigest()

    def take(self, address: str) -> float:
        """Take a token: 0 when allowed, else the seconds until the next token."""
        key, now = self.key(address), self.now()
        tokens, last = self._buckets.pop(key, (float(self.capacity), now))
        tokens = min(float(self.capacity), tokens + (now - last) * self.rate)
        allowed = tokens >= 1
        self._buckets[key] = (tokens - 1 if allowed else tokens, now)
        while len(self._buckets) > self.max_clients:
            self._buckets.popitem(last=False)  # the least recently seen client
        return 0.0 if allowed else (1 - tokens) / self.rate

    def allow(self, address: str) -> bool:
        return self.take(address) == 0.0


class RateLimiter(DependencyProvider, Admission):
    """Limits public submissions and receipt lookups per client (``INTAKE_RATE_LIMIT_REPORTS``,
    ``INTAKE_RATE_LIMIT_LOOKUPS``: "capacity/seconds"), before anything of the request is read:
    the public routes name their scope (``@route(admit="reports")``) and the HTTP layer asks
    here first, so a refused request costs one hash, never a body read or parsed.

    The buckets are per process on purpose: a bucket is keyed by a hash of the client address,
    and anything derived from a reporter's address that left the process (a shared store, a
    cache) could be lined up with the time a report arrived (seeds/003). With several processes
    a client's requests are spread over several buckets, so each process allows a share of the
    limit: ``INTAKE_RATE_LIMIT_PROCESSES`` (default 1) is how many buckets one client can reach,
    intake's maximum replicas times the portal gateway's replicas (each gateway pseudonymises
    the address with a key of its own). See the README for the effective limit."""

    def setup(self) -> None:
        config = self.container.config
        processes = int(config.get("INTAKE_RATE_LIMIT_PROCESSES") or 1)
        self.buckets = {
            "reports": TokenBuckets.from_config(config.get("INTAKE_RATE_LIMIT_REPORTS") or "10/3600", processes),
            "lookups": TokenBuckets.from_config(config.get("INTAKE_RATE_LIMIT_LOOKUPS") or "30/3600", processes),
        }
        self.address_header = config.get("INTAKE_CLIENT_ADDRESS_HEADER") or ""

    def get_dependency(self, worker_ctx) -> RateLimiter:
        return self

    def admit(self, scope: str, request) -> None:
        """Refuse with 429 and ``Retry-After`` (whole seconds) when the client's bucket is empty."""
        address = (self.address_header and request.headers.get(self.address_header)) or request.remote_addr or ""
        wait = self.buckets[scope].take(address.split(",")[0].strip())
        if wait:
            refused = RateLimited()
            refused.headers = {"Retry-After": str(max(1, math.ceil(wait)))}
            raise refused
