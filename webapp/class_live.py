"""The Socket.IO namespace `/class` and the hub that ties consoles to classes.

Protocol (namespace `/class`; each learner and the instructor also keep their own `/lab` console):

    connect auth  {"code": "ABC234", "role": "learn", "name": "ada"}     (a learner; the cookie from
                  the join page names their sandbox) or {"code", "role": "teach"} with the instructor
                  secret in the session cookie (scripted clients may pass it as "secret").
    server -> client  class    {"code", "title", "ended", "focus", "role", "name"?}
                      mirror   {"seq", "kind": "hello", "screen", "history", "containers"}  (everyone)
                      mirror   {"seq", "kind": "output"|"event"|"state", "data"}  the instructor's
                               console as it happens (same shapes as `/lab` output, engine_event, state)
                      goto     {"lesson", "step", "title", "step_title"}  the instructor sends you there
                      notice   {"message", "key"?}   ended  {"code"}    error  {"message"}
                      learner  {one dashboard row}   dashboard {...}   (the instructor only)
    client -> server  sync {}                    a fresh `mirror` hello (after a gap in `seq`)
                      follow {"on": true}        a learner follows the instructor, or works alone
                      dashboard {}               ack: the dashboard                (instructor only)
                      goto {"lesson", "step"}    send everyone to a lesson step   (instructor only)
                      reset_all {}               reset every learner's sandbox    (instructor only)
                      end {}                     end the class                    (instructor only)

The hub is also a *tap* on the `/lab` namespace (`LabNamespace.taps`): it hears each console's
commands, output, engine events, resets and lesson progress, mirrors the instructor's and reports the
learners' to the dashboard. Store writes and class-wide emits happen on one worker thread, in order,
never under a sandbox lock.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import request, session
from flask_socketio import Namespace
from socketio.exceptions import ConnectionRefusedError as ConnectionRefused

from .classroom import (
    PROCESS_TTL,
    ClassError,
    ClassRecord,
    ClassStore,
    LocalBus,
    RedisBus,
    RedisClassStore,
    SQLiteClassStore,
    StuckRule,
    apply_activity,
    dashboard,
    is_redis_url,
    learner_view,
    normalize_code,
)
from .engine import lifecycle
from .session import Sandbox, SandboxManager, TokenBucket

log = logging.getLogger(__name__)

CLASS_NAMESPACE = "/class"
TEACH_KEY = "teach"  # session: {code: instructor secret} of the classes this browser teaches
CLASS_KEY = "class"  # session: {"code", "name"}: the class this browser joined as a learner
STATE_DELAY = 0.05  # seconds of sandbox time over which a burst of events becomes one state
PROMPT = "\x1b[1;32m$\x1b[0m "  # what the instructor's console shows before a command
TEACH_EVENTS = ("dashboard", "goto", "reset_all", "end")
EVENTS = ("sync", "follow", *TEACH_EVENTS)
ALIVE_CACHE = 2.0  # seconds the list of live processes is reused


def teach_room(code: str) -> str:
    return f"teach:{code}"


def follow_room(code: str) -> str:
    return f"follow:{code}"


@dataclass
class Role:
    code: str
    kind: str  # teach | learn


@dataclass
class ClassConn:
    code: str
    role: str  # teach | learn
    learner: str | None  # a learner's sandbox id
    name: str
    messages: TokenBucket
    last_error: float = field(default=-1e9)


class Refused(Exception):
    pass


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
            if snap is None:
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

    # -- the tap on /lab ---------------------------------------------------------------------------

    def engine_attached(self, sandbox: Sandbox) -> None:
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

    def console_connected(self, sid: str, sandbox: Sandbox) -> None:
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

    def console_closed(self, sid: str, sandbox: Sandbox) -> None:
        role = self.role_of(sandbox.id)
        if role is not None and role.kind == "learn":
            self.activity(role.code, sandbox.id, "disconnected", {"sid": sid})

    def command_started(self, sid: str, sandbox: Sandbox, line: str) -> None:
        role = self.role_of(sandbox.id)
        if role is not None and role.kind == "teach":
            self._streamed[sandbox.id] = False
            self.mirror(role.code, "output", f"{PROMPT}{line}\r\n")

    def command_output(self, sid: str, sandbox: Sandbox, text: str, stream: str) -> None:
        role = self.role_of(sandbox.id)
        if role is not None and role.kind == "teach" and text:
            self._streamed[sandbox.id] = True
            self.mirror(role.code, "output", text.replace("\r\n", "\n").replace("\n", "\r\n"))

    def command_finished(self, sid: str, sandbox: Sandbox, line: str, result: dict[str, Any]) -> None:
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

    def sandbox_reset(self, sandbox: Sandbox) -> None:
        role = self.role_of(sandbox.id)
        if role is None:
            return
        if role.kind == "teach":
            snap = self.store.get_snapshot(role.code)
            notice = "\r\n\x1b[2m— the instructor reset their sandbox —\x1b[0m\r\n"
            self._teacher_hello(role.code, sandbox, screen=snap.screen + notice)
        else:
            self.activity(role.code, sandbox.id, "reset", {})

    def lesson_progress(self, sid: str, payload: Any) -> None:
        conn = self.lab._connection(sid)
        if conn is None or not isinstance(payload, dict):
            return
        role = self.role_of(conn.sandbox.id)
        if role is not None and role.kind == "learn":
            self.activity(role.code, conn.sandbox.id, "progress", payload)

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


class ClassNamespace(Namespace):
    """`/class`: one connection per class page (instructor or learner)."""

    def __init__(self, hub: ClassHub, config: dict[str, Any]):
        super().__init__(CLASS_NAMESPACE)
        self.hub = hub
        self.max_payload = int(config["LAB_MAX_PAYLOAD"])
        self.rate = max(20.0, float(config["LAB_RATE"]))
        self._conns: dict[str, ClassConn] = {}
        self._lock = threading.Lock()

    def _send(self, event: str, data: Any, to: str) -> None:
        self.server.emit(event, data, to=to, namespace=CLASS_NAMESPACE)

    def _error(self, sid: str, message: str) -> None:
        self._send("error", {"message": message}, sid)

    def trigger_event(self, event: str, *args: Any) -> Any:
        sid = args[0] if args else None
        if event in ("connect", "disconnect"):
            if self.server.manager.is_connected(sid, CLASS_NAMESPACE):
                self._error(sid, f"'{event}' is a reserved event name")
                return None
            return super().trigger_event(event, *args)
        with self._lock:
            conn = self._conns.get(sid)
        if conn is None:
            return None
        now = time.monotonic()
        if not conn.messages.take(now):
            if now - conn.last_error >= 1.0:
                conn.last_error = now
                self._error(sid, "too many messages: slow down (some were dropped)")
            return {"error": "too many messages"}
        if event not in EVENTS:
            self._error(sid, f"unknown event {str(event)[:40]!r}: this namespace understands "
                             f"{', '.join(EVENTS)}")
            return None
        payload = args[1] if len(args) == 2 else ({} if len(args) == 1 else None)
        if payload is None:
            payload = {}
        if not isinstance(payload, dict) or len(str(payload)) > self.max_payload:
            message = f"'{event}' expects one object"
            self._error(sid, message)
            return {"error": message}
        if event in TEACH_EVENTS and conn.role != "teach":
            message = f"only the instructor can use '{event}'"
            self._error(sid, message)
            return {"error": message}
        try:
            return getattr(self, f"do_{event}")(sid, conn, payload)
        except (Refused, ClassError) as err:
            self._error(sid, str(err))
            return {"error": str(err)}
        except Exception:
            log.exception("class handler for %r failed", event)
            self._error(sid, f"internal error while handling '{event}'")
            return {"error": "internal error"}

    # -- connections -------------------------------------------------------------------------------

    def on_connect(self, auth: Any = None) -> None:
        from .live import SESSION_KEY

        sid = request.sid
        auth = auth if isinstance(auth, dict) else {}
        code = normalize_code(auth.get("code") or "")
        record = self.hub.store.get_class(code) if code else None
        if record is None:
            raise ConnectionRefused("no class with that code")
        if record.ended is not None:
            raise ConnectionRefused("this class has ended")
        role = auth.get("role", "learn")
        bucket = TokenBucket(self.rate, self.rate)
        if role == "teach":
            secrets_held = session.get(TEACH_KEY)
            secret = auth.get("secret") or (secrets_held.get(code) if isinstance(secrets_held, dict)
                                            else None)
            if not record.check(secret):
                raise ConnectionRefused("only the instructor of this class can open its dashboard")
            conn = ClassConn(code, "teach", None, "instructor", bucket)
            with self._lock:
                self._conns[sid] = conn
            self.server.enter_room(sid, teach_room(code), namespace=CLASS_NAMESPACE)
            self._send("class", {**record.public(), "role": "teach"}, sid)
            self._send("dashboard", self.hub.dashboard(code), sid)
            return
        learner = session.get(SESSION_KEY)
        if not isinstance(learner, str) or not learner:
            raise ConnectionRefused("open the class's join link first")
        if learner == record.instructor_sandbox:
            raise ConnectionRefused("you are the instructor of this class")
        joined = session.get(CLASS_KEY)
        name = auth.get("name") or (joined.get("name") if isinstance(joined, dict)
                                    and joined.get("code") == code else None)
        try:
            name = join_class(self.hub, record, learner, name)
        except ClassError as err:
            raise ConnectionRefused(str(err)) from None
        conn = ClassConn(code, "learn", learner, name, bucket)
        with self._lock:
            self._conns[sid] = conn
        self.hub.set_role(learner, Role(code, "learn"))
        # The room first, then the snapshot: the client drops mirror changes the snapshot holds.
        self.server.enter_room(sid, follow_room(code), namespace=CLASS_NAMESPACE)
        self._send("class", {**record.public(), "role": "learn", "name": name}, sid)
        self._send("mirror", self.hub.hello(code), sid)
        self.hub.activity(code, learner, "connected", {"sid": sid, "pid": self.hub.pid})
        sandbox = self.hub.manager.get(learner)
        if sandbox is not None:
            self.hub._send_state(sandbox)

    def on_disconnect(self, reason: Any = None) -> None:
        with self._lock:
            conn = self._conns.pop(request.sid, None)
        if conn is not None and conn.learner is not None:
            self.hub.activity(conn.code, conn.learner, "disconnected", {"sid": request.sid})

    # -- events ------------------------------------------------------------------------------------

    def do_sync(self, sid: str, conn: ClassConn, payload: dict[str, Any]) -> dict[str, Any]:
        hello = self.hub.hello(conn.code)
        self._send("mirror", hello, sid)
        return {"seq": hello["seq"]}

    def do_follow(self, sid: str, conn: ClassConn, payload: dict[str, Any]) -> dict[str, Any]:
        on = payload.get("on")
        if not isinstance(on, bool):
            raise Refused("'follow' needs a field 'on' that is true or false")
        if conn.learner is not None:
            self.hub.activity(conn.code, conn.learner, "following", {"on": on})
        return {"following": on}

    def do_dashboard(self, sid: str, conn: ClassConn, payload: dict[str, Any]) -> dict[str, Any]:
        return self.hub.dashboard(conn.code)

    def do_goto(self, sid: str, conn: ClassConn, payload: dict[str, Any]) -> dict[str, Any]:
        lesson, step = payload.get("lesson"), payload.get("step")
        if not isinstance(lesson, str) or (step is not None and not isinstance(step, str)):
            raise Refused("'goto' needs {\"lesson\": \"why-exit\", \"step\": \"run-default\"}")
        return self.hub.goto(conn.code, lesson, step or None)

    def do_reset_all(self, sid: str, conn: ClassConn, payload: dict[str, Any]) -> dict[str, Any]:
        return {"epoch": self.hub.reset_all(conn.code)}

    def do_end(self, sid: str, conn: ClassConn, payload: dict[str, Any]) -> dict[str, Any]:
        self.hub.end(conn.code)
        return {"ended": True}


def join_class(hub: ClassHub, record: ClassRecord, learner: str, raw_name: Any) -> str:
    """Claim a nickname in the class for this learner (their sandbox id); returns the clean name."""
    from .classroom import clean_name

    if raw_name is None:
        row = hub.store.get_learner(record.code, learner)
        if row is None:
            raise ClassError("please choose a nickname")
        raw_name = row["name"]
    name = clean_name(raw_name)
    if not hub.store.claim_name(record.code, name, learner):
        raise ClassError(f"the nickname {name!r} is taken in this class; please pick another")
    hub.store.set_membership(learner, record.code, "learn", name)
    hub.set_role(learner, Role(record.code, "learn"))
    return name


def install_classroom(app: Any, socketio: Any, manager: SandboxManager, lab: Any, catalog: Any) -> ClassHub:
    """Build the class store, bus and hub for `app`; register `/class`, the pages and the tap."""
    from .class_views import bp

    settings = app.config
    url = settings.get("LAB_MESSAGE_QUEUE") or None
    store: ClassStore
    if is_redis_url(url):
        store, bus = RedisClassStore(url), RedisBus(url)
    else:
        store, bus = SQLiteClassStore(settings["LAB_DB"]), LocalBus()
    seconds, errors = settings.get("LAB_CLASS_STUCK_SECONDS"), settings.get("LAB_CLASS_STUCK_ERRORS")
    rule = StuckRule(seconds=300.0 if seconds is None else float(seconds),
                     errors=3 if errors is None else max(1, int(errors)))

    def emit(event: str, data: Any, *, to: str, namespace: str) -> None:
        socketio.server.emit(event, data, to=to, namespace=namespace)

    hub = ClassHub(store, bus, manager, lab, catalog, emit, rule)
    lab.taps.append(hub)
    socketio.on_namespace(ClassNamespace(hub, settings))
    app.extensions["lab.classroom"] = hub
    app.register_blueprint(bp)
    return hub
