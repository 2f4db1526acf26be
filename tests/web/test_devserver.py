"""webapp.devserver: the one way tests, benchmarks and scripts start a server and wait for it."""

from __future__ import annotations

import json
import os
import sys
import urllib.request
from pathlib import Path

import pytest

from webapp.devserver import AppServer, ServerError


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
