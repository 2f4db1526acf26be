"""Programs react to signals as the real ones do: nginx, httpd, redis, mysql, postgres, node, python.

Each test drives the simulator through the docker CLI, on a virtual clock: the exit code, the
events and the lines the program logs on its way out.
"""

from __future__ import annotations

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine


@pytest.fixture
def engine() -> SimEngine:
    return SimEngine(VirtualClock(), seed=3)


def actions(engine: SimEngine, name: str) -> list[tuple[str, str | None, str | None]]:
    return [(e.action, e.attributes.get("exitCode"), e.attributes.get("signal"))
            for e in engine.history if e.type == "container" and e.attributes.get("name") == name]


def exit_code(engine: SimEngine, name: str) -> str:
    return engine.run(f"docker inspect -f '{{{{.State.ExitCode}}}}' {name}").stdout.strip()


@pytest.mark.parametrize(("signal", "words"), [
    ("QUIT", "signal 3 (SIGQUIT) received, shutting down"),
    ("TERM", "signal 15 (SIGTERM) received, exiting"),
    ("INT", "signal 2 (SIGINT) received, exiting"),
])
def test_nginx_stops_with_exit_0_on_quit_term_and_int(engine: SimEngine, signal: str,
                                                      words: str) -> None:
    engine.run("docker run -d --name web nginx")
    engine.run(f"docker kill -s {signal} web")
    assert engine.container_state("web") == "exited" and exit_code(engine, "web") == "0"
    logs = engine.run("docker logs web").stderr
    assert words in logs and logs.rstrip().endswith(": exit")


def test_nginx_hup_reloads_and_keeps_running(engine: SimEngine) -> None:
    engine.run("docker run -d --name web nginx")
    engine.run("docker kill -s HUP web")
    assert engine.container_state("web") == "running"
    logs = engine.run("docker logs web").stderr
    assert "signal 1 (SIGHUP) received, reconfiguring" in logs and "start worker process 31" in logs


def test_nginx_s_reload_signals_the_master_through_its_pid_file(engine: SimEngine) -> None:
    engine.run("docker run -d --name web nginx")
    result = engine.run("docker exec web nginx -s reload")
    assert result.exit_code == 0 and result.stdout == ""
    assert result.stderr.endswith("signal process started\n")
    sender = result.stderr.split("[notice] ", 1)[1].split("#", 1)[0]
    assert engine.container_state("web") == "running"
    logs = engine.run("docker logs web").stderr
    assert f"signal 1 (SIGHUP) received from {sender}, reconfiguring" in logs
    top = engine.run("docker top web").stdout
    assert top.count("nginx") == 1, "no second nginx is left running"


@pytest.mark.parametrize(("action", "words"), [("quit", "shutting down"), ("stop", "exiting")])
def test_nginx_s_quit_and_stop_end_the_container(engine: SimEngine, action: str, words: str) -> None:
    engine.run("docker run -d --name web nginx")
    result = engine.run(f"docker exec web nginx -s {action}")
    assert result.exit_code == 0
    assert engine.container_state("web") == "exited" and exit_code(engine, "web") == "0"
    assert words in engine.run("docker logs web").stderr
    assert actions(engine, "web")[-1] == ("die", "0", None)


def test_nginx_s_without_a_running_nginx_names_the_pid_file(engine: SimEngine) -> None:
    result = engine.run("docker run --rm nginx nginx -s reload")
    assert result.exit_code == 1
    assert 'nginx: [error] open() "/run/nginx.pid" failed (2: No such file or directory)\n' in \
        result.stderr
    assert "1#1: signal process started" in result.stderr
    bad = engine.run("docker run --rm nginx nginx -s bogus")
    assert bad.exit_code == 1 and 'nginx: invalid option: "-s bogus"' in bad.stderr


def test_ctrl_c_on_a_foreground_nginx_stops_it(engine: SimEngine) -> None:
    """No TTY: the CLI's sig-proxy forwards SIGINT to PID 1, and nginx exits at once."""
    job = engine.execute("docker run --name web nginx", tty=True)
    assert not job.done
    job.send("\x03")
    assert job.done and job.exit_code == 0
    assert "signal 2 (SIGINT) received, exiting" in job.stderr
    assert actions(engine, "web")[-2:] == [("kill", None, "2"), ("die", "0", None)]


def test_ctrl_c_on_a_foreground_nginx_with_a_tty(engine: SimEngine) -> None:
    """-it: the container's terminal turns ^C into SIGINT for its foreground process (nginx)."""
    job = engine.execute("docker run -it --name web nginx", tty=True)
    job.send("\x03")
    assert job.done and job.exit_code == 0
    assert "signal 2 (SIGINT) received, exiting" in job.stdout
    assert [a for a, _, _ in actions(engine, "web")].count("kill") == 0


@pytest.mark.parametrize("image", ["httpd", "redis"])
def test_ctrl_c_on_a_foreground_httpd_or_redis_stops_it(engine: SimEngine, image: str) -> None:
    job = engine.execute(f"docker run --name srv {image}", tty=True)
    job.send("\x03")
    assert job.done and job.exit_code == 0
    out = job.stdout + job.stderr
    assert ("caught SIGTERM, shutting down" in out if image == "httpd"
            else "Received SIGINT scheduling shutdown..." in out)


def test_httpd_term_and_hup(engine: SimEngine) -> None:
    engine.run("docker run -d --name web httpd")
    engine.run("docker kill -s HUP web")
    assert engine.container_state("web") == "running"
    assert "AH00493: SIGHUP received.  Attempting to restart" in engine.run("docker logs web").stderr
    engine.run("docker kill -s TERM web")
    assert exit_code(engine, "web") == "0"
    assert "AH00491: caught SIGTERM, shutting down" in engine.run("docker logs web").stderr


def test_redis_ignores_hup_even_when_not_pid1(engine: SimEngine) -> None:
    engine.run("docker run -d --init --name rds redis")
    engine.run("docker kill -s HUP rds")
    assert engine.container_state("rds") == "running"
    engine.run("docker stop rds")
    logs = engine.run("docker logs rds").stdout
    assert "Received SIGTERM scheduling shutdown..." in logs
    assert logs.rstrip().endswith("Redis is now ready to exit, bye bye...")
    assert exit_code(engine, "rds") == "0"


def test_redis_quit_as_pid1_does_nothing(engine: SimEngine) -> None:
    engine.run("docker run -d --name rds redis")
    engine.run("docker kill -s QUIT rds")
    assert engine.container_state("rds") == "running"


def test_mysql_ignores_sigint_and_stops_on_term(engine: SimEngine) -> None:
    engine.run("docker run -d --name db -e MYSQL_ROOT_PASSWORD=pw mysql:5.7")
    engine.run("docker kill -s INT db")
    assert engine.container_state("db") == "running"
    engine.run("docker stop db")
    assert exit_code(engine, "db") == "0"
    assert "mysqld: Shutdown complete" in engine.run("docker logs db").stderr


def test_node_repl_needs_two_ctrl_c(engine: SimEngine) -> None:
    job = engine.execute("docker run -it --name nd node", tty=True)
    job.send("\x03")
    assert not job.done
    assert "(To exit, press Ctrl+C again or Ctrl+D or type .exit)\r\n> " in job.stdout
    job.send("\x03")
    assert job.done and job.exit_code == 0


def test_python_repl_prints_keyboard_interrupt_and_goes_on(engine: SimEngine) -> None:
    job = engine.execute("docker run -it --name py python:3.8.5", tty=True)
    job.send("\x03")
    assert not job.done and "KeyboardInterrupt\r\n>>> " in job.stdout
    job.send("\x04")
    assert job.done and job.exit_code == 0


def test_python_script_on_stdin_dies_of_keyboard_interrupt_with_130(engine: SimEngine) -> None:
    job = engine.execute("docker run -i --name py python:3.8.5", tty=True)
    job.send("\x03")
    assert job.done and job.exit_code == 130
    assert job.stderr.endswith("Traceback (most recent call last):\n"
                               '  File "<stdin>", line 0, in <module>\nKeyboardInterrupt\n')
