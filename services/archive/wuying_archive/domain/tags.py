"""Standard tags (标准化的信息标签): a controlled, versioned vocabulary.

004/4 深圳龙岗: 统一标准，统一建档……实行一人一档，形成标准化的信息标签. A tag is a code from
the vocabulary in force; an unknown code is refused with its field, and every official keeps
the vocabulary version their tags were given under. A new version adds or retires codes; the
old one stays readable so an old file still means what it meant.
"""

from __future__ import annotations

from dataclasses import dataclass

from wuying_common.rules import InvalidInput


@dataclass(frozen=True)
class Tag:
    code: str
    name_zh: str
    category: str  # "position", "post", "cadre", "supervision"
    source: str


@dataclass(frozen=True)
class TagVocabulary:
    version: str
    tags: tuple[Tag, ...]

    def codes(self) -> frozenset[str]:
        return frozenset(t.code for t in self.tags)

    def label(self, code: str) -> str:
        return next((t.name_zh for t in self.tags if t.code == code), code)

    def check(self, codes, field: str = "tags") -> tuple[str, ...]:
        """The codes, deduplicated in order; an unknown one is refused (400)."""
        known = self.codes()
        unknown = [c for c in codes if c not in known]
        if unknown:
            raise InvalidInput(field, f"不在标准标签库（{self.version} 版）中：{'、'.join(unknown)}", "unknown_tag")
        return tuple(dict.fromkeys(codes))


_SEED_004 = "004/4 深圳龙岗：形成标准化的信息标签"

VOCABULARIES: dict[str, TagVocabulary] = {
    "2026.1": TagVocabulary(
        "2026.1",
        (
            Tag("key_minority", "“关键少数”（一把手及班子成员）", "position", "004/4 深圳龙岗：强化“关键少数”监督"),
            Tag("principal", "单位主要负责人（一把手）", "position", _SEED_004),
            Tag("deputy_section_or_above", "副科级以上干部", "position", "004/4 深圳龙岗：副科级以上干部纳入档案库"),
            Tag(
                "below_deputy_section", "副科级以下监察对象", "position", "004/4 深圳龙岗：拟向副科级以下的监察对象拓展"
            ),
            Tag(
                "sensitive_post",
                "重点岗位（人财物管理、审批执法等）",
                "post",
                "004/2 甘肃高台：分析不同岗位风险点；《党政领导干部交流工作规定》",
            ),
            Tag("finance", "财务管理岗位", "post", _SEED_004),
            Tag("construction", "工程建设岗位", "post", "004/1 上海闵行：工程建设、政府采购等重点领域"),
            Tag("procurement", "政府采购与招投标岗位", "post", "004/1 上海闵行：工程建设、政府采购等重点领域"),
            Tag("personnel", "干部人事岗位", "post", _SEED_004),
            Tag("law_enforcement", "执纪执法岗位", "post", "001 甘肃：执纪执法风险点"),
            Tag("commission_staff", "纪检监察干部", "cadre", "000 无影灯工程；001 谁来监督纪委"),
            Tag("newly_appointed", "新任职干部", "cadre", "001 黑龙江：新任职新交流领导到岗谈"),
            Tag("rotated", "交流轮岗干部", "cadre", "004/2 甘肃高台：交流轮岗"),
            Tag("promotion_candidate", "拟提拔考察对象", "cadre", "000/D：对拟提拔考察对象一律抽查核实"),
            Tag("reserve_cadre", "后备干部", "cadre", "000/D：列入后备干部人选的一律抽查核实"),
            Tag("special_supervisor", "特邀监督员", "supervision", "000/H 聘请监督员"),
        ),
    ),
}
CURRENT_VERSION = "2026.1"


def vocabulary(version: str | None = None) -> TagVocabulary:
    try:
        return VOCABULARIES[version or CURRENT_VERSION]
    except KeyError:
        raise InvalidInput("tag_version", f"没有 {version} 版标签库", "unknown_tag_version") from None
