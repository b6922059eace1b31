"""Tokens, county scopes and the event envelope (DESIGN.md §3; issue 2 items 5, 6)."""

import uuid
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from marshmallow import Schema, ValidationError, fields

from wuying_common.auth import covers, issue_token, verify_token
from wuying_common.errors import Forbidden, Unauthorized
from wuying_common.events import ENVELOPE, EventRegistry, build_event, parse_event, plainly_valid, short_name


def test_a_province_scope_covers_its_counties_and_a_city_scope_its_districts():
    assert covers("130000", "130402")
    assert covers("130400", "130402")
    assert not covers("130100", "130402")
    assert not covers("140000", "130402")
    assert covers("130402", "130402")


def test_a_token_carries_roles_and_counties():
    principal = verify_token("s", issue_token("s", "u1", ["warning_officer"], ["130402"]))
    assert principal.subject == "u1"
    assert principal.has_any_role(["warning_officer"])
    principal.require_county("130402")
    with pytest.raises(Forbidden):
        principal.require_county("130102")


def test_an_expired_or_forged_token_is_refused():
    old = issue_token("s", "u1", ["auditor"], ["130402"], now=datetime.now(timezone.utc) - timedelta(days=2))
    with pytest.raises(Unauthorized) as expired:
        verify_token("s", old)
    assert expired.value.code == "token_expired"
    with pytest.raises(Unauthorized):
        verify_token("other-secret", issue_token("s", "u1", ["auditor"], ["130402"]))


def test_unknown_roles_cannot_be_issued():
    with pytest.raises(ValueError):
        issue_token("s", "u1", ["emperor"], ["130402"])


class _Data(Schema):
    petition_id = fields.String(required=True)


def test_an_envelope_is_cloudevents_with_county_and_only_declared_data():
    reg = EventRegistry()
    event_type = reg.register("intake", "petition.received", 1, _Data, "test")
    env = build_event(event_type, {"petition_id": "p1", "extra": "dropped"}, subject="petition/p1", county="130402")
    assert env["specversion"] == "1.0"
    assert env["type"] == "wuying.intake.petition.received.v1"
    assert env["source"] == "/wuying/intake"
    assert env["data"] == {"petition_id": "p1"}
    assert env["time"].endswith("Z")
    assert short_name(parse_event(env)) == "petition.received"


def test_an_envelope_with_a_bad_county_code_is_refused():
    reg = EventRegistry()
    event_type = reg.register("intake", "petition.received", 1, _Data, "test")
    with pytest.raises(ValidationError):
        build_event(event_type, {"petition_id": "p1"}, subject="petition/p1", county="13040")


@pytest.mark.parametrize(
    "caller, field",
    [
        ({"county": "13040"}, "county"),
        ({"county": "130402\n1"}, "county"),
        ({"county": 130402}, "county"),
        ({"county": None}, "county"),
        ({"subject": None}, "subject"),
        ({"subject": ["petition/p1"]}, "subject"),
        ({"event_id": "not-a-uuid"}, "id"),
    ],
)
def test_every_envelope_of_a_type_checks_what_the_caller_passed(caller, field):
    """After an event type's first envelope, only the caller's parts are checked again (the
    rest is the type's or build_event's own): they are refused as ENVELOPE.load refuses them."""
    event_type = EventRegistry().register("intake", "petition.recheck", 1, _Data, "test")
    first = build_event(event_type, {"petition_id": "p1"}, subject="petition/p1", county="130402")
    assert parse_event(dict(first)) == first
    given = {"subject": "petition/p1", "county": "130402", **caller}
    with pytest.raises(ValidationError) as refused:
        build_event(event_type, {"petition_id": "p1"}, **given)
    assert list(refused.value.messages) == [field]
    with pytest.raises(ValidationError) as loaded:
        ENVELOPE.load({**first, **{("id" if k == "event_id" else k): v for k, v in caller.items()}})
    assert refused.value.messages == loaded.value.messages


def test_an_envelope_is_the_same_whether_its_type_was_checked_before_or_not():
    event_type = EventRegistry().register("intake", "petition.same", 1, _Data, "test")
    when = datetime(2026, 11, 20, 2, 0, tzinfo=timezone.utc)
    made = [
        build_event(event_type, {"petition_id": "p1"}, subject="petition/p1", county="130402", now=when, event_id=i)
        for i in ("0b9cdb64-5e2f-4d59-9df4-6f1d8e1a4c11", "0b9cdb64-5e2f-4d59-9df4-6f1d8e1a4c11")
    ]
    assert made[0] == made[1]
    assert parse_event(dict(made[1])) == made[0]


_WELL_FORMED = {
    "specversion": "1.0",
    "id": "0b9cdb64-5e2f-4d59-9df4-6f1d8e1a4c11",
    "source": "/wuying/intake",
    "type": "wuying.intake.petition.triaged.v1",
    "time": "2026-11-20T02:00:00Z",
    "subject": "petition/p1",
    "datacontenttype": "application/json",
    "dataschema": "https://schemas.wuying.local/events/wuying.intake.petition.triaged.v1.json",
    "county": "130402",
    "data": {"petition_id": "p1"},
}
_ODD_VALUES = st.one_of(
    st.none(),
    st.integers(),
    st.booleans(),
    st.binary(max_size=8),
    st.lists(st.text(max_size=4), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
    st.text(max_size=12),
    st.text(alphabet="0123456789abcdefABCDEF-{}:urn/.wuyingv\n ", max_size=40),
    st.sampled_from(
        ["1.0", "1.0\n", "130402\n", "/wuying/risk\n", "wuying.a.b.v1", "{0b9cdb64-5e2f-4d59-9df4-6f1d8e1a4c11}"]
    ),
    st.sampled_from([str(uuid.UUID(int=n)) for n in (0, 7, 2**128 - 1)] + ["0b9cdb645e2f4d599df46f1d8e1a4c11"]),
)


@settings(max_examples=400)
@given(
    field=st.sampled_from([*_WELL_FORMED, "extra"]),
    value=_ODD_VALUES,
    others=st.dictionaries(st.sampled_from([*_WELL_FORMED, "extra"]), _ODD_VALUES, max_size=2),
    more=st.booleans(),
    dropped=st.sets(st.sampled_from(list(_WELL_FORMED)), max_size=1),
)
def test_the_quick_envelope_check_accepts_only_what_the_envelope_schema_accepts(field, value, others, more, dropped):
    """One field changed (the likeliest slip past a quick check), sometimes more, one dropped."""
    changes = {**(others if more else {}), field: value}
    envelope = {k: v for k, v in {**_WELL_FORMED, **changes}.items() if k not in dropped}
    refused = ENVELOPE.validate(envelope)
    if plainly_valid(envelope):
        assert refused == {}
    if refused:
        with pytest.raises(ValidationError) as raised:
            parse_event(envelope)
        assert raised.value.messages == refused
    else:
        assert parse_event(envelope) is envelope


def test_a_well_formed_envelope_takes_the_quick_check():
    assert plainly_valid(dict(_WELL_FORMED))
    assert not plainly_valid({**_WELL_FORMED, "county": "13040"})
    assert not plainly_valid(list(_WELL_FORMED))


def test_no_event_schema_may_declare_a_reporter_field():
    class Leaky(Schema):
        petition_id = fields.String()
        reporter_name = fields.String()

    with pytest.raises(ValueError, match="secret fields"):
        EventRegistry().register("intake", "petition.leaky", 1, Leaky, "test")


def test_validation_messages_are_in_chinese():
    from marshmallow import Schema, fields, validate

    class Probe(Schema):
        name = fields.String(required=True)
        age = fields.Integer(validate=validate.Range(min=1, max=9))
        kind = fields.String(validate=validate.OneOf(["a", "b"]))

    errors = Probe().validate({"age": 20, "kind": "c", "extra": 1})
    assert errors["name"] == ["必填字段，不能缺少"]
    assert errors["age"] == ["必须大于或等于 1 且小于或等于 9"]
    assert errors["kind"][0].startswith("必须是以下取值之一")
    assert errors["extra"] == ["不允许的字段"]


def test_no_two_entrypoints_of_a_service_share_a_method_name():
    """A later definition silently replaces an earlier entrypoint of the same name."""
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[3] / "services"
    for path in root.glob("*/wuying_*/service.py"):
        tree = ast.parse(path.read_text("utf-8"))
        for cls in [n for n in tree.body if isinstance(n, ast.ClassDef)]:
            names = [f.name for f in cls.body if isinstance(f, ast.FunctionDef)]
            assert len(names) == len(set(names)), f"{path}: {sorted({n for n in names if names.count(n) > 1})}"


def test_event_times_are_utc_and_deadlines_count_from_the_beijing_date():
    from datetime import date, datetime, timedelta, timezone

    from wuying_common.clock import CST, beijing_date, naive_utc, parse_rfc3339, rfc3339

    late_evening_utc = datetime(2026, 9, 30, 17, 30, tzinfo=timezone.utc)  # 01:30 on 10-01 in Beijing
    assert beijing_date(late_evening_utc) == date(2026, 10, 1)
    assert beijing_date(naive_utc(late_evening_utc)) == date(2026, 10, 1)
    assert naive_utc(datetime(2026, 10, 1, 1, 30, tzinfo=CST)) == datetime(2026, 9, 30, 17, 30)
    assert rfc3339(late_evening_utc) == "2026-09-30T17:30:00Z"
    assert parse_rfc3339("2026-09-30T17:30:00Z") == late_evening_utc
    assert parse_rfc3339("not a time") is None and parse_rfc3339(None) is None
    assert parse_rfc3339(rfc3339(late_evening_utc + timedelta(days=1))) == late_evening_utc + timedelta(days=1)
