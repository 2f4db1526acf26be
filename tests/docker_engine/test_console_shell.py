"""The console shell on the real-daemon engine: the same shell, only `docker` reaches the daemon.

The simulator's side of these is in tests/unit/test_console_shell.py; here the docker commands of a
line run on the daemon (quick ones inline, waiting ones on worker threads) and the shell sequences
them.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.docker


def _names(engine) -> dict[str, str]:
    return {c["name"]: c["state"] for c in engine.containers()}


def test_docker_stop_of_docker_ps_q(make_engine) -> None:
    engine = make_engine()
    started = engine.run("docker run -d --name one ubuntu:20.04 sleep 600 && "
                         "docker run -d --name two ubuntu:20.04 sleep 600 && docker ps -q")
    assert started.exit_code == 0, started.stderr
    ids = started.stdout.split()[2:]
    assert len(ids) == 2 and all(len(i) == 12 for i in ids)
    result = engine.run("docker stop -t 1 $(docker ps -q)", timeout=60)
    assert result.exit_code == 0, result.stderr
    assert sorted(result.stdout.split()) == sorted(ids)
    assert _names(engine) == {"one": "exited", "two": "exited"}
    stop = [c for c in engine.commands if c.command == "stop"][-1]
    assert sorted(stop.args) == sorted(ids)
    again = engine.run("docker stop $(docker ps -q)")
    assert again.exit_code == 1
    assert "'docker stop' requires at least 1 argument" in again.stderr


def test_docker_ps_aq_into_xargs_docker_rm(make_engine) -> None:
    engine = make_engine()
    made = engine.run("docker create --name c1 ubuntu:20.04; docker create --name c2 ubuntu:20.04")
    assert made.exit_code == 0, made.stderr
    ids = engine.run("docker ps -aq").stdout.split()
    result = engine.run("docker ps -aq | xargs docker rm", timeout=60)
    assert result.exit_code == 0, result.stderr
    assert result.stdout.split() == ids
    assert _names(engine) == {}
    empty = engine.run("docker ps -aq | xargs docker rm")
    assert empty.exit_code == 123
    assert "'docker rm' requires at least 1 argument" in empty.stderr


def test_lists_pipes_and_command_not_found(make_engine) -> None:
    engine = make_engine()
    result = engine.run("docker run -d --name web nginx && docker ps | grep -c web")
    assert (result.exit_code, result.stdout.splitlines()[-1]) == (0, "1"), result.stderr
    assert [c.command for c in engine.commands] == ["run", "ps"]
    result = engine.run("docker wait nope || echo $?")
    assert result.stdout == "1\n"
    result = engine.run("uname -a")
    assert (result.exit_code, result.stderr) == (127, "bash: uname: command not found\n")


def test_a_waiting_command_in_a_list_runs_on_its_worker_then_the_list_goes_on(make_engine) -> None:
    engine = make_engine()
    result = engine.run("docker run --name once ubuntu:20.04 sh -c 'echo hi; exit 3'; echo status $?",
                        timeout=60)
    assert (result.exit_code, result.stdout) == (0, "hi\nstatus 3\n"), result.stderr
    piped = engine.run("echo from-the-pipe | docker run -i --rm ubuntu:20.04 cat", timeout=60)
    assert (piped.exit_code, piped.stdout) == (0, "from-the-pipe\n"), piped.stderr


def test_ctrl_c_on_a_waiting_command_stops_the_list(make_engine) -> None:
    import threading

    engine = make_engine()
    assert engine.run("docker run -d --name long ubuntu:20.04 sleep 600").exit_code == 0
    done = threading.Event()
    job = engine.execute("docker wait long; docker run -d --name after ubuntu:20.04 true", tty=True)
    with engine.lock:
        job.done_listeners.append(lambda _: done.set())
    assert not done.wait(1.0)
    with engine.lock:
        job.send("\x03")
    assert done.wait(10)
    assert job.exit_code == 130
    assert "after" not in _names(engine)
