"""Reporter protection (DESIGN.md §4 Intake: identity encrypted at rest; anonymous reporters
follow up with a receipt code; seeds/003: reports must be safe to make, and the accused must
never learn who reported).

- A named reporter's details are sealed with AES-GCM under a key id, so keys can rotate: the
  first configured key seals, every configured key opens, ``reseal`` moves a record to the
  current key. The petition id is the associated data, so a sealed blob cannot be copied onto
  another petition and opened there.
- An anonymous reporter gets a random receipt code shown once. Only a slow salted scrypt hash is
  kept, plus a short lookup prefix (not secret: it only narrows the search).
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
    params: str  # "scrypt$n$r$p", so the cost can grow without breaking old records


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


def verify_receipt_code(code: str, stored: ReceiptHash) -> bool:
    normal = normalise_receipt_code(code)
    if normal is None:
        return False
    _, n, r, p = stored.params.split("$")
    candidate = _scrypt(normal, bytes.fromhex(stored.salt), int(n), int(r), int(p))
    return hmac.compare_digest(candidate.hex(), stored.digest)


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
        value = (value or "").strip()
        if not value:
            return None
        keys = []
        for item in value.split(","):
            kid, sep, b64 = item.strip().partition(":")
            if not sep:
                raise KeyConfigError("each key must be written kid:base64key")
            try:
                keys.append((kid.strip(), base64.b64decode(b64.strip(), validate=True)))
            except (binascii.Error, ValueError):
                raise KeyConfigError(f"key {kid.strip()!r} is not valid base64") from None
        return cls(keys)

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
