"""Classes in one process: Flask's and Flask-SocketIO's test clients on a virtual clock.

An instructor (`/teach`) and learners (`/join/<code>`) each have a browser (a Flask test client with
its own cookie), a `/lab` console and a `/class` connection.
"""

from __future__ import annotations

import itertools
import re
import time
from typing import Any

import pytest
from flask_socketio import SocketIOTestClient
from socketio import packet

from tests.classroom_helpers import teach
from webapp import socketio
from webapp.classroom.model import CODE_ALPHABET, CODE_LENGTH

from .conftest import LabClient

NS = "/class"


_SINKS: dict[str, Any] = {}  # eio_sid -> a test client that takes its acks by id


def _route_acks(client: Any) -> None:
    """Each new test client replaces the server's packet hook (the stock one, then `LabClient`'s
    wrapper on it) and so would starve the earlier clients of their acks: route every registered
    client's acks here, on top of whatever hook is current."""
    _SINKS[client.eio_sid] = client
    server = socketio.server
    current = server._send_packet

    def route(eio_sid: str, pkt: packet.Packet) -> None:
        sink = _SINKS.get(eio_sid)
        if pkt.packet_type == packet.ACK and sink is not None:
            sink._acks[pkt.id] = pkt.data[0] if len(pkt.data) == 1 else pkt.data
            return
        current(eio_sid, pkt)

    server._send_packet = route


class ClassClient(SocketIOTestClient):
    """A `/class` test client whose `request` returns the ack (from any thread)."""

    _ids = itertools.count(5000)

    def __init__(self, app: Any, **kwargs: Any):
        self._acks: dict[int, Any] = {}
        super().__init__(app, socketio, namespace=NS, **kwargs)
        if self.eio_sid:
            _route_acks(self)

    def request(self, event: str, *args: Any) -> Any:
        ack_id = next(self._ids)
        pkt = packet.Packet(packet.EVENT, data=[event, *args], namespace=NS, id=ack_id)
        socketio.server._handle_eio_message(self.eio_sid, pkt.encode())
        return self._acks.pop(ack_id, None)


def lab_client(app: Any, http: Any) -> LabClient:
    client = LabClient(app, flask_test_client=http)
    _route_acks(client)
    return client


class Browser:
    """One person's browser: cookie, `/lab` console, `/class` connection."""

    def __init__(self, app: Any, http: Any, code: str, role: str, auth: dict | None = None):
        self.app = app
        self.http = http
        self.code = code
        self.lab = lab_client(app, http)
        self.cls = ClassClient(app, flask_test_client=http,
                               auth={"code": code, "role": role, **(auth or {})})
        self.inbox: list[dict[str, Any]] = []

    @property
    def hub(self) -> Any:
        return self.app.extensions["lab.classroom"]

    def received(self) -> list[dict[str, Any]]:
        self.hub.drain()
        got = self.cls.get_received(NS)
        self.inbox += got
        return got

    def events(self, name: str) -> list[Any]:
        return [m["args"][0] for m in self.received() if m["name"] == name]

    def all(self, name: str) -> list[Any]:
        self.received()
        return [m["args"][0] for m in self.inbox if m["name"] == name]

    def call(self, event: str, data: Any = None) -> Any:
        return self.cls.request(event, {} if data is None else data)

    def run(self, line: str) -> dict[str, Any]:
        result = self.lab.run(line)
        self.hub.drain()
        return result

    def screen(self) -> str:
        text, last = "", -1
        for m in self.all("mirror"):
            if m["kind"] == "hello":
                text, last = m["screen"], m["seq"]
            elif m["kind"] == "output" and m["seq"] > last:
                text, last = text + m["data"], m["seq"]
        return text

    def mirrored_containers(self) -> set[str]:
        names: set[str] = set()
        for m in self.all("mirror"):
            if m["kind"] == "hello":
                names = {c["name"] for c in m["containers"]}
            elif m["kind"] == "state":
                names = {c["name"] for c in m["data"]}
        return names


@pytest.fixture
def app(make_app):
    return make_app(LAB_CLASS_STUCK_ERRORS=3)


@pytest.fixture
def teacher(app):
    http = app.test_client()
    res = teach(http)
    assert res.status_code == 303
    code = res.headers["Location"].rsplit("/", 1)[1]
    page = http.get(f"/teach/{code}")
    assert page.status_code == 200
    browser = Browser(app, http, code, "teach")
    assert browser.cls.is_connected(NS)
    return browser


def learner(app, code: str, name: str) -> Browser:
    http = app.test_client()
    res = http.get(f"/join/{code}", query_string={"name": name})
    assert res.status_code == 200, res.data[:400]
    browser = Browser(app, http, code, "learn")
    assert browser.cls.is_connected(NS)
    return browser


def dashboard_row(teacher: Browser, name: str) -> dict[str, Any]:
    teacher.hub.drain()  # the rows are written by the hub's worker thread
    data = teacher.call("dashboard")
    return next(v for v in data["learners"] if v["name"] == name)


# -- pages ------------------------------------------------------------------------------------------


def test_teach_creates_a_class_with_a_join_link_and_a_qr_code(app):
    http = app.test_client()
    res = teach(http)
    assert res.status_code == 303
    code = res.headers["Location"].rsplit("/", 1)[1]
    assert len(code) == CODE_LENGTH and set(code) <= set(CODE_ALPHABET)
    page = http.get(f"/teach/{code}").get_data(as_text=True)
    join_url = re.search(r'data-join-url="([^"]+)"', page).group(1)
    assert join_url.endswith(f"/join/{code}")
    assert '<svg' in page and 'qr-code' in page  # the QR code, drawn on the server
    assert 'id="lifecycle-graph"' in page and 'id="console"' in page and 'id="dashboard"' in page
    assert 'style="' not in page.split('<main', 1)[1]  # the CSP forbids inline styles
    qr = http.get(f"/teach/{code}/qr.svg")
    assert qr.status_code == 200 and qr.mimetype == "image/svg+xml"
    # The same browser gets its running class back; ?new=1 shows the form to start another.
    assert http.get("/teach").headers["Location"].endswith(f"/teach/{code}")
    assert not teach(http).headers["Location"].endswith(f"/teach/{code}")


def test_only_the_instructor_opens_the_instructor_view(app, teacher):
    other = app.test_client()
    assert other.get(f"/teach/{teacher.code}").status_code == 403
    assert other.get("/teach/NOSUCH").status_code == 404


@pytest.mark.backends
def test_join_asks_for_a_nickname_and_keeps_nicknames_unique(app, teacher):
    http = app.test_client()
    form = http.get(f"/join/{teacher.code}")
    assert form.status_code == 200 and b'name="name"' in form.data
    assert http.get(f"/join/{teacher.code.lower()}").status_code == 303  # codes are case-blind
    assert http.get(f"/join/{teacher.code}", query_string={"name": "<b>"}).status_code == 400
    assert http.get(f"/join/{teacher.code}", query_string={"name": "Ada"}).status_code == 200
    again = http.get(f"/join/{teacher.code}")  # the session remembers the nickname
    assert again.status_code == 200 and b'data-name="Ada"' in again.data
    taken = app.test_client().get(f"/join/{teacher.code}", query_string={"name": "ada"})
    assert taken.status_code == 400 and b"taken" in taken.data
    assert app.test_client().get("/join/ZZZZZZ").status_code == 404
    assert app.test_client().get("/join", query_string={"code": teacher.code}).status_code == 303
    # The instructor following their own join link lands on their own view.
    assert teacher.http.get(f"/join/{teacher.code}").status_code == 303


def test_a_taken_nickname_is_worded_by_its_key_in_each_language(app, teacher):
    learner(app, teacher.code, "Ada  Lovelace")
    for lang, text in (("en", "the nickname &#39;Ada Lovelace&#39; is taken in this class"),
                       ("ko", "이미 쓰고 있는 닉네임입니다(Ada Lovelace)")):
        http = app.test_client()
        http.get(f"/?lang={lang}")
        page = http.get(f"/join/{teacher.code}", query_string={"name": " Ada Lovelace "})
        assert page.status_code == 400 and text in page.get_data(as_text=True), lang


# -- permissions ------------------------------------------------------------------------------------


def test_without_the_secret_nobody_gets_the_dashboard(app, teacher):
    ada = learner(app, teacher.code, "ada")
    # A learner asking to be the instructor is refused at the door...
    for auth in ({}, {"secret": "guess"}):
        impostor = ClassClient(app, flask_test_client=ada.http,
                                      auth={"code": teacher.code, "role": "teach", **auth})
        assert not impostor.is_connected(NS)
    # ... and as a learner cannot broadcast, reset, end or read the dashboard.
    for event, data in (("goto", {"lesson": "why-exit"}), ("reset_all", {}), ("end", {}),
                        ("dashboard", {})):
        ack = ada.call(event, data)
        assert ack == {"error": f"only the instructor can use '{event}'"}
    ada.received()
    assert not ada.all("dashboard") and not ada.all("learner") and not ada.all("goto")
    assert app.extensions["lab.classroom"].store.get_class(teacher.code).ended is None
    # Unknown events and bad payloads get a clear error, the connection stays up.
    ada.cls.emit("nope", {}, namespace=NS)
    assert "unknown event 'nope'" in ada.events("error")[-1]["message"]
    assert teacher.call("goto", {"lesson": 3}) == {"error": "'goto' needs {\"lesson\": \"why-exit\", "
                                                             "\"step\": \"run-default\"}"}
    assert "error" in teacher.call("goto", {"lesson": "why-exit", "step": "nope"})
    assert ada.cls.is_connected(NS) and teacher.cls.is_connected(NS)


@pytest.mark.parametrize("args, message", [
    (("sync",), "'follow' expects no payload or one object like {\"on\": true}"),
    (({"on": True}, "extra"), "'follow' expects no payload or one object"),
    (({"on": True, "pad": "x" * 10_000},), "'follow' payload too large (at most 8192 characters)"),
])
def test_class_payloads_follow_the_same_rules_as_the_console(app, teacher, args, message):
    ada = learner(app, teacher.code, "ada")
    ada.received()
    ack = ada.cls.request("follow", *args)
    assert ack["error"].startswith(message)
    assert [e["message"] for e in ada.events("error")] == [ack["error"]]
    # The console's guard says the same about the same mistake (`hint` takes an optional object).
    ada.lab.received()
    ada.lab.request("hint", *args)
    [lab_error] = ada.lab.events("error")
    assert lab_error["message"] == ack["error"].replace("'follow'", "'hint'").replace(
        '{"on": true}', "{}")
    assert ada.call("follow", {"on": False}) == {"following": False}
    assert ada.cls.is_connected(NS)


def test_a_flood_on_class_is_dropped_with_one_error(make_app):
    app = make_app(LAB_RATE=1)  # /class allows at least 20 messages a second
    http = app.test_client()
    code = teach(http).headers["Location"].rsplit("/", 1)[1]
    http.get(f"/teach/{code}")
    teacher = Browser(app, http, code, "teach")
    socketio.server.namespace_handlers[NS].clock = lambda: 1000.0  # no refill while we flood
    acks = [teacher.call("sync") for _ in range(25)]
    assert all("seq" in ack for ack in acks[:20])
    assert {ack["error"] for ack in acks[20:]} == {"too many messages"}
    errors = [e["message"] for e in teacher.events("error")]
    assert errors == ["too many messages: slow down (some were dropped)"]
    assert teacher.cls.is_connected(NS)


def test_no_class_no_connection(app):
    http = app.test_client()
    http.get("/sandbox")
    client = ClassClient(app, flask_test_client=http,
                                auth={"code": "ZZZZZZ", "role": "learn", "name": "x"})
    assert not client.is_connected(NS)


# -- following ----------------------------------------------------------------------------------------


def test_learners_follow_the_instructor_console_and_graph(app, teacher):
    ada = learner(app, teacher.code, "ada")
    assert ada.all("class")[0]["code"] == teacher.code
    teacher.run("docker run -d --name web nginx")
    screen = ada.screen()
    assert "docker run -d --name web nginx" in screen
    events = [m["data"] for m in ada.all("mirror") if m["kind"] == "event"]
    assert [e["Action"] for e in events][:2] == ["create", "start"]
    assert events[0]["Actor"]["Attributes"]["name"] == "web"
    assert ada.mirrored_containers() == {"web"}
    seqs = [m["seq"] for m in ada.all("mirror")]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs)  # numbered, in order
    out = teacher.run("docker ps --format '{{.Names}} {{.State}}'")
    assert out["stdout"] == "web running\n"
    assert "web running" in ada.screen()


@pytest.mark.backends
def test_a_late_joiner_sees_the_instructor_state_at_once(app, teacher):
    teacher.run("docker run -d --name web nginx")
    teacher.run("docker pause web")
    late = learner(app, teacher.code, "late")
    hello = late.all("mirror")[0]
    assert hello["kind"] == "hello"
    assert [c["name"] for c in hello["containers"]] == ["web"]
    assert hello["containers"][0]["state"] == "paused"
    assert [e["Action"] for e in hello["history"]][-1] == "pause"
    assert "docker pause web" in hello["screen"]
    assert hello["lifecycle"]["states"]
    # `sync` gives a fresh snapshot (what a client does after a gap in the numbers).
    assert late.call("sync")["seq"] == hello["seq"]


def test_learner_commands_stay_in_their_own_sandbox(app, teacher):
    ada, bob = learner(app, teacher.code, "ada"), learner(app, teacher.code, "bob")
    before = [m["seq"] for m in bob.all("mirror")]
    bob.lab.received()
    result = ada.run("docker run -d --name mine nginx")
    assert result["exit_code"] == 0
    # Not on the instructor's mirror (nobody got a change), not in bob's or the teacher's sandbox.
    assert [m["seq"] for m in bob.all("mirror")] == before
    assert bob.mirrored_containers() == set()
    assert not [e for e in bob.lab.events("engine_event")]
    assert bob.run("docker ps -a --format '{{.Names}}'")["stdout"] == ""
    assert teacher.run("docker ps -a --format '{{.Names}}'")["stdout"] == ""
    assert ada.run("docker ps -a --format '{{.Names}}'")["stdout"] == "mine\n"


# -- the dashboard ----------------------------------------------------------------------------------


@pytest.mark.backends
def test_the_dashboard_shows_each_learner(app, teacher):
    ada = learner(app, teacher.code, "ada")
    learner(app, teacher.code, "bob")
    ada.run("docker run -d --name a1 nginx")
    ada.run("docker run -d --name a2 nginx")
    ada.run("docker create --name a3 nginx")
    row = dashboard_row(teacher, "ada")
    assert row["connected"] and row["following"]
    assert row["containers"] == {"running": 2, "created": 1}
    assert row["last_error"] is None and not row["stuck"]
    data = teacher.call("dashboard")
    assert data["heatmap"]["running"] == 1 and data["heatmap"]["created"] == 1
    assert data["connected"] == 2
    assert [v["name"] for v in data["learners"]] == ["ada", "bob"]
    assert all("sids" not in v and "learner" not in v for v in data["learners"])  # no secrets
    # Rows arrive live too.
    pushed = [v for v in teacher.all("learner") if v["name"] == "ada"]
    assert pushed[-1]["containers"] == {"running": 2, "created": 1}
    # Working alone is reported.
    assert ada.call("follow", {"on": False}) == {"following": False}
    assert not dashboard_row(teacher, "ada")["following"]


def test_repeated_errors_make_a_learner_stuck(app, teacher):
    ada = learner(app, teacher.code, "ada")
    for _ in range(3):
        assert ada.run("docker start nothing")["exit_code"] == 1
    row = dashboard_row(teacher, "ada")
    assert row["stuck"] and row["stuck_reason"] == "3 failed commands in a row"
    assert row["last_error"]["line"] == "docker start nothing"
    assert "No such container" in row["last_error"]["message"]
    ada.run("docker ps")
    assert not dashboard_row(teacher, "ada")["stuck"]


def test_no_progress_for_a_while_makes_a_learner_stuck(make_app):
    app = make_app(LAB_CLASS_STUCK_SECONDS=120)
    hub = app.extensions["lab.classroom"]
    later = 0.0
    hub.clock = lambda: time.time() + later  # the class's wall clock, moved on by the test
    http = app.test_client()
    code = teach(http).headers["Location"].rsplit("/", 1)[1]
    http.get(f"/teach/{code}")
    teacher = Browser(app, http, code, "teach")
    ada = learner(app, code, "ada")
    progress = ada.lab.request("lesson", {"id": "why-exit"})
    assert progress["lesson"] == "why-exit"
    ada.hub.drain()
    row = dashboard_row(teacher, "ada")
    assert row["lesson"] == "why-exit" and row["step"] == "run-default"
    assert row["steps_total"] == 10 and not row["stuck"]
    later = 121.0
    row = dashboard_row(teacher, "ada")
    assert row["stuck"] and row["stuck_reason"] == "no progress for 2 min"


@pytest.mark.backends
def test_lesson_progress_reaches_the_dashboard(app, teacher):
    ada = learner(app, teacher.code, "ada")
    ada.lab.request("lesson", {"id": "why-exit"})
    ada.run("docker run ubuntu:20.04")
    row = dashboard_row(teacher, "ada")
    assert row["lesson"] == "why-exit"
    assert row["steps_done"] >= 1 and row["step"] != "run-default"


def test_the_instructor_sends_everyone_to_a_lesson_step(app, teacher):
    ada = learner(app, teacher.code, "ada")
    focus = teacher.call("goto", {"lesson": "lifecycle", "step": "create"})
    assert focus["lesson"] == "lifecycle" and focus["step"] == "create"
    assert ada.events("goto")[-1]["step"] == "create"
    late = learner(app, teacher.code, "late")
    assert late.all("class")[0]["focus"]["step"] == "create"  # late joiners are sent there too
    page = late.http.get(f"/join/{teacher.code}").get_data(as_text=True)
    assert "&#34;create&#34;" in page or "&quot;create&quot;" in page


@pytest.mark.backends
def test_reset_all_resets_every_learner_but_not_the_instructor(app, teacher):
    ada, bob = learner(app, teacher.code, "ada"), learner(app, teacher.code, "bob")
    teacher.run("docker run -d --name web nginx")
    ada.run("docker run -d --name a nginx")
    bob.run("docker run -d --name b nginx")
    assert teacher.call("reset_all")["epoch"] == 1
    assert ada.run("docker ps -a -q")["stdout"] == ""
    assert bob.run("docker ps -a -q")["stdout"] == ""
    assert teacher.run("docker ps -a --format '{{.Names}}'")["stdout"] == "web\n"
    assert dashboard_row(teacher, "ada")["containers"] == {}
    assert any("reset" in n["message"] for n in ada.all("notice"))


@pytest.mark.backends
def test_a_learner_who_missed_a_reset_is_reset_when_they_come_back(app, teacher):
    ada = learner(app, teacher.code, "ada")
    ada.run("docker run -d --name a nginx")
    ada.lab.disconnect("/lab")
    hub = app.extensions["lab.classroom"]
    sandbox_id = next(iter(hub.store.learners(teacher.code)))
    hub.set_role(sandbox_id, None)  # as if it lived on another process that missed the bus
    hub.store.update_class(teacher.code, lambda r: setattr(r, "reset_epoch", r.reset_epoch + 1))
    back = lab_client(app, ada.http)
    hub.drain()
    assert back.run("docker ps -a -q")["stdout"] == ""


@pytest.mark.backends
def test_ending_the_class(app, teacher):
    ada = learner(app, teacher.code, "ada")
    assert teacher.call("end") == {"ended": True}
    assert ada.events("ended") == [{"code": teacher.code}]
    late = app.test_client()
    assert late.get(f"/join/{teacher.code}", query_string={"name": "x"}).status_code == 410
    again = ClassClient(app, flask_test_client=ada.http,
                               auth={"code": teacher.code, "role": "learn"})
    assert not again.is_connected(NS)
    # Learners keep their sandbox; the instructor's next /teach starts a new class.
    assert ada.run("docker run -d --name after nginx")["exit_code"] == 0
    assert teacher.http.get("/teach").status_code == 200  # the start form, not the ended class


def test_the_instructor_reset_and_reload_resend_the_snapshot(app, teacher):
    ada = learner(app, teacher.code, "ada")
    teacher.run("docker run -d --name web nginx")
    teacher.lab.request("reset")
    hub = app.extensions["lab.classroom"]
    hub.drain()
    hello = [m for m in ada.all("mirror") if m["kind"] == "hello"][-1]
    assert hello["containers"] == [] and "reset their sandbox" in hello["screen"]
    assert ada.mirrored_containers() == set()
