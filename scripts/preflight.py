#!/usr/bin/env python3
"""Checks `make up` runs before it starts anything (issue 15, item 5).

    python scripts/preflight.py ports [--run-dir .run] PORT...   # exit 1 if one is taken
    python scripts/preflight.py broker                           # exit 1 unless the broker works

ports: eventlet listens with SO_REUSEPORT, so a second copy of a service binds the same port
silently and the kernel splits requests between two processes with different stores and
secrets. A plain bind here, without SO_REUSEPORT, fails on any port someone listens on (with
or without that option); a connect catches a listener on another address. The holder is named
from /proc where this user may read it; a port held by a process in ``<run-dir>/pids/*.pid``
(this clone's own services) is not a conflict.

broker: a broker on the AMQP port is used only if it works: its management API answers, an AMQP
connection with the project's credentials (AMQP_URI) opens, and a message published to a
throw-away queue comes back. A broker whose data directory vanished accepts connections but
fails the declare or the round trip.
"""

from __future__ import annotations

import argparse
import base64
import errno
import json
import os
import socket
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from pathlib import Path

HOST = "127.0.0.1"
DEFAULT_AMQP_URI = "amqp://guest:guest@127.0.0.1:5672/"
TIMEOUT = 5.0


# -- ports ------------------------------------------------------------------------------------
def port_in_use(port: int, host: str = HOST) -> bool:
    """True when something listens on ``port``: a plain bind (SO_REUSEADDR only, so sockets in
    TIME_WAIT after a stop do not count; never SO_REUSEPORT) fails, or a connect succeeds."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((host, port))
        except OSError as exc:
            if exc.errno in (errno.EADDRINUSE, errno.EACCES):
                return True
            raise
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.settimeout(0.5)
        return sock.connect_ex((host, port)) == 0


def _listening_inodes(port: int) -> set[str]:
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            # local_address is HEXIP:HEXPORT; state 0A is LISTEN.
            if len(fields) > 9 and fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port:
                inodes.add(fields[9])
    return inodes


def port_holders(port: int) -> list[tuple[int, str]]:
    """(pid, command line) of the processes listening on ``port`` that this user may see."""
    inodes = _listening_inodes(port)
    holders = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            fds = list((proc / "fd").iterdir())
        except OSError:
            continue  # another user's process, or gone
        links = set()
        for fd in fds:
            try:
                links.add(os.readlink(fd))
            except OSError:
                continue  # closed meanwhile (the listing's own descriptor is one)
        if any(f"socket:[{inode}]" in links for inode in inodes):
            try:
                raw = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                cmdline = " ".join(raw.split())
            except OSError:
                cmdline = "?"
            holders.append((int(proc.name), cmdline))
    return holders


def our_pids(run_dir: Path) -> set[int]:
    pids = set()
    for pidfile in (run_dir / "pids").glob("*.pid"):
        try:
            pids.add(int(pidfile.read_text().strip()))
        except (OSError, ValueError):
            continue
    return pids


def check_ports(ports: list[int], run_dir: Path) -> list[str]:
    """A message per port that another program holds (empty: all free or ours)."""
    ours = our_pids(run_dir)
    problems = []
    for port in ports:
        if not port_in_use(port):
            continue
        holders = port_holders(port)
        if holders and all(pid in ours for pid, _ in holders):
            continue
        who = "; ".join(f"pid {pid}: {cmd[:160]}" for pid, cmd in holders) or (
            f"a process this user cannot see (try: sudo ss -ltnp 'sport = :{port}')"
        )
        problems.append(f"127.0.0.1:{port} is already in use by {who}")
    return problems


# -- broker -----------------------------------------------------------------------------------
def _management_overview(host: str, port: int, user: str, password: str) -> dict:
    request = urllib.request.Request(f"http://{host}:{port}/api/overview")
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    request.add_header("Authorization", f"Basic {token}")
    with urllib.request.urlopen(request, timeout=TIMEOUT) as response:
        return json.loads(response.read().decode())


def _round_trip(amqp_uri: str) -> None:
    """Open a connection, declare a throw-away queue, publish to it and get the message back."""
    from kombu import Connection, Queue

    name = f"wuying.preflight.{uuid.uuid4().hex[:12]}"
    body = uuid.uuid4().hex
    with Connection(amqp_uri, connect_timeout=TIMEOUT) as conn:
        conn.ensure_connection(max_retries=1)
        channel = conn.channel()
        # Exclusive and auto-delete: gone with the connection even if this check dies midway.
        queue = Queue(name, exclusive=True, auto_delete=True, durable=False, channel=channel)
        queue.declare()
        try:
            conn.Producer(channel).publish(body, exchange="", routing_key=name, serializer="raw")
            for _ in range(50):  # the publish is asynchronous: give it up to ~5 s to arrive
                message = queue.get(no_ack=True)
                if message is not None:
                    break
                time.sleep(0.1)
            else:
                raise RuntimeError(f"a message published to {name} did not come back within 5 s")
            if message.body not in (body, body.encode()):
                raise RuntimeError(f"the message read back from {name} is not the one published")
        finally:
            queue.delete()


def check_broker(amqp_uri: str, management_port: int) -> list[str]:
    parsed = urllib.parse.urlparse(amqp_uri)
    user = urllib.parse.unquote(parsed.username or "guest")
    password = urllib.parse.unquote(parsed.password or "guest")
    host = parsed.hostname or HOST
    where = f"{host}:{parsed.port or 5672}"
    try:
        _management_overview(host, management_port, user, password)
    except urllib.error.HTTPError as exc:
        return [f"the management API on {host}:{management_port} answers {exc.code} for user {user!r}"]
    except (OSError, ValueError) as exc:
        return [f"the management API on {host}:{management_port} does not answer ({exc})"]
    try:
        _round_trip(amqp_uri)
    except Exception as exc:  # any failure here means: do not use this broker
        return [f"the broker on {where} fails a publish/consume round trip as {user!r}: {type(exc).__name__}: {exc}"]
    return []


# -- command line -----------------------------------------------------------------------------
def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    ports = sub.add_parser("ports", help="refuse when a port is already bound")
    ports.add_argument("--run-dir", type=Path, default=Path(".run"))
    ports.add_argument("ports", type=int, nargs="+")
    broker = sub.add_parser("broker", help="check that the broker on the AMQP port works")
    broker.add_argument("--amqp-uri", default=os.environ.get("AMQP_URI", DEFAULT_AMQP_URI))
    broker.add_argument("--management-port", type=int, default=int(os.environ.get("WUYING_MGMT_PORT", "15672")))
    args = parser.parse_args(argv)
    if args.command == "ports":
        problems = check_ports(args.ports, args.run_dir)
        for problem in problems:
            print(f"port check: {problem}", file=sys.stderr)
        if problems:
            print(
                "port check: refusing to start: another copy (another clone's `make up`?) or another program "
                "holds these ports. Stop it, or run `make down` in the clone that started it.",
                file=sys.stderr,
            )
        return 1 if problems else 0
    problems = check_broker(args.amqp_uri, args.management_port)
    for problem in problems:
        print(f"broker check: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
