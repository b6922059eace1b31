"""The one-click integrity review report (廉政审核, issue 11 item 5).

004/4 深圳龙岗: 系统可根据输入的一人或多人信息及审核时间范围，自动检索相应人员的问题线索、组织处理、党纪
政务处分等内容，实现批量、在线一键生成廉政审核报告. For a list of people (names or ids pasted, an
uploaded file's lines, or a unit) and a date range: every settled outcome — clue dispositions,
organisational handling, sanctions, warnings, inspection findings — and what is still pending,
marked as such; as of a stated time (only what the archive had recorded by then, so the report
can be produced again later and say the same). The request is audited with its requester and
purpose; a request without a purpose is refused. Inputs that match nobody (or several people, or
people outside the requester's counties) are listed back, never dropped. People are resolved and
paged at once; the pages are computed by key (officials, dossiers, files), synchronously for a
small list, else by the timer, page by page, with the progress on the review.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from wuying_common.auth import Principal
from wuying_common.clock import SystemClock, beijing_date, naive_utc
from wuying_common.errors import Conflict
from wuying_common.rules import InvalidInput, RuleBroken, UnprocessableInput

from ..domain.matters import MatterRecord
from ..domain.outcomes import Fact, fold, in_range, known_by, sanctions
from ..exceptions import ReviewNotFound
from ..persistence import ArchiveStore, Review, ReviewPage
from .conditions import Evaluator
from .portrait import audit

REVIEWERS = ("archive_keeper", "auditor")
PAGE_SIZE = 500
#: People computed in the request itself; larger reviews are run by the timer.
SYNC_LIMIT = 5000
#: People in one printable PDF.
PDF_LIMIT = 3000
MAX_PEOPLE = 250_000

_SPLIT = re.compile(r"[\s,，、;；]+")


class ReviewTooLarge(RuleBroken):
    code = "review_too_large"
    status = 413


@dataclass(frozen=True)
class ReviewRows:
    review: Review
    page: int
    rows: list[dict]


def tokens(people: list[str], text: str) -> list[str]:
    """Names or ids, pasted or from an uploaded file's lines (a CSV's first column)."""
    found = []
    for item in people:
        found += [t for t in _SPLIT.split(item.strip()) if t]
    for line in text.splitlines():
        found += [t for t in _SPLIT.split(line.split(",")[0].strip()) if t]
    return list(dict.fromkeys(t for t in found if t not in ("id", "name", "姓名", "编号")))


def resolve(store: ArchiveStore, principal: Principal, inputs: list[str], unit_id: str | None):
    """(official ids, inputs listed back): by id first, then by name; a name of several people,
    an unknown input and a person outside the requester's counties are listed back."""
    rows = store.official_rows(inputs)
    ids: list[str] = []
    unknown: list[dict] = []
    names = [t for t in inputs if t not in rows]
    named = store.officials_named(names) if names else {}
    for token in inputs:
        if token in rows:
            matches = [rows[token]]
        else:
            matches = named.get(token, [])
        if not matches:
            unknown.append({"input": token, "reason": "not_found", "reason_zh": "档案库中无此人", "candidates": []})
            continue
        if len(matches) > 1:
            unknown.append(
                {
                    "input": token,
                    "reason": "ambiguous",
                    "reason_zh": "同名多人，请改用编号",
                    "candidates": [f"{m['_id']}（{m.get('unit_id', '')} {m.get('post', '')}）" for m in matches],
                }
            )
            continue
        match = matches[0]
        if not principal.can_see(match["county"]):
            unknown.append(
                {"input": token, "reason": "outside_counties", "reason_zh": "不在授权地区范围内", "candidates": []}
            )
            continue
        ids.append(match["_id"])
    if unit_id:
        members = store.unit_members(unit_id)
        if not members:
            unknown.append(
                {"input": unit_id, "reason": "unit_empty", "reason_zh": "该单位无在册人员", "candidates": []}
            )
        member_rows = store.official_rows(members)
        ids += [m for m in members if principal.can_see(member_rows[m]["county"])]
    return list(dict.fromkeys(ids)), unknown


def create_review(
    store: ArchiveStore,
    clock: SystemClock,
    evaluator: Evaluator,
    principal: Principal,
    *,
    purpose: str,
    people: list[str] | None = None,
    text: str = "",
    unit_id: str | None = None,
    date_from: date | None = None,
    date_to: date | None = None,
    as_of: datetime | None = None,
) -> Review:
    principal.require_role(*REVIEWERS)
    if not purpose.strip():
        raise InvalidInput("purpose", "廉政审核必须写明用途（如：干部选拔任用征求意见）", "purpose_required")
    now = clock.now()
    as_of = as_of or now
    if as_of.replace(tzinfo=None) > naive_utc(now):
        raise UnprocessableInput("as_of", "审核时点不能晚于当前时间", "as_of_in_future")
    if date_from and date_to and date_from > date_to:
        raise UnprocessableInput("date_from", "起始日期不能晚于截止日期", "range_invalid")
    inputs = tokens(people or [], text)
    if not inputs and not unit_id:  # names read out of free text: not a rule of the schema (422)
        raise UnprocessableInput("people", "请输入人员姓名或编号、上传名单或选择单位", "people_required")
    ids, unknown = resolve(store, principal, inputs, unit_id)
    if len(ids) > MAX_PEOPLE:
        raise ReviewTooLarge("people", f"一次审核最多 {MAX_PEOPLE} 人")
    review = Review(
        id=uuid.uuid4().hex,
        requester=principal.subject,
        roles=sorted(principal.roles),
        purpose=purpose.strip(),
        county=principal.counties[0] if principal.counties else "",
        counties=list(principal.counties),
        requested_at=naive_utc(now),
        as_of=naive_utc(as_of),
        date_from=date_from.isoformat() if date_from else None,
        date_to=date_to.isoformat() if date_to else None,
        unit_id=unit_id,
        total=len(ids),
        pages=(len(ids) + PAGE_SIZE - 1) // PAGE_SIZE,
        unknown=unknown,
        state="queued" if ids else "done",
        finished_at=None if ids else naive_utc(now),
    )
    audit(store, clock, principal, "review.create", review.id, review.county, review.purpose)
    for n in range(review.pages):
        store.add(
            ReviewPage(
                id=f"{review.id}/{n}", review_id=review.id, n=n, official_ids=ids[n * PAGE_SIZE : (n + 1) * PAGE_SIZE]
            )
        )
    store.add(review)
    if review.total <= SYNC_LIMIT:
        review = run_review(store, clock, evaluator, review.id)
    return review


def run_review(
    store: ArchiveStore, clock: SystemClock, evaluator: Evaluator, review_id: str, max_pages: int | None = None
) -> Review:
    """Compute the pages not yet computed, saving the progress after each (resumable)."""
    review = store.get(Review, review_id)
    if review is None:
        raise ReviewNotFound(fields={"id": review_id})
    first = date.fromisoformat(review.date_from) if review.date_from else None
    last = date.fromisoformat(review.date_to) if review.date_to else None
    ran = 0
    while review.done_pages < review.pages and (max_pages is None or ran < max_pages):
        page = store.get(ReviewPage, f"{review.id}/{review.done_pages}")
        if page is None:  # written with the review: missing only if the store lost it
            raise ReviewNotFound(fields={"page": review.done_pages})
        rows = review_page(store, evaluator, page.official_ids, review.as_of, first, last)
        page.rows = rows
        store.add_or_replace(page)
        review.done += len(rows)
        review.done_pages += 1
        review.with_findings += sum(1 for r in rows if r["items"])
        review.pending_items += sum(r["pending"] for r in rows)
        review.state = "running"
        if review.done_pages == review.pages:
            review.state, review.finished_at = "done", naive_utc(clock.now())
        try:
            review = store.save(review)
        except Conflict:  # another replica ran this page too: follow it
            review = store.get(Review, review_id)
        ran += 1
    return review


def review_page(
    store: ArchiveStore, evaluator: Evaluator, ids: list[str], as_of: datetime, first: date | None, last: date | None
) -> list[dict]:
    """One row per person: what the archive knew as of ``as_of`` about the period."""
    officials, dossiers, entries = store.review_material(ids)
    on = as_of.date()
    rows = []
    for oid in ids:
        official = officials.get(oid)
        if official is None:
            continue
        file = sorted(entries.get(oid, []), key=lambda e: e["seq"])
        known = [e for e in file if known_by(e.get("recorded_at"), as_of)]
        facts = [Fact(e["seq"], e["kind"], e.get("data") or {}, e["occurred_at"], e.get("recorded_at")) for e in known]
        records = [
            _record(r)
            for r in (dossiers.get(oid) or {}).get("records", [])
            if r.get("kind") == "sanction" and _entered_by(r, as_of)
        ]
        outcomes = [o for o in fold(facts) + sanctions(records, on, evaluator.calendar) if in_range(o, first, last)]
        outcomes = [o for o in outcomes if o.category not in ("report", "reminder")]  # not outcomes of a review
        pending = sum(not o.settled for o in outcomes)
        rows.append(
            {
                "official_id": oid,
                "name": official["name"],
                "county": official["county"],
                "unit_id": official["unit_id"],
                "post": official["post"],
                "file_seq": known[-1]["seq"] if known else 0,
                "file_hash": known[-1]["hash"] if known else "",
                "items": [
                    {
                        "category": o.category,
                        "category_zh": o.category_zh,
                        "ref": o.ref,
                        "settled": o.settled,
                        "status_zh": o.status_zh,
                        "state_zh": o.state_zh,
                        "detail_zh": o.detail_zh,
                        "first_on": o.first_on,
                        "last_on": o.last_on,
                    }
                    for o in outcomes
                ],
                "pending": pending,
                "conclusion_zh": conclusion(len(outcomes), pending),
            }
        )
    return rows


def conclusion(items: int, pending: int) -> str:
    if not items:
        return "审核期间未发现问题线索处置、组织处理、党纪政务处分、预警及巡察发现问题等情况"
    extra = f"，其中 {pending} 项尚未办结" if pending else ""
    return f"审核期间有 {items} 项需说明的情况{extra}"


def _entered_by(raw: dict, as_of: datetime) -> bool:
    entered = raw.get("entered_at")
    if entered is not None:
        return known_by(entered, as_of)
    return str(raw.get("recorded_on", "")) <= beijing_date(as_of).isoformat()


def _record(raw: dict) -> MatterRecord:
    return MatterRecord(
        id=raw["id"],
        kind=raw["kind"],
        source=raw.get("source", ""),
        recorded_on=raw.get("recorded_on", ""),
        sanction=raw.get("sanction", ""),
        decided_on=raw.get("decided_on", ""),
    )


def get_review(
    store: ArchiveStore, clock: SystemClock, principal: Principal, review_id: str, action: str = "review.read"
) -> Review:
    principal.require_role(*REVIEWERS)
    review = store.get(Review, review_id)
    if review is None:
        raise ReviewNotFound(fields={"id": review_id})
    if review.requester != principal.subject:
        principal.require_county(review.county)
    audit(store, clock, principal, action, review.id, review.county, review.purpose)
    return review


def rows_of(store: ArchiveStore, clock: SystemClock, principal: Principal, review_id: str, page: int) -> ReviewRows:
    review = get_review(store, clock, principal, review_id)
    found = store.get(ReviewPage, f"{review_id}/{page}") if page < review.pages else None
    return ReviewRows(review, page, list(found.rows or []) if found else [])


def all_rows(store: ArchiveStore, review: Review) -> list[dict]:
    if review.total > PDF_LIMIT:
        raise ReviewTooLarge("people", f"一份PDF最多 {PDF_LIMIT} 人，请分批审核或分页查看")
    rows: list[dict] = []
    for n in range(review.done_pages):
        page = store.get(ReviewPage, f"{review.id}/{n}")
        rows += list(page.rows or []) if page else []
    return rows
