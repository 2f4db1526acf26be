"""What the docker client does on its own side, shared by both engines: checked here through the
simulator (the conformance scenario `client-checks` compares the same lines with the real CLI)."""

from __future__ import annotations

import pytest

from webapp.engine.cli import parse_argv, split_line
from webapp.engine.cli.client_side import (
    EventQuery,
    RunRefused,
    UsageError,
    detach_keys,
    parse_publish,
    parse_time,
    run_options,
)
from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine


@pytest.fixture
def engine():
    return SimEngine(VirtualClock(start=1_700_000_000.0), seed=5)


def parsed(line: str):
    return parse_argv(split_line(line)[1:])


def names(engine) -> list[str]:
    return engine.run("docker ps -a --format '{{.Names}}'").stdout.split()


# -- the container prune prompt ---------------------------------------------------------------------


def test_prune_prompt_in_a_terminal_echoes_and_cancels_on_no(engine):
    engine.run("docker create --name c1 ubuntu:20.04")
    job = engine.execute("docker container prune", tty=True)
    assert job.stdout == ("WARNING! This will remove all stopped containers.\n"
                          "Are you sure you want to continue? [y/N] ")
    assert not job.done
    job.send("n")
    job.send("o")
    assert job.stdout.endswith("[y/N] no") and not job.done
    job.send("\r")
    assert job.done and job.result().exit_code == 0
    assert job.stdout.endswith("[y/N] no\r\n") and job.stderr == ""
    assert names(engine) == ["c1"]


@pytest.mark.parametrize("answer", ["y\n", "Y\n", "  y \n"])
def test_prune_goes_on_only_for_y(engine, answer):
    engine.run("docker create --name c1 ubuntu:20.04")
    engine.run("docker run -d --name keep ubuntu:20.04 sleep 100")
    result = engine.run("docker container prune", stdin=answer)
    assert result.exit_code == 0
    assert "Deleted Containers:\n" in result.stdout and "Total reclaimed space: 0B\n" in result.stdout
    assert names(engine) == ["keep"]


@pytest.mark.parametrize("answer", ["yes\n", "n\n", "\n", ""])
def test_any_other_answer_or_none_cancels_silently_with_zero(engine, answer):
    engine.run("docker create --name c1 ubuntu:20.04")
    result = engine.run("docker container prune", stdin=answer)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout.endswith("[y/N] ")
    assert names(engine) == ["c1"]


def test_ctrl_c_at_the_prompt_cancels(engine):
    engine.run("docker create --name c1 ubuntu:20.04")
    job = engine.execute("docker container prune", tty=True)
    job.send("\x03")
    assert job.done and job.result().exit_code == 0 and job.stdout.endswith("[y/N] ^C\r\n")
    assert names(engine) == ["c1"]


# -- run and create options -------------------------------------------------------------------------


@pytest.mark.parametrize(("line", "message"), [
    ("docker run --restart sometimes ubuntu:20.04", "invalid restart policy: unknown policy 'sometimes'"),
    ("docker run --restart always:3 ubuntu:20.04", "maximum retry count can only be used with 'on-failure'"),
    ("docker run --restart on-failure:x ubuntu:20.04", 'strconv.Atoi: parsing "x": invalid syntax'),
    ("docker run --restart on-failure:-1 ubuntu:20.04", "maximum retry count cannot be negative"),
    ("docker run --rm --restart always ubuntu:20.04", "cannot specify both --restart and --rm"),
    ("docker run -p 99999 ubuntu:20.04", "invalid containerPort: 99999"),
    ("docker run --stop-signal SIGFOO ubuntu:20.04", "Invalid signal: SIGFOO"),
    # Reading the options comes first: a bad policy wins over --attach with -d.
    ("docker run -d -a stdout --restart bogus ubuntu:20.04", "unknown policy 'bogus'"),
])
def test_options_the_client_refuses_while_reading_them(engine, line, message):
    with pytest.raises(UsageError, match=message.replace("(", r"\(")):
        run_options(parsed(line), "run")
    result = engine.run(line)
    assert result.exit_code == 125 and result.stdout == ""
    assert result.stderr.startswith("docker: ") and message in result.stderr
    assert result.stderr.endswith("\n\nRun 'docker run --help' for more information\n")
    assert names(engine) == []


def test_attach_with_detach_is_refused_after_reading_exit_1(engine):
    with pytest.raises(RunRefused):
        run_options(parsed("docker run -d -a stdout ubuntu:20.04"), "run")
    result = engine.run("docker run -d -a stdout ubuntu:20.04")
    assert (result.exit_code, result.stdout) == (1, "")
    assert result.stderr == "conflicting options: cannot specify both --attach and --detach\n"
    assert names(engine) == []


def test_run_options_make_the_config_the_cli_sends():
    options = run_options(parsed(
        "docker run -it -e A=1 -e B --label team=x -p 8080:80 --expose 9000 --entrypoint sh "
        "--restart on-failure:2 --stop-signal SIGQUIT --stop-timeout 3 ubuntu:20.04 -c true"), "run")
    assert (options.image, options.argv) == ("ubuntu:20.04", ["-c", "true"])
    assert (options.restart, options.retries) == ("on-failure", 2)
    assert options.env == ["A=1"]  # `-e B` would copy a variable of the server's own
    assert options.labels == {"team": "x"}
    assert options.bindings == {"80/tcp": [("", "8080")]} and options.exposed == ["80/tcp", "9000/tcp"]
    assert options.entrypoint == ["sh"]
    assert (options.stop_signal, options.stop_timeout) == ("SIGQUIT", 3)
    assert (options.attach_stdin, options.attach_stdout, options.attach_stderr) == (True, True, True)
    assert options.stdin_once and options.tty
    detached = run_options(parsed("docker run -d -i ubuntu:20.04"), "run")
    assert (detached.attach_stdin, detached.attach_stdout, detached.stdin_once) == (False, False, False)
    created = run_options(parsed("docker create ubuntu:20.04"), "create")
    assert (created.attach_stdin, created.attach_stdout, created.attach_stderr) == (False, True, True)
    assert run_options(parsed("docker run --entrypoint '' ubuntu:20.04"), "run").entrypoint == [""]


def test_values_read_as_the_cli_reads_them():
    assert detach_keys(parsed("docker attach x")) == "\x10\x11"
    assert detach_keys(parsed("docker attach --detach-keys ctrl-a,x,ctrl-@ x")) == "\x01x\x00"
    with pytest.raises(ValueError, match="Unknown character: 'ctrl-1'"):
        detach_keys(parsed("docker attach --detach-keys ctrl-1 x"))
    assert parse_publish("127.0.0.1:8080:80/udp") == ("80/udp", "127.0.0.1", "8080")
    with pytest.raises(ValueError, match="invalid hostPort: x"):
        parse_publish("x:80")
    assert parse_time("1700000000.5", 0) == 1700000000.5
    assert parse_time("10m", 1000.0) == 400.0
    assert parse_time("1970-01-01T00:01:00+00:00", 0) == 60.0
    assert parse_time("soon", 0) is None and parse_time(None, 0) is None


# -- inspect ----------------------------------------------------------------------------------------


def test_inspect_type_picks_where_to_look(engine):
    engine.run("docker create --name c1 ubuntu:20.04")
    as_image = engine.run("docker inspect --type image -f '{{.Os}}' c1")
    assert (as_image.exit_code, as_image.stderr) == (1, "Error: No such image: c1\n")
    as_container = engine.run("docker inspect --type container ubuntu:20.04")
    assert as_container.stderr == "Error: No such container: ubuntu:20.04\n"
    both = engine.run("docker inspect -f '{{.State.Status}}' c1 nosuch")
    assert (both.exit_code, both.stdout, both.stderr) == (1, "created\n", "Error: No such object: nosuch\n")
    image = engine.run("docker image inspect -f '{{.Os}}' ubuntu:20.04")
    assert (image.exit_code, image.stdout) == (0, "linux\n")


# -- events -----------------------------------------------------------------------------------------


def test_events_since_until_replays_the_window_and_ends(engine):
    start = engine.clock.now()
    engine.run("docker run --name early ubuntu:20.04 true")
    engine.clock.advance(60)
    middle = engine.clock.now()
    engine.clock.advance(1)
    engine.run("docker run --name late ubuntu:20.04 true")
    engine.clock.advance(1)
    result = engine.run(f"docker events --since {start} --until {middle} --filter type=container "
                        "--format '{{.Actor.Attributes.name}} {{.Action}}'")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == ["early create", "early attach", "early start", "early die"]
    recent = engine.run("docker events --since 30s --until 0s --filter event=die "
                        "--format '{{.Actor.Attributes.name}}'")
    assert recent.stdout == "late\n"


def test_events_until_later_streams_then_ends_on_the_clock(engine):
    until = engine.clock.now() + 5
    job = engine.execute(f"docker events --until {until} --filter event=start "
                         "--format '{{.Actor.Attributes.name}}'")
    engine.run("docker run -d --name soon ubuntu:20.04 sleep 100")
    assert job.stdout == "soon\n" and not job.done
    engine.clock.advance(5)
    assert job.done and job.result().exit_code == 0


def test_events_template_error_in_the_past_ends_the_command(engine):
    start = engine.clock.now()
    engine.run("docker run --name xx ubuntu:20.04 true")
    engine.clock.advance(1)
    result = engine.run(f"docker events --since {start} --until 0s --format '{{{{.Action}}}} {{{{.Nope}}}}'")
    assert (result.exit_code, result.stdout) == (64, "")  # as the real CLI: nothing, 64
    assert result.stderr.startswith("Error parsing format: ") and "can't evaluate field Nope" in result.stderr
    query = EventQuery.of(parsed("docker events --since 0 --until 1"), now=10.0)
    assert query.ended and list(query.past([])) == []


def test_bad_detach_keys_fail_an_attached_run_after_create_and_mean_nothing_to_a_detached_one(engine):
    attached = engine.run("docker run --detach-keys ctrl-1 --name dk1 ubuntu:20.04 true")
    assert (attached.exit_code, attached.stdout) == (1, "")
    assert attached.stderr == "unable to upgrade to tcp, received 400\n"
    assert engine.container_state("dk1") == "created"  # the daemon refused the attach, not the create
    detached = engine.run("docker run -d --detach-keys ctrl-1 --name dk2 ubuntu:20.04 sleep 9")
    assert detached.exit_code == 0 and engine.container_state("dk2") == "running"
