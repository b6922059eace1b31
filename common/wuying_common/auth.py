"""Bearer-token authentication for staff endpoints.

A token is a JWT (HS256) with ``sub`` (staff id), ``roles`` and ``counties``: the GB/T 2260
codes the holder may see. A province code (``130000``) covers every county of the province, a
city code (``130400``) every county of the city. The public report endpoint needs no token.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from .errors import Forbidden, Unauthorized

ALGORITHM = "HS256"
ISSUER = "wuying"

# Roles used across the platform. Services check the roles they need; the list is here so a
# token command can refuse a typo.
ROLES = frozenset(
    {
        "intake_clerk",  # 信访举报受理人员
        "intake_supervisor",  # 受理部门负责人 (second approver for opening an identity)
        "risk_officer",  # 风险防控人员
        "warning_officer",  # 预警中心工作人员
        "commission_leader",  # 纪委分管领导 (approves level 3)
        "commission_secretary",  # 纪委书记 (approves level 2)
        "party_committee",  # 党委 (approves level 1)
        "inspector",  # 巡察人员
        "archive_keeper",  # 档案管理人员
        "auditor",  # 审计/监督检查
        "official",  # 被预警对象本人
        "operator",  # 运维人员
        "agency_reader",  # 其他机关只读
    }
)


@dataclass(frozen=True)
class Principal:
    subject: str
    roles: frozenset[str]
    counties: tuple[str, ...]
    name: str = ""

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    def can_see(self, county: str) -> bool:
        return any(covers(scope, county) for scope in self.counties)

    def require_county(self, county: str, field: str = "county") -> None:
        if not self.can_see(county):
            raise Forbidden("无权访问该地区的数据", fields={field: "不在令牌授权的地区范围内"}, code="county_forbidden")

    def require_role(self, *roles: str) -> None:
        if not self.has_any_role(roles):
            raise Forbidden("当前角色无权执行该操作", code="role_forbidden", fields={"roles": sorted(roles)})


ALL_COUNTIES = "*"  # only for in-process service principals; never accepted from a token


def service_principal(service: str) -> Principal:
    """The caller of an RPC from another Wuying service: trusted inside the cluster, all counties."""
    return Principal(subject=f"service:{service}", roles=frozenset(), counties=(ALL_COUNTIES,))


def covers(scope: str, county: str) -> bool:
    """Whether an authorised division code covers a county code (GB/T 2260 hierarchy)."""
    if scope == ALL_COUNTIES or scope == county:
        return True
    if scope.endswith("0000"):
        return county[:2] == scope[:2]
    if scope.endswith("00"):
        return county[:4] == scope[:4]
    return False


def issue_token(
    secret: str,
    subject: str,
    roles: list[str],
    counties: list[str],
    *,
    name: str = "",
    ttl: timedelta = timedelta(hours=8),
    now: datetime | None = None,
) -> str:
    unknown = set(roles) - ROLES
    if unknown:
        raise ValueError(f"unknown roles: {sorted(unknown)}")
    now = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "sub": subject,
        "name": name,
        "roles": sorted(roles),
        "counties": list(counties),
        "iat": int(now.timestamp()),
        "exp": int((now + ttl).timestamp()),
    }
    return jwt.encode(claims, secret, algorithm=ALGORITHM)


def verify_token(secret: str, token: str) -> Principal:
    try:
        claims = jwt.decode(token, secret, algorithms=[ALGORITHM], issuer=ISSUER, options={"require": ["exp", "sub"]})
    except jwt.ExpiredSignatureError as exc:
        raise Unauthorized("令牌已过期，请重新登录", code="token_expired") from exc
    except jwt.PyJWTError as exc:
        raise Unauthorized("令牌无效", code="token_invalid") from exc
    return Principal(
        subject=str(claims["sub"]),
        roles=frozenset(claims.get("roles", [])),
        counties=tuple(c for c in claims.get("counties", []) if c != ALL_COUNTIES),
        name=str(claims.get("name", "")),
    )


def authenticate(authorization: str | None, secret: str, roles: tuple[str, ...]) -> Principal:
    """Check an ``Authorization`` header; ``roles`` empty means any signed-in staff member."""
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized("缺少访问令牌 (Authorization: Bearer …)", code="token_missing")
    principal = verify_token(secret, authorization[len("Bearer ") :].strip())
    if roles:
        principal.require_role(*roles)
    return principal
