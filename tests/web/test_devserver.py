"""webapp.devserver: the one way tests, benchmarks and scripts start a server and wait for it."""

from __future__ import annotations

import json
import os
import socket
import sys
import urllib.request
from pathlib import Path

import pytest

from webapp import devserver
from webapp.devserver import LOWEST_PORT, AppServer, ServerError, ephemeral_ports, free_port


def test_the_app_runs_with_only_the_settings_it_is_given(monkeypatch) -> None:
    monkeypatch.setenv("LAB_RATE", "fast")  # would make the app refuse to start, if inherited
    monkeypatch.setenv("LAB_ENGINE", "docker")
    server = AppServer(env={"LAB_MAX_LINE": "123"})
    with server:
        with urllib.request.urlopen(f"{server.url}/healthz", timeout=5) as response:
            health = json.load(response)
        assert health["engine"] == "sim"
        assert f"Lifecycle Lab on {server.url}/" in server.output()
        assert (server.folder / "lab.db").is_file()
        folder = server.folder
    assert server.proc.poll() is not None
    assert not folder.exists()  # a temporary folder goes with its server


def test_a_server_that_exits_is_reported_with_its_output(tmp_path: Path) -> None:
    argv = [sys.executable, "-c", "import sys; sys.exit('no such setting: LAB_NOPE')"]
    with pytest.raises(ServerError) as caught:
        AppServer(folder=tmp_path, argv=lambda port: argv, timeout=30)
    message = str(caught.value)
    assert "exited with status 1 before it was answering" in message
    assert "no such setting: LAB_NOPE" in message
    assert (tmp_path / "server.log").is_file()  # a folder of the caller's is kept


def test_a_server_that_never_answers_is_stopped_at_the_deadline(tmp_path: Path) -> None:
    pid_file = tmp_path / "pid"
    script = ("import os, time; open(os.environ['PID_FILE'], 'w').write(str(os.getpid())); "
              "print('starting, slowly', flush=True); time.sleep(60)")
    with pytest.raises(ServerError) as caught:
        AppServer(folder=tmp_path, argv=lambda port: [sys.executable, "-c", script],
                  env={"PID_FILE": str(pid_file)}, timeout=1, name="the sleeper")
    message = str(caught.value)
    assert message.startswith("the sleeper was not answering http://127.0.0.1:")
    assert "/healthz within 1 s" in message and "starting, slowly" in message
    with pytest.raises(ProcessLookupError):  # stopped and reaped, not left behind
        os.kill(int(pid_file.read_text()), 0)


def test_free_ports_are_distinct_bindable_and_outside_the_ephemeral_range() -> None:
    """An outgoing connection's local port comes from the ephemeral range; a server's port chosen
    there could be taken before the server binds it (seen: an app process of a cluster failed to
    start with "Address already in use")."""
    ephemeral = ephemeral_ports()
    ports = [free_port() for _ in range(50)]
    assert len(set(ports)) == len(ports)
    assert all(LOWEST_PORT <= port < ephemeral.start for port in ports), ports
    for port in ports[:5]:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", port))  # free, as promised


def test_a_port_in_use_is_passed_over(monkeypatch) -> None:
    with socket.socket() as busy:
        for port in range(LOWEST_PORT + 4000, ephemeral_ports().start):  # one nobody else holds
            try:
                busy.bind(("127.0.0.1", port))
                break
            except OSError:
                continue
        busy.listen()
        taken = busy.getsockname()[1]

        def taken_first(ports: list[int]) -> None:  # the random pick lands on the busy port first
            ports.sort(key=lambda port: port != taken)

        monkeypatch.setattr(devserver.random, "shuffle", taken_first)
        port = free_port()
        assert port != taken and LOWEST_PORT <= port < ephemeral_ports().start
