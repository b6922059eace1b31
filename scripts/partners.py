"""Broker access for the five services and for other agencies, through the management API.

    python scripts/partners.py setup [--demo]        # idempotent: vhosts, users, permissions, stream
    python scripts/partners.py agency ID --counties 130402,130403 [--name 单位名称]
    python scripts/partners.py remove-agency ID
    python scripts/partners.py permissions           # print each service's least privilege
    python scripts/partners.py teardown              # throw-away vhost pairs only (tests)

What ``setup`` makes (DESIGN.md §3, issue 9):
- the internal exchanges ``<service>.events`` and the partner vhost with its one exchange
  ``wuying.partners.v1`` (routing keys ``<county>.<service>.<event>.v<N>``);
- one broker user per service on the internal vhost, with permissions derived from the service
  class itself (the queues its entrypoints consume, the exchanges it reads and writes), and the
  republisher's user (reads the internal exchanges, writes only the partner exchange);
- a retention policy for the agencies' replay streams (``--replay-max-age``, default 30D);
- with ``--demo``, one demo agency.

An agency gets a user ``agency-<id>`` that may declare and bind only queues named
``agency.<id>.*``, read only the partner exchange, its queues and its replay stream
``replay.<id>``, publish nothing anyone else reads, and - by a topic permission RabbitMQ checks
on every binding - bind only keys that start with one of its counties.

Passwords are generated once into ``--credentials`` (default ``.run/partners.env``, mode 600,
never committed) and reused on every later run, so running ``setup`` again changes nothing.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import secrets
import sys
from pathlib import Path
from urllib.parse import quote

import requests

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "services" / "partners"))  # before `make install` knows the package

from wuying_partners import routing  # noqa: E402

SERVICE_CLASSES = {
    "intake": "IntakeService",
    "risk": "RiskService",
    "warning": "WarningService",
    "inspection": "InspectionService",
    "archive": "ArchiveService",
}
DEAD_LETTER = "wuying.dead-letter"
RPC_EXCHANGE = "nameko-rpc"
DEMO_AGENCY = {"id": "demo", "name": "邯郸市审计局（演示）", "counties": ["130402", "130403"]}


def _alt(names) -> str:
    return "^(" + "|".join(sorted(set(names))) + ")$"


def service_permissions(service: str) -> dict:
    """Least privilege for one service on the internal vhost, read off its nameko class.

    nameko declares what it uses: the service's own exchange (its outbox), the exchanges of the
    services it listens to (with their ``evt-<source>-<event>--<service>.<method>`` queues),
    ``nameko-rpc`` with ``rpc-<service>`` and ``rpc.reply-<service>-<uuid>``, and the dead
    letters. Publishing to the default exchange (``amq.default``) is how the shared consumer
    retries an event on its own queue.
    """
    from nameko.extensions import ENTRYPOINT_EXTENSIONS_ATTR
    from nameko.rpc import Rpc, RpcProxy

    cls = getattr(importlib.import_module(f"wuying_{service}.service"), SERVICE_CLASSES[service])
    sources, has_rpc, calls_rpc = set(), False, False
    for attr in dir(cls):
        value = getattr(cls, attr, None)
        if isinstance(value, RpcProxy):
            calls_rpc = True
        for ext in getattr(value, ENTRYPOINT_EXTENSIONS_ATTR, ()):
            if hasattr(ext, "source_service") and hasattr(ext, "event_type"):
                sources.add(ext.source_service)
            elif isinstance(ext, Rpc):
                has_rpc = True
    svc = re.escape(service)
    own_queues = [rf"evt-[a-z_]+-[a-z_.]+--{svc}\.[a-z0-9_]+"]
    exchanges_read = [re.escape(f"{s}.events") for s in sources]
    if has_rpc:
        own_queues.append(re.escape(f"rpc-{service}"))
    if calls_rpc:
        own_queues.append(rf"rpc\.reply-{svc}-[0-9a-f-]+")
    rpc = [re.escape(RPC_EXCHANGE)] if (has_rpc or calls_rpc) else []
    own_exchange = [re.escape(f"{service}.events")]
    dead = [re.escape(DEAD_LETTER)]
    return {
        "configure": _alt(own_exchange + exchanges_read + own_queues + rpc + dead),
        "write": _alt(own_exchange + own_queues + rpc + dead + [r"amq\.default"]),
        "read": _alt(own_exchange + exchanges_read + own_queues + rpc + dead),
        "sources": sorted(sources),
    }


def republisher_permissions() -> dict:
    """The republisher: reads every internal exchange into its one queue; writes the partner
    exchange only (declared passively, so no configure there)."""
    queue = re.escape(routing.REPUBLISH_QUEUE)
    dead = re.escape(DEAD_LETTER)
    exchanges = [re.escape(f"{s}.events") for s in routing.SOURCE_SERVICES]
    return {
        "internal": {
            "configure": _alt([queue, dead]),
            "write": _alt([queue, dead]),
            "read": _alt([queue, dead, *exchanges]),
        },
        "partner": {"configure": "^$", "write": _alt([re.escape(routing.PARTNER_EXCHANGE)]), "read": "^$"},
    }


def agency_permissions(agency: str) -> dict:
    prefix = re.escape(routing.agency_queue_prefix(agency)) + ".+"
    return {
        # Binding needs write on the queue: the agency writes only into its own queues.
        "configure": _alt([prefix]),
        "write": _alt([prefix]),
        "read": _alt([re.escape(routing.PARTNER_EXCHANGE), prefix, re.escape(routing.replay_stream(agency))]),
    }


class Management:
    """The few management-API calls this script needs; every call is idempotent."""

    def __init__(self, url: str, user: str, password: str) -> None:
        self.url = url.rstrip("/") + "/api"
        self.session = requests.Session()
        self.session.auth = (user, password)

    def _call(self, method: str, path: str, json=None, ok=(200, 201, 204)):
        response = self.session.request(method, self.url + path, json=json, timeout=15)
        if response.status_code not in ok:
            raise SystemExit(f"{method} {path}: {response.status_code} {response.text[:300]}")
        return (
            response.json()
            if response.content and response.headers.get("content-type", "").startswith("application/json")
            else None
        )

    def put(self, path: str, json: dict):
        return self._call("PUT", path, json)

    def get(self, path: str):
        return self._call("GET", path, ok=(200,))

    def exists(self, path: str) -> bool:
        return self.session.get(self.url + path, timeout=15).status_code == 200

    def delete(self, path: str):
        return self._call("DELETE", path, ok=(200, 204, 404))

    def post(self, path: str, json: dict):
        return self._call("POST", path, json)


def q(name: str) -> str:
    return quote(name, safe="")


class Credentials:
    """``NAME=value`` lines in a file only its owner reads; a password is made once, then reused."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.values: dict[str, str] = {}
        if path.exists():
            for line in path.read_text("utf-8").splitlines():
                key, sep, value = line.partition("=")
                if sep:
                    self.values[key.strip()] = value.strip()

    def password(self, user: str) -> str:
        key = "PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", user.upper())
        if key not in self.values:
            self.values[key] = secrets.token_urlsafe(24)
        return self.values[key]

    def set(self, key: str, value: str) -> None:
        self.values[key] = value

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        old = os.umask(0o077)
        try:
            self.path.write_text("".join(f"{k}={v}\n" for k, v in sorted(self.values.items())), "utf-8")
        finally:
            os.umask(old)
        self.path.chmod(0o600)


class Setup:
    def __init__(self, args) -> None:
        self.args = args
        user, _, password = args.admin.partition(":")
        self.api = Management(args.mgmt, user, password)
        self.creds = Credentials(Path(args.credentials))
        self.internal, self.partner = args.internal_vhost, args.partner_vhost
        self.prefix = args.user_prefix

    def user(self, name: str) -> tuple[str, str]:
        full = self.prefix + name
        password = self.creds.password(full)
        self.api.put(f"/users/{q(full)}", {"password": password, "tags": ""})
        return full, password

    def permit(self, vhost: str, user: str, perms: dict) -> None:
        self.api.put(
            f"/permissions/{q(vhost)}/{q(user)}",
            {k: perms[k] for k in ("configure", "write", "read")},
        )

    def base(self) -> None:
        for vhost in (self.internal, self.partner):
            if not self.api.exists(f"/vhosts/{q(vhost)}"):
                self.api.put(f"/vhosts/{q(vhost)}", {"description": "wuying", "tracing": False})
        # The administrator keeps its rights on vhosts it created (tests, local runs).
        admin = self.args.admin.partition(":")[0]
        for vhost in (self.internal, self.partner):
            self.permit(vhost, admin, {"configure": ".*", "write": ".*", "read": ".*"})
        # Exchanges exist before any service or binding needs them: an agency can bind at
        # once, and the republisher declares the sources passively.
        topic = {"type": "topic", "durable": True, "auto_delete": False, "internal": False, "arguments": {}}
        for svc in routing.SOURCE_SERVICES:
            self.api.put(f"/exchanges/{q(self.internal)}/{q(svc + '.events')}", topic)
        self.api.put(f"/exchanges/{q(self.partner)}/{q(routing.PARTNER_EXCHANGE)}", topic)
        definition = {"max-age": self.args.replay_max_age, "max-length-bytes": self.args.replay_max_bytes}
        self.api.put(
            f"/policies/{q(self.partner)}/wuying-replay-retention",
            {"pattern": r"^replay\.", "apply-to": "queues", "priority": 10, "definition": definition},
        )

    def services(self, permissions: dict[str, dict]) -> None:
        for svc, perms in permissions.items():
            user, password = self.user(f"wuying-{svc}")
            self.permit(self.internal, user, perms)
            self.creds.set(f"{svc.upper()}_AMQP_URI", amqp_uri(self.args, user, password, self.internal))
        perms = republisher_permissions()
        user, password = self.user("wuying-partners")
        self.permit(self.internal, user, perms["internal"])
        self.permit(self.partner, user, perms["partner"])
        self.creds.set("PARTNERS_AMQP_URI", amqp_uri(self.args, user, password, self.internal))
        self.creds.set("PARTNERS_PARTNER_AMQP_URI", amqp_uri(self.args, user, password, self.partner))

    def agency(self, agency: str, counties: list[str], name: str = "") -> str:
        topic = routing.county_topic_pattern(counties)
        user, password = self.user(routing.agency_user(agency))
        self.permit(self.partner, user, agency_permissions(agency))
        self.api.put(
            f"/topic-permissions/{q(self.partner)}/{q(user)}",
            {"exchange": routing.PARTNER_EXCHANGE, "write": "^$", "read": topic},
        )
        stream = routing.replay_stream(agency)
        self.api.put(
            f"/queues/{q(self.partner)}/{q(stream)}",
            {"durable": True, "auto_delete": False, "arguments": {"x-queue-type": "stream"}},
        )
        wanted = {f"{c}.#" for c in counties}
        path = f"/bindings/{q(self.partner)}/e/{q(routing.PARTNER_EXCHANGE)}/q/{q(stream)}"
        present = {b["routing_key"]: b["properties_key"] for b in self.api.get(path)}
        for key in wanted - set(present):
            self.api.post(path, {"routing_key": key, "arguments": {}})
        for key in set(present) - wanted:  # counties taken away from the agency
            self.api.delete(f"{path}/{q(present[key])}")
        uri = amqp_uri(self.args, user, password, self.partner)
        slug = re.sub(r"[^A-Z0-9]", "_", agency.upper())
        self.creds.set(f"AGENCY_{slug}_AMQP_URI", uri)
        self.creds.set(f"AGENCY_{slug}_COUNTIES", ",".join(counties))
        if name:
            self.creds.set(f"AGENCY_{slug}_NAME", name)
        return uri

    def remove_agency(self, agency: str) -> None:
        self.api.delete(f"/users/{q(self.prefix + routing.agency_user(agency))}")
        self.api.delete(f"/queues/{q(self.partner)}/{q(routing.replay_stream(agency))}")
        slug = re.sub(r"[^A-Z0-9]", "_", agency.upper())
        for key in [k for k in self.creds.values if k.startswith(f"AGENCY_{slug}_")]:
            del self.creds.values[key]

    def teardown(self) -> None:
        if self.internal == "/" or not self.prefix:
            raise SystemExit("teardown is for throw-away vhost pairs made with --user-prefix; refusing")
        for vhost in (self.internal, self.partner):
            self.api.delete(f"/vhosts/{q(vhost)}")
        for user in self.api.get("/users"):
            if user["name"].startswith(self.prefix):
                self.api.delete(f"/users/{q(user['name'])}")


def k8s_topology(internal_vhost: str = "wuying", cluster: str = "wuying-rabbitmq") -> list[dict]:
    """The same broker access as RabbitMQ Messaging Topology Operator objects, for
    deploy/components/partners/topology.yaml (``partners.py k8s`` writes it; a test checks it)."""
    labels = {"app.kubernetes.io/part-of": "wuying", "app.kubernetes.io/component": "partners"}
    ref = {"name": cluster}
    docs: list[dict] = []

    def obj(kind: str, name: str, spec: dict) -> None:
        docs.append(
            {
                "apiVersion": "rabbitmq.com/v1beta1",
                "kind": kind,
                "metadata": {"name": name, "labels": dict(labels)},
                "spec": {**spec, "rabbitmqClusterReference": ref},
            }
        )

    def k8s_name(value: str) -> str:
        return re.sub(r"[^a-z0-9-]", "-", value.lower()).strip("-")

    partner = routing.PARTNER_VHOST
    obj("Vhost", partner, {"name": partner})
    for svc in routing.SOURCE_SERVICES:
        obj(
            "Exchange",
            f"{svc}-events",
            {"name": f"{svc}.events", "vhost": internal_vhost, "type": "topic", "durable": True, "autoDelete": False},
        )
    obj(
        "Exchange",
        k8s_name(routing.PARTNER_EXCHANGE),
        {"name": routing.PARTNER_EXCHANGE, "vhost": partner, "type": "topic", "durable": True, "autoDelete": False},
    )
    obj(
        "Policy",
        "wuying-replay-retention",
        {
            "name": "wuying-replay-retention",
            "vhost": partner,
            "pattern": r"^replay\.",
            "applyTo": "queues",
            "priority": 10,
            "definition": {"max-age": "30D", "max-length-bytes": 2 * 1024**3},
        },
    )

    def user(name: str, vhost_perms: dict[str, dict]) -> None:
        # The operator generates the password into the Secret <name>-user-credentials.
        obj("User", name, {"tags": []})
        for vhost, perms in vhost_perms.items():
            obj(
                "Permission",
                f"{name}-on-{k8s_name(vhost)}",
                {
                    "vhost": vhost,
                    "userReference": {"name": name},
                    "permissions": {k: perms[k] for k in ("configure", "write", "read")},
                },
            )

    for svc in SERVICE_CLASSES:
        user(f"wuying-{svc}", {internal_vhost: service_permissions(svc)})
    perms = republisher_permissions()
    user("wuying-partners", {internal_vhost: perms["internal"], partner: perms["partner"]})
    agency = DEMO_AGENCY
    name = routing.agency_user(agency["id"])
    user(name, {partner: agency_permissions(agency["id"])})
    obj(
        "TopicPermission",
        f"{name}-counties",
        {
            "vhost": partner,
            "userReference": {"name": name},
            "permissions": {
                "exchange": routing.PARTNER_EXCHANGE,
                "write": "^$",
                "read": routing.county_topic_pattern(agency["counties"]),
            },
        },
    )
    stream = routing.replay_stream(agency["id"])
    obj(
        "Queue",
        k8s_name(stream),
        {"name": stream, "vhost": partner, "type": "stream", "durable": True, "autoDelete": False},
    )
    for county in agency["counties"]:
        obj(
            "Binding",
            f"{k8s_name(stream)}-{county}",
            {
                "vhost": partner,
                "source": routing.PARTNER_EXCHANGE,
                "destination": stream,
                "destinationType": "queue",
                "routingKey": f"{county}.#",
            },
        )
    return docs


def k8s_yaml() -> str:
    import yaml

    head = (
        "# Generated by `python scripts/partners.py k8s`: the broker access of scripts/partners.py as\n"
        "# RabbitMQ Messaging Topology Operator objects. Edit the script, not this file.\n"
    )
    return head + yaml.safe_dump_all(k8s_topology(), allow_unicode=True, sort_keys=False, width=120)


def amqp_uri(args, user: str, password: str, vhost: str) -> str:
    return f"amqp://{quote(user, safe='')}:{quote(password, safe='')}@{args.amqp_host}/{quote(vhost, safe='')}"


def how_to_use(args, agency: dict, uri: str) -> str:
    stream = routing.replay_stream(agency["id"])
    prefix = routing.agency_queue_prefix(agency["id"])
    return f"""协作单位演示账号 (demo agency): {agency['name']}，县区 {', '.join(agency['counties'])}
  AMQP URI     {uri}
               (also in {args.credentials} as AGENCY_{agency['id'].upper()}_AMQP_URI)
  exchange     {routing.PARTNER_EXCHANGE}  (vhost {args.partner_vhost}), routing keys <county>.<service>.<event>.v<N>
  your queues  {prefix}<name>, bound with your counties only, e.g. {agency['counties'][0]}.#
  replay       stream {stream}: basic.qos + basic.consume with x-stream-offset = a timestamp
  contract     contracts/asyncapi.yaml, contracts/events/*.json; guide: docs/partners.md
  try it       .venv/bin/python tests/partners/outside_consumer.py --uri "$(grep AGENCY_{agency['id'].upper()}_AMQP_URI {args.credentials} | cut -d= -f2-)" --agency {agency['id']} --seconds 10"""


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(
        prog="partners.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--mgmt", default=os.environ.get("WUYING_MGMT_URL", "http://127.0.0.1:15672"))
    parser.add_argument("--admin", default=os.environ.get("WUYING_MGMT_ADMIN", "guest:guest"), help="user:password")
    parser.add_argument("--amqp-host", default=os.environ.get("WUYING_AMQP_HOST", "127.0.0.1:5672"))
    parser.add_argument("--internal-vhost", default=os.environ.get("WUYING_INTERNAL_VHOST", "/"))
    parser.add_argument("--partner-vhost", default=os.environ.get("WUYING_PARTNER_VHOST", routing.PARTNER_VHOST))
    parser.add_argument("--user-prefix", default="", help="prefix every user (throw-away test setups)")
    parser.add_argument("--credentials", default=os.environ.get("WUYING_PARTNER_CREDENTIALS", ".run/partners.env"))
    parser.add_argument("--replay-max-age", default=os.environ.get("WUYING_REPLAY_MAX_AGE", "30D"))
    parser.add_argument(
        "--replay-max-bytes", type=int, default=int(os.environ.get("WUYING_REPLAY_MAX_BYTES", str(2 * 1024**3)))
    )
    sub = parser.add_subparsers(dest="command", required=True)
    setup = sub.add_parser("setup")
    setup.add_argument("--demo", action="store_true", help="also create the demo agency and print how to use it")
    agency = sub.add_parser("agency")
    agency.add_argument("id")
    agency.add_argument("--counties", required=True, help="GB/T 2260 county codes, comma separated")
    agency.add_argument("--name", default="")
    remove = sub.add_parser("remove-agency")
    remove.add_argument("id")
    sub.add_parser("permissions")
    sub.add_parser("k8s", help="print deploy/components/partners/topology.yaml")
    sub.add_parser("teardown")
    args = parser.parse_args(argv)

    if args.command == "permissions":
        for svc in SERVICE_CLASSES:
            print(f"wuying-{svc}: {service_permissions(svc)}")
        print(f"wuying-partners: {republisher_permissions()}")
        for agency_id in ("<id>",):
            print(f"agency-{agency_id}: see agency_permissions(); topic read ^(<county>|...)\\.")
        return
    if args.command == "k8s":
        sys.stdout.write(k8s_yaml())
        return
    run = Setup(args)
    if args.command == "setup":
        # Read every service class first: a service that does not import changes nothing.
        permissions = {svc: service_permissions(svc) for svc in SERVICE_CLASSES}
        run.base()
        run.services(permissions)
        if args.demo:
            uri = run.agency(DEMO_AGENCY["id"], DEMO_AGENCY["counties"], DEMO_AGENCY["name"])
        run.creds.save()
        print(
            f"partners: vhost {args.partner_vhost} ready; service users on {args.internal_vhost}; credentials in {args.credentials}"
        )
        if args.demo:
            print(how_to_use(args, DEMO_AGENCY, uri))
    elif args.command == "agency":
        counties = [c.strip() for c in args.counties.split(",") if c.strip()]
        uri = run.agency(args.id, counties, args.name)
        run.creds.save()
        print(how_to_use(args, {"id": args.id, "name": args.name or args.id, "counties": counties}, uri))
    elif args.command == "remove-agency":
        run.remove_agency(args.id)
        run.creds.save()
        print(f"agency {args.id} removed (user and replay stream)")
    elif args.command == "teardown":
        run.teardown()
        print(f"removed vhosts {args.internal_vhost}, {args.partner_vhost} and users {args.user_prefix}*")


if __name__ == "__main__":
    main()
