"""Oversized messages on the real server: an `error` and a refusal, and the connection stays up.

`lifecycle-lab serve` in a subprocess and python-socketio's real client, on the websocket and on
the long-polling transport; and the stand-in itself (`webapp.message_limit`) on its own.
"""

from __future__ import annotations

import json
import queue

import pytest
import socketio

from webapp.devserver import AppServer
from webapp.message_limit import TOO_LARGE, stand_in, too_large

NS = "/lab"
TIMEOUT = 15
MEGABYTE = 1024 * 1024


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with AppServer(folder=tmp_path_factory.mktemp("limit"),
                   env={"LAB_SECRET_KEY": "limit-test", "LAB_ENGINE": "sim"}) as server:
        yield server.url


def connect(url: str, transport: str) -> tuple[socketio.Client, queue.Queue]:
    inbox: queue.Queue = queue.Queue()
    sio = socketio.Client(reconnection=False)
    sio.on("error", lambda data: inbox.put(("error", data)), namespace=NS)
    sio.on("disconnect", lambda *a: inbox.put(("disconnect", None)), namespace=NS)
    sio.connect(url, namespaces=[NS], transports=[transport], wait_timeout=TIMEOUT)
    return sio, inbox


def next_error(inbox: queue.Queue) -> dict:
    while True:
        name, data = inbox.get(timeout=TIMEOUT)
        assert name != "disconnect", "the server dropped the connection"
        if name == "error":
            return data


@pytest.mark.parametrize("transport", ["websocket", "polling"])
@pytest.mark.parametrize("size", [MEGABYTE, 3 * MEGABYTE])
def test_an_oversized_message_gets_an_error_and_the_connection_stays(server, transport, size):
    sio, inbox = connect(server, transport)
    try:
        ack = sio.call("run", {"line": "docker ps", "pad": "x" * size}, namespace=NS,
                       timeout=TIMEOUT)
        assert ack["exit_code"] == 1 and "message too large" in ack["error"], ack
        error = next_error(inbox)
        assert "message too large" in error["message"] and "'run'" in error["message"]
        assert f"{size:,}"[:3] in error["message"]  # it says how large the message was
        # The same connection goes on working.
        ok = sio.call("run", {"line": "docker ps -q"}, namespace=NS, timeout=TIMEOUT)
        assert ok["exit_code"] == 0, ok
        assert sio.connected
        # A fire-and-forget message (no ack) is answered too.
        sio.emit("input", {"data": "y" * size}, namespace=NS)
        assert "message too large" in next_error(inbox)["message"]
        assert sio.call("complete", {"line": "docker st"}, namespace=NS,
                        timeout=TIMEOUT)["candidates"]
    finally:
        sio.disconnect()


def test_a_message_under_the_transport_bound_but_over_the_payload_limit(server):
    sio, inbox = connect(server, "websocket")
    try:
        ack = sio.call("run", {"line": "docker ps", "pad": "x" * 20_000}, namespace=NS,
                       timeout=TIMEOUT)
        assert "payload too large" in ack["error"]
        assert "payload too large" in next_error(inbox)["message"]
        assert sio.call("run", {"line": "docker ps -q"}, namespace=NS,
                        timeout=TIMEOUT)["exit_code"] == 0
    finally:
        sio.disconnect()


def test_the_stand_in_keeps_namespace_ack_id_and_event():
    head = '42/lab,17["run",{"line":"' + "x" * 400
    packet = stand_in(head, 5_000_000, 65_536)
    assert packet is not None and packet.startswith("42/lab,17[")
    name, payload = json.loads(packet[len("42/lab,17"):])
    assert name == "run" and too_large([payload]) == {"bytes": 5_000_000, "limit": 65_536}
    plain = stand_in('42["input",{"data":"', 10, 1)
    assert plain is not None and plain.startswith("42[")
    assert json.loads(plain[2:]) == ["input", {TOO_LARGE: {"bytes": 10, "limit": 1}}]
    connect_packet = stand_in('40/class,{"code":"' + "y" * 600, 9, 1)
    assert connect_packet is not None and connect_packet.startswith("40/class,{")
    assert stand_in("2probe" + "z" * 600, 9, 1) is None  # not a Socket.IO event: dropped
    assert too_large([{"line": "docker ps"}]) is None
    assert too_large([{TOO_LARGE: 3}]) is None


def test_the_production_server_answers_an_oversized_message_too(tmp_path):
    with AppServer(folder=tmp_path, production=True,
                   env={"LAB_SECRET_KEY": "limit-test", "LAB_ENGINE": "sim"}) as server:
        sio, inbox = connect(server.url, "websocket")
        try:
            ack = sio.call("run", {"line": "docker ps", "pad": "x" * MEGABYTE}, namespace=NS,
                           timeout=TIMEOUT)
            assert "message too large" in ack["error"]
            assert "message too large" in next_error(inbox)["message"]
            assert sio.call("run", {"line": "docker ps -q"}, namespace=NS,
                            timeout=TIMEOUT)["exit_code"] == 0
        finally:
            sio.disconnect()
