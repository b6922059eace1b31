"""What intake receives and how: content categories, channels, triage outcomes, statuses.

Codes are stable English identifiers (they travel in events and URLs); labels are what staff
and reporters read.
"""

from __future__ import annotations

from types import MappingProxyType

# The 13 kinds of integrity information to collect (seeds/002 篇5 二(一) 采集内容 1–13), in the
# seed's order.
CATEGORIES: MappingProxyType[str, str] = MappingProxyType(
    {
        "public_opinion": "社会公众对党风廉政建设和反腐败工作的意见、建议和评价",
        "policy_reaction": "重大改革、重要政策措施出台前后的社会舆论反映和反响",
        "law_abiding": "在遵纪守法、依法办事等方面问题的反映",
        "work_style": "对党政机关、公共企事业单位和党员干部在思想、工作、生活作风等方面问题的反映",
        "integrity_self_discipline": "在廉洁从政（从业）和廉洁自律方面问题的反映",
        "administrative_affairs": "在人事、财务、资产等行政事务管理方面违反有关规定的反映",
        "key_sectors": "在工程建设、土地出让、产权交易、医药购销、政府采购、资源开发、专项资金管理等领域违反规定的反映",
        "sector_malpractice": "部门和行业不正之风的新情况、新特点",
        "harm_to_public_interest": "损害群众利益的突出问题",
        "policy_implementation": "党和国家政策落实过程中存在的主要问题",
        "emerging_tendency": "社会生活中违反廉政规定的苗头性、倾向性问题及其发展趋势",
        "found_in_inspection_or_cases": "各项专项检查、干部考察及案件查办过程中发现的涉及党风廉政建设和党员干部违法违纪的问题",
        "other": "其他违反党风廉政建设有关规定的反映",
    }
)

# Short labels for lists, summaries and the archive timeline.
CATEGORY_SHORT_ZH: MappingProxyType[str, str] = MappingProxyType(
    {
        "public_opinion": "意见建议和评价",
        "policy_reaction": "政策舆论反映",
        "law_abiding": "遵纪守法问题",
        "work_style": "作风问题",
        "integrity_self_discipline": "廉洁自律问题",
        "administrative_affairs": "人事财务资产管理问题",
        "key_sectors": "重点领域违规问题",
        "sector_malpractice": "部门和行业不正之风",
        "harm_to_public_interest": "损害群众利益问题",
        "policy_implementation": "政策落实问题",
        "emerging_tendency": "苗头性倾向性问题",
        "found_in_inspection_or_cases": "检查考察和办案中发现的问题",
        "other": "其他问题",
    }
)

# Where reports come from (seeds/002 篇1 ⑴① 外网廉情信息收集; 篇5 一 预警网络布局: 村、社区预警信息
# 专报点和预警信息员, 舆情信息网络; 篇5 二(二) 信息来源; seeds/000 H 特邀监督员).
PUBLIC_CHANNEL = "public_portal"
CHANNELS: MappingProxyType[str, str] = MappingProxyType(
    {
        PUBLIC_CHANNEL: "外网廉情信息收集（网上举报）",
        "letter": "来信",
        "visit": "来访",
        "hotline": "举报电话",
        "special_supervisor": "特邀监督员反映",
        "info_officer": "预警信息员（村、社区专报点）报送",
        "inspection": "巡察、专项检查中发现",
        "audit": "审计中发现",
        "case_handling": "案件查办中发现",
        "assessment": "干部考察、考核中发现",
        "online_opinion": "网络舆情",
    }
)
INTERNAL_CHANNELS = frozenset({"inspection", "audit", "case_handling", "assessment"})
STAFF_CHANNELS = frozenset(CHANNELS) - {PUBLIC_CHANNEL}

SUBJECT_KINDS: MappingProxyType[str, str] = MappingProxyType({"official": "党员干部、公职人员", "unit": "单位"})

# Triage outcomes (DESIGN.md §4 Intake; seeds/002 篇5 三(一)3; seeds/001 黑龙江; seeds/003).
OUTCOMES: MappingProxyType[str, str] = MappingProxyType(
    {
        "integrity_information": "廉情信息（转风险研判）",
        "case_clue": "问题线索（移交案件办理）",
        "no_substance": "无实质内容",
        "duplicate": "重复举报",
        "suspected_malicious": "疑似恶意举报（核实后澄清）",
    }
)
SEVERITIES: MappingProxyType[str, str] = MappingProxyType({"low": "较轻", "medium": "较重", "high": "严重"})

# Who takes over a triaged report outside the warning process.
TRANSFERS: MappingProxyType[str, str] = MappingProxyType(
    {
        "case_clue": "case_handling",  # 已构成违纪的, 不属于预警范畴, 按办案程序处理 (篇5 三(一)3)
        "suspected_malicious": "malicious_report_verification",  # 恶意举报认定及处置 (seeds/003)
    }
)
TRANSFERS_ZH: MappingProxyType[str, str] = MappingProxyType(
    {"case_handling": "移交案件办理（审查调查）部门", "malicious_report_verification": "转恶意举报核实，属实的予以澄清"}
)

STATUSES_ZH: MappingProxyType[str, str] = MappingProxyType(
    {
        "received": "已收到，待受理",
        "triaged": "已受理，正在办理",
        "closed": "已办结",
        "sent_up": "已转送上级机关",
        "merged": "已合并办理",
    }
)
# What a reporter is told: never the triage outcome or a transfer (they could tip off a subject).
REPORTER_STATUSES_ZH: MappingProxyType[str, str] = MappingProxyType(
    {
        "received": "已收到，正在登记受理",
        "triaged": "已受理，正在办理",
        "closed": "已办结，请查看答复",
        "sent_up": "已按管辖权限转送上级机关办理，请查看答复",
        "merged": "已与此前的相同举报合并办理，请查看答复",
    }
)


def category_zh(code: str) -> str:
    return CATEGORY_SHORT_ZH[code]
