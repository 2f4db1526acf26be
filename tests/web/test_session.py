"""Sandboxes as command logs: rebuild on the real (hybrid) clock, downtime, hang-ups, reaping."""

from __future__ import annotations

import threading
import time

import pytest

from webapp.engine.clock import HybridClock
from webapp.session import SandboxBusy, SandboxManager, TokenBucket
from webapp.store import LogEntry, SandboxRecord, Store


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "lab.db")
    yield store
    store.close()


def past_sandbox(store: Store, sandbox_id: str, ago: float, lines: list[tuple[float, str, str]]):
    """A sandbox born `ago` seconds ago whose log holds (offset, kind, data) entries."""
    born = time.time() - ago
    store.create(SandboxRecord(sandbox_id, seed=7, created=born, last_active=time.time()))
    for seq, (offset, kind, data) in enumerate(lines):
        store.append(sandbox_id, seq, LogEntry(born + offset, kind, data), time.time())
    return born


def test_a_container_that_died_during_the_downtime_dies_in_the_replay(store):
    born = past_sandbox(store, "s1", 60, [
        (0, "run", "docker run -d --name short busybox sleep 5"),
        (1, "run", "docker run -d --name long busybox sleep 3600"),
        (2, "run", "docker create --name idle alpine"),
    ])
    manager = SandboxManager(store, clock="real")
    try:
        sandbox = manager.open("s1")
        assert isinstance(sandbox.clock, HybridClock) and sandbox.clock.live
        states = {c["name"]: (c["state"], c["exit_code"]) for c in sandbox.snapshot()}
        assert states == {"short": ("exited", 0), "long": ("running", 0), "idle": ("created", 0)}
        die = [e for e in sandbox.engine.history if e.action == "die"]
        assert [e.name for e in die] == ["short"]
        assert die[0].time_nano / 1e9 == pytest.approx(born + 5, abs=0.01)  # when it really died
    finally:
        manager.close()


def test_timers_still_pending_after_the_replay_fire_on_real_time(store):
    past_sandbox(store, "s2", 30, [(0, "run", "docker run -d --name soon busybox sleep 30.3")])
    manager = SandboxManager(store, clock="real")
    try:
        died = threading.Event()
        sandbox = manager.open("s2")
        sandbox.engine.subscribe(lambda event: event.action == "die" and died.set())
        assert sandbox.engine.container_state("soon") == "running"
        assert died.wait(5), "the container should die about 0.3 s after the rebuild"
        assert sandbox.engine.container_state("soon") == "exited"
    finally:
        manager.close()


def test_the_rebuild_gives_the_same_ids_and_names(store, tmp_path):
    manager = SandboxManager(store, clock="real")
    sandbox = manager.open("s3")
    for line in ("docker run -d httpd", "docker create --name b alpine", "docker run -d nginx"):
        assert sandbox.run(line).exit_code is not None
    before = sandbox.snapshot()
    manager.close()

    rebuilt = SandboxManager(store, clock="real")
    try:
        after = rebuilt.open("s3").snapshot()
        key = [(c["name"], c["id"], c["state"]) for c in before]
        assert [(c["name"], c["id"], c["state"]) for c in after] == key
    finally:
        rebuilt.close()


def test_a_command_left_attached_by_the_restart_is_hung_up_and_logged(store):
    past_sandbox(store, "s4", 10, [
        (0, "run", "docker run -it --name box ubuntu bash"),
        (1, "input", "echo hi\r"),
    ])
    manager = SandboxManager(store, clock="real")
    try:
        sandbox = manager.open("s4")
        assert not sandbox.busy
        assert sandbox.engine.container_state("box") == "running"
        _, entries = store.load("s4")
        assert [e.kind for e in entries] == ["run", "input", "cancel"]
        assert sandbox.log_length == 3
    finally:
        manager.close()


def test_an_expired_sandbox_starts_afresh(store):
    past_sandbox(store, "s5", 10, [(0, "run", "docker create --name old alpine")])
    manager = SandboxManager(store, clock="real", idle_seconds=60,
                             wallclock=lambda: time.time() + 3600)
    try:
        assert manager.open("s5").snapshot() == []
        assert store.load("s5")[1] == []
    finally:
        manager.close()


def test_one_foreground_command_at_a_time(store):
    manager = SandboxManager(store, clock="virtual")
    try:
        sandbox = manager.open()
        sandbox.run("docker run -it --name box ubuntu bash", owner="tab-1")
        with pytest.raises(SandboxBusy):
            sandbox.run("docker ps", owner="tab-1")
        assert sandbox.send_input("exit\r", owner="tab-1")
        assert not sandbox.busy
        assert not sandbox.send_input("ignored", owner="tab-1")
    finally:
        manager.close()


def test_reaping_also_clears_dormant_sandboxes_left_by_an_old_server(store):
    past_sandbox(store, "dormant", 10, [])
    manager = SandboxManager(store, clock="virtual", idle_seconds=100)
    try:
        manager.open("live", sid="sid-1")
        assert manager.reap(now=time.time() + 50) == []
        assert manager.reap(now=time.time() + 500) == ["dormant"]
        assert store.ids() == ["live"]
    finally:
        manager.close()


def test_token_bucket():
    bucket = TokenBucket(rate=2)
    assert [bucket.take(0.0) for _ in range(3)] == [True, True, False]
    assert bucket.take(0.5) and not bucket.take(0.5)
    assert bucket.take(10) and bucket.take(10) and not bucket.take(10)
