"""One guard for the app's Socket.IO namespaces (`/lab` and `/class`).

Anyone can open a socket and send anything, so every namespace applies the same rules before a
handler runs, and answers a broken request the same way:

- `connect` and `disconnect` sent by a connected client are refused (reserved names);
- events from a socket without a connection record are dropped;
- at most `rate` messages a second per connection (a token bucket); beyond that, messages are
  dropped with an `error` at most once a second;
- an unknown event name gets an `error` naming the events the namespace understands;
- a payload is one JSON object of at most `LAB_MAX_PAYLOAD` characters of JSON (`payload`);
- a message too large for the transport arrives as its stand-in (`webapp.message_limit`) and gets
  an `error` saying so, with the event's refusal as its ack;
- a refused request (`Refused`, or one of the namespace's `refusals`) gets an `error` event
  `{"message"}` (and `"code"` when the refusal has one, e.g. `server_full`) and an ack saying the
  same (`refusal`), so a client waiting on its ack never hangs;
  anything else is logged and reported as an internal error.

The connection always stays up.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from flask_socketio import Namespace

from .message_limit import too_large
from .session import TokenBucket

log = logging.getLogger(__name__)

ERROR_INTERVAL = 1.0  # at most one flood error per second per connection

C = TypeVar("C")


class Refused(Exception):
    """A request refused with a message for the person or script that sent it."""


@dataclass
class _Guarded(Generic[C]):
    conn: C
    messages: TokenBucket
    last_error: float = -1e9


class GuardedNamespace(Namespace, Generic[C]):
    """A namespace whose events pass the guard; subclasses implement `dispatch`.

    `examples` names the events a client may send, each with an example payload for error messages.
    A connection is `admit`ted in `on_connect` with whatever record the namespace keeps for it (`C`)
    and `release`d in `on_disconnect`.
    """

    examples: ClassVar[dict[str, str]] = {}
    refusals: ClassVar[tuple[type[Exception], ...]] = (Refused,)

    def __init__(self, namespace: str, *, max_payload: int, rate: float):
        super().__init__(namespace)
        self.max_payload = max_payload
        self.message_rate = rate
        self._guarded: dict[str, _Guarded[C]] = {}
        self._lock = threading.Lock()
        self.clock: Callable[[], float] = time.monotonic  # the rate limiter's time (tests fix it)

    # -- to override ---------------------------------------------------------------------------------

    def dispatch(self, event: str, sid: str, conn: C, args: tuple[Any, ...]) -> Any:
        """Handle an event that passed the guard; raise `Refused` (or a `refusals` type) to refuse."""
        raise NotImplementedError

    def refusal(self, event: str, message: str) -> Any:
        """The ack of a refused request."""
        return {"error": message}

    def unconnected(self, event: str) -> Any:
        """The ack of an event from a socket whose connection record is gone (it is closing)."""
        return None

    # -- connections -----------------------------------------------------------------------------------

    def admit(self, sid: str, conn: C) -> None:
        with self._lock:
            self._guarded[sid] = _Guarded(conn, TokenBucket(self.message_rate, self.message_rate))

    def release(self, sid: str) -> C | None:
        with self._lock:
            guarded = self._guarded.pop(sid, None)
        return guarded.conn if guarded is not None else None

    def _connection(self, sid: str) -> C | None:
        with self._lock:
            guarded = self._guarded.get(sid)
        return guarded.conn if guarded is not None else None

    # -- sending -------------------------------------------------------------------------------------

    def _send(self, event: str, data: Any, to: str) -> None:
        self.server.emit(event, data, to=to, namespace=self.namespace)

    def _error(self, sid: str, message: str, code: str | None = None) -> None:
        """`error {"message"}`, plus `"code"` for the refusals a page words in its own language."""
        self._send("error", {"message": message, **({"code": code} if code else {})}, sid)

    # -- the guard -------------------------------------------------------------------------------------

    def trigger_event(self, event: str, *args: Any) -> Any:
        """Route an event; refuse impostor connect/disconnect events, floods and unknown names."""
        sid = args[0] if args else None
        if event in ("connect", "disconnect"):
            if self.server.manager.is_connected(sid, self.namespace):  # sent by a client
                self._error(sid, f"'{event}' is a reserved event name")
                return None
            return super().trigger_event(event, *args)
        now = self.clock()
        with self._lock:
            guarded = self._guarded.get(sid)
            if guarded is None:
                return self.unconnected(event)
            allowed = guarded.messages.take(now)
            warn = not allowed and now - guarded.last_error >= ERROR_INTERVAL
            if warn:
                guarded.last_error = now
        if not allowed:
            if warn:
                self._error(sid, "too many messages: slow down (some were dropped)")
            return self.refusal(event, "too many messages")
        oversized = too_large(args[1:])
        if oversized is not None:
            message = (f"message too large ({oversized['bytes']:,} bytes; at most "
                       f"{min(self.max_payload, oversized['limit']):,}): '{str(event)[:40]}' "
                       "was not handled")
            self._error(sid, message)
            return self.refusal(event, message) if event in self.examples else None
        if event not in self.examples:
            known = ", ".join(self.examples)
            self._error(sid, f"unknown event {str(event)[:40]!r}: this namespace understands {known}")
            return None
        try:
            return self.dispatch(event, sid, guarded.conn, args[1:])
        except self.refusals as err:
            code = getattr(err, "code", None)  # a page words some refusals itself (server_full)
            self._error(sid, str(err), code)
            ack = self.refusal(event, str(err))
            if code is not None and isinstance(ack, dict):
                ack["code"] = code
            return ack
        except Exception:
            log.exception("handler for %r on %s failed", event, self.namespace)
            self._error(sid, f"internal error while handling '{event}'")
            return self.refusal(event, "internal error")

    def handle(self, event: str, sid: str, *args: Any) -> Any:
        """Flask-SocketIO's own dispatch: `on_<event>` in a request context (past the guard)."""
        return super().trigger_event(event, sid, *args)

    def payload(self, event: str, args: tuple[Any, ...], *, optional: bool = False,
                max_size: int | None = None, **fields: type) -> dict[str, Any]:
        """The event's one object argument (`{}` when `optional` and none or null was sent),
        within the size limit (`max_size` for an event that carries more, such as a file's text),
        with the required `fields` of the right types."""
        if optional and (not args or (len(args) == 1 and args[0] is None)):
            return {}
        payload = args[0] if len(args) == 1 else None
        if not isinstance(payload, dict):
            what = "no payload or one object" if optional else "one object"
            raise Refused(f"'{event}' expects {what} like {self.examples[event]}")
        limit = self.max_payload if max_size is None else max(max_size, self.max_payload)
        if len(json.dumps(payload)) > limit:
            raise Refused(f"'{event}' payload too large (at most {limit} characters)")
        for name, kind in fields.items():
            value = payload.get(name)
            if not isinstance(value, kind) or isinstance(value, bool):
                raise Refused(f"'{event}' needs a {kind.__name__} field {name!r}, "
                              f"like {self.examples[event]}")
        return payload
