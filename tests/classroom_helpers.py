"""Helpers for class tests: a throwaway redis-server, app servers in subprocesses, scripted clients.

`RedisServer` starts Debian's `redis-server` on a free localhost port with no persistence; tests
that need it skip without the binary, unless REQUIRE_REDIS=1 makes that a failure. `app_server()`
runs `lifecycle-lab serve` on a free port with its own database unless given `LAB_DB` (two hosts of
one class share a database and Redis); both start and stop through webapp.devserver. `Member` is a python-socketio client on `/lab` and `/class` with the cookie of a browser.
"""

from __future__ import annotations

import os
import queue
import re
import shutil
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import requests
import socketio

from webapp.devserver import AppServer, ServerProcess, free_port

TIMEOUT = 10.0
SECRET = "class-test-secret"


def redis_required() -> bool:
    return os.environ.get("REQUIRE_REDIS", "").strip().lower() not in ("", "0", "false", "no")


def redis_binary() -> str:
    """The redis-server binary (skip without it; fail if REQUIRE_REDIS=1)."""
    found = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.access("/usr/bin/redis-server", os.X_OK) else None)
    if found is None:
        if redis_required():
            pytest.fail("REQUIRE_REDIS=1 but redis-server is not installed", pytrace=False)
        pytest.skip("redis-server is not installed (apt-get install redis-server)")
    try:
        import redis  # noqa: F401
    except ImportError:
        if redis_required():
            pytest.fail("REQUIRE_REDIS=1 but the redis Python package is not installed",
                        pytrace=False)
        pytest.skip("the redis Python package is not installed")
    return found


class RedisServer(ServerProcess):
    """redis-server on a free localhost port, without persistence; ready once it answers PING."""

    def __init__(self, folder: Path):
        binary = redis_binary()
        import redis

        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        super().__init__(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(folder), "--protected-mode", "yes"],
            log_path=folder / "redis.log", name="redis-server")
        client = redis.Redis.from_url(self.url)
        try:
            self.wait_until(client.ping, timeout=TIMEOUT, what="answering PING",
                            errors=(redis.ConnectionError,))
        finally:
            client.close()


def app_server(folder: Path, **env: str) -> AppServer:
    """`lifecycle-lab serve` for a class: a shared secret key (so two hosts read each other's
    cookies) and room for many learners."""
    settings = {"LAB_SECRET_KEY": SECRET, "LAB_ENGINE": "sim", "LAB_RATE": "50",
                "LAB_MAX_SANDBOXES": "400", **env}
    return AppServer(folder=folder, env=settings)


CSRF_FIELD = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_token(html: str) -> str:
    """The CSRF token of the class start form in a page."""
    found = CSRF_FIELD.search(html)
    assert found is not None, html[:500]
    return found.group(1)


def teach(http: Any, title: str = "") -> Any:
    """A Flask test client starts a class as a browser does: the form of /teach, then its POST."""
    form = http.get("/teach?new=1")
    assert form.status_code == 200, form.data[:500]
    return http.post("/teach", data={"csrf_token": csrf_token(form.get_data(as_text=True)),
                                     "title": title},
                     headers={"Origin": "http://localhost"})


def start_class(server: str) -> tuple[requests.Session, str]:
    """A browser that pressed "Start a class" on /teach: its session (cookie) and the class code."""
    http = requests.Session()
    form = http.get(f"{server}/teach", timeout=TIMEOUT)
    assert form.ok, form.text[:500]
    res = http.post(f"{server}/teach", data={"csrf_token": csrf_token(form.text)},
                    headers={"Origin": server}, timeout=TIMEOUT)
    assert res.ok, res.text[:500]
    code = res.url.rstrip("/").rsplit("/", 1)[1]
    assert "data-join-url" in res.text
    return http, code


def join(server: str, code: str, name: str) -> requests.Session:
    http = requests.Session()
    res = http.get(f"{server}/join/{code}", params={"name": name}, timeout=TIMEOUT)
    assert res.ok, res.text[:500]
    assert 'id="instructor-graph"' in res.text
    return http


class Member:
    """One browser's sockets: `/class` (and `/lab`, its own console) with its cookie."""

    def __init__(self, server: str, http: requests.Session, code: str, role: str = "learn", *,
                 lab: bool = True, auth: dict[str, Any] | None = None):
        self.inbox: queue.Queue = queue.Queue()
        self.seen: list[tuple[str, str, Any]] = []
        self.sio = socketio.Client(reconnection=False)
        namespaces = ["/class"] + (["/lab"] if lab else [])
        for ns in namespaces:
            for name in ("hello", "output", "engine_event", "state", "error", "progress", "class",
                         "mirror", "goto", "notice", "ended", "learner", "dashboard"):
                self.sio.on(name, self._handler(ns, name), namespace=ns)
        if lab:  # one command's events in one message: kept as the `engine_event`s it carries
            each = self._handler("/lab", "engine_event")
            self.sio.on("engine_events", lambda data: [each(e) for e in data["events"]],
                        namespace="/lab")
        cookie = http.cookies.get("lab_session")
        headers = {"Cookie": f"lab_session={cookie}"} if cookie else {}
        self.sio.connect(server, namespaces=namespaces, headers=headers, transports=["websocket"],
                         auth={"code": code, "role": role, **(auth or {})}, wait_timeout=TIMEOUT)

    def _handler(self, ns: str, name: str) -> Callable[..., None]:
        def handle(data: Any = None) -> None:
            self.seen.append((ns, name, data))
            self.inbox.put((ns, name, data))
        return handle

    def wait_for(self, ns: str, name: str, predicate: Callable[[Any], bool] = lambda d: True,
                 timeout: float = TIMEOUT) -> Any:
        for got_ns, got, data in list(self.seen):  # already arrived
            if got_ns == ns and got == name and predicate(data):
                return data
        deadline = time.monotonic() + timeout
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise AssertionError(f"no matching {ns} {name!r} within {timeout}s")
            try:
                got_ns, got, data = self.inbox.get(timeout=remaining)
            except queue.Empty:
                continue
            if got_ns == ns and got == name and predicate(data):
                return data

    def errors(self) -> list[Any]:
        return [data for ns, name, data in self.seen if name == "error"]

    def screen(self) -> str:
        """Everything the mirrored instructor console printed (snapshot + changes)."""
        text, last = "", -1
        for ns, name, data in list(self.seen):
            if ns == "/class" and name == "mirror":
                if data["kind"] == "hello":
                    text, last = data["screen"], data["seq"]
                elif data["kind"] == "output" and data["seq"] > last:
                    text, last = text + data["data"], data["seq"]
        return text

    def run(self, line: str) -> dict[str, Any]:
        return self.sio.call("run", {"line": line}, namespace="/lab", timeout=TIMEOUT)

    def call(self, event: str, data: Any = None) -> Any:
        return self.sio.call(event, data if data is not None else {}, namespace="/class",
                             timeout=TIMEOUT)

    def close(self) -> None:
        """Hang up in the background (the client's disconnect idles ~3 s in its websocket library)."""
        threading.Thread(target=self.sio.disconnect, daemon=True).start()
