"""The `parsed` summary of the `run` ack: what a console line asks of the lifecycle, from the server's
own parse (the page no longer re-parses lines or reads English error text)."""

from __future__ import annotations

import shlex

import pytest

from webapp.command_summary import COMMAND_EDGES, need, summarize, summarize_line, with_outcome
from webapp.engine import lifecycle
from webapp.engine.cli import parse_argv
from webapp.engine.clock import VirtualClock
from webapp.engine.console_line import MAX_LINE
from webapp.engine.sim.engine import SimEngine


def summary(line: str) -> dict:
    words = shlex.split(line)
    assert words[0] == "docker"
    out = summarize(parse_argv(words[1:]))
    assert out is not None
    return out


def test_command_lines_are_summarized_like_the_docker_cli():
    run_it = summary("docker run -it --name d1 ubuntu:20.04")
    assert (run_it["command"], run_it["edge"], run_it["targets"]) == ("run", "run", ["d1"])
    assert run_it["attach"] == {"container": "d1", "stdin": True, "tty": True}
    assert run_it["new_container"] and run_it["image"] == "ubuntu:20.04"
    stop = summary("docker container stop --time=4 web db")
    assert (stop["command"], stop["edge"], stop["targets"], stop["timeout"]) == (
        "stop", "stop", ["web", "db"], 4)
    assert summary("docker rm -f a")["edge"] == "rm -f"
    assert summary("docker rm a")["edge"] == "rm"
    run_d = summary("docker run -d -e 'A=1 2' --restart always --stop-timeout 3 ubuntu:20.04 "
                    "sh -c 'sleep 5'")
    assert run_d["attach"] is None and run_d["restart"] == "always" and run_d["timeout"] == 3
    assert run_d["targets"] == [] and run_d["image"] == "ubuntu:20.04"
    exec_it = summary("docker exec -it web sh")
    assert exec_it["attach"] == {"container": "web", "stdin": True, "tty": True}
    assert exec_it["edge"] is None and exec_it["targets"] == ["web"]
    assert summary("docker start -ai web")["attach"] == {"container": "web", "stdin": True,
                                                         "tty": True}
    ps = summary("docker container ls -a")
    assert (ps["command"], ps["edge"], ps["targets"]) == ("ps", None, [])
    assert summary("docker container prune -f")["edge"] == "rm"
    assert summarize(None) is None  # not a docker command, or a usage error


def test_every_edge_named_is_a_command_edge_of_the_lifecycle():
    commands = {t.edge for t in lifecycle.TRANSITIONS if t.trigger == "command"}
    assert COMMAND_EDGES == commands
    for line in ("docker create x", "docker start a", "docker restart a", "docker kill a",
                 "docker pause a", "docker unpause a", "docker pull x"):
        assert summary(line)["edge"] in commands, line


CONTAINERS = [{"name": "web", "id": "ab12" + "0" * 60, "state": "exited"},
              {"name": "db", "id": "cd34" + "0" * 60, "state": "running"}]


@pytest.mark.parametrize("line, refused, state", [
    ("docker pause web", True, "exited"),  # pause needs a running container
    ("docker pause ab12", True, "exited"),  # named by an ID prefix
    ("docker rm db", True, "running"),  # rm without -f needs it stopped
    ("docker pause db", False, None),  # the state allows the edge: failed for another reason
    ("docker pause nosuch", False, None),  # no such container: nothing to explain on the graph
    ("docker run --name web ubuntu", False, None),  # a name conflict is not a lifecycle refusal
    ("docker logs web", False, None),  # no edge
])
def test_a_failed_command_is_refused_when_its_target_state_lacks_the_edge(line, refused, state):
    out = with_outcome(summary(line), 1, CONTAINERS, "Error response from daemon: nope\nmore\n")
    assert out["refused"] is refused
    if refused:
        assert out["refusal"]["state"] == state
        assert out["refusal"]["need"] == need(out["edge"])
        assert out["refusal"]["message"] == "Error response from daemon: nope"
    else:
        assert "refusal" not in out


def test_a_command_that_succeeded_is_never_refused():
    assert with_outcome(summary("docker pause web"), 0, CONTAINERS)["refused"] is False
    assert need("pause") == ["running"] and need("run") == [] and need(None) == []


@pytest.mark.parametrize("line, parses", [
    ("docker run -d --name web2 --restart=on-failure:3 --stop-timeout 2 nginx", True),
    ("docker container stop -t 1 web", True),
    ("docker rm -f web", True),
    ("docker create -it --name box ubuntu bash", True),
    ("docker exec web ls", True),
    ("  docker   ps  -a  # a comment", True),
    ("docker pause 'web'", True),
    ("docker stop", False),  # a usage error
    ("docker run --help", False),  # the help page
    ("docker run --bogus ubuntu", False),  # an unknown flag
    ("docker 'unbalanced", False),  # bash's quoting error
    ("ls -l", False),  # not docker
    ("", False),
])
def test_a_line_is_summarized_before_it_runs_as_it_is_after(line, parses):
    # The `command` message (before the line runs) and the ack (after) must tell the same story.
    engine = SimEngine(VirtualClock(), seed=3)
    engine.run("docker run -d --name web nginx")
    before = summarize_line(line)
    job = engine.execute(line, tty=False)
    assert before == summarize(job.parsed)
    assert (before is not None) is parses


def test_a_line_the_engine_refuses_as_too_long_has_no_summary():
    line = "docker ps " + "a" * MAX_LINE
    assert summarize_line(line) is None
    assert summarize(SimEngine(VirtualClock(), seed=3).execute(line, tty=False).parsed) is None


def test_a_list_or_a_pipe_is_no_one_command_its_docker_commands_are_announced_one_by_one() -> None:
    from webapp.command_summary import summarize_line

    assert summarize_line("docker run -d --name web nginx && docker ps") is None
    assert summarize_line("docker ps | grep web") is None
    assert summarize_line("docker stop $(docker ps -q)") is None
    assert summarize_line("docker run -d --name web nginx")["targets"] == ["web"]
    assert summarize_line("docker ps --format '{{.Names}} | x'")["command"] == "ps"
