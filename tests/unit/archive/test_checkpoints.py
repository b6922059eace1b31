"""Tamper evidence an outside auditor can prove (issue 11 item 6; DESIGN.md §4 Archive: an auditor can
prove no entry was changed): signed checkpoints over every file's head, and a verifier that trusts
nothing of the archive. The archive's own check is fooled by a recomputed chain; the verifier is not."""

import json
import subprocess
import sys
import uuid

import pytest

from wuying_archive import handlers, verifier
from wuying_archive.domain.checkpoints import Signer
from wuying_archive.domain.file import entry_hash, verify_chain
from wuying_archive.handlers import checkpoints
from wuying_archive.persistence import Checkpoint, FileEntry, FileHead
from wuying_testing.fakes.archive import FakeArchiveStore


def triaged(official_id, county="130402"):
    return {
        "id": str(uuid.uuid4()),
        "type": "wuying.intake.petition.triaged.v1",
        "time": "2026-11-20T02:00:00Z",
        "county": county,
        "subject": "petition/p",
        "data": {"outcome": "integrity_information", "subjects": [{"kind": "official", "id": official_id}]},
    }


@pytest.fixture
def store():
    return FakeArchiveStore()


@pytest.fixture
def signer():
    return Signer.generate()


def record(store, clock, official_id, times=1, county="130402"):
    for _ in range(times):
        handlers.record_event(store, clock, triaged(official_id, county), None)


def kept(store):
    """The checkpoint events as a keeper holds them (whole envelopes, in publication order)."""
    events = [e.envelope for c in store.all(Checkpoint) for e in c.outbox]
    return sorted(events, key=lambda e: (e["data"]["county"], e["data"]["number"]))


def export(store):
    lines, _ = checkpoints.export_page(store, ("130000",), "", 100000)
    return json.loads(json.dumps(lines))


def signed_files(store, clock, signer):
    record(store, clock, "off-1", 3)
    record(store, clock, "off-2", 2)
    record(store, clock, "off-9", 1, county="130403")
    result = checkpoints.sign_checkpoints(store, clock, signer)
    assert (result["signed"], result["files"]) == (2, 3)  # one checkpoint per county
    return export(store)


def problems(lines, store, keys):
    return verifier.verify(lines, kept(store), [k.public_key for k in keys]).problems


def test_an_untouched_export_is_proven_by_the_kept_checkpoints(store, clock, signer):
    lines = signed_files(store, clock, signer)
    report = verifier.verify(lines, kept(store), [signer.public_key])
    assert report.ok, report.problems
    assert (report.files, report.entries, report.proven_files, report.checkpoints) == (3, 6, 3, 2)


def test_removing_the_newest_entry_is_caught(store, clock, signer):
    """Today's self-check calls a file without its newest entry intact; the checkpoint does not."""
    lines = signed_files(store, clock, signer)
    truncated = [e for e in lines if not (e["subject_id"] == "off-1" and e["seq"] == 3)]
    own = [e for e in truncated if e["subject_id"] == "off-1"]
    assert verify_chain([(e["seq"], _content(e), e["prev_hash"], e["hash"]) for e in own]).intact
    assert problems(truncated, store, [signer]) == ["official/off-1: signed entry 3 is missing (removed or truncated)"]


def test_reordering_entries_is_caught(store, clock, signer):
    lines = signed_files(store, clock, signer)
    first, second = (e for e in lines if e["subject_id"] == "off-1" and e["seq"] in (1, 2))
    first["seq"], second["seq"] = 2, 1
    assert problems(lines, store, [signer]) == ["official/off-1: entry 1 changed, removed before it, or out of order"]


def test_a_fully_recomputed_forged_chain_is_caught(store, clock, signer):
    """The forger changes entry 1 and recomputes every hash after it: the chain verifies, the
    signed head does not match."""
    lines = signed_files(store, clock, signer)
    own = sorted((e for e in lines if e["subject_id"] == "off-1"), key=lambda e: e["seq"])
    own[0]["summary"] = "无事"
    prev = "0" * 64
    for e in own:
        e["prev_hash"], e["hash"] = prev, entry_hash(prev, _content(e))
        prev = e["hash"]
    assert verify_chain([(e["seq"], _content(e), e["prev_hash"], e["hash"]) for e in own]).intact
    assert problems(lines, store, [signer]) == [
        "official/off-1: entry 3 is not the one signed (an entry up to it was changed, removed or reordered)"
    ]


def test_a_withheld_or_foreign_checkpoint_is_caught(store, clock, signer):
    lines = signed_files(store, clock, signer)
    record(store, clock, "off-1")
    checkpoints.sign_checkpoints(store, clock, signer)
    events = kept(store)
    without_first = [e for e in events if (e["data"]["county"], e["data"]["number"]) != ("130402", 1)]
    report = verifier.verify(export(store), without_first, [signer.public_key])
    assert "checkpoint 130402/1: missing (withheld or lost)" in report.problems
    forged = json.loads(json.dumps(events))
    forged[0]["data"]["leaves"][0]["hash"] = "f" * 64
    report = verifier.verify(lines, forged, [signer.public_key])
    assert "checkpoint 130402/1: signature does not verify" in report.problems
    other = Signer.generate()
    assert any("was not given" in p for p in verifier.verify(lines, events, [other.public_key]).problems)


def test_a_checkpoint_only_extends_what_was_signed(store, clock, signer):
    """A file changed in the database after it was signed is never signed again, and is reported."""
    signed_files(store, clock, signer)
    entry = store.entry_at("official", "off-2", 2)
    entry.summary = "改过"
    store.add_or_replace(entry)
    record(store, clock, "off-2")
    result = checkpoints.sign_checkpoints(store, clock, signer)
    assert result["broken"] == ["official/off-2"] and result["signed"] == 0
    assert store.get(FileHead, "official/off-2").broken is True


def test_only_moved_heads_are_signed_and_a_quiet_county_gets_a_daily_heartbeat(store, clock, signer):
    signed_files(store, clock, signer)
    record(store, clock, "off-1")
    checkpoints.sign_checkpoints(store, clock, signer)
    second = store.get(Checkpoint, "130402/2")
    assert [leaf["file"] for leaf in second.leaves] == ["official/off-1"]
    assert second.prev_hash == store.get(Checkpoint, "130402/1").hash
    assert checkpoints.sign_checkpoints(store, clock, signer)["signed"] == 0  # nothing new, not a day yet
    clock.advance(hours=25)
    assert checkpoints.sign_checkpoints(store, clock, signer)["signed"] == 2  # both counties' heartbeats
    assert store.get(Checkpoint, "130403/2").leaves == []
    assert verifier.verify(export(store), kept(store), [signer.public_key]).ok


def test_after_a_key_rotation_both_keys_prove_the_files(store, clock, signer):
    """Rotation: the new key signs from the next checkpoint on, chained to the last one of the old."""
    signed_files(store, clock, signer)
    new = Signer.generate()
    record(store, clock, "off-1")
    checkpoints.sign_checkpoints(store, clock, new)
    assert store.get(Checkpoint, "130402/2").key_id == new.key_id
    assert verifier.verify(export(store), kept(store), [signer.public_key, new.public_key]).ok
    assert not verifier.verify(export(store), kept(store), [new.public_key]).ok


def test_without_a_key_nothing_is_signed(store, clock):
    record(store, clock, "off-1")
    assert checkpoints.sign_checkpoints(store, clock, None)["disabled"] is True
    assert store.all(Checkpoint) == []


def test_the_verifier_command_exits_0_when_proven_and_1_when_tampered(store, clock, signer, tmp_path):
    lines = signed_files(store, clock, signer)
    (tmp_path / "key.pem").write_text(signer.public_pem())
    (tmp_path / "checkpoints.jsonl").write_text("".join(json.dumps(e) + "\n" for e in kept(store)))

    def run(rows):
        (tmp_path / "export.jsonl").write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows))
        args = ["export.jsonl", "checkpoints.jsonl", "--public-key", "key.pem"]
        cmd = [sys.executable, "-m", "wuying_archive.verifier", *args]
        return subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=60)

    ok = run(lines)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "RESULT: proven intact" in ok.stdout
    bad = run([e for e in lines if not (e["subject_id"] == "off-9")])
    assert bad.returncode == 1
    assert "official/off-9: signed up to seq 1 but absent from the export" in bad.stdout


def test_the_verifier_imports_nothing_of_the_service():
    source = open(verifier.__file__, encoding="utf-8").read()
    assert "wuying" not in "".join(line for line in source.splitlines() if line.startswith(("import", "from")))


CONTENT_KEYS = tuple(FileEntry().content())  # what the archive's hash covers


def _content(line):
    return {k: line[k] for k in CONTENT_KEYS}
