"""Archive errors (registered with nameko so RPC callers get these types)."""

from nameko.exceptions import deserialize_to_instance

from wuying_common.errors import NotFound


@deserialize_to_instance
class FileNotFound(NotFound):
    code = "file_not_found"
    message = "未找到该人员或单位的廉政档案"
