"""The coroutine driver under the one CLI: commands run to their end at once when nothing waits,
and resume from whatever settles what they wait on (a clock callback, another thread)."""

from __future__ import annotations

import threading

import pytest

from webapp.engine.futures import Future, gather, in_thread, spawn


async def add_later(first: Future[int], second: Future[int]) -> int:
    return await first + await second


def test_a_coroutine_that_never_waits_finishes_inside_spawn():
    async def answer() -> int:
        return 42

    task = spawn(answer())
    assert task.future.done() and task.future.result() == 42


def test_a_task_resumes_from_each_settled_future_in_turn():
    first, second = Future[int](), Future[int]()
    task = spawn(add_later(first, second))
    assert not task.future.done()
    first.set_result(2)
    assert not task.future.done()
    second.set_result(3)
    assert task.future.result() == 5


def test_an_error_settled_into_a_future_is_raised_in_the_coroutine():
    waited: Future[int] = Future()

    async def guarded() -> str:
        try:
            await waited
        except KeyError as err:
            return f"caught {err}"
        return "not raised"

    task = spawn(guarded())
    waited.set_exception(KeyError("x"))
    assert task.future.result() == "caught 'x'"


def test_gather_overlaps_waits_and_keeps_argument_order_with_errors():
    slow, fast = Future[int](), Future[int]()
    failing: Future[int] = Future()

    async def all_three() -> list[int | BaseException]:
        return await gather([slow, fast, failing])

    task = spawn(all_three())
    fast.set_result(1)
    failing.set_exception(ValueError("no"))
    assert not task.future.done()
    slow.set_result(2)
    results = task.future.result()
    assert results[:2] == [2, 1] and isinstance(results[2], ValueError)


def test_in_thread_settles_from_another_thread_and_wakes_the_task_there():
    gate = threading.Event()
    woke_on: list[str] = []

    def blocking() -> int:
        gate.wait(5)
        return 7

    async def waits() -> int:
        value = await in_thread(blocking)
        woke_on.append(threading.current_thread().name)
        return value

    task = spawn(waits())
    assert not task.future.done()
    done = threading.Event()
    task.future.add_done_callback(lambda _: done.set())
    gate.set()
    assert done.wait(5)
    assert task.future.result() == 7 and woke_on == ["engine-call"]


def test_awaiting_something_that_is_not_a_future_is_an_error_in_the_command():
    class Odd:
        def __await__(self):
            yield "not a future"

    async def odd() -> None:
        await Odd()

    task = spawn(odd())
    with pytest.raises(TypeError, match="not a Future"):
        task.future.result()


def test_a_future_settles_once():
    future: Future[int] = Future()
    seen: list[int] = []
    future.add_done_callback(lambda f: seen.append(f.result()))
    future.set_result(1)
    future.set_result(2)
    future.set_exception(RuntimeError("late"))
    assert future.result() == 1 and seen == [1]
