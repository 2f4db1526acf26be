"""Whether `sh -c STRING` execs or forks its last command, per image shell (images.Program.exec_last).

busybox ash and dash 0.5.11+ exec the last command they reach (it becomes PID 1: `docker stop`
signals it directly); Debian's dash before 0.5.11 forks every command; bash execs a lone simple
command (4.2), also the end of an &&/|| list (4.4, 5.0), also the end of a `;` list (5.1+). A trap
keeps the shell. Checked on the real daemon by tests/conformance/scenarios/shell-exec-last.json.
"""

from __future__ import annotations

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.images import CATALOGUE
from webapp.engine.sim.engine import SimEngine
from webapp.engine.sim.shell import exec_tails
from webapp.engine.sim.shell_parse import parse


@pytest.fixture
def engine() -> SimEngine:
    return SimEngine(VirtualClock(), seed=5)


def top_commands(engine: SimEngine, name: str) -> list[str]:
    """The CMD column of `docker top`, one entry per process."""
    lines = engine.run(f"docker top {name}").stdout.splitlines()[1:]
    return [line.split(None, 7)[7] for line in lines]


def exit_code(engine: SimEngine, name: str) -> str:
    return engine.run(f"docker inspect -f '{{{{.State.ExitCode}}}}' {name}").stdout.strip()


def tails(script: str, mode: str) -> list[str]:
    return [" ".join(cmd.words) for cmd in exec_tails(parse(script), mode)]


# -- which command each mode would exec ------------------------------------------------------------

@pytest.mark.parametrize(("script", "none", "single", "andor", "list_", "last"), [
    ("sleep 9", [], ["sleep 9"], ["sleep 9"], ["sleep 9"], ["sleep 9"]),
    ("echo hi; sleep 9", [], [], [], ["sleep 9"], ["sleep 9"]),
    ("echo hi\nsleep 9\n", [], ["sleep 9"], ["sleep 9"], ["sleep 9"], ["sleep 9"]),
    ("true && sleep 9", [], [], ["sleep 9"], ["sleep 9"], ["sleep 9"]),
    ("echo hi; true && sleep 9", [], [], [], [], ["sleep 9"]),
    ("echo hi & sleep 9", [], [], [], [], ["sleep 9"]),
    ("sleep 9 &", [], [], [], [], []),
    ("sleep 9 > /tmp/log", [], [], [], [], ["sleep 9"]),
    ("sleep 9 | cat", [], [], [], [], []),
    ("! sleep 9", [], [], [], [], []),
    ("if true; then sleep 9; else sleep 8; fi", [], [], [], [], ["sleep 9", "sleep 8"]),
    ("{ echo hi; sleep 9; }", [], [], [], [], ["sleep 9"]),
    ("while true; do sleep 9; done", [], [], [], [], []),
])
def test_each_mode_picks_the_commands_its_shell_would_exec(script: str, none: list[str],
                                                           single: list[str], andor: list[str],
                                                           list_: list[str], last: list[str]) -> None:
    assert tails(script, "none") == none
    assert tails(script, "single") == single
    assert tails(script, "andor") == andor
    assert tails(script, "list") == list_
    assert tails(script, "last") == last


def test_the_catalogue_gives_each_image_its_shells_model() -> None:
    def model(ref: str, path: str) -> str:
        return CATALOGUE[ref].executables[path].exec_last

    assert model("busybox:latest", "/bin/sh") == "last"
    assert model("alpine:latest", "/bin/sh") == "last"
    assert model("ubuntu:20.04", "/usr/bin/sh") == "none"  # dash 0.5.10.2
    assert model("ubuntu:20.04", "/usr/bin/bash") == "andor"  # bash 5.0
    assert model("ubuntu:18.04", "/bin/sh") == "none"  # dash 0.5.8
    assert model("ubuntu:22.04", "/usr/bin/sh") == "last"  # dash 0.5.11
    assert model("ubuntu:22.04", "/usr/bin/bash") == "list"  # bash 5.1
    assert model("debian:bookworm", "/usr/bin/sh") == "last"  # dash 0.5.12
    assert model("mysql:5.7", "/usr/bin/sh") == "single"  # Oracle Linux 7: sh is bash 4.2
    assert model("mysql:8", "/usr/bin/sh") == "list"  # Oracle Linux 9: sh is bash 5.1


# -- on the simulated daemon -----------------------------------------------------------------------

@pytest.mark.parametrize(("image", "shell", "expected"), [
    ("busybox", "/bin/sh", ["sleep 100"]),
    ("alpine", "/bin/sh", ["sleep 100"]),
    ("ubuntu:22.04", "/bin/sh", ["sleep 100"]),
    ("debian:bookworm", "bash", ["sleep 100"]),
    ("ubuntu:20.04", "/bin/sh", ["/bin/sh -c echo hi; sleep 100", "sleep 100"]),
    ("ubuntu:18.04", "/bin/sh", ["/bin/sh -c echo hi; sleep 100", "sleep 100"]),
    ("ubuntu:20.04", "bash", ["bash -c echo hi; sleep 100", "sleep 100"]),
])
def test_top_shows_the_shell_only_where_it_forked(engine: SimEngine, image: str, shell: str,
                                                  expected: list[str]) -> None:
    engine.run(f'docker run -d --name ctr {image} {shell} -c "echo hi; sleep 100"')
    assert top_commands(engine, "ctr") == expected
    assert engine.run("docker logs ctr").stdout == "hi\n"


def test_bash_50_execs_a_lone_command_and_the_end_of_an_and_list(engine: SimEngine) -> None:
    engine.run('docker run -d --name one ubuntu:20.04 bash -c "sleep 100"')
    engine.run('docker run -d --name andor ubuntu:20.04 bash -c "true && sleep 100"')
    engine.run('docker run -d --name single mysql:5.7 bash -c "true && sleep 100"')
    assert top_commands(engine, "one") == ["sleep 100"]
    assert top_commands(engine, "andor") == ["sleep 100"]
    assert top_commands(engine, "single") == ["bash -c true && sleep 100", "sleep 100"]


def test_a_trap_keeps_the_shell_and_runs_after_its_foreground_command(engine: SimEngine) -> None:
    engine.run("docker run -d --name trapper busybox sh -c \"trap 'echo bye; exit 3' TERM; sleep 100\"")
    assert top_commands(engine, "trapper") == ["sh -c trap 'echo bye; exit 3' TERM; sleep 100",
                                         "sleep 100"]
    engine.run("docker stop -t 1 trapper")  # the trap waits for sleep: the timeout's SIGKILL comes first
    assert exit_code(engine, "trapper") == "137"
    assert engine.run("docker logs trapper").stdout == ""


def test_a_trap_interrupts_wait(engine: SimEngine) -> None:
    engine.run("docker run -d --name waiter busybox sh -c "
               "\"trap 'echo bye; exit 3' TERM; sleep 100 & wait\"")
    engine.run("docker stop -t 5 waiter")
    assert exit_code(engine, "waiter") == "3"
    assert engine.run("docker logs waiter").stdout == "bye\n"


def test_an_exit_trap_keeps_the_shell_and_runs_at_the_end(engine: SimEngine) -> None:
    result = engine.run("docker run --name exiter busybox sh -c \"trap 'echo done' EXIT; echo hi; true\"")
    assert result.stdout == "hi\ndone\n"
    assert exit_code(engine, "exiter") == "0"


def test_an_execd_server_gets_docker_stops_signal(engine: SimEngine) -> None:
    """redis on Debian 12: dash execs redis-server, which shuts down on SIGTERM (exit 0); the
    forking ubuntu:20.04 shell would have ignored it as PID 1 (137 after the timeout)."""
    engine.run('docker run -d --name redis1 redis /bin/sh -c "echo starting; redis-server"')
    assert top_commands(engine, "redis1")[0].startswith("redis-server")
    engine.run("docker stop -t 5 redis1")
    assert exit_code(engine, "redis1") == "0"
    engine.run('docker run -d --name forker ubuntu:20.04 /bin/sh -c "echo hi; sleep 100"')
    engine.run("docker stop -t 1 forker")
    assert exit_code(engine, "forker") == "137"


def test_the_exit_status_and_dollar_zero_survive(engine: SimEngine) -> None:
    for image in ("busybox", "ubuntu:20.04", "ubuntu:22.04"):
        assert engine.run(f"docker run --rm {image} sh -c 'echo $0; exit 7'").exit_code == 7
        result = engine.run(f"docker run --rm {image} sh -c 'echo $0 $1; false' name one")
        assert (result.stdout, result.exit_code) == ("name one\n", 1)
    assert engine.run("docker run --rm busybox /bin/sh -c 'echo $0'").stdout == "/bin/sh\n"


def test_redirections_of_an_execd_command_still_apply(engine: SimEngine) -> None:
    engine.run('docker run -d --name out1 busybox sh -c "echo hi; echo to-file > /tmp/out; sleep 100"')
    assert engine.run("docker exec out1 cat /tmp/out").stdout == "to-file\n"
    engine.run('docker run -d --name out2 busybox sh -c "cat /etc/hostname > /tmp/h"')
    assert engine.run("docker logs out2").stdout == ""


def test_docker_exec_sh_c_execs_too(engine: SimEngine) -> None:
    engine.run("docker run -d --name box1 busybox sleep 100")
    engine.run("docker exec -d box1 sh -c 'echo hi; sleep 50'")
    assert top_commands(engine, "box1") == ["sleep 100", "sleep 50"]
