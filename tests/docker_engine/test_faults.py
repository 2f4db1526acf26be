"""Faults: no daemon at start (a clear error, or the simulator with LAB_FALLBACK=sim, visible in the
page's `hello`), and a daemon lost during a session (a console message within two seconds, commands
answering like the docker CLI, recovery and a re-opened event stream when it is back)."""

from __future__ import annotations

import threading
import time

import pytest

from webapp import close_app, create_app
from webapp.config import ConfigError
from webapp.engine.docker import Connection
from webapp.live import NAMESPACE

from ..web.conftest import SECRET, LabClient
from .conftest import labelled_containers, remove_sessions

NOWHERE = "unix:///nonexistent/lifecycle-lab/docker.sock"


def _config(tmp_path, **overrides):
    config = {"TESTING": True, "SECRET_KEY": SECRET, "LAB_DB": str(tmp_path / "lab.db"),
              "LAB_INSTANCE": str(tmp_path / "instance"), "LAB_REAP_INTERVAL": 0,
              "LAB_NODE_MODULES": str(tmp_path / "node_modules"), "LAB_ENGINE": "docker"}
    config.update(overrides)
    return config


def test_no_daemon_at_start_is_a_clear_error(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", NOWHERE)
    monkeypatch.delenv("LAB_FALLBACK", raising=False)
    started = time.monotonic()
    with pytest.raises(ConfigError) as caught:
        create_app(_config(tmp_path))
    assert time.monotonic() - started < 10
    message = str(caught.value)
    assert f"Cannot connect to the Docker daemon at {NOWHERE}. Is the docker daemon running?" in message
    assert "LAB_FALLBACK=sim" in message


def test_no_daemon_at_start_falls_back_to_the_simulator_visibly(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", NOWHERE)
    app = create_app(_config(tmp_path, LAB_FALLBACK="sim"))
    try:
        assert app.config["LAB_ENGINE"] == "sim"
        client = LabClient(app)
        assert client.wait_for("hello")["engine"] == "sim (fallback)"
        assert client.run("docker run -d --name w0 ubuntu:20.04 sleep 5")["exit_code"] == 0
        client.disconnect(NAMESPACE)
    finally:
        close_app(app)


@pytest.mark.docker
def test_a_daemon_lost_during_a_session_and_back(make_engine, proxy) -> None:
    engine = make_engine(connection=Connection(proxy.host))
    notices: list[tuple[float, str]] = []
    engine.subscribe_notices(lambda text: notices.append((time.monotonic(), text)))
    assert engine.run("docker run -d --name lives ubuntu:20.04 sleep 100").exit_code == 0
    waiting = engine.execute("docker wait lives", tty=True)  # a command in flight
    time.sleep(0.3)
    before = engine.containers()

    lost = time.monotonic()
    proxy.cut()
    deadline = lost + 5
    while not notices and time.monotonic() < deadline:
        time.sleep(0.02)
    assert notices, "no message about the lost daemon"
    assert notices[0][0] - lost < 2.0, f"the message took {notices[0][0] - lost:.2f} s"
    assert "Lost the connection to the Docker daemon" in notices[0][1]
    assert proxy.host in notices[0][1]
    deadline = time.monotonic() + 5
    while not waiting.done and time.monotonic() < deadline:
        time.sleep(0.02)
    assert waiting.done and waiting.exit_code == 1  # ended with a message, not left hanging
    started = time.monotonic()
    result = engine.run("docker ps")
    assert result.exit_code == 1 and time.monotonic() - started < 1
    assert result.stderr == (f"Cannot connect to the Docker daemon at {proxy.host}. Is the docker "
                             "daemon running?\n")
    assert engine.containers() == before  # the last known state, not nothing

    back = time.monotonic()
    proxy.restore()
    deadline = back + 5
    while len(notices) < 2 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert len(notices) == 2 and "answers again" in notices[1][1]
    assert notices[1][0] - back < 2.0
    deadline = time.monotonic() + 5
    while not engine.feed.connected.is_set() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert engine.run("docker ps --format '{{.Names}} {{.State}}'").stdout == "lives running\n"
    assert engine.run("docker kill lives").exit_code == 0
    engine.settle(0.2)
    assert [e.action for e in engine.history][-2:] == ["kill", "die"]


@pytest.mark.docker
def test_the_web_console_hears_about_a_lost_daemon(daemon, proxy, tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("DOCKER_HOST", proxy.host)
    app = create_app(_config(tmp_path))
    try:
        http = app.test_client()
        http.get("/sandbox")
        client = LabClient(app, flask_test_client=http)
        assert client.wait_for("hello")["engine"] == "docker"
        assert client.run("docker run -d --name w1 ubuntu:20.04 sleep 100")["exit_code"] == 0
        client.received()
        lost = time.monotonic()
        proxy.cut()
        message = client.wait_for("output", lambda p: "Lost the connection" in p["data"], 3.0)
        assert time.monotonic() - lost < 2.0
        assert message["stream"] == "stderr"
        proxy.restore()
        client.wait_for("output", lambda p: "answers again" in p["data"], 3.0)
        sandbox = app.extensions["lab"].all()[0]
        assert [c["name"] for c in sandbox.engine.containers()] == ["w1"]
        client.disconnect(NAMESPACE)
    finally:
        close_app(app)  # a server shutdown keeps the sandbox's containers for the next start
    assert len(labelled_containers(daemon, sandbox.id)) == 1
    remove_sessions(daemon, {sandbox.id})  # what the next server start would do with it
    assert labelled_containers(daemon, sandbox.id) == []


@pytest.mark.docker
def test_the_web_console_on_the_docker_engine(daemon, tmp_path, monkeypatch) -> None:
    app = create_app(_config(tmp_path))
    try:
        client = LabClient(app)  # no cookie: an ephemeral sandbox, dropped when it disconnects
        assert client.wait_for("hello")["engine"] == "docker"
        ack = client.run("docker run -d --name w2 ubuntu:20.04 sleep 100")
        assert ack["exit_code"] == 0 and len(ack["stdout"].strip()) == 64
        event = client.wait_for("engine_event", lambda e: e["Action"] == "start")
        assert event["Actor"]["Attributes"]["name"] == "w2"
        state = client.wait_for("state", lambda s: s["containers"])
        assert [(c["name"], c["state"]) for c in state["containers"]] == [("w2", "running")]
        # an attached command, keystrokes from another thread, detach
        future = client.run_in_thread("docker run -it --name w3 ubuntu:20.04")
        client.wait_for("engine_event", lambda e: e["Action"] == "start"
                        and e["Actor"]["Attributes"]["name"] == "w3")
        client.keys("echo typed\r")
        client.wait_for("output", lambda p: "typed" in p["data"])
        client.keys("\x10\x11")
        assert future.result(10)["exit_code"] == 0
        assert client.complete("docker stop w")["candidates"] == ["w2", "w3"]
        sandbox = app.extensions["lab"].all()[0]
        assert len(labelled_containers(daemon, sandbox.id)) == 2
        client.disconnect(NAMESPACE)
        threading.Event().wait(0.2)
        assert labelled_containers(daemon, sandbox.id) == []  # forgotten: its containers went
    finally:
        close_app(app)
