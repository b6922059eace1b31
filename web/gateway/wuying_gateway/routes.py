"""What each origin may reach.

The portal is on the public internet: it forwards only the operations a reporter needs, listed
here by hand so that a new staff endpoint never becomes public by accident. The list is checked
against the services' OpenAPI (operations without ``security``) by ``tests/browser/test_gateway.py``: when
a service adds a public operation (the public library of power lists and risk points), that test
fails until it is added here.
"""

from __future__ import annotations

import re

SERVICES = ("intake", "risk", "warning", "inspection", "archive")
DEFAULT_PORTS = {"intake": 8001, "risk": 8002, "warning": 8003, "inspection": 8004, "archive": 8005}

# (method, path below /api/<service>/) — the path as the gateway sees it.
PORTAL_OPERATIONS: tuple[tuple[str, str], ...] = (
    ("POST", "/api/intake/v1/reports"),  # 网上举报
    ("POST", "/api/intake/v1/receipts/lookup"),  # 凭查询码查询
    ("POST", "/api/intake/v1/receipts/additions"),  # 凭查询码补充材料
    ("POST", "/api/intake/v1/acknowledgements"),  # 可打印的受理回执（PDF）
    ("POST", "/api/intake/v1/acknowledgements/verify"),  # 核验回执真伪
    ("GET", "/api/risk/v1/library"),  # 公开的权力清单与风险点
)

_API = re.compile(r"^/api/(?P<service>[a-z]+)/(?P<rest>v\d+/.*)$")


def split_api_path(path: str) -> tuple[str, str] | None:
    """``/api/intake/v1/reports`` -> ``("intake", "/api/v1/reports")``; None if not an API path."""
    match = _API.match(path)
    if not match or match["service"] not in SERVICES:
        return None
    return match["service"], "/api/" + match["rest"]


def portal_allows(method: str, path: str) -> bool:
    return (method.upper(), path.rstrip("/") or "/") in PORTAL_OPERATIONS
