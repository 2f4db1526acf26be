"""The simulator's public face: take a console line, answer like Docker, publish events.

Headless and framework-free: the web layer, replay, lesson checks, tests and benchmarks all use this
same object. With a `VirtualClock`, `run()` drives time forward until the command finishes, so a
10-second `docker stop` returns instantly.
"""

from __future__ import annotations

import logging
import random
import threading
from collections import deque
from collections.abc import Callable
from typing import Any

from ..clock import Clock, VirtualClock
from ..console_line import parse_console_line
from ..events import Event, EventLog
from ..job import CommandRecord, Job, Result
from .api import SIMULATOR_VERSION, SimApi, simulator_info
from .commands import SimCli
from .daemon import Daemon, Limits
from .views import container_summary

log = logging.getLogger(__name__)

HISTORY = 10_000


class SimEngine:
    """One learner's simulated Docker host."""

    name = "sim"

    def __init__(self, clock: Clock | None = None, *, seed: int | None = None,
                 images: list[str] | None = None, limits: Limits | None = None,
                 lock: threading.RLock | None = None):
        self.clock = clock or VirtualClock()
        self.lock = lock or threading.RLock()
        self.rng = random.Random(seed)
        self.events = EventLog(HISTORY)
        self.history: deque[Event] = self.events.history
        self.commands: deque[CommandRecord] = deque(maxlen=HISTORY)
        self.daemon = Daemon(self.clock, emit=self._publish, rng=self.rng, images=images, limits=limits)
        self.api = SimApi(self.daemon, self.events, self.clock, version=SIMULATOR_VERSION,
                          info=lambda: simulator_info(self.daemon))
        self.cli = SimCli(self)

    # -- events -----------------------------------------------------------------------------------

    def _publish(self, event: Event) -> None:
        self.events.publish(event)

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call `callback` for every event from now on; returns the function that unsubscribes."""
        return self.events.subscribe(callback)

    # -- commands ---------------------------------------------------------------------------------

    def execute(self, line: str, *, tty: bool = True,
                on_output: Callable[[str, str], None] | None = None, record: bool = True) -> Job:
        """Start a console line; the returned job may finish now or later (on the clock).

        `on_output` sees every piece of output in the order it is printed, from the first one.
        `record=False` keeps the line out of `commands` (a lesson's hidden set-up commands).
        """
        job = Job(line, tty=tty)
        if on_output is not None:
            job.output_listeners.append(on_output)
        started = self.clock.now()
        if record:
            job.done_listeners.append(lambda finished: self._record(finished, started))
        with self.lock:
            try:
                self._dispatch(job, line)
            except Exception as err:  # nothing a learner types may crash the engine
                log.exception("internal error running %r", line[:200])
                if not job.done:
                    job.write_err(f"lifecycle-lab: internal error: {type(err).__name__}; the sandbox is "
                                  "unharmed, please report this command\n")
                    job.finish(1)
        return job

    def _record(self, job: Job, started: float) -> None:
        self.commands.append(CommandRecord.of(job, started, self.clock.now()))

    def _dispatch(self, job: Job, line: str) -> None:
        cmd = parse_console_line(job, line)
        if cmd is not None:
            self.cli.dispatch(job, cmd)

    def run(self, line: str, *, stdin: str | None = None, tty: bool = False,
            timeout: float = 600.0) -> Result:
        """Run a line to completion and return its result (stdin, if given, is fed then closed).

        On a virtual clock, time jumps forward until the command finishes or `timeout` virtual
        seconds pass; then the client gives up (exit -1) and containers keep running.
        """
        job = self.execute(line, tty=tty)
        with self.lock:
            if stdin:
                job.send(stdin)
            if not tty:
                job.close_stdin()
        if isinstance(self.clock, VirtualClock):
            with self.lock:
                self.clock.run_until(lambda: job.done, timeout)
        else:
            finished = threading.Event()
            job.done_listeners.append(lambda _: finished.set())
            if job.done:
                finished.set()
            finished.wait(timeout)
        with self.lock:
            if not job.done:
                out, err = job.stdout, job.stderr
                job.cancel()
                return Result(-1, out, err)
            return job.result()

    # -- state ------------------------------------------------------------------------------------

    def containers(self) -> list[dict[str, Any]]:
        """A snapshot of every container for the page: name, id, image, state, exit code, status."""
        with self.lock:
            now = self.clock.now()
            out = []
            for c in self.daemon.listing():
                summary = container_summary(self.daemon, c, now)
                out.append({
                    "name": c.name, "id": c.id, "image": c.config.image, "state": c.state,
                    "exit_code": c.exit_code, "status": summary["Status"],
                    "restart_count": c.restart_count, "created": c.created,
                })
            return out

    def images(self) -> list[dict[str, Any]]:
        """The images present, as lesson checks see them: familiar `ref` ("ubuntu:20.04") and `id`."""
        with self.lock:
            return [{"ref": ref, "id": image.id} for ref, image in self.daemon.images.by_ref.items()]

    def container_state(self, name: str) -> str | None:
        """The lifecycle state of the container with this name, or "removed" if it is gone."""
        with self.lock:
            cid = self.daemon.names.get(name)
            return self.daemon.containers[cid].state if cid else None
