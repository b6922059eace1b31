"""``json_body.json_types``: a JSON body keeps JSON types (issue 9 item 8); schemathesis sent ``0``
for a boolean and the service took it as ``false`` (``0 in {False}`` in Python)."""

import pytest
from marshmallow import Schema, ValidationError, fields

from wuying_common.json_body import json_types


class Flags(Schema):
    strict = fields.Boolean(truthy={True}, falsy={False})
    plain = fields.Boolean()
    count = fields.Integer()


@pytest.mark.parametrize("name", ["strict", "plain"])
@pytest.mark.parametrize("value", [0, 1, 1.0, "true", "1", None])
def test_a_boolean_takes_only_true_or_false(name, value):
    with pytest.raises(ValidationError) as refused:
        json_types(Flags()).load({name: value})
    assert name in refused.value.messages


@pytest.mark.parametrize("value", [True, False])
def test_true_and_false_load_as_themselves(value):
    assert json_types(Flags()).load({"strict": value, "plain": value}) == {"strict": value, "plain": value}


@pytest.mark.parametrize("value", ["5", 5.5, True])
def test_an_integer_takes_no_string_fraction_or_boolean(value):
    with pytest.raises(ValidationError):
        json_types(Flags()).load({"count": value})
