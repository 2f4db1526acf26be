"""The terminal side of the one CLI, checked through the simulator: keys typed before the stream
is up, the cooked line discipline in front of a container without a TTY, detaching."""

from __future__ import annotations

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine


@pytest.fixture
def engine() -> SimEngine:
    engine = SimEngine(VirtualClock(start=1_700_000_000.0), seed=11)
    engine.run("docker pull ubuntu:20.04")
    return engine


def test_a_terminal_in_front_of_stdin_without_a_tty_echoes_edits_and_ends_on_ctrl_d(engine):
    job = engine.execute("docker run -i --name catty ubuntu:20.04 cat", tty=True)
    engine.clock.advance(1)
    job.send("hx\x7fi")
    assert job.stdout == "hx\b \bi" and not job.done  # echoed, not yet sent: a line at a time
    job.send("\r")
    engine.clock.advance(1)
    assert job.stdout == "hx\b \bi\r\nhi\n"
    job.send("\x04")  # end of input on an empty line: cat ends, and so does the run
    engine.clock.advance(1)
    assert job.done and job.result().exit_code == 0
    assert engine.container_state("catty") == "exited"


def test_piped_input_goes_as_it_is(engine):
    result = engine.run("docker run -i --name piped ubuntu:20.04 cat", stdin="one\ntwo\n")
    assert (result.exit_code, result.stdout) == (0, "one\ntwo\n")


def test_keys_typed_while_the_image_is_pulled_reach_the_shell(engine):
    job = engine.execute("docker run -it --name early busybox sh", tty=True)
    assert not job.done  # busybox is being pulled
    job.send("exit 4\r")
    engine.clock.run_until(lambda: job.done, 60)
    assert job.result().exit_code == 4


def test_detaching_leaves_the_container_running_and_attach_says_why(engine):
    job = engine.execute("docker run -it --name shell ubuntu:20.04 bash", tty=True)
    engine.clock.advance(1)
    job.send("\x10\x11")
    assert job.done and job.result().exit_code == 0
    assert engine.container_state("shell") == "running"
    again = engine.execute("docker attach shell", tty=True)
    again.send("\x10\x11")
    assert again.result().exit_code == 1 and again.stderr == "read escape sequence\n"
    actions = [e.action for e in engine.history if e.actor_id and e.type == "container"]
    assert actions.count("detach") == 2
