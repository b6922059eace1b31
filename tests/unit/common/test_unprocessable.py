"""One platform-wide answer for a rule between fields that JSON Schema cannot state (issue 9
item 8): 422 "Unprocessable Content" (RFC 9110 15.5.21: well-formed, schema-valid, semantically
refused) with the rule's stable code, the field named and a Chinese message
(``rules.UnprocessableInput``); a route that can answer it documents 422 (``SEMANTIC_ERRORS``)."""

from datetime import date

import pytest
from marshmallow import Schema, ValidationError, fields, validates_schema

from wuying_common.errors import rule_error
from wuying_common.http import SEMANTIC_ERRORS, route
from wuying_common.openapi import build_openapi
from wuying_common.rules import InvalidInput, UnprocessableInput


class WindowSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)

    @validates_schema
    def end_not_before_start(self, data, **kwargs):
        if data["end"] < data["start"]:
            raise UnprocessableInput("end", "结束日期不能早于开始日期", "window_reversed")


class Windows:
    name = "windows"

    @route("POST", "/api/v1/windows", summary="时段", body=WindowSchema, errors=SEMANTIC_ERRORS)
    def add(self, request):
        return None

    @route("POST", "/api/v1/plain", summary="无字段间规则", body=WindowSchema)
    def plain(self, request):
        return None


def test_a_broken_rule_between_fields_is_a_422_naming_the_field_with_its_code_and_a_chinese_message():
    with pytest.raises(UnprocessableInput) as broken:
        WindowSchema().load({"start": "2026-12-01", "end": "2026-11-01"})
    error = rule_error(broken.value)
    assert (error.status, error.code) == (422, "window_reversed")
    assert error.fields == {"end": "结束日期不能早于开始日期"}
    assert error.to_dict()["error"]["message"] == "结束日期不能早于开始日期"


def test_a_schema_error_stays_a_400_and_an_input_rule_keeps_its_400():
    with pytest.raises(ValidationError):  # not a date at all: the schema's 400
        WindowSchema().load({"start": "soon", "end": "2026-11-01"})
    assert rule_error(InvalidInput("rounds", "每年至少两次")).status == 400
    assert WindowSchema().load({"start": "2026-11-01", "end": "2026-11-01"}) == {
        "start": date(2026, 11, 1),
        "end": date(2026, 11, 1),
    }


def test_only_a_route_that_declares_the_rule_documents_422():
    paths = build_openapi(Windows, title="t")["paths"]
    documented = paths["/api/v1/windows"]["post"]["responses"]
    assert "422" in documented and documented["422"]["content"]["application/json"]["schema"]
    assert "422" not in paths["/api/v1/plain"]["post"]["responses"]
