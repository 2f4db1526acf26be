"""Simulator bugs the differential fuzzer found against the real daemon (20.10), one test each.

Each test states what the real daemon did (recorded with the docker CLI on the look-alike images) and
fails on the simulator as it was before the fix.
"""

from __future__ import annotations

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine


@pytest.fixture
def engine():
    return SimEngine(VirtualClock(), seed=5)


def actions(engine, name):
    return [(e.action, e.attributes.get("exitCode"), e.attributes.get("signal"))
            for e in engine.history if e.type == "container" and e.attributes.get("name") == name]


def since(engine, name, mark):
    return actions(engine, name)[mark:]


def test_restart_of_rm_container_keeps_it(engine):
    """`docker restart` of a --rm container: moby switches AutoRemove off while it stops the
    container, so it runs again (the simulator used to remove it half-way and raise)."""
    engine.run("docker run -d --rm --name web nginx")
    mark = len(actions(engine, "web"))
    result = engine.run("docker restart -t 1 web")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "web\n", "")
    assert engine.container_state("web") == "running"
    assert [a for a, _, _ in since(engine, "web", mark)] == ["kill", "die", "stop", "start", "restart"]
    assert engine.run("docker inspect -f '{{.HostConfig.AutoRemove}}' web").stdout == "true\n"
    engine.run("docker stop -t 1 web")  # and --rm still holds afterwards
    assert engine.container_state("web") is None


def test_stop_timer_leaves_the_restarted_process_alone(engine):
    """`docker restart -t 1` of a server that stops at once: the 1 s SIGKILL timer of the stop
    must not kill the new process a second later."""
    engine.run("docker run -d --name web nginx")
    engine.run("docker restart -t 1 web")
    mark = len(actions(engine, "web"))
    engine.clock.advance(5)
    assert since(engine, "web", mark) == []
    assert engine.container_state("web") == "running"


def test_restart_event_comes_before_the_die_of_a_quick_program(engine):
    """Real: start, restart, die (the daemon logs `restart` when the start returns; the exit of
    the program comes later through containerd)."""
    engine.run("docker run --name job busybox sh -c 'exit 3'")
    mark = len(actions(engine, "job"))
    engine.run("docker restart -t 1 job")
    assert since(engine, "job", mark) == [("start", None, None), ("restart", None, None),
                                          ("die", "3", None)]


def test_kill_with_a_signal_thaws_a_paused_container_without_stop_signal(engine):
    """moby's killWithSignal resumes a paused container for its stop signal, or for any signal
    when none is configured: `kill -s INT` of a paused `sleep` logs kill then unpause."""
    engine.run("docker run -d --name nap ubuntu:20.04 sleep 1000")
    engine.run("docker pause nap")
    mark = len(actions(engine, "nap"))
    assert engine.run("docker kill -s INT nap").exit_code == 0
    assert since(engine, "nap", mark) == [("kill", None, "2"), ("unpause", None, None)]
    assert engine.container_state("nap") == "running"


def test_kill_with_another_signal_than_the_stop_signal_leaves_it_paused(engine):
    engine.run("docker run -d --stop-signal SIGHUP --name nap ubuntu:20.04 sleep 1000")
    engine.run("docker pause nap")
    mark = len(actions(engine, "nap"))
    engine.run("docker kill -s INT nap")
    assert since(engine, "nap", mark) == [("kill", None, "2")]
    assert engine.container_state("nap") == "paused"
    engine.run("docker kill -s HUP nap")
    assert since(engine, "nap", mark)[1:] == [("kill", None, "1"), ("unpause", None, None)]
    assert engine.container_state("nap") == "running"


def test_stop_without_grace_kills_a_graceful_server(engine):
    """`docker stop -t 0` of nginx: SIGQUIT then at once SIGKILL; nginx has no time for its
    graceful quit (real: kill 3, kill 9, die 137; the simulator used to say die 0)."""
    engine.run("docker run -d --name web nginx")
    mark = len(actions(engine, "web"))
    engine.run("docker stop -t 0 web")
    assert since(engine, "web", mark) == [("kill", None, "3"), ("kill", None, "9"),
                                          ("die", "137", None), ("stop", None, None)]


def test_stop_without_grace_under_tini_still_logs_the_sigkill(engine):
    """With --init, sleep dies of the forwarded SIGTERM (143), but the daemon has usually sent
    its SIGKILL already: real events kill 15, kill 9, die 143 (every time on an idle daemon; under
    load the exit sometimes wins and there is no `kill 9`, so the fuzzer uses -t 1 there)."""
    engine.run("docker run -d --init --name nap ubuntu:20.04 sleep 1000")
    mark = len(actions(engine, "nap"))
    engine.run("docker stop -t 0 nap")
    assert since(engine, "nap", mark) == [("kill", None, "15"), ("kill", None, "9"),
                                          ("die", "143", None), ("stop", None, None)]
