"""Reporter protection (DESIGN.md §4 Intake: identity encrypted at rest; anonymous reporters
follow up with a receipt code; seeds/003: reports must be safe to make, and the accused must
never learn who reported).

- A named reporter's details are sealed with AES-GCM under a key id, so keys can rotate: the
  first configured key seals, every configured key opens, ``reseal`` moves a record to the
  current key. The petition id is the associated data, so a sealed blob cannot be copied onto
  another petition and opened there.
- An anonymous reporter gets a random receipt code shown once. Only a keyed hash is kept, plus a
  short lookup prefix (not secret: it only narrows the search). See ``ReceiptHasher`` for why the
  hash is an HMAC under a secret key (``hmac-sha256$<kid>``) and no longer scrypt, which older
  records (``scrypt$n$r$p``) still carry and still verify with.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import re
import secrets
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

# -- receipt codes -----------------------------------------------------------------------------
# Crockford base32: no I, L, O, U, so a code read over the phone is not misheard.
RECEIPT_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RECEIPT_LENGTH = 16  # 80 bits
RECEIPT_GROUP = 4
LOOKUP_PREFIX_LENGTH = 4
SCRYPT_N, SCRYPT_R, SCRYPT_P = 2**14, 8, 1
_CONFUSABLE = str.maketrans({"O": "0", "I": "1", "L": "1"})


def new_receipt_code() -> str:
    """A fresh code, grouped for reading: ``7KQ2-M9XD-…``."""
    raw = "".join(secrets.choice(RECEIPT_ALPHABET) for _ in range(RECEIPT_LENGTH))
    return "-".join(raw[i : i + RECEIPT_GROUP] for i in range(0, RECEIPT_LENGTH, RECEIPT_GROUP))


def normalise_receipt_code(code: str) -> str | None:
    """Accept what people type (lower case, spaces, dashes, O for 0); None when it cannot be one."""
    cleaned = re.sub(r"[\s\-]", "", code).upper().translate(_CONFUSABLE)
    if len(cleaned) != RECEIPT_LENGTH or any(c not in RECEIPT_ALPHABET for c in cleaned):
        return None
    return cleaned


@dataclass(frozen=True)
class ReceiptHash:
    prefix: str
    salt: str  # hex
    digest: str  # hex
    params: str  # the scheme: "hmac-sha256$<kid>", or "scrypt$n$r$p" (records before 2026-12)


def _scrypt(code: str, salt: bytes, n: int, r: int, p: int) -> bytes:
    return hashlib.scrypt(code.encode("ascii"), salt=salt, n=n, r=r, p=p, maxmem=64 * 1024 * 1024, dklen=32)


def hash_receipt_code(code: str, *, n: int = SCRYPT_N, r: int = SCRYPT_R, p: int = SCRYPT_P) -> ReceiptHash:
    normal = normalise_receipt_code(code)
    if normal is None:
        raise ValueError("not a receipt code")
    salt = os.urandom(16)
    return ReceiptHash(
        normal[:LOOKUP_PREFIX_LENGTH], salt.hex(), _scrypt(normal, salt, n, r, p).hex(), f"scrypt${n}${r}${p}"
    )


def lookup_prefix(code: str) -> str | None:
    normal = normalise_receipt_code(code)
    return normal[:LOOKUP_PREFIX_LENGTH] if normal else None


def verify_receipt_code(code: str, stored: ReceiptHash, keys: dict[str, bytes] | None = None) -> bool:
    """Either scheme: ``scrypt$n$r$p`` needs no key; ``hmac-sha256$<kid>`` needs that key in
    ``keys`` (a record whose key is no longer configured does not verify)."""
    normal = normalise_receipt_code(code)
    if normal is None:
        return False
    scheme, _, rest = stored.params.partition("$")
    salt = bytes.fromhex(stored.salt)
    if scheme == HMAC_SCHEME:
        key = (keys or {}).get(rest)
        if key is None:
            return False
        candidate = _keyed(key, normal, salt)
    elif scheme == "scrypt":
        n, r, p = (int(v) for v in rest.split("$"))
        candidate = _scrypt(normal, salt, n, r, p)
    else:
        return False
    return hmac.compare_digest(candidate.hex(), stored.digest)


HMAC_SCHEME = "hmac-sha256"
RECEIPT_KEY_MIN_BYTES = 32


def _keyed(key: bytes, normal: str, salt: bytes) -> bytes:
    return hmac.new(key, b"wuying-intake/receipt|" + salt + normal.encode("ascii"), hashlib.sha256).digest()


class ReceiptHasher:
    """How receipt codes are hashed (``INTAKE_RECEIPT_KEYS``, env ``WUYING_INTAKE_RECEIPT_KEYS``:
    ``kid:base64key[,kid:base64key…]``, the first key hashes new codes, every key verifies).

    Why a keyed hash and not scrypt (issue 15, item 3): scrypt (N=2^14, r=8) was chosen to make
    an offline guess expensive for someone holding a copy of the database, the protection of a
    *password*, which people choose with little entropy. A receipt code is not chosen by anyone:
    16 Crockford base32 characters from ``secrets`` (80 bits), of which the stored lookup prefix
    gives away 20, leaving 60 bits per record. What protects it against a database thief is that
    the thief cannot compute the hash at all: HMAC-SHA256 under a secret that lives outside the
    database (a Kubernetes Secret, like the reporter keys) leaves nothing to guess against. Online,
    guesses go through the rate limit (``INTAKE_RATE_LIMIT_LOOKUPS``): 2^60 codes at 30 an hour.
    What scrypt added on top (the key *and* the database stolen: 2^60 guesses at ~30 ms instead of
    ~1 µs each) protects a follow-up code, not an identity (an anonymous report has none on file),
    and it cost ~30 ms of CPU per portal report: a single intake process topped out near 16
    reports/s, a tenth of the province's 200/s (docs/benchmarks.md). Same guarantee against a
    thief without the key, 10,000× cheaper.

    Records written before keep ``scrypt$n$r$p`` and still verify, so no receipt handed out stops
    working. A retired key must stay configured (after the current one) as long as reports whose
    receipts it hashed are kept: retention purges them (``handlers/retention``). Without a key,
    new codes are hashed with scrypt as before (slow, but nothing weaker is ever written).
    """

    def __init__(self, keys: list[tuple[str, bytes]] | None = None) -> None:
        self.keys: dict[str, bytes] = {}
        for kid, key in keys or []:
            if not _KID.match(kid):
                raise KeyConfigError(f"invalid receipt key id {kid!r}")
            if kid in self.keys:
                raise KeyConfigError(f"receipt key id {kid!r} configured twice")
            if len(key) < RECEIPT_KEY_MIN_BYTES:
                raise KeyConfigError(f"receipt key {kid!r} must be at least {RECEIPT_KEY_MIN_BYTES} bytes")
            self.keys[kid] = key
        self.current = keys[0][0] if keys else None
        self._decoy: ReceiptHash | None = None

    @classmethod
    def from_config(cls, value: str | None) -> ReceiptHasher:
        return cls(parse_keys(value))

    @property
    def keyed(self) -> bool:
        return self.current is not None

    def hash(self, code: str) -> ReceiptHash:
        if self.current is None:
            return hash_receipt_code(code)
        normal = normalise_receipt_code(code)
        if normal is None:
            raise ValueError("not a receipt code")
        salt = os.urandom(16)
        digest = _keyed(self.keys[self.current], normal, salt).hex()
        return ReceiptHash(normal[:LOOKUP_PREFIX_LENGTH], salt.hex(), digest, f"{HMAC_SCHEME}${self.current}")

    def verify(self, code: str, stored: ReceiptHash) -> bool:
        return verify_receipt_code(code, stored, self.keys)

    @property
    def decoy(self) -> ReceiptHash:
        """Checked against when no record has the prefix: the time of a miss is that of one check
        of the current scheme."""
        if self._decoy is None:
            self._decoy = self.hash("0000-0000-0000-0000")
        return self._decoy


# -- sealing a named reporter's details ---------------------------------------------------------
class KeyConfigError(ValueError):
    """INTAKE_ENCRYPTION_KEYS is malformed (the message never contains key material)."""


class SealBroken(ValueError):
    """A sealed record could not be opened: unknown key id, or the ciphertext was tampered with."""


@dataclass(frozen=True)
class Sealed:
    kid: str
    nonce: str  # base64
    ciphertext: str  # base64, AES-GCM tag included


_KID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")


def parse_keys(value: str | None) -> list[tuple[str, bytes]]:
    """``"kid1:base64key,kid2:base64key"`` as ``[(kid, key), …]`` in order; [] when empty."""
    value = (value or "").strip()
    if not value:
        return []
    keys = []
    for item in value.split(","):
        kid, sep, b64 = item.strip().partition(":")
        if not sep:
            raise KeyConfigError("each key must be written kid:base64key")
        try:
            keys.append((kid.strip(), base64.b64decode(b64.strip(), validate=True)))
        except (binascii.Error, ValueError):
            raise KeyConfigError(f"key {kid.strip()!r} is not valid base64") from None
    return keys


def _aad(petition_id: str) -> bytes:
    return f"wuying-intake/reporter/{petition_id}".encode()


class Keyring:
    """AES-GCM keys by id; the first is current."""

    def __init__(self, keys: list[tuple[str, bytes]]) -> None:
        if not keys:
            raise KeyConfigError("no keys")
        self._keys: dict[str, AESGCM] = {}
        for kid, key in keys:
            if not _KID.match(kid):
                raise KeyConfigError(f"invalid key id {kid!r}")
            if kid in self._keys:
                raise KeyConfigError(f"key id {kid!r} configured twice")
            if len(key) not in (16, 24, 32):
                raise KeyConfigError(f"key {kid!r} must be 16, 24 or 32 bytes")
            self._keys[kid] = AESGCM(key)
        self.current = keys[0][0]

    @classmethod
    def from_config(cls, value: str | None) -> Keyring | None:
        """``"kid1:base64key,kid2:base64key"``; None when nothing is configured."""
        keys = parse_keys(value)
        return cls(keys) if keys else None

    @property
    def kids(self) -> tuple[str, ...]:
        return tuple(self._keys)

    def seal(self, petition_id: str, details: dict) -> Sealed:
        nonce = os.urandom(12)
        plaintext = json.dumps(details, ensure_ascii=False, sort_keys=True).encode("utf-8")
        ciphertext = self._keys[self.current].encrypt(nonce, plaintext, _aad(petition_id))
        return Sealed(self.current, base64.b64encode(nonce).decode(), base64.b64encode(ciphertext).decode())

    def open(self, petition_id: str, sealed: Sealed) -> dict:
        aead = self._keys.get(sealed.kid)
        if aead is None:
            raise SealBroken(f"key {sealed.kid!r} is not configured")
        try:
            plaintext = aead.decrypt(
                base64.b64decode(sealed.nonce), base64.b64decode(sealed.ciphertext), _aad(petition_id)
            )
        except (InvalidTag, binascii.Error, ValueError):
            raise SealBroken("sealed reporter details do not verify") from None
        return json.loads(plaintext)

    def reseal(self, petition_id: str, sealed: Sealed) -> Sealed | None:
        """The same details under the current key; None when already current."""
        if sealed.kid == self.current:
            return None
        return self.seal(petition_id, self.open(petition_id, sealed))


def generate_key() -> str:
    """A new 256-bit key, base64, for an operator to configure."""
    return base64.b64encode(AESGCM.generate_key(256)).decode()
