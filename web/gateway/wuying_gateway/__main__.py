"""``wuying-gateway console|portal [--listen 127.0.0.1:8000] [--static web/console/dist]``

Settings from the environment: ``WUYING_<SERVICE>_URL`` (default http://127.0.0.1:800N),
``WUYING_DEV_SIGNIN=1`` with ``WUYING_JWT_SECRET`` (console, local only),
``WUYING_OIDC_ISSUER`` / ``WUYING_OIDC_CLIENT_ID`` / ``WUYING_OIDC_SCOPE`` (console).
"""

from __future__ import annotations

import argparse
import json
import logging
import sys
from pathlib import Path

from werkzeug.serving import WSGIRequestHandler, run_simple

from .app import Gateway, GatewayConfig

DEFAULT_LISTEN = {"console": "127.0.0.1:8000", "portal": "127.0.0.1:8080"}


class QuietHandler(WSGIRequestHandler):
    """werkzeug's handler logs each client's address; the portal must not (anonymous reporters).
    HTTP/1.1 keeps connections open: a city or province dashboard makes hundreds of requests."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code="-", size="-"):
        pass


class JsonFormatter(logging.Formatter):
    def format(self, record):
        message = record.getMessage()
        try:
            body = json.loads(message)
        except ValueError:
            body = {"msg": message}
        return json.dumps({"level": record.levelname, "logger": record.name, **body}, ensure_ascii=False)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="wuying-gateway", description="无影灯 web gateway")
    parser.add_argument("app", choices=("console", "portal"))
    parser.add_argument("--listen", help="host:port (console 127.0.0.1:8000, portal 127.0.0.1:8080)")
    parser.add_argument("--static", help="the built app (default web/<app>/dist)")
    args = parser.parse_args(argv)
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonFormatter())
    logging.basicConfig(level=logging.INFO, handlers=[handler])
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    static = args.static or str(Path("web") / args.app / "dist")
    gateway = Gateway(GatewayConfig.from_env(args.app, static))
    host, _, port = (args.listen or DEFAULT_LISTEN[args.app]).rpartition(":")
    logging.getLogger("wuying.gateway").info(
        json.dumps({"msg": "listening", "app": args.app, "url": f"http://{host}:{port}"})
    )
    run_simple(host, int(port), gateway, threaded=True, request_handler=QuietHandler, use_reloader=False)


if __name__ == "__main__":
    main()
