"""Health checks on the simulator, on its virtual clock: moby's daemon/health.go rules, the probe's
events, and what ps / inspect / filters show."""

from __future__ import annotations

import dataclasses
import json

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.images import CATALOGUE, Healthcheck
from webapp.engine.sim.engine import SimEngine

PROBE = 'docker run -d --name doc --health-cmd "test -e /tmp/ok" --health-interval 3s'


@pytest.fixture
def engine():
    return SimEngine(VirtualClock(), seed=5)


def advance(engine, seconds):
    with engine.lock:
        engine.clock.advance(seconds)


def actions(engine, name):
    return [(e.action, e.attributes.get("exitCode"))
            for e in engine.history if e.type == "container" and e.attributes.get("name") == name]


def out(engine, line):
    result = engine.run(line)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def health(engine, name="doc"):
    return out(engine, "docker inspect -f '{{.State.Health.Status}} {{.State.Health.FailingStreak}} "
                       "{{len .State.Health.Log}}' " + name).strip()


def test_starting_until_the_first_probe_then_healthy_once_it_passes(engine):
    out(engine, PROBE + " ubuntu:20.04 sleep 100")
    assert health(engine) == "starting 0 0"
    assert "Up Less than a second (health: starting)" in out(engine, "docker ps")
    advance(engine, 2.9)
    assert health(engine) == "starting 0 0"  # the first probe waits a whole interval
    out(engine, "docker exec doc touch /tmp/ok")
    advance(engine, 0.2)
    assert health(engine) == "healthy 0 1"
    assert "Up 3 seconds (healthy)" in out(engine, "docker ps")
    advance(engine, 9)  # three more passing probes: no further health_status event
    probe = "/bin/sh -c test -e /tmp/ok"
    assert actions(engine, "doc")[-13:] == [
        (f"exec_create: {probe}", None), (f"exec_start: {probe}", None), ("exec_die", "0"),
        ("health_status: healthy", None),
        *[(f"exec_create: {probe}", None), (f"exec_start: {probe}", None), ("exec_die", "0")] * 3]


def test_unhealthy_after_retries_consecutive_failures(engine):
    out(engine, PROBE + " ubuntu:20.04 sleep 100")  # retries: the default 3
    advance(engine, 6.5)
    assert health(engine) == "starting 2 2"
    advance(engine, 3)
    assert health(engine) == "unhealthy 3 3"
    assert [a for a, _ in actions(engine, "doc")].count("health_status: unhealthy") == 1
    assert "(unhealthy)" in out(engine, "docker ps")
    assert out(engine, "docker ps --format '{{.Status}}'") == "Up 9 seconds (unhealthy)\n"


def test_a_passing_probe_clears_the_failing_streak(engine):
    out(engine, PROBE + " --health-retries 2 ubuntu:20.04 sleep 100")
    advance(engine, 6.5)
    assert health(engine) == "unhealthy 2 2"
    out(engine, "docker exec doc touch /tmp/ok")
    advance(engine, 3)
    assert health(engine) == "healthy 0 3"
    exits = out(engine, "docker inspect -f '{{range .State.Health.Log}}{{.ExitCode}}{{end}}' doc")
    assert exits == "110\n"


def test_failures_inside_the_start_period_do_not_count(engine):
    out(engine, 'docker run -d --name doc --health-cmd false --health-interval 2s '
                "--health-start-period 6s --health-start-interval 1s --health-retries 1 "
                "ubuntu:20.04 sleep 100")
    advance(engine, 5.5)  # probes every start interval (1 s) while starting in the start period
    assert health(engine) == "starting 0 5"
    advance(engine, 1)  # the probe at 6 s is past the start period
    assert health(engine) == "unhealthy 1 5"  # the log keeps the last five results
    advance(engine, 1.4)
    assert health(engine) == "unhealthy 1 5"  # past the start period: the interval (2 s) again
    advance(engine, 0.2)
    assert health(engine) == "unhealthy 2 5"


def test_default_start_interval_is_five_seconds_inside_the_start_period(engine):
    out(engine, 'docker run -d --name doc --health-cmd true --health-interval 2s '
                "--health-start-period 60s ubuntu:20.04 sleep 100")
    advance(engine, 4.9)
    assert health(engine) == "starting 0 0"
    advance(engine, 0.2)
    assert health(engine) == "healthy 0 1"
    advance(engine, 2)  # healthy: the interval, even inside the start period
    assert health(engine) == "healthy 0 2"


def test_a_probe_that_outlives_its_timeout_fails_and_is_killed(engine):
    out(engine, 'docker run -d --name slow --health-cmd "echo working; sleep 5" '
                "--health-interval 2s --health-timeout 1s --health-retries 1 ubuntu:20.04 sleep 100")
    advance(engine, 3.5)
    assert health(engine, "slow") == "unhealthy 1 1"
    log = out(engine, "docker inspect -f '{{range .State.Health.Log}}{{.ExitCode}}|{{.Output}}{{end}}' slow")
    assert log == "-1|Health check exceeded timeout (1s): working\n\n"
    assert actions(engine, "slow")[-2:] == [("health_status: unhealthy", None), ("exec_die", "127")]
    assert out(engine, "docker top slow").count("sleep") == 1  # the probe's sleep is gone
    (result,) = json.loads(out(engine, "docker inspect slow"))[0]["State"]["Health"]["Log"]
    assert (result["Start"], result["End"]) == ("2026-01-05T09:00:02Z", "2026-01-05T09:00:03Z")


def test_probe_output_is_cut_at_4096_bytes(engine):
    out(engine, "docker run -d --name doc --health-cmd 'for a in 1 2 3 4 5 6 7 8; do for b in 1 2 3 4 "
                f"5 6 7 8; do echo {'0123456789' * 7}; done; done' --health-interval 1s ubuntu:20.04 "
                "sleep 100")  # 64 lines of 71 bytes
    advance(engine, 1.5)
    output = out(engine, "docker inspect -f '{{range .State.Health.Log}}{{.Output}}{{end}}' doc")
    assert output.endswith("...\n") and len(output) == 4096 + 4


def test_stop_leaves_it_unhealthy_and_a_start_resets_it_to_starting(engine):
    out(engine, PROBE + " --health-retries 1 ubuntu:20.04 sleep 100")
    out(engine, "docker exec doc touch /tmp/ok")
    advance(engine, 3.5)
    assert health(engine) == "healthy 0 1"
    out(engine, "docker kill doc")
    assert health(engine) == "unhealthy 0 1"
    assert out(engine, "docker ps -a --filter health=unhealthy --format '{{.Names}} {{.Status}}'") == \
        "doc Exited (137) Less than a second ago\n"
    advance(engine, 30)
    assert [a for a, _ in actions(engine, "doc")][-2:] == ["kill", "die"]  # no probes while stopped
    out(engine, "docker start doc")
    assert health(engine) == "starting 0 1"  # the log is kept
    assert "(health: starting)" in out(engine, "docker ps")


def test_restart_policy_restart_resets_to_starting(engine):
    out(engine, 'docker run -d --name doc --restart always --health-cmd false --health-interval 1s '
                "--health-retries 1 ubuntu:20.04 sh -c 'sleep 3; exit 1'")
    advance(engine, 2.5)
    assert health(engine) == "unhealthy 2 2"
    advance(engine, 0.7)  # died at 3 s, restarted 100 ms later
    assert health(engine) == "starting 0 2"


def test_pause_stops_probes_and_reads_unhealthy_until_a_probe_after_unpause(engine):
    out(engine, PROBE + " ubuntu:20.04 sleep 100")
    out(engine, "docker exec doc touch /tmp/ok")
    advance(engine, 3.5)
    out(engine, "docker pause doc")
    assert health(engine) == "unhealthy 0 1"
    assert out(engine, "docker ps --format '{{.Status}}'") == "Up 3 seconds (Paused)\n"
    advance(engine, 10)
    out(engine, "docker unpause doc")
    assert health(engine) == "unhealthy 0 1"
    advance(engine, 3)
    assert health(engine) == "healthy 0 2"
    healthy = [a for a, _ in actions(engine, "doc") if a.startswith("health_status")]
    assert healthy == ["health_status: healthy", "health_status: healthy"]


def test_probes_do_not_pile_up_execs(engine):
    out(engine, "docker run -d --name doc --health-cmd true --health-interval 1s ubuntu:20.04 sleep 1000")
    advance(engine, 500)
    container = engine.daemon.containers[engine.daemon.names["doc"]]
    assert len(container.execs) == 0
    assert container.health is not None and len(container.health.log) == 5
    assert out(engine, "docker inspect -f '{{.ExecIDs}}' doc") == "[]\n"


def test_ps_filter_health(engine):
    out(engine, PROBE + " ubuntu:20.04 sleep 100")
    out(engine, "docker run -d --name plain ubuntu:20.04 sleep 100")
    out(engine, "docker create --name fresh --health-cmd true ubuntu:20.04")
    names = "docker ps -a --format '{{.Names}}' --filter "
    assert out(engine, names + "health=starting") == "doc\n"
    assert out(engine, names + "health=none") == "fresh\nplain\n"  # not started yet: no health
    assert out(engine, names + "health=healthy") == ""
    result = engine.run("docker ps --filter health=ok")
    assert result.exit_code == 1
    assert result.stderr == ("Error response from daemon: invalid filter 'health=ok': invalid value "
                             "for health (ok): must be one of none, starting, healthy, unhealthy\n")


def test_inspect_shows_the_config_and_state(engine):
    out(engine, PROBE + " --health-retries 2 --health-timeout 90s ubuntu:20.04 sleep 100")
    assert out(engine, "docker inspect -f '{{json .Config.Healthcheck}}' doc") == (
        '{"Test":["CMD-SHELL","test -e /tmp/ok"],"Interval":3000000000,"Timeout":90000000000,'
        '"Retries":2}\n')
    assert out(engine, "docker inspect -f '{{.Config.Healthcheck}}' doc") == (
        "{[CMD-SHELL test -e /tmp/ok] 3s 1m30s 0s 0s 2}\n")
    advance(engine, 3.5)
    text = out(engine, "docker inspect doc")
    assert '"Health": {\n                "Status": "starting",\n                "FailingStreak": 1,' in text
    assert out(engine, "docker ps --format '{{.HealthStatus}}'") == "starting\n"


def test_no_healthcheck_and_a_config_without_a_test_have_no_health(engine):
    out(engine, "docker run -d --name off --no-healthcheck ubuntu:20.04 sleep 100")
    out(engine, "docker run -d --name bare --health-retries 2 ubuntu:20.04 sleep 100")
    assert out(engine, "docker inspect -f '{{json .Config.Healthcheck}} {{json .State.Health}}' off bare") \
        == '{"Test":["NONE"]} null\n{"Retries":2} null\n'
    assert "health" not in out(engine, "docker ps")


@pytest.fixture
def healthy_image(engine):
    """ubuntu:20.04 as an image with a HEALTHCHECK of its own."""
    image = dataclasses.replace(CATALOGUE["ubuntu:20.04"], tag="checked", healthcheck=Healthcheck(
        test=("CMD-SHELL", "test -e /tmp/ok"), interval="2s", retries=1))
    engine.daemon.images.add(image)
    return image.ref


def test_the_image_healthcheck_applies_and_flags_override_it_field_by_field(engine, healthy_image):
    (image,) = json.loads(out(engine, f"docker image inspect {healthy_image}"))
    keys = list(image["Config"])
    assert keys[keys.index("Cmd") + 1] == "Healthcheck"  # where the daemon puts it
    assert json.dumps(image["Config"]["Healthcheck"]) == (
        '{"Test": ["CMD-SHELL", "test -e /tmp/ok"], "Interval": 2000000000, "Retries": 1}')
    out(engine, f"docker run -d --name img {healthy_image} sleep 100")
    advance(engine, 2.5)
    assert health(engine, "img") == "unhealthy 1 1"
    out(engine, f"docker run -d --name mixed --health-interval 5s {healthy_image} sleep 100")
    assert out(engine, "docker inspect -f '{{json .Config.Healthcheck}}' mixed") == (
        '{"Test":["CMD-SHELL","test -e /tmp/ok"],"Interval":5000000000,"Retries":1}\n')
    out(engine, f"docker run -d --name off --no-healthcheck {healthy_image} sleep 100")
    assert out(engine, "docker inspect -f '{{json .State.Health}}' off") == "null\n"


def test_sandbox_refuses_probes_more_often_than_once_a_second(engine):
    result = engine.run("docker run -d --health-cmd true --health-interval 500ms ubuntu:20.04")
    assert result.exit_code == 125
    assert result.stderr.startswith("docker: refused by the Lifecycle Lab sandbox: --health-interval "
                                    "500ms is too short for this sandbox")
    result = engine.run("docker create --health-start-interval 1ms ubuntu:20.04")
    assert result.exit_code == 1 and "--health-start-interval 1ms is too short" in result.stderr
    assert engine.run("docker ps -aq").stdout == ""


def test_a_rebuild_does_not_replay_hours_of_a_steady_probe():
    """While a rebuilt sandbox's clock catches up, a steady monitor pauses until something happens
    in the container or the clock goes live (see sim/health.py)."""
    import threading
    import time

    from webapp.engine.clock import HybridClock

    lock = threading.RLock()
    clock = HybridClock(lock, start=time.time() - 7200)
    engine = SimEngine(clock, seed=5, lock=lock)
    try:
        with lock:
            out(engine, PROBE + " ubuntu:20.04 sleep infinity")
            clock.advance_to(clock.now() + 3600)  # an hour of catch-up: 1200 probes if replayed
            probes = [a for a, _ in actions(engine, "doc") if a == "exec_die"]
            assert 10 <= len(probes) <= 14
            assert health(engine) == "unhealthy 13 5"  # the verdict is the same
            out(engine, "docker exec doc touch /tmp/ok")  # the container did something: probe again
            clock.advance_to(clock.now() + 3.5)
            assert health(engine).startswith("healthy 0")
            clock.go_live()
            container = engine.daemon.containers[engine.daemon.names["doc"]]
            monitor = container.health.monitor
            assert monitor is not None and not monitor.suspended and monitor.timer is not None
            assert monitor.timer.when > time.time()  # probing on real time again
    finally:
        clock.close()
