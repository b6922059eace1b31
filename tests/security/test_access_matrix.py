"""Generated from the authorisation matrix: every route of every service, called with every
role, no token, a foreign-county token and a token wider than the route allows (in-process,
through the HTTP layer's own check; no broker)."""

from __future__ import annotations

import importlib
import uuid

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from wuying_common import access
from wuying_common.auth import ROLES, TokenVerifier, issue_token
from wuying_common.errors import Forbidden, Unauthorized
from wuying_common.http import JsonHttp
from wuying_common.openapi import service_routes

SERVICES = ("intake", "risk", "warning", "inspection", "archive", "partners")
SECRET = "matrix-test-" + uuid.uuid4().hex
SUBJECT = "off-self"


def _service_cls(name):
    module = importlib.import_module(f"wuying_{name}.service")
    return next(c for c in vars(module).values() if isinstance(c, type) and getattr(c, "name", None) == name)


ROUTES = [(svc, op, spec) for svc in SERVICES for op, spec in service_routes(_service_cls(svc))]


def _handler(service, operation, spec) -> JsonHttp:
    handler = JsonHttp(spec.method, spec.path, spec=spec)
    handler.method_name = operation
    handler.verifier = TokenVerifier(secret=SECRET)
    handler.rule = access.rule_for(service, operation)
    return handler


def _request(spec, token=None, own=True):
    values = {}
    path = spec.path
    for part in path.split("/"):
        if part.startswith("<"):
            name = part.strip("<>").split(":")[-1]
            values[name] = SUBJECT if own else "someone-else"
    environ = EnvironBuilder(
        method=spec.method, path="/x", headers={"Authorization": f"Bearer {token}"} if token else {}
    ).get_environ()
    request = Request(environ)
    request.path_values = values
    return request


def _outcome(handler, request) -> str:
    try:
        principal = handler._authorise(request)
    except Unauthorized:
        return "401"
    except Forbidden as exc:
        return f"403:{exc.code}"
    return f"ok:{principal.scope}" if principal is not None else "ok:public"


def test_every_route_of_every_service_is_in_the_matrix():
    missing = [
        f"{svc}.{op} ({spec.method} {spec.path})" for svc, op, spec in ROUTES if access.rule_for(svc, op) is None
    ]
    assert missing == [], "routes without a rule in wuying_common/access.py (they answer 403): " + ", ".join(missing)


def test_the_matrix_names_no_route_that_does_not_exist():
    existing = {(svc, op) for svc, op, _ in ROUTES}
    stale = [
        f"{svc}.{op}" for svc, rules in access.MATRIX.items() if svc != "*" for op in rules if (svc, op) not in existing
    ]
    assert stale == []


def test_a_route_not_in_the_matrix_answers_403():
    spec = ROUTES[0][2]
    handler = _handler("intake", "not_a_declared_route", spec)
    assert (
        _outcome(handler, _request(spec, issue_token(SECRET, "s-1", ["auditor"], ["130402"])))
        == "403:route_not_in_matrix"
    )


@pytest.mark.parametrize(("service", "operation", "spec"), ROUTES, ids=[f"{s}.{o}" for s, o, _ in ROUTES])
def test_every_role_gets_what_the_matrix_grants_and_nothing_else(service, operation, spec):
    rule = access.rule_for(service, operation)
    handler = _handler(service, operation, spec)
    if rule.public:
        assert _outcome(handler, _request(spec)) == "ok:public"
        return
    assert _outcome(handler, _request(spec)) == "401"
    for role in sorted(ROLES):
        county_token = issue_token(SECRET, SUBJECT, [role], ["130402"])
        got = _outcome(handler, _request(spec, county_token))
        scope = rule.grants.get(role)
        if scope is None:
            assert got == "403:role_forbidden", (role, got)
            continue
        assert got == f"ok:{scope}", (role, got)
        if scope == access.OWN and rule.own_param:
            other = _outcome(handler, _request(spec, county_token, own=False))
            assert other == "403:not_own_record", (role, other)
        # A foreign county passes the route's check only to meet the record's county check in
        # the handler: the principal carries that county and nothing else.
        foreign = handler._authorise(_request(spec, issue_token(SECRET, SUBJECT, [role], ["130102"])))
        assert foreign.counties == ("130102",) and not foreign.can_see("130402")
        # A token wider than the granted scope is refused; a province-wide grant takes it.
        province = _outcome(handler, _request(spec, issue_token(SECRET, SUBJECT, [role], ["130000"])))
        if scope in (access.COUNTY, access.CITY):
            assert province == "403:scope_forbidden"
        elif scope == access.PROVINCE:
            assert province == "ok:province"


def test_agency_reader_writes_nothing_and_never_reads_report_content_identity_or_files():
    granted = {(s, o) for s, rules in access.MATRIX.items() for o, r in rules.items() if "agency_reader" in r.grants}
    writes = [f"{s}.{o}" for s, o in granted if access.MATRIX[s][o].action != access.READ]
    assert writes == []
    sensitive = {
        ("intake", "list_reports"),
        ("intake", "get_report"),
        ("intake", "open_identity"),
        ("archive", "official_file"),
        ("risk", "get_profile_http"),
    }
    assert granted & sensitive == set()


def test_an_official_sees_only_their_own_records():
    for service, rules in access.MATRIX.items():
        for operation, rule in rules.items():
            if "official" in rule.grants and rule.personal:
                assert rule.grants["official"] == access.OWN, f"{service}.{operation}"


def test_unknown_division_codes_in_a_token_never_widen_it():
    principal = TokenVerifier(secret=SECRET).verify(issue_token(SECRET, "s", ["auditor"], ["999999", "*", "130402"]))
    assert principal.counties == ("130402",)


def test_the_matrix_printed_for_people():
    rows = access.rows()
    print(f"\n{len(rows)} rows (service, operation, action, role, scope); e.g. {rows[:3]}")
    assert ("warning", "inbox", "read", "official", "own") in rows
