"""Injected time: the server runs on real time, tests and replay on a virtual clock that jumps.

The engine never calls `time.time()` or sleeps: it asks its clock for `now()` and schedules work with
`call_later()`. A virtual clock makes a 10-second `docker stop` grace period take no real time, so tests
and lesson checks run instantly and deterministically.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field

log = logging.getLogger(__name__)

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


class Scheduler:
    """One thread that fires the due timers of many real clocks, each under its own clock's lock.

    A thread per sandbox clock costs memory (its stack) for as long as the sandbox has anything
    pending, which is most of its life (a `sleep 100000` container, a restart policy). Clocks whose
    callbacks only touch memory, like the simulator's, share this one thread instead. A callback
    waits for its own sandbox's lock, so a clock whose lock may be held for long (a call to a real
    daemon) keeps a thread of its own. Timers of closed clocks and cancelled timers are dropped
    when they come up, and swept out whenever the queue has doubled since the last sweep.
    """

    def __init__(self, name: str = "lab-clocks") -> None:
        self.name = name
        self._queue: list[tuple[float, int, Timer, RealClock]] = []
        self._seq = itertools.count()
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._sweep_at = 64

    def add(self, clock: RealClock, timers: list[Timer]) -> None:
        """Fire `timers` (in the order given for equal times) under `clock`'s lock when due."""
        with self._cond:
            for timer in timers:
                heapq.heappush(self._queue, (timer.when, next(self._seq), timer, clock))
            if len(self._queue) >= self._sweep_at:
                self._queue = [e for e in self._queue if not e[2].cancelled and not e[3].closed]
                heapq.heapify(self._queue)
                self._sweep_at = max(64, 2 * len(self._queue))
            if self._thread is None or not self._thread.is_alive():  # not yet, or lost in a fork
                self._thread = threading.Thread(target=self._loop, name=self.name, daemon=True)
                self._thread.start()
            self._cond.notify()

    def __len__(self) -> int:
        with self._cond:
            return len(self._queue)

    def _loop(self) -> None:
        while True:
            with self._cond:
                while True:
                    while self._queue and (self._queue[0][2].cancelled or self._queue[0][3].closed):
                        heapq.heappop(self._queue)
                    if not self._queue:
                        self._cond.wait()
                        continue
                    delay = self._queue[0][0] - time.time()
                    if delay <= 0:
                        break
                    self._cond.wait(delay)
                _, _, timer, clock = heapq.heappop(self._queue)
            try:
                clock.fire(timer)
            except Exception:  # one sandbox's failure must not stop every other sandbox's time
                log.exception("timer callback failed")


SHARED_SCHEDULER = Scheduler()


class RealClock(Clock):
    """Wall-clock time; callbacks run under `lock` when one is given.

    Timers fire on a scheduler thread of the clock's own, or on a shared `Scheduler` if given one.
    """

    def __init__(self, lock: threading.RLock | None = None,
                 scheduler: Scheduler | None = None) -> None:
        super().__init__()
        self._lock = lock
        self._scheduler = scheduler
        self._timers: list[Timer] = []
        self._cond = threading.Condition()
        self._thread: threading.Thread | None = None
        self._closed = False

    @property
    def closed(self) -> bool:
        return self._closed

    def now(self) -> float:
        return time.time()

    def fire(self, timer: Timer) -> None:
        """Run a due timer under the clock's lock, unless it was cancelled or the clock closed."""
        if self._lock is None:
            if not timer.cancelled and not self._closed:
                timer.fn()
            return
        with self._lock:
            if not timer.cancelled and not self._closed:
                timer.fn()

    def call_at(self, when: float, fn: Callable[[], None]) -> Timer:
        timer = self._timer(when, fn)
        if self._scheduler is not None:
            self._scheduler.add(self, [timer])
            return timer
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

    def __init__(self, lock: threading.RLock | None = None, start: float | None = None,
                 scheduler: Scheduler | None = None) -> None:
        super().__init__(lock, scheduler)
        self._virtual_now = start
        self._on_live: list[Callable[[], None]] = []

    def when_live(self, fn: Callable[[], None]) -> None:
        """Call `fn` once the clock runs on real time (at once if it already does); for work that
        waits out a rebuild's catch-up rather than replaying every tick of it."""
        if self._virtual_now is None:
            fn()
        else:
            self._on_live.append(fn)

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
        self._switch_live()
        waiting, self._on_live = self._on_live, []
        for fn in waiting:
            fn()

    def _switch_live(self) -> None:
        if self._scheduler is not None:
            with self._cond:
                self._virtual_now = None
                pending, self._timers = sorted(t for t in self._timers if not t.cancelled), []
            if pending and not self._closed:
                self._scheduler.add(self, pending)
            return
        with self._cond:
            self._virtual_now = None
            if self._timers and self._thread is None and not self._closed:
                self._thread = threading.Thread(target=self._loop, name="lab-clock", daemon=True)
                self._thread.start()
            self._cond.notify()
