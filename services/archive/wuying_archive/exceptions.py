"""Archive errors (registered with nameko so RPC callers get these types)."""

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import NotFound


@deserialize_to_instance
class FileNotFound(NotFound):
    code = "file_not_found"
    message = "未找到该人员或单位的廉政档案"


@deserialize_to_instance
class OfficialNotFound(NotFound):
    code = "official_not_found"
    message = "未找到该人员"


@deserialize_to_instance
class ReminderNotFound(NotFound):
    code = "reminder_not_found"
    message = "未找到该监督提醒任务"


@deserialize_to_instance
class RecordNotFound(NotFound):
    code = "record_not_found"
    message = "未找到该条家庭成员或利益关联记录"


@deserialize_to_instance
class DrawNotFound(NotFound):
    code = "draw_not_found"
    message = "未找到该随机抽取"


@deserialize_to_instance
class ReportCheckNotFound(NotFound):
    code = "report_check_not_found"
    message = "未找到该个人有关事项核查"


@deserialize_to_instance
class InquiryNotFound(NotFound):
    code = "inquiry_not_found"
    message = "未找到该谈话函询"


@deserialize_to_instance
class ReviewNotFound(NotFound):
    code = "review_not_found"
    message = "未找到该廉政审核"
