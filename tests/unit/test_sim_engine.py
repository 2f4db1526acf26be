"""The simulator end to end: console lines in, Docker's answers and events out, on a virtual clock."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.engine import lifecycle
from webapp.engine.clock import VirtualClock
from webapp.engine.sim.daemon import Limits
from webapp.engine.sim.engine import SimEngine


@pytest.fixture
def engine():
    return SimEngine(VirtualClock(), seed=3)


def actions(engine, name):
    return [(e.action, e.attributes.get("exitCode"), e.attributes.get("signal"))
            for e in engine.history if e.type == "container" and e.attributes.get("name") == name]


def test_run_ubuntu_exits_at_once_with_zero(engine):
    result = engine.run("docker run --name u1 ubuntu:20.04")
    assert result.exit_code == 0 and result.stdout == ""
    assert actions(engine, "u1") == [("create", None, None), ("attach", None, None), ("start", None, None),
                                    ("die", "0", None)]
    assert engine.container_state("u1") == "exited"


def test_stop_of_sigterm_ignoring_pid1_waits_grace_period_then_137(engine):
    engine.run("docker run -d --name s1 ubuntu:20.04 sleep 1000")
    start = engine.clock.now()
    result = engine.run("docker stop s1")
    assert result.stdout == "s1\n"
    assert engine.clock.now() - start == pytest.approx(10.0)
    assert actions(engine, "s1")[-4:] == [("kill", None, "15"), ("kill", None, "9"), ("die", "137", None),
                                         ("stop", None, None)]


def test_init_turns_sigterm_into_143(engine):
    engine.run("docker run -d --init --name i1 ubuntu:20.04 sleep 1000")
    start = engine.clock.now()
    engine.run("docker stop i1")
    assert engine.clock.now() == start
    assert actions(engine, "i1")[-2] == ("die", "143", None)


def test_httpd_stops_cleanly_on_its_stopsignal(engine):
    engine.run("docker run -d --name web httpd")
    engine.run("docker stop web")
    assert actions(engine, "web")[-3:] == [("kill", None, "28"), ("die", "0", None), ("stop", None, None)]
    assert "caught SIGWINCH, shutting down gracefully" in engine.run("docker logs web").stderr


def test_kill_gives_137_and_no_stop_event(engine):
    engine.run("docker run -d --name k1 ubuntu:20.04 sleep 1000")
    assert engine.run("docker kill k1").stdout == "k1\n"
    assert actions(engine, "k1")[-2:] == [("kill", None, "9"), ("die", "137", None)]


def test_restart_policy_backs_off_and_gives_up(engine):
    engine.run("docker run -d --name f1 --restart on-failure:2 ubuntu:20.04 sh -c 'exit 3'")
    assert engine.container_state("f1") == "restarting"
    engine.clock.advance(0.099)
    assert engine.container_state("f1") == "restarting"
    engine.clock.advance(0.002)
    assert engine.container_state("f1") == "restarting"  # ran again, died again: second back-off
    engine.clock.advance(1)
    assert engine.container_state("f1") == "exited"
    assert [a for a, _, _ in actions(engine, "f1")].count("start") == 3
    inspect = engine.run("docker inspect -f '{{.RestartCount}} {{.State.ExitCode}}' f1")
    assert inspect.stdout == "2 3\n"


def test_stop_of_restarting_container_only_logs_stop(engine):
    engine.run("docker run -d --name a1 --restart always ubuntu:20.04 sh -c 'exit 1'")
    assert engine.container_state("a1") == "restarting"
    before = len(actions(engine, "a1"))
    engine.run("docker stop a1")
    assert actions(engine, "a1")[before:] == [("stop", None, None)]
    assert engine.container_state("a1") == "exited"
    engine.clock.advance(120)
    assert engine.container_state("a1") == "exited"


def test_paused_container_refuses_exec_and_start(engine):
    engine.run("docker run -d --name p1 ubuntu:20.04 sleep 1000")
    engine.run("docker pause p1")
    exec_ = engine.run("docker exec p1 ls")
    assert exec_.exit_code == 1
    assert "is paused, unpause the container before exec" in exec_.stderr
    start = engine.run("docker start p1")
    assert "cannot start a paused container, try unpause instead" in start.stderr
    unpause = engine.run("docker unpause p1")
    assert unpause.exit_code == 0
    refused = engine.run("docker unpause p1")
    assert refused.exit_code == 1 and "is not paused" in refused.stderr


def test_name_conflict_message(engine):
    engine.run("docker run --name web ubuntu:20.04")
    result = engine.run("docker run --name web ubuntu:20.04")
    assert result.exit_code == 125
    assert 'The container name "/web" is already in use by container' in result.stderr


def test_missing_executable_leaves_created_with_127(engine):
    result = engine.run("docker run --name m1 ubuntu:20.04 nosuchcmd")
    assert result.exit_code == 127
    assert 'exec: "nosuchcmd": executable file not found in $PATH' in result.stderr
    assert engine.container_state("m1") == "created"
    assert "Created" in engine.run("docker ps -a").stdout
    assert engine.run("docker inspect -f '{{.State.ExitCode}}' m1").stdout == "127\n"


def test_interactive_run_detaches_with_ctrl_p_ctrl_q(engine):
    job = engine.execute("docker run -it --name t1 ubuntu:20.04", tty=True)
    assert not job.done
    assert "root@" in job.stdout
    job.send("echo hi\r")
    assert "hi\r\n" in job.stdout
    job.send("\x10\x11")
    assert job.done and job.exit_code == 0
    assert engine.container_state("t1") == "running"
    assert actions(engine, "t1")[-1] == ("detach", None, None)


def test_attach_then_exit_ends_the_container(engine):
    engine.run("docker create -it --name t1 ubuntu:20.04")
    assert engine.container_state("t1") == "created"
    engine.run("docker start t1")
    assert engine.container_state("t1") == "running"
    job = engine.execute("docker attach t1", tty=True)
    job.send("exit 5\r")
    assert job.done and job.exit_code == 5
    assert engine.container_state("t1") == "exited"


def test_attach_detach_prints_read_escape_sequence(engine):
    engine.run("docker run -dit --name d1 ubuntu:20.04")
    job = engine.execute("docker attach d1", tty=True)
    job.send("\x10\x11")
    assert job.exit_code == 1 and job.stderr == "read escape sequence\n"


def test_attach_to_stopped_container_is_refused(engine):
    engine.run("docker run --name x1 ubuntu:20.04")
    result = engine.run("docker attach x1")
    assert result.exit_code == 1
    assert result.stderr == "cannot attach to a stopped container, start it first\n"


def test_logs_follow_streams_until_exit(engine):
    engine.run("docker run -d --name c1 ubuntu:20.04 sh -c 'echo a; sleep 2; echo b'")
    job = engine.execute("docker logs -f c1", tty=False)
    assert job.stdout == "a\n" and not job.done
    engine.clock.advance(2.1)
    assert job.stdout == "a\nb\n" and job.done


def test_events_stream_live(engine):
    job = engine.execute("docker events --filter event=die --format '{{.Actor.Attributes.name}} {{.Action}}'")
    engine.run("docker run -d --name late ubuntu:20.04 sleep 5")
    assert job.stdout == ""
    engine.clock.advance(5)
    assert job.stdout == "late die\n"
    job.interrupt()
    assert job.done


def test_pull_prints_progress_and_adds_the_image():
    engine = SimEngine(VirtualClock(), seed=1, images=[])
    result = engine.run("docker pull ubuntu:20.04")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "20.04: Pulling from library/ubuntu"
    assert lines[-2] == "Status: Downloaded newer image for ubuntu:20.04"
    assert lines[-1] == "docker.io/library/ubuntu:20.04"
    again = engine.run("docker pull ubuntu:20.04")
    assert "Status: Image is up to date for ubuntu:20.04" in again.stdout


def test_run_pulls_a_missing_image_on_stderr():
    engine = SimEngine(VirtualClock(), seed=1, images=[])
    result = engine.run("docker run hello-world")
    assert result.exit_code == 0
    assert result.stderr.startswith("Unable to find image 'hello-world:latest' locally\n")
    assert "Hello from Docker!" in result.stdout


def test_unknown_image_says_the_sandbox_registry_lacks_it():
    engine = SimEngine(VirtualClock(), seed=1, images=[])
    result = engine.run("docker run nosuchimage")
    assert result.exit_code == 125
    assert result.stderr.startswith("Unable to find image 'nosuchimage:latest' locally\n"
                                    "docker: Error response from daemon: image 'nosuchimage:latest' "
                                    "is not available in this sandbox; its images are: alpine, ")
    pulled = engine.run("docker pull mysql:3")
    assert pulled.exit_code == 1
    assert "image 'mysql:3' is not available in this sandbox" in pulled.stderr


def test_container_limit_is_a_clear_docker_style_error():
    engine = SimEngine(VirtualClock(), seed=1, limits=Limits(containers=1000))
    for index in range(1000):
        assert engine.run(f"docker create --name c{index} busybox").exit_code == 0
    result = engine.run("docker create busybox")
    assert result.exit_code == 1
    assert result.stderr.startswith("Error response from daemon: sandbox limit reached")
    assert len(engine.run("docker ps -aq").stdout.splitlines()) == 1000


def test_non_docker_commands_get_bash_answer(engine):
    result = engine.run("ls -la")
    assert result.exit_code == 127 and result.stderr == "bash: ls: command not found\n"


@pytest.mark.parametrize("line", ["", "   ", "docker", "docker \x00", "docker run 'unterminated",
                                  "docker run --name", "x" * 10_000, "docker ps \u00e9\u4e2d",
                                  "docker run -it", "docker run ubuntu:20.04 \x1b[31m"])
def test_bad_lines_always_get_an_answer(engine, line):
    result = engine.run(line)
    assert isinstance(result.exit_code, int)
    assert "internal error" not in result.stderr


WORDS = ["docker", "run", "-d", "-it", "--rm", "--name", "web", "w2", "ubuntu:20.04", "httpd", "busybox",
         "sleep", "5", "stop", "-t", "0", "kill", "rm", "-f", "start", "pause", "unpause", "restart",
         "ps", "-a", "exec", "ls", "logs", "inspect", "wait", "rename", "create", "--restart", "always",
         "on-failure:2", "sh", "-c", "'exit 3'", "--init", "top", "attach", "images", "rmi", "-q"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(WORDS), min_size=1, max_size=8), min_size=1, max_size=12),
       st.lists(st.floats(min_value=0, max_value=30), min_size=12, max_size=12))
def test_random_command_sequences_keep_the_engine_consistent(lines, gaps):
    engine = SimEngine(VirtualClock(), seed=5)
    for words, gap in zip(lines, gaps, strict=False):
        line = "docker " + " ".join(words) if words[0] != "docker" else " ".join(words)
        result = engine.run(line, timeout=60)
        assert "internal error" not in result.stderr, line
        engine.clock.advance(gap)
        names = [c.name for c in engine.daemon.containers.values()]
        assert len(names) == len(set(names))
        for container in engine.daemon.containers.values():
            assert container.state in lifecycle.STATE_IDS
            assert container.state != "removed"
        listed = engine.run("docker ps -aq --no-trunc").stdout.split()
        assert sorted(listed) == sorted(engine.daemon.containers)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=300))
def test_arbitrary_text_never_raises(text):
    engine = SimEngine(VirtualClock(), seed=1)
    result = engine.run(text, timeout=30)
    assert "internal error" not in result.stderr


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=200))
def test_arbitrary_docker_arguments_never_raise(text):
    engine = SimEngine(VirtualClock(), seed=1)
    result = engine.run("docker " + text, timeout=30)
    assert "internal error" not in result.stderr


def test_ctrl_c_is_forwarded_and_the_third_hangs_up(engine):
    job = engine.execute("docker run --name stuck ubuntu:20.04 sleep 100", tty=True)
    job.send("\x03")
    job.send("\x03")
    assert not job.done, "PID 1 ignores SIGINT, as in real Docker"
    assert [a for a, _, s in actions(engine, "stuck") if a == "kill"] == ["kill", "kill"]
    job.send("\x03")
    assert job.done and job.exit_code == 130
    assert "hung up" in job.stderr
    assert engine.container_state("stuck") == "running"
