"""Simulated processes: programs are Python generators that yield what they wait for.

A program yields `Sleep`, `ReadLine`, `ReadChunk`, `WaitPid`, `Forever` or `Exec` and is resumed by the
clock, by input, or by another process exiting. Signals follow Linux rules, including the one that makes
Docker's stop behaviour surprising: PID 1 of a container ignores every signal it has no handler for,
except SIGKILL.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .resources import OUTPUT_PER_UNIT, UNLIMITED, Account, Meter, MeteredVars, OutOfMemory, Pacer
from .signals import DEFAULT_IGNORED, SIGINT, SIGKILL, SIGQUIT
from .users import ROOT, Identity

SIGSEGV = 11  # what a stack overflow gets from the kernel

if TYPE_CHECKING:
    from ..clock import Clock, Timer


@dataclass
class Sleep:
    seconds: float


@dataclass
class ReadLine:
    """Resumes with the next line (without its newline), or None at end of input."""


@dataclass
class ReadChunk:
    """Resumes with whatever input is available, or None at end of input."""


@dataclass
class Forever:
    """Never resumes: only a signal ends the wait."""


@dataclass
class WaitPid:
    proc: Proc


@dataclass
class Exec:
    """Replace the program, keeping the PID (the `exec` system call). `env`, `out` and `stdin`,
    when given, are the new program's environment and (redirected) output and input."""

    argv: list[str]
    env: Mapping[str, str] | None = None
    out: Callable[[str, str], None] | None = None
    stdin: Stream | None = None
    ignored: frozenset[int] = frozenset()  # signals ignored before the exec stay ignored (POSIX)


Wait = Sleep | ReadLine | ReadChunk | Forever | WaitPid | Exec
ProgramGen = Generator[Wait, Any, int]
Program = Callable[["Proc"], ProgramGen]
SignalHandler = Callable[["Proc", int], "int | None"]

EOF = object()
INTERRUPTED = object()


#: Input a process has not read yet, at most (a pipe's buffer is 64 KiB; a writer would block, here
#: what does not fit is dropped, so input typed at a process that never reads cannot grow).
STREAM_LIMIT = 1 << 20


class Stream:
    """A process's standard input: text arrives by `feed`, ends by `close` (or a TTY's one-off ^D)."""

    def __init__(self) -> None:
        self._items: deque[object] = deque()
        self.closed = False
        self._waiter: Callable[[], None] | None = None
        self._size = 0

    def feed(self, data: str) -> None:
        if self.closed or not data:
            return
        if self._size + len(data) > STREAM_LIMIT:
            data = data[:max(0, STREAM_LIMIT - self._size)]
            if not data:
                return
        self._size += len(data)
        if self._items and isinstance(last := self._items[-1], str):
            self._items[-1] = last + data
        else:
            self._items.append(data)
        self._wake()

    def feed_eof(self) -> None:
        """A one-off end of input, as ^D on an empty TTY line gives; reading goes on afterwards."""
        self._items.append(EOF)
        self._wake()

    def close(self) -> None:
        if not self.closed:
            self.closed = True
            self._wake()

    def on_data(self, waiter: Callable[[], None] | None) -> None:
        self._waiter = waiter

    def _wake(self) -> None:
        waiter, self._waiter = self._waiter, None
        if waiter is not None:
            waiter()

    def take_line(self) -> tuple[bool, str | None]:
        """(ready, line): ready is False when the caller must wait for more input."""
        if self._items:
            head = self._items[0]
            if head is EOF:
                self._items.popleft()
                return True, None
            assert isinstance(head, str)
            if "\n" in head:
                line, rest = head.split("\n", 1)
                self._size -= len(line) + 1
                if rest:
                    self._items[0] = rest
                else:
                    self._items.popleft()
                return True, line
            if len(self._items) > 1 or self.closed:
                self._items.popleft()
                self._size -= len(head)
                return True, head
        if self.closed:
            return True, None
        return False, None

    def take_chunk(self) -> tuple[bool, str | None]:
        if self._items:
            head = self._items.popleft()
            if isinstance(head, str):
                self._size -= len(head)
                return True, head
            return True, None  # the only other item is EOF
        if self.closed:
            return True, None
        return False, None

    def pending(self) -> str:
        return "".join(i for i in self._items if isinstance(i, str))


class NullStream(Stream):
    """/dev/null: end of input at once."""

    def __init__(self) -> None:
        super().__init__()
        self.closed = True


class Box:
    """What a process needs from its container: time, PIDs, its file system and where output goes.

    The container runtime subclasses this; tests can use it bare.
    """

    clock: Clock
    hostname: str = "localhost"
    ip: str = ""
    #: The container's memory (its limit and what its processes hold) and the sandbox's CPU.
    meter: Meter = UNLIMITED
    pacer: Pacer

    def __init__(self, clock: Clock) -> None:
        self.clock = clock
        self.pacer = Pacer(clock)  # a container shares its sandbox's instead
        self.procs: dict[int, Proc] = {}
        self._next_pid = 1

    def allocate_pid(self) -> int:
        pid = self._next_pid
        self._next_pid = pid + 1 if pid > 1 else 7
        return pid

    def resolve(self, proc: Proc | None, argv: list[str], path_env: str | None = None,
                cwd: str | None = None) -> tuple[Program | None, int, str]:
        """Find the program for argv[0]: (program, 0, "") or (None, 126/127, error text).

        `path_env` and `cwd` stand in for the caller's PATH and directory (a shell's `VAR=x cmd`).
        """
        raise NotImplementedError

    # The file system and process table the shell and applets see; a bare Box has neither.

    def path_kind(self, proc: Proc | None, path: str) -> str | None:
        """"dir", "exec", "file" or None when nothing is at `path`."""
        raise NotImplementedError

    def list_dir(self, proc: Proc | None, path: str) -> list[str]:
        raise NotImplementedError

    def read_file(self, proc: Proc | None, path: str) -> str | None:
        """The file's text, or None when there is no such file."""
        raise NotImplementedError

    def write_file(self, proc: Proc | None, path: str, text: str, append: bool = False) -> bool:
        """False when the file cannot be created (no such directory)."""
        raise NotImplementedError

    def make_dir(self, proc: Proc | None, path: str) -> bool:
        """Create the folder `path` in an existing folder; False when its parent does not exist."""
        return False

    def write_denied(self, proc: Proc | None, path: str) -> bool:
        """True when the process's user may not write there (permission denied)."""
        return False

    def remove_file(self, proc: Proc | None, path: str) -> bool:
        """Remove a file the container's processes wrote (a pid file); False when there was none."""
        return False

    def process_table(self, proc: Proc | None) -> list[dict[str, object]]:
        """One row per process, with the columns `ps` prints."""
        raise NotImplementedError

    def on_exit(self, proc: Proc) -> None:
        """Called when any process of this box exits."""

    def out_of_memory(self, proc: Proc) -> None:
        """Called when the OOM killer is about to end `proc` (before it exits)."""


class Proc:
    """One simulated process."""

    def __init__(
        self,
        box: Box,
        argv: list[str],
        *,
        env: Mapping[str, str],
        cwd: str = "/",
        out: Callable[[str, str], None],
        stdin: Stream | None = None,
        tty: bool = False,
        pid1: bool = False,
        parent: Proc | None = None,
        user: str | None = None,
        ident: Identity | None = None,
    ) -> None:
        self.box = box
        self.pid = box.allocate_pid()
        self.argv = list(argv)
        self.account = Account(box.meter)
        self._env = MeteredVars(self.account, env)
        self.cwd = cwd
        self.out = out
        self.stdin = stdin if stdin is not None else NullStream()
        self.tty = tty
        self.pid1 = pid1
        self.parent = parent
        # A child runs as its parent (the user of `run -u` / `exec -u`) unless told otherwise.
        self.user: str = user if user is not None else (
            parent.user if parent is not None else "root")
        self.ident: Identity = ident if ident is not None else (
            parent.ident if parent is not None else ROOT)
        self.started = box.clock.now()
        self.handlers: dict[int, SignalHandler] = {}
        self.ignored: set[int] = set()
        self.forwards_to: Proc | None = None  # an init (tini) that passes its signals on to this child
        self.exit_code: int | None = None
        self.killed_by: int | None = None
        self.frozen = False
        self.foreground: Proc | None = None
        # The PID that sent the signal being handled, when it came from inside the container
        # (nginx logs "received from N"); None for `docker kill`, which comes from outside.
        self.signal_from: int | None = None
        self.listeners: list[Callable[[Proc], None]] = []
        self._gen: ProgramGen | None = None
        self._wait: Wait | None = None
        self._timer: Timer | None = None
        self._sleep_left: float | None = None
        self._pending: list[tuple[str, Any]] = []
        self._running = False
        box.procs[self.pid] = self

    # -- life -------------------------------------------------------------------------------------

    @property
    def alive(self) -> bool:
        return self.exit_code is None

    @property
    def env(self) -> MeteredVars:
        """The environment, its size charged to the container's memory."""
        return self._env

    @env.setter
    def env(self, values: Mapping[str, str]) -> None:
        self._env.release_all()
        self._env = MeteredVars(self.account, values)

    def spend(self, units: float) -> None:
        """Count work done (see `resources.Pacer`); the process pays for it at its next `owed()`."""
        self.box.pacer.spend(units)

    def owed(self) -> float:
        """Seconds this process must sleep before it may work on (its sandbox's CPU share)."""
        return self.box.pacer.owed()

    def start(self, program: Program) -> None:
        self._gen = program(self)
        self._advance(None)

    def write(self, text: str, stream: str = "stdout") -> None:
        if text and self.alive:
            self.spend(1 + len(text) // OUTPUT_PER_UNIT)
            self.out(text, stream)

    def exit(self, code: int) -> None:
        """End the process now with `code` (128+N for a signal)."""
        if not self.alive:
            return
        self.exit_code = code
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self.stdin.on_data(None) if isinstance(self._wait, ReadLine | ReadChunk) else None
        self._wait = None
        gen, self._gen = self._gen, None
        if gen is not None and not self._running:
            gen.close()
        self.box.procs.pop(self.pid, None)
        self.account.close()
        for listener in list(self.listeners):
            listener(self)
        self.box.on_exit(self)

    # -- scheduling -------------------------------------------------------------------------------

    def _resume(self, value: Any) -> None:
        if not self.alive:
            return
        if self.frozen:
            self._pending.append(("resume", value))
            return
        self._wait = None
        self._advance(value)

    def _advance(self, value: Any) -> None:
        while self.alive and self._gen is not None:
            self._running = True
            try:
                wait = self._gen.send(value)
            except StopIteration as stop:
                self._running = False
                self.exit(int(stop.value or 0) & 0xFF if stop.value is not None else 0)
                return
            except (OutOfMemory, MemoryError):
                self._running = False
                self._gen = None
                self._killed(SIGKILL, oom=True)
                return
            except RecursionError:  # the program's stack overflowed: the kernel's SIGSEGV
                self._running = False
                self._gen = None
                self._killed(SIGSEGV)
                return
            finally:
                self._running = False
            if not self.alive:
                return
            value = None
            if isinstance(wait, Sleep):
                if wait.seconds <= 0:
                    continue
                self._wait = wait
                self._timer = self.box.clock.call_later(wait.seconds, self._wake_sleep)
                return
            if isinstance(wait, ReadLine | ReadChunk):
                ready, data = (self.stdin.take_line() if isinstance(wait, ReadLine)
                               else self.stdin.take_chunk())
                if ready:
                    value = data
                    continue
                self._wait = wait
                self.stdin.on_data(self._wake_read)
                return
            if isinstance(wait, WaitPid):
                if not wait.proc.alive:
                    value = wait.proc.exit_code
                    continue
                self._wait = wait

                def on_child_exit(p: Proc, w: WaitPid = wait) -> None:
                    if self._wait is w:  # still waiting for this child, not resumed otherwise
                        self._resume(p.exit_code)

                wait.proc.listeners.append(on_child_exit)
                return
            if isinstance(wait, Exec):
                path_env = wait.env.get("PATH", "") if wait.env is not None else None
                program, code, error = self.box.resolve(self, wait.argv, path_env)
                if program is None:
                    self.write(error, "stderr")
                    self.exit(code)
                    return
                self.argv = list(wait.argv)
                if wait.env is not None:
                    self.env = wait.env
                if wait.out is not None:
                    self.out = wait.out
                if wait.stdin is not None:
                    self.stdin = wait.stdin
                self.handlers.clear()
                self.ignored.clear()
                self.ignored.update(wait.ignored)
                old, self._gen = self._gen, program(self)
                if old is not None:
                    old.close()
                continue
            self._wait = wait  # Forever
            return

    def _killed(self, sig: int, *, oom: bool = False) -> None:
        """The kernel ends the process: a signal it cannot catch or ignore, even as PID 1."""
        if not self.alive:
            return
        if oom:
            self.box.out_of_memory(self)
        self.killed_by = sig
        self.exit(128 + sig)

    def interrupt_wait(self) -> bool:
        """Wake a process blocked in a wait with INTERRUPTED (a trapped signal ends `wait`)."""
        wait = self._wait
        if not self.alive or self.frozen or wait is None or isinstance(wait, Forever):
            return False
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        if isinstance(wait, ReadLine | ReadChunk):
            self.stdin.on_data(None)
        self._resume(INTERRUPTED)
        return True

    def _wake_sleep(self) -> None:
        self._timer = None
        self._resume(None)

    def _wake_read(self) -> None:
        wait = self._wait
        if not self.alive or not isinstance(wait, ReadLine | ReadChunk):
            return
        if self.frozen:
            self._pending.append(("read", None))
            return
        ready, data = self.stdin.take_line() if isinstance(wait, ReadLine) else self.stdin.take_chunk()
        if ready:
            self._resume(data)
        else:
            self.stdin.on_data(self._wake_read)

    # -- signals and the freezer ---------------------------------------------------------------

    def signal(self, sig: int) -> None:
        if not self.alive:
            return
        if sig == SIGKILL:
            self.killed_by = sig
            self.exit(128 + sig)
            return
        if self.frozen:
            self._pending.append(("signal", sig))
            return
        handler = self.handlers.get(sig)
        if handler is not None:
            code = handler(self, sig)
            if code is not None and self.alive:
                self.exit(code)
            return
        if sig in self.ignored or sig in DEFAULT_IGNORED or self.pid1:
            return
        self.killed_by = sig
        self.exit(128 + sig)

    def handles_slowly(self, sig: int) -> bool:
        """True when `sig` reaches a handler that does work before the process ends (a server's
        graceful shutdown, a shell trap), so a SIGKILL sent right after it lands first; False when
        the kernel acts on it at once (its default action, or ignoring it), also through tini."""
        if sig == SIGKILL or sig not in self.handlers:
            return False
        if self.forwards_to is not None:
            return self.forwards_to.alive and self.forwards_to.handles_slowly(sig)
        return True

    def interrupt_foreground(self, sig: int = SIGINT) -> None:
        """^C / ^\\ on the terminal: the signal goes to the foreground job."""
        target: Proc = self
        while target.foreground is not None and target.foreground.alive:
            target = target.foreground
        target.signal(sig)

    def freeze(self) -> None:
        if self.frozen or not self.alive:
            return
        self.frozen = True
        if self._timer is not None:
            self._sleep_left = max(0.0, self._timer.when - self.box.clock.now())
            self._timer.cancel()
            self._timer = None

    def thaw(self) -> None:
        if not self.frozen or not self.alive:
            return
        self.frozen = False
        if self._sleep_left is not None:
            self._timer = self.box.clock.call_later(self._sleep_left, self._wake_sleep)
            self._sleep_left = None
        pending, self._pending = self._pending, []
        for kind, value in pending:
            if kind == "resume":
                self._resume(value)
            elif kind == "read":
                self._wake_read()
            elif kind == "signal":
                self.signal(value)


__all__ = [
    "EOF",
    "INTERRUPTED",
    "SIGINT",
    "SIGQUIT",
    "Box",
    "Exec",
    "Forever",
    "NullStream",
    "Proc",
    "Program",
    "ReadChunk",
    "ReadLine",
    "Sleep",
    "Stream",
    "WaitPid",
]
