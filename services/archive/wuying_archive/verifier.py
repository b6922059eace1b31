"""An outside auditor's proof that the integrity files were not tampered with.

    python -m wuying_archive.verifier export.jsonl checkpoints.jsonl --public-key archive-2026.pem

It trusts nothing of the archive service: it imports nothing of it (only the standard library
and ``cryptography``; read it, it is short), and its inputs are

- ``export.jsonl``: the files as exported (``GET /api/v1/audit/export``), one entry per line:
  ``subject_kind, subject_id, county, seq, kind, summary, source_event_id, source_event_type,
  occurred_at, data, prev_hash, hash`` (other keys are ignored);
- ``checkpoints.jsonl``: the signed checkpoints as kept by a party other than the archive (the
  ``archive.checkpoint_signed`` events, whole envelopes or their ``data``), one per line;
- the archive's Ed25519 public key(s), obtained out of band (``--public-key``, repeatable: after a
  key rotation give the old and the new).

It proves, for every file a checkpoint covers, that the export holds the file's entries 1..n in
order, each chained to the one before (``hash = SHA-256(prev_hash + canonical JSON of the
entry)``), and that at every seq a checkpoint signed the entry there has the signed hash. Changing
an entry, removing one (the newest included) or reordering them breaks one of these, even when
the forger recomputes the whole chain, because he cannot sign a checkpoint. Every checkpoint's
signature is checked, and a county's checkpoints must be numbered 1, 2, 3 … each naming the hash
of the one before, so a withheld checkpoint is seen too. Entries after a file's last signed seq
are chained but not yet proven: they are listed as such.

Exit status: 0 proven, 1 tampering or a bad checkpoint found, 2 unusable input.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import json
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

GENESIS = "0" * 64
#: What an entry's hash covers (the archive's FileEntry.content()).
CONTENT = (
    "subject_kind",
    "subject_id",
    "county",
    "seq",
    "kind",
    "summary",
    "source_event_id",
    "source_event_type",
    "occurred_at",
    "data",
)
SIGNED = ("county", "number", "issued_at", "key_id", "prev_hash", "leaves")


def entry_hash(prev_hash: str, entry: dict) -> str:
    content = {k: entry.get(k) for k in CONTENT}
    text = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + text).encode("utf-8")).hexdigest()


def canonical(body: dict) -> bytes:
    return json.dumps(body, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode("utf-8")


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:16]


def load_public_key(text: str) -> Ed25519PublicKey:
    key = serialization.load_pem_public_key(text.encode())
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


@dataclass
class Report:
    problems: list[str] = field(default_factory=list)
    files: int = 0
    entries: int = 0
    checkpoints: int = 0
    proven_files: int = 0
    unsigned_tails: list[str] = field(default_factory=list)
    last_checkpoint: dict[str, str] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    def lines(self) -> list[str]:
        out = [
            f"checkpoints: {self.checkpoints} (last per county: "
            + ", ".join(f"{c} {t}" for c, t in sorted(self.last_checkpoint.items()))
            + ")",
            f"files: {self.files}, entries: {self.entries}, proven by a checkpoint: {self.proven_files}",
        ]
        if self.unsigned_tails:
            out.append(f"entries after the last checkpoint (chained, not yet proven): {len(self.unsigned_tails)} files")
        out += [f"FAIL {p}" for p in self.problems]
        out.append("RESULT: " + ("proven intact" if self.ok else "TAMPERING OR BAD CHECKPOINTS FOUND"))
        return out


def read_jsonl(path: Path) -> list[dict]:
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    rows.append(json.loads(line))
                except json.JSONDecodeError as exc:
                    raise ValueError(f"{path}:{number}: not JSON ({exc})") from None
    return rows


def check_checkpoints(raw: list[dict], keys: dict[str, Ed25519PublicKey], report: Report) -> list[dict]:
    """Signatures, numbering and chaining; returns the checkpoints that are good."""
    good: list[dict] = []
    by_county: dict[str, dict[int, dict]] = defaultdict(dict)
    for row in raw:
        cp = row["data"] if "data" in row and "specversion" in row else row
        body = {k: cp.get(k) for k in SIGNED}
        label = f"checkpoint {cp.get('county')}/{cp.get('number')}"
        key = keys.get(str(cp.get("key_id")))
        if key is None:
            report.problems.append(f"{label}: signed with key {cp.get('key_id')}, which was not given")
            continue
        try:
            key.verify(base64.b64decode(cp.get("signature", "")), canonical(body))
        except (InvalidSignature, ValueError):
            report.problems.append(f"{label}: signature does not verify")
            continue
        digest = hashlib.sha256(canonical(body)).hexdigest()
        seen = by_county[cp["county"]].get(cp["number"])
        if seen is not None and seen["_hash"] != digest:
            report.problems.append(f"{label}: two different checkpoints with this number")
            continue
        by_county[cp["county"]][cp["number"]] = dict(body, _hash=digest)
    for county, numbered in sorted(by_county.items()):
        prev = GENESIS
        for expected, number in enumerate(sorted(numbered), start=1):
            cp = numbered[number]
            if number != expected:
                report.problems.append(f"checkpoint {county}/{expected}: missing (withheld or lost)")
                break
            if cp["prev_hash"] != prev:
                report.problems.append(f"checkpoint {county}/{number}: does not follow checkpoint {number - 1}")
                break
            prev = cp["_hash"]
            good.append(cp)
            report.last_checkpoint[county] = cp["issued_at"]
    report.checkpoints = len(good)
    return good


def check_files(export: list[dict], checkpoints: list[dict], report: Report) -> None:
    files: dict[str, list[dict]] = defaultdict(list)
    for entry in export:
        files[f"{entry.get('subject_kind')}/{entry.get('subject_id')}"].append(entry)
    report.files = len(files)
    report.entries = len(export)
    signed: dict[str, dict[int, str]] = defaultdict(dict)
    for cp in checkpoints:
        for leaf in cp["leaves"]:
            signed[leaf["file"]][int(leaf["seq"])] = leaf["hash"]
    chained: dict[str, dict[int, str] | None] = {}  # None: the chain itself is broken (reported)
    for name, entries in files.items():
        entries.sort(key=lambda e: int(e.get("seq", 0)))
        prev, hashes = GENESIS, {}
        for expected, entry in enumerate(entries, start=1):
            seq = int(entry.get("seq", 0))
            if seq != expected:
                report.problems.append(f"{name}: seq {expected} missing or duplicated (found {seq})")
                hashes = None
                break
            if entry.get("prev_hash") != prev or entry_hash(prev, entry) != entry.get("hash"):
                report.problems.append(f"{name}: entry {seq} changed, removed before it, or out of order")
                hashes = None
                break
            prev = hashes[seq] = entry["hash"]
        chained[name] = hashes
    for name, leaves in sorted(signed.items()):
        if name not in chained:
            report.problems.append(f"{name}: signed up to seq {max(leaves)} but absent from the export")
            continue
        hashes = chained[name]
        if hashes is None:
            continue
        for seq, digest in sorted(leaves.items()):
            if seq not in hashes:
                report.problems.append(f"{name}: signed entry {seq} is missing (removed or truncated)")
                break
            if hashes[seq] != digest:
                report.problems.append(
                    f"{name}: entry {seq} is not the one signed (an entry up to it was changed, removed or reordered)"
                )
                break
        else:
            report.proven_files += 1
            if hashes and max(hashes) > max(leaves):
                report.unsigned_tails.append(name)
    for name in sorted(set(chained) - set(signed)):
        if chained[name] is not None:
            report.unsigned_tails.append(name)


def verify(export: list[dict], checkpoints: list[dict], public_keys: list[Ed25519PublicKey]) -> Report:
    report = Report()
    keys = {key_id(k): k for k in public_keys}
    good = check_checkpoints(checkpoints, keys, report)
    check_files(export, good, report)
    return report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m wuying_archive.verifier", description=__doc__.split("\n")[0])
    parser.add_argument("export", type=Path, help="export.jsonl: the files' entries")
    parser.add_argument("checkpoints", type=Path, help="checkpoints.jsonl: the kept archive.checkpoint_signed events")
    parser.add_argument("--public-key", action="append", required=True, type=Path, help="Ed25519 public key (PEM)")
    parser.add_argument("--county", help="only this county's checkpoints and files")
    args = parser.parse_args(argv)
    try:
        keys = [load_public_key(path.read_text("utf-8")) for path in args.public_key]
        export = read_jsonl(args.export)
        checkpoints = read_jsonl(args.checkpoints)
    except (OSError, ValueError) as exc:
        print(f"unusable input: {exc}", file=sys.stderr)
        return 2
    if args.county:
        export = [e for e in export if e.get("county") == args.county]
        checkpoints = [c for c in checkpoints if (c.get("data", c)).get("county") == args.county]
    report = verify(export, checkpoints, keys)
    print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
