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


def test_postgres_stops_fast_on_its_stopsignal_and_needs_a_password(engine: SimEngine) -> None:
    refused = engine.run("docker run --name pg0 postgres")
    assert refused.exit_code == 1
    assert refused.stderr.startswith("Error: Database is uninitialized and superuser password is "
                                     "not specified.\n")
    engine.run("docker run -d --name pg -e POSTGRES_HOST_AUTH_METHOD=trust postgres:16")
    engine.run("docker stop pg")
    assert actions(engine, "pg")[-3:] == [("kill", None, "2"), ("die", "0", None), ("stop", None, None)]
    logs = engine.run("docker logs pg").stderr
    assert "LOG:  received fast shutdown request" in logs
    assert logs.rstrip().endswith("LOG:  database system is shut down")


def test_postgres_quit_is_an_immediate_shutdown(engine: SimEngine) -> None:
    engine.run("docker run -d --name pg -e POSTGRES_PASSWORD=pw postgres")
    engine.run("docker kill -s QUIT pg")
    assert exit_code(engine, "pg") == "0"
    assert "received immediate shutdown request" in engine.run("docker logs pg").stderr


def test_new_images_carry_their_real_configuration(engine: SimEngine) -> None:
    fmt = "{{json .Config.Entrypoint}} {{json .Config.Cmd}} {{json .Config.ExposedPorts}}"
    cases = {
        "postgres": '["docker-entrypoint.sh"] ["postgres"] {"5432/tcp":{}}',
        "mysql:8": '["docker-entrypoint.sh"] ["mysqld"] {"3306/tcp":{},"33060/tcp":{}}',
        "nginx:alpine": '["/docker-entrypoint.sh"] ["nginx","-g","daemon off;"] {"80/tcp":{}}',
    }
    for ref, expected in cases.items():
        engine.run(f"docker pull {ref}")
        assert engine.run(f"docker image inspect -f '{fmt}' {ref}").stdout.strip() == expected, ref
    for ref, cmd in (("python:3.12", '["python3"]'), ("ubuntu:18.04", '["/bin/bash"]')):
        engine.run(f"docker pull {ref}")
        assert engine.run(f"docker image inspect -f '{{{{json .Config.Cmd}}}}' {ref}"
                          ).stdout.strip() == cmd
    for ref, signal in (("postgres:16", "SIGINT"), ("nginx:alpine", "SIGQUIT")):
        engine.run(f"docker pull {ref}")
        assert engine.run(f"docker image inspect -f '{{{{.Config.StopSignal}}}}' {ref}"
                          ).stdout.strip() == signal


def test_apt_get_installs_offline_what_the_simulator_has(engine: SimEngine) -> None:
    engine.run("docker run -dit --name box ubuntu:24.04")
    missing = engine.run("docker exec box bash -c ps")
    assert missing.exit_code == 127 and "ps: command not found" in missing.stderr
    early = engine.run("docker exec box apt-get install -y procps")
    assert early.exit_code == 100 and "E: Unable to locate package procps" in early.stderr
    update = engine.run("docker exec box apt-get update")
    assert update.exit_code == 0 and "procps" in update.stdout and "no network" in update.stdout
    assert engine.run("docker exec box apt-get install -y procps curl").exit_code == 0
    assert "PID" in engine.run("docker exec box ps").stdout
    unknown = engine.run("docker exec box apt-get install -y emacs")
    assert unknown.exit_code == 100 and "E: Unable to locate package emacs" in unknown.stderr
    far = engine.run("docker exec box curl http://172.17.0.9/")
    assert far.exit_code == 7 and "only a server in this same container" in far.stderr


def test_curl_reaches_the_nginx_of_its_own_container(engine: SimEngine) -> None:
    engine.run("docker run -d --name web nginx")
    engine.run("docker exec web apt-get update")
    engine.run("docker exec web apt-get install -y curl")
    assert "<h1>Welcome to nginx!</h1>" in engine.run("docker exec web curl -s localhost").stdout


def test_apk_add_in_alpine(engine: SimEngine) -> None:
    engine.run("docker run -dit --name al alpine")
    assert engine.run("docker exec al apk add curl").exit_code == 0
    assert "curl: try 'curl --help'" in engine.run("docker exec al curl").stderr
    bad = engine.run("docker exec al apk add nosuchpkg")
    assert bad.exit_code == 1 and "nosuchpkg (no such package)" in bad.stderr
    assert engine.run("docker exec al apt-get update").exit_code == 127


def test_interpreters_print_their_version_and_refuse_code(engine: SimEngine) -> None:
    assert engine.run("docker run --rm python:3.12 python3 --version").stdout == "Python 3.12.7\n"
    assert engine.run("docker run --rm node:20 node --version").stdout == "v20.18.1\n"
    refused = engine.run("docker run --rm python:3.11 python -c 'print(1)'")
    assert refused.exit_code == 2 and "cannot run code or scripts" in refused.stderr
