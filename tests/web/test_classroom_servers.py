"""Classes on real servers: `lifecycle-lab serve` subprocesses and python-socketio clients.

One process alone, and two processes (like two hosts) that share a database (PostgreSQL, else one
SQLite file) for the classes and a real `redis-server` as Flask-SocketIO's message queue and the
class bus. The Redis tests skip without redis-server unless REQUIRE_REDIS=1.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest
import socketio

from tests.classroom_helpers import Member, RedisServer, app_server, join, start_class

LEARNERS = 50


@pytest.fixture(scope="module")
def single(tmp_path_factory) -> Iterator[list[str]]:
    with app_server(tmp_path_factory.mktemp("single")) as server:
        yield [server.url]


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory) -> Iterator[str]:
    with RedisServer(tmp_path_factory.mktemp("redis")) as redis:
        yield redis.url


@pytest.fixture(scope="module")
def shared_db(request, tmp_path_factory) -> str:
    """The database two hosts share: PostgreSQL where it is installed, else one SQLite file."""
    from webapp.services.postgres import available

    if available() is None or os.environ.get("REQUIRE_POSTGRES", "") not in ("", "0"):
        return request.getfixturevalue("postgres_server").create_database()
    return str(tmp_path_factory.mktemp("shared") / "lab.db")


@pytest.fixture(scope="module")
def pair(tmp_path_factory, redis_url, shared_db) -> Iterator[list[str]]:
    with (app_server(tmp_path_factory.mktemp("host-a"), LAB_MESSAGE_QUEUE=redis_url,
                     LAB_DB=shared_db) as a,
          app_server(tmp_path_factory.mktemp("host-b"), LAB_MESSAGE_QUEUE=redis_url,
                     LAB_DB=shared_db) as b):
        yield [a.url, b.url]


def mirrored(member: Member, text: str) -> None:
    deadline = time.monotonic() + 10
    while text not in member.screen():
        if time.monotonic() > deadline:
            raise AssertionError(f"{text!r} never reached the mirror; got {member.screen()[-300:]!r}")
        time.sleep(0.02)


def wait_row(teacher: Member, name: str, predicate, timeout: float = 10) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        data = teacher.call("dashboard")
        row = next((v for v in data["learners"] if v["name"] == name), None)
        if row is not None and predicate(row):
            return row
        if time.monotonic() > deadline:
            raise AssertionError(f"dashboard row of {name}: {row}")
        time.sleep(0.05)


def test_two_processes_share_one_class(pair):
    a, b = pair
    teach_http, code = start_class(a)
    teacher = Member(a, teach_http, code, "teach")
    members = [teacher]
    try:
        bob = Member(b, join(b, code, "bob"), code)  # on the other process
        ann = Member(a, join(a, code, "ann"), code)  # on the instructor's process
        members += [bob, ann]
        teacher.wait_for("/class", "dashboard")
        # The instructor's console reaches learners on both processes, in order.
        assert teacher.run("docker run -d --name web nginx")["exit_code"] == 0
        for learner in (bob, ann):
            mirrored(learner, "docker run -d --name web nginx")
            learner.wait_for("/class", "mirror", lambda m: m["kind"] == "event"
                             and m["data"]["Action"] == "start")
        # A late joiner on the other process sees the instructor's state at once.
        late = Member(b, join(b, code, "late"), code)
        members.append(late)
        hello = late.wait_for("/class", "mirror", lambda m: m["kind"] == "hello")
        assert [c["name"] for c in hello["containers"]] == ["web"]
        assert "docker run -d --name web nginx" in hello["screen"]
        # The dashboard on A sees bob's work on B; bob's commands stay in bob's sandbox.
        assert bob.run("docker run -d --name mine nginx")["exit_code"] == 0
        assert bob.run("docker start missing")["exit_code"] == 1
        row = wait_row(teacher, "bob", lambda r: r["containers"] == {"running": 1}
                       and r["last_error"] is not None)
        assert row["connected"] and row["last_error"]["line"] == "docker start missing"
        assert teacher.run("docker ps -a --format '{{.Names}}'")["stdout"] == "web\n"
        assert ann.run("docker ps -a --format '{{.Names}}'")["stdout"] == ""
        for learner in (bob, ann, late):  # nothing of bob's on the instructor's mirror:
            # the mirror is one ordered stream, so once the instructor's later line is there,
            # anything of bob's would have arrived before it
            mirrored(learner, "docker ps -a --format")
            assert "mine" not in str([m for ns, n, m in list(learner.seen) if n == "mirror"])
            assert "missing" not in learner.screen()
        # Only the instructor commands the class, from whichever process.
        assert bob.call("goto", {"lesson": "why-exit"}) == {"error": "only the instructor can use 'goto'"}
        with pytest.raises(socketio.exceptions.ConnectionError):
            Member(b, join(b, code, "eve"), code, "teach", lab=False)
        focus = teacher.call("goto", {"lesson": "lifecycle", "step": "start"})
        assert focus["step"] == "start"
        assert bob.wait_for("/class", "goto")["lesson"] == "lifecycle"
        # Reset every sandbox: bob's (on B) and ann's (on A), not the instructor's.
        assert teacher.call("reset_all")["epoch"] == 1
        wait_row(teacher, "bob", lambda r: r["containers"] == {})
        assert bob.run("docker ps -a -q")["stdout"] == ""
        assert teacher.run("docker ps -a --format '{{.Names}}'")["stdout"] == "web\n"
        # A learner who leaves shows as offline.
        ann.close()
        wait_row(teacher, "ann", lambda r: not r["connected"])
        # Ending the class reaches everyone.
        assert teacher.call("end") == {"ended": True}
        bob.wait_for("/class", "ended")
        late.wait_for("/class", "ended")
        for member in (teacher, bob, late):
            assert not [e for e in member.errors() if "only the instructor" not in e["message"]], \
                member.errors()
    finally:
        for member in members:
            member.close()


@pytest.mark.parametrize("servers", ["single", "pair"])
def test_fifty_learners_join_and_follow(servers, request):
    urls = request.getfixturevalue(servers)
    teach_http, code = start_class(urls[0])
    teacher = Member(urls[0], teach_http, code, "teach")
    learners: list[Member] = []

    def arrive(i: int) -> Member:
        url = urls[i % len(urls)]
        # Every fifth learner also opens their own console (the others only follow).
        return Member(url, join(url, code, f"learner-{i:02d}"), code, lab=i % 5 == 0)

    try:
        with ThreadPoolExecutor(max_workers=10) as pool:
            learners = list(pool.map(arrive, range(LEARNERS)))
        for learner in learners:
            learner.wait_for("/class", "mirror", lambda m: m["kind"] == "hello")
        assert teacher.run("docker run -d --name web nginx")["exit_code"] == 0
        assert teacher.run("docker stop -t 0 web")["exit_code"] == 0
        for learner in learners:
            mirrored(learner, "docker stop -t 0 web")
            learner.wait_for("/class", "mirror", lambda m: m["kind"] == "event"
                             and m["data"]["Action"] == "die")
        with ThreadPoolExecutor(max_workers=10) as pool:
            results = list(pool.map(lambda m: m.run("docker run -d --name mine nginx"),
                                    [m for m in learners if "/lab" in m.sio.namespaces]))
        assert all(r["exit_code"] == 0 for r in results), results
        deadline = time.monotonic() + 15
        while True:
            data = teacher.call("dashboard")
            if data["connected"] == LEARNERS and data["heatmap"]["running"] == len(results):
                break
            assert time.monotonic() < deadline, (data["connected"], data["heatmap"])
            time.sleep(0.1)
        assert len(data["learners"]) == LEARNERS
        for member in [teacher, *learners]:
            assert not member.errors(), member.errors()
    finally:
        for member in [teacher, *learners]:
            member.close()
