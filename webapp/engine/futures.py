"""Awaiting the daemon without an event loop: one docker command is one coroutine.

The CLI is written once, as `async def` commands over the engine API. Below the API the two daemons
keep their own ways of waiting: the simulator settles a `Future` from its clock (a `docker stop`
grace period passes in no real time on a virtual clock), the real daemon settles it from the thread
that made the HTTP call. `Task` drives a command's coroutine: it runs it until it waits on a future
that is not settled yet and resumes it from whatever settles that future. No asyncio loop is needed,
so a command that never waits runs to its end inside the call that started it, as the simulator's
commands always have.
"""

from __future__ import annotations

import threading
from collections.abc import Awaitable, Callable, Coroutine, Generator, Iterable
from typing import Any, Generic, TypeVar

T = TypeVar("T")

_UNSET: Any = object()


class Future(Generic[T]):
    """A value that arrives later; settled once, from any thread."""

    __slots__ = ("_callbacks", "_error", "_lock", "_value")

    def __init__(self) -> None:
        self._value: Any = _UNSET
        self._error: BaseException | None = None
        self._callbacks: list[Callable[[Future[T]], None]] = []
        self._lock = threading.Lock()

    @classmethod
    def settled(cls, value: T) -> Future[T]:
        future: Future[T] = cls()
        future._value = value
        return future

    def done(self) -> bool:
        return self._value is not _UNSET or self._error is not None

    def result(self) -> T:
        if self._error is not None:
            raise self._error
        if self._value is _UNSET:
            raise RuntimeError("the future is not settled yet")
        return self._value  # type: ignore[no-any-return]

    def set_result(self, value: T) -> None:
        self._settle(value, None)

    def set_exception(self, error: BaseException) -> None:
        self._settle(_UNSET, error)

    def _settle(self, value: Any, error: BaseException | None) -> None:
        with self._lock:
            if self.done():
                return
            self._value, self._error = value, error
            callbacks, self._callbacks = self._callbacks, []
        for callback in callbacks:
            callback(self)

    def add_done_callback(self, callback: Callable[[Future[T]], None]) -> None:
        with self._lock:
            if not self.done():
                self._callbacks.append(callback)
                return
        callback(self)

    def __await__(self) -> Generator[Future[T], None, T]:
        if not self.done():
            yield self
        return self.result()


def resolved(value: T) -> Future[T]:
    """A future that already holds `value`."""
    return Future.settled(value)


def in_thread(work: Callable[[], T], *, name: str = "engine-call") -> Future[T]:
    """Run blocking `work` on a thread of its own; the future settles with its result or error."""
    future: Future[T] = Future()

    def run() -> None:
        try:
            value = work()
        except Exception as err:  # noqa: BLE001 - handed to whoever awaits it
            future.set_exception(err)
        else:
            future.set_result(value)

    threading.Thread(target=run, name=name, daemon=True).start()
    return future


async def gather(awaitables: Iterable[Awaitable[T]]) -> list[T | BaseException]:
    """Wait for every awaitable; each result, or the error it raised, in the given order.

    The awaitables should already be running (futures, or coroutines wrapped in `Task`), so that
    slow ones overlap: `docker stop a b` waits out both grace periods at the same time.
    """
    results: list[T | BaseException] = []
    for awaitable in awaitables:
        try:
            results.append(await awaitable)
        except Exception as err:  # noqa: BLE001 - each argument has its own error
            results.append(err)
    return results


class Task(Generic[T]):
    """Drives one coroutine: runs it now, and resumes it from whatever settles what it awaits."""

    __slots__ = ("_coro", "future")

    def __init__(self, coro: Coroutine[Any, Any, T]):
        self._coro = coro
        self.future: Future[T] = Future()
        self._step(None, None)

    def _step(self, value: Any, error: BaseException | None) -> None:
        while True:
            try:
                awaited = self._coro.throw(error) if error is not None else self._coro.send(value)
            except StopIteration as stop:
                self.future.set_result(stop.value)
                return
            except Exception as err:  # noqa: BLE001 - the coroutine's error ends the task
                self.future.set_exception(err)
                return
            if not isinstance(awaited, Future):
                error, value = TypeError(f"a command awaited {awaited!r}, not a Future"), None
                continue
            if not awaited.done():
                awaited.add_done_callback(self._wake)
                return
            try:
                value, error = awaited.result(), None
            except Exception as err:  # noqa: BLE001 - thrown into the coroutine
                value, error = None, err

    def _wake(self, future: Future[Any]) -> None:
        try:
            value, error = future.result(), None
        except Exception as err:  # noqa: BLE001 - thrown into the coroutine
            value, error = None, err
        self._step(value, error)

    def __await__(self) -> Generator[Future[T], None, T]:
        return self.future.__await__()

    def close(self) -> None:
        """Abandon the coroutine (the client went away): it is not resumed again."""
        self._coro.close()


def spawn(coro: Coroutine[Any, Any, T]) -> Task[T]:
    """Start `coro` now; await the returned task to join it."""
    return Task(coro)


def block_on(task: Task[T]) -> T:
    """Wait on this thread for a task that settles on another one (a worker thread's command step
    on the real daemon, whose HTTP calls may run on threads of their own)."""
    ended = threading.Event()
    task.future.add_done_callback(lambda _: ended.set())
    ended.wait()
    return task.future.result()
