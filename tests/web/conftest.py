"""Fixtures for the web layer: apps on a temporary database and a virtual clock, and a test client.

`LabClient` is Flask-SocketIO's test client made safe for one thing the stock one is not: a `run`
that blocks (an attached `docker run -it`) in one thread while the test sends `input` from another.
Acks are matched to their request by id instead of sharing one slot.
"""

from __future__ import annotations

import itertools
import threading
import weakref
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ClassVar

import pytest
from flask import Flask
from flask_socketio import SocketIOTestClient
from socketio import packet

from webapp import close_app, create_app, socketio
from webapp.live import NAMESPACE

SECRET = "test-secret-key"


def unfold(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Received messages with each `engine_events` as the `engine_event`s it carries, in order."""
    out: list[dict[str, Any]] = []
    for item in items:
        if item["name"] == "engine_events":
            out += [{**item, "name": "engine_event", "args": [event]}
                    for event in item["args"][0]["events"]]
        else:
            out.append(item)
    return out


class LabClient(SocketIOTestClient):
    """A `/lab` console for tests: `run`, `send`, `complete`, and the events received so far."""

    _ids = itertools.count(1000)
    _by_eio: ClassVar[weakref.WeakValueDictionary[str, LabClient]] = weakref.WeakValueDictionary()

    def __init__(self, app: Flask, **kwargs: Any):
        self._acks: dict[int, Any] = {}
        self._arrived = threading.Condition()
        self.seen: list[dict[str, Any]] = []
        self.wire: list[dict[str, Any]] = []  # as received, `engine_events` and all
        super().__init__(app, socketio, namespace=NAMESPACE, **kwargs)
        server = socketio.server
        deliver, deliver_encoded = server._send_packet, server._send_eio_packet

        # Each test client patches the server anew, so this one keeps the acks of every LabClient.
        LabClient._by_eio[self.eio_sid] = self

        def send_packet(eio_sid: str, pkt: packet.Packet) -> None:
            owner = LabClient._by_eio.get(eio_sid)
            if pkt.packet_type == packet.ACK and owner is not None:
                owner._acks[pkt.id] = pkt.data[0] if len(pkt.data) == 1 else pkt.data
            else:
                deliver(eio_sid, pkt)
                self._notify()

        def send_eio_packet(eio_sid: str, eio_pkt: Any) -> None:  # how emits to rooms travel
            deliver_encoded(eio_sid, eio_pkt)
            self._notify()

        server._send_packet = send_packet
        server._send_eio_packet = send_eio_packet

    def _notify(self) -> None:
        with self._arrived:
            self._arrived.notify_all()

    def request(self, event: str, *args: Any) -> Any:
        """Emit with an ack request (from any thread) and return the ack."""
        ack_id = next(self._ids)
        pkt = packet.Packet(packet.EVENT, data=[event, *args], namespace=NAMESPACE, id=ack_id)
        socketio.server._handle_eio_message(self.eio_sid, pkt.encode())
        return self._acks.pop(ack_id, None)

    def run(self, line: str) -> dict[str, Any]:
        return self.request("run", {"line": line})

    def run_in_thread(self, line: str) -> Future:
        """Start a `run` that will block (attached command); its ack arrives in the future."""
        executor = ThreadPoolExecutor(max_workers=1)
        future = executor.submit(self.run, line)
        executor.shutdown(wait=False)
        return future

    def run_in_thread_streamed(self, line: str) -> Future:
        """`run_in_thread` for a client that shows `output` itself (the page's `streamed`)."""
        executor = ThreadPoolExecutor(max_workers=1)
        future = executor.submit(self.request, "run", {"line": line, "streamed": True})
        executor.shutdown(wait=False)
        return future

    def keys(self, data: str) -> None:
        self.emit("input", {"data": data}, namespace=NAMESPACE)

    def complete(self, line: str, cursor: int | None = None) -> dict[str, Any]:
        payload: dict[str, Any] = {"line": line}
        if cursor is not None:
            payload["cursor"] = cursor
        return self.request("complete", payload)

    def received(self) -> list[dict[str, Any]]:
        """Everything received since the last call (safe while another thread is emitting).

        A client handles `engine_events` (one command's events in one message) as that many
        `engine_event`s, in order: so do these tests. `wire` keeps the messages as they came.
        """
        items = self.queue[:]
        del self.queue[: len(items)]
        self.wire += items
        unfolded = unfold(items)
        self.seen += unfolded
        return unfolded

    def events(self, name: str) -> list[Any]:
        """Payloads of `name` events received since the last call to `received`/`events`."""
        return [item["args"][0] for item in self.received() if item["name"] == name]

    def wait_for(self, name: str, predicate: Any = lambda payload: True,
                 timeout: float = 5.0) -> Any:
        """Block until a not yet `received` `name` event satisfies `predicate`; return it."""
        def match() -> Any:
            for item in unfold(self.queue[:]):
                if item["name"] == name and predicate(item["args"][0]):
                    return item
            return None

        with self._arrived:
            item = self._arrived.wait_for(match, timeout)
        if item is None:
            raise AssertionError(f"no matching {name!r} event within {timeout}s")
        return item["args"][0]

    def output(self) -> str:
        return "".join(p["data"] for p in self.events("output"))


@pytest.fixture
def make_app(tmp_path, app_db):
    """Build apps on one temporary database (a second app on it is a server restart)."""
    apps: list[Flask] = []

    def make(**overrides: Any) -> Flask:
        config = {
            "TESTING": True,
            "SECRET_KEY": SECRET,
            "LAB_CLOCK": "virtual",
            "LAB_DB": app_db,
            "LAB_INSTANCE": str(tmp_path / "instance"),
            "LAB_NODE_MODULES": str(tmp_path / "node_modules"),
            "LAB_REAP_INTERVAL": 0,
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield make
    for app in apps:
        close_app(app)


@pytest.fixture
def app(make_app) -> Flask:
    return make_app()


@pytest.fixture
def http(app):
    return app.test_client()


@pytest.fixture
def manager(app):
    return app.extensions["lab"]


@pytest.fixture
def lab(app, http) -> LabClient:
    """A console whose browser loaded /sandbox first (so it has the sandbox cookie)."""
    http.get("/sandbox")
    client = LabClient(app, flask_test_client=http)
    assert client.is_connected(NAMESPACE)
    client.received()  # hello and the first state
    return client
