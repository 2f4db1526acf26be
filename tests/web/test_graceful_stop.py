"""A graceful stop (SIGTERM): the command in flight finishes and is acknowledged, a new one is
answered with a retry ack and not run, then the process closes its sockets and exits.

Real servers in subprocesses (gunicorn as `serve --production` runs it, and the development server),
driven by a real Socket.IO client.
"""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import pytest
import requests
import socketio

from webapp.devserver import AppServer

TIMEOUT = 15.0
SECRET = "graceful-stop-secret"


def console(url: str, http: requests.Session) -> tuple[socketio.Client, threading.Event,
                                                            threading.Event]:
    """A console with the browser's cookie; events set when a command is accepted / on disconnect."""
    sio = socketio.Client(reconnection=False)
    accepted, dropped = threading.Event(), threading.Event()
    sio.on("command", lambda data: accepted.set(), namespace="/lab")
    sio.on("disconnect", lambda *reason: dropped.set(), namespace="/lab")
    sio.connect(url, namespaces=["/lab"], transports=["websocket"], wait_timeout=TIMEOUT,
                headers={"Cookie": f"lab_session={http.cookies['lab_session']}"})
    return sio, accepted, dropped


@pytest.mark.parametrize("production", [True, False], ids=["gunicorn", "development"])
def test_sigterm_finishes_the_command_in_flight_and_refuses_new_ones(tmp_path: Path, production):
    env = {"LAB_ENGINE": "sim", "LAB_SECRET_KEY": SECRET}
    server = AppServer(folder=tmp_path, env=env, production=production)
    try:
        http = requests.Session()
        assert http.get(f"{server.url}/sandbox", timeout=TIMEOUT).ok
        sio, accepted, dropped = console(server.url, http)
        acks: dict[str, dict] = {}
        acked = threading.Event()

        def first_acked(ack: dict) -> None:
            acks["first"] = ack
            acked.set()

        # A command that takes two seconds of real time: in flight when the signal arrives.
        sio.emit("run", {"line": "docker run --name sleeper busybox sleep 2"}, namespace="/lab",
                 callback=first_acked)
        assert accepted.wait(TIMEOUT)
        server.proc.send_signal(signal.SIGTERM)
        server.wait_until(lambda: "graceful stop:" in server.output(), timeout=TIMEOUT,
                          what="draining")
        late = sio.call("run", {"line": "docker run -d --name late busybox sleep 100"},
                        namespace="/lab", timeout=TIMEOUT)
        assert late["retry"] is True and late["error"] == "server restarting"
        # A new connection meanwhile is turned away, so a proxy can move it to another process.
        # (gunicorn's worker also closes its listener within a second: refused, or left waiting
        # in the listen queue, is turned away too; only a handshake that succeeds is wrong.)
        try:
            handshake = requests.get(f"{server.url}/socket.io/", timeout=2,
                                     params={"EIO": "4", "transport": "polling"})
        except (requests.ConnectionError, requests.Timeout):
            assert production, "the development server closed its listener while draining"
        else:
            assert handshake.status_code == 503, handshake.text[:200]
        assert acked.wait(TIMEOUT)
        assert acks["first"]["exit_code"] == 0, acks["first"]  # finished, not cut short
        assert dropped.wait(TIMEOUT)  # then the process hangs up ...
        assert server.proc.wait(TIMEOUT) == 0  # ... and exits on its own
        assert "'in_flight_finished': True" in server.output()
        if not production:
            assert "'handshakes_refused': 1" in server.output()
        sio.disconnect()
    finally:
        server.stop()

    # Started again on the same database: the finished command is there, the refused one is not.
    again = AppServer(folder=tmp_path, env=env, production=production)
    try:
        sio, _, _ = console(again.url, http)
        ps = sio.call("run", {"line": "docker ps -a --format '{{.Names}} {{.Status}}'"},
                      namespace="/lab", timeout=TIMEOUT)
        names = [line.split()[0] for line in ps["stdout"].splitlines()]
        assert names == ["sleeper"], ps
        assert "Exited (0)" in ps["stdout"]
        sio.disconnect()
    finally:
        again.stop()
