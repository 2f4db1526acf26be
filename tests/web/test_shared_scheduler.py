"""Many real clocks, one timer thread: what simulator sandboxes share instead of a thread each."""

from __future__ import annotations

import threading
import time

from webapp.engine.clock import HybridClock, Scheduler
from webapp.session import SandboxManager
from webapp.store import Store

WAIT = 5


def test_clocks_share_one_thread_and_each_fires_under_its_own_lock():
    scheduler = Scheduler()
    locks = [threading.RLock(), threading.RLock()]
    clocks = [HybridClock(lock, scheduler=scheduler) for lock in locks]
    seen: list[tuple[str, int, bool]] = []
    done = threading.Event()

    def note(label: str, index: int) -> None:
        seen.append((label, threading.get_ident(), locks[index]._is_owned()))
        if len(seen) == 4:
            done.set()

    now = time.time()
    clocks[0].call_at(now + 0.03, lambda: note("a2", 0))
    clocks[1].call_at(now + 0.02, lambda: note("b", 1))
    clocks[0].call_at(now + 0.01, lambda: note("a1", 0))
    clocks[1].call_at(now + 0.04, lambda: note("c", 1))
    assert done.wait(WAIT)
    assert [label for label, _, _ in seen] == ["a1", "b", "a2", "c"]
    assert len({ident for _, ident, _ in seen}) == 1
    assert all(owned for _, _, owned in seen)
    assert threading.get_ident() not in {ident for _, ident, _ in seen}


def test_cancelled_timers_and_closed_clocks_never_fire():
    scheduler = Scheduler()
    closed, open_ = HybridClock(threading.RLock(), scheduler=scheduler), HybridClock(
        threading.RLock(), scheduler=scheduler)
    fired: list[str] = []
    closed.call_later(0.01, lambda: fired.append("closed"))
    open_.call_later(0.01, lambda: fired.append("cancelled")).cancel()
    closed.close()
    last = threading.Event()
    open_.call_later(0.05, last.set)  # after the others were due
    assert last.wait(WAIT)
    assert fired == []


def test_a_failing_callback_does_not_stop_the_others():
    scheduler = Scheduler()
    clock = HybridClock(threading.RLock(), scheduler=scheduler)
    after = threading.Event()

    def broken() -> None:
        raise RuntimeError("boom")

    clock.call_later(0.0, broken)
    clock.call_later(0.01, after.set)
    assert after.wait(WAIT)


def test_go_live_hands_pending_timers_to_the_scheduler():
    scheduler = Scheduler()
    past = time.time() - 60
    clock = HybridClock(threading.RLock(), start=past, scheduler=scheduler)
    fired: list[str] = []
    clock.call_at(past + 30, lambda: fired.append("during the downtime"))
    soon = threading.Event()
    clock.call_at(time.time() + 0.02, soon.set)
    clock.go_live()
    assert fired == ["during the downtime"]
    assert soon.wait(WAIT)


def test_timers_of_closed_clocks_are_swept_out():
    scheduler = Scheduler()
    far = time.time() + 3600
    gone = HybridClock(threading.RLock(), scheduler=scheduler)
    for _ in range(100):
        gone.call_at(far, lambda: None)
    gone.close()
    live = HybridClock(threading.RLock(), scheduler=scheduler)
    for _ in range(200):
        live.call_at(far, lambda: None)
    assert len(scheduler) < 200 + 100


def test_simulator_sandboxes_start_no_timer_thread_of_their_own(tmp_path):
    def clock_threads() -> int:
        return sum(t.name == "lab-clock" for t in threading.enumerate())

    manager = SandboxManager(Store(tmp_path / "lab.db"))
    before = clock_threads()
    sandboxes = [manager.open() for _ in range(5)]
    for sandbox in sandboxes:  # each has a timer pending: its container's end
        assert sandbox.run("docker run -d ubuntu:20.04 sleep 100000").done
    assert clock_threads() == before
    assert "lab-clocks" in {t.name for t in threading.enumerate()}
    manager.close()
