"""Oversized Socket.IO messages are answered, not fatal to the connection.

Engine.IO refuses a message above `max_http_buffer_size` by closing the connection: the websocket
reader raises and the socket is dropped, a long-polling POST is answered 400 and the session ends;
the client is told nothing. Here such a message is read to its end without being kept (only its
first `HEAD` characters are), and a small stand-in takes its place: the same Socket.IO event, in
the same namespace and with the same ack id, whose one argument is `{TOO_LARGE: {"bytes", "limit"}}`.
The guarded namespaces (`webapp.guarded`) answer it with an `error` event and a refusal ack, so
the client learns why and the connection stays up.

Two doors lead in, both wrapped here: the websocket transport (`simple_websocket`, used by the
threading async mode under Werkzeug and gunicorn, and by the gevent mode under gunicorn's gevent
worker) and long-polling POSTs (a WSGI middleware).
Messages within the bound are untouched.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

import simple_websocket
from engineio.async_drivers._websocket_wsgi import SimpleWebSocketWSGI
from wsproto.events import BytesMessage, Event, TextMessage

TOO_LARGE = "lab:too-large"  # the stand-in payload's one key
HEAD = 512  # characters of an oversized message kept: enough for its namespace, ack id and event
CHUNK = 64 * 1024  # bytes read at a time from an oversized POST body
RECORD_SEPARATOR = "\x1e"  # between the Engine.IO packets of one long-polling payload

# An Engine.IO message packet ("4") carrying a Socket.IO CONNECT (0) or EVENT (2), with its optional
# namespace ("/lab,") and ack id, then the start of its JSON.
_HEADER = re.compile(r"4([02])(/[^,]{0,200},)?(\d{0,20})")
_EVENT_NAME = re.compile(r'\[\s*("(?:[^"\\]|\\.){0,100}")')


def stand_in(head: str, size: int, limit: int) -> str | None:
    """The Engine.IO packet that replaces an oversized one whose text starts with `head`.

    None when the head is not a Socket.IO event or connect (nothing a client waits on, or not
    from a Socket.IO client at all): then the message is dropped.
    """
    match = _HEADER.match(head)
    if match is None:
        return None
    kind, namespace, ack_id = match.group(1), match.group(2) or "", match.group(3)
    marker = {TOO_LARGE: {"bytes": size, "limit": limit}}
    if kind == "0":  # a connect whose auth is too large: connect with the marker as its auth
        return f"40{namespace}{json.dumps(marker)}"
    name = "message"
    found = _EVENT_NAME.match(head, match.end())
    if found is not None:
        try:
            name = str(json.loads(found.group(1)))
        except ValueError:
            pass
    return f"42{namespace}{ack_id}{json.dumps([name, marker])}"


def too_large(args: Iterable[Any]) -> dict[str, int] | None:
    """`{"bytes", "limit"}` when an event's arguments are the stand-in for an oversized message."""
    args = list(args)
    if len(args) != 1 or not isinstance(args[0], dict) or set(args[0]) != {TOO_LARGE}:
        return None
    info = args[0][TOO_LARGE]
    if not isinstance(info, dict):
        return None
    return {"bytes": int(info.get("bytes") or 0), "limit": int(info.get("limit") or 0)}


# -- websocket -------------------------------------------------------------------------------------


class _BoundedEvents:
    """The server's wsproto connection, whose message events are cut at the bound.

    simple_websocket gathers the fragments of a message until it ends; past the bound we make it
    forget what it gathered, swallow the rest, and hand it the stand-in as one whole message.
    """

    def __init__(self, conn: Any, owner: simple_websocket.Server, limit: int):
        self._conn = conn
        self._owner = owner
        self._limit = limit
        self._size = 0
        self._head = ""
        self._over = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._conn, name)

    def events(self) -> Iterator[Event]:
        for event in self._conn.events():
            if isinstance(event, (TextMessage, BytesMessage)):
                yield from self._message(event)
            else:
                yield event

    def _message(self, event: TextMessage | BytesMessage) -> Iterator[Event]:
        self._size += len(event.data)
        if isinstance(event, TextMessage) and len(self._head) < HEAD:
            self._head += event.data[:HEAD - len(self._head)]
        if not self._over and self._size > self._limit:
            self._over = True
            self._owner.incoming_message = None  # what it gathered so far is dropped
            self._owner.incoming_message_len = 0
        if not self._over:
            if event.message_finished:
                self._size, self._head = 0, ""
            yield event
            return
        if not event.message_finished:
            return
        size, head, self._size, self._head, self._over = self._size, self._head, 0, "", False
        if isinstance(event, BytesMessage):  # a binary attachment: keep the packet flow in step
            yield BytesMessage(data=b"", frame_finished=True, message_finished=True)
            return
        packet = stand_in(head, size, self._limit)
        if packet is not None:
            yield TextMessage(data=packet, frame_finished=True, message_finished=True)


class BoundedServer(simple_websocket.Server):
    """simple_websocket's server with oversized messages replaced by their stand-in."""

    limit = 1_000_000

    def handshake(self) -> None:
        self.ws = _BoundedEvents(self.ws, self, self.limit)  # type: ignore[assignment]
        super().handshake()


class BoundedWebSocket(SimpleWebSocketWSGI):
    """Engine.IO's threading websocket wrapper, on `BoundedServer` (limit: the server's bound)."""

    def __init__(self, handler: Callable[..., Any], server: Any, **kwargs: Any):
        super().__init__(handler, server, **kwargs)
        self.limit = int(server.max_http_buffer_size)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        limit = self.limit
        server_class = type("BoundedServerAt", (BoundedServer,), {"limit": limit})
        self.ws = server_class(environ, **self.server_args)
        ret = self.app(self)
        if self.ws.mode == "gunicorn":
            raise StopIteration()
        if self.ws.mode == "werkzeug":
            raise ConnectionError()
        return ret


class BoundedGeventWebSocket(BoundedWebSocket):
    """The same under gevent: simple-websocket on gevent's greenlets, events and selector, as
    Engine.IO's gevent driver sets it up."""

    def __init__(self, handler: Callable[..., Any], server: Any, **kwargs: Any):
        import gevent.event
        import gevent.selectors
        from engineio.async_drivers.gevent import Thread

        super().__init__(handler, server, thread_class=Thread, event_class=gevent.event.Event,
                         selector_class=gevent.selectors.DefaultSelector, **kwargs)


# -- long polling ----------------------------------------------------------------------------------


class BoundedPolling:
    """WSGI middleware: a long-polling POST above the bound reaches Engine.IO as its stand-in."""

    def __init__(self, app: Callable[..., Any], path: str, limit: int):
        self.app = app
        self.path = "/" + path.strip("/")
        self.limit = limit

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if environ.get("REQUEST_METHOD") == "POST" and \
                environ.get("PATH_INFO", "").startswith(self.path):
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > self.limit:
                body = self._replace(environ["wsgi.input"], length)
                environ["wsgi.input"] = io.BytesIO(body)
                environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    def _replace(self, stream: Any, length: int) -> bytes:
        head = b""
        left = length
        while left > 0:
            chunk = stream.read(min(CHUNK, left))
            if not chunk:
                break
            if len(head) < HEAD:
                head += chunk[:HEAD - len(head)]
            left -= len(chunk)
        packets = head.decode("utf-8", errors="ignore").split(RECORD_SEPARATOR)
        complete, partial = packets[:-1], packets[-1]  # the body goes on past the head
        replacement = stand_in(partial, length, self.limit)
        if replacement is not None:
            complete.append(replacement)
        return RECORD_SEPARATOR.join(complete).encode("utf-8")


def install(app: Any, sio_server: Any, path: str = "socket.io") -> None:
    """Answer oversized messages on both transports of `sio_server` (a python-socketio Server)."""
    eio = sio_server.eio
    if eio.async_mode == "threading":  # the instance's own copy: the driver's table is shared
        eio._async = {**eio._async, "websocket": BoundedWebSocket}
    elif eio.async_mode == "gevent":
        eio._async = {**eio._async, "websocket": BoundedGeventWebSocket}
    app.wsgi_app = BoundedPolling(app.wsgi_app, path, int(eio.max_http_buffer_size))
