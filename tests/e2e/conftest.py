"""All five services as real processes on the real local RabbitMQ, in a vhost of their own."""

import base64
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import requests

from wuying_testing.platform import BROKER_ADMIN, CLASSES, MANAGEMENT, free_port
from wuying_tools.demo import generate
from wuying_tools.scenario import Staff, load_province

ROOT = Path(__file__).resolve().parents[2]
MGMT, AUTH = MANAGEMENT, BROKER_ADMIN


@pytest.fixture(scope="session")
def platform(tmp_path_factory):
    vhost = f"wuying-e2e-{uuid.uuid4().hex[:8]}"
    requests.put(f"{MGMT}/vhosts/{vhost}", auth=AUTH, timeout=10).raise_for_status()
    requests.put(
        f"{MGMT}/permissions/{vhost}/guest",
        json={"configure": ".*", "write": ".*", "read": ".*"},
        auth=AUTH,
        timeout=10,
    ).raise_for_status()
    secret = "e2e-" + uuid.uuid4().hex
    suffix = "_e2e" + uuid.uuid4().hex[:8]
    amqp_uri = f"amqp://guest:guest@127.0.0.1:5672/{vhost}"
    logs = tmp_path_factory.mktemp("logs")
    urls, procs, commands = {}, {}, {}
    nameko = Path(sys.executable).parent / "nameko"

    def start(svc):
        args, env = commands[svc]
        log = open(logs / f"{svc}.log", "a")  # noqa: SIM115 - closed at teardown
        proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        procs[svc] = (proc, log)

    def stop(svc, sig=signal.SIGKILL):
        proc, log = procs[svc]
        proc.send_signal(sig)
        proc.wait(timeout=15)
        log.close()

    def wait_healthy(svc):
        url = urls[svc]
        deadline = time.monotonic() + 60
        while True:
            try:
                if requests.get(f"{url}/health", timeout=2).status_code == 200:
                    return
            except requests.ConnectionError:
                pass
            if procs[svc][0].poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{svc} did not start:\n" + (logs / f"{svc}.log").read_text()[-3000:])
            time.sleep(0.3)

    for svc, cls in CLASSES.items():
        port = free_port()
        env = dict(
            os.environ,
            AMQP_URI=amqp_uri,
            WUYING_JWT_SECRET=secret,
            WUYING_INTAKE_KEYS="e2e1:" + base64.b64encode(os.urandom(32)).decode(),
            WUYING_INTAKE_ACK_KEY=os.urandom(32).hex(),
            ARCHIVE_CHECKPOINT_KEY=base64.b64encode(os.urandom(32)).decode(),
            EVENT_RETRY_DELAY="0.1",
            **{
                f"{svc.upper()}_HTTP_ADDRESS": f"127.0.0.1:{port}",
                f"{svc.upper()}_MONGODB_DATABASE": f"wuying_{svc}{suffix}",
            },
        )
        commands[svc] = (
            [str(nameko), "run", "--config", f"services/{svc}/config.yml", f"wuying_{svc}.service:{cls}"],
            env,
        )
        start(svc)
        urls[svc] = f"http://127.0.0.1:{port}"
    try:
        for svc in urls:
            wait_healthy(svc)
        province = generate(seed=2026, counties=14)  # through 130406 峰峰矿区
        staff = Staff(secret)
        load_province(province, urls, staff)
        yield {
            "urls": urls,
            "staff": staff,
            "province": province,
            "amqp_uri": amqp_uri,
            "logs": logs,
            "stop": stop,
            "start": start,
            "wait_healthy": wait_healthy,
        }
    finally:
        for proc, log in procs.values():
            if not log.closed and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    proc.kill()
            log.close()
        requests.delete(f"{MGMT}/vhosts/{vhost}", auth=AUTH, timeout=10)
        uri = os.environ.get("MONGODB_URI")
        if uri:
            import pymongo

            client = pymongo.MongoClient(uri)
            for name in client.list_database_names():
                if name.endswith(suffix):
                    client.drop_database(name)
