"""The virtual clock fires timers in order and only when time passes."""

from webapp.engine.clock import VirtualClock


def test_timers_fire_in_time_order():
    clock = VirtualClock(start=100.0)
    fired = []
    clock.call_later(5, lambda: fired.append(("b", clock.now())))
    clock.call_later(1, lambda: fired.append(("a", clock.now())))
    clock.advance(0.5)
    assert fired == []
    clock.advance(10)
    assert fired == [("a", 101.0), ("b", 105.0)]
    assert clock.now() == 110.5


def test_cancelled_timers_do_not_fire():
    clock = VirtualClock()
    fired = []
    timer = clock.call_later(1, lambda: fired.append(1))
    timer.cancel()
    clock.advance(5)
    assert fired == []
    assert clock.next_deadline() is None


def test_run_until_stops_when_condition_holds():
    clock = VirtualClock(start=0.0)
    state = {"done": False}
    clock.call_later(3, lambda: state.update(done=True))
    clock.call_later(7, lambda: state.update(late=True))
    assert clock.run_until(lambda: state["done"], limit=60)
    assert clock.now() == 3.0
    assert "late" not in state


def test_run_until_gives_up_after_limit():
    clock = VirtualClock(start=0.0)
    clock.call_later(100, lambda: None)
    assert not clock.run_until(lambda: False, limit=10)
    assert clock.now() == 10.0
