"""Messages held for a console's `run` ack: one message per command instead of four.

A page that shows everything itself asks for it (`run {"line", "streamed": true, "inline": true}`):
the `command`, `output`, `engine_events`, `state` and `progress` messages a command sends to its own
console while it runs are then gathered and travel in the ack as `"messages": [[name, payload], …]`,
in the order they were sent. Each Socket.IO message costs encoding, a websocket frame and a
dispatch on both sides, which made up most of a command's cost on the server.

Other consoles of the sandbox (a second tab, a class's views) still get each message as it is sent.
A command that is not over by the time it has started (an attached `run`) gets what was held sent
at once, and the rest as it comes. What is sent to a held console after its ack's messages were
taken waits until the ack has gone out (`after_ack`), so nothing overtakes it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from socketio import PubSubManager

Message = list[Any]  # [name, payload]

_local = threading.local()  # per handler thread (per greenlet under gevent's patching)


def install_after_ack(server: Any) -> None:
    """Run the callbacks a handler `defer`s once its ack is queued on the connection.

    python-socketio runs a handler and queues its ack in one call (`_handle_event_internal`);
    messages queued after that reach the client after the ack.
    """
    handle = server._handle_event_internal

    def handled(srv: Any, sid: str, eio_sid: str, data: Any, namespace: str, id: Any) -> Any:
        outer = getattr(_local, "pending", None)
        _local.pending = []
        try:
            return handle(srv, sid, eio_sid, data, namespace, id)
        finally:
            pending, _local.pending = _local.pending, outer
            for callback in pending:
                callback()

    server._handle_event_internal = handled


def defer(callback: Callable[[], None]) -> bool:
    """Call `callback` once the running handler's ack is queued; False outside a handler."""
    pending = getattr(_local, "pending", None)
    if pending is None:
        return False
    pending.append(callback)
    return True


class Outbox:
    """Every message of the `/lab` namespace goes out through here, so a held console's are kept."""

    def __init__(self, server: Any, namespace: str):
        self.server = server
        self.namespace = namespace
        self._held: dict[str, list[Message]] = {}
        self._lock = threading.Lock()

    def emit(self, name: str, data: Any, to: str) -> None:
        """Send `name` to a console or a sandbox's room, keeping it for held consoles in there."""
        if not self._held:  # nobody held (a release keeps its entry until it has sent everything)
            self.server.emit(name, data, to=to, namespace=self.namespace)
            return
        with self._lock:
            members = [sid for sid, _ in self.server.manager.get_participants(self.namespace, to)]
            held = [sid for sid in members if sid in self._held]
            for sid in held:
                self._held[sid].append([name, data])
            # With a message queue the room may have members in other processes too.
            if len(held) < len(members) or self._shared():
                self.server.emit(name, data, to=to, namespace=self.namespace,
                                 skip_sid=held or None)

    def hold(self, sid: str) -> None:
        """From now on, keep what is sent to `sid` for its ack."""
        with self._lock:
            self._held.setdefault(sid, [])

    def take(self, sid: str) -> list[Message]:
        """What was kept for `sid` so far (for its ack); what comes next is kept until `release`."""
        with self._lock:
            messages = self._held.get(sid)
            if not messages:
                return []
            self._held[sid] = []
            return messages

    def release(self, sid: str) -> None:
        """Send what is still kept for `sid`, in order, and stop keeping."""
        with self._lock:
            for name, data in self._held.get(sid, ()):
                self.server.emit(name, data, to=sid, namespace=self.namespace)
            self._held.pop(sid, None)  # only now: a sender that skipped the lock waits for it

    def _shared(self) -> bool:
        """Rooms span processes (a Redis message queue): other members may not be listed here."""
        return isinstance(self.server.manager, PubSubManager)
