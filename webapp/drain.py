"""Graceful restart: on SIGTERM a process finishes what it started and hands its learners over.

A process being stopped (a deploy, a restart) must not lose a command or run one twice. `Drain`:

1. `begin()`: from now on `run`, `input` and the other console changes are answered with a retry ack,
   `{"retry": true, "error": "server restarting", ...}`, and not run; the client sends them again once
   it has reconnected (to this process started again, or through the proxy to another one);
2. waits until the console events already being handled have returned *and* their acks are queued
   (counted around python-socketio's handler thread, so an ack cannot be cut off by step 3);
3. closes every Engine.IO connection without a goodbye packet, behind its queued packets: clients
   see a dropped transport and reconnect, as they do after a crash. The server takes no new
   connections meanwhile (`stop_accepting`), and any that slipped in are closed as well.

From step 1 on, a new Engine.IO connection (a handshake) is answered `503 Service Unavailable`
(`wsgi`): a proxy moves it on to another process (nginx: `proxy_next_upstream ... http_503`), and a
client with nowhere else to go retries. Without it, a server that only stops accepting *soon*
(gunicorn's gevent worker notices within a second) took reconnecting consoles in, opened their
sandboxes and closed them again a moment later, and a client whose last namespace had just
connected could miss that close altogether (python-socketio's client then believes it is connected
over a dead transport and never reconnects).

Then the caller lets the process exit (gunicorn: `webapp.gunicorn_conf`; the development server:
`lifecycle-lab serve`). A command that is still running when `timeout` passes (an attached
`docker run -it` waits for its learner) is hung up by the disconnect, as when the learner leaves.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterable
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger(__name__)

RESTARTING = "server restarting"
#: console events that change a sandbox: refused (with a retry ack) once a drain has begun
REFUSED = frozenset({"run", "input", "reset", "file_write", "file_remove"})
DRAIN_SECONDS = 10.0  # how long in-flight commands may take before the sockets close anyway
SETTLE_SECONDS = 0.3  # no new connection for this long: the last handshakes have been closed


def retry_ack(event: str) -> dict[str, Any]:
    """The ack of a console change refused because the process is stopping."""
    message = f"{RESTARTING}: send it again once reconnected"
    ack: dict[str, Any] = {"retry": True, "error": RESTARTING}
    if event == "run":  # shaped like a result too, for a client that only prints results
        ack.update(exit_code=1, stdout="", stderr=f"lifecycle-lab: {message}\n")
    return ack


class Drain:
    """The in-flight console events of one Socket.IO server, and whether it is stopping."""

    def __init__(self, namespaces: tuple[str, ...] = ("/lab",)):
        self.namespaces = namespaces
        self.draining = False
        self.handshakes_refused = 0
        self._busy = 0
        self._idle = threading.Condition()

    def install(self, server: Any) -> None:
        """Count the events of `namespaces` from before their handler runs until their ack is
        queued (python-socketio runs both in one thread: `_handle_event_internal`)."""
        handle = server._handle_event_internal

        def counted(srv: Any, sid: str, eio_sid: str, data: Any, namespace: str, id: Any) -> Any:
            if namespace not in self.namespaces:
                return handle(srv, sid, eio_sid, data, namespace, id)
            with self._idle:
                self._busy += 1
            try:
                return handle(srv, sid, eio_sid, data, namespace, id)
            finally:
                with self._idle:
                    self._busy -= 1
                    if not self._busy:
                        self._idle.notify_all()

        server._handle_event_internal = counted

    def wsgi(self, app: Callable[..., Iterable[bytes]],
             path: str = "/socket.io/") -> Callable[..., Iterable[bytes]]:
        """`app` behind a gate: while draining, a new Engine.IO connection under `path` (a request
        without `sid`) gets a 503 with `Retry-After`; the connections already open carry on until
        the drain closes them."""

        def gate(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
            if (self.draining and environ.get("PATH_INFO", "").startswith(path)
                    and "sid" not in parse_qs(environ.get("QUERY_STRING", ""))):
                self.handshakes_refused += 1
                body = f"{RESTARTING}: connect again (another process may take you)\n".encode()
                start_response("503 Service Unavailable", [
                    ("Content-Type", "text/plain; charset=utf-8"),
                    ("Content-Length", str(len(body))), ("Retry-After", "1"),
                    ("Cache-Control", "no-store")])
                return [body]
            return app(environ, start_response)

        return gate

    def refuses(self, event: str) -> bool:
        return self.draining and event in REFUSED

    def begin(self) -> None:
        self.draining = True

    def wait_idle(self, timeout: float) -> bool:
        """True once no counted event is being handled; False if `timeout` passed first."""
        deadline = time.monotonic() + timeout
        with self._idle:
            while self._busy:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    return False
                self._idle.wait(remaining)
        return True

    def shutdown(self, server: Any, timeout: float = DRAIN_SECONDS,
                 stop_accepting: Any = None) -> dict[str, Any]:
        """Steps 1-3 above; returns what happened (for the log).

        `stop_accepting()`, when given, is called once commands are refused: the server takes no new
        connections (clients reconnecting meanwhile wait in the listen queue, and the proxy moves
        them on when the process is gone). Connections that arrived before it took effect are
        closed too, until none is left (or `timeout`).
        """
        started = time.monotonic()
        self.begin()
        if stop_accepting is not None:
            stop_accepting()
        log.warning("graceful stop: %d console event(s) in flight", self._busy)
        finished = self.wait_idle(timeout)
        closed = 0
        deadline = time.monotonic() + timeout
        quiet_since = time.monotonic()
        while time.monotonic() < deadline:
            sockets = list(server.eio.sockets.values())
            for socket in sockets:
                _close(server.eio, socket)
            closed += len(sockets)
            if sockets:
                log.info("graceful stop: closed %d connection(s)", len(sockets))
                quiet_since = time.monotonic()
            elif time.monotonic() - quiet_since >= SETTLE_SECONDS:
                break
            time.sleep(0.05)
        summary = {"in_flight_finished": finished, "connections_closed": closed,
                   "handshakes_refused": self.handshakes_refused,
                   "seconds": round(time.monotonic() - started, 3)}
        log.warning("graceful stop: %s", summary)
        return summary


def _close(eio: Any, socket: Any) -> None:
    """Close one Engine.IO connection without a CLOSE packet, so clients treat it as a lost transport
    and reconnect. Packets queued before (the acks) still go out first: the connection's writer sends
    its queue in order and closes the websocket when it reaches the end, and the connection's thread
    waits for the writer (the process joins those threads before it exits)."""
    try:
        socket.close(wait=False, abort=True, reason=eio.reason.SERVER_DISCONNECT)
    except Exception:  # already closed by its client meanwhile
        log.debug("closing %s failed", getattr(socket, "sid", "?"), exc_info=True)
    eio.sockets.pop(socket.sid, None)
