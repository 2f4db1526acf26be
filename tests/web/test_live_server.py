"""The real thing: `lifecycle-lab serve` in a subprocess, driven by python-socketio's real client.

Real time, real websockets, real threads. Every wait is on an event with a timeout.
"""

from __future__ import annotations

import queue
import threading
import time

import pytest
import requests
import socketio
import websocket
from socketio import packet

from webapp.devserver import AppServer

NS = "/lab"
TIMEOUT = 10


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with AppServer(folder=tmp_path_factory.mktemp("live"),
                   env={"LAB_SECRET_KEY": "live-test", "LAB_ENGINE": "sim"}) as server:
        assert f"{server.url}/" in server.output()  # the banner names the address it serves
        yield server.url


class Console:
    """A python-socketio client on `/lab` that queues every event it receives."""

    def __init__(self, url: str, cookie: str | None):
        self.inbox: queue.Queue = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        for name in ("hello", "output", "engine_event", "state", "error"):
            self.sio.on(name, self._handler(name), namespace=NS)
        self.sio.on("engine_events", self._unfold, namespace=NS)
        headers = {"Cookie": f"lab_session={cookie}"} if cookie else {}
        self.sio.connect(url, namespaces=[NS], headers=headers, transports=["websocket"],
                         wait_timeout=TIMEOUT)

    def _handler(self, name: str):
        return lambda data: self.inbox.put((name, data))

    def _unfold(self, data: dict) -> None:
        """One command's events in one message: queued as the `engine_event`s it carries."""
        for event in data["events"]:
            self.inbox.put(("engine_event", event))

    def wait_for(self, name: str, predicate=lambda data: True) -> object:
        deadline = time.monotonic() + TIMEOUT
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching {name!r} event within {TIMEOUT}s")
            got, data = self.inbox.get(timeout=remaining)
            if got == name and predicate(data):
                return data

    def run(self, line: str) -> dict:
        return self.sio.call("run", {"line": line}, namespace=NS, timeout=TIMEOUT)

    def close(self) -> None:
        """Hang up. The client's `disconnect()` then idles ~3 s in its websocket library waiting for
        a close frame its own reader thread already consumed, so let it finish in the background."""
        gone = threading.Event()
        self.sio.on("disconnect", lambda *args: gone.set(), namespace=NS)
        threading.Thread(target=self.sio.disconnect, daemon=True).start()
        assert gone.wait(TIMEOUT)


class Wire:
    """A Socket.IO client on one websocket that keeps messages in the order they arrive.

    python-socketio's client runs each message's handler in a thread of its own, so handlers may
    see two messages out of order; a browser (one JavaScript thread) never does. Ordering promises
    are checked here, on the wire.
    """

    def __init__(self, url: str):
        self.ws = websocket.create_connection(
            url.replace("http", "ws", 1) + "/socket.io/?EIO=4&transport=websocket", timeout=TIMEOUT)
        assert self.ws.recv().startswith("0")  # Engine.IO's open packet
        self.ws.send("4" + packet.Packet(packet.CONNECT, namespace=NS).encode())
        self.ids = iter(range(1, 1000))

    def receive(self) -> packet.Packet:
        """The next Socket.IO packet (answering the server's pings on the way)."""
        while True:
            frame = self.ws.recv()
            if frame == "2":
                self.ws.send("3")
            elif frame.startswith("4"):
                return packet.Packet(encoded_packet=frame[1:])

    def run(self, line: str) -> tuple[dict, list[tuple[str, object]]]:
        """Run `line`: its ack, and every (event, payload) that arrived before the ack, in order."""
        ack_id = next(self.ids)
        pkt = packet.Packet(packet.EVENT, data=["run", {"line": line}], namespace=NS, id=ack_id)
        self.ws.send("4" + pkt.encode())
        arrived = []
        while True:
            got = self.receive()
            if got.packet_type == packet.ACK and got.id == ack_id:
                return got.data[0], arrived
            if got.packet_type == packet.EVENT:
                arrived.append((got.data[0], got.data[1] if len(got.data) > 1 else None))

    def close(self) -> None:
        self.ws.close()


@pytest.fixture
def cookie(server) -> str:
    http = requests.Session()
    assert http.get(f"{server}/sandbox", timeout=TIMEOUT).ok
    return http.cookies["lab_session"]


def test_run_is_acknowledged_and_events_are_pushed(server, cookie):
    console = Console(server, cookie)
    try:
        hello = console.wait_for("hello")
        assert hello["engine"] == "sim" and hello["lifecycle"]["states"]
        result = console.run("docker run -d --name web httpd")
        assert result["exit_code"] == 0, result
        assert len(result["stdout"].strip()) == 64  # the container id
        event = console.wait_for("engine_event", lambda e: e["Action"] == "start")
        assert event["Actor"]["Attributes"]["name"] == "web"
        console.wait_for("state", lambda s: any(c["name"] == "web" and c["state"] == "running"
                                                for c in s["containers"]))
        ps = console.run("docker ps --format '{{.Names}}'")
        assert ps.pop("parsed")["command"] == "ps"
        assert ps == {"exit_code": 0, "stdout": "web\n", "stderr": ""}
    finally:
        console.close()


def test_a_container_dying_on_its_own_is_pushed_when_it_happens(server, cookie):
    console = Console(server, cookie)
    try:
        started = time.monotonic()
        assert console.run("docker run -d --name napper busybox sleep 0.3")["exit_code"] == 0
        died = console.wait_for("engine_event", lambda e: e["Action"] == "die"
                                and e["Actor"]["Attributes"]["name"] == "napper")
        assert time.monotonic() - started >= 0.25  # real time: it slept first
        assert died["Actor"]["Attributes"]["exitCode"] == "0"
    finally:
        console.close()


def test_an_attached_shell_takes_keystrokes_while_run_waits(server, cookie):
    console = Console(server, cookie)
    try:
        finished = threading.Event()
        acks = []
        console.sio.emit("run", {"line": "docker run -it --name box ubuntu bash"}, namespace=NS,
                         callback=lambda ack: (acks.append(ack), finished.set()))
        console.wait_for("output", lambda o: "#" in o["data"])  # the shell's prompt
        for key in "echo hi from $HOSTNAME 0123456789\r":  # one event per keystroke, in order
            console.sio.emit("input", {"data": key}, namespace=NS)
        console.wait_for("output", lambda o: "hi from" in o["data"] and "0123456789" in o["data"])
        assert not finished.is_set()
        console.sio.emit("input", {"data": "exit\r"}, namespace=NS)
        assert finished.wait(TIMEOUT)
        assert acks[0]["exit_code"] == 0
    finally:
        console.close()


def test_reconnecting_with_the_cookie_finds_the_same_sandbox(server, cookie):
    first = Console(server, cookie)
    sandbox = first.wait_for("hello")["sandbox"]
    assert first.run("docker create --name keeper alpine")["exit_code"] == 0
    first.close()

    second = Console(server, cookie)
    try:
        hello = second.wait_for("hello")
        assert hello["sandbox"] == sandbox
        assert any(e["Action"] == "create" for e in hello["history"])
        second.wait_for("state", lambda s: [c["name"] for c in s["containers"]] == ["keeper"])
    finally:
        second.close()

    stranger = Console(server, None)  # no cookie: a sandbox of its own
    try:
        assert stranger.wait_for("hello")["sandbox"] != sandbox
        ps = stranger.run("docker ps -aq")
        assert {k: ps[k] for k in ("exit_code", "stdout", "stderr")} == {
            "exit_code": 0, "stdout": "", "stderr": ""}
    finally:
        stranger.close()


def test_malformed_payloads_get_an_error_and_the_connection_stays_up(server):
    console = Console(server, None)
    try:
        console.sio.emit("run", "docker ps", namespace=NS)
        assert "expects one object" in console.wait_for("error")["message"]
        console.sio.emit("teleport", {}, namespace=NS)
        assert "unknown event" in console.wait_for("error")["message"]
        assert console.run("docker ps -q")["exit_code"] == 0
    finally:
        console.close()


def test_the_command_message_precedes_the_commands_own_output_and_events(server):
    console = Wire(server)
    try:
        for attempt in range(3):  # quick commands: their events are out before the ack
            line = f"docker run --name quick{attempt} busybox echo hi"
            ack, arrived = console.run(line)
            assert ack["exit_code"] == 0, ack
            names = [name for name, _ in arrived]
            # the command's own events travel together, in one message
            assert names.count("engine_events") == 1 and "output" in names, names
            assert "engine_event" not in names, names
            first = names.index("command")  # after the connection's hello and state
            assert names.count("command") == 1
            assert "engine_events" not in names[:first] and "output" not in names[:first], names
            batch = arrived[names.index("engine_events")][1]["events"]
            assert [e["Action"] for e in batch] == ["create", "attach", "start", "die"], batch
            message = arrived[first][1]
            assert message["line"] == line
            assert message["parsed"]["targets"] == [f"quick{attempt}"]
            assert ack["parsed"] == {**message["parsed"], "refused": False}
    finally:
        console.close()
