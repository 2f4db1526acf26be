"""Sandboxes in memory: held only by consoles that use them, evicted when idle, back from the store.

First on Flask-SocketIO's test client with a virtual clock; then on the real server
(`lifecycle-lab serve`) with real websockets: 200 consoles that never run a command leave room for a
learner, and a server that is really full says so.
"""

from __future__ import annotations

import threading
import time

import pytest
import requests
import socketio
import websocket
from socketio import packet

from webapp.devserver import AppServer
from webapp.live import NAMESPACE

from .conftest import LabClient
from .test_live_protocol import actions, containers

TIMEOUT = 15


def learner(app):
    http = app.test_client()
    http.get("/sandbox")
    return http


def test_an_idle_sandbox_leaves_memory_and_comes_back_intact_from_the_store(make_app):
    app = make_app(LAB_EVICT_SECONDS=300)
    manager, store = app.extensions["lab"], app.extensions["lab.store"]
    http = learner(app)
    client = LabClient(app, flask_test_client=http)
    for line in ("docker run -d --name web httpd", "docker create --name idle alpine",
                 "docker run -d --name napper ubuntu sleep 50", "docker pause web"):
        assert client.run(line)["exit_code"] == 0, line
    before = manager.all()[0]
    snapshot, history = before.snapshot(), [e.to_dict() for e in before.engine.history]
    assert manager.evict(now=time.time() + 3600) == []  # a console is open: it stays
    client.disconnect(NAMESPACE)
    assert manager.evict(now=time.time() + 100) == []  # not idle long enough
    assert manager.evict(now=time.time() + 301) == [before.id]
    assert len(manager) == 0 and store.ids() == [before.id]  # out of memory, not out of the store

    again = LabClient(app, flask_test_client=http)  # the learner comes back
    received = again.received()
    hello, state = received[0]["args"][0], received[1]["args"][0]
    assert hello["sandbox"] == before.id
    assert [e for e in hello["history"]] == history
    assert containers(state) == {"web": "paused", "idle": "created", "napper": "running"}
    after = manager.get(before.id)
    assert after is not before and after.snapshot() == snapshot
    manager.advance(60)  # its clock goes on: napper's sleep ends
    assert actions(again.events("engine_event")) == [("die", "napper")]
    assert again.run("docker unpause web")["exit_code"] == 0


def test_room_is_made_by_evicting_a_sandbox_nobody_has_open(make_app):
    app = make_app(LAB_MAX_SANDBOXES=1)
    manager = app.extensions["lab"]
    ada = learner(app)
    first = LabClient(app, flask_test_client=ada)
    assert first.run("docker run -d --name web httpd")["exit_code"] == 0
    ada_sandbox = manager.all()[0].id
    first.disconnect(NAMESPACE)  # ada leaves; her sandbox is idle, nobody has it open

    bob = learner(app)
    second = LabClient(app, flask_test_client=bob)
    assert second.run("docker ps")["exit_code"] == 0  # room made: ada's sandbox left memory
    assert [s.id for s in manager.all()] != [ada_sandbox] and len(manager) == 1

    # Ada comes back while bob works: the one sandbox is in use, and she is told so.
    refused = LabClient(app, flask_test_client=ada)
    assert not refused.is_connected(NAMESPACE)  # (the real server test reads the refusal's code)
    second.disconnect(NAMESPACE)
    back = LabClient(app, flask_test_client=ada)
    assert back.is_connected(NAMESPACE)
    assert containers(back.received()[1]["args"][0]) == {"web": "running"}


# -- the real server ---------------------------------------------------------------------------------


def raw_console(url: str) -> websocket.WebSocket:
    """A Socket.IO connection to /lab on a bare websocket (no cookie, no threads of its own)."""
    ws = websocket.create_connection(
        url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket", timeout=TIMEOUT)
    assert ws.recv().startswith("0")  # Engine.IO's open packet
    ws.send("4" + packet.Packet(packet.CONNECT, namespace=NAMESPACE).encode())
    while True:
        frame = ws.recv()
        if frame.startswith("40/lab"):  # connected
            return ws
        assert not frame.startswith("44"), frame  # refused


class Learner:
    def __init__(self, url: str):
        self.http = requests.Session()
        assert self.http.get(f"{url}/sandbox", timeout=TIMEOUT).ok
        self.errors: list[dict] = []
        self.sio = socketio.Client(reconnection=False)
        self.sio.on("error", self.errors.append, namespace=NAMESPACE)
        self.sio.connect(url, namespaces=[NAMESPACE], transports=["websocket"],
                         headers={"Cookie": f"lab_session={self.http.cookies['lab_session']}"},
                         wait_timeout=TIMEOUT)

    def run(self, line: str) -> dict:
        return self.sio.call("run", {"line": line}, namespace=NAMESPACE, timeout=TIMEOUT)

    def close(self) -> None:
        """Hang up and wait until the server saw it (not for the client library's idle close)."""
        gone = threading.Event()
        self.sio.on("disconnect", lambda *args: gone.set(), namespace=NAMESPACE)
        threading.Thread(target=self.sio.disconnect, daemon=True).start()
        assert gone.wait(TIMEOUT)


def test_two_hundred_idle_consoles_leave_room_for_a_learner(tmp_path):
    with AppServer(folder=tmp_path, env={"LAB_SECRET_KEY": "room", "LAB_ENGINE": "sim",
                                         "LAB_MAX_SANDBOXES": "200"}) as server:
        idle = [raw_console(server.url) for _ in range(200)]
        try:
            assert requests.get(f"{server.url}/healthz", timeout=TIMEOUT).json()["sandboxes"] == 0
            ada = Learner(server.url)
            try:
                assert ada.run("docker run -d --name web httpd")["exit_code"] == 0
                assert ada.run("docker ps -q")["stdout"].strip()
            finally:
                ada.close()
            assert requests.get(f"{server.url}/healthz", timeout=TIMEOUT).json()["sandboxes"] == 1
        finally:
            for ws in idle:
                ws.close()


def test_a_server_that_is_really_full_says_so(tmp_path):
    with AppServer(folder=tmp_path, env={"LAB_SECRET_KEY": "full", "LAB_ENGINE": "sim",
                                         "LAB_MAX_SANDBOXES": "2"}) as server:
        working = [Learner(server.url) for _ in range(2)]
        late = Learner(server.url)
        try:
            for person in working:
                assert person.run("docker ps")["exit_code"] == 0
            ack = late.run("docker ps")
            assert ack["exit_code"] == 1 and ack["code"] == "server_full"
            assert "the server is full" in ack["stderr"]
            deadline = time.monotonic() + TIMEOUT
            while not late.errors and time.monotonic() < deadline:
                time.sleep(0.02)
            assert late.errors[0]["code"] == "server_full"
            assert late.sio.connected  # told, not dropped
            working[0].close()  # someone leaves: their sandbox can make room
            # (Once the server has seen the hang-up: until then the refusal stands.)
            deadline = time.monotonic() + TIMEOUT
            while (ack := late.run("docker ps"))["exit_code"] != 0:
                assert ack["code"] == "server_full" and time.monotonic() < deadline, ack
                time.sleep(0.05)
            # They come back to a full server: their sandbox cannot be brought back just now.
            refusals: list = []
            back = socketio.Client(reconnection=False)
            back.on("connect_error", refusals.append, namespace=NAMESPACE)
            cookie = working[0].http.cookies["lab_session"]
            with pytest.raises(socketio.exceptions.ConnectionError):
                back.connect(server.url, namespaces=[NAMESPACE], transports=["websocket"],
                             headers={"Cookie": f"lab_session={cookie}"}, wait_timeout=TIMEOUT)
            assert refusals and refusals[0]["data"]["code"] == "server_full", refusals
            assert "the server is full" in refusals[0]["message"]
        finally:
            for person in [*working[1:], late]:
                person.close()
