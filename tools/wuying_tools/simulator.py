"""A simulated province at full size, deterministic from a seed (issue 15 item 1).

About 100 counties of 河北省 with their real GB/T 2260 codes and names (``data/hebei_counties.json``,
taken from a maintained source, see ``data/README.md``), 50,000 units in cooperation zones
(协作区: the cities dealt to six zones, as 001 贵州's six zones group its cities), 200,000
officials with posts and ranks, their families and interests (archive's personal-matters
records), an inspector pool (001 贵州 干部监督人员库, drawn from the commission staff), 100,000
procurement and bidding records (seeds/003 两域, ~8% bids), the supplier ties that families'
businesses make, and a year of triaged reports.

Everything is streamed: each kind is written line by line, county by county, with a random
generator seeded from ``(seed, kind, county)``, so no kind is ever held whole in memory, the
same seed gives the same bytes, and ids of one kind can be named from another without keeping
them (a county's officials are ``<county>-O00001`` … in order, its units ``<county>-U0001`` …).

    wuying simulate generate --seed 7 --out DIR [--scale 1.0] [--counties 100]
    wuying simulate load --dir DIR          load it into running services through their bulk paths

``divisions.json`` in ``DIR`` is the division list for ``WUYING_DIVISIONS_FILE``: start the
services with it so they accept the simulated counties.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import random
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).with_name("data") / "hebei_counties.json"

# Full size (scale 1.0): issue 15 item 1.
UNITS, OFFICIALS, RECORDS, REPORTS, INSPECTORS = 50_000, 200_000, 100_000, 12_000, 3_000
ZONES = 6  # 001 贵州: 六个协作区
YEAR = 2026
TRIAGED = "wuying.intake.petition.triaged.v1"
# The demo's cities first (so the demo's 19 counties are always among them), then the others.
CITY_ORDER = ("130100", "130200", "130400", "130600", "130300", "131100", "131000", "130500", "130900", "130700")

OFFICIAL_HEADER = "id,name,county,unit_id,post,rank,status,since,commission_staff,seconded_to,tags"
UNIT_HEADER = "id,name,county,kind,zone"

# One county's units, in order: (kind, name suffix, posts (post, rank)). The list is repeated
# with a number for the kinds a county has many of (schools, hospitals, villages, enterprises).
_LEAD = [("局长", "正科级"), ("副局长", "副科级"), ("科长", "正科级")]
FIXED_UNITS: list[tuple[str, str, list[tuple[str, str]]]] = [
    (
        "commission_organ",
        "纪委监委机关",
        [("纪委书记", "副处级"), ("纪委副书记", "正科级"), ("纪检监察室主任", "正科级"), ("信访室主任", "正科级")],
    ),
    *[
        ("dispatched_agency", f"纪委监委派驻第{n}纪检监察组", [("组长", "正科级"), ("副组长", "副科级")])
        for n in "一二三四五六七八九十"
    ],
    *[
        ("department", suffix, _LEAD)
        for suffix in (
            "教育局",
            "财政局",
            "住房和城乡建设局",
            "自然资源和规划局",
            "卫生健康局",
            "发展和改革局",
            "公安局",
            "民政局",
            "司法局",
            "人力资源和社会保障局",
            "生态环境分局",
            "交通运输局",
            "水利局",
            "农业农村局",
            "商务局",
            "文化广电和旅游局",
            "应急管理局",
            "审计局",
            "市场监督管理局",
            "统计局",
            "医疗保障局",
            "行政审批局",
            "城市管理综合行政执法局",
            "退役军人事务局",
        )
    ],
]
REPEATED_UNITS: list[tuple[str, str, list[tuple[str, str]]]] = [
    ("township", "第{n}乡镇（街道）", [("党委书记", "正科级"), ("乡镇长", "正科级"), ("副乡镇长", "副科级")]),
    ("school", "第{n}中小学", [("校长", "正科级"), ("副校长", "副科级"), ("总务主任", "科员")]),
    ("other", "第{n}卫生院", [("院长", "正科级"), ("副院长", "副科级")]),
    ("enterprise", "第{n}国有企业", [("董事长", "正科级"), ("总经理", "正科级"), ("财务总监", "副科级")]),
    ("other", "第{n}村（居）委会", [("党支部书记", "科员")]),
]
STAFF_POSTS = [("科员", "科员"), ("办事员", "办事员"), ("科员", "科员"), ("财务人员", "科员")]
TAGS_BY_POST = {
    "局长": "key_minority;principal;deputy_section_or_above",
    "纪委书记": "key_minority;principal;commission_staff;deputy_section_or_above",
    "党委书记": "key_minority;principal;deputy_section_or_above",
    "财务人员": "finance",
    "财务总监": "finance;deputy_section_or_above",
    "总务主任": "procurement",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海波宁鹏飞玉兰凤立新文斌晨曦雪梅春燕"
COUNTRIES = ("加拿大", "澳大利亚", "美国", "新西兰", "新加坡")
SKILLS = ("finance", "law", "engineering", "procurement", "cadre", "audit")
# Integrity-information categories of intake's catalogue (seeds/002 篇5 二(一)), short labels.
CATEGORIES = (
    ("integrity_self_discipline", "廉洁自律问题"),
    ("work_style", "作风问题"),
    ("key_sectors", "重点领域违规问题"),
    ("administrative_affairs", "人事财务资产管理问题"),
    ("harm_to_public_interest", "损害群众利益问题"),
)


@dataclass(frozen=True)
class SimCounty:
    code: str
    name: str
    city_code: str
    city_name: str
    zone: str
    units: int
    officials: int
    records: int
    reports: int
    inspectors: int


@dataclass
class Plan:
    """What a seed and a scale make: the counties and how much of each kind each one holds."""

    seed: int
    scale: float
    province: tuple[str, str]
    source: str
    counties: list[SimCounty] = field(default_factory=list)

    def total(self, kind: str) -> int:
        return sum(getattr(c, kind) for c in self.counties)


def load_divisions(path: Path = DATA) -> dict:
    return json.loads(path.read_text("utf-8"))


def plan(seed: int = 7, *, scale: float = 1.0, counties: int = 100) -> Plan:
    """Pick ``counties`` counties (whole cities in ``CITY_ORDER``, the last one partly), deal the
    cities to ``ZONES`` zones and share each kind's total over the counties."""
    data = load_divisions()
    by_city: dict[str, list[list[str]]] = {}
    for code, name, city, city_name in data["counties"]:
        by_city.setdefault(city, []).append([code, name, city, city_name])
    chosen: list[list[str]] = []
    for city in CITY_ORDER:
        chosen += by_city.get(city, [])[: counties - len(chosen)]
        if len(chosen) >= counties:
            break
    cities = list(dict.fromkeys(c[2] for c in chosen))
    zone_of = {city: f"zone-{i % ZONES + 1}" for i, city in enumerate(cities)}
    n = len(chosen)

    def share(total: float, i: int) -> int:
        whole = max(1, round(total * scale))
        return whole // n + (1 if i < whole % n else 0)

    result = Plan(seed, scale, tuple(data["province"]), data["source"])
    for i, (code, name, city, city_name) in enumerate(chosen):
        units = max(len(FIXED_UNITS) // 4, share(UNITS, i))
        result.counties.append(
            SimCounty(
                code,
                name,
                city,
                city_name,
                zone_of[city],
                units=units,
                officials=max(units, share(OFFICIALS, i)),
                records=share(RECORDS, i),
                reports=share(REPORTS, i),
                inspectors=max(1, share(INSPECTORS, i)),
            )
        )
    return result


def _rng(seed: int, kind: str, county: str) -> random.Random:
    return random.Random(f"{seed}:{kind}:{county}")


def unit_id(county: str, n: int) -> str:
    return f"{county}-U{n:04d}"


def official_id(county: str, n: int) -> str:
    return f"{county}-O{n:05d}"


def _unit_template(i: int) -> tuple[str, str, list[tuple[str, str]]]:
    """The ``i``-th (0-based) unit of a county: the fixed ones, then the repeated kinds in turn."""
    if i < len(FIXED_UNITS):
        return FIXED_UNITS[i]
    k = i - len(FIXED_UNITS)
    kind, suffix, posts = REPEATED_UNITS[k % len(REPEATED_UNITS)]
    return kind, suffix.format(n=k // len(REPEATED_UNITS) + 1), posts


def units(p: Plan) -> Iterator[dict]:
    for c in p.counties:
        for i in range(c.units):
            kind, suffix, _ = _unit_template(i)
            yield {
                "id": unit_id(c.code, i + 1),
                "name": f"{c.name}{suffix}",
                "county": c.code,
                "kind": kind,
                "zone": c.zone,
            }


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2, 2))))


def officials(p: Plan) -> Iterator[dict]:
    """Each unit's posts first (leaders), the county's remaining officials as staff spread over
    its units; ``since`` (in the post) about 3½ years ago on average, exponentially spread (cadres
    rotate: about 6% past the 10 years of 党政领导干部交流工作规定), never more than 20 years."""
    for c in p.counties:
        yield from _county_officials(p, c)


def _county_officials(p: Plan, c: SimCounty) -> Iterator[dict]:
    rng = _rng(p.seed, "officials", c.code)
    slots = _posts(c)[: c.officials]
    while len(slots) < c.officials:
        post, rank = STAFF_POSTS[rng.randrange(len(STAFF_POSTS))]
        slots.append((rng.randrange(c.units), post, rank))
    for n, (i, post, rank) in enumerate(slots, start=1):
        commission = _unit_template(i)[0] in ("commission_organ", "dispatched_agency")
        tags = TAGS_BY_POST.get(post, "")
        if commission and "commission_staff" not in tags:
            tags = ";".join(t for t in (tags, "commission_staff") if t)
        if rng.random() < 0.03:
            tags = ";".join(t for t in (tags, "reserve_cadre") if t)
        yield {
            "id": official_id(c.code, n),
            "name": _name(rng),
            "county": c.code,
            "unit_id": unit_id(c.code, i + 1),
            "post": post,
            "rank": rank,
            "status": "serving",
            "since": (date(YEAR, 1, 1) - timedelta(days=min(int(rng.expovariate(1 / 1280)), 7300))).isoformat(),
            "commission_staff": int(commission),
            "seconded_to": "",
            "tags": tags,
        }


def matters(p: Plan) -> Iterator[dict]:
    """Family and interests (archive's personal-matters records, 001 湖南; 004/4), one JSON line
    each, with its ``official_id``. About a third of the officials (the leading cadres who report
    personal matters, 000/D) report a spouse and children and last year's personal-matters
    report, some others a family; a few relatives run a business (some inside the official's
    remit), a few officials hold a side job or a foreign status. Record ids are ``m1``, ``m2`` …
    in order per official, as the archive numbers them in a new dossier."""
    for c in p.counties:
        rng = _rng(p.seed, "matters", c.code)
        for n in range(1, c.officials + 1):
            oid = official_id(c.code, n)
            leader = rng.random() < 0.35
            if not leader and rng.random() > 0.2:
                continue
            records: list[dict] = []
            base = {"official_id": oid, "source": "personal_report", "recorded_on": f"{YEAR - 1}-03-31"}
            relatives: list[int] = []
            if rng.random() < 0.85:
                records.append({**base, "kind": "spouse", "name": _name(rng)})
                relatives.append(len(records))
            for _ in range(rng.choice((0, 1, 1, 2))):
                abroad = rng.random() < 0.01
                child = {**base, "kind": "child", "name": _name(rng), "settled_abroad": abroad}
                if abroad:
                    child["country"] = rng.choice(COUNTRIES)
                records.append(child)
                relatives.append(len(records))
                if rng.random() < 0.15:
                    records.append(
                        {**base, "kind": "child_spouse", "name": _name(rng), "relative_of": f"m{len(records)}"}
                    )
            if relatives and rng.random() < 0.04:
                holder = f"m{rng.choice(relatives)}"
                records.append(
                    {
                        **base,
                        "kind": "business",
                        "holder": holder,
                        "company": f"{c.name}{rng.choice(GIVEN)}{rng.choice(GIVEN)}商贸有限公司",
                        "within_remit": rng.random() < 0.2,
                    }
                )
            if rng.random() < 0.01:
                records.append(
                    {**base, "kind": "side_job", "company": f"{c.name}行业协会", "role": "理事", "approved": True}
                )
            if rng.random() < 0.002:
                records.append(
                    {**base, "kind": "foreign_status", "foreign_status": "permanent_residency", "country": "加拿大"}
                )
            if leader:
                records.append({**base, "kind": "personal_report", "year": YEAR - 1, "on_time": rng.random() > 0.02})
            yield from records


def supplier_id(county: str, n: int) -> str:
    return f"{county}-S{n:04d}"


def ties(p: Plan) -> Iterator[dict]:
    """Suppliers tied to officials (risk's ``monitoring/ties``, as a relative's business ties
    them, seeds/004): one official in 200, to a supplier of the county's procurement records."""
    for c in p.counties:
        rng = _rng(p.seed, "ties", c.code)
        for n in range(1, c.officials + 1):
            if rng.random() < 0.005:
                yield {
                    "supplier_id": supplier_id(c.code, rng.randint(1, _suppliers(c))),
                    "official_id": official_id(c.code, n),
                    "relation": rng.choice(("spouse", "child", "child_spouse")),
                    "source": "simulated personal_report",
                }


def _suppliers(c: SimCounty) -> int:
    return max(5, c.records // 30)


def inspectors(p: Plan) -> Iterator[dict]:
    """The inspector pool (001 贵州 干部监督人员库): staff of the county's commission organ and
    dispatched agencies (an inspector's id is the official's), with former postings and a
    relative's unit in the county (回避), two skills, about one in three qualified to lead, a
    mobile few (004 闵行). A county has at most as many as it has commission staff."""
    for c in p.counties:
        rng = _rng(p.seed, "inspectors", c.code)
        pool = [o for o in _county_officials(p, c) if o["commission_staff"]][: c.inspectors]
        for person in pool:
            yield {
                "id": person["id"],
                "name": person["name"],
                "county": c.code,
                "zone": c.zone,
                "level": "county" if rng.random() < 0.8 else rng.choice(("city", "province")),
                "unit_id": person["unit_id"],
                "former_unit_ids": [unit_id(c.code, rng.randrange(c.units) + 1) for _ in range(rng.randint(0, 2))],
                "relatives": [{"relation": "spouse", "unit_id": unit_id(c.code, rng.randrange(c.units) + 1)}]
                if rng.random() < 0.3
                else [],
                "skills": rng.sample(SKILLS, 2),
                "gender": rng.choice(("female", "male")),
                "age_band": rng.choice(("under_35", "35_44", "45_54", "55_plus")),
                "leader": rng.random() < 0.35,
                "mobile": rng.random() < 0.05,
            }


def _posts(c: SimCounty) -> list[tuple[int, str, str]]:
    slots: list[tuple[int, str, str]] = []
    for i in range(c.units):
        slots += [(i, post, rank) for post, rank in _unit_template(i)[2]]
    return slots


def records(p: Plan) -> Iterator[dict]:
    """Procurement and bidding records (seeds/003 两域: ~92% procurement, ~8% bids) of the
    county's units, each with a responsible official of the county and a supplier."""
    for c in p.counties:
        rng = _rng(p.seed, "records", c.code)
        for n in range(1, c.records + 1):
            bidding = rng.random() < 0.082
            awarded = date(YEAR, 1, 1) + timedelta(days=rng.randrange(365))
            yield {
                "record_id": f"R{n:06d}",
                "county": c.code,
                "domain": "bidding" if bidding else "procurement",
                "category": "works" if bidding else rng.choice(("goods", "goods", "services")),
                "buyer_unit_id": unit_id(c.code, rng.randrange(c.units) + 1),
                "buyer_kind": rng.choice(("public_hospital", "public_school", "state_company", "agency")),
                "responsible_official_id": official_id(c.code, rng.randrange(c.officials) + 1),
                "supplier_id": supplier_id(c.code, rng.randint(1, _suppliers(c))),
                "amount": round(rng.uniform(5_000, 5_000_000), 2),
                "method": rng.choice(("public_tender", "inquiry", "competitive_negotiation", "single_source")),
                "announced_on": "",
                "awarded_on": awarded.isoformat(),
            }


def reports(p: Plan) -> Iterator[dict]:
    """A year of reports triaged as integrity information (what intake publishes as
    ``petition.triaged``), each about one official of the county, spread over the year."""
    for c in p.counties:
        rng = _rng(p.seed, "reports", c.code)
        for _ in range(c.reports):
            category, category_zh = rng.choice(CATEGORIES)
            at = datetime(YEAR, 1, 1, 1, 0) + timedelta(minutes=rng.randrange(365 * 24 * 60))
            yield {
                "petition_id": uuid.UUID(int=rng.getrandbits(128)).hex,
                "event_id": uuid.UUID(int=rng.getrandbits(128)).hex,
                "county": c.code,
                "official_id": official_id(c.code, rng.randrange(c.officials) + 1),
                "category": category,
                "category_zh": category_zh,
                "severity": rng.choice(("low", "low", "medium", "high")),
                "triaged_at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
            }


def divisions(p: Plan) -> list[dict]:
    """The division list for ``WUYING_DIVISIONS_FILE``: the province, its chosen cities, counties."""
    rows = [{"code": p.province[0], "name": p.province[1], "parent": ""}]
    seen: set[str] = set()
    for c in p.counties:
        if c.city_code not in seen:
            seen.add(c.city_code)
            rows.append({"code": c.city_code, "name": c.city_name, "parent": p.province[0]})
    rows += [{"code": c.code, "name": c.name, "parent": c.city_code} for c in p.counties]
    return rows


def _csv_line(header: str, row: dict) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerow([row[k] for k in header.split(",")])
    return out.getvalue()


def _jsonl(row: dict) -> str:
    return json.dumps(row, ensure_ascii=False, separators=(",", ":")) + "\n"


#: file name -> (generator, CSV header or None: JSON lines)
FILES: dict[str, tuple[Callable[[Plan], Iterator[dict]], str | None]] = {
    "units.csv": (units, UNIT_HEADER),
    "officials.csv": (officials, OFFICIAL_HEADER),
    "matters.jsonl": (matters, None),
    "inspectors.jsonl": (inspectors, None),
    "records.jsonl": (records, None),
    "ties.jsonl": (ties, None),
    "reports.jsonl": (reports, None),
}


def file_lines(p: Plan, name: str) -> Iterator[str]:
    """The lines of one of ``FILES`` as ``generate`` writes them (a CSV's header first), streamed:
    what benchmarks feed straight to an import without a file."""
    gen, header = FILES[name]
    if header:
        yield header + "\n"
    for row in gen(p):
        yield _csv_line(header, row) if header else _jsonl(row)


def generate(
    seed: int, out: Path, *, scale: float = 1.0, counties: int = 100, progress: Callable[[str], None] | None = None
) -> dict:
    """Write every kind to ``out`` (streamed), ``divisions.json`` and ``manifest.json`` (counts,
    SHA-256 of each file, seconds). Returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    p = plan(seed, scale=scale, counties=counties)
    started = time.perf_counter()
    files: dict[str, dict] = {}
    for name, (_, header) in FILES.items():
        digest, lines, t0 = hashlib.sha256(), -1 if header else 0, time.perf_counter()
        with (out / name).open("w", encoding="utf-8", newline="") as f:
            for line in file_lines(p, name):
                f.write(line)
                digest.update(line.encode())
                lines += 1
        files[name] = {"lines": lines, "sha256": digest.hexdigest(), "seconds": round(time.perf_counter() - t0, 2)}
        if progress:
            progress(f"{name}: {lines:,} 行 ({files[name]['seconds']} s)")
    division_rows = divisions(p)
    (out / "divisions.json").write_text(json.dumps(division_rows, ensure_ascii=False, indent=0) + "\n", "utf-8")
    manifest = {
        "seed": seed,
        "scale": scale,
        "province": list(p.province),
        "source": p.source,
        "counties": len(p.counties),
        "cities": len({c.city_code for c in p.counties}),
        "zones": sorted({c.zone for c in p.counties}),
        "files": files,
        "seconds": round(time.perf_counter() - started, 2),
        "plan": [asdict(c) for c in p.counties],
    }
    (out / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return manifest
