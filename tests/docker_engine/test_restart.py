"""The real daemon killed mid-session and started again: the learner's console hears about it within
two seconds, then the session goes on where it was, with every event delivered exactly once.

This kills the machine's `dockerd` (SIGKILL, as a crash or an OOM kill would), so it runs only when
asked: REQUIRE_DOCKER=1 and LAB_TEST_RESTART_DOCKERD=1 (CI sets both; it owns its daemon). The daemon
is started again with scripts/start-dockerd and the arguments it ran with (same data root: the images
survive), and the pid file that .ci/run's clean-up reads (DOCKERD_PIDFILE) is updated when it named
the killed daemon. Whatever happens, the daemon answers again when the test ends.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from webapp import close_app, create_app
from webapp.engine.docker.connection import docker_host
from webapp.live import NAMESPACE

from ..web.conftest import LabClient
from .conftest import ROOT, labelled_containers, remove_sessions
from .test_faults import _config

pytestmark = pytest.mark.docker

START = ROOT / "scripts" / "start-dockerd"
GATE = "LAB_TEST_RESTART_DOCKERD"
DAEMON_PIDFILE = Path("/var/run/docker.pid")  # dockerd's own, unless it runs with --pidfile


def _on(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() not in ("", "0", "false", "no")


def _alive(pid: int) -> bool:
    """A running process (a zombie waiting to be reaped is dead)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


def _args(pid: int) -> list[str]:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return []
    return [a.decode() for a in raw.split(b"\0") if a]


def _is_dockerd(pid: int) -> bool:
    args = _args(pid)
    return bool(args) and Path(args[0]).name == "dockerd" and _alive(pid)


def _read_pid(path: Path) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return None


class LocalDaemon:
    """The `dockerd` behind the default socket on this machine: kill it, start it again."""

    def __init__(self, pid: int):
        self.pid = pid
        self.args = _args(pid)[1:]
        ours = os.environ.get("DOCKERD_PIDFILE", "").strip()
        self.pidfile = Path(ours) if ours and _read_pid(Path(ours)) == pid else None

    @classmethod
    def find(cls) -> LocalDaemon | str:
        """The daemon, or why it cannot be used here."""
        if os.geteuid() != 0:
            return "killing and starting dockerd needs root"
        if urlsplit(docker_host()).scheme != "unix":
            return f"the Docker daemon ({docker_host()}) is not a local one"
        for path in (os.environ.get("DOCKERD_PIDFILE", "").strip(), str(DAEMON_PIDFILE)):
            pid = _read_pid(Path(path)) if path else None
            if pid is not None and _is_dockerd(pid):
                return cls(pid)
        pids = [int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit()
                and _is_dockerd(int(p.name))]
        if len(pids) == 1:
            return cls(pids[0])
        return f"cannot tell which dockerd to restart (dockerd processes: {pids})"

    def kill(self) -> float:
        """SIGKILL the daemon; returns when (time.monotonic()) it was sent."""
        killed = time.monotonic()
        os.kill(self.pid, signal.SIGKILL)
        return killed

    def wait_dead(self, timeout: float = 30.0) -> None:
        deadline = time.monotonic() + timeout
        while _alive(self.pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not _alive(self.pid), f"dockerd {self.pid} still runs after SIGKILL"

    def start(self) -> None:
        """scripts/start-dockerd with the same arguments; it returns once the daemon answers."""
        env = dict(os.environ)
        if self.pidfile is not None:
            env["DOCKERD_PIDFILE"] = str(self.pidfile)
        else:  # .ci/run did not start the killed one: its clean-up must not stop this one either
            env.pop("DOCKERD_PIDFILE", None)
        env.pop("DOCKERD_ARGS", None)
        proc = subprocess.run([str(START), *self.args], env=env, capture_output=True, text=True,
                              timeout=180, check=False, stdin=subprocess.DEVNULL)
        assert proc.returncode == 0, f"start-dockerd failed:\n{proc.stdout}{proc.stderr}"
        started = _read_pid(self.pidfile) if self.pidfile is not None else None
        self.pid = started or _read_pid(DAEMON_PIDFILE) or self.pid


def _answers() -> bool:
    return subprocess.run(["docker", "info"], capture_output=True, check=False, timeout=30,
                          stdin=subprocess.DEVNULL).returncode == 0


@pytest.fixture
def local_daemon(daemon) -> Iterator[LocalDaemon]:
    if not (_on("REQUIRE_DOCKER") and _on(GATE)):
        pytest.skip(f"kills the machine's dockerd: runs only with REQUIRE_DOCKER=1 and {GATE}=1")
    found = LocalDaemon.find()
    if isinstance(found, str):
        pytest.fail(f"{GATE}=1 but {found}", pytrace=False)
    images = subprocess.run(["docker", "images", "-q"], capture_output=True, text=True,
                            check=True).stdout.split()
    try:
        yield found
    finally:
        if not _answers():  # the test failed between the kill and the start
            found.wait_dead()
            found.start()
    after = subprocess.run(["docker", "images", "-q"], capture_output=True, text=True,
                           check=True).stdout.split()
    assert sorted(after) == sorted(images), "images were lost with the restart"
    if found.pidfile is not None:
        assert _read_pid(found.pidfile) == found.pid and _is_dockerd(found.pid)


def _keys(events: list[dict]) -> list[tuple]:
    return [(e["timeNano"], e["Action"], e["Actor"]["ID"]) for e in events]


def test_killing_dockerd_mid_session_then_starting_it_again(local_daemon, daemon, tmp_path) -> None:
    app = create_app(_config(tmp_path))
    sandbox = None
    try:
        http = app.test_client()
        http.get("/sandbox")
        client = LabClient(app, flask_test_client=http)
        assert client.wait_for("hello")["engine"] == "docker"
        assert client.run("docker run -d --name before ubuntu:20.04 sleep 100")["exit_code"] == 0
        sandbox = app.extensions["lab"].all()[0]  # a connection gets its sandbox at its first command
        client.wait_for("engine_event", lambda e: e["Action"] == "start")

        killed = local_daemon.kill()
        message = client.wait_for("output", lambda p: "Lost the connection" in p["data"], 10.0)
        heard = time.monotonic()
        assert heard - killed < 2.0, f"the console heard about it after {heard - killed:.2f} s"
        assert message["stream"] == "stderr"
        assert "Cannot connect to the Docker daemon at unix://" in message["data"]
        ack = client.run("docker ps")
        assert ack["exit_code"] == 1
        assert "Is the docker daemon running?" in ack["stderr"]

        local_daemon.wait_dead()
        local_daemon.start()
        client.wait_for("output", lambda p: "answers again" in p["data"], 10.0)
        ack = client.run("docker run -d --name after ubuntu:20.04 sleep 100")
        assert ack["exit_code"] == 0, ack
        after = ack["stdout"].strip()
        assert client.run("docker kill after")["exit_code"] == 0
        client.wait_for("engine_event", lambda e: e["Action"] == "die" and e["Actor"]["ID"] == after)
        sandbox.engine.feed.break_stream()  # one more re-open: it must not replay anything either
        assert client.run("docker rm after")["exit_code"] == 0
        client.wait_for("engine_event",
                        lambda e: e["Action"] == "destroy" and e["Actor"]["ID"] == after)
        client.received()
        events = [item["args"][0] for item in client.seen if item["name"] == "engine_event"]
        assert [e["Action"] for e in events if e["Actor"]["ID"] == after] == [
            "create", "start", "kill", "die", "destroy"]
        repeated = [k for k, n in Counter(_keys(events)).items() if n > 1]
        assert repeated == [], f"events delivered twice: {repeated}"
        history = [(e.time_nano, e.action, e.actor_id) for e in sandbox.engine.history]
        assert len(history) == len(set(history))
        # nothing lost either: what the restarted daemon did to the older container (without
        # live-restore it stops the containers it finds running) reached the console, once
        before = [e["Action"] for e in events if e["Actor"]["Attributes"].get("name") == "before"]
        states = {c["name"]: c["state"] for c in sandbox.engine.containers()}
        if daemon.get("/info").get("LiveRestoreEnabled"):
            assert (before, states) == (["create", "start"], {"before": "running"})
        else:
            assert before[:2] == ["create", "start"] and before.count("die") == 1, before
            assert states == {"before": "exited"}
        client.disconnect(NAMESPACE)
    finally:
        close_app(app)
        if sandbox is not None:
            remove_sessions(daemon, {sandbox.id})
            assert labelled_containers(daemon, sandbox.id) == []
