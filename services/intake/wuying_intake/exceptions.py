"""Intake errors: stable English codes, Chinese messages (registered with nameko so RPC
callers get these types). Messages never quote a reporter's details."""

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import Conflict, NotFound, WuyingError


@deserialize_to_instance
class EncryptionUnavailable(WuyingError):
    """No reporter key is configured: refuse named reports rather than store plaintext."""

    status = 503
    code = "encryption_unavailable"
    message = "实名举报暂时无法受理（加密服务未配置），请稍后再试或选择匿名举报"


@deserialize_to_instance
class PetitionNotFound(NotFound):
    code = "petition_not_found"
    message = "未找到该信访举报件"


@deserialize_to_instance
class ReceiptNotFound(NotFound):
    # Generic on purpose: it must not tell a guesser whether a code exists.
    code = "receipt_not_found"
    message = "未查询到对应的办理情况，请核对查询码"


@deserialize_to_instance
class InvalidTransition(Conflict):
    code = "invalid_transition"
    message = "该件当前状态不允许此操作"
