"""Reporter protection: receipt codes kept only as slow hashes, reporters sealed with AES-GCM
under rotating keys (DESIGN.md §4 Intake; seeds/003)."""

import base64

import pytest

from wuying_intake.domain.protection import (
    RECEIPT_ALPHABET,
    KeyConfigError,
    Keyring,
    SealBroken,
    Sealed,
    generate_key,
    hash_receipt_code,
    lookup_prefix,
    new_receipt_code,
    normalise_receipt_code,
    verify_receipt_code,
)

FAST = {"n": 2**4}  # keeps the unit tests quick; production uses the module defaults
REPORTER = {"name": "李举报", "phone": "13800138000"}


def key(byte: bytes) -> str:
    return base64.b64encode(byte * 32).decode()


def test_receipt_codes_are_sixteen_unambiguous_characters_in_groups_of_four():
    code = new_receipt_code()
    groups = code.split("-")
    assert [len(g) for g in groups] == [4, 4, 4, 4]
    assert all(c in RECEIPT_ALPHABET for c in "".join(groups))
    assert not set("ILOU") & set(code)
    assert new_receipt_code() != code


def test_a_receipt_code_is_recognised_however_it_is_typed():
    code = "7KQ2-M9XD-0A1B-CDEF"
    stored = hash_receipt_code(code, **FAST)
    assert verify_receipt_code("7kq2 m9xd oa1b cdef", stored)  # lower case, spaces, O for 0
    assert verify_receipt_code("7KQ2M9XD0A1BCDEF", stored)
    assert not verify_receipt_code("7KQ2-M9XD-0A1B-CDEE", stored)
    assert normalise_receipt_code("short") is None


def test_only_a_salted_hash_and_a_short_prefix_of_the_receipt_code_are_kept():
    code = new_receipt_code()
    first, second = hash_receipt_code(code, **FAST), hash_receipt_code(code, **FAST)
    assert first.salt != second.salt and first.digest != second.digest
    assert code.replace("-", "") not in repr(first)
    assert first.prefix == lookup_prefix(code) == code[:4]
    assert first.params.startswith("scrypt$")


def test_a_sealed_reporter_opens_with_its_key_and_not_on_another_petition():
    keyring = Keyring.from_config(f"k1:{key(b'a')}")
    sealed = keyring.seal("P1", REPORTER)
    assert sealed.kid == "k1"
    assert "13800138000" not in sealed.ciphertext
    assert keyring.open("P1", sealed) == REPORTER
    with pytest.raises(SealBroken):
        keyring.open("P2", sealed)


def test_a_tampered_ciphertext_does_not_open():
    keyring = Keyring.from_config(f"k1:{key(b'a')}")
    sealed = keyring.seal("P1", REPORTER)
    raw = bytearray(base64.b64decode(sealed.ciphertext))
    raw[0] ^= 1
    with pytest.raises(SealBroken):
        keyring.open("P1", Sealed(sealed.kid, sealed.nonce, base64.b64encode(bytes(raw)).decode()))


def test_after_rotation_old_records_still_open_and_reseal_moves_them_to_the_new_key():
    old = Keyring.from_config(f"k1:{key(b'a')}")
    sealed = old.seal("P1", REPORTER)
    rotated = Keyring.from_config(f"k2:{key(b'b')},k1:{key(b'a')}")
    assert rotated.current == "k2"
    assert rotated.open("P1", sealed) == REPORTER
    fresh = rotated.reseal("P1", sealed)
    assert fresh.kid == "k2"
    assert rotated.reseal("P1", fresh) is None
    with pytest.raises(SealBroken):
        Keyring.from_config(f"k2:{key(b'b')}").open("P1", sealed)  # k1 retired: unreadable


def test_no_key_configured_means_no_keyring():
    assert Keyring.from_config("") is None
    assert Keyring.from_config(None) is None


@pytest.mark.parametrize(
    "value",
    [
        "k1",
        "k1:not-base64!!",
        f"k1:{base64.b64encode(b'short').decode()}",
        f"k1:{key(b'a')},k1:{key(b'b')}",
        f"bad kid:{key(b'a')}",
    ],
)
def test_malformed_key_configuration_is_refused_without_echoing_key_material(value):
    with pytest.raises(KeyConfigError) as exc:
        Keyring.from_config(value)
    assert key(b"a") not in str(exc.value)


def test_generated_keys_are_usable():
    keyring = Keyring.from_config(f"new:{generate_key()}")
    assert keyring.open("P", keyring.seal("P", REPORTER)) == REPORTER
