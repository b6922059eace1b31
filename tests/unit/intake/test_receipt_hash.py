"""Receipt codes under a keyed hash (issue 15 item 3): new codes as HMAC-SHA256 under
``INTAKE_RECEIPT_KEYS``, the scrypt records written before still open their reports, a retired key
still verifies while configured; and the per-process share of the rate limit."""

import base64

import pytest

from wuying_intake import handlers
from wuying_intake.dependencies import TokenBuckets
from wuying_intake.domain.protection import (
    KeyConfigError,
    ReceiptHasher,
    hash_receipt_code,
    lookup_prefix,
    new_receipt_code,
    verify_receipt_code,
)
from wuying_intake.exceptions import ReceiptNotFound
from wuying_intake.persistence import Receipt

from .conftest import receipt_view

K1 = base64.b64encode(b"1" * 32).decode()
K2 = base64.b64encode(b"2" * 32).decode()
FAST = {"n": 2**4}  # a scrypt record as before, cheaply (the parameters are stored with it)
REPORT = {
    "category": "key_sectors",
    "county": "130402",
    "content": "某镇在村道工程招标中指定施工单位，涉嫌围标串标。",
    "subjects": [{"kind": "official", "name": "赵某", "unit_name": "某镇政府", "id": None}],
    "anonymous": True,
    "reporter": None,
}


def test_a_new_code_is_kept_as_an_hmac_under_the_first_key_and_verifies_only_with_that_key():
    hasher = ReceiptHasher.from_config(f"r1:{K1}")
    code = new_receipt_code()
    stored = hasher.hash(code)
    assert stored.params == "hmac-sha256$r1"
    assert stored.prefix == lookup_prefix(code) and code.replace("-", "") not in repr(stored)
    assert hasher.verify(code.lower().replace("-", " "), stored)
    assert not hasher.verify(new_receipt_code(), stored)
    # a database thief without the key cannot check a guess, even the right one
    assert not verify_receipt_code(code, stored) and not ReceiptHasher.from_config(f"r1:{K2}").verify(code, stored)
    again = hasher.hash(code)
    assert again.salt != stored.salt and again.digest != stored.digest


def test_after_rotation_the_new_key_hashes_and_the_retired_one_still_verifies():
    code = new_receipt_code()
    old = ReceiptHasher.from_config(f"r1:{K1}").hash(code)
    rotated = ReceiptHasher.from_config(f"r2:{K2},r1:{K1}")
    assert rotated.verify(code, old)
    assert rotated.hash(code).params == "hmac-sha256$r2"
    assert not ReceiptHasher.from_config(f"r2:{K2}").verify(code, old)  # the key dropped: no longer opens


def test_scrypt_records_of_before_still_verify_and_without_a_key_new_codes_stay_on_scrypt():
    code = new_receipt_code()
    legacy = hash_receipt_code(code, **FAST)
    assert legacy.params == "scrypt$16$8$1"
    assert ReceiptHasher.from_config(f"r1:{K1}").verify(code, legacy)
    assert not ReceiptHasher.from_config(f"r1:{K1}").verify(new_receipt_code(), legacy)
    keyless = ReceiptHasher.from_config("")
    assert not keyless.keyed and keyless.hash(code).params.startswith("scrypt$")


@pytest.mark.parametrize(
    "value",
    [f"r1:{base64.b64encode(b'x' * 16).decode()}", "r1", "r1:not base64!", f"r1:{K1},r1:{K2}", f"bad id:{K1}"],
    ids=["short", "no-key", "not-base64", "twice", "bad-id"],
)
def test_a_malformed_receipt_key_stops_start_up_without_quoting_the_key(value):
    with pytest.raises(KeyConfigError) as refused:
        ReceiptHasher.from_config(value)
    assert K1 not in str(refused.value) and K2 not in str(refused.value)


def test_a_report_received_under_scrypt_and_one_under_the_key_both_open_with_their_codes(store, clock, calendar):
    hasher = ReceiptHasher.from_config(f"r1:{K1}")
    before = handlers.submit_report(store, clock, calendar, None, dict(REPORT), channel="public_portal")
    old = store.get_petition(before.petition.id)
    old.receipt = Receipt.from_domain(hash_receipt_code(before.receipt_code, **FAST))  # as written before
    store.save(old)
    after = handlers.submit_report(store, clock, calendar, None, dict(REPORT), channel="public_portal", receipts=hasher)
    assert store.get_petition(after.petition.id).receipt.params == "hmac-sha256$r1"
    for result in (before, after):
        opened = handlers.lookup_receipt(store, result.receipt_code, hasher)
        assert opened.id == result.petition.id and receipt_view(opened)["status"] == "received"
    added = handlers.add_information(store, clock, before.receipt_code, "补充：另有一份会议记录可以作证。", hasher)
    assert added.id == before.petition.id
    with pytest.raises(ReceiptNotFound):
        handlers.lookup_receipt(store, after.receipt_code)  # without the key the new record does not open
    with pytest.raises(ReceiptNotFound):
        handlers.lookup_receipt(store, new_receipt_code(), hasher)


def test_a_refused_client_is_told_when_the_next_token_comes():
    now = [0.0]
    buckets = TokenBuckets.from_config("2/60", now=lambda: now[0])
    assert [buckets.take("10.0.0.1") for _ in range(2)] == [0.0, 0.0]
    assert buckets.take("10.0.0.1") == pytest.approx(30.0)
    now[0] += 20
    assert buckets.take("10.0.0.1") == pytest.approx(10.0)


def test_over_n_processes_each_allows_an_nth_so_a_client_spread_over_all_gets_the_limit_in_total():
    now = [0.0]
    processes = [TokenBuckets.from_config("10/3600", 5, now=lambda: now[0]) for _ in range(5)]
    burst = sum(sum(b.allow("10.0.0.1") for _ in range(10)) for b in processes)
    assert burst == 10 and processes[0].capacity == 2
    now[0] += 3600  # an hour later every bucket is full again: 10 more in all
    assert sum(sum(b.allow("10.0.0.1") for _ in range(10)) for b in processes) == 10
    # more processes than requests: one at a time each, refilled at a share of the rate
    thin = TokenBuckets.from_config("10/3600", 20, now=lambda: now[0])
    assert thin.capacity == 1 and thin.rate == pytest.approx(10 / 3600 / 20)
