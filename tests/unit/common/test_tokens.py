"""Issue 9 item 6: RS256 tokens from the identity provider's JWKS (file or URL, cached), with
issuer, audience, expiry and clock skew; HS256 only for development and never beside a JWKS."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa

from wuying_common.auth import TokenVerifier, issue_token
from wuying_common.errors import Unauthorized

ISSUER, AUDIENCE = "https://idp.example.gov.cn/realms/hebei", "wuying"
KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)
OTHER_KEY = rsa.generate_private_key(public_exponent=65537, key_size=2048)


def _jwks(key=KEY, kid="k1") -> dict:
    public = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    return {"keys": [{**public, "kid": kid, "use": "sig", "alg": "RS256"}]}


def _token(key=KEY, kid="k1", now=None, **overrides) -> str:
    now = now or datetime.now(UTC)
    claims = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "staff-0042",
        "roles": ["warning_officer"],
        "counties": ["130402"],
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(minutes=5)).timestamp()),
        **overrides,
    }
    return jwt.encode(claims, key, algorithm="RS256", headers={"kid": kid})


@pytest.fixture
def verifier(tmp_path):
    path = tmp_path / "jwks.json"
    path.write_text(json.dumps(_jwks()))
    return TokenVerifier(jwks_file=str(path), issuer=ISSUER, audience=AUDIENCE, leeway=30, secret="dev-secret")


def test_an_rs256_token_of_the_identity_provider_is_accepted(verifier):
    principal = verifier.verify(_token())
    assert principal.subject == "staff-0042" and principal.roles == {"warning_officer"}
    assert principal.counties == ("130402",)


@pytest.mark.parametrize(
    ("token", "code"),
    [
        (lambda: _token(iss="https://elsewhere"), "token_invalid"),
        (lambda: _token(aud="another-app"), "token_invalid"),
        (lambda: _token(key=OTHER_KEY), "token_invalid"),
        (lambda: _token(kid="unknown"), "token_invalid"),
        (lambda: _token(now=datetime.now(UTC) - timedelta(minutes=6)), "token_expired"),
        (lambda: issue_token("dev-secret", "s", ["auditor"], ["130402"]), "token_invalid"),
    ],
    ids=["issuer", "audience", "signature", "kid", "expired", "hs256-beside-jwks"],
)
def test_tokens_that_are_not_the_identity_providers_are_refused(verifier, token, code):
    with pytest.raises(Unauthorized) as refused:
        verifier.verify(token())
    assert refused.value.code == code


def test_clock_skew_within_the_leeway_is_tolerated(verifier):
    # Expired 20 s ago on our clock: within the 30 s leeway.
    assert verifier.verify(_token(now=datetime.now(UTC) - timedelta(minutes=5, seconds=20))).subject == "staff-0042"


def test_the_jwks_is_fetched_from_a_url_and_cached():
    fetched = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            fetched.append(self.path)
            body = json.dumps(_jwks()).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/certs"
        verifier = TokenVerifier(jwks_url=url, issuer=ISSUER, audience=AUDIENCE)
        for _ in range(3):
            assert verifier.verify(_token()).subject == "staff-0042"
        assert fetched == ["/certs"]
    finally:
        server.shutdown()
        server.server_close()


def test_without_a_jwks_the_development_secret_signs_hs256():
    verifier = TokenVerifier(secret="dev-secret")
    assert (
        verifier.verify(issue_token("dev-secret", "local-clerk-1", ["intake_clerk"], ["130402"])).subject
        == "local-clerk-1"
    )
    with pytest.raises(Unauthorized):
        verifier.verify(_token())  # an RS256 token is not accepted against an HS256 secret


def test_the_token_command_gives_every_local_token_its_own_subject(monkeypatch, capsys):
    from wuying_tools import cli

    monkeypatch.setenv("WUYING_JWT_SECRET", "dev-secret")
    subjects = set()
    for _ in range(3):
        cli.main(["token", "--role", "intake_clerk", "--county", "130402"])
        subjects.add(TokenVerifier(secret="dev-secret").verify(capsys.readouterr().out.strip()).subject)
    assert len(subjects) == 3 and all(s.startswith("local-intake_clerk-") for s in subjects)
