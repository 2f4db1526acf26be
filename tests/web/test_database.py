"""The store on both backends (SQLite, PostgreSQL), and several processes on one database: a copy
of a sandbox held in memory never serves stale state once another process wrote to its log."""

from __future__ import annotations

import queue
import threading
from typing import Any

import pytest
import requests
import socketio

from tests.classroom_helpers import TIMEOUT, app_server
from webapp.session import SandboxManager
from webapp.store import IntegrityError, LogEntry, SandboxRecord, Store


@pytest.fixture
def store(lab_db):
    made = Store(lab_db)
    yield made
    made.close()


def test_store_contract(store):
    assert store.load("box") is None and not store.has("box") and store.last_seq("box") is None
    store.create(SandboxRecord("box", 2**62 + 5, 10.5, 100.0))  # seeds are 63-bit
    store.create(SandboxRecord("old", 1, 0.0, 50.0))
    store.append("box", 0, LogEntry(11.0, "run", "docker create --name a alpine"), 101.0)
    store.append_many([("box", 1, LogEntry(12.0, "input", "x\r"), 102.0),
                       ("old", 0, LogEntry(0.5, "file", '{"path": "Dockerfile", "text": "é"}'),
                        51.0)])
    record, entries = store.load("box")
    assert record == SandboxRecord("box", 2**62 + 5, 10.5, 102.0)
    assert entries == [LogEntry(11.0, "run", "docker create --name a alpine"),
                       LogEntry(12.0, "input", "x\r")]
    assert store.load("old")[1][0].data == '{"path": "Dockerfile", "text": "é"}'
    assert store.last_seq("box") == 1 and store.has("box")
    with pytest.raises(IntegrityError):  # a seq is written once
        store.append("box", 1, LogEntry(13.0, "run", "again"), 103.0)
    with pytest.raises(IntegrityError):  # all of a batch or none of it
        store.append_many([("box", 2, LogEntry(13.0, "run", "new"), 103.0),
                           ("box", 0, LogEntry(13.0, "run", "taken"), 103.0)])
    assert store.last_seq("box") == 1
    store.touch("old", 60.0)
    assert store.idle_since(100.0) == ["old"] and store.ids() == ["box", "old"]
    store.create(SandboxRecord("box", 3, 20.0, 110.0))  # afresh: the old log goes
    assert store.load("box")[1] == [] and store.last_seq("box") is None
    store.delete(["old", "nobody"])
    assert store.ids() == ["box"] and store.load("old") is None
    store.save_progress("ada", "first", {"done": ["a"]}, 5.0)
    store.save_progress("ada", "first", {"done": ["a", "b"]}, 6.0)
    store.save_progress("ada", "second", {"done": []}, 1.0)
    assert store.load_progress("ada") == {"first": {"done": ["a", "b"]}, "second": {"done": []}}
    assert store.prune_progress(2.0) == 1
    assert store.load_progress("ada") == {"first": {"done": ["a", "b"]}}


def names(sandbox) -> dict[str, str]:
    return {c["name"]: c["state"] for c in sandbox.snapshot()}


def test_a_stale_copy_is_rebuilt_when_a_console_attaches_or_its_write_collides(lab_db):
    """Two managers on one database are two processes; the learner moves between them."""
    first, second = Store(lab_db), Store(lab_db)
    a, b = SandboxManager(first, clock="virtual"), SandboxManager(second, clock="virtual")
    try:
        box = a.open("box", sid="a1")
        assert box.run("docker run -d --name one busybox sleep 1000").exit_code == 0
        a.disconnect(box, "a1")  # stays in a's memory
        there = b.open("box", sid="b1")  # rebuilt from the log on the other process
        assert names(there) == {"one": "running"}
        assert there.run("docker create --name two busybox sleep 1000").exit_code == 0
        b.disconnect(there, "b1")

        again = a.open("box", sid="a2")  # back on the first: its copy missed `two`
        assert again is box and names(box) == {"one": "running", "two": "created"}

        assert there.run("docker kill one").exit_code == 0  # b writes again, a's console open
        job = box.run("docker start two")  # its seq is taken: rebuilt, then run
        assert job.exit_code == 0
        assert names(box) == {"one": "exited", "two": "running"}
        _, entries = first.load("box")
        assert [e.data for e in entries if e.kind == "run"] == [
            "docker run -d --name one busybox sleep 1000", "docker create --name two busybox sleep 1000",
            "docker kill one", "docker start two"]
        assert first.last_seq("box") == len(entries) - 1 == box.log_length - 1

        b.reset(there)  # "reset my sandbox" on the other process: a new seed, an empty log
        assert there.run("docker create --name three alpine").exit_code == 0
        assert a.open("box", sid="a3") is box and names(box) == {"three": "created"}
        assert box.record.seed == there.record.seed and box.log_length == 1
    finally:
        a.close()
        b.close()
        first.close()
        second.close()


class Console:
    """A browser's `/lab` socket on one server, with the cookie of its session."""

    def __init__(self, server: str, http: requests.Session):
        self.inbox: queue.Queue = queue.Queue()
        self.sio = socketio.Client(reconnection=False)
        for name in ("hello", "state"):
            self.sio.on(name, self._handler(name), namespace="/lab")
        cookie = http.cookies.get("lab_session")
        self.sio.connect(server, namespaces=["/lab"], headers={"Cookie": f"lab_session={cookie}"},
                         transports=["websocket"], wait_timeout=TIMEOUT)

    def _handler(self, name: str) -> Any:
        return lambda data=None: self.inbox.put((name, data))

    def first(self, name: str) -> Any:
        while True:
            got, data = self.inbox.get(timeout=TIMEOUT)
            if got == name:
                return data

    def run(self, line: str) -> dict[str, Any]:
        return self.sio.call("run", {"line": line}, namespace="/lab", timeout=TIMEOUT)

    def close(self) -> None:
        threading.Thread(target=self.sio.disconnect, daemon=True).start()


def test_two_server_processes_on_one_database_never_serve_a_stale_sandbox(lab_db, tmp_path):
    with (app_server(tmp_path / "a", LAB_DB=lab_db) as a,
          app_server(tmp_path / "b", LAB_DB=lab_db) as b):
        http = requests.Session()
        assert http.get(f"{a.url}/sandbox", timeout=TIMEOUT).ok
        on_a = Console(a.url, http)
        on_a.first("hello")
        assert on_a.run("docker run -d --name one busybox sleep 1000")["exit_code"] == 0
        on_b = Console(b.url, http)  # the same learner, on the other process
        assert [c["name"] for c in on_b.first("state")["containers"]] == ["one"]
        assert on_b.run("docker create --name two alpine")["exit_code"] == 0
        # a's console is still open: its next command finds its seq taken and rebuilds first
        ack = on_a.run("docker ps -a --format '{{.Names}} {{.State}}'")
        assert ack["exit_code"] == 0
        on_b.run("docker rm two")
        on_a.close()
        back = Console(a.url, http)  # a console attaching on a compares with the store
        hello = back.first("hello")
        assert [(e["Action"], e["Actor"]["Attributes"]["name"]) for e in hello["history"]][-2:] \
            == [("create", "two"), ("destroy", "two")]
        assert [c["name"] for c in back.first("state")["containers"]] == ["one"]
        back.close()
        on_b.close()
    check = Store(lab_db)
    try:
        (sandbox_id,) = check.ids()
        _, entries = check.load(sandbox_id)
        assert [e.data for e in entries if e.kind == "run"] == [
            "docker run -d --name one busybox sleep 1000", "docker create --name two alpine",
            "docker ps -a --format '{{.Names}} {{.State}}'", "docker rm two"]
    finally:
        check.close()


def test_the_postgres_launcher_answers_then_leaves_nothing_behind(postgres_server):
    import os

    import psycopg

    from webapp.services.postgres import PostgresServer

    with PostgresServer() as pg:
        assert pg.port != postgres_server.port and "127.0.0.1" in pg.url
        with psycopg.connect(pg.url) as conn:
            assert conn.execute("SHOW fsync").fetchone() == ("off",)
        other = pg.create_database()
        with psycopg.connect(other) as conn:
            assert conn.execute("SELECT current_database()").fetchone()[0] == other.rsplit("/", 1)[1]
        folder, pid = pg.folder, pg.pid
        assert folder.is_dir()
    assert not folder.exists()
    with pytest.raises(ProcessLookupError):
        os.kill(pid, 0)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(pg.url, connect_timeout=2)
