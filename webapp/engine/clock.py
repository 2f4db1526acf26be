"""Injected time: the server runs on real time, tests and replay on a virtual clock that jumps.

The engine never calls `time.time()` or sleeps: it asks its clock for `now()` and schedules work with
`call_later()`. A virtual clock makes a 10-second `docker stop` grace period take no real time, so tests
and lesson checks run instantly and deterministically.
"""

from __future__ import annotations

import heapq
import itertools
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

# 2026-01-05 09:00:00 UTC: a fixed, plausible start for virtual time.
VIRTUAL_EPOCH = 1767603600.0


@dataclass(order=True)
class Timer:
    """A scheduled callback; `cancel()` makes it a no-op."""

    when: float
    seq: int
    fn: Callable[[], None] = field(compare=False)
    cancelled: bool = field(default=False, compare=False)

    def cancel(self) -> None:
        self.cancelled = True


class Clock(ABC):
    """What the engine knows about time."""

    def __init__(self) -> None:
        self._seq = itertools.count()

    @abstractmethod
    def now(self) -> float:
        """Seconds since the Unix epoch."""

    @abstractmethod
    def call_at(self, when: float, fn: Callable[[], None]) -> Timer:
        """Run `fn` once the clock reaches `when`."""

    def call_later(self, delay: float, fn: Callable[[], None]) -> Timer:
        return self.call_at(self.now() + max(0.0, delay), fn)

    def _timer(self, when: float, fn: Callable[[], None]) -> Timer:
        return Timer(when, next(self._seq), fn)


class VirtualClock(Clock):
    """A clock that only moves when told to, running due timers in order as it passes them."""

    def __init__(self, start: float = VIRTUAL_EPOCH) -> None:
        super().__init__()
        self._now = start
        self._timers: list[Timer] = []

    def now(self) -> float:
        return self._now

    def call_at(self, when: float, fn: Callable[[], None]) -> Timer:
        timer = self._timer(max(when, self._now), fn)
        heapq.heappush(self._timers, timer)
        return timer

    def next_deadline(self) -> float | None:
        """When the next live timer is due, or None when nothing is scheduled."""
        while self._timers and self._timers[0].cancelled:
            heapq.heappop(self._timers)
        return self._timers[0].when if self._timers else None

    def advance(self, seconds: float) -> None:
        """Move time forward by `seconds`, firing every timer due on the way, in order."""
        self.advance_to(self._now + max(0.0, seconds))

    def advance_to(self, target: float) -> None:
        while True:
            due = self.next_deadline()
            if due is None or due > target:
                break
            timer = heapq.heappop(self._timers)
            self._now = max(self._now, timer.when)
            timer.fn()
        self._now = max(self._now, target)

    def run_until(self, done: Callable[[], bool], limit: float) -> bool:
        """Advance timer by timer until `done()` holds or `limit` seconds have passed.

        Returns whether `done()` held. Time stops at the moment it became true, like a real wait.
        """
        end = self._now + limit
        while not done():
            due = self.next_deadline()
            if due is None or due > end:
                self._now = max(self._now, end) if due is not None else self._now
                return done()
            self.advance_to(due)
        return True


class RealClock(Clock):
    """Wall-clock time with one scheduler thread; callbacks run under `lock` when one is given."""

    def __init__(self, lock: threading.RLock | None = None) -> None:
        super().__init__()
        self._lock = lock
        self._timers: list[Timer] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    def now(self) -> float:
        return time.time()

    def call_at(self, when: float, fn: Callable[[], None]) -> Timer:
        timer = self._timer(when, fn)
        with self._cond:
            heapq.heappush(self._timers, timer)
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="lab-clock", daemon=True)
                self._thread.start()
            self._cond.notify()
        return timer

    def close(self) -> None:
        with self._cond:
            self._closed = True
            self._cond.notify()

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._closed:
                    while self._timers and self._timers[0].cancelled:
                        heapq.heappop(self._timers)
                    if not self._timers:
                        self._cond.wait()
                        continue
                    delay = self._timers[0].when - time.time()
                    if delay <= 0:
                        break
                    self._cond.wait(delay)
                if self._closed:
                    return
                timer = heapq.heappop(self._timers)
            if timer.cancelled:
                continue
            if self._lock is not None:
                with self._lock:
                    if not timer.cancelled:
                        timer.fn()
            else:
                timer.fn()


class HybridClock(RealClock):
    """Virtual while a sandbox is rebuilt from its log, real afterwards.

    A rebuild replays each logged command at the time it was first applied: `advance_to` jumps there
    at once, firing due timers in order, so a container that would have died while the server was
    down dies in the replay too. `go_live()` then catches up with the wall clock and hands the
    pending timers (the same `Timer` objects, so the engine can still cancel them) to the real
    scheduler thread. Started with `start=None`, the clock is live from the beginning.
    """

    def __init__(self, lock: threading.RLock | None = None, start: float | None = None) -> None:
        super().__init__(lock)
        self._virtual_now = start

    @property
    def live(self) -> bool:
        return self._virtual_now is None

    def now(self) -> float:
        virtual = self._virtual_now
        return time.time() if virtual is None else virtual

    def call_at(self, when: float, fn: Callable[[], None]) -> Timer:
        if self._virtual_now is None:
            return super().call_at(when, fn)
        timer = self._timer(max(when, self._virtual_now), fn)
        with self._cond:
            heapq.heappush(self._timers, timer)
        return timer

    def advance_to(self, target: float) -> None:
        """While virtual: move time to `target`, firing due timers in order (the caller holds the lock)."""
        if self._virtual_now is None:
            raise RuntimeError("the clock is live: real time cannot be advanced")
        while True:
            with self._cond:
                while self._timers and self._timers[0].cancelled:
                    heapq.heappop(self._timers)
                if not self._timers or self._timers[0].when > target:
                    break
                timer = heapq.heappop(self._timers)
            self._virtual_now = max(self._virtual_now, timer.when)
            timer.fn()
        self._virtual_now = max(self._virtual_now, target)

    def go_live(self) -> None:
        """Catch up with the wall clock, then run on real time from here on."""
        if self._virtual_now is None:
            return
        self.advance_to(time.time())
        with self._cond:
            self._virtual_now = None
            if self._timers and self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._loop, name="lab-clock", daemon=True)
                self._thread.start()
            self._cond.notify()
