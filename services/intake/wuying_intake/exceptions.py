"""Intake errors: stable English codes, Chinese messages (registered with nameko so RPC
callers get these types). Messages never quote a reporter's details."""

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, TooManyRequests


@deserialize_to_instance
class EncryptionUnavailable(ServiceUnavailable):
    """No reporter key is configured: refuse named reports rather than store plaintext."""

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


@deserialize_to_instance
class IdentityRequestNotFound(NotFound):
    code = "identity_request_not_found"
    message = "未找到该查看举报人信息的申请"


@deserialize_to_instance
class SubjectRecused(Forbidden):
    code = "subject_recused"
    message = "被反映人不得查看或办理反映本人的件"


@deserialize_to_instance
class RegistryUnavailable(ServiceUnavailable):
    code = "registry_unavailable"
    message = "人员登记库（档案服务）暂不可用，请稍后重试"


@deserialize_to_instance
class RateLimited(TooManyRequests):
    code = "too_many_requests"
    message = "提交或查询过于频繁，请稍后再试"


@deserialize_to_instance
class AttachmentNotFound(NotFound):
    code = "attachment_not_found"
    message = "未找到该附件"


@deserialize_to_instance
class AcknowledgementUnavailable(ServiceUnavailable):
    """No acknowledgement key is configured (``INTAKE_ACK_KEY``): no verification code can be made."""

    code = "acknowledgement_unavailable"
    message = "受理回执暂时无法生成（核验密钥未配置），请稍后再试"


@deserialize_to_instance
class NotifierUnavailable(ServiceUnavailable):
    code = "notifier_unavailable"
    message = "短信或信函送达服务暂不可用，请稍后重试"
