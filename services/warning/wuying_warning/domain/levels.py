"""The three warning levels (三色预警), their notices, triggers and approving authority.

Sources: seeds/002 篇5 三(一)2 (who decides each level), 篇5 四 (triggers per level), 篇5 五(二)
(the three written notices), 篇8 第十八条 (blue/yellow/red and their actions, triggers).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class Level:
    number: int  # 3 lowest (blue) … 1 highest (red)
    colour: str
    colour_zh: str
    action_zh: str  # 篇8 第十八条: 警示提醒 / 诫勉纠错 / 责令整改
    notice_kind: str  # stable code of the written notice
    notice_zh: str  # 篇5 五(二)1: the notice's title
    interview_slip_zh: str  # 篇5 五(二)2(3): the interview notice slip
    approver_role: str  # 篇5 三(一)2
    approver_zh: str


LEVELS: MappingProxyType[int, Level] = MappingProxyType(
    {
        3: Level(
            3,
            "blue",
            "蓝色",
            "警示提醒",
            "notice",
            "廉情预警告知书",
            "廉情预警告知约谈通知单",
            "commission_leader",
            "纪委分管领导会同预警中心研究确定",
        ),
        2: Level(
            2,
            "yellow",
            "黄色",
            "诫勉纠错",
            "inquiry",
            "廉情预警质询书",
            "廉情预警质询约谈通知单",
            "commission_secretary",
            "纪委书记召集纪委委员和预警中心研究确定",
        ),
        1: Level(
            1,
            "red",
            "红色",
            "责令整改",
            "order",
            "廉情监察(检查)建议书",
            "廉情监察(检查)建议约谈通知单",
            "party_committee",
            "提交党委研究确定",
        ),
    }
)

COLOURS = MappingProxyType({lvl.colour: lvl.number for lvl in LEVELS.values()})


def level(number: int) -> Level:
    try:
        return LEVELS[number]
    except KeyError:
        raise ValueError(f"unknown warning level {number!r}; expected 3 (blue), 2 (yellow) or 1 (red)") from None


# Triggers per level (预警情形). Codes are stable English; labels are the seeds' wording,
# shortened. Each cites its clause: 篇5 四(一)/(二)/(三) n, 篇8 第十八条 (x)1 ①…
TRIGGERS: MappingProxyType[int, MappingProxyType[str, str]] = MappingProxyType(
    {
        3: MappingProxyType(
            {
                "decision_skipped_risk_assessment": "重大决策应进行廉政风险评估而未进行（篇5 四(三)1）",
                "power_without_legal_basis": "无法定依据或不按规定权限、程序和时限行使行政职权（篇5 四(三)2）",
                "financial_accounts_disorder": "不认真执行财经纪律，财务账目管理混乱（篇5 四(三)3）",
                "disclosure_neglected": "应当公开的政务信息不公开或不按规定公开（篇5 四(三)4）",
                "dual_duty_insufficient": "对“一岗双责”重视不够，领导和监督职责履行不到位（篇5 四(三)5）",
                "self_discipline_reported": "违反廉洁自律规定，群众有反映（篇5 四(三)6）",
                "moral_conduct_reported": "在遵守社会主义基本道德规范方面群众有反映（篇5 四(三)7）",
                "poor_example_reported": "不能发挥模范带头作用，自身形象较差，群众有反映（篇5 四(三)8）",
                "integrity_rules_missing": "反腐倡廉制度应建立而未建立（篇5 四(三)9）",
                "public_reports": "群众有举报，社会有反映（篇8 第十八条(一)1①）",
                "low_evaluation_satisfaction": "廉洁自律民主测评或考核满意率较低（篇8 第十八条(一)1②）",
                "colleagues_concern": "自我要求不严，干部职工有议论（篇8 第十八条(一)1③）",
                "organisation_reminder": "不认真履行职责或有其他问题，组织认为有必要提醒（篇8 第十八条(一)1④）",
                "other_notice": "其他需要廉情预警告知的情形（篇5 四(三)10）",
            }
        ),
        2: MappingProxyType(
            {
                "decision_without_assessment_failed": "未进行廉政风险评估擅自决策，导致决策失误（篇5 四(二)1）",
                "power_harming_clients": "违规行使行政职权，危害服务对象合法权益（篇5 四(二)2）",
                "improper_allowances": "违反规定滥发奖金、津贴、补贴补助（篇5 四(二)3）",
                "disclosure_evading_supervision": "不按规定公开政务信息，规避社会监督（篇5 四(二)4）",
                "procurement_loopholes": "采购、产权交易、招投标等程序不严密，存在管理漏洞（篇5 四(二)5）",
                "emergency_mishandled": "重大突发事件启动应急预案不及时，处置不当（篇5 四(二)6）",
                "dual_duty_neglected": "对“一岗双责”不重视，该部署不部署、该检查未检查（篇5 四(二)7）",
                "extravagance_or_gifts": "讲排场、挥霍公款，或接受监管服务对象馈赠、宴请（篇5 四(二)8）",
                "inefficiency_complaints": "办事敷衍塞责、推诿扯皮或吃拿卡要，群众反应强烈（篇5 四(二)9）",
                "rules_without_integrity_review": "制定制度不进行廉洁性评估，造成不良后果（篇5 四(二)10）",
                "notice_not_corrected": "廉情预警告知（警示提醒）后仍未改正（篇5 四(二)11；篇8 第十八条(二)1①）",
                "duty_failure_without_loss": "未履行岗位职责或履行不到位，尚未造成损失（篇8 第十八条(二)1②）",
                "policy_deviation_signs": "执行方针、政策、决定中出现苗头性、倾向性问题（篇8 第十八条(二)1③）",
                "other_inquiry": "其他需要廉情预警质询的情形（篇5 四(二)12）",
            }
        ),
        1: MappingProxyType(
            {
                "major_decision_unauthorised": "重大事项超越权限擅自决策，导致决策失误、造成不良后果（篇5 四(一)1）",
                "power_abuse_public_impact": "违规行使行政职权，在社会上造成不良影响（篇5 四(一)2）",
                "cadre_selection_failure": "执行干部选拔任用条例不严格，导致用人失察（篇5 四(一)3）",
                "fiscal_funds_misused": "隐瞒、滞留、截留、挪用、坐支财政资金（篇5 四(一)4）",
                "procurement_irregularities_loss": "采购、招投标等领域违规操作，造成损失（篇5 四(一)5）",
                "emergency_concealed": "重大突发事件处置不到位，或不报、迟报、谎报、瞒报（篇5 四(一)6）",
                "dual_duty_major_violation": "不履行“一岗双责”，致使发生重大违纪违规问题（篇5 四(一)7）",
                "democratic_centralism_failure": "贯彻民主集中制不力，班子严重不团结（篇5 四(一)8）",
                "position_abused_for_gain": "利用职权和职务影响谋取不正当利益，造成不良影响（篇5 四(一)9）",
                "inquiry_not_rectified": "廉情预警质询（诫勉纠错）后整改不力或逾期未整改到位（篇5 四(一)10；篇8 第十八条(三)1①）",
                "minor_violation_no_sanction": "违规行为情节轻微，尚构不成纪律处分（篇5 四(一)11；篇8 第十八条(三)1③）",
                "poor_annual_assessment": "考核中被评为较差等次或不称职（篇5 四(一)12）",
                "responsible_for_misconduct": "对职责范围内的不正之风或违纪违法案件负有责任，可不予处分（篇8 第十八条(三)1②）",
                "other_supervision_advice": "其他需要予以廉情监察建议的情形（篇5 四(一)13）",
            }
        ),
    }
)


def trigger_label(level_number: int, code: str) -> str | None:
    """The Chinese label of a trigger, or None when the code is not one of the level's triggers."""
    triggers = TRIGGERS.get(level_number)
    return triggers.get(code) if triggers is not None else None


def all_trigger_codes() -> frozenset[str]:
    return frozenset(code for triggers in TRIGGERS.values() for code in triggers)


# Triggers raised by the system rather than chosen from the seed lists (risk's dynamic profile).
SYSTEM_TRIGGERS: MappingProxyType[str, str] = MappingProxyType(
    {"risk_score_threshold": "廉政风险动态画像分值达到预警阈值（DESIGN.md §4 Risk）"}
)
