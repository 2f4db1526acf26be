"""A container's resources, as the kernel gives them out: memory under a limit, and CPU time.

Memory is counted where the simulated processes keep something: shell variables and the
environment, `$(...)` and pipe buffers, the output kept for `docker logs`, files written in the
container. The count is kept as it changes (a variable set charges its new value and releases its
old one), never by walking everything. A charge that would take the container past its limit
raises `OutOfMemory` inside the allocating process, before the allocation is made: the process
dies as the kernel's OOM killer ends it (SIGKILL, an `oom` event), so a learner's doubling string
never gets built past the limit in the server's memory.

CPU is paced per sandbox: work (a command run, a chunk of text copied or printed) is spent from a
token bucket that refills at `WORK_PER_SECOND`; a shell that has spent more sleeps until the
bucket is even again. A busy loop in one sandbox therefore costs the server a bounded share of
its time, and on a virtual clock it still runs deterministically.
"""

from __future__ import annotations

import sys
from collections.abc import Iterable, Iterator, Mapping, MutableMapping
from typing import TYPE_CHECKING

from ..api import ApiError

if TYPE_CHECKING:
    from ..clock import Clock

#: The memory limit of a container created without `-m` (the real-daemon engine's policy too).
DEFAULT_MEMORY = 64 << 20
#: moby's linuxMinMemory: the smallest `-m` the daemon accepts.
MIN_MEMORY = 6 << 20
#: What every container of one sandbox may hold together (the sandbox's "host" memory).
SANDBOX_MEMORY = 256 << 20
#: What a stored word costs besides its characters (a shell's variable cell, Python's str header).
WORD_OVERHEAD = 64

#: Work units a sandbox may spend per second of its clock. A unit is a command run by a shell, or
#: `TEXT_PER_UNIT` characters copied or printed (some tens of microseconds of the server's time).
WORK_PER_SECOND = 3000
#: How much a sandbox may spend at once before it has to wait (the bucket's depth).
WORK_BURST = 300
#: A spender in debt sleeps until this much time's worth is back in the bucket, so a busy sandbox
#: works in batches (about a third of a millisecond every 10 ms), not in a stream of tiny timers.
WORK_NAP = 0.01
TEXT_PER_UNIT = 1 << 16
OUTPUT_PER_UNIT = 1 << 12


class OutOfMemory(Exception):
    """An allocation would take the container past its memory limit."""


def text_cost(text: str) -> int:
    """The bytes a stored string holds (O(1): Python knows its own size)."""
    return sys.getsizeof(text)


def join_cost(parts: Iterable[str]) -> int:
    """The bytes of the string that joining `parts` would build, known before it is built."""
    total = 0
    wide = False
    for part in parts:
        total += len(part)
        wide = wide or not part.isascii()
    return total * (4 if wide else 1) + WORD_OVERHEAD


def split_cost(text: str) -> int:
    """The bytes of splitting `text` into words: its characters again, and a cell per word."""
    if len(text) < 4096:
        return len(text)
    words = text.count(" ") + text.count("\n") + text.count("\t") + 1
    return join_cost([text]) + words * WORD_OVERHEAD


class Meter:
    """Bytes held against a limit; a container's meter also charges its sandbox's."""

    def __init__(self, limit: int, parent: Meter | None = None) -> None:
        self.limit = limit
        self.parent = parent
        self.used = 0

    def room(self) -> int:
        own = self.limit - self.used
        return own if self.parent is None else min(own, self.parent.room())

    def check(self, size: int) -> None:
        """Raise OutOfMemory unless `size` more bytes fit (nothing is charged)."""
        if size > 0 and size > self.room():
            raise OutOfMemory()

    def charge(self, size: int, *, force: bool = False) -> None:
        """Count `size` bytes more; unless `force`, raise OutOfMemory first if they do not fit."""
        if not force:
            self.check(size)
        self.used += size
        if self.parent is not None:
            self.parent.charge(size, force=True)

    def release(self, size: int) -> None:
        self.used -= size
        if self.parent is not None:
            self.parent.release(size)


UNLIMITED = Meter(sys.maxsize)


class Account:
    """What one process has charged to its container's meter, released all at once when it exits."""

    __slots__ = ("held", "meter")

    def __init__(self, meter: Meter) -> None:
        self.meter = meter
        self.held = 0

    def charge(self, size: int, *, force: bool = False) -> None:
        self.meter.charge(size, force=force)
        self.held += size

    def release(self, size: int) -> None:
        size = min(size, self.held)
        self.meter.release(size)
        self.held -= size

    def close(self) -> None:
        self.release(self.held)


class MeteredVars(MutableMapping[str, str]):
    """Variables (a shell's, a process's environment) whose size is charged as they change."""

    def __init__(self, account: Account, items: Mapping[str, str] | None = None) -> None:
        self._data: dict[str, str] = {}
        self._account = account
        self._size = 0
        for key, value in (items or {}).items():
            self._set(key, value, force=True)

    def _set(self, key: str, value: str, *, force: bool) -> None:
        old = self._data.get(key)
        new_cost = text_cost(key) + text_cost(value) + WORD_OVERHEAD
        old_cost = 0 if old is None else text_cost(key) + text_cost(old) + WORD_OVERHEAD
        if new_cost > old_cost:
            self._account.charge(new_cost - old_cost, force=force)
        else:
            self._account.release(old_cost - new_cost)
        self._size += new_cost - old_cost
        self._data[key] = value

    def __setitem__(self, key: str, value: str) -> None:
        self._set(key, value, force=False)

    def __getitem__(self, key: str) -> str:
        return self._data[key]

    def __delitem__(self, key: str) -> None:
        value = self._data.pop(key)
        cost = text_cost(key) + text_cost(value) + WORD_OVERHEAD
        self._account.release(cost)
        self._size -= cost

    def __contains__(self, key: object) -> bool:
        return key in self._data

    def __iter__(self) -> Iterator[str]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __repr__(self) -> str:
        return f"MeteredVars({self._data!r})"

    def release_all(self) -> None:
        """Forget the charge (the variables are dropped, as a subshell's on its exit)."""
        self._account.release(self._size)
        self._size = 0


class Pacer:
    """A sandbox's CPU: a token bucket of work units refilled by its clock."""

    def __init__(self, clock: Clock, rate: float = WORK_PER_SECOND, burst: float = WORK_BURST
                 ) -> None:
        self.clock = clock
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self._last = clock.now()
        self.spent = 0

    def spend(self, units: float) -> None:
        self.tokens -= units
        self.spent += int(units)

    def owed(self) -> float:
        """Seconds the spender must wait before it may go on (0 when the bucket is not empty)."""
        now = self.clock.now()
        self.tokens = min(self.burst, self.tokens + (now - self._last) * self.rate)
        self._last = now
        return 0.0 if self.tokens >= 0 else -self.tokens / self.rate + WORK_NAP


def memory_settings(memory: int, swap: int, default: int = DEFAULT_MEMORY) -> tuple[int, int]:
    """`HostConfig.Memory` and `MemorySwap` as the daemon validates and records them (moby's
    verifyPlatformContainerResources, then adaptContainerSettings: swap defaults to twice the
    memory). Without `-m` the sandbox's default applies, with no swap."""
    if memory != 0 and memory < MIN_MEMORY:
        raise ApiError(400, "Minimum memory limit allowed is 6MB")
    if memory > 0 and swap > 0 and swap < memory:
        raise ApiError(400, "Minimum memoryswap limit should be larger than memory limit, see usage")
    if memory == 0 and swap > 0:
        raise ApiError(400, "You should always set the Memory limit when using Memoryswap limit, "
                            "see usage")
    if memory == 0:
        return default, default
    if swap == 0:
        swap = memory * 2
    return memory, swap
