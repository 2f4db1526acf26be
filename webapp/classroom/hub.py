"""The class hub: ties consoles to classes, mirrors the instructor, keeps the learners' rows.

The hub hears each `/lab` console (commands, output, engine events, resets and lesson progress),
mirrors the instructor's console to the class and reports the learners' to the dashboard. Store writes
and class-wide emits happen on one worker thread, in order, never under a sandbox lock. The `/class`
namespace (`live.py`) and the pages (`views.py`) both work through it; neither imports the other.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .. import signals
from ..engine import lifecycle
from ..session import Sandbox, SandboxManager
from .model import (
    PROCESS_TTL,
    ClassError,
    ClassRecord,
    ClassStore,
    StuckRule,
    apply_activity,
    clean_name,
    dashboard,
    learner_view,
    normalize_code,
)

log = logging.getLogger(__name__)

CLASS_NAMESPACE = "/class"
TEACH_KEY = "teach"  # session: {code: instructor secret} of the classes this browser teaches
CLASS_KEY = "class"  # session: {"code", "name"}: the class this browser joined as a learner
STATE_DELAY = 0.05  # seconds of sandbox time over which a burst of events becomes one state
PROMPT = "\x1b[1;32m$\x1b[0m "  # what the instructor's console shows before a command
ALIVE_CACHE = 2.0  # seconds the list of live processes is reused


def teach_room(code: str) -> str:
    return f"teach:{code}"


def follow_room(code: str) -> str:
    return f"follow:{code}"


@dataclass
class Role:
    code: str
    kind: str  # teach | learn


class ClassHub:
    """One per app: the class store and bus, the instructor mirrors, the learners' rows."""

    def __init__(self, store: ClassStore, bus: Any, manager: SandboxManager, lab: Any,
                 catalog: Any, emit: Callable[..., None], rule: StuckRule,
                 clock: Callable[[], float] = time.time):
        self.store = store
        self.bus = bus
        self.manager = manager
        self.lab = lab
        self.catalog = catalog
        self.emit = emit  # emit(event, data, to=room, namespace=...)
        self.rule = rule
        self.clock = clock
        self.pid = f"{int(time.time()):x}-{id(self):x}-{threading.get_native_id()}"
        self._roles: dict[str, Role] = {}  # sandbox id -> its class, on this process
        self._streamed: dict[str, bool] = {}  # instructor sandbox id -> output seen for this command
        self._lock = threading.Lock()
        self._mirror_lock = threading.Lock()
        self._snaps: dict[str, Any] = {}
        self._alive: tuple[float, set[str]] = (-1e9, set())
        self._listening: list[tuple[Any, Callable[..., None]]] = []  # (signal, receiver) pairs
        self._jobs: queue.Queue = queue.Queue()
        self._stop = threading.Event()
        self._worker = threading.Thread(target=self._work, name="lab-class-worker", daemon=True)
        self._worker.start()
        self._beat = threading.Thread(target=self._heartbeat, name="lab-class-heartbeat", daemon=True)
        self.store.heartbeat(self.pid, self.clock())
        self._beat.start()
        bus.start(self._on_bus)

    # -- plumbing ----------------------------------------------------------------------------------

    def _work(self) -> None:
        while True:
            job = self._jobs.get()
            try:
                if job is None:
                    return
                job()
            except Exception:
                log.exception("class job failed")
            finally:
                self._jobs.task_done()

    def submit(self, fn: Callable[..., None], *args: Any) -> None:
        self._jobs.put(lambda: fn(*args))

    def drain(self, timeout: float = 5.0) -> None:
        """Tests: wait until every queued store write and emit is done."""
        done = threading.Event()
        self._jobs.put(done.set)
        if not done.wait(timeout):
            raise TimeoutError("the class worker is stuck")

    def _heartbeat(self) -> None:
        while not self._stop.wait(PROCESS_TTL / 3):
            try:
                self.store.heartbeat(self.pid, self.clock())
            except Exception:
                log.exception("class heartbeat failed")

    def alive(self) -> set[str]:
        now = time.monotonic()
        stamp, pids = self._alive
        if now - stamp > ALIVE_CACHE:
            pids = self.store.alive(self.clock()) | {self.pid}
            self._alive = (now, pids)
        return pids

    def close(self) -> None:
        for signal, receiver in self._listening:
            signal.disconnect(receiver)
        self._listening = []
        self._stop.set()
        self._jobs.put(None)
        self._worker.join(timeout=5)
        self.bus.close()
        self.store.close()

    def role_of(self, sandbox_id: str) -> Role | None:
        with self._lock:
            return self._roles.get(sandbox_id)

    def set_role(self, sandbox_id: str, role: Role | None) -> None:
        with self._lock:
            if role is None:
                self._roles.pop(sandbox_id, None)
            else:
                self._roles[sandbox_id] = role

    # -- classes -----------------------------------------------------------------------------------

    def active_class(self, code: str) -> ClassRecord | None:
        record = self.store.get_class(normalize_code(code))
        return record if record is not None and record.ended is None else None

    def dashboard(self, code: str) -> dict[str, Any]:
        record = self.store.get_class(code)
        if record is None:
            raise ClassError("no such class")
        return dashboard(record, self.store.learners(code).values(), self.clock(), self.alive(),
                         self.rule)

    def hello(self, code: str) -> dict[str, Any]:
        snap = self.store.get_snapshot(code)
        return {"seq": snap.seq, "kind": "hello", "screen": snap.screen, "history": snap.history,
                "containers": snap.containers, "lifecycle": lifecycle.as_json()}

    # -- learners' rows ----------------------------------------------------------------------------

    def activity(self, code: str, learner: str, kind: str, data: dict[str, Any]) -> None:
        """Queue a change of a learner's row; the dashboard hears of it."""
        self.submit(self._activity, code, learner, kind, data)

    def _activity(self, code: str, learner: str, kind: str, data: dict[str, Any]) -> None:
        now = self.clock()
        row = self.store.update_learner(code, learner, lambda r: apply_activity(r, kind, data, now))
        if row is not None:
            self.emit("learner", learner_view(row, now, self.alive(), self.rule),
                      to=teach_room(code), namespace=CLASS_NAMESPACE)

    # -- the instructor's mirror ---------------------------------------------------------------------

    def mirror(self, code: str, kind: str, data: Any) -> None:
        self.submit(self._mirror, code, kind, data)

    def _mirror(self, code: str, kind: str, data: Any) -> None:
        with self._mirror_lock:
            snap = self._snaps.get(code)
            if snap is None or kind == "hello":  # the instructor's console (re)attached here: it
                # may have been served by another process meanwhile, so start from the stored one
                snap = self._snaps[code] = self.store.get_snapshot(code)
            snap.apply(kind, data)
            snap.seq += 1
            self.store.put_snapshot(code, snap)
            if kind == "hello":
                payload = {"seq": snap.seq, "kind": "hello", "screen": snap.screen,
                           "history": snap.history, "containers": snap.containers}
            else:
                payload = {"seq": snap.seq, "kind": kind, "data": data}
            self.emit("mirror", payload, to=follow_room(code), namespace=CLASS_NAMESPACE)

    def _teacher_hello(self, code: str, sandbox: Sandbox, screen: str | None = None) -> None:
        with sandbox.lock:
            data: dict[str, Any] = {
                "history": [e.to_dict() for e in list(sandbox.engine.history)[-200:]],
                "containers": sandbox.snapshot()}
        if screen is not None:
            data["screen"] = screen
        self.mirror(code, "hello", data)

    # -- what the /lab consoles tell us (webapp.signals) -------------------------------------------

    def listen(self, lab: Any) -> None:
        """Hear the consoles of `lab` (the app's `/lab` namespace) until `close`."""
        self._listening = [
            (signals.engine_attached, self.engine_attached),
            (signals.console_connected, self.console_connected),
            (signals.console_closed, self.console_closed),
            (signals.command_started, self.command_started),
            (signals.command_output, self.command_output),
            (signals.command_finished, self.command_finished),
            (signals.sandbox_reset, self.sandbox_reset),
            (signals.lesson_progress, self.lesson_progress),
        ]
        for signal, receiver in self._listening:
            signal.connect(receiver, sender=lab)

    def engine_attached(self, _lab: Any, *, sandbox: Sandbox) -> None:
        unsubscribe = sandbox.extras.get("class_unsubscribe")
        if unsubscribe is not None:
            unsubscribe()
        sandbox.extras["class_scheduled"] = False
        sandbox.extras["class_unsubscribe"] = sandbox.engine.subscribe(
            lambda event: self._on_event(sandbox, event))

    def _on_event(self, sandbox: Sandbox, event: Any) -> None:  # under the sandbox lock
        role = self.role_of(sandbox.id)
        if role is None:
            return
        if role.kind == "teach":
            self.mirror(role.code, "event", event.to_dict())
        if not sandbox.extras.get("class_scheduled"):
            sandbox.extras["class_scheduled"] = True

            def fire() -> None:
                sandbox.extras["class_scheduled"] = False
                self._send_state(sandbox)

            sandbox.clock.call_later(STATE_DELAY, fire)

    def _send_state(self, sandbox: Sandbox) -> None:
        role = self.role_of(sandbox.id)
        if role is None:
            return
        with sandbox.lock:
            containers = sandbox.snapshot()
        if role.kind == "teach":
            self.mirror(role.code, "state", containers)
        else:
            self.activity(role.code, sandbox.id, "containers", {"containers": containers})

    def console_connected(self, _lab: Any, *, sid: str, sandbox: Sandbox) -> None:
        found = self.store.membership(sandbox.id)
        record = self.store.get_class(found[0]) if found else None
        if found is None or record is None or record.ended is not None:
            self.set_role(sandbox.id, None)
            return
        code, kind, _name = found
        self.set_role(sandbox.id, Role(code, kind))
        if kind == "teach":
            self._teacher_hello(code, sandbox)
            return
        row = self.store.get_learner(code, sandbox.id)
        if row is None:
            return
        self.activity(code, sandbox.id, "connected", {"sid": sid, "pid": self.pid})
        if int(row.get("reset_epoch", 0)) < record.reset_epoch:  # missed a "reset everyone"
            self._reset_learner(code, sandbox, record.reset_epoch)
        else:
            self._send_state(sandbox)

    def console_closed(self, _lab: Any, *, sid: str, sandbox: Sandbox) -> None:
        role = self.role_of(sandbox.id)
        if role is not None and role.kind == "learn":
            self.activity(role.code, sandbox.id, "disconnected", {"sid": sid})

    def command_started(self, _lab: Any, *, sid: str, sandbox: Sandbox, line: str) -> None:
        role = self.role_of(sandbox.id)
        if role is not None and role.kind == "teach":
            self._streamed[sandbox.id] = False
            self.mirror(role.code, "output", f"{PROMPT}{line}\r\n")

    def command_output(self, _lab: Any, *, sid: str, sandbox: Sandbox, text: str,
                       stream: str) -> None:
        role = self.role_of(sandbox.id)
        if role is not None and role.kind == "teach" and text:
            self._streamed[sandbox.id] = True
            self.mirror(role.code, "output", text.replace("\r\n", "\n").replace("\n", "\r\n"))

    def command_finished(self, _lab: Any, *, sid: str, sandbox: Sandbox, line: str,
                         result: dict[str, Any]) -> None:
        role = self.role_of(sandbox.id)
        if role is None:
            return
        if role.kind == "teach":
            if not self._streamed.pop(sandbox.id, False):
                text = f"{result.get('stdout', '')}{result.get('stderr', '')}"
                if text:
                    self.mirror(role.code, "output", text.replace("\r\n", "\n").replace("\n", "\r\n"))
            self._send_state(sandbox)
            return
        stderr = str(result.get("stderr") or "").strip()
        failed = int(result.get("exit_code") or 0) != 0 and bool(stderr)
        message = stderr.splitlines()[0] if stderr else ""
        self.activity(role.code, sandbox.id, "command",
                      {"line": line, "failed": failed, "message": message})
        self._send_state(sandbox)

    def sandbox_reset(self, _lab: Any, *, sandbox: Sandbox) -> None:
        role = self.role_of(sandbox.id)
        if role is None:
            return
        if role.kind == "teach":
            snap = self.store.get_snapshot(role.code)
            notice = "\r\n\x1b[2m— the instructor reset their sandbox —\x1b[0m\r\n"
            self._teacher_hello(role.code, sandbox, screen=snap.screen + notice)
        else:
            self.activity(role.code, sandbox.id, "reset", {})

    def lesson_progress(self, _lab: Any, *, sid: str, sandbox: Sandbox, progress: Any) -> None:
        if not isinstance(progress, dict):
            return
        role = self.role_of(sandbox.id)
        if role is not None and role.kind == "learn":
            self.activity(role.code, sandbox.id, "progress", progress)

    # -- class-wide actions (every process hears them on the bus) -----------------------------------

    def _reset_learner(self, code: str, sandbox: Sandbox, epoch: int) -> None:
        self.lab.reset_sandbox(sandbox)
        self.activity(code, sandbox.id, "reset", {"epoch": epoch})

    def _on_bus(self, kind: str, data: dict[str, Any]) -> None:
        code = data.get("code", "")
        if kind == "reset":
            for learner in self.store.learners(code):
                sandbox = self.manager.get(learner)
                member = self.store.membership(learner) if sandbox is not None else None
                if sandbox is not None and member is not None and member[0] == code:
                    try:
                        self._reset_learner(code, sandbox, int(data["epoch"]))
                    except Exception:
                        log.exception("could not reset sandbox of a learner")
        elif kind == "end":
            with self._lock:
                for sandbox_id in [s for s, r in self._roles.items() if r.code == code]:
                    del self._roles[sandbox_id]

    def goto(self, code: str, lesson_id: str, step: str | None) -> dict[str, Any]:
        lesson = self.catalog.get(lesson_id) if self.catalog is not None else None
        if lesson is None:
            known = ", ".join(x.id for x in self.catalog) if self.catalog is not None else ""
            raise ClassError(f"unknown lesson {lesson_id[:60]!r}; the lessons are: {known}")
        steps = [s.id for s in lesson.steps]
        if step is None:
            step = steps[0] if steps else None
        elif step not in steps:
            raise ClassError(f"lesson {lesson_id} has no step {step[:60]!r}; its steps are: "
                             f"{', '.join(steps)}")
        now = self.clock()
        focus = {"lesson": lesson_id, "step": step, "at": now, "title": lesson.title("en")}
        self.store.update_class(code, lambda r: setattr(r, "focus", focus))
        self.emit("goto", focus, to=follow_room(code), namespace=CLASS_NAMESPACE)
        for learner in self.store.learners(code):
            self.activity(code, learner, "goto", {})
        return focus

    def reset_all(self, code: str) -> int:
        def bump(record: ClassRecord) -> None:
            record.reset_epoch += 1

        record = self.store.update_class(code, bump)
        assert record is not None
        self.bus.publish("reset", {"code": code, "epoch": record.reset_epoch})
        self.emit("notice", {"message": "Your instructor reset every sandbox: a fresh start.",
                             "key": "notice_reset_all"},  # the page's label (webapp/ui_text.py)
                  to=follow_room(code), namespace=CLASS_NAMESPACE)
        return record.reset_epoch

    def end(self, code: str) -> None:
        now = self.clock()
        self.store.update_class(code, lambda r: setattr(r, "ended", r.ended or now))
        self.bus.publish("end", {"code": code})
        for room in (follow_room(code), teach_room(code)):
            self.emit("ended", {"code": code}, to=room, namespace=CLASS_NAMESPACE)


def join_class(hub: ClassHub, record: ClassRecord, learner: str, raw_name: Any) -> str:
    """Claim a nickname in the class for this learner (their sandbox id); returns the clean name."""
    if raw_name is None:
        row = hub.store.get_learner(record.code, learner)
        if row is None:
            raise ClassError("please choose a nickname", "join_err_empty")
        raw_name = row["name"]
    name = clean_name(raw_name)
    if not hub.store.claim_name(record.code, name, learner):
        raise ClassError(f"the nickname '{name}' is taken in this class; please pick another",
                         "join_err_taken", name=name)
    hub.store.set_membership(learner, record.code, "learn", name)
    hub.set_role(learner, Role(record.code, "learn"))
    return name
