"""webapp.drain's gate: while a process drains, new Engine.IO connections are turned away with a
503 (a proxy moves them on to another process) and the open ones carry on until they are closed."""

from __future__ import annotations

from typing import Any

from werkzeug.test import Client

from webapp.drain import Drain


def inner(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"served"]


def test_nothing_is_turned_away_before_the_drain() -> None:
    drain = Drain()
    client = Client(drain.wsgi(inner))
    response = client.get("/socket.io/", query_string={"EIO": "4", "transport": "websocket"})
    assert (response.status_code, response.data) == (200, b"served")
    assert drain.handshakes_refused == 0


def test_a_new_connection_while_draining_gets_a_503_the_open_ones_and_pages_do_not() -> None:
    drain = Drain()
    client = Client(drain.wsgi(inner))
    drain.begin()
    for transport in ("websocket", "polling"):
        response = client.get("/socket.io/", query_string={"EIO": "4", "transport": transport})
        assert response.status_code == 503
        assert response.headers["Retry-After"] == "1"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.data.startswith(b"server restarting")
    assert drain.handshakes_refused == 2
    # an open long-polling connection (its sid) is served until the drain closes it
    polling = client.get("/socket.io/", query_string={"EIO": "4", "transport": "polling",
                                                       "sid": "abc"})
    assert (polling.status_code, polling.data) == (200, b"served")
    assert client.get("/sandbox").status_code == 200  # pages are not the gate's business
    assert drain.handshakes_refused == 2
