"""A demo province, deterministic from a seed (issue 2 item 7).

Counties carry real GB/T 2260 codes (Hebei, 河北省). Each county has its commission organ
(纪委监委机关), dispatched agencies (派驻纪检监察组), departments and townships; the counties of
one prefecture-level city form a cooperation zone (协作区, seeds/001 Guizhou). Officials have
posts, ranks and units. ``small`` versions keep tests fast.
"""

from __future__ import annotations

import random
from dataclasses import asdict, dataclass

PROVINCE = ("130000", "河北省")
# (code, name, city code, city name): real GB/T 2260 codes.
COUNTIES: list[tuple[str, str, str, str]] = [
    ("130102", "长安区", "130100", "石家庄市"),
    ("130104", "桥西区", "130100", "石家庄市"),
    ("130105", "新华区", "130100", "石家庄市"),
    ("130108", "裕华区", "130100", "石家庄市"),
    ("130123", "正定县", "130100", "石家庄市"),
    ("130202", "路南区", "130200", "唐山市"),
    ("130203", "路北区", "130200", "唐山市"),
    ("130204", "古冶区", "130200", "唐山市"),
    ("130224", "滦南县", "130200", "唐山市"),
    ("130281", "遵化市", "130200", "唐山市"),
    ("130402", "邯山区", "130400", "邯郸市"),
    ("130403", "丛台区", "130400", "邯郸市"),
    ("130404", "复兴区", "130400", "邯郸市"),
    ("130406", "峰峰矿区", "130400", "邯郸市"),
    ("130408", "永年区", "130400", "邯郸市"),
    ("130602", "竞秀区", "130600", "保定市"),
    ("130606", "莲池区", "130600", "保定市"),
    ("130607", "满城区", "130600", "保定市"),
    ("130681", "涿州市", "130600", "保定市"),
]

# (kind, name suffix, posts)
UNIT_TEMPLATES: list[tuple[str, str, list[str]]] = [
    ("commission_organ", "纪委监委机关", ["纪委书记", "纪委副书记", "纪检监察室主任", "信访室主任", "案件审理室主任"]),
    ("dispatched_agency", "纪委监委派驻第一纪检监察组", ["组长", "副组长", "纪检监察员"]),
    ("dispatched_agency", "纪委监委派驻第二纪检监察组", ["组长", "副组长", "纪检监察员"]),
    ("department", "教育局", ["局长", "副局长", "财务科科长", "基建科科长"]),
    ("department", "财政局", ["局长", "副局长", "预算股股长", "国库股股长"]),
    ("department", "住房和城乡建设局", ["局长", "副局长", "工程招标办主任", "质量监督站站长"]),
    ("department", "自然资源和规划局", ["局长", "副局长", "土地利用科科长"]),
    ("department", "卫生健康局", ["局长", "副局长", "医政科科长"]),
    ("township", "第一街道办事处", ["党工委书记", "办事处主任", "副主任"]),
    ("township", "第二街道办事处", ["党工委书记", "办事处主任", "副主任"]),
]

RANK_BY_POST = {
    "纪委书记": "副处级",
    "局长": "正科级",
    "党工委书记": "正科级",
    "办事处主任": "正科级",
    "组长": "正科级",
}
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红海波宁鹏飞玉兰凤霞立新文斌"


@dataclass(frozen=True)
class County:
    code: str
    name: str
    city_code: str
    city_name: str


@dataclass(frozen=True)
class Unit:
    id: str
    name: str
    county: str
    kind: str
    zone: str


@dataclass(frozen=True)
class Official:
    id: str
    name: str
    county: str
    unit_id: str
    post: str
    rank: str
    commission_staff: bool


@dataclass(frozen=True)
class Province:
    code: str
    name: str
    counties: list[County]
    units: list[Unit]
    officials: list[Official]

    def units_json(self) -> list[dict]:
        return [asdict(u) for u in self.units]

    def officials_json(self) -> list[dict]:
        return [asdict(o) for o in self.officials]


def generate(seed: int = 2026, counties: int | None = None, officials_per_post: int = 1) -> Province:
    """The same seed always gives the same province."""
    rng = random.Random(seed)
    chosen = COUNTIES[:counties] if counties else COUNTIES
    county_list = [County(*c) for c in chosen]
    units: list[Unit] = []
    officials: list[Official] = []
    used_names: set[str] = set()
    for county in county_list:
        zone = f"zone-{county.city_code}"
        for index, (kind, suffix, posts) in enumerate(UNIT_TEMPLATES, start=1):
            unit = Unit(f"{county.code}-U{index:02d}", f"{county.name}{suffix}", county.code, kind, zone)
            units.append(unit)
            for post in posts:
                for _ in range(officials_per_post):
                    name = _name(rng, used_names)
                    officials.append(
                        Official(
                            id=f"{county.code}-O{len(officials) + 1:05d}",
                            name=name,
                            county=county.code,
                            unit_id=unit.id,
                            post=post,
                            rank=RANK_BY_POST.get(
                                post, rng.choice(["副科级", "正科级", "科员"]) if "长" in post else "科员"
                            ),
                            commission_staff=kind in ("commission_organ", "dispatched_agency"),
                        )
                    )
    return Province(PROVINCE[0], PROVINCE[1], county_list, units, officials)


def _name(rng: random.Random, used: set[str]) -> str:
    for _ in range(1000):
        name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
        if name not in used:
            used.add(name)
            return name
    raise RuntimeError("name space exhausted")
