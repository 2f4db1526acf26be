"""A process lost mid-class, and a graceful restart, on a real cluster (all real, nothing mocked).

PostgreSQL (or one shared SQLite file where this build has no PostgreSQL launcher), Redis, nginx and
two app processes (`serve --production`). 100 learners are python-socketio clients with cookie jars
that go through nginx as browsers do: the join page for the cookies (`lab_session`, `lab_route`),
then the sockets with those cookies. Each learner has containers in every state and a lesson step
done, in an instructor's class.

1. SIGKILL one app process. Every learner reconnects through nginx (its learners land on the
   survivor) and finds the same containers in the same states, the same lesson progress and the same
   event history; the instructor's dashboard still lists all 100.
2. Start it again; then SIGTERM the other while every learner keeps sending commands, and start it
   again. Every command gets exactly one result, and each appears once in the store's log.

It prints a summary (quoted in the README).
"""

from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests
import socketio

from tests.classroom_helpers import csrf_token
from webapp.store import Store

from .conftest import start_cluster

LEARNERS = 100
TIMEOUT = 60.0  # generous: 100 learners' sandboxes rebuilt on a busy 2-core machine
LESSON, LESSON_STEP, LESSON_SOLUTION = "why-exit", "run-default", "docker run ubuntu:20.04"
# One container in each state a learner can leave it in (restarting is a moment, not a state to keep).
SETUP = [
    "docker create --name made busybox",
    "docker run -d --name up busybox sleep 100000",
    "docker run -d --name held busybox sleep 100000",
    "docker pause held",
    "docker run --name done busybox true",
]
EXPECTED_STATES = {"made": "created", "up": "running", "held": "paused", "done": "exited"}
PS = "docker ps -a --format '{{.Names}} {{.State}}'"

pytestmark = [pytest.mark.scale, pytest.mark.timeout(900)]


def wait(condition: Any, what: str, timeout: float = TIMEOUT, details: Any = None) -> None:
    """Poll `condition()` until true (a state reached), failing with `what` (and `details()`)
    after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            more = f"\n{details()}" if details is not None else ""
            raise AssertionError(f"not within {timeout:g} s: {what}{more}")
        time.sleep(0.05)


def cookie_header(http: requests.Session) -> str:
    return "; ".join(f"{name}={value}" for name, value in http.cookies.items())


class Learner:
    """A browser on the class join page: its cookies, its `/lab` console and its `/class` socket.

    Reconnects by itself, as the page's Socket.IO client does; `connects` counts the connections,
    `hellos` keeps every `hello` (the history a reconnect brings)."""

    def __init__(self, url: str, code: str, index: int):
        self.index = index
        self.name = f"learner-{index:03d}"
        self.http = requests.Session()
        res = self.http.get(f"{url}/join/{code}", params={"name": self.name}, timeout=TIMEOUT)
        assert res.ok, res.text[:300]
        assert {"lab_session", "lab_route"} <= set(self.http.cookies.keys())
        self.hellos: list[dict[str, Any]] = []
        self.events: list[dict[str, Any]] = []
        self.connects = 0
        self.drops = 0
        self.changed = threading.Condition()
        self.url, self.code = url, code
        self._stuck: tuple[str, float] | None = None  # how the client is stuck, and since when
        self.sio = self._client()

    def _client(self) -> socketio.Client:
        """A Socket.IO client, connected: the learner's first, or one that replaces a client the
        library left stuck (`stuck`)."""
        sio = socketio.Client(reconnection=True, reconnection_delay=0.2,
                              reconnection_delay_max=1.0, reconnection_attempts=0)
        sio.on("hello", self._hello, namespace="/lab")
        sio.on("engine_event", self.events.append, namespace="/lab")
        sio.on("engine_events", lambda batch: self.events.extend(batch["events"]),
               namespace="/lab")  # one command's events in one message
        sio.on("connect", self._connected, namespace="/lab")
        sio.on("disconnect", self._dropped, namespace="/lab")
        sio.connect(self.url, namespaces=["/lab", "/class"], transports=["websocket"],
                    headers={"Cookie": cookie_header(self.http)},
                    auth={"code": self.code, "role": "learn", "lesson": LESSON},
                    wait_timeout=TIMEOUT)
        return sio

    def _hello(self, data: dict[str, Any]) -> None:
        with self.changed:
            self.hellos.append(data)
            self.changed.notify_all()

    def _connected(self) -> None:
        with self.changed:
            self.connects += 1
            self.changed.notify_all()

    def _dropped(self, *reason: Any) -> None:
        with self.changed:
            self.drops += 1
            self.changed.notify_all()

    @property
    def connected(self) -> bool:
        return bool(self.sio.connected and "/lab" in self.sio.namespaces)

    def call(self, event: str, data: dict[str, Any]) -> Any:
        return self.sio.call(event, data, namespace="/lab", timeout=TIMEOUT)

    def run(self, line: str) -> dict[str, Any]:
        result = self.call("run", {"line": line})
        assert "retry" not in result, result
        return result

    def containers(self) -> dict[str, str]:
        result = self.run(PS)
        assert result["exit_code"] == 0, result
        return dict(line.split() for line in result["stdout"].splitlines())

    def send_once(self, line: str, stats: Counter) -> dict[str, Any]:
        """One command that must run exactly once: sent again only when it surely did not run
        (a retry ack, or a connection that dropped before its ack during a graceful stop)."""
        for _ in range(5):
            self.wait_connected(stats)
            with self.changed:
                generation = self.connects
            answer: queue.Queue = queue.Queue()
            try:
                # (an empty ack: the command reached a connection that was closing; not run)
                self.sio.emit("run", {"line": line}, namespace="/lab",
                              callback=lambda *data, box=answer: box.put(data[0] if data else {}))
            except socketio.exceptions.BadNamespaceError:  # dropped just now
                stats["resent_not_connected"] += 1
                continue
            stats["sent"] += 1
            deadline = time.monotonic() + TIMEOUT
            ack = None
            stranded = False
            while ack is None and time.monotonic() < deadline:
                try:
                    ack = answer.get(timeout=0.1)
                except queue.Empty:
                    if self.stranded():
                        stats["client_stranded"] += not stranded
                        stranded = True
                        self.sio.eio.ws.close()  # so it notices, drops and reconnects
                    if self.replaced_if_stuck(stats):
                        break  # what it was given never left: sent again on the new client
                    with self.changed:
                        if self.connects > generation or not self.connected:
                            break  # the connection dropped: no ack will come on it
            if ack is None and self.connects == generation and self.connected:
                raise AssertionError(f"{self.name}: no answer to {line!r} on a live connection")
            if ack is None or not ack or ack.get("retry"):
                stats["resent_after_drop" if not ack else "retry_acks"] += 1
                self.wait_reconnected(generation, stats)  # then send it again
                continue
            stats["acked"] += 1
            return ack
        raise AssertionError(f"{self.name}: {line!r} got no result")

    def stranded(self) -> bool:
        """The client library's own failure: its write loop gave up (no ping from the server for
        30 s, a connection lost without a close, as through a proxy to a process that was
        stopping) while its read loop still waits, so it says it is connected but sends nothing.
        What it was asked to send since then never left: sending it again runs it once."""
        eio = self.sio.eio
        return eio.state == "connected" and eio.write_loop_task is None

    def stuck(self) -> str | None:
        """The client library's reconnect race, when the server closes the connection just as a
        reconnect's last namespace connects (a process being stopped closes the connections that
        reached it). The kind of stuck client, or None:

        - `client_transport_gone`: the library saw the close before it counted itself connected,
          so it neither said `disconnect` nor scheduled a reconnect, then counted itself
          connected: it drops whatever it is asked to send, and waits for nothing;
        - `client_abandoned`: the close came a step later, after it counted itself connected but
          before its reconnect task ended: it said `disconnect` but started no new reconnect, as
          the old one still ran, and the old one then ended.
        """
        sio = self.sio
        if sio.connected:
            return "client_transport_gone" if sio.eio.state != "connected" else None
        if sio.eio.state != "connected" and getattr(sio, "_reconnect_task", None) is None:
            return "client_abandoned"
        return None

    def replaced_if_stuck(self, stats: Counter) -> bool:
        """Replace a client that has been `stuck` the same way for over a second (not a moment's
        state between two steps of the library); True if it was replaced."""
        kind = self.stuck()
        if kind is None or self._stuck is None or self._stuck[0] != kind:
            self._stuck = (kind, time.monotonic()) if kind is not None else None
            return False
        if time.monotonic() - self._stuck[1] <= 1.0:
            return False
        stats[kind] += 1
        self._stuck = None
        self.replace_client()
        return True

    def wait_connected(self, stats: Counter) -> None:
        """Until connected (at most TIMEOUT), replacing a client the library left `stuck`."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self.changed:
                if self.changed.wait_for(lambda: self.connected, timeout=0.2):
                    return
            self.replaced_if_stuck(stats)

    def replace_client(self) -> None:
        """A new client in place of a stuck one (which has nothing left to close)."""
        stuck = self.sio
        deadline = time.monotonic() + TIMEOUT
        while True:
            try:
                self.sio = self._client()
                break
            except socketio.exceptions.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        threading.Thread(target=stuck.shutdown, daemon=True).start()

    def wait_reconnected(self, generation: int, stats: Counter) -> None:
        """Until a new connection is up (at most TIMEOUT), mending the client library's failures
        meanwhile as the wait for an ack does (a client stranded on a silent connection would
        otherwise hold the learner here until its read loop times out, 45 s later)."""
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            with self.changed:
                if self.changed.wait_for(lambda: self.connects > generation and self.connected,
                                         timeout=0.2):
                    return
            if self.stranded():
                stats["client_stranded"] += 1
                self.sio.eio.ws.close()  # so it notices, drops and reconnects
            self.replaced_if_stuck(stats)

    def close(self) -> None:
        threading.Thread(target=self.sio.disconnect, daemon=True).start()


def start_class(url: str) -> tuple[requests.Session, str]:
    http = requests.Session()
    form = http.get(f"{url}/teach", timeout=TIMEOUT)
    assert form.ok, form.text[:300]
    res = http.post(f"{url}/teach", data={"csrf_token": csrf_token(form.text)},
                    headers={"Origin": url}, timeout=TIMEOUT)
    assert res.ok, res.text[:300]
    return http, res.url.rstrip("/").rsplit("/", 1)[1]


def dashboard(url: str, http: requests.Session, code: str) -> dict[str, Any]:
    """The instructor's dashboard, from a fresh `/class` connection through nginx."""
    got: queue.Queue = queue.Queue()
    sio = socketio.Client(reconnection=False)
    sio.on("dashboard", got.put, namespace="/class")
    sio.connect(url, namespaces=["/class"], transports=["websocket"],
                headers={"Cookie": cookie_header(http)}, auth={"code": code, "role": "teach"},
                wait_timeout=TIMEOUT)
    try:
        return got.get(timeout=TIMEOUT)
    finally:
        threading.Thread(target=sio.disconnect, daemon=True).start()


def history_key(events: list[dict[str, Any]]) -> list[tuple[str, str, str | None]]:
    return [(e["Type"], e["Action"], e["Actor"]["Attributes"].get("name")) for e in events]


def test_a_process_lost_mid_class_and_a_graceful_restart(tmp_path):
    # In pytest's temporary folder: the processes' logs stay there for a failure's post-mortem.
    cluster = start_cluster(processes=2, threads=300, folder=tmp_path / "cluster",
                            env={"LAB_RATE": "50", "LAB_MAX_SANDBOXES": "400",
                                 "LAB_CLASS_RATE": "100/minute"})
    learners: list[Learner] = []
    pool = ThreadPoolExecutor(max_workers=25)
    try:
        url = cluster.url
        teacher, code = start_class(url)

        # -- a class of 100, each with containers in every state and a lesson step done ---------
        started = time.monotonic()
        learners = list(pool.map(lambda i: Learner(url, code, i), range(LEARNERS)))

        def prepare(learner: Learner) -> tuple[dict[str, str], list[str]]:
            progress = learner.call("lesson", {"id": LESSON})
            assert progress["lesson"] == LESSON, progress
            for line in SETUP:
                learner.run(line)
            assert learner.run(LESSON_SOLUTION)["exit_code"] == 0
            containers = learner.containers()  # (`docker ps -a` is the lesson's next step too)
            for name, state in EXPECTED_STATES.items():
                assert containers[name] == state, (learner.name, containers)
            progress = learner.call("lesson", {"id": LESSON})
            done = [step["id"] for step in progress["steps"] if step["done"]]
            assert LESSON_STEP in done, progress
            return containers, done

        before = list(pool.map(prepare, learners))
        sandboxes = [learner.hellos[-1]["sandbox"] for learner in learners]
        histories = [history_key(learner.events) for learner in learners]
        set_up_seconds = time.monotonic() - started
        board = dashboard(url, teacher, code)
        assert len(board["learners"]) == LEARNERS

        # -- 1. SIGKILL one process ---------------------------------------------------------------
        # Where nginx sends each learner (by their lab_route cookie): its X-Lab-Upstream header.
        homes = [cluster.process_of(le.http.get(f"{url}/healthz", timeout=TIMEOUT).headers)
                 for le in learners]
        moved = [i for i in range(LEARNERS) if homes[i] == 0]
        assert moved, "no learner on the process to kill (the hash sent everyone to one)"
        assert len(moved) < LEARNERS, "no learner on the surviving process"
        hellos_before = [len(learner.hellos) for learner in learners]
        connects_before = [learner.connects for learner in learners]
        cluster.kill(0)
        killed_at = time.monotonic()
        # The lost process's learners reconnect through nginx (to the survivor) and get a hello.
        wait(lambda: all(learners[i].connects > connects_before[i] and learners[i].connected
                         and len(learners[i].hellos) > hellos_before[i] for i in moved),
             "the moved learners connected again, with a hello")
        assert all(le.connected for le in learners)
        reconnected_seconds = time.monotonic() - killed_at
        assert all(cluster.process_of(le.http.get(f"{url}/healthz", timeout=TIMEOUT).headers) == 1
                   for le in learners)

        def verify(i: int) -> None:
            learner = learners[i]
            containers_before, done_before = before[i]
            progress = learner.call("lesson", {"id": LESSON})
            assert [s["id"] for s in progress["steps"] if s["done"]] == done_before, learner.name
            assert learner.containers() == containers_before, learner.name
            if i in moved:  # the hello of the reconnect: the same history, rebuilt from the store
                hello = learner.hellos[-1]
                assert hello["sandbox"] == sandboxes[i]
                assert history_key(hello["history"]) == histories[i], learner.name

        list(pool.map(verify, range(LEARNERS)))
        board = dashboard(url, teacher, code)
        assert sorted(row["name"] for row in board["learners"]) == [le.name for le in learners]

        # -- 2. graceful restart while everyone keeps sending commands ----------------------------
        cluster.start(0)
        stats: Counter = Counter()
        lines: dict[int, list[str]] = {i: [] for i in range(LEARNERS)}
        results: dict[int, list[dict[str, Any]]] = {i: [] for i in range(LEARNERS)}
        stop = threading.Event()
        phase = {"restarted": False}
        after_restart = Counter()

        failures: list[str] = []

        def keep_sending(i: int) -> None:
            n = 0
            while not stop.is_set():
                n += 1
                line = f"docker create --name g{n} busybox"
                lines[i].append(line)
                try:
                    results[i].append(learners[i].send_once(line, stats))
                except AssertionError as err:
                    failures.append(f"{err} (sandbox {sandboxes[i]})")
                    return
                if phase["restarted"]:
                    after_restart[i] += 1

        senders = [threading.Thread(target=keep_sending, args=(i,), daemon=True)
                   for i in range(LEARNERS)]
        for sender in senders:
            sender.start()
        wait(lambda: all(len(results[i]) >= 2 for i in range(LEARNERS)),
             "every learner's first commands answered")
        assert cluster.terminate(1, timeout=TIMEOUT) == 0, cluster.logs()
        cluster.start(1)
        phase["restarted"] = True
        def stuck() -> str:
            waiting = [i for i in range(LEARNERS) if after_restart[i] < 2]
            rows = [f"{learners[i].name}: connected {learners[i].connected}, connects "
                    f"{learners[i].connects}, sent {len(lines[i])}, answered {len(results[i])}, "
                    f"last {lines[i][-1:]}" for i in waiting[:10]]
            return f"{len(waiting)} learners waiting; {dict(stats)}\n" + "\n".join(rows) + \
                "\n" + cluster.logs()

        wait(lambda: failures or all(after_restart[i] >= 2 for i in range(LEARNERS)),
             "every learner's commands answered after the restart", details=stuck)
        assert not failures, "\n".join(failures) + f"\nlogs in {cluster.folder}"
        stop.set()
        for sender in senders:
            sender.join(TIMEOUT)
            assert not sender.is_alive()

        # Exactly one result per command, and each command once in the store's log.
        for i in range(LEARNERS):
            assert len(results[i]) == len(lines[i])
            assert all(r["exit_code"] == 0 for r in results[i]), (learners[i].name, results[i])
        assert stats["acked"] == sum(len(v) for v in lines.values())
        store = Store(cluster.db_url)
        try:
            for i, sandbox in enumerate(sandboxes):
                loaded = store.load(sandbox)
                assert loaded is not None
                logged = Counter(entry.data for entry in loaded[1] if entry.kind == "run")
                for line in lines[i]:
                    assert logged[line] == 1, (learners[i].name, line, logged[line])
        finally:
            store.close()
        states = Counter(state for containers, _ in before for state in containers.values())
        print(f"\nfailover: {LEARNERS} learners in one class on 2 app processes behind nginx "
              f"({cluster.db_kind}, Redis); set up in {set_up_seconds:.1f} s; containers by state: "
              + ", ".join(f"{state} {count}" for state, count in sorted(states.items()))
              + f"\nfailover: SIGKILL of one process: {len(moved)} learners moved, all "
              f"{LEARNERS} connected again with the same containers, progress and history in "
              f"{reconnected_seconds:.1f} s; dashboard lists {len(board['learners'])}"
              f"\nfailover: graceful restart (SIGTERM) under load: {stats['acked']} commands, "
              f"each with one result and once in the log ({stats['sent']} sends: "
              f"{stats['retry_acks']} answered 'retry' and sent again after the reconnect, "
              f"{stats['resent_after_drop']} sent again after a drop, of which "
              f"{stats['client_stranded']} by a test client stranded on a silent connection; "
              f"{stats['client_transport_gone'] + stats['client_abandoned']} test clients "
              "replaced, left by the client library connected in name only or not reconnecting)")
    finally:
        for learner in learners:
            learner.close()
        pool.shutdown(wait=False)
        cluster.stop()
