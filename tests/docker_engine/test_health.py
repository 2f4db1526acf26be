"""Health checks on the real-daemon engine: the one CLI sends `Config.Healthcheck`, the daemon runs
the probes, and the learner sees Docker's own events, STATUS and `.State.Health` (waits are on the
events the daemon sends, bounded by a deadline)."""

from __future__ import annotations

import threading

import pytest

pytestmark = pytest.mark.docker


def test_the_daemon_runs_the_probe_and_the_learner_sees_its_verdicts(make_engine) -> None:
    engine = make_engine()
    verdicts: list[str] = []
    arrived = threading.Event()

    def on_event(event) -> None:
        if event.action.startswith("health_status"):
            verdicts.append(event.action)
            arrived.set()

    engine.subscribe(on_event)
    result = engine.run('docker run -d --name doc --health-cmd "test -e /tmp/ok" --health-interval 1s '
                        "--health-retries 1 ubuntu:20.04 sleep 100")
    assert result.exit_code == 0, result.stderr
    assert engine.run("docker inspect -f '{{json .Config.Healthcheck}}' doc").stdout == (
        '{"Test":["CMD-SHELL","test -e /tmp/ok"],"Interval":1000000000,"Retries":1}\n')
    assert arrived.wait(10), "no health_status event within 10 s"
    assert verdicts == ["health_status: unhealthy"]
    actions = [e.action for e in engine.history]
    assert actions[2:5] == ["exec_create: /bin/sh -c test -e /tmp/ok",
                            "exec_start: /bin/sh -c test -e /tmp/ok", "exec_die"]
    assert "(unhealthy)" in engine.run("docker ps --format '{{.Status}}'").stdout
    assert engine.run("docker ps -q --filter health=unhealthy").stdout.strip()
    snapshot = {c["name"]: c for c in engine.containers()}
    assert snapshot["doc"]["health"] == "unhealthy"
    arrived.clear()
    engine.run("docker exec doc touch /tmp/ok")
    assert arrived.wait(10), "no health_status event within 10 s"
    assert verdicts == ["health_status: unhealthy", "health_status: healthy"]
    assert engine.run("docker inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}}' "
                      "doc").stdout == "healthy 0\n"


def test_the_sandbox_refuses_fast_probes_before_the_daemon_sees_them(make_engine, daemon) -> None:
    engine = make_engine()
    result = engine.run("docker run -d --health-cmd true --health-interval 100ms ubuntu:20.04")
    assert result.exit_code == 125
    assert result.stderr.startswith("docker: refused by the Lifecycle Lab sandbox: --health-interval "
                                    "100ms is too short for this sandbox")
    assert engine.run("docker ps -aq").stdout == ""


def test_start_interval_on_a_daemon_older_than_api_1_44(make_engine) -> None:
    engine = make_engine()
    version = engine.conn.version  # the daemon's API version, as the CLI negotiates it
    result = engine.run("docker run -d --health-cmd true --health-start-interval 2s ubuntu:20.04")
    if tuple(map(int, version.split("."))) >= (1, 44):
        assert result.exit_code == 0, result.stderr
        return
    assert (result.exit_code, result.stderr) == (
        1, (f'"--health-start-interval" requires API version 1.44, but the Docker daemon API '
            f"version is {version}\n"))
