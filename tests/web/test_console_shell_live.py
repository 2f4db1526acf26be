"""A console line with several docker commands over `/lab`: each is announced as its own command,
before its own events, and the ack sums the line up."""

from __future__ import annotations


def test_each_docker_command_of_a_list_is_announced_before_its_events(lab):
    ack = lab.run("docker run -d --name web nginx && docker ps")
    assert ack["exit_code"] == 0
    assert ack["stdout"].splitlines()[1].startswith("CONTAINER ID")
    received = lab.received()
    names = [r["name"] for r in received]
    commands = [r["args"][0] for r in received if r["name"] == "command"]
    line = "docker run -d --name web nginx && docker ps"
    assert [(c["line"], c.get("invocation")) for c in commands] == [
        (line, None), (line, "docker run -d --name web nginx"), (line, "docker ps")]
    assert commands[0]["parsed"] is None  # the line as a whole is no one docker command
    run, ps = commands[1]["parsed"], commands[2]["parsed"]
    assert (run["command"], run["edge"], run["targets"], run["new_container"]) == (
        "run", "run", ["web"], True)
    assert (ps["command"], ps["edge"]) == ("ps", None)
    positions = [i for i, n in enumerate(names) if n == "command"]
    first_event = names.index("engine_event")
    assert positions[1] < first_event < positions[2]  # run's events come after run's message
    assert all(n != "engine_event" for n in names[positions[2]:])  # ps moves nothing
    assert ack["parsed"] == {**ps, "refused": False}  # the ack: the line's last docker command


def test_a_plain_docker_line_is_announced_once(lab):
    lab.run("docker ps -a")
    commands = lab.events("command")
    assert commands == [{"line": "docker ps -a", "parsed": commands[0]["parsed"]}]
    assert commands[0]["parsed"]["command"] == "ps"


def test_a_failed_command_in_a_list_is_explained(lab):
    lab.run("docker create --name box nginx")
    ack = lab.run("docker ps -q && docker pause box")
    assert ack["exit_code"] == 1
    assert ack["parsed"]["refused"] is True and ack["parsed"]["edge"] == "pause"
    assert ack["parsed"]["refusal"]["state"] == "created"
