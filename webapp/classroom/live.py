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

from dataclasses import dataclass
from typing import Any

from flask import request, session
from socketio.exceptions import ConnectionRefusedError as ConnectionRefused

from ..guarded import GuardedNamespace, Refused
from ..live import SESSION_KEY
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

TEACH_EVENTS = ("dashboard", "goto", "reset_all", "end")
EXAMPLES = {
    "sync": "{}",
    "follow": '{"on": true}',
    "dashboard": "{}",
    "goto": '{"lesson": "why-exit", "step": "run-default"}',
    "reset_all": "{}",
    "end": "{}",
}


@dataclass
class ClassConn:
    code: str
    role: str  # teach | learn
    learner: str | None  # a learner's sandbox id
    name: str


class ClassNamespace(GuardedNamespace[ClassConn]):
    """`/class`: one connection per class page (instructor or learner)."""

    examples = EXAMPLES
    refusals = (Refused, ClassError)

    def __init__(self, hub: ClassHub, config: dict[str, Any]):
        super().__init__(CLASS_NAMESPACE, max_payload=int(config["LAB_MAX_PAYLOAD"]),
                         rate=max(20.0, float(config["LAB_RATE"])))
        self.hub = hub

    def dispatch(self, event: str, sid: str, conn: ClassConn, args: tuple[Any, ...]) -> Any:
        payload = self.payload(event, args, optional=True)
        if event in TEACH_EVENTS and conn.role != "teach":
            raise Refused(f"only the instructor can use '{event}'")
        return getattr(self, f"do_{event}")(sid, conn, payload)

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
        if role == "teach":
            secrets_held = session.get(TEACH_KEY)
            secret = auth.get("secret") or (secrets_held.get(code) if isinstance(secrets_held, dict)
                                            else None)
            if not record.check(secret):
                raise ConnectionRefused("only the instructor of this class can open its dashboard")
            self.admit(sid, ClassConn(code, "teach", None, "instructor"))
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
        self.admit(sid, ClassConn(code, "learn", learner, name))
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
        conn = self.release(request.sid)
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
