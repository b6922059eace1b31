"""Warning errors: stable English codes, Chinese messages, registered for RPC callers.

Rules of the domain refuse with ``wuying_common.rules.RuleBroken`` (e.g.
``domain.deadlines.ExtensionRefused``), mapped to 400/409 in one place; the errors here are
about access, existence and the state machine as the HTTP API words them.
"""

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import Conflict, Forbidden, NotFound, ServiceUnavailable, ValidationFailed


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
    """A date after today (Beijing time): a semantic rule JSON Schema cannot state, 422 as
    ``rules.UnprocessableInput``; its routes declare ``http.SEMANTIC_ERRORS``."""

    status = 422
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


@deserialize_to_instance
class DecisionReasonsRequired(ValidationFailed):
    code = "decision_reasons_required"
    message = "升级预警须写明决定理由（篇5 七(一)：经调查问题属实的，可转…）"


@deserialize_to_instance
class ReportNotFound(NotFound):
    code = "report_not_found"
    message = "该预警下没有这件待核实的反映"


@deserialize_to_instance
class FindingAlreadyRecorded(Conflict):
    code = "finding_already_recorded"
    message = "该反映的核实结论已经记录"


@deserialize_to_instance
class InterviewNotFound(NotFound):
    code = "interview_not_found"
    message = "未找到该约谈安排"


@deserialize_to_instance
class InterviewAlreadyRecorded(Conflict):
    code = "interview_already_recorded"
    message = "该约谈的实施情况已经登记"


@deserialize_to_instance
class UnitNotFound(NotFound):
    code = "unit_not_found"
    message = "未找到该单位（档案登记库中没有此单位）"


@deserialize_to_instance
class RegistryUnavailable(ServiceUnavailable):
    code = "registry_unavailable"
    message = "人员登记库（档案服务）暂不可用，无法核对主谈人职级，请稍后重试"


@deserialize_to_instance
class TaskNotFound(NotFound):
    code = "organisational_task_not_found"
    message = "未找到该组织处理事项"


@deserialize_to_instance
class TaskOwnerRequired(Forbidden):
    code = "organisational_handling_owner_required"
    message = "组织处理结果须由承办机关记录"
