"""The engine contract's shared half: what `EngineBase` does for both engines, and the defaults
that let callers use any engine without probing it."""

from __future__ import annotations

import threading
from typing import Any

import pytest

from webapp.engine.base import EngineBase
from webapp.engine.cli import ParsedCommand
from webapp.engine.clock import RealClock, VirtualClock
from webapp.engine.job import Job
from webapp.engine.sim.engine import SimEngine


class Scripted(EngineBase):
    """An engine whose daemon is a script: `ps` answers at once, `wait` finishes a second later on
    the clock, `boom` is a bug."""

    name = "scripted"

    def __init__(self, clock: Any, listed: list[dict[str, Any]] | None = None):
        super().__init__(clock, threading.RLock())
        self.listed = listed or []
        self.inline: list[bool] = []

    def _dispatch(self, job: Job, cmd: ParsedCommand, *, inline: bool) -> None:
        self.inline.append(inline)
        if cmd.command == "ps":
            job.write_out("CONTAINER ID\n")
            job.finish(0)
        elif cmd.command == "wait":
            self.clock.call_later(1.0, lambda: job.finish(0))
        else:
            raise RuntimeError("a bug")

    def containers(self) -> list[dict[str, Any]]:
        return self.listed

    def images(self) -> list[dict[str, Any]]:
        return []


def test_run_records_the_line_and_set_up_lines_run_inline_unrecorded():
    engine = Scripted(VirtualClock())
    assert engine.run("docker ps").stdout == "CONTAINER ID\n"
    job = engine.execute("docker ps", record=False)
    assert job.done and engine.inline == [False, True]
    assert [r.line for r in engine.commands] == ["docker ps"]


def test_an_internal_error_fails_the_command_not_the_engine():
    engine = Scripted(VirtualClock())
    result = engine.run("docker rm x")
    assert result.exit_code == 1
    assert "internal error: RuntimeError" in result.stderr
    assert engine.run("docker ps").exit_code == 0


def test_run_drives_a_virtual_clock_and_gives_up_after_its_timeout():
    engine = Scripted(VirtualClock())
    start = engine.clock.now()
    assert engine.run("docker wait a").exit_code == 0
    assert engine.clock.now() - start == pytest.approx(1.0)
    assert engine.run("docker wait a", timeout=0.5).exit_code == -1


def test_run_waits_for_a_real_clock_to_finish_the_job():
    clock = RealClock()
    try:
        engine = Scripted(clock)
        assert not engine.wait(engine.execute("docker wait a"), 0.05)
        assert engine.run("docker wait a", timeout=5.0).exit_code == 0
    finally:
        clock.close()


def test_container_state_by_default_comes_from_the_listing():
    engine = Scripted(VirtualClock(), [{"name": "web", "state": "paused"}])
    assert engine.container_state("web") == "paused"
    assert engine.container_state("db") is None


# -- what only the real daemon needs, as defaults the simulator keeps ------------------------------


def test_the_simulator_takes_notice_subscriptions_and_never_sends_one():
    engine = SimEngine(VirtualClock(), seed=1)
    heard: list[str] = []
    unsubscribe = engine.subscribe_notices(heard.append)
    engine.run("docker run -d --name web httpd")
    engine._notice("the daemon is back")  # what the real engine sends; none comes on its own
    unsubscribe()
    engine._notice("after unsubscribing")
    assert heard == ["the daemon is back"]


def test_settle_lets_time_pass_on_a_virtual_clock():
    engine = SimEngine(VirtualClock(), seed=1)
    engine.run("docker run -d --name nap ubuntu:20.04 sleep 5")
    start = engine.clock.now()
    engine.settle()
    assert engine.clock.now() == start  # nothing to wait for by default
    engine.settle(5)
    assert engine.clock.now() - start == pytest.approx(5.0)
    assert engine.container_state("nap") == "exited"


def test_the_simulator_closes_and_shuts_down_leaving_nothing_behind():
    engine = SimEngine(VirtualClock(), seed=1)
    engine.run("docker run -d --name web httpd")
    engine.shutdown()
    engine.close()
    assert engine.container_state("web") == "running"  # in memory only: dropped with the engine
