"""One learner's sandbox (an engine plus its command log) and the registry of all of them.

A sandbox *is* its command log (event sourcing): every console line, keystroke, hang-up and change
to a workspace file is stored with the sandbox clock's time before it is applied. After a server restart the engine is rebuilt by
replaying the log on a clock that is virtual during the replay and live afterwards, so reloads,
reconnects and restarts all find the same containers. Nothing here knows about Flask or sockets.

On the real-daemon engine (`webapp.engines.DockerEngines`) the daemon keeps the containers, so a
sandbox is re-adopted instead of replayed (its log carries on), and dropping a sandbox (reaped,
forgotten, reset) removes its containers; a server shutdown keeps them for the next start.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
from collections.abc import Callable
from typing import Any

from .engine.base import Engine
from .engine.clock import SHARED_SCHEDULER, VIRTUAL_EPOCH, Clock, HybridClock, VirtualClock
from .engine.job import Job
from .engine.workspace import Workspace, WorkspaceError
from .engines import DockerEngines, SimEngines
from .store import IntegrityError, LogEntry, SandboxRecord, Store, StoreError

log = logging.getLogger(__name__)

OutputListener = Callable[[str, str], None]
CommandListener = Callable[[str, Any, bool], None]  # a docker command of the line starts
PROGRESS_DAYS = 31  # lesson progress outlives sandboxes (it follows the 30-day cookie), then goes
# Every save of a file logs its whole text: the texts a sandbox may log in all, before a reset.
MAX_FILE_LOG_BYTES = 8 * 1024 * 1024
FilesListener = Callable[[], None]


class SandboxError(Exception):
    """A request the sandbox refuses; the message is meant for the learner."""


class SandboxBusy(SandboxError):
    pass


class SandboxFull(SandboxError):
    pass


class TooManySandboxes(SandboxError):
    """Every sandbox the server may hold is in use by an open console: the learner must wait."""

    code = "server_full"  # the page words it in the learner's language (ui_text `server_full`)


def new_sandbox_id() -> str:
    """Unguessable, URL-safe; it only ever travels inside the signed session cookie."""
    return secrets.token_urlsafe(16)


class TokenBucket:
    """At most `rate` actions per second on average, `burst` at once; time comes from the caller."""

    def __init__(self, rate: float, burst: float | None = None):
        self.rate = rate
        self.burst = burst if burst is not None else max(1.0, rate)
        self.tokens = self.burst
        self.stamp: float | None = None

    def take(self, now: float) -> bool:
        if self.stamp is not None:
            self.tokens = min(self.burst, self.tokens + max(0.0, now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1:
            self.tokens -= 1
            return True
        return False


class GroupCommit:
    """Log entries stored before their command runs, but many learners' entries in one transaction.

    Each entry is in the database when `append` returns (a restart must find it), as with
    `Store.append`. Under load, though, commands used to queue on the store's lock for a commit
    each, holding their sandbox's lock. Here the first to arrive writes (the leader); whoever
    arrives meanwhile waits for its own entry only. The leader writes everything queued so far in
    one transaction and hands the lead to the first entry that came in while it wrote.
    """

    def __init__(self, store: Store):
        self.store = store
        self._pending: list[_Pending] = []
        self._lock = threading.Lock()  # guards `_pending` and `_leading`
        self._leading = False

    def append(self, sandbox_id: str, seq: int, entry: LogEntry, wall: float) -> None:
        mine = _Pending((sandbox_id, seq, entry, wall))
        with self._lock:
            self._pending.append(mine)
            lead = not self._leading
            self._leading = True
        if not lead:
            mine.event.wait()  # written, or handed the lead
        if not mine.done:
            self._lead()
        if mine.error is not None:
            raise mine.error

    def _lead(self) -> None:
        with self._lock:
            batch, self._pending = self._pending, []
        try:
            self._write(batch)
        finally:  # whatever happened, nobody waits for this batch or for a leader any longer
            for item in batch:
                item.done = True
                item.event.set()
            with self._lock:
                if self._pending:  # came in while we wrote: their first writes next
                    self._pending[0].event.set()
                else:
                    self._leading = False

    def _write(self, batch: list[_Pending]) -> None:
        try:
            self.store.append_many([item.row for item in batch])
        except StoreError:  # one bad entry must not cost the others theirs
            for item in batch:
                try:
                    self.store.append(*item.row)
                except StoreError as err:
                    item.error = err


class _Pending:
    __slots__ = ("done", "error", "event", "row")

    def __init__(self, row: tuple[str, int, LogEntry, float]):
        self.row = row
        self.done = False
        self.error: StoreError | None = None
        self.event = threading.Event()


class Sandbox:
    """An engine, its command log, and the one foreground command a console can have at a time.

    Hold `lock` (the engine's) whenever touching the engine or a job: the clock thread fires timers
    under it too. `_apply` is shared by live use and replay, so both drive the engine identically.
    """

    def __init__(self, sandbox_id: str, engine: Engine, record: SandboxRecord, *,
                 store: Store | None, max_log: int, rate: float,
                 wallclock: Callable[[], float] = time.time, log_writer: GroupCommit | None = None):
        self.id = sandbox_id
        self.engine = engine
        self.record = record
        self.store = store
        self.log_writer = log_writer if log_writer is not None or store is None else GroupCommit(store)
        self.max_log = max_log
        self.wallclock = wallclock
        self.job: Job | None = None
        self.owner: str | None = None  # the connection that started the foreground job
        self.connections: set[str] = set()
        self.last_active = wallclock()
        self.log_length = 0
        self.commands = TokenBucket(rate)
        self.file_writes = TokenBucket(rate)  # an editor saving as the learner types
        self.file_log_bytes = 0  # file texts logged so far (MAX_FILE_LOG_BYTES)
        self.file_listeners: list[FilesListener] = []  # told after each live change of the files
        self.extras: dict[str, Any] = {}  # per-sandbox state of other layers (the live broadcaster)
        # Called (under the lock) when the store already has the entry this copy meant to log
        # next: the manager rebuilds the sandbox from the store; True when it did.
        self.on_stale: Callable[[Sandbox], bool] | None = None

    @property
    def lock(self) -> threading.RLock:
        return self.engine.lock

    @property
    def clock(self) -> Clock:
        return self.engine.clock

    @property
    def busy(self) -> bool:
        return self.job is not None and not self.job.done

    # -- what a learner does -----------------------------------------------------------------------

    def run(self, line: str, *, owner: str | None = None,
            on_output: OutputListener | None = None,
            on_start: Callable[[], None] | None = None,
            on_command: CommandListener | None = None) -> Job:
        """Log and start a console line; `on_output` sees everything it prints, now and later.

        `on_start` is called once the line is accepted, just before it starts (under the lock, in
        this thread): whatever it sends goes out before the command's first output or event.
        `on_command(text, parsed, plain)` is called as each docker command of the line starts.
        """
        with self.lock:
            if self.busy:
                raise SandboxBusy("a command is still running: wait for it, press Ctrl-C, or detach "
                                  "with Ctrl-P Ctrl-Q")
            if not self.commands.take(self.clock.now()):
                raise SandboxError(f"too many commands: at most {self.commands.rate:g} per second")
            self._check_room()
            if on_start is not None:
                on_start()
            entry = self._record("run", line)
            job = self._apply(entry, owner=owner, on_output=on_output, on_command=on_command)
            assert job is not None
            return job

    def send_input(self, data: str, *, owner: str | None = None) -> bool:
        """Keystrokes for the foreground job; False when none runs (the keys are dropped)."""
        with self.lock:
            if not self.busy:
                return False
            if owner != self.owner:
                raise SandboxError("the running command belongs to another window")
            self._check_room()
            self._apply(self._record("input", data))
            return True

    def run_setup(self, lines: list[str]) -> None:
        """A lesson's hidden set-up: logged (a rebuild replays it) but kept out of `engine.commands`."""
        with self.lock:
            for line in lines:
                self._check_room()
                self._apply(self._record("setup", line))

    def write_file(self, path: str, text: str, *, rate_limited: bool = False) -> bool:
        """Create or replace a workspace file: checked, then logged, then applied.

        A change the workspace refuses raises WorkspaceError (its message is for the learner) and
        is not logged. Writing the text a file already has logs nothing; returns whether it changed.
        `rate_limited`: a learner's editor (at most `rate` changes a second); a lesson seeding its
        files is not.
        """
        with self.lock:
            workspace = self.engine.workspace
            if workspace.read(path) == text:
                return False
            Workspace(workspace.snapshot()).write(path, text)  # refused here, before the log
            self._file_room(path, text, rate_limited=rate_limited)
            self._apply(self._record("file", json.dumps({"path": path, "text": text},
                                                        ensure_ascii=False)))
            self._files_changed()
            return True

    def remove_file(self, path: str, *, rate_limited: bool = False) -> bool:
        """Delete a workspace file (logged); False when there is no such file (nothing logged)."""
        with self.lock:
            if not isinstance(path, str) or path not in self.engine.workspace:
                return False
            self._file_room(path, "", rate_limited=rate_limited)
            self._apply(self._record("file", json.dumps({"path": path, "remove": True},
                                                        ensure_ascii=False)))
            self._files_changed()
            return True

    def files(self) -> dict[str, str]:
        """The workspace as the page shows it: path -> text."""
        with self.lock:
            return self.engine.workspace.snapshot()

    def _file_room(self, path: str, text: str, *, rate_limited: bool) -> None:
        if rate_limited and not self.file_writes.take(self.clock.now()):
            raise SandboxError(f"too many file changes: at most {self.file_writes.rate:g} per second")
        self._check_room()
        size = len(path.encode("utf-8")) + len(text.encode("utf-8"))
        if self.file_log_bytes + size > MAX_FILE_LOG_BYTES:
            raise SandboxFull(f"this sandbox has saved files {MAX_FILE_LOG_BYTES // (1024 * 1024)} "
                              "MiB worth of times; reset it to start afresh")

    def _files_changed(self) -> None:
        for listener in list(self.file_listeners):
            try:
                listener()
            except Exception:  # a broken listener must not undo a logged change
                log.exception("files listener failed")

    def hang_up(self, owner: str | None = None) -> None:
        """The console that ran the foreground job went away: stop waiting, containers live on."""
        with self.lock:
            if self.busy and (owner is None or owner == self.owner):
                self._apply(self._record("cancel"))

    # -- the log -----------------------------------------------------------------------------------

    def _check_room(self) -> None:
        if self.log_length >= self.max_log:
            raise SandboxFull(f"this sandbox has reached its limit of {self.max_log} logged commands "
                              "and keystrokes; reset it to start afresh")

    def _record(self, kind: str, data: str = "") -> LogEntry:
        entry = LogEntry(self.clock.now(), kind, data)
        self.last_active = self.wallclock()
        if self.log_writer is not None:
            try:
                self.log_writer.append(self.id, self.log_length, entry, self.last_active)
            except IntegrityError:  # the seq is taken: another process wrote to this sandbox
                if self.on_stale is not None and self.on_stale(self):  # rebuilt from the store
                    entry = LogEntry(self.clock.now(), kind, data)
                    self._append_or_warn(entry)
                else:
                    log.exception("could not log to sandbox %s", self.id)
            except StoreError:  # keep teaching; only a restart would lose this sandbox
                log.exception("could not log to sandbox %s", self.id)
        self.log_length += 1
        return entry

    def _append_or_warn(self, entry: LogEntry) -> None:
        assert self.log_writer is not None
        try:
            self.log_writer.append(self.id, self.log_length, entry, self.last_active)
        except StoreError:
            log.exception("could not log to sandbox %s", self.id)

    def _apply(self, entry: LogEntry, owner: str | None = None,
               on_output: OutputListener | None = None,
               on_command: CommandListener | None = None) -> Job | None:
        if entry.kind == "setup":  # returns at once by design; never becomes the foreground job
            setup = self.engine.execute(entry.data, tty=False, record=False)
            setup.close_stdin()
            if not setup.done:
                setup.cancel()
            return None
        if entry.kind == "file":
            self._apply_file(entry)
            return None
        if entry.kind == "run":
            job = self.engine.execute(entry.data, tty=True, on_output=on_output, on_command=on_command)
            if not job.done:
                self.job, self.owner = job, owner
                job.done_listeners.append(self._job_finished)
            return job
        if self.busy:
            assert self.job is not None
            if entry.kind == "input":
                self.job.send(entry.data)
            elif entry.kind == "cancel":
                self.job.cancel()
        return None

    def _apply_file(self, entry: LogEntry) -> None:
        """A `file` entry: `{"path", "text"}` writes a workspace file, `{"path", "remove": true}`
        deletes it. A replayed change the workspace now refuses (its limits shrank) is skipped."""
        change = json.loads(entry.data)
        path = change["path"]
        self.file_log_bytes += len(path.encode("utf-8")) + len(change.get("text", "").encode("utf-8"))
        if change.get("remove"):
            self.engine.workspace.remove(path)
            return
        try:
            self.engine.workspace.write(path, change["text"])
        except WorkspaceError as err:
            log.warning("sandbox %s: a logged file change no longer applies: %s", self.id, err)

    def restore_files(self, entries: list[LogEntry]) -> None:
        """Only the files of a log: for an engine whose containers outlive the server (the real
        daemon's), which adopts its containers instead of replaying the commands."""
        with self.lock:
            for entry in entries:
                if entry.kind == "file":
                    self._apply_file(entry)

    def _job_finished(self, job: Job) -> None:
        if self.job is job:
            self.job, self.owner = None, None

    def replay(self, entries: list[LogEntry], advance_to: Callable[[float], None]) -> None:
        """Re-apply a log, each entry at its original time on the (virtual) clock `advance_to` drives."""
        with self.lock:
            for entry in entries:
                advance_to(entry.t)
                self._apply(entry)
            self.log_length = len(entries)

    def close(self, *, discard: bool = True) -> None:
        """Stop the engine's clock; nothing is logged (the sandbox is being dropped or shut down).

        `discard`: the sandbox is gone for good (reaped, forgotten, reset), so an engine whose
        containers live outside this process (the real daemon's) removes them; otherwise (server
        shutdown) it only stops watching them.
        """
        with self.lock:
            if self.busy:
                assert self.job is not None
                self.job.cancel()
        if discard:  # not under the lock here (a reset holds it): it may talk to the daemon
            self.engine.close()
        else:
            self.engine.shutdown()
        with self.lock:
            close = getattr(self.clock, "close", None)
            if close is not None:
                close()

    def snapshot(self) -> list[dict[str, Any]]:
        return self.engine.containers()


class SandboxManager:
    """All sandboxes of the server: open (create or rebuild), bound, reap.

    `on_engine(sandbox)` is called each time a sandbox gets an engine (created, rebuilt or reset), so
    the live layer can subscribe to its events.
    """

    def __init__(self, store: Store, *, clock: str = "real", idle_seconds: float = 3600.0,
                 max_sandboxes: int = 200, max_log: int = 20_000, rate: float = 20.0,
                 wallclock: Callable[[], float] = time.time,
                 engines: SimEngines | DockerEngines | None = None,
                 evict_seconds: float = 300.0):
        self.store = store
        self.log_writer = GroupCommit(store)  # every sandbox's log entries, batched under load
        self.engines: SimEngines | DockerEngines = engines if engines is not None else SimEngines()
        self.clock_kind = clock
        self.idle_seconds = idle_seconds
        self.evict_seconds = evict_seconds
        self.max_sandboxes = max_sandboxes
        self.max_log = max_log
        self.rate = rate
        self.wallclock = wallclock
        self.on_engine: Callable[[Sandbox], None] | None = None
        self._sandboxes: dict[str, Sandbox] = {}
        self._opening: dict[str, threading.Lock] = {}
        self._closing: dict[str, threading.Event] = {}  # evicted, their engines still shutting down
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._reaper: threading.Thread | None = None

    # -- lookup ------------------------------------------------------------------------------------

    def get(self, sandbox_id: str) -> Sandbox | None:
        with self._lock:
            return self._sandboxes.get(sandbox_id)

    def __len__(self) -> int:
        with self._lock:
            return len(self._sandboxes)

    def all(self) -> list[Sandbox]:
        with self._lock:
            return list(self._sandboxes.values())

    def open(self, sandbox_id: str | None = None, *, sid: str | None = None) -> Sandbox:
        """The sandbox with this id: in memory, rebuilt from its log, or new (a fresh id if None).

        `sid` names the console opening it; it is counted under the registry lock, so the reaper
        can never take a sandbox that is being connected to.
        """
        sandbox_id = sandbox_id or new_sandbox_id()
        with self._lock:
            found = self._sandboxes.get(sandbox_id)
            if found is not None:
                self._attach(found, sid)
        if found is not None:
            if sid is not None:  # a console attaches: it must not see a stale copy
                self.refresh(found)
            return found
        with self._lock:
            evicted = None
            if len(self._sandboxes) + len(self._opening) >= self.max_sandboxes:
                evicted = self._make_room()
                if evicted is None:
                    raise TooManySandboxes(
                        f"the server is full ({self.max_sandboxes} sandboxes in use); please try "
                        "again in a few minutes")
            gate = self._opening.setdefault(sandbox_id, threading.Lock())
            closing = self._closing.get(sandbox_id)
        if evicted is not None:
            self._shut(evicted)
        try:
            with gate:  # a second tab opening the same sandbox waits for the first rebuild
                with self._lock:
                    found = self._sandboxes.get(sandbox_id)
                    if found is not None:
                        return self._attach(found, sid)
                if closing is not None:  # evicted a moment ago: its log is complete once it is shut
                    closing.wait()
                sandbox = self._load(sandbox_id)
                if self.on_engine is not None:  # before anyone else can find it
                    self.on_engine(sandbox)
                with self._lock:
                    self._sandboxes[sandbox_id] = sandbox
                    return self._attach(sandbox, sid)
        finally:
            with self._lock:
                self._opening.pop(sandbox_id, None)

    def exists(self, sandbox_id: str) -> bool:
        """The sandbox is in memory or in the store (it has something to show)."""
        with self._lock:
            if sandbox_id in self._sandboxes or sandbox_id in self._opening:
                return True
        return self.store.has(sandbox_id)

    # -- leaving memory ----------------------------------------------------------------------------

    def _make_room(self) -> Sandbox | None:
        """Under the registry lock: take out the sandbox used longest ago that no console has
        open (it comes back from its log on use); None when every one is in use."""
        idle = [s for s in self._sandboxes.values() if not s.connections and not s.busy]
        if not idle:
            return None
        victim = min(idle, key=lambda s: s.last_active)
        self._take_out(victim)
        return victim

    def _take_out(self, sandbox: Sandbox) -> None:
        """Under the registry lock: the sandbox leaves the registry; `_shut` closes it."""
        del self._sandboxes[sandbox.id]
        self._closing[sandbox.id] = threading.Event()

    def _shut(self, sandbox: Sandbox) -> None:
        """Close an evicted sandbox; its containers stay where they are (the log, or the daemon)."""
        try:
            sandbox.close(discard=False)
            self.store.touch(sandbox.id, sandbox.last_active)
        finally:
            with self._lock:
                done = self._closing.pop(sandbox.id, None)
            if done is not None:
                done.set()

    def evict(self, now: float | None = None) -> list[str]:
        """Sandboxes no console has open, idle for `evict_seconds`, leave memory (not the store)."""
        now = self.wallclock() if now is None else now
        cutoff = now - self.evict_seconds
        with self._lock:
            victims = [s for s in self._sandboxes.values()
                       if not s.connections and not s.busy and s.last_active < cutoff]
            for sandbox in victims:
                self._take_out(sandbox)
        for sandbox in victims:
            self._shut(sandbox)
        if victims:
            log.info("%d idle sandboxes left memory", len(victims))
        return [s.id for s in victims]

    def forget(self, sandbox_id: str) -> None:
        """Drop a sandbox nobody can come back to, in memory or only in the store."""
        with self._lock:
            found = self._sandboxes.get(sandbox_id)
            if found is not None and found.connections:
                return
        if found is not None:
            self.remove(sandbox_id)
        elif self.store.has(sandbox_id):
            self.engines.forget([sandbox_id])
            self.store.delete([sandbox_id])

    def _attach(self, sandbox: Sandbox, sid: str | None) -> Sandbox:
        if sid is not None:
            sandbox.connections.add(sid)
        sandbox.last_active = self.wallclock()
        return sandbox

    # -- building engines --------------------------------------------------------------------------

    def _engine(self, record: SandboxRecord, lock: threading.RLock, *,
                replaying: bool) -> tuple[Engine, Callable[[float], None]]:
        """An engine on the configured clock; the clock's `advance_to` drives a replay."""
        clock: VirtualClock | HybridClock
        if not self.engines.replays:  # a real daemon: real time from the start, and a timer thread
            clock = HybridClock(lock, start=None)  # of its own (the lock is held over daemon calls)
        elif self.clock_kind == "virtual":
            clock = VirtualClock(start=record.created)
        else:  # the simulator's timers only touch memory: one thread fires every sandbox's
            clock = HybridClock(lock, start=record.created if replaying else None,
                                scheduler=SHARED_SCHEDULER)
        return self.engines.make(record.id, record.seed, lock, clock), clock.advance_to

    def _new_record(self, sandbox_id: str) -> SandboxRecord:
        clock_now = VIRTUAL_EPOCH if self.clock_kind == "virtual" else time.time()
        record = SandboxRecord(sandbox_id, secrets.randbits(63), clock_now, self.wallclock())
        self.store.create(record)
        return record

    def _fresh(self, sandbox_id: str) -> Sandbox:
        record = self._new_record(sandbox_id)
        engine, _ = self._engine(record, threading.RLock(), replaying=False)
        return self._wrap(record, engine)

    def _wrap(self, record: SandboxRecord, engine: Engine) -> Sandbox:
        sandbox = Sandbox(record.id, engine, record, store=self.store, max_log=self.max_log,
                          rate=self.rate, wallclock=self.wallclock, log_writer=self.log_writer)
        sandbox.on_stale = self.refresh
        return sandbox

    def refresh(self, sandbox: Sandbox) -> bool:
        """Rebuild a sandbox held in memory from the store when the store moved on without it.

        Several processes share the database: when a learner's console moved to another process
        (a restart, a failover) and came back, this process's copy missed what was done there.
        Under the sandbox's lock (so no command of ours is half-logged) its log length and seed are
        compared with the store's last `seq` and seed; if they differ (more entries, or a reset
        elsewhere) the engine is rebuilt in place from the stored log (the same Sandbox object, so
        open consoles keep it), as a restart would. Returns True when it rebuilt.
        """
        with sandbox.lock:
            try:
                position = self.store.position(sandbox.id)
                if position is None:  # gone from the store (reaped elsewhere): nothing to follow
                    return False
                seed, last = position
                stored = 0 if last is None else last + 1
                if seed == sandbox.record.seed and stored == sandbox.log_length:
                    return False
                loaded = self.store.load(sandbox.id)
            except StoreError:  # the database is away: keep serving the copy we have
                log.exception("could not compare sandbox %s with the store", sandbox.id)
                return False
            if loaded is None:
                return False
            record, entries = loaded
            behind = sandbox.log_length
            if not self.engines.replays:  # the daemon has the containers: files and the count
                sandbox.record, sandbox.log_length = record, stored
                sandbox.restore_files(entries)
                return True
            try:
                sandbox.close(discard=False)
                engine, advance_to = self._engine(record, sandbox.lock, replaying=True)
                sandbox.engine, sandbox.record = engine, record
                sandbox.job, sandbox.owner = None, None
                sandbox.replay(entries, advance_to)
                sandbox.log_length = stored
                if isinstance(engine.clock, HybridClock):
                    engine.clock.go_live()
                sandbox.hang_up()  # a command left running belongs to the process that ran it
            except Exception:
                log.exception("could not rebuild sandbox %s from the store", sandbox.id)
                return False
            # the lesson layer reloads the learner's progress too (it moved on with the log)
            lessons = sandbox.extras.pop("lessons", None)
            unsubscribe = getattr(lessons, "unsubscribe", None)
            if unsubscribe is not None:
                unsubscribe()
        log.info("sandbox %s differed from the store (%d entries here, %d there): rebuilt",
                 sandbox.id, behind, stored)
        if self.on_engine is not None:
            self.on_engine(sandbox)
        return True

    def _load(self, sandbox_id: str) -> Sandbox:
        loaded = self.store.load(sandbox_id)
        if loaded is None:
            return self._fresh(sandbox_id)
        record, entries = loaded
        if record.last_active < self.wallclock() - self.idle_seconds:
            self.engines.forget([sandbox_id])
            return self._fresh(sandbox_id)  # expired while the server was down
        if not self.engines.replays:  # the daemon kept its containers: adopt them, log carries on
            engine, _ = self._engine(record, threading.RLock(), replaying=False)
            sandbox = self._wrap(record, engine)
            sandbox.log_length = len(entries)
            sandbox.restore_files(entries)
            self.store.touch(sandbox_id, self.wallclock())
            return sandbox
        engine, advance_to = self._engine(record, threading.RLock(), replaying=True)
        sandbox = self._wrap(record, engine)
        try:
            sandbox.replay(entries, advance_to)
            with sandbox.lock:
                if isinstance(engine.clock, HybridClock):
                    engine.clock.go_live()
                sandbox.hang_up()  # its console went away with the old server
        except Exception:  # a log the engine can no longer replay must not lock the learner out
            log.exception("could not rebuild sandbox %s; starting it afresh", sandbox_id)
            sandbox.close()
            return self._fresh(sandbox_id)
        self.store.touch(sandbox_id, self.wallclock())
        return sandbox

    def reset(self, sandbox: Sandbox) -> None:
        """Throw away the sandbox's containers and log; its connections stay."""
        with self._lock:
            if self._sandboxes.get(sandbox.id) is not sandbox:
                return
        with sandbox.lock:  # the new engine shares the lock, so waiting threads stay safe
            sandbox.close()
            record = self._new_record(sandbox.id)
            sandbox.engine, _ = self._engine(record, sandbox.lock, replaying=False)
            sandbox.record = record
            sandbox.job, sandbox.owner, sandbox.log_length = None, None, 0
            sandbox.file_log_bytes = 0  # the new engine's workspace starts empty
            sandbox.last_active = self.wallclock()
        if self.on_engine is not None:
            self.on_engine(sandbox)

    # -- connections and reaping -------------------------------------------------------------------

    def disconnect(self, sandbox: Sandbox, sid: str, *, forget: bool = False) -> None:
        """A console went away; `forget` drops the sandbox at once (nobody can come back to it)."""
        sandbox.hang_up(owner=sid)
        with self._lock:
            sandbox.connections.discard(sid)
            sandbox.last_active = self.wallclock()
            idle = not sandbox.connections
        if forget and idle:
            self.remove(sandbox.id)
        else:
            self.store.touch(sandbox.id, sandbox.last_active)

    def remove(self, sandbox_id: str) -> None:
        with self._lock:
            sandbox = self._sandboxes.pop(sandbox_id, None)
        if sandbox is not None:
            sandbox.close()
        self.store.delete([sandbox_id])

    def reap(self, now: float | None = None) -> list[str]:
        """Remove sandboxes idle longer than `idle_seconds` with no console open; returns their ids."""
        now = self.wallclock() if now is None else now
        cutoff = now - self.idle_seconds
        with self._lock:
            victims = [s for s in self._sandboxes.values()
                       if not s.connections and s.last_active < cutoff]
            for sandbox in victims:
                del self._sandboxes[sandbox.id]
            keep = (set(self._sandboxes) | set(self._opening) | set(self._closing)
                    | {s.id for s in victims})
        for sandbox in victims:
            sandbox.close()
        dormant = [i for i in self.store.idle_since(cutoff) if i not in keep]
        self.engines.forget(dormant)
        gone = [s.id for s in victims] + dormant
        self.store.delete(gone)
        self.store.prune_progress(now - PROGRESS_DAYS * 86400)
        if gone:
            log.info("reaped %d idle sandboxes", len(gone))
        return gone

    def start_reaper(self, interval: float) -> None:
        if interval <= 0 or self._reaper is not None:
            return

        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.evict()
                    self.reap()
                except Exception:
                    log.exception("reaper failed")

        self._reaper = threading.Thread(target=loop, name="lab-reaper", daemon=True)
        self._reaper.start()

    def advance(self, seconds: float) -> None:
        """Tests: move every sandbox's virtual clock forward, firing what falls due."""
        for sandbox in self.all():
            with sandbox.lock:
                clock = sandbox.clock
                if not isinstance(clock, VirtualClock):
                    raise TypeError("advance() needs LAB_CLOCK=virtual")
                clock.advance(seconds)

    def close(self) -> None:
        """Shut down: stop the reaper and every clock; logs stay for the next start."""
        self._stop.set()
        with self._lock:
            sandboxes = list(self._sandboxes.values())
            self._sandboxes.clear()
        for sandbox in sandboxes:
            sandbox.close(discard=False)
