"""The engine interface: both daemons implement every operation of `EngineApi`, and the
simulator answers in the Engine API's shapes and the daemon's words, settling slow requests
from its clock."""

from __future__ import annotations

import inspect

import pytest

from webapp.engine.api import ApiError, EngineApi
from webapp.engine.clock import VirtualClock
from webapp.engine.docker.api import DockerApi
from webapp.engine.futures import spawn
from webapp.engine.sim.api import SimApi
from webapp.engine.sim.engine import SimEngine

OPERATIONS = sorted(name for name, member in vars(EngineApi).items()
                    if callable(member) and not name.startswith("_"))


@pytest.fixture
def engine() -> SimEngine:
    return SimEngine(VirtualClock(start=1_700_000_000.0), seed=3)


@pytest.mark.parametrize("implementation", [SimApi, DockerApi])
def test_both_daemons_implement_every_operation_with_its_parameters(implementation):
    assert "container_stop" in OPERATIONS and "image_remove" in OPERATIONS
    for name in OPERATIONS:
        theirs = getattr(implementation, name, None)
        assert theirs is not None, f"{implementation.__name__} lacks {name}"
        wanted = inspect.signature(getattr(EngineApi, name))
        got = inspect.signature(inspect.unwrap(theirs))
        assert list(got.parameters) == list(wanted.parameters), name
        assert inspect.iscoroutinefunction(inspect.unwrap(theirs)) == \
            inspect.iscoroutinefunction(getattr(EngineApi, name)), name


def test_stop_settles_only_when_the_grace_period_is_over(engine):
    engine.run("docker run -d --name stopper ubuntu:20.04 sleep 100")  # sleep ignores SIGTERM as PID 1
    task = spawn(engine.api.container_stop("stopper", timeout=3))
    assert not task.future.done()
    engine.clock.advance(2.9)
    assert not task.future.done() and engine.container_state("stopper") == "running"
    engine.clock.advance(0.2)
    assert task.future.done() and task.future.result() is None
    inspected = spawn(engine.api.container_inspect("stopper")).future.result()
    assert inspected["State"]["ExitCode"] == 137


def test_errors_carry_the_status_and_the_daemons_words(engine):
    with pytest.raises(ApiError) as missing:
        spawn(engine.api.container_kill("ghost")).future.result()
    assert missing.value.status == 404
    assert missing.value.message == "cannot kill container: ghost: No such container: ghost"
    with pytest.raises(ApiError) as bad:
        spawn(engine.api.container_list(filters={"colour": ["red"]})).future.result()
    assert (bad.value.status, bad.value.message) == (400, "invalid filter 'colour'")


def test_list_and_wait_speak_the_engine_api_shapes(engine):
    engine.run("docker run -d --name waiter ubuntu:20.04 sh -c 'sleep 1; exit 3'")
    listed = spawn(engine.api.container_list()).future.result()
    assert [(c["Names"], c["State"]) for c in listed] == [(["/waiter"], "running")]
    waiting = spawn(engine.api.container_wait("waiter")).future.result()  # the daemon holds it
    assert not waiting.done()
    engine.clock.advance(1.5)
    assert waiting.result() == {"StatusCode": 3}
    assert spawn(engine.api.container_list()).future.result() == []
    assert len(spawn(engine.api.container_list(all=True)).future.result()) == 1


def test_version_flag_prints_the_clients_line_not_the_version_block(engine):
    result = engine.run("docker --version")
    assert (result.exit_code, result.stdout) == (0, "Docker version 28.2.2, build e6534b4\n")
    block = engine.run("docker version").stdout
    assert block.startswith("Client:\n Version:           28.2.2\n")
    assert "Server: Lifecycle Lab simulator\n Engine:\n  Version:          29.1.0\n" in block


def test_waiting_for_removal_ends_when_a_failed_start_removes_the_container(engine):
    engine.run("docker pull ubuntu:20.04")
    result = engine.run("docker run --rm --name temp3 ubuntu:20.04 nosuchcmd")
    assert result.exit_code == 127 and "executable file not found" in result.stderr
    assert engine.container_state("temp3") is None
    engine.run("docker create --name kept ubuntu:20.04 true")
    removed = spawn(engine.api.container_wait("kept", condition="removed")).future.result()
    engine.run("docker start kept")
    assert not removed.done()  # it exited, but it is still there
    engine.run("docker rm kept")
    assert removed.result() == {"StatusCode": 0}
