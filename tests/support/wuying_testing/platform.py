"""The five services as real ``nameko run`` processes on the real local RabbitMQ.

Each run gets a throw-away vhost, its own database names and free ports (never 8000-8080, the
ones ``make up`` uses); ``stop()`` ends exactly the processes it started, by pid, and deletes the
vhost. Used by rings that must talk to the services over HTTP as an outsider would.
"""

from __future__ import annotations

import base64
import os
import signal
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[3]
CLASSES = {
    "archive": "ArchiveService",
    "risk": "RiskService",
    "warning": "WarningService",
    "inspection": "InspectionService",
    "intake": "IntakeService",
}
MANAGEMENT = "http://127.0.0.1:15672/api"
BROKER_ADMIN = ("guest", "guest")


def free_port() -> int:
    while True:
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        if not 8000 <= port <= 8080:
            return port


@dataclass
class Platform:
    """Services started by ``start()``; ``urls[svc]`` and ``secret`` (the HS256 dev secret)."""

    logs: Path
    services: tuple[str, ...] = tuple(CLASSES)
    secret: str = field(default_factory=lambda: "platform-" + uuid.uuid4().hex)
    vhost: str = field(default_factory=lambda: f"wuying-test-{uuid.uuid4().hex[:8]}")
    urls: dict[str, str] = field(default_factory=dict)
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    @property
    def amqp_uri(self) -> str:
        return f"amqp://guest:guest@127.0.0.1:5672/{self.vhost}"

    def start(self, timeout: float = 90.0) -> Platform:
        requests.put(f"{MANAGEMENT}/vhosts/{self.vhost}", auth=BROKER_ADMIN, timeout=10).raise_for_status()
        requests.put(
            f"{MANAGEMENT}/permissions/{self.vhost}/guest",
            json={"configure": ".*", "write": ".*", "read": ".*"},
            auth=BROKER_ADMIN,
            timeout=10,
        ).raise_for_status()
        suffix = "_" + self.vhost.rsplit("-", 1)[-1]
        nameko = Path(sys.executable).parent / "nameko"
        self.logs.mkdir(parents=True, exist_ok=True)
        for svc in self.services:
            port = free_port()
            env = dict(
                os.environ,
                AMQP_URI=self.amqp_uri,
                WUYING_JWT_SECRET=self.secret,
                WUYING_INTAKE_KEYS="t1:" + base64.b64encode(os.urandom(32)).decode(),
                WUYING_INTAKE_ACK_KEY=os.urandom(32).hex(),
                ARCHIVE_CHECKPOINT_KEY=base64.b64encode(os.urandom(32)).decode(),
                EVENT_RETRY_DELAY="0.1",
                LOG_LEVEL="WARNING",
                **{
                    f"{svc.upper()}_HTTP_ADDRESS": f"127.0.0.1:{port}",
                    f"{svc.upper()}_MONGODB_DATABASE": f"wuying_{svc}{suffix}",
                },
            )
            with open(self.logs / f"{svc}.log", "ab") as log:
                self.procs[svc] = subprocess.Popen(
                    [
                        str(nameko),
                        "run",
                        "--config",
                        f"services/{svc}/config.yml",
                        f"wuying_{svc}.service:{CLASSES[svc]}",
                    ],
                    cwd=ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                    start_new_session=True,
                )
            self.urls[svc] = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + timeout
        for svc in self.services:
            while not self._healthy(svc):
                if self.procs[svc].poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{svc} did not start:\n" + self.log(svc)[-3000:])
                time.sleep(0.3)
        return self

    def _healthy(self, svc: str) -> bool:
        try:
            return requests.get(f"{self.urls[svc]}/health", timeout=2).status_code == 200
        except requests.ConnectionError:
            return False

    def log(self, svc: str) -> str:
        path = self.logs / f"{svc}.log"
        return path.read_text("utf-8", errors="replace") if path.exists() else ""

    def stop(self) -> None:
        for proc in self.procs.values():
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        requests.delete(f"{MANAGEMENT}/vhosts/{self.vhost}", auth=BROKER_ADMIN, timeout=10)
        uri = os.environ.get("MONGODB_URI")
        if uri:
            import pymongo

            suffix = "_" + self.vhost.rsplit("-", 1)[-1]
            client = pymongo.MongoClient(uri)
            for name in client.list_database_names():
                if name.endswith(suffix):
                    client.drop_database(name)
            client.close()
