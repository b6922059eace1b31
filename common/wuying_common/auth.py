"""Bearer-token authentication for staff endpoints.

A token is a JWT with ``sub`` (staff id), ``roles`` and ``counties``: the GB/T 2260 codes the
holder may see. A province code (``130000``) covers every county of the province, a city code
(``130400``) every county of the city. The public report endpoint needs no token.

In production the province's identity provider signs tokens with RS256; services verify them
against its JWKS (``JWT_JWKS_URL``, cached, or ``JWT_JWKS_FILE``) with the issuer, audience,
expiry and a clock-skew leeway. HS256 with a local secret (``JWT_SECRET``) is for development
only and is refused whenever a JWKS is configured, so a leaked development secret cannot mint
production tokens.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt

from .access import divisions
from .errors import Forbidden, Unauthorized

log = logging.getLogger(__name__)

ALGORITHM = "HS256"
ISSUER = "wuying"
RS256 = "RS256"
DEFAULT_LEEWAY = 60  # seconds of clock skew between the identity provider and a service

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
    # The scope the matrix granted for the route being served (``access.SCOPES``); "own" means
    # the handler must keep to records about ``subject``.
    scope: str = "province"

    @property
    def own_only(self) -> bool:
        return self.scope == "own"

    def has_any_role(self, roles) -> bool:
        return bool(self.roles & set(roles))

    def can_see(self, county: str) -> bool:
        return any(covers(scope, county) for scope in self.counties)

    def require_county(self, county: str, field: str = "county") -> None:
        if not self.can_see(county):
            raise Forbidden("无权访问该地区的数据", fields={field: "不在令牌授权的地区范围内"}, code="county_forbidden")

    def counties_in(self, county: str, field: str = "county") -> tuple[str, ...]:
        """The counties a request for ``county`` reads, once the token may see it: a city or
        province code rolls up over its loaded counties (issue 9 item 5: lists, statistics and
        dashboards); a county is itself. Every list and statistic of every service goes
        through here, so the roll-up is the same everywhere."""
        self.require_county(county, field)
        return counties_covered((county,)) or ()

    def visible_counties(self) -> tuple[str, ...] | None:
        """Every county the token's divisions cover, rolled up the same way (None: all of them,
        an in-process service principal): for lists scoped by the token, not by a parameter."""
        return counties_covered(self.counties)

    def require_role(self, *roles: str) -> None:
        if not self.has_any_role(roles):
            raise Forbidden("当前角色无权执行该操作", code="role_forbidden", fields={"roles": sorted(roles)})


ALL_COUNTIES = "*"  # only for in-process service principals; never accepted from a token


def counties_covered(divisions_: Iterable[str]) -> tuple[str, ...] | None:
    """The one roll-up (issue 9 item 5): the loaded counties under each division code (a
    county is itself), in order, once; None when ``*`` (every county) is among them."""
    found: dict[str, None] = {}
    for code in divisions_:
        if code == ALL_COUNTIES:
            return None
        found.update(dict.fromkeys(divisions().counties_under(code) or [code]))
    return tuple(found)


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


def _principal(claims: dict) -> Principal:
    from .access import divisions

    known = divisions()
    counties = claims.get("counties", [])
    if not isinstance(counties, list) or not isinstance(claims.get("roles", []), list):
        raise Unauthorized("令牌无效", code="token_invalid")
    return Principal(
        subject=str(claims["sub"]),
        roles=frozenset(str(r) for r in claims.get("roles", [])),
        # Only loaded division codes: "*" (service principals) or a code the province does not
        # have never widens a token.
        counties=tuple(c for c in counties if c != ALL_COUNTIES and c in known),
        name=str(claims.get("name", "")),
    )


def verify_token(secret: str, token: str) -> Principal:
    """A development (HS256) token."""
    return TokenVerifier(secret=secret).verify(token)


@dataclass
class TokenVerifier:
    """Verifies bearer tokens: RS256 from the identity provider's JWKS when configured, else
    HS256 with the development secret."""

    secret: str = ""
    jwks_url: str = ""
    jwks_file: str = ""
    issuer: str = ISSUER
    audience: str = ""
    leeway: int = DEFAULT_LEEWAY
    jwks_ttl: int = 300
    _client: object = field(default=None, repr=False)
    _keyset: object = field(default=None, repr=False)

    @classmethod
    def from_config(cls, config) -> TokenVerifier:
        return cls(
            secret=config.get("JWT_SECRET") or "",
            jwks_url=config.get("JWT_JWKS_URL") or "",
            jwks_file=config.get("JWT_JWKS_FILE") or "",
            issuer=config.get("JWT_ISSUER") or ISSUER,
            audience=config.get("JWT_AUDIENCE") or "",
            leeway=int(config.get("JWT_LEEWAY") or DEFAULT_LEEWAY),
            jwks_ttl=int(config.get("JWT_JWKS_TTL") or 300),
        )

    @property
    def uses_jwks(self) -> bool:
        return bool(self.jwks_url or self.jwks_file)

    @property
    def configured(self) -> bool:
        return self.uses_jwks or bool(self.secret)

    def _signing_key(self, token: str):
        if self.jwks_file:
            if self._keyset is None:
                self._keyset = jwt.PyJWKSet.from_dict(json.loads(Path(self.jwks_file).read_text("utf-8")))
            kid = jwt.get_unverified_header(token).get("kid")
            for key in self._keyset.keys:  # type: ignore[attr-defined]
                if kid is None or key.key_id == kid:
                    return key.key
            raise jwt.InvalidTokenError("no key with that kid")
        if self._client is None:
            # PyJWKClient caches the key set for ``lifespan`` seconds and refetches on an unknown kid.
            self._client = jwt.PyJWKClient(self.jwks_url, cache_keys=True, lifespan=self.jwks_ttl, timeout=5)
        return self._client.get_signing_key_from_jwt(token).key  # type: ignore[attr-defined]

    def verify(self, token: str) -> Principal:
        options = {"require": ["exp", "sub", "iat"] if self.uses_jwks else ["exp", "sub"]}
        try:
            if self.uses_jwks:
                key, algorithms = self._signing_key(token), [RS256]
            else:
                key, algorithms = self.secret, [ALGORITHM]
            claims = jwt.decode(
                token,
                key,
                algorithms=algorithms,
                issuer=self.issuer,
                audience=self.audience or None,
                leeway=self.leeway,
                options={**options, "verify_aud": bool(self.audience)},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthorized("令牌已过期，请重新登录", code="token_expired") from exc
        except jwt.PyJWKClientError as exc:
            log.error("identity provider's JWKS unavailable: %s", type(exc).__name__)
            raise Unauthorized("令牌无效", code="token_invalid") from exc
        except (jwt.PyJWTError, ValueError) as exc:
            raise Unauthorized("令牌无效", code="token_invalid") from exc
        return _principal(claims)


def authenticate(authorization: str | None, verifier, roles: tuple[str, ...] = ()) -> Principal:
    """Check an ``Authorization`` header; ``roles`` empty means any signed-in staff member.
    ``verifier`` is a ``TokenVerifier`` (or, for development callers, the HS256 secret)."""
    if isinstance(verifier, str):
        verifier = TokenVerifier(secret=verifier)
    if not authorization or not authorization.startswith("Bearer "):
        raise Unauthorized("缺少访问令牌 (Authorization: Bearer …)", code="token_missing")
    principal = verifier.verify(authorization[len("Bearer ") :].strip())
    if roles:
        principal.require_role(*roles)
    return principal
