"""Signed checkpoints: tamper evidence an outside auditor can prove (issue 11 item 6; DESIGN.md §4
Archive: entries are append-only and tamper-evident, an auditor can prove no entry was changed).

A file's hash chain alone proves nothing against whoever holds the database: delete the newest
entry, or recompute every hash after a forged one, and the chain still verifies. So the archive
signs, at least daily, a checkpoint per county: the head (seq and hash) of every file that
changed since the previous checkpoint of that county, the previous checkpoint's hash, a number
and the time, signed with Ed25519. Each checkpoint is published as ``archive.checkpoint_signed``
and kept by parties other than the archive (the partners' republisher delivers it to every
agency of the county; ``wuying_archive.keeper`` appends it to a file). A verifier given an export
of the files and the kept checkpoints (``wuying_archive.verifier``) then proves each file still
holds, at every signed seq, the signed hash — so no entry up to it was changed, removed (the
newest included) or reordered — without trusting the archive.

This module is what the archive signs; the verifier re-implements the checks on its own.
"""

from __future__ import annotations

import base64
import hashlib
import json
from dataclasses import dataclass

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

GENESIS = "0" * 64
#: Files per checkpoint, so an event stays small; a busy day is several checkpoints.
MAX_LEAVES = 1000
#: A county with nothing new still gets a checkpoint once a day (the keepers know it is alive).
HEARTBEAT_HOURS = 24


@dataclass(frozen=True)
class Leaf:
    """A file's head as signed: ``file`` is ``<kind>/<subject_id>``."""

    file: str
    seq: int
    hash: str

    def to_dict(self) -> dict:
        return {"file": self.file, "seq": self.seq, "hash": self.hash}


def canonical(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def body_of(county: str, number: int, issued_at: str, key_id: str, prev_hash: str, leaves: list[Leaf]) -> dict:
    """What is signed. ``issued_at`` is ISO UTC; leaves are sorted by file."""
    return {
        "county": county,
        "number": number,
        "issued_at": issued_at,
        "key_id": key_id,
        "prev_hash": prev_hash,
        "leaves": [leaf.to_dict() for leaf in sorted(leaves, key=lambda x: x.file)],
    }


def checkpoint_hash(body: dict) -> str:
    """A checkpoint's identity: the next one's ``prev_hash``."""
    return hashlib.sha256(canonical(body)).hexdigest()


class Signer:
    """The archive's Ed25519 signing key; ``key_id`` names its public key (first 16 hex digits of
    the SHA-256 of the raw public key), so a verifier holding several keys (after a rotation)
    picks the right one."""

    def __init__(self, private_key: Ed25519PrivateKey) -> None:
        self._key = private_key
        self.public_key = private_key.public_key()
        self.key_id = key_id_of(self.public_key)

    @classmethod
    def from_config(cls, value: str | None) -> Signer | None:
        """A PEM (PKCS#8) private key, or the base64 of its 32-byte seed; None when not configured."""
        if not value:
            return None
        text = value.strip()
        if "BEGIN" in text:
            key = serialization.load_pem_private_key(text.replace("\\n", "\n").encode(), password=None)
            if not isinstance(key, Ed25519PrivateKey):
                raise ValueError("the checkpoint key must be an Ed25519 private key")
            return cls(key)
        return cls(Ed25519PrivateKey.from_private_bytes(base64.b64decode(text)))

    @classmethod
    def generate(cls) -> Signer:
        return cls(Ed25519PrivateKey.generate())

    def sign(self, body: dict) -> str:
        return base64.b64encode(self._key.sign(canonical(body))).decode()

    def public_pem(self) -> str:
        return public_pem(self.public_key)

    def private_pem(self) -> str:
        return self._key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        ).decode()


def key_id_of(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def public_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()


def extends(prev_hash: str, entries: list[tuple[int, str, str, str]], from_seq: int) -> bool:
    """Whether ``entries`` — (seq, prev_hash, hash, recomputed hash) in seq order — continue a file
    signed up to ``from_seq`` with hash ``prev_hash``: a checkpoint only extends what was signed."""
    expected = from_seq + 1
    for seq, entry_prev, digest, recomputed in entries:
        if seq != expected or entry_prev != prev_hash or recomputed != digest:
            return False
        prev_hash, expected = digest, expected + 1
    return True
