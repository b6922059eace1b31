"""Warning errors: stable English codes, Chinese messages, registered for RPC callers.

Rules of the domain refuse with ``wuying_common.rules.RuleBroken`` (e.g.
``domain.deadlines.ExtensionRefused``), mapped to 400/409 in one place; the errors here are
about access, existence and the state machine as the HTTP API words them.
"""

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import Conflict, Forbidden, NotFound, ValidationFailed


@deserialize_to_instance
class WarningNotFound(NotFound):
    code = "warning_not_found"
    message = "未找到该预警"


@deserialize_to_instance
class SelfApprovalForbidden(Forbidden):
    code = "self_approval_forbidden"
    message = "提出预警建议的人员不得审批本人的建议"


@deserialize_to_instance
class ApprovalAuthorityRequired(Forbidden):
    code = "approval_authority_required"
    message = "当前角色无权审批该等级的预警"


@deserialize_to_instance
class NotOwnWarning(Forbidden):
    code = "not_own_warning"
    message = "只能办理发给本人的预警"


@deserialize_to_instance
class WarningStateConflict(Conflict):
    code = "warning_state_conflict"
    message = "预警当前状态不允许该操作"


@deserialize_to_instance
class DateInFuture(ValidationFailed):
    code = "date_in_future"
    message = "日期不得晚于今天（北京时间）"


@deserialize_to_instance
class LiftByIssuerForbidden(Forbidden):
    code = "lift_by_issuer_forbidden"
    message = "预警须由签发人以外的领导批准解除"


@deserialize_to_instance
class DateOutOfOrder(ValidationFailed):
    code = "date_out_of_order"
    message = "日期先后顺序不对"


@deserialize_to_instance
class InvalidInterview(ValidationFailed):
    code = "invalid_interview"
    message = "约谈安排不符合规定（篇5 五(二)2）"


@deserialize_to_instance
class InboxMessageNotFound(NotFound):
    code = "inbox_message_not_found"
    message = "未找到该消息"
