"""Risk errors (registered with nameko so RPC callers get these types)."""

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import Conflict, NotFound, ValidationFailed


@deserialize_to_instance
class ProfileNotFound(NotFound):
    code = "profile_not_found"
    message = "未找到该人员的廉政风险画像"


@deserialize_to_instance
class UnknownSeverityError(ValidationFailed):
    code = "unknown_severity"
    message = "廉情信息的严重程度无法识别"


@deserialize_to_instance
class ProfileBusy(Conflict):
    code = "profile_busy"
    message = "风险画像正被并发更新，请稍后重试"


@deserialize_to_instance
class PowerNotFound(NotFound):
    code = "power_not_found"
    message = "未找到该权力清单条目"


@deserialize_to_instance
class RiskPointNotFound(NotFound):
    code = "risk_point_not_found"
    message = "未找到该风险点"


@deserialize_to_instance
class StepOutOfOrderError(Conflict):
    code = "step_out_of_order"
    message = "风险识别须按自己找、同事帮、领导点、集体定、组织审的顺序逐步进行"


@deserialize_to_instance
class NotYetDecided(Conflict):
    code = "not_yet_decided"
    message = "风险点须经集体评定后方可评估等级"


@deserialize_to_instance
class HighRiskCapReached(Conflict):
    code = "high_risk_cap_reached"
    message = "本部门高等级风险已达风险总量的10%上限"
