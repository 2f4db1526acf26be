"""The production server (gunicorn's gevent worker, everything monkey-patched) on the real daemon.

The docker SDK talks to the daemon over a socket that gevent patched, and the engine follows the
daemon's event stream in a thread of its own: both must still work. A learner's console runs
`docker run -d` of a short sleep through the production command; the daemon's `create`, `start` and,
a second later, `die` are pushed as they come, and `ps`/`rm` see the truth.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
import requests
import socketio

from webapp.devserver import AppServer
from webapp.store import Store

from .conftest import remove_sessions

pytestmark = pytest.mark.docker

NS = "/lab"
TIMEOUT = 60


@pytest.fixture
def production(daemon, tmp_path) -> Iterator[str]:
    server = AppServer(folder=tmp_path, production=True, timeout=TIMEOUT,
                       env={"LAB_SECRET_KEY": "production-test", "LAB_ENGINE": "docker"})
    try:
        assert "Using worker: gevent" in server.output(), server.output()
        yield server.url
    finally:
        server.stop(timeout=30)
        store = Store(tmp_path / "lab.db")  # its sandboxes' containers outlive it: remove them
        try:
            remove_sessions(daemon, set(store.ids()))
        finally:
            store.close()


def test_the_gevent_server_drives_the_real_daemon_and_pushes_its_events(production):
    cookie = requests.get(f"{production}/sandbox", timeout=TIMEOUT).cookies["lab_session"]
    client = socketio.Client(reconnection=False)
    pushed: list[dict] = []
    died = threading.Event()

    def on_event(event: dict) -> None:
        pushed.append(event)
        if event.get("Action") == "die":
            died.set()

    client.on("engine_event", on_event, namespace=NS)
    client.connect(production, namespaces=[NS], headers={"Cookie": f"lab_session={cookie}"},
                   transports=["websocket"], wait_timeout=TIMEOUT)
    try:
        ack = client.call("run", {"line": "docker run -d --name napper ubuntu:20.04 sleep 1",
                                  "streamed": True, "inline": True}, namespace=NS, timeout=TIMEOUT)
        assert ack["exit_code"] == 0, ack
        assert [name for name, _ in ack["messages"]][-2:] == ["command", "output"], ack
        # The daemon reports its events on its own stream, after the command returned: they are
        # pushed as they come (those that came in time travel in the ack).
        assert died.wait(TIMEOUT), pushed
        held = [event for name, payload in ack["messages"] if name == "engine_events"
                for event in payload["events"]]
        assert [e["Action"] for e in held + pushed] == ["create", "start", "die"]
        die = next(e for e in pushed if e["Action"] == "die")
        assert die["Actor"]["Attributes"]["name"] == "napper"
        assert die["Actor"]["Attributes"]["exitCode"] == "0"
        # (`inspect` first: a 20.10 daemon logs `die` before its listing catches up)
        inspect = client.call("run", {"line": "docker inspect -f '{{.State.Status}} "
                                              "{{.State.ExitCode}}' napper"},
                              namespace=NS, timeout=TIMEOUT)
        assert inspect["stdout"] == "exited 0\n", inspect
        ps = client.call("run", {"line": "docker ps -a --format '{{.Names}} {{.State}}'"},
                         namespace=NS, timeout=TIMEOUT)
        assert ps["stdout"] == "napper exited\n", ps
        rm = client.call("run", {"line": "docker rm napper"}, namespace=NS, timeout=TIMEOUT)
        assert rm["exit_code"] == 0 and rm["stdout"] == "napper\n", rm
    finally:
        client.disconnect()
