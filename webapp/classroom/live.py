"""The Socket.IO namespace `/class`: one connection per class page (instructor or learner).

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
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from flask import request, session
from flask_socketio import Namespace
from socketio.exceptions import ConnectionRefusedError as ConnectionRefused

from ..live import SESSION_KEY
from ..session import TokenBucket
from .hub import (
    CLASS_KEY,
    CLASS_NAMESPACE,
    TEACH_KEY,
    ClassHub,
    Role,
    follow_room,
    join_class,
    teach_room,
)
from .model import ClassError, normalize_code

log = logging.getLogger(__name__)

TEACH_EVENTS = ("dashboard", "goto", "reset_all", "end")
EVENTS = ("sync", "follow", *TEACH_EVENTS)


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
