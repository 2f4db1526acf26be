"""The hybrid clock replays virtually (instantly, in order) and then runs on real time."""

import threading
import time

import pytest

from webapp.engine.clock import HybridClock


def test_virtual_phase_fires_due_timers_in_order_without_waiting():
    clock = HybridClock(start=1000.0)
    fired = []
    clock.call_at(1005.0, lambda: fired.append(("b", clock.now())))
    clock.call_later(1.0, lambda: fired.append(("a", clock.now())))
    clock.advance_to(1000.5)
    assert fired == []
    clock.advance_to(1010.0)
    assert fired == [("a", 1001.0), ("b", 1005.0)]
    assert clock.now() == 1010.0 and not clock.live


def test_go_live_catches_up_with_the_wall_clock_and_keeps_the_same_timers():
    past = time.time() - 60
    clock = HybridClock(threading.RLock(), start=past)
    fired = []
    clock.call_at(past + 30, lambda: fired.append("during the downtime"))
    cancelled = clock.call_at(past + 40, lambda: fired.append("cancelled"))
    cancelled.cancel()
    soon = threading.Event()
    clock.call_at(time.time() + 0.05, soon.set)
    clock.go_live()
    assert clock.live
    assert fired == ["during the downtime"]
    assert abs(clock.now() - time.time()) < 1
    assert soon.wait(5), "a timer pending at go_live must fire on the real scheduler"
    clock.close()


def test_timers_set_while_live_run_on_the_scheduler_thread():
    lock = threading.RLock()
    clock = HybridClock(lock)
    assert clock.live
    done = threading.Event()
    held = []
    clock.call_later(0.01, lambda: (held.append(lock._is_owned()), done.set()))
    assert done.wait(5)
    assert held == [True]
    clock.close()


def test_a_live_clock_cannot_be_advanced():
    with pytest.raises(RuntimeError):
        HybridClock().advance_to(0)
