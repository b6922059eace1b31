"""Risk errors that are not domain rules (registered with nameko so RPC callers get these types).

Broken domain rules (a step out of order, evaluation before 集体定, the 10% cap, grades or a
severity that cannot be scored) are ``RuleBroken`` errors raised by ``domain/``; the shared HTTP
layer and event consumers map them in one place.
"""

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import Conflict, NotFound


@deserialize_to_instance
class ProfileNotFound(NotFound):
    code = "profile_not_found"
    message = "未找到该人员的廉政风险画像"


@deserialize_to_instance
class ProfileBusy(Conflict):
    """Not a rule: too many concurrent writes in a row; the consumer retries the event later."""

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
class RuleVersionNotFound(NotFound):
    code = "rule_version_not_found"
    message = "未找到该规则版本"


@deserialize_to_instance
class UnitProfileNotFound(NotFound):
    code = "unit_profile_not_found"
    message = "未找到该单位的廉政风险画像"


@deserialize_to_instance
class HitNotFound(NotFound):
    code = "hit_not_found"
    message = "未找到该异常线索"
