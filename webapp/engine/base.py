"""The engine contract: what the web layer and the lesson code may ask of an engine.

`Engine` is that contract as a `Protocol`, read off its callers (the sandbox, the live namespace,
lesson progress, checks and runner, completion), so none of them types an engine `Any` or probes
it with `getattr`. `EngineView` is the part lesson checks read (containers, event history,
command history), which a test double can offer alone.

`EngineBase` is what `SimEngine` and `DockerEngine` do the same way: the event and command
histories, subscribers, the execute/internal-error wrapper, `run()` to completion, and defaults for
what only the real daemon needs (settling its event stream, notices, removing its containers). An
engine supplies `_dispatch` (where a parsed command runs), `containers()` and `images()`.
"""

from __future__ import annotations

import logging
import threading
import time
from abc import ABC, abstractmethod
from collections import deque
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, runtime_checkable

from .cli import ParsedCommand
from .clock import Clock, VirtualClock
from .console_line import run_console_line
from .console_shell import ConsoleState
from .events import Event, EventLog
from .job import CommandRecord, Job, Result
from .workspace import Workspace

log = logging.getLogger(__name__)

HISTORY = 10_000  # events and commands an engine keeps for lesson checks and the page
RUN_TIMEOUT = 600.0  # seconds (virtual on a virtual clock) `run()` waits before giving up

Unsubscribe = Callable[[], None]


class EngineView(Protocol):
    """What lesson checks read: the containers now, and what happened and was typed so far."""

    @property
    def history(self) -> Sequence[Event]: ...

    @property
    def commands(self) -> Sequence[CommandRecord]: ...

    def containers(self) -> list[dict[str, Any]]: ...


@runtime_checkable
class ListsImages(Protocol):
    """An engine view that can also list its images (every engine; not every test double)."""

    def images(self) -> list[dict[str, Any]]: ...


class Engine(EngineView, Protocol):
    """One learner's Docker host, as the web layer and the lesson code use it."""

    @property
    def clock(self) -> Clock: ...

    @property
    def lock(self) -> threading.RLock:
        """Held whenever a job or the engine's state is touched; the clock fires timers under it."""
        ...

    def execute(self, line: str, *, tty: bool = True,
                on_output: Callable[[str, str], None] | None = None,
                record: bool = True,
                on_command: Callable[[str, Any, bool], None] | None = None) -> Job: ...

    def run(self, line: str, *, stdin: str | None = None, tty: bool = False,
            timeout: float = RUN_TIMEOUT) -> Result: ...

    def wait(self, job: Job, timeout: float) -> bool: ...

    def subscribe(self, callback: Callable[[Event], None]) -> Unsubscribe: ...

    def subscribe_notices(self, callback: Callable[[str], None]) -> Unsubscribe: ...

    def images(self) -> list[dict[str, Any]]: ...

    def container_state(self, name: str) -> str | None: ...

    def settle(self, seconds: float = ...) -> None: ...

    def shutdown(self) -> None: ...

    def close(self) -> None: ...


class EngineBase(ABC):
    """What both engines implement identically; the hooks are where they differ."""

    name: ClassVar[str]

    def __init__(self, clock: Clock, lock: threading.RLock):
        self.clock = clock
        self.lock = lock
        self.events = EventLog(HISTORY)
        self.history: deque[Event] = self.events.history
        self.commands: deque[CommandRecord] = deque(maxlen=HISTORY)
        self._notice_listeners: list[Callable[[str], None]] = []
        self.console = ConsoleState()  # the console shell's variables, `$?` and history
        self.workspace = Workspace()  # the learner's files: the build context of `docker build .`

    # -- events -----------------------------------------------------------------------------------

    def _publish(self, event: Event) -> None:
        self.events.publish(event)

    def subscribe(self, callback: Callable[[Event], None]) -> Unsubscribe:
        """Call `callback` for every event from now on; returns the function that unsubscribes."""
        return self.events.subscribe(callback)

    def subscribe_notices(self, callback: Callable[[str], None]) -> Unsubscribe:
        """Call `callback(text)` with messages for the learner's console that no command printed
        (the real daemon went away, came back; a simulator has none to send)."""
        self._notice_listeners.append(callback)

        def unsubscribe() -> None:
            if callback in self._notice_listeners:
                self._notice_listeners.remove(callback)

        return unsubscribe

    def _notice(self, text: str) -> None:
        for listener in list(self._notice_listeners):
            try:
                listener(text)
            except Exception:
                log.exception("notice listener failed")

    def settle(self, seconds: float = 0.0) -> None:
        """Let `seconds` pass, then every event up to now is in `history`. Here events are in it
        as they happen, so only the time is left: moved on a virtual clock, slept on a real one
        (never with the lock held, then)."""
        if seconds <= 0:
            return
        if isinstance(self.clock, VirtualClock):
            with self.lock:
                self.clock.advance(seconds)
        else:
            time.sleep(seconds)

    # -- commands ---------------------------------------------------------------------------------

    def execute(self, line: str, *, tty: bool = True,
                on_output: Callable[[str, str], None] | None = None, record: bool = True,
                on_command: Callable[[str, Any, bool], None] | None = None) -> Job:
        """Start a console line; the returned job may finish now or later.

        The console shell runs the line (`console_line.py`); each docker command in it is a job of
        its own, announced to `on_command(text, parsed, plain)` just before it starts (`plain`: it
        is the whole typed line) and kept in `commands` when it ends. A line that ran no docker
        command is kept as itself. `on_output` sees every piece of output in the order it is
        printed, from the first one. `record=False` keeps the line out of `commands` and runs it
        inline, its events in `history` before `execute()` returns (a lesson's hidden set-up).
        """
        job = Job(line, tty=tty)
        if on_output is not None:
            job.output_listeners.append(on_output)
        if on_command is not None:
            job.command_listeners.append(on_command)
        started = self.clock.now()
        if record:
            job.done_listeners.append(
                lambda finished: None if finished.invocations else self._record(finished, started))
        with self.lock:
            self._track(job)
            try:
                run_console_line(job, line, clock=self.clock, state=self.console,
                                 dispatch=lambda child, cmd: self._dispatch(child, cmd,
                                                                            inline=not record),
                                 record=self._record if record else None)
            except Exception as err:  # nothing a learner types may crash the engine
                log.exception("internal error running %r", line[:200])
                if not job.done:
                    job.write_err(f"lifecycle-lab: internal error: {type(err).__name__}; the sandbox "
                                  "is unharmed, please report this command\n")
                    job.finish(1)
            if not record:
                self.settle(0)  # a set-up line: its events before anything else (no waiting)
        return job

    def _track(self, job: Job) -> None:
        """A job has started (under the lock): an engine that must end its jobs itself keeps it."""

    @abstractmethod
    def _dispatch(self, job: Job, cmd: ParsedCommand, *, inline: bool) -> None:
        """Run a parsed docker command (under the lock); `inline`: finish it before returning."""

    def _record(self, job: Job, started: float) -> None:
        self.commands.append(CommandRecord.of(job, started, self.clock.now()))

    def run(self, line: str, *, stdin: str | None = None, tty: bool = False,
            timeout: float = RUN_TIMEOUT) -> Result:
        """Run a line to completion and return its result (stdin, if given, is fed then closed).

        After `timeout` seconds (virtual ones on a virtual clock, which jumps forward meanwhile)
        the client gives up (exit -1); containers keep running.
        """
        job = self.execute(line, tty=tty)
        with self.lock:
            if stdin:
                job.send(stdin)
            if not tty:
                job.close_stdin()
        self.wait(job, timeout)
        with self.lock:
            if not job.done:
                out, err = job.stdout, job.stderr
                job.cancel()
                return Result(-1, out, err)
            return job.result()

    def wait(self, job: Job, timeout: float) -> bool:
        """Wait up to `timeout` seconds for `job` to finish; True if it did. A virtual clock is
        driven forward until then; on real time something else finishes the job (the clock's
        thread, a worker waiting on the daemon)."""
        if isinstance(self.clock, VirtualClock):
            with self.lock:
                return self.clock.run_until(lambda: job.done, timeout)
        finished = threading.Event()
        with self.lock:
            job.done_listeners.append(lambda _: finished.set())
            if job.done:
                finished.set()
        return finished.wait(timeout)

    # -- state ------------------------------------------------------------------------------------

    @abstractmethod
    def containers(self) -> list[dict[str, Any]]:
        """A snapshot of every container for the page: name, id, image, state, exit code, status,
        health (`starting`, `healthy`, `unhealthy`; None without a health check)."""

    @abstractmethod
    def images(self) -> list[dict[str, Any]]:
        """The images this learner sees, as lesson checks use them: familiar `ref` and `id`."""

    def container_state(self, name: str) -> str | None:
        """The lifecycle state of the container with this name, or None if there is none."""
        for c in self.containers():
            if c["name"] == name:
                return str(c["state"])
        return None

    # -- the end ----------------------------------------------------------------------------------

    def shutdown(self) -> None:
        """The server stops; what the engine keeps outside this process stays for the next start.
        Nothing does here."""

    def close(self) -> None:
        """The sandbox is gone for good: remove what the engine keeps outside this process.
        Nothing does here."""


if TYPE_CHECKING:  # mypy proves that both engines keep the contract
    from .docker.engine import DockerEngine
    from .sim.engine import SimEngine

    def _keep_the_contract(sim: SimEngine, docker: DockerEngine) -> list[Engine]:
        return [sim, docker]
