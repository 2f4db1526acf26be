"""`run {"inline": true}`: what a command sends its own console travels in its ack.

The page asks for it (one message per command instead of `command`, `engine_events`, `state` and
the output each on their own). The messages in the ack must be the very messages a console that
does not ask for it receives, in the same order; other consoles of the sandbox still get each one;
a command that goes on running streams as before; and nothing sent later overtakes the ack.
"""

from __future__ import annotations

import random
import re
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace
from typing import Any

import pytest
from socketio import Manager, packet

from webapp.live import NAMESPACE
from webapp.outbox import Outbox, defer, install_after_ack

from .conftest import LabClient, unfold
from .test_live_protocol import actions, containers


def inline(client: LabClient, line: str) -> dict[str, Any]:
    return client.request("run", {"line": line, "streamed": True, "inline": True})


def shape(name: str, payload: Any) -> Any:
    """A message without what differs between two sandboxes (ids, times)."""
    if name == "engine_event":
        return (name, payload["Action"], payload["Actor"]["Attributes"].get("name"))
    if name == "state":
        return (name, sorted((c["name"], c["state"], c["exit_code"]) for c in payload["containers"]))
    if name == "command":
        return (name, payload["line"], payload.get("invocation"))
    return (name,)


def printed(messages: list[dict[str, Any]], stream: str) -> str:
    text = "".join(m["args"][0]["data"] for m in messages
                   if m["name"] == "output" and m["args"][0]["stream"] == stream)
    return ids(text)


def ids(text: str) -> str:
    """Container ids differ between the two sandboxes."""
    return re.sub(r"\b[0-9a-f]{12,64}\b", "ID", text)


def as_messages(ack: dict[str, Any]) -> list[dict[str, Any]]:
    return unfold([{"name": name, "args": [payload]} for name, payload in ack["messages"]])


def learner(app: Any) -> Any:
    http = app.test_client()
    http.get("/sandbox")
    return http


def test_the_ack_carries_the_commands_messages_and_nothing_else_comes(lab):
    first = inline(lab, "docker ps")  # opens the sandbox: what a console gets then comes too
    assert [name for name, _ in first["messages"]] == ["files", "command", "output"]
    ack = inline(lab, "docker run -d --name web httpd")
    assert ack["exit_code"] == 0 and ack["streamed"] is True and ack["stdout"] == ""
    names = [name for name, _ in ack["messages"]]
    assert names == ["command", "output", "engine_events", "state"]
    events = as_messages(ack)
    assert actions([m["args"][0] for m in events if m["name"] == "engine_event"]) == [
        ("create", "web"), ("start", "web")]
    assert containers(ack["messages"][-1][1]) == {"web": "running"}
    assert lab.received() == []  # one message: the ack


@pytest.mark.parametrize("seed", [3, 11, 29])
def test_inline_messages_are_what_a_plain_console_receives_in_the_same_order(make_app, seed):
    """Generated command sequences on two sandboxes, one console asking for `inline`, one not."""
    app = make_app(LAB_RATE=1000)
    plain, folded = LabClient(app, flask_test_client=learner(app)), \
        LabClient(app, flask_test_client=learner(app))
    plain.received(), folded.received()
    rng = random.Random(seed)
    names = ["web", "db", "cache"]
    choices = ["docker run -d --name {n} httpd", "docker create --name {n} alpine",
               "docker start {n}", "docker stop -t 0 {n}", "docker kill {n}", "docker pause {n}",
               "docker unpause {n}", "docker rm -f {n}", "docker ps -a", "docker stop nosuch",
               "docker run --rm --name once alpine echo hi", "docker ps -q; docker restart {n}",
               "docker rm {n} || docker ps --format '{{{{.Names}}}}'"]
    for _ in range(25):
        line = rng.choice(choices).format(n=rng.choice(names))
        streamed = plain.request("run", {"line": line, "streamed": True})
        ack = inline(folded, line)
        assert ack["exit_code"] == streamed["exit_code"], line
        got = as_messages(ack)
        sent = plain.received()
        # the same messages in the same order, but for output: the plain console's may be folded
        # into its ack, in other pieces
        assert [shape(m["name"], m["args"][0]) for m in got if m["name"] != "output"] == \
            [shape(m["name"], m["args"][0]) for m in sent if m["name"] != "output"], line
        for stream in ("stdout", "stderr"):
            assert printed(got, stream) == ids(printed(sent, stream) + streamed[stream]), line
        assert folded.received() == [], line


def test_other_consoles_of_the_sandbox_still_get_each_message(app, http):
    http.get("/sandbox")
    first, second = LabClient(app, flask_test_client=http), LabClient(app, flask_test_client=http)
    first.received(), second.received()
    ack = inline(first, "docker run -d --name web httpd")
    assert [name for name, _ in ack["messages"]][-4:] == ["command", "output", "engine_events",
                                                          "state"]
    assert first.received() == []
    seen = second.received()
    assert [m["name"] for m in seen] == ["engine_event", "engine_event", "state"]
    assert containers(seen[-1]["args"][0]) == {"web": "running"}


def test_a_command_that_goes_on_running_streams_as_before(lab, manager):
    inline(lab, "docker ps")  # the sandbox is open
    pool = ThreadPoolExecutor(max_workers=1)
    future = pool.submit(inline, lab, "docker run --name napper ubuntu sh -c 'echo a; sleep 5; "
                         "echo b'")
    pool.shutdown(wait=False)
    try:
        lab.wait_for("output", lambda o: o["data"] == "a\n")
        first = lab.received()
        names = [m["name"] for m in first]  # sent as they came, not held for the ack
        assert names[0] == "command" and names[-1] == "state" and "engine_event" in names
    finally:
        manager.advance(5.1)  # whatever happened, the command ends
    ack = future.result(timeout=5)
    assert ack["streamed"] is True and "messages" not in ack
    rest = lab.received()
    assert [o["args"][0]["data"] for o in first + rest if o["name"] == "output"] == ["a\n", "b\n"]
    assert ("die", "napper") in actions([m["args"][0] for m in rest if m["name"] == "engine_event"])


def test_a_lesson_pages_progress_travels_in_the_ack_too(lab):
    assert lab.request("lesson", {"id": "why-exit"})["lesson"] == "why-exit"
    lab.received()
    ack = inline(lab, "docker run ubuntu")
    assert "progress" in [name for name, _ in ack["messages"]]
    assert lab.received() == []


def test_a_refused_line_sends_what_was_held_after_its_ack(lab):
    ack = inline(lab, "x" * 5000)  # longer than a line may be, not than a message
    assert ack["exit_code"] == 1 and "too long" in ack["error"] and "messages" not in ack
    # the sandbox it opened on the way still tells the console, after the ack
    assert [m["name"] for m in lab.received()] == ["files", "error"]
    assert inline(lab, "docker ps")["exit_code"] == 0  # the console is not left held
    assert inline(lab, "docker run -d --name web httpd")["messages"]
    assert lab.received() == []


# -- the parts: the outbox and the after-ack hook ----------------------------------------------------


class FakeServer:
    """Records what is sent; rooms as python-socketio's own manager keeps them."""

    def __init__(self) -> None:
        self.packet_class = packet.Packet
        self.eio = SimpleNamespace(generate_id=lambda: uuid.uuid4().hex)
        self.manager = Manager()
        self.manager.set_server(self)
        self.manager.initialize()
        self.sent: list[tuple[str, Any, str, Any]] = []

    def emit(self, name: str, data: Any, to: str, namespace: str, skip_sid: Any = None) -> None:
        self.sent.append((name, data, to, skip_sid))


def test_the_outbox_keeps_a_held_consoles_messages_until_taken_and_released():
    server = FakeServer()
    sid_a = server.manager.connect("a", NAMESPACE)
    sid_b = server.manager.connect("b", NAMESPACE)
    server.manager.enter_room(sid_a, NAMESPACE, "box")
    server.manager.enter_room(sid_b, NAMESPACE, "box")
    outbox = Outbox(server, NAMESPACE)
    outbox.emit("state", 0, "box")
    assert server.sent == [("state", 0, "box", None)]  # nobody held: straight out
    outbox.hold(sid_a)
    outbox.emit("command", 1, sid_a)
    outbox.emit("state", 2, "box")
    assert server.sent[1:] == [("state", 2, "box", [sid_a])]  # the others get it now
    assert outbox.take(sid_a) == [["command", 1], ["state", 2]]
    outbox.emit("engine_event", 3, "box")  # after the take, before the ack went out
    assert server.sent[2:] == [("engine_event", 3, "box", [sid_a])]
    outbox.release(sid_a)
    assert server.sent[3:] == [("engine_event", 3, sid_a, None)]
    outbox.emit("state", 4, "box")
    assert server.sent[4:] == [("state", 4, "box", None)]


def test_a_held_console_alone_in_its_room_costs_no_send():
    server = FakeServer()
    sid = server.manager.connect("a", NAMESPACE)
    server.manager.enter_room(sid, NAMESPACE, "box")
    outbox = Outbox(server, NAMESPACE)
    outbox.hold(sid)
    outbox.emit("state", 1, "box")
    assert server.sent == [] and outbox.take(sid) == [["state", 1]]


def test_deferred_callbacks_run_after_the_ack_is_queued_and_only_inside_a_handler():
    order: list[str] = []

    class Server:
        def _handle_event_internal(self, srv, sid, eio_sid, data, namespace, id):
            order.append("handler")
            assert defer(lambda: order.append("after ack"))
            order.append("ack queued")

    server = Server()
    install_after_ack(server)
    assert defer(lambda: None) is False  # no handler runs in this thread
    thread = threading.Thread(target=server._handle_event_internal,
                              args=(server, "s", "e", ["run"], NAMESPACE, 1))
    thread.start()
    thread.join()
    assert order == ["handler", "ack queued", "after ack"]
