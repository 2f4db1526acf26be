"""The `/lab` Socket.IO protocol with Flask-SocketIO's test client, on a virtual clock.

Time only moves when a test says so (`manager.advance`), so "a container dies 5 s later" is checked
exactly, without sleeping.
"""

from __future__ import annotations

import pytest

from webapp.engine import lifecycle
from webapp.live import NAMESPACE

from .conftest import LabClient


def actions(events: list[dict]) -> list[tuple[str, str]]:
    return [(e["Action"], e["Actor"]["Attributes"].get("name", "")) for e in events]


def containers(state: dict) -> dict[str, str]:
    return {c["name"]: c["state"] for c in state["containers"]}


# -- connecting -----------------------------------------------------------------------------------------


def test_connect_says_hello_and_sends_the_state(app, http):
    http.get("/sandbox")
    with http.session_transaction() as session:
        sandbox_id = session["sandbox"]
    client = LabClient(app, flask_test_client=http)
    received = client.received()
    assert [r["name"] for r in received] == ["hello", "state", "files"]
    hello, state = received[0]["args"][0], received[1]["args"][0]
    assert received[2]["args"][0] == {"files": {}}  # the workspace (tests/web/test_workspace.py)
    assert hello["sandbox"] == sandbox_id
    assert hello["engine"] == "sim"
    assert hello["lifecycle"] == lifecycle.as_json()
    assert hello["history"] == []
    assert state == {"containers": []}


# -- run, output, events, state ----------------------------------------------------------------------


def test_run_is_acknowledged_with_the_result_and_streams_output(lab):
    ack = lab.run("docker ps -a")
    assert ack["exit_code"] == 0 and ack["stderr"] == ""
    assert ack["stdout"].startswith("CONTAINER ID")
    assert lab.output() == ack["stdout"]


def test_the_ack_summarizes_the_parsed_command(lab):
    ack = lab.run("docker run -d --name web --restart always nginx")
    parsed = ack["parsed"]
    assert (parsed["command"], parsed["edge"], parsed["targets"]) == ("run", "run", ["web"])
    assert parsed["restart"] == "always" and parsed["refused"] is False
    assert lab.run("ls")["parsed"] is None  # not a docker command


def test_the_command_message_comes_before_the_commands_output_and_events(lab):
    ack = lab.run("docker run --name web2 --stop-timeout 3 ubuntu echo hi")
    names = [r["name"] for r in lab.received()]
    first = names.index("command")
    assert names.count("command") == 1
    assert first < names.index("engine_event") and first < names.index("output")
    message = lab.seen[-len(names) + first]["args"][0]
    assert message["line"] == "docker run --name web2 --stop-timeout 3 ubuntu echo hi"
    assert message["parsed"]["targets"] == ["web2"] and message["parsed"]["timeout"] == 3
    assert ack["parsed"] == {**message["parsed"], "refused": False}  # the ack adds the outcome
    assert lab.run("ls")["exit_code"] == 127
    assert lab.events("command") == [{"line": "ls", "parsed": None}]


def test_a_line_that_is_not_accepted_gets_no_command_message(lab):
    future = lab.run_in_thread("docker run -it --name box ubuntu bash")
    lab.wait_for("output", lambda o: o["data"].endswith("# "))
    lab.received()
    assert "still running" in lab.run("docker ps")["error"]
    assert [r["name"] for r in lab.received()] == ["error"]
    lab.keys("exit\r")
    assert future.result(timeout=5)["exit_code"] == 0


def test_a_refused_command_names_the_state_and_the_edge_it_needs(lab):
    lab.run("docker create --name box nginx")
    ack = lab.run("docker pause box")
    assert ack["exit_code"] != 0
    assert ack["parsed"]["refused"] is True and ack["parsed"]["edge"] == "pause"
    refusal = ack["parsed"]["refusal"]
    assert (refusal["container"], refusal["state"], refusal["need"]) == ("box", "created",
                                                                           ["running"])
    assert refusal["message"] == ack["stderr"].strip().splitlines()[0]
    assert lab.run("docker start box")["parsed"]["refused"] is False


def test_a_streamed_ack_does_not_repeat_the_output(lab):
    ack = lab.request("run", {"line": "docker ps -a", "streamed": True})
    assert ack["streamed"] is True and ack["stdout"] == ack["stderr"] == ""
    assert ack["exit_code"] == 0 and ack["parsed"]["command"] == "ps"
    assert lab.output().startswith("CONTAINER ID")  # it came as `output` messages
    failed = lab.request("run", {"line": "docker stop nosuch", "streamed": True})
    assert failed["exit_code"] == 1 and failed["stderr"] == ""
    assert "No such container: nosuch" in lab.output()


def test_errors_reach_the_terminal_too(lab):
    ack = lab.run("docker stop nosuch")
    assert ack["exit_code"] == 1
    assert "No such container: nosuch" in ack["stderr"]
    output = lab.events("output")
    assert [o["stream"] for o in output] == ["stderr"]
    assert "No such container" in output[0]["data"]
    assert lab.run("ls")["stderr"] == "bash: ls: command not found\n"


def test_events_are_pushed_and_a_burst_gives_one_state(lab):
    ack = lab.run("docker run -d --name web httpd")
    assert ack["exit_code"] == 0
    received = lab.received()
    events = [r["args"][0] for r in received if r["name"] == "engine_event"]
    assert actions(events) == [("create", "web"), ("start", "web")]
    assert all(e["Type"] == "container" and e["timeNano"] for e in events)
    states = [r["args"][0] for r in received if r["name"] == "state"]
    assert len(states) == 1
    assert containers(states[0]) == {"web": "running"}
    web = states[0]["containers"][0]
    assert set(web) >= {"name", "id", "image", "state", "exit_code", "status"}
    assert web["status"].startswith("Up")


def test_a_container_that_dies_on_its_own_is_pushed_later(lab, manager):
    assert lab.run("docker run -d --name napper ubuntu sleep 5")["exit_code"] == 0
    lab.received()
    manager.advance(4.9)
    assert lab.events("engine_event") == []
    manager.advance(0.2)
    received = lab.received()
    events = [r["args"][0] for r in received if r["name"] == "engine_event"]
    assert actions(events) == [("die", "napper")]
    assert events[0]["Actor"]["Attributes"]["exitCode"] == "0"
    assert [containers(r["args"][0]) for r in received if r["name"] == "state"] == [
        {"napper": "exited"}]


def test_the_sigkill_after_a_stop_timeout_arrives_on_its_own(lab, manager):
    lab.run("docker run -d --name stubborn ubuntu sleep 1000")  # sleep as PID 1 ignores SIGTERM
    lab.received()
    future = lab.run_in_thread("docker stop stubborn")
    lab.wait_for("engine_event", lambda e: e["Action"] == "kill")
    assert lab.events("engine_event")[0]["Actor"]["Attributes"]["signal"] == "15"
    manager.advance(9.9)
    assert not future.done() and lab.events("engine_event") == []
    manager.advance(0.2)
    ack = future.result(timeout=5)
    assert ack.pop("parsed")["edge"] == "stop"
    assert ack == {"exit_code": 0, "stdout": "stubborn\n", "stderr": ""}
    events = lab.events("engine_event")
    assert [e["Action"] for e in events] == ["kill", "die", "stop"]
    assert events[0]["Actor"]["Attributes"]["signal"] == "9"
    assert events[1]["Actor"]["Attributes"]["exitCode"] == "137"


# -- attached commands and keystrokes -------------------------------------------------------------


def wait_prompt(client: LabClient) -> None:
    """The attached shell is up: its prompt has arrived."""
    client.wait_for("output", lambda o: o["data"].endswith("# "))


def test_attached_shell_gets_keystrokes_and_detaches_with_ctrl_p_ctrl_q(lab, manager):
    future = lab.run_in_thread("docker run -it --name box ubuntu bash")
    wait_prompt(lab)
    lab.keys("echo hello\r")
    assert not future.done()
    assert "echo hello\r\nhello\r\n" in lab.output()
    second = lab.run("docker ps")
    assert second["exit_code"] == 1 and "still running" in second["error"]
    assert "still running" in lab.events("error")[0]["message"]
    lab.keys("\x10\x11")
    ack = future.result(timeout=5)
    assert ack["exit_code"] == 0
    assert containers(lab.events("state")[-1]) == {"box": "running"}


def test_ctrl_c_interrupts_a_following_command(lab, manager):
    lab.run("docker run -d --name web httpd")
    lab.received()
    future = lab.run_in_thread("docker logs -f web")
    lab.wait_for("output")  # httpd's start-up lines
    lab.keys("\x03")
    assert future.result(timeout=5)["exit_code"] == 130
    assert lab.run("docker ps -q")["exit_code"] == 0  # the console is free again


def test_keystrokes_without_a_running_command_are_ignored(lab):
    lab.keys("docker ps\r")
    assert lab.received() == []


def test_closing_the_console_hangs_up_its_command_but_containers_live_on(app, http, manager):
    http.get("/sandbox")
    client = LabClient(app, flask_test_client=http)
    future = client.run_in_thread("docker run -it --name box ubuntu bash")
    wait_prompt(client)
    client.disconnect(NAMESPACE)
    assert future.result(timeout=5)["exit_code"] != 0
    sandbox = manager.all()[0]
    assert not sandbox.busy
    assert {c["name"]: c["state"] for c in sandbox.snapshot()} == {"box": "running"}


# -- refusals: the connection always stays up ----------------------------------------------------------


@pytest.mark.parametrize("args, message", [
    (("docker ps",), "expects one object"),
    ((["docker", "ps"],), "expects one object"),
    ((), "expects one object"),
    (({"line": "docker ps"}, "extra"), "expects one object"),
    (({},), "needs a str field 'line'"),
    (({"line": 42},), "needs a str field 'line'"),
    (({"line": None},), "needs a str field 'line'"),
    (({"line": "docker ps", "pad": "x" * 10_000},), "payload too large"),
])
def test_malformed_run_payloads_get_an_error(lab, args, message):
    ack = lab.request("run", *args)
    assert ack["exit_code"] == 1 and message in ack["error"]
    errors = lab.events("error")
    assert len(errors) == 1 and message in errors[0]["message"]
    assert lab.is_connected(NAMESPACE)
    assert lab.run("docker ps -q")["exit_code"] == 0


def test_too_long_lines_are_refused(make_app):
    app = make_app(LAB_MAX_LINE=20)
    http = app.test_client()
    http.get("/sandbox")
    client = LabClient(app, flask_test_client=http)
    ack = client.run("docker run -d --name averyveryverylongname httpd")
    assert "line too long" in ack["error"]
    assert client.run("docker ps -q")["exit_code"] == 0


@pytest.mark.parametrize("event, args, message", [
    ("input", ("x",), "expects one object"),
    ("input", ({"data": 3},), "needs a str field 'data'"),
    ("complete", ({"cursor": 1},), "needs a str field 'line'"),
    ("complete", ({"line": "docker", "cursor": 99},), "'cursor' between 0 and 6"),
    ("complete", ({"line": "docker", "cursor": True},), "'cursor' between 0 and 6"),
    ("teleport", ({"to": "mars"},), "unknown event 'teleport'"),
    ("connect", ({},), "reserved event name"),
    ("disconnect", (), "reserved event name"),
])
def test_other_malformed_events_get_an_error(lab, event, args, message):
    lab.request(event, *args)
    errors = lab.events("error")
    assert [e["message"] for e in errors if message in e["message"]], errors
    assert lab.is_connected(NAMESPACE)
    assert lab.run("docker ps -q")["exit_code"] == 0


def test_a_flood_of_commands_is_refused_beyond_the_rate(make_app):
    app = make_app(LAB_RATE=5)
    http = app.test_client()
    http.get("/sandbox")
    client = LabClient(app, flask_test_client=http)
    acks = [client.run("docker ps -q") for _ in range(8)]
    assert [a["exit_code"] for a in acks] == [0] * 5 + [1] * 3
    assert all("too many commands" in a["error"] for a in acks[5:])
    assert len(client.events("error")) == 3
    app.extensions["lab"].advance(1)  # the bucket refills with time
    assert client.run("docker ps -q")["exit_code"] == 0
    assert client.is_connected(NAMESPACE)


def test_the_log_is_bounded(make_app):
    app = make_app(LAB_MAX_LOG=3)
    http = app.test_client()
    http.get("/sandbox")
    client = LabClient(app, flask_test_client=http)
    for _ in range(3):
        assert client.run("docker ps -q")["exit_code"] == 0
    ack = client.run("docker ps -q")
    assert "limit of 3" in ack["error"]
    assert client.request("reset", {}) == {"sandbox": app.extensions["lab"].all()[0].id}
    assert client.run("docker ps -q")["exit_code"] == 0


def test_the_number_of_sandboxes_is_bounded_but_not_by_consoles_that_never_ran_a_command(make_app):
    app = make_app(LAB_MAX_SANDBOXES=2)
    manager = app.extensions["lab"]
    idle = [LabClient(app) for _ in range(10)]  # connected, cookie-less, never ran a command
    assert all(client.is_connected(NAMESPACE) for client in idle) and len(manager) == 0
    # (Only the newest LabClient reads its acks: each is made just before its commands.)
    first = LabClient(app)
    made = first.run("docker create --name box alpine")
    assert made["exit_code"] == 0, made
    second = LabClient(app)
    assert second.run("docker ps")["exit_code"] == 0
    assert len(manager) == 2
    third = LabClient(app)
    third.received()
    ack = third.run("docker ps")  # both sandboxes have a console open: really full
    assert ack["exit_code"] == 1 and ack["code"] == "server_full" and "full" in ack["error"]
    assert third.events("error") == [{"message": ack["error"], "code": "server_full"}]
    assert third.is_connected(NAMESPACE)
    first.disconnect(NAMESPACE)  # a cookie-less sandbox is dropped when its console closes
    assert third.run("docker ps")["exit_code"] == 0
    assert all(client.is_connected(NAMESPACE) for client in idle)


# -- sandboxes: tabs, reconnects, restarts, reaping --------------------------------------------------


def test_two_tabs_share_the_sandbox_and_its_events(app, http, manager):
    http.get("/sandbox")
    one = LabClient(app, flask_test_client=http)
    two = LabClient(app, flask_test_client=http)
    one.received(), two.received()
    one.run("docker create --name shared alpine")
    assert actions(two.events("engine_event")) == [("create", "shared")]
    assert len(manager) == 1
    assert two.events("output") == []  # output goes to the console that ran the command


def test_a_reconnect_finds_the_same_sandbox(app, http):
    http.get("/sandbox")
    first = LabClient(app, flask_test_client=http)
    sandbox = first.events("hello")[0]["sandbox"]
    first.run("docker run -d --name web httpd")
    first.disconnect(NAMESPACE)
    again = LabClient(app, flask_test_client=http)
    received = again.received()
    hello = received[0]["args"][0]
    assert hello["sandbox"] == sandbox
    assert actions(hello["history"]) == [("create", "web"), ("start", "web")]
    assert containers(received[1]["args"][0]) == {"web": "running"}


@pytest.mark.backends
def test_a_restarted_server_rebuilds_the_sandbox_from_its_log(make_app, tmp_path):
    app = make_app()
    http = app.test_client()
    http.get("/sandbox")
    cookie = http.get_cookie("lab_session").value
    client = LabClient(app, flask_test_client=http)
    for line in ("docker run -d --name web httpd", "docker create --name idle alpine",
                 "docker run -d --name napper ubuntu sleep 5", "docker run --name once busybox true",
                 "docker rm once", "docker pause web"):
        assert client.run(line)["exit_code"] == 0, line
    app.extensions["lab"].advance(10)
    before = app.extensions["lab"].all()[0]
    snapshot, history = before.snapshot(), [e.to_dict() for e in before.engine.history]
    from webapp import close_app

    close_app(app)

    restarted = make_app()
    http2 = restarted.test_client()
    http2.set_cookie("lab_session", cookie)
    client2 = LabClient(restarted, flask_test_client=http2)
    received = client2.received()
    assert received[0]["args"][0]["sandbox"] == before.id
    assert containers(received[1]["args"][0]) == {"web": "paused", "idle": "created",
                                                  "napper": "running"}
    # A virtual clock resumes at the last logged entry (a real one catches up: see test_session).
    restarted.extensions["lab"].advance(10)
    assert actions(client2.events("engine_event")) == [("die", "napper")]
    after = restarted.extensions["lab"].get(before.id)
    assert after.snapshot() == snapshot
    assert [e.to_dict() for e in after.engine.history] == history
    assert client2.run("docker unpause web")["exit_code"] == 0


def test_a_sandbox_without_a_cookie_is_forgotten_when_its_console_closes(app, manager):
    client = LabClient(app)
    client.run("docker create --name temp alpine")
    assert len(manager) == 1
    client.disconnect(NAMESPACE)
    assert len(manager) == 0
    assert app.extensions["lab.store"].ids() == []


def test_idle_sandboxes_are_reaped(app, http, manager):
    import time

    http.get("/sandbox")
    client = LabClient(app, flask_test_client=http)
    client.run("docker run -d --name web httpd")
    sandbox_id = manager.all()[0].id
    assert manager.reap(now=time.time() + 7200) == []  # a console is open
    client.disconnect(NAMESPACE)
    assert manager.reap(now=time.time() + 60) == []  # not idle long enough
    assert manager.reap(now=time.time() + 3601) == [sandbox_id]
    assert len(manager) == 0 and app.extensions["lab.store"].ids() == []
    again = LabClient(app, flask_test_client=http)  # the cookie still works: a fresh sandbox
    received = again.received()
    assert received[0]["args"][0]["sandbox"] == sandbox_id
    assert received[1]["args"][0] == {"containers": []}


def test_reset_starts_afresh_and_tells_every_tab(app, http, manager):
    http.get("/sandbox")
    client = LabClient(app, flask_test_client=http)
    client.run("docker run -d --name web httpd")
    client.received()
    ack = client.request("reset", {})
    assert ack == {"sandbox": manager.all()[0].id}
    received = client.received()
    assert [r["name"] for r in received] == ["hello", "state", "files"]
    assert received[0]["args"][0]["history"] == []
    assert received[1]["args"][0] == {"containers": []}
    assert received[2]["args"][0] == {"files": {}}
    assert client.run("docker run -d --name web httpd")["exit_code"] == 0


def test_engine_notices_reach_the_console_on_any_engine(lab, manager):
    """The live layer listens to every engine's notices (only the real daemon has any to send)."""
    lab.run("docker ps")  # the console's sandbox opens with its first command
    lab.received()
    manager.all()[0].engine._notice("[lifecycle-lab] a notice\n")
    received = lab.received()
    assert received[0] == {"name": "output", "namespace": NAMESPACE,
                           "args": [{"data": "[lifecycle-lab] a notice\n", "stream": "stderr"}]}
    assert received[1]["name"] == "state"


# -- completion --------------------------------------------------------------------------------------


def test_completion(lab):
    lab.run("docker run -d --name web httpd")
    lab.run("docker create --name worker alpine")
    lab.run("docker run -d --name paused-one httpd")
    lab.run("docker pause paused-one")
    assert lab.complete("dock") == {"candidates": ["docker"], "replace_from": 0}
    got = lab.complete("docker st")
    assert {"start", "stop"} <= set(got["candidates"]) and got["replace_from"] == 7
    assert "container" in lab.complete("docker con")["candidates"]
    assert lab.complete("docker container l") == {"candidates": ["logs", "ls"], "replace_from": 17}
    assert "rm" in lab.complete("docker image r")["candidates"]
    assert lab.complete("docker run --na") == {"candidates": ["--name"], "replace_from": 11}
    assert "--all" in lab.complete("docker ps --")["candidates"]
    assert lab.complete("docker stop w")["candidates"] == ["web"]
    assert lab.complete("docker start w")["candidates"] == ["worker"]
    assert lab.complete("docker unpause ")["candidates"] == ["paused-one"]
    assert lab.complete("docker rm ")["candidates"] == ["paused-one", "web", "worker"]
    images = lab.complete("docker run -it --rm ubu")
    assert "ubuntu" in images["candidates"] and images["replace_from"] == 20
    assert lab.complete("docker run --name x ubuntu ba")["candidates"] == []  # the command's own
    assert lab.complete("docker run --restart un")["candidates"] == ["unless-stopped"]
    assert lab.complete("docker stop w", cursor=9) == {"candidates": ["start", "stop"],
                                                      "replace_from": 7}
    assert lab.complete("ls -l")["candidates"] == []
