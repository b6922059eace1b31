"""The one authorisation matrix: role × action × scope for every HTTP route of every service.

Every ``@route`` is looked up here by its service and its entrypoint's method name; the HTTP
layer (``http.py``) derives the whole check from the entry: public or not, which roles, how wide
a token may be, whether the caller may only touch their own record, whether the answer is
personal (``Cache-Control: no-store``) and whether a denial must be audited by the service.
A route that is not in the matrix answers 403 (default deny) and ``tests/security`` fails
listing it, so a new route cannot ship without a declared rule.

Scopes, narrowest first:
- ``own``: records about the caller themself (an ``official``): the path's ``own_param`` must be
  the token's subject, or the handler filters by subject (``Principal.scope == "own"``);
- ``county``, ``city``, ``province``: the widest division a token may name for this action. A
  city or province token rolls up over its counties where the handler takes several counties.
The county of each record is still checked against the token's divisions by the handlers.

Division codes are GB/T 2260 six-digit ASCII codes that exist in the loaded division list
(``WUYING_DIVISIONS_FILE``: CSV ``code,name,parent`` or JSON ``[{"code","name","parent"}]``); the
default is the demo province (河北省, 19 counties and their 4 cities, tools/wuying_tools/demo.py).
"""

from __future__ import annotations

import csv
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

OWN, COUNTY, CITY, PROVINCE = "own", "county", "city", "province"
SCOPES = (OWN, COUNTY, CITY, PROVINCE)
PUBLIC, READ, WRITE = "public", "read", "write"


# -- divisions ------------------------------------------------------------------------------
_ASCII_CODE = re.compile(r"[0-9]{6}", re.ASCII)

# (code, name, parent): the demo province, its cities and counties (real GB/T 2260 codes).
DEFAULT_DIVISIONS: tuple[tuple[str, str, str], ...] = (
    ("130000", "河北省", ""),
    ("130100", "石家庄市", "130000"),
    ("130200", "唐山市", "130000"),
    ("130400", "邯郸市", "130000"),
    ("130600", "保定市", "130000"),
    ("130102", "长安区", "130100"),
    ("130104", "桥西区", "130100"),
    ("130105", "新华区", "130100"),
    ("130108", "裕华区", "130100"),
    ("130123", "正定县", "130100"),
    ("130202", "路南区", "130200"),
    ("130203", "路北区", "130200"),
    ("130204", "古冶区", "130200"),
    ("130224", "滦南县", "130200"),
    ("130281", "遵化市", "130200"),
    ("130402", "邯山区", "130400"),
    ("130403", "丛台区", "130400"),
    ("130404", "复兴区", "130400"),
    ("130406", "峰峰矿区", "130400"),
    ("130408", "永年区", "130400"),
    ("130602", "竞秀区", "130600"),
    ("130606", "莲池区", "130600"),
    ("130607", "满城区", "130600"),
    ("130681", "涿州市", "130600"),
)


def division_level(code: str) -> str:
    """``province`` (xx0000), ``city`` (xxxx00) or ``county``, by the GB/T 2260 structure."""
    if code.endswith("0000"):
        return PROVINCE
    if code.endswith("00"):
        return CITY
    return COUNTY


@dataclass(frozen=True)
class Divisions:
    names: Mapping[str, str]

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and bool(_ASCII_CODE.fullmatch(code)) and code in self.names

    def counties_under(self, code: str) -> list[str]:
        """The loaded counties a division covers (itself, for a county)."""
        if division_level(code) == COUNTY:
            return [code] if code in self else []
        prefix = code[:2] if division_level(code) == PROVINCE else code[:4]
        return sorted(c for c in self.names if c.startswith(prefix) and division_level(c) == COUNTY)

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, str, str]]) -> Divisions:
        names = {}
        for code, name, _parent in rows:
            code = str(code).strip()
            if not _ASCII_CODE.fullmatch(code):
                raise ValueError(f"not a six-digit GB/T 2260 code: {code!r}")
            names[code] = str(name)
        return cls(names)

    @classmethod
    def load(cls, path: str | Path) -> Divisions:
        path = Path(path)
        text = path.read_text("utf-8-sig")
        if path.suffix == ".json":
            rows = [(r["code"], r.get("name", ""), r.get("parent", "")) for r in json.loads(text)]
        else:
            rows = [
                (r[0], r[1] if len(r) > 1 else "", r[2] if len(r) > 2 else "")
                for r in csv.reader(text.splitlines())
                if r and r[0] != "code"
            ]
        return cls.from_rows(rows)


_divisions: Divisions | None = None


def divisions() -> Divisions:
    """The loaded division list: ``WUYING_DIVISIONS_FILE`` when set, else the demo province."""
    global _divisions
    if _divisions is None:
        path = os.environ.get("WUYING_DIVISIONS_FILE")
        _divisions = Divisions.load(path) if path else Divisions.from_rows(DEFAULT_DIVISIONS)
    return _divisions


def use_divisions(loaded: Divisions | None) -> None:
    """Replace the loaded list (tests; ``None`` reloads from the environment on next use)."""
    global _divisions
    _divisions = loaded


# -- the matrix -----------------------------------------------------------------------------
@dataclass(frozen=True)
class Rule:
    """One route's entry: which roles may act, each up to which scope."""

    action: str  # public | read | write
    grants: Mapping[str, str] = field(default_factory=dict)  # role -> widest scope
    personal: bool = True  # answer is about people or cases: Cache-Control: no-store
    audited: bool = False  # the service audits denials too (the HTTP layer defers them)
    own_param: str | None = None  # path parameter that must be the caller's subject for "own"

    @property
    def public(self) -> bool:
        return self.action == PUBLIC

    def scope_for(self, roles: Iterable[str]) -> str | None:
        """The widest scope any of these roles has here (None: no role is granted)."""
        granted = [self.grants[r] for r in roles if r in self.grants]
        return max(granted, key=SCOPES.index) if granted else None


def public(*, personal: bool = False) -> Rule:
    return Rule(PUBLIC, personal=personal)


def _grants(roles: Iterable[str], scope: str, own: Iterable[str]) -> dict[str, str]:
    grants = {role: scope for role in roles}
    grants.update({role: OWN for role in own})
    return grants


def read(roles: Iterable[str], *, own: Iterable[str] = (), scope: str = PROVINCE, **kw) -> Rule:
    return Rule(READ, _grants(roles, scope, own), **kw)


def write(roles: Iterable[str], *, own: Iterable[str] = (), scope: str = PROVINCE, **kw) -> Rule:
    if "agency_reader" in roles:
        raise ValueError("agency_reader writes nothing")
    return Rule(WRITE, _grants(roles, scope, own), **kw)


# Role groups. ``official`` and ``agency_reader`` are never in a staff group: what they may see
# is granted route by route below.
LEADERS = ("commission_leader", "commission_secretary", "party_committee")
INTAKE_STAFF = ("intake_clerk", "intake_supervisor", "commission_secretary", "commission_leader")
INTAKE_HANDLERS = ("intake_clerk", "commission_secretary")
# Records in the file and integrity credit (archive, issue 11); the one-click review.
ARCHIVE_RECORDS = ("archive_keeper", "auditor", "commission_leader")
ARCHIVE_REVIEWERS = ("archive_keeper", "auditor")
IDENTITY = ("intake_clerk", "intake_supervisor")
STAFF = (
    "intake_clerk",
    "intake_supervisor",
    "risk_officer",
    "warning_officer",
    *LEADERS,
    "inspector",
    "archive_keeper",
    "auditor",
)
RISK_WRITERS = ("risk_officer",)
RULE_WRITERS = ("risk_officer", "commission_leader", "commission_secretary")
MONITORING = ("inspector", "risk_officer", "auditor", "commission_leader", "commission_secretary")
WARNING_READERS = ("warning_officer", *LEADERS, "auditor")
PLAN_READERS = ("inspector", "commission_leader", "commission_secretary", "auditor")
REMINDERS = ("auditor", "commission_leader", "commission_secretary", "archive_keeper")
ARCHIVE_READERS = ("archive_keeper", *LEADERS, "auditor", "inspector", "risk_officer", "warning_officer")
# What the inter-agency agreement grants an agency (组织部门、审计等): aggregates and the
# warnings' and plans' status, never report content, identities, profiles or files.
AGENCY = ("agency_reader",)

MATRIX: dict[str, dict[str, Rule]] = {
    # Every service's own routes (WuyingService).
    "*": {
        "health_endpoint": public(),
        "liveness_endpoint": public(),
        "metrics_endpoint": public(),
        "openapi_endpoint": public(),
    },
    "intake": {
        "submit_public": public(personal=True),
        "lookup_receipt": public(personal=True),
        "add_information": public(personal=True),
        "download_acknowledgement": public(personal=True),
        "verify_acknowledgement": public(),
        "submit_staff": write(("intake_clerk",)),
        # A commission's historical reports, from its previous system (历史信访件导入).
        "import_reports": write(("operator", "intake_supervisor")),
        # Report content: intake's staff only (issue 9: not officials, not agencies, not others).
        "list_reports": read(INTAKE_STAFF),
        "get_report": read(INTAKE_STAFF),
        "list_attachments": read(INTAKE_STAFF),
        "download_attachment": read(INTAKE_STAFF),
        "print_acknowledgement": read(INTAKE_HANDLERS),
        "triage_report": write(INTAKE_HANDLERS),
        "close_report": write(INTAKE_HANDLERS),
        "merge_report": write(INTAKE_HANDLERS),
        "close_repeated": write(INTAKE_HANDLERS),
        "feedback": write(INTAKE_HANDLERS),
        "extend_report": write(INTAKE_HANDLERS),
        "send_up": write(INTAKE_HANDLERS),
        "acknowledge": write(INTAKE_HANDLERS),
        "verification": write((*IDENTITY, "commission_secretary")),
        "assign_report": write(("intake_supervisor", "commission_secretary")),
        "add_note": write(INTAKE_STAFF),
        "deadline_worklist": read(INTAKE_STAFF),
        "statistics": read((*INTAKE_STAFF, "party_committee", "auditor", *AGENCY), personal=False),
        "set_legal_hold": write(("intake_supervisor",)),
        "release_legal_hold": write(("intake_supervisor",)),
        "purges": read(("auditor", "intake_supervisor")),
        "request_identity": write(IDENTITY, audited=True),
        # The pending requests a supervisor may decide (no identity in them).
        "identity_worklist": read(("intake_supervisor",)),
        "approve_identity": write(("intake_supervisor",), audited=True),
        "refuse_identity": write(("intake_supervisor",), audited=True),
        "open_identity": read(IDENTITY, audited=True),
        "audit": read(("auditor",)),
    },
    "risk": {
        "public_library": public(),
        "get_profile_http": read(STAFF, own=("official",), own_param="official_id"),
        "get_profile_signals": read(STAFF, own=("official",), own_param="official_id"),
        "list_profiles": read(STAFF),
        "get_unit_profile": read(STAFF),
        "list_unit_profiles": read(STAFF),
        "import_assessments": write(RISK_WRITERS),
        "recompute_profiles": write(RULE_WRITERS),
        "create_rule_version": write(RULE_WRITERS),
        "correct_rule_version": write(RULE_WRITERS),
        "list_rule_versions": read((*STAFF, "operator"), personal=False),
        "rules_in_force": read((*STAFF, "operator"), personal=False),
        "create_power": write(RISK_WRITERS),
        "list_powers": read((*STAFF, *AGENCY), personal=False),
        "get_power": read((*STAFF, *AGENCY), personal=False),
        "power_history": read(STAFF, personal=False),
        "update_power": write(RISK_WRITERS),
        "publish_power": write(("risk_officer", *LEADERS)),
        "delete_power": write(RISK_WRITERS),
        # Identification steps are written by the post's holder (self-found) as well as staff.
        "create_risk_point": write(STAFF, own=("official",)),
        "add_step": write(STAFF, own=("official",)),
        "evaluate_risk_point": write(("risk_officer", *LEADERS)),
        "review_risk_point": write(STAFF),
        "overdue_reviews": read(STAFF),
        "risk_ranking": read(STAFF),
        "get_risk_point": read(STAFF),
        "list_risk_points": read(STAFF),
        "import_records": write(RISK_WRITERS),
        "import_ties": write(RISK_WRITERS),
        "run_scan": write(RISK_WRITERS),
        "query_records": read(MONITORING),
        "query_hits": read(MONITORING),
        "get_hit": read(MONITORING),
    },
    "warning": {
        "propose": write(("warning_officer",)),
        "approve": write(LEADERS),
        "reject": write(LEADERS),
        "record_finding": write(("warning_officer",)),
        "worklist": read(WARNING_READERS),
        "list_tasks": read((*WARNING_READERS, *AGENCY)),
        "get_task": read((*WARNING_READERS, *AGENCY)),
        "record_outcome": write(LEADERS),
        # An official sees their own issued warnings (the handler filters by subject).
        "list_warnings": read((*WARNING_READERS, *AGENCY), own=("official",)),
        "get_warning": read((*WARNING_READERS, *AGENCY), own=("official",)),
        "triggers": read((*STAFF, "official", *AGENCY), personal=False),
        "add_working_days": read((*STAFF, "operator", "official"), personal=False),
        "load_calendar_year": write(("operator",), personal=False),
        "respond": write((), own=("official",)),
        "appeal": write((), own=("official",)),
        "revisit": write(("warning_officer",)),
        "lift": write(LEADERS),
        "decide_appeal": write(LEADERS),
        "transfer": write(("warning_officer",)),
        "extend": write(("party_committee",)),
        "interview": write(("warning_officer",)),
        "record_interview": write(("warning_officer",)),
        "inbox": read((), own=("official",)),
        "read_message": write((), own=("official",)),
        "advanced_eligibility": read((*WARNING_READERS, *AGENCY)),
        "quarterly_report": read((*WARNING_READERS, *AGENCY)),
        "statistics": read((*WARNING_READERS, *AGENCY), personal=False),
    },
    "inspection": {
        "register_units_http": write(("inspector", "operator")),
        "schedule_plan": write(("inspector",)),
        "list_plans": read((*PLAN_READERS, *AGENCY)),
        "get_plan": read((*PLAN_READERS, *AGENCY)),
        "assign_cross_inspection": write(("inspector",)),
        "get_cross_assignment": read(PLAN_READERS),
        "register_specialists": write(("inspector", "operator")),
        "join_specialists": write(("inspector",)),
        "record_finding": write(("inspector",)),
        "complete_round": write(("inspector",)),
        "create_campaign": write(("inspector",)),
        "get_campaign": read(PLAN_READERS),
        "commit_campaign": write(("inspector",)),
        "override_visit": write(("inspector",)),
        "campaign_progress": read(PLAN_READERS),
        "solve_campaign": write(("inspector",)),
        "coverage": read((*PLAN_READERS, *AGENCY)),
        "register_inspectors": write(("inspector", "operator")),
        "get_inspector": read(("inspector", "operator", "auditor")),
        # The caller's own assignments: the handler lists by the token's subject.
        "my_assignments": read(("inspector",)),
        "record_evaluation": write(("inspector",)),
        "add_disposition": write(("inspector",)),
        "close_disposition": write(("inspector",)),
        "upcoming_rounds": read(PLAN_READERS),
    },
    "archive": {
        "register_http": write(("archive_keeper", "operator")),
        "import_chunk": write(("archive_keeper", "operator")),
        "list_officials": read(ARCHIVE_READERS),
        "search_officials": read(ARCHIVE_READERS),
        "post_holders": read(ARCHIVE_READERS),
        # Reads of files and portraits are audited, refusals included (the service logs them).
        "official_file": read(ARCHIVE_READERS, own=("official",), own_param="official_id", audited=True),
        "verify_official_file": read(ARCHIVE_READERS, own=("official",), own_param="official_id", audited=True),
        "unit_file": read(ARCHIVE_READERS, audited=True),
        "verify_unit_file": read(ARCHIVE_READERS, audited=True),
        "tags": read((*STAFF, "operator"), personal=False),
        "get_matters": read(("archive_keeper",)),
        "add_matter": write(("archive_keeper",)),
        "end_matter": write(("archive_keeper",)),
        "condition_list": read(STAFF, personal=False),
        "reminder_list": read(REMINDERS),
        "reminder_figures": read(REMINDERS),
        "reminder_detail": read(REMINDERS),
        "acknowledge_reminder": write(REMINDERS),
        "verify_reminder": write(REMINDERS),
        "close_reminder": write(REMINDERS),
        "reassign_reminder": write(REMINDERS),
        "access_log": read(("auditor",)),
        "export_files": read(("auditor",)),
        "checkpoint_list": read(("auditor",)),
        "sign_now": write(("operator",), personal=False),
        "public_key": read((*STAFF, "operator", *AGENCY), personal=False),
        "official_portrait": read(("archive_keeper",), audited=True),
        "official_report_pdf": read(("archive_keeper",), audited=True),
        # Personal-matters spot checks and inquiries (seeds/000 D, 001 黑龙江).
        "make_draw": write(("auditor",)),
        "commit_draw": write(("auditor",)),
        "get_draw": read(REMINDERS),
        "open_inquiry": write(("auditor",)),
        "inquiry_step": write(("auditor", "commission_leader")),
        "inquiries_of": read(REMINDERS),
        "check_close": write(("commission_leader",)),
        "check_result": write(("auditor",)),
        "report_checks": read(REMINDERS),
        "mandatory_check": write(("auditor", "archive_keeper")),
        # Integrity credit, records in the file, the one-click review (issue 11).
        "official_credit": read(ARCHIVE_RECORDS),
        "add_supervision_record": write(ARCHIVE_RECORDS),
        "supervision_records": read(ARCHIVE_RECORDS),
        "follow_up": write(ARCHIVE_RECORDS),
        "add_lecture": write(("archive_keeper",)),
        "education": read(ARCHIVE_RECORDS),
        "appoint_supervisor": write(("archive_keeper",)),
        "supervisor_list": read(ARCHIVE_RECORDS),
        "supervisor_reports": read(ARCHIVE_RECORDS),
        "create_review": write(ARCHIVE_REVIEWERS),
        "get_review": read(ARCHIVE_REVIEWERS),
        "review_rows": read(ARCHIVE_REVIEWERS),
        "review_report_pdf": read(ARCHIVE_REVIEWERS),
    },
    "partners": {},
}


def rule_for(service: str, operation: str) -> Rule | None:
    """The route's entry, or None (default deny)."""
    return MATRIX.get(service, {}).get(operation) or MATRIX["*"].get(operation)


def rows() -> list[tuple[str, str, str, str, str]]:
    """The matrix flattened (service, operation, action, role, scope), for people and tests."""
    out = []
    for service, rules in sorted(MATRIX.items()):
        for operation, rule in sorted(rules.items()):
            if rule.public:
                out.append((service, operation, PUBLIC, "*", "-"))
            for role, scope in sorted(rule.grants.items()):
                out.append((service, operation, rule.action, role, scope))
    return out
