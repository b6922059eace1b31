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
