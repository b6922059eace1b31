"""``wuying``: the operator's command line.

    wuying token --role warning_officer --county 130402
    wuying demo load [--seed 2026]       load the demo province into running services
    wuying demo scenario                 play the demo flow and print the official's file
    wuying dead-letters list|replay      see or replay events that failed every retry
    wuying tallies rebuild [--service warning|intake|inspection ...] [--county CODE ...] [--timeout S]
                                         rewrite the statistics tallies from the records (below)
    wuying simulate generate --seed 7 --out DIR   a simulated province (issue 15), streamed to files
    wuying simulate load --dir DIR       load it into running services through their bulk paths

The JWT secret comes from ``WUYING_JWT_SECRET`` or ``.run/secrets.env`` (written by ``make up``).

``tallies rebuild`` calls ``rebuild_tallies(counties=None)`` over AMQP (``AMQP_URI``, nameko's
``ClusterRpcProxy``) on warning, intake and inspection, or on those named by ``--service``: each
rewrites its statistics tallies (``wuying_common.tallies``) of the ``--county`` codes, or of every
county, from its records and answers what it rebuilt, printed one line a service. Run it after the
first deploy of a version that brings tallies onto an existing store (its statistics read zero
until then), after a restore from backup, and on an alert or a suspicion of drift (a crash between
a record and its entry). A write racing the rebuild is mended by that record's next write (or a
second run). A service that does not answer within ``--timeout`` seconds (default 300), is not
running, or refuses the counties is named on stderr and the exit code is 1; the others are still
rebuilt.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import uuid
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
    # Every local token is a distinct person unless a subject is given: with one shared subject
    # per role, four-eyes rules, recusal and audit trails could not tell two holders apart.
    subject = args.subject or f"local-{args.role}-{uuid.uuid4().hex[:8]}"
    print(issue_token(jwt_secret(), subject, [args.role], args.county.split(",")))


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


def cmd_simulate(args) -> None:
    from pathlib import Path

    from . import province_load, simulator

    if args.action == "generate":
        out = Path(args.out)
        manifest = simulator.generate(args.seed, out, scale=args.scale, counties=args.counties, progress=print)
        files = manifest["files"]
        print(
            f"模拟省份已生成：{manifest['province'][1]} {manifest['counties']} 个县区（{manifest['cities']} 个市，"
            f"{len(manifest['zones'])} 个协作区），单位 {files['units.csv']['lines']:,}，"
            f"干部 {files['officials.csv']['lines']:,}，用时 {manifest['seconds']} 秒 → {out}"
        )
        print(f"启动服务时设置 WUYING_DIVISIONS_FILE={out.resolve() / 'divisions.json'}")
        return
    from .scenario import Staff

    steps = province_load.load(
        Path(args.dir),
        urls(),
        Staff(jwt_secret()),
        amqp_uri=os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
        reports=not args.no_reports,
    )
    print(json.dumps(steps, ensure_ascii=False))


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


TALLY_SERVICES = ("warning", "intake", "inspection")


def tally_summary(service: str, rebuilt: dict) -> str:
    """One line for what ``service``'s ``rebuild_tallies`` answered (each has its own shape)."""
    if service == "warning":  # county → live warnings
        return f"已重建 {len(rebuilt)} 个县区的预警统计，在办预警 {sum(rebuilt.values())} 条"
    if service == "intake":
        return f"已重建 {rebuilt.get('tallies', 0)} 份举报统计，读取举报 {rebuilt.get('reports', 0)} 件"
    return (
        f"已重建 {rebuilt.get('tallies', 0)} 份巡察覆盖统计，"
        f"单位 {rebuilt.get('units', 0)} 个，巡察计划 {rebuilt.get('plans', 0)} 项"
    )


def cmd_tallies(args) -> None:
    from kombu.exceptions import OperationalError
    from nameko.exceptions import RpcTimeout, UnknownService
    from nameko.standalone.rpc import ClusterRpcProxy

    from wuying_common.errors import WuyingError
    from wuying_common.tallies import CountiesInvalid, rebuild_counties

    try:
        counties = rebuild_counties(args.county)
    except CountiesInvalid as exc:
        sys.exit(f"{exc.message}：--county 须为六位行政区划代码（{', '.join(args.county)}）")
    services = list(dict.fromkeys(args.service or TALLY_SERVICES))
    amqp_uri = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
    failed: list[str] = []
    try:
        with ClusterRpcProxy({"AMQP_URI": amqp_uri, "serializer": "json"}, timeout=args.timeout) as cluster:
            for service in services:
                try:
                    rebuilt = getattr(cluster, service).rebuild_tallies(counties=counties)
                except RpcTimeout:
                    failed.append(f"{service}：{args.timeout:g} 秒内未答复（重建可能仍在进行，稍后可再次运行）")
                    continue
                except UnknownService:
                    failed.append(f"{service}：服务未运行（消息队列中没有它的 RPC 队列）")
                    continue
                except WuyingError as exc:
                    failed.append(f"{service}：{exc.message} [{exc.code}] {json.dumps(exc.fields, ensure_ascii=False)}")
                    continue
                print(f"{service}：{tally_summary(service, rebuilt)} {json.dumps(rebuilt, ensure_ascii=False)}")
    except (OSError, OperationalError) as exc:
        sys.exit(f"无法连接消息队列 {amqp_uri.rsplit('@', 1)[-1]}：{exc}（请检查 AMQP_URI）")
    if failed:
        sys.exit("统计重建未完成：\n  " + "\n  ".join(failed))


def import_file(
    path: Path,
    kind: str,
    fmt: str,
    post,
    *,
    chunk_lines: int = 5000,
    out=sys.stderr,
) -> dict:
    """Stream a registry export to archive's ``POST /api/v1/imports/chunks`` (issue 10 item 3):
    ``chunk_lines`` lines a request, a CSV chunk led by the header, line numbers kept, a progress
    bar on ``out``; returns the summed summary. ``post(body) -> dict`` sends one chunk."""
    total_lines = sum(1 for _ in path.open("rb"))
    totals = {"lines": 0, "created": 0, "changed": 0, "unchanged": 0, "failed": 0, "events": 0, "reminders": 0}
    errors: list[dict] = []
    with path.open(encoding="utf-8-sig") as source:
        header = source.readline() if fmt == "csv" else ""
        number = 2 if fmt == "csv" else 1
        while True:
            chunk = [line for _, line in zip(range(chunk_lines), source, strict=False)]
            if not chunk:
                break
            text = (header if fmt == "csv" else "") + "".join(chunk)
            summary = post({"kind": kind, "format": fmt, "text": text, "first_line": number})
            for key in totals:
                totals[key] += summary.get(key, 0)
            errors.extend(summary.get("errors", []))
            number += len(chunk)
            done = number - 1
            filled = int(30 * done / max(total_lines, 1))
            out.write(f"\r[{'#' * filled}{'.' * (30 - filled)}] {done}/{total_lines} 行")
            out.flush()
    out.write("\n")
    return {**totals, "errors": errors}


def cmd_import(args) -> None:
    import requests

    from .scenario import post

    header = {"Authorization": "Bearer " + issue_token(jwt_secret(), "local-import", ["archive_keeper"], [args.county])}
    url = f"{urls()['archive']}/api/v1/imports/chunks"

    def send(body: dict) -> dict:
        response = post(url, json=body, headers=header, timeout=600)
        if response.status_code >= 400:
            sys.exit(f"导入失败：HTTP {response.status_code} {response.text[:300]}")
        return response.json()

    path = Path(args.file)
    fmt = args.format or ("csv" if path.suffix.lower() == ".csv" else "jsonl")
    try:
        result = import_file(path, args.kind, fmt, send, chunk_lines=args.chunk_lines)
    except requests.ConnectionError:
        sys.exit("档案服务未运行：请先 make up（或设置 WUYING_ARCHIVE_URL）")
    print(
        f"导入{'人员' if args.kind == 'officials' else '单位'}：共 {result['lines']} 行，新增 {result['created']}，"
        f"变更 {result['changed']}，未变 {result['unchanged']}，失败 {result['failed']}；"
        f"事件 {result['events']} 条，监督提醒 {result['reminders']} 条"
    )
    for error in result["errors"][:50]:
        print(f"  第 {error['line']} 行 {error['field']}：{error['message']}")
    if len(result["errors"]) > 50:
        print(f"  …… 另有 {len(result['errors']) - 50} 处错误")
    if result["failed"]:
        sys.exit(1)


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
    imp = sub.add_parser("import", help="import officials or units from an export (CSV or JSON lines)")
    imp.add_argument("kind", choices=["officials", "units"])
    imp.add_argument("file")
    imp.add_argument("--format", choices=["csv", "jsonl"], help="default: from the file's extension")
    imp.add_argument("--county", default="130000", help="the importing keeper's scope (default: the province)")
    imp.add_argument("--chunk-lines", type=int, default=5000)
    imp.set_defaults(func=cmd_import)
    sim = sub.add_parser("simulate", help="a simulated province at full size (issue 15): generate or load")
    sim.add_argument("action", choices=["generate", "load"])
    sim.add_argument("--seed", type=int, default=7)
    sim.add_argument("--out", default=".run/province", help="generate: the directory to write")
    sim.add_argument("--dir", default=".run/province", help="load: a generated directory")
    sim.add_argument("--scale", type=float, default=1.0, help="generate: 1.0 = 50,000 units, 200,000 officials")
    sim.add_argument("--counties", type=int, default=100)
    sim.add_argument("--no-reports", action="store_true", help="load: leave out the year of reports")
    sim.set_defaults(func=cmd_simulate)
    tallies = sub.add_parser("tallies", help="the statistics tallies: rebuild them from the records")
    tallies.add_argument("action", choices=["rebuild"])
    tallies.add_argument("--service", action="append", choices=TALLY_SERVICES, help="repeatable; default: all three")
    tallies.add_argument("--county", action="append", help="six-digit county code, repeatable; default: every county")
    tallies.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for each service (default 300)")
    tallies.set_defaults(func=cmd_tallies)
    dead = sub.add_parser("dead-letters", help="events that failed every retry")
    dead.add_argument("action", choices=["list", "replay"])
    dead.set_defaults(func=cmd_dead_letters)
    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    main()
