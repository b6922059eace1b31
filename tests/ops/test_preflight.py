"""scripts/preflight.py: `make up` refuses ports another copy holds (even one bound with
SO_REUSEPORT, as eventlet does) and a broker that answers but does not work."""

import importlib.util
import os
import socket
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _load():
    spec = importlib.util.spec_from_file_location("preflight", ROOT / "scripts" / "preflight.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("preflight", module)
    spec.loader.exec_module(module)
    return module


preflight = _load()


@pytest.fixture
def listener():
    """listener(reuseport) -> the port of a socket listening on 127.0.0.1, like a service's."""
    sockets = []

    def make(reuseport=False):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if reuseport:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(("127.0.0.1", 0))
        sock.listen()
        sockets.append(sock)
        return sock.getsockname()[1]

    yield make
    for sock in sockets:
        sock.close()


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_a_port_held_with_so_reuseport_is_refused_and_its_holder_named(listener, tmp_path):
    port = listener(reuseport=True)
    # What a second eventlet would do succeeds silently: that is the danger.
    with socket.socket() as second:
        second.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        second.bind(("127.0.0.1", port))
    problems = preflight.check_ports([port], tmp_path)
    assert len(problems) == 1
    assert f"127.0.0.1:{port} is already in use by pid {os.getpid()}: " in problems[0]
    assert "python" in problems[0]


def test_a_plainly_bound_port_is_refused_and_a_free_one_passes(listener, tmp_path):
    taken, free = listener(), _free_port()
    assert preflight.port_in_use(taken)
    assert not preflight.port_in_use(free)
    assert [p.split(" is ")[0] for p in preflight.check_ports([free, taken], tmp_path)] == [f"127.0.0.1:{taken}"]


def test_a_port_held_by_this_clones_own_service_is_no_conflict(listener, tmp_path):
    port = listener(reuseport=True)
    (tmp_path / "pids").mkdir()
    (tmp_path / "pids" / "intake.pid").write_text(f"{os.getpid()}\n")
    assert preflight.check_ports([port], tmp_path) == []


def test_the_command_line_names_the_port_and_refuses(listener, tmp_path, capsys):
    port = listener(reuseport=True)
    assert preflight.main(["ports", "--run-dir", str(tmp_path), str(_free_port()), str(port)]) == 1
    err = capsys.readouterr().err
    assert f"port check: 127.0.0.1:{port} is already in use by pid {os.getpid()}" in err
    assert "refusing to start" in err
    assert preflight.main(["ports", "--run-dir", str(tmp_path), str(_free_port())]) == 0


# -- the broker (the local RabbitMQ the other rings use) ---------------------------------------
AMQP = "amqp://guest:guest@127.0.0.1:5672/"


def test_the_local_broker_passes_the_round_trip():
    assert preflight.check_broker(AMQP, 15672) == []


def test_a_broker_whose_management_api_does_not_answer_is_refused():
    (problem,) = preflight.check_broker(AMQP, _free_port())
    assert "the management API on 127.0.0.1:" in problem and "does not answer" in problem


def test_a_broker_that_refuses_the_projects_credentials_is_refused():
    (problem,) = preflight.check_broker("amqp://guest:not-the-password@127.0.0.1:5672/", 15672)
    assert problem == "the management API on 127.0.0.1:15672 answers 401 for user 'guest'"


def test_a_broker_that_cannot_declare_or_deliver_is_refused():
    # A vhost that does not exist stands for a broker that lost its data: it answers, then fails.
    (problem,) = preflight.check_broker("amqp://guest:guest@127.0.0.1:5672/wuying-no-such-vhost", 15672)
    assert problem.startswith("the broker on 127.0.0.1:5672 fails a publish/consume round trip as 'guest'")
    assert "NOT_ALLOWED" in problem
