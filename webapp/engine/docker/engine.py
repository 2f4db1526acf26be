"""The real-daemon engine: the simulator's interface, answered by a locked-down Docker daemon.

`DockerEngine` takes the same console lines as `SimEngine` (the same parser), runs them as Docker
Engine API calls on the learner's own, labelled containers (`policy.py` decides what is allowed),
prints what the docker CLI prints (through `webapp.engine.formats`, fed the daemon's JSON), and
publishes Docker's own events, read from the daemon's event stream, to its subscribers and its
`history`. `commands`, `containers()`, `images()` and `container_state()` give lesson checks what
the simulator gives them.

Threads. The engine's `lock` (shared with the sandbox) guards its jobs, history and subscribers.
Quick commands (ps, inspect, rm, kill, ...) run inside `execute()`, under the lock, as the simulator
does. Commands that wait (an attached `run`, `stop` with its grace period, `wait`, `logs -f`,
`events`, `pull`) run on a worker thread and finish their job later, taking the lock for every write;
`execute()` returns at once with the job still running. Lines run with `record=False` (a lesson's
hidden set-up) run to completion inside `execute()`, stdin closed, like the simulator's on its clock.

The daemon's health is watched (`events.DaemonMonitor`): when it goes away every console on the
engine hears it through `subscribe_notices` within two seconds, commands answer like the docker CLI
("Cannot connect to the Docker daemon ..."), and when it is back the event stream is re-opened from
where it broke and the consoles hear that too.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any

from ..base import EngineBase
from ..cli import ParsedCommand
from ..clock import Clock, RealClock, VirtualClock
from ..events import Event
from ..job import Job
from .connection import ApiError, Connection, DaemonUnavailable
from .events import DaemonMonitor, EventFeed
from .images import ImageView
from .policy import Guard, Policy, Scope, session_label

log = logging.getLogger(__name__)

SETTLE = 0.3  # seconds a runner lets pass after a command before reading events (as the CLI runner)

STATE_IDS = {"created": "created", "running": "running", "paused": "paused",
             "restarting": "restarting", "exited": "exited", "dead": "dead", "removing": "exited"}


class Writer:
    """Where a command's output goes. On a worker thread every write takes the engine lock; inside
    `execute()` (the lock already held) writes from helper threads take a lock of the job's own, so a
    set-up command waiting for its attach stream cannot deadlock with it."""

    def __init__(self, engine: DockerEngine, job: Job, *, inline: bool):
        self.engine = engine
        self.job = job
        self.inline = inline
        self._lock: Any = threading.Lock() if inline else engine.lock

    def out(self, text: str) -> None:
        if text:
            with self._lock:
                self.job.write_out(text)

    def err(self, text: str) -> None:
        if text:
            with self._lock:
                self.job.write_err(text)

    def write(self, text: str, stream: str) -> None:
        (self.out if stream == "stdout" else self.err)(text)

    def finish(self, code: int) -> None:
        with self.engine.lock:
            self.job.finish(code)

    @property
    def done(self) -> bool:
        return self.job.done


class DockerEngine(EngineBase):
    """One learner's sandbox on a real Docker daemon."""

    name = "docker"

    def __init__(self, session: str, *, clock: Clock | None = None,
                 lock: threading.RLock | None = None, connection: Connection | None = None,
                 policy: Policy | None = None, watch_health: bool = True):
        lock = lock or threading.RLock()
        clock = clock or RealClock(lock)
        if isinstance(clock, VirtualClock):
            raise TypeError("the docker engine runs on real time (a RealClock or a live HybridClock)")
        super().__init__(clock, lock)
        self.session = session
        self.conn = connection or Connection()
        self.policy = policy or Policy()
        self.scope = Scope(session_label(session))
        self.guard = Guard(self.conn, self.policy, self.scope)
        self.image_view = ImageView(self.conn, self.policy, scope=self.scope)
        self.available = True
        self.closed = False
        self._jobs: set[Job] = set()  # console lines (a shutdown ends them)
        self._commands: set[Job] = set()  # their docker commands in flight (a lost daemon ends them)
        self._inspect_cache: dict[str, tuple[tuple[str, str], dict[str, Any]]] = {}
        self._last_snapshot: list[dict[str, Any]] = []
        from .api import DockerApi
        from .commands import DockerCli

        self.api = DockerApi(self)
        self.cli = DockerCli(self)
        self.feed = EventFeed(self.conn, self.scope.filters({"type": ["container"]}),
                              self._on_daemon_event, lock=self.lock, on_broken=self._stream_broken)
        self.feed.start()
        self._unlisten: Callable[[], None] | None = None
        self.monitor: DaemonMonitor | None = None
        if watch_health:
            self.monitor = DaemonMonitor.for_host(self.conn.host)
            self._unlisten = self.monitor.listen(self._health)

    # -- events --------------------------------------------------------------------------------------

    def _on_daemon_event(self, data: dict[str, Any]) -> None:
        """One event of the learner's containers, from the daemon (the feed holds the lock)."""
        actor = data.get("Actor") or {}
        raw_name = str((actor.get("Attributes") or {}).get("name") or "")
        if data.get("Type", "container") == "container" and not self.scope.owns_name(raw_name):
            # Not a container the learner made: the classic builder's intermediate containers of a
            # build FROM one of the learner's (labelled) images carry the label too.
            return
        attrs = self.scope.event_attributes({str(k): str(v) for k, v in
                                             (actor.get("Attributes") or {}).items()})
        action = str(data.get("Action") or data.get("status") or "")
        event = Event(str(data.get("Type", "container")), action, str(actor.get("ID", "")), attrs,
                      int(data.get("timeNano") or int(data.get("time", 0)) * 1_000_000_000),
                      str(data.get("scope", "local")))
        self._inspect_cache.pop(event.actor_id, None)
        self._publish(event)

    def publish_local(self, type_: str, action: str, actor_id: str,
                      attributes: dict[str, str]) -> Event:
        """An event the engine makes itself (the learner's view of images: pull, untag, delete)."""
        event = Event(type_, action, actor_id, dict(attributes), time.time_ns())
        with self.lock:
            self._publish(event)
        return event

    def _publish(self, event: Event) -> None:
        """Events come from the feed's thread and from commands' workers: publish under the lock."""
        with self.lock:
            self.events.publish(event)

    def _stream_broken(self) -> None:
        if self.monitor is not None:
            self.monitor.poke()

    def _health(self, up: bool) -> None:
        if self.closed:
            return
        if up == self.available:
            return
        self.available = up
        self._inspect_cache.clear()
        if not up:
            self._notice(f"\n[lifecycle-lab] Lost the connection to the Docker daemon: "
                         f"{self.conn.unavailable} Commands will fail until it is back; the lab "
                         "keeps trying.\n")
            with self.lock:
                jobs = list(self._commands)
            for job in jobs:  # the docker commands fail; their lines go on as a shell's would
                with self.lock:
                    if not job.done:
                        job.write_err("lifecycle-lab: lost the connection to the Docker daemon\n")
                        if job.cancel_handler is not None:
                            job.cancel_handler()
                        job.finish(1)
        else:
            self._notice("\n[lifecycle-lab] The Docker daemon answers again. Your containers are as "
                         "the daemon kept them: see docker ps -a.\n")
            self.feed.break_stream()  # re-open now, from the last event seen

    def settle(self, seconds: float = SETTLE) -> None:
        """Let `seconds` pass, then make sure every event up to now is in `history` (runners and
        lesson checks call this after a command, never with the lock held; `execute()` calls it
        with 0 under the lock after a set-up line)."""
        if seconds > 0:
            time.sleep(seconds)
        if self.available:
            self.feed.catch_up()

    # -- commands ------------------------------------------------------------------------------------

    def _track(self, job: Job) -> None:
        """Kept until it finishes, so a lost daemon or a shutdown can end it."""
        self._jobs.add(job)
        job.done_listeners.append(self._jobs.discard)

    def _dispatch(self, job: Job, cmd: ParsedCommand, *, inline: bool) -> None:
        """Quick commands here, under the lock; those that wait on the daemon on a worker thread,
        unless `inline` (a set-up line: finished, stdin closed, before `execute()` returns)."""
        self._commands.add(job)
        job.done_listeners.append(self._commands.discard)
        self.cli.dispatch(job, cmd, inline=inline)

    # -- state -----------------------------------------------------------------------------------------

    def _listing(self) -> list[dict[str, Any]] | None:
        if not self.available:
            return None
        try:
            return self.guard.listing()
        except (DaemonUnavailable, ApiError):
            return None

    def _inspected(self, summary: dict[str, Any]) -> dict[str, Any] | None:
        key = (str(summary.get("State")), str(summary.get("Status")))
        cached = self._inspect_cache.get(summary["Id"])
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            data = self.conn.get("/containers/{0}/json", summary["Id"])
        except (DaemonUnavailable, ApiError):
            return None
        self._inspect_cache[summary["Id"]] = (key, data)
        return data

    def containers(self) -> list[dict[str, Any]]:
        """A snapshot of every container for the page: name, id, image, state, exit code, status,
        health (`starting`, `healthy`, `unhealthy`; None without a health check)."""
        with self.lock:
            listing = self._listing()
            if listing is None:
                return list(self._last_snapshot)
            out = []
            for c in listing:
                data = self._inspected(c) or {}
                state = data.get("State") or {}
                names = c.get("Names") or ["/"]
                out.append({
                    "name": self.scope.bare(names[0]).lstrip("/"), "id": c["Id"],
                    "image": self.scope.bare(str(c.get("Image", ""))),
                    "state": STATE_IDS.get(c.get("State", ""), "exited"),
                    "exit_code": int(state.get("ExitCode") or 0), "status": c.get("Status", ""),
                    "restart_count": int(data.get("RestartCount") or 0),
                    "created": _timestamp(data.get("Created")) or float(c.get("Created") or 0),
                    "health": (state.get("Health") or {}).get("Status"),
                })
            live = {c["Id"] for c in listing}
            for cid in list(self._inspect_cache):
                if cid not in live:
                    del self._inspect_cache[cid]
            self._last_snapshot = out
            return out

    def images(self) -> list[dict[str, Any]]:
        """The images this learner sees: familiar `ref` ("ubuntu:20.04") and `id`."""
        with self.lock:
            try:
                return self.image_view.refs()
            except (DaemonUnavailable, ApiError):
                return []

    def inspect_all(self) -> list[dict[str, Any]]:
        """Every container of the learner as `docker inspect` shows it, oldest first (replay)."""
        with self.lock:
            listing = self.guard.listing()
            out = []
            for c in reversed(listing):
                try:
                    out.append(self.scope.inspect(self.conn.get("/containers/{0}/json", c["Id"])))
                except ApiError:
                    continue
            return out

    # -- the end ---------------------------------------------------------------------------------------

    def _stop_threads(self) -> None:
        self.closed = True
        if self._unlisten is not None:
            self._unlisten()
            self._unlisten = None
        with self.lock:
            jobs = list(self._jobs)
        for job in jobs:
            with self.lock:
                job.cancel()
        self.feed.close()

    def shutdown(self) -> None:
        """Stop watching (server shutdown): the containers stay for the next start."""
        self._stop_threads()

    def close(self) -> None:
        """The sandbox is gone (reaped, dropped, reset): remove its containers and its network."""
        self._stop_threads()
        try:
            self.guard.remove_all()
        except (DaemonUnavailable, ApiError) as err:
            log.warning("could not remove the containers of session %s (%s); the next server start "
                        "removes them", self.scope.session, err)


def _timestamp(text: Any) -> float | None:
    if not isinstance(text, str) or not text:
        return None
    base, _, rest = text.partition(".")
    frac = "".join(ch for ch in rest if ch.isdigit())[:6]
    try:
        value = datetime.fromisoformat(base + "+00:00").timestamp()
    except ValueError:
        return None
    return value + (int(frac.ljust(6, "0")) / 1e6 if frac else 0.0)
