"""``wuying``: the operator's command line.

    wuying token --role warning_officer --county 130402
    wuying demo load [--seed 2026]       load the demo province into running services
    wuying demo scenario                 play the demo flow and print the official's file
    wuying dead-letters list|replay      see or replay events that failed every retry

The JWT secret comes from ``WUYING_JWT_SECRET`` or ``.run/secrets.env`` (written by ``make up``).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from wuying_common.auth import ROLES, issue_token


def _env_file_value(name: str) -> str | None:
    path = Path(os.environ.get("WUYING_SECRETS_FILE", ".run/secrets.env"))
    if not path.exists():
        return None
    for line in path.read_text("utf-8").splitlines():
        key, _, value = line.partition("=")
        if key.strip() == name:
            return value.strip()
    return None


def jwt_secret() -> str:
    secret = os.environ.get("WUYING_JWT_SECRET") or _env_file_value("WUYING_JWT_SECRET")
    if not secret:
        sys.exit("WUYING_JWT_SECRET is not set and .run/secrets.env does not exist: run `make up` first")
    return secret


def urls() -> dict:
    from .scenario import DEFAULT_URLS

    return {svc: os.environ.get(f"WUYING_{svc.upper()}_URL", url) for svc, url in DEFAULT_URLS.items()}


def cmd_token(args) -> None:
    if args.role not in ROLES:
        sys.exit(f"unknown role {args.role!r}; one of: {', '.join(sorted(ROLES))}")
    print(issue_token(jwt_secret(), args.subject or f"local-{args.role}", [args.role], args.county.split(",")))


def cmd_demo(args) -> None:
    from .demo import generate
    from .scenario import Staff, load_province, run

    province = generate(args.seed, args.counties)
    staff = Staff(jwt_secret())
    if args.action == "load":
        result = load_province(province, urls(), staff)
        print(
            f"演示省份已载入：{province.name} {len(province.counties)} 个县区，"
            f"{len(province.units)} 个单位，{len(province.officials)} 名干部 ({json.dumps(result)})"
        )
    else:
        run(province, urls(), staff)


def cmd_dead_letters(args) -> None:
    from kombu import Connection

    from wuying_common.consumers import ATTEMPT_HEADER, DEAD_LETTER_QUEUE

    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    count = 0
    with Connection(amqp_uri) as conn:
        queue = conn.SimpleQueue(DEAD_LETTER_QUEUE)
        producer = conn.Producer(serializer="json")
        held = []
        while True:
            try:
                message = queue.get(block=True, timeout=1)
            except queue.Empty:
                break
            headers = message.headers or {}
            body = message.payload
            print(
                f"{body.get('id', '?')}  {body.get('type', '?')}  county={body.get('county', '?')}  "
                f"queue={headers.get('x-wuying-queue')}  reason={headers.get('x-wuying-reason')}"
            )
            if args.action == "replay":
                headers = {k: v for k, v in headers.items() if not k.startswith("x-wuying-")}
                headers[ATTEMPT_HEADER] = 1
                producer.publish(body, exchange="", routing_key=message.headers["x-wuying-queue"], headers=headers)
                message.ack()
            else:
                held.append(message)
            count += 1
        for message in held:  # listing must not consume: put them back
            message.requeue()
        queue.close()
    print(f"{count} dead letter(s){' replayed' if args.action == 'replay' else ''}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="wuying", description="无影灯 operator commands")
    sub = parser.add_subparsers(dest="command", required=True)
    token = sub.add_parser("token", help="print a local bearer token")
    token.add_argument("--role", required=True)
    token.add_argument("--county", required=True, help="GB/T 2260 code(s), comma separated")
    token.add_argument("--subject")
    token.set_defaults(func=cmd_token)
    demo = sub.add_parser("demo", help="demo province")
    demo.add_argument("action", choices=["load", "scenario"])
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--counties", type=int, default=None)
    demo.set_defaults(func=cmd_demo)
    dead = sub.add_parser("dead-letters", help="events that failed every retry")
    dead.add_argument("action", choices=["list", "replay"])
    dead.set_defaults(func=cmd_dead_letters)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
