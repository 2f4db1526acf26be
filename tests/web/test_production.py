"""The production command: gunicorn serving `webapp.wsgi:app`, driven by a real Socket.IO client.

Readiness is a deadline-bounded poll of /healthz; every wait after that is on an acknowledgement.
"""

from __future__ import annotations

import sys

import pytest
import requests
import socketio

from webapp.cli import build_parser, gunicorn_argv
from webapp.devserver import AppServer

NS = "/lab"
TIMEOUT = 20


@pytest.fixture
def gunicorn(tmp_path):
    """`lifecycle-lab serve --production`: the CLI hands the process over to gunicorn."""
    with AppServer(folder=tmp_path, production=True, threads=20, timeout=TIMEOUT,
                   env={"LAB_SECRET_KEY": "production-test", "LAB_ENGINE": "sim"}) as server:
        assert "Starting gunicorn" in server.output(), server.output()
        assert "Using worker: gevent" in server.output(), server.output()  # the default
        assert "MonkeyPatchWarning" not in server.output()  # patched before Flask and ssl load
        yield server.url


def test_gunicorn_serves_a_console_round_trip(gunicorn):
    page = requests.get(f"{gunicorn}/", timeout=TIMEOUT)
    assert page.ok
    cookie = page.cookies["lab_session"]
    client = socketio.Client(reconnection=False)
    hello: list[dict] = []
    client.on("hello", hello.append, namespace=NS)
    client.connect(gunicorn, namespaces=[NS], headers={"Cookie": f"lab_session={cookie}"},
                   transports=["websocket"], wait_timeout=TIMEOUT)
    try:
        result = client.call("run", {"line": "docker run --rm ubuntu:20.04 echo hi"},
                             namespace=NS, timeout=TIMEOUT)
        ps = client.call("run", {"line": "docker ps -a -q"}, namespace=NS, timeout=TIMEOUT)
    finally:
        client.disconnect()
    assert result.pop("parsed")["new_container"] is True
    assert result == {"exit_code": 0, "stdout": "hi\n", "stderr": ""}
    assert ps["exit_code"] == 0 and ps["stdout"] == ""  # --rm removed it
    assert hello and hello[0]["engine"] == "sim"
    health = requests.get(f"{gunicorn}/healthz", timeout=TIMEOUT).json()
    assert health["sandboxes"] == 1  # the cookie's sandbox outlives its console


def test_serve_production_runs_gunicorn_with_one_gevent_worker():
    args = build_parser().parse_args(["serve", "--production", "--port", "5003"])
    assert args.production and args.worker == "gevent"
    argv = gunicorn_argv(args.host, args.port, args.threads, args.worker)
    assert argv[:3] == [sys.executable, "-m", "gunicorn"]
    assert argv[argv.index("--workers") + 1] == "1"
    assert argv[argv.index("--worker-class") + 1] == "gevent"
    assert "--threads" not in argv
    assert argv[argv.index("--bind") + 1] == "127.0.0.1:5003"
    assert argv[-1] == "webapp.wsgi:app"
    assert gunicorn_argv("::1", 80, 10)[argv.index("--bind") + 1] == "[::1]:80"


def test_serve_production_can_run_threads_instead():
    args = build_parser().parse_args(["serve", "--production", "--worker", "gthread",
                                      "--threads", "50"])
    argv = gunicorn_argv(args.host, args.port, args.threads, args.worker)
    assert argv[argv.index("--worker-class") + 1] == "gthread"
    assert argv[argv.index("--threads") + 1] == "50"
