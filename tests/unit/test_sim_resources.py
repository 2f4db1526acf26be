"""Containers' resources on the simulator: memory limits and the OOM killer, paced CPU, capped logs.

Everything runs on a virtual clock: a busy loop's share of the CPU and an OOM kill happen in
virtual time, deterministically.
"""

from __future__ import annotations

import tracemalloc

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.container import LOG_LIMIT
from webapp.engine.sim.daemon import Limits
from webapp.engine.sim.engine import SimEngine
from webapp.engine.sim.process import STREAM_LIMIT, Box, Proc, Stream
from webapp.engine.sim.resources import (
    DEFAULT_MEMORY,
    WORK_BURST,
    WORK_PER_SECOND,
    Account,
    Meter,
    MeteredVars,
    OutOfMemory,
)
from webapp.engine.sim.shell import shell_program

HOG = "sh -c 'x=a; while :; do x=$x$x; done'"  # single quotes: the console's own shell expands "$x"
INSPECT = ("docker inspect -f '{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}} "
           "{{.HostConfig.Memory}} {{.HostConfig.MemorySwap}}' ")


@pytest.fixture
def engine() -> SimEngine:
    return SimEngine(VirtualClock(), seed=7)


def actions(engine: SimEngine, name: str) -> list[tuple[str, str | None]]:
    return [(e.action, e.attributes.get("exitCode")) for e in engine.history
            if e.type == "container" and e.attributes.get("name") == name]


def container(engine: SimEngine, name: str):
    return engine.daemon.containers[engine.daemon.names[name]]


def test_a_doubling_string_is_oom_killed_at_the_default_limit(engine) -> None:
    result = engine.run(f"docker run --name hog ubuntu:20.04 {HOG}")
    assert (result.exit_code, result.stdout, result.stderr) == (137, "", "")
    assert actions(engine, "hog") == [("create", None), ("attach", None), ("start", None),
                                      ("oom", None), ("die", "137")]
    inspect = engine.run(INSPECT + "hog").stdout
    assert inspect == f"exited 137 true {DEFAULT_MEMORY} {DEFAULT_MEMORY}\n"
    assert engine.run("docker ps -a --format '{{.Status}}'").stdout.startswith("Exited (137)")


def test_m_sets_the_limit_and_swap_defaults_to_twice_it(engine) -> None:
    assert engine.run(f"docker run --name hog -m 8m ubuntu:20.04 {HOG}").exit_code == 137
    assert engine.run(INSPECT + "hog").stdout == f"exited 137 true {8 << 20} {16 << 20}\n"
    engine.run("docker create --name cc -m 10MiB --memory-swap 30m ubuntu:20.04")
    assert engine.run(INSPECT + "cc").stdout == f"created 0 false {10 << 20} {30 << 20}\n"
    engine.run("docker create --name uu -m 1g --memory-swap -1 ubuntu:20.04")
    assert engine.run(INSPECT + "uu").stdout == f"created 0 false {1 << 30} -1\n"


def test_a_second_start_clears_oomkilled_and_the_kill_comes_again(engine) -> None:
    engine.run(f"docker run --name hog -m 8m ubuntu:20.04 {HOG}")
    seen: list[bool] = []
    engine.subscribe(lambda e: seen.append(container(engine, "hog").oom_killed)
                     if e.action == "start" else None)
    assert engine.run("docker start -a hog").exit_code == 137
    assert seen == [False]  # SetRunning cleared it
    assert actions(engine, "hog")[-3:] == [("start", None), ("oom", None), ("die", "137")]
    assert engine.run(INSPECT + "hog").stdout.startswith("exited 137 true")


@pytest.mark.parametrize(("flags", "message"), [
    ("-m 6", "Minimum memory limit allowed is 6MB"),
    ("-m 6291455b", "Minimum memory limit allowed is 6MB"),
    ("-m 8m --memory-swap 4m",
     "Minimum memoryswap limit should be larger than memory limit, see usage"),
    ("--memory-swap 16m",
     "You should always set the Memory limit when using Memoryswap limit, see usage"),
])
def test_the_daemon_s_memory_rules(engine, flags: str, message: str) -> None:
    result = engine.run(f"docker run --name x {flags} ubuntu:20.04 true")
    assert result.exit_code == 125
    assert result.stderr == (f"docker: Error response from daemon: {message}\n\n"
                             "Run 'docker run --help' for more information\n")
    created = engine.run(f"docker create --name y {flags} nosuchimage")  # checked before the image
    assert created.exit_code == 1 and message in created.stderr
    assert engine.containers() == []


def test_six_megabytes_is_enough(engine) -> None:
    assert engine.run("docker run --name small -m 6m ubuntu:20.04 echo hi").stdout == "hi\n"


def test_an_exec_s_oom_kill_leaves_the_container_running_but_flags_it(engine) -> None:
    engine.run("docker run -d --name box -m 8m ubuntu:20.04 sleep 1000")
    result = engine.run(f"docker exec box {HOG}")
    assert result.exit_code == 137
    assert [a for a, _ in actions(engine, "box")][-2:] == ["oom", "exec_die"]
    assert engine.container_state("box") == "running"
    assert engine.run(INSPECT + "box").stdout.startswith("running 0 true")  # moby: any OOM kill


def test_the_server_never_builds_the_string_past_the_limit(engine) -> None:
    tracemalloc.start()
    try:
        engine.run(f"docker run --name hog -m 16m ubuntu:20.04 {HOG}")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert actions(engine, "hog")[-1] == ("die", "137")
    assert peak < 40 << 20, peak  # the last string that fitted, and the one being replaced


def test_memory_is_released_when_processes_end(engine) -> None:
    engine.run("docker run -d --name box -m 8m ubuntu:20.04 sh -c 'x=0123456789; x=$x$x$x$x; "
               "sleep 1000'")
    box = container(engine, "box")
    held = box.meter.used
    assert held > 0 and engine.daemon.meter.used == held
    engine.run("docker exec box sh -c 'y=abcdefgh; y=$y$y$y$y$y$y$y$y'")
    assert box.meter.used == held  # the exec's shell has exited: its variables are free again
    engine.run("docker exec box sh -c 'echo hello > /tmp/greeting'")
    assert box.meter.used == held + len("hello\n")  # a written file stays
    engine.run("docker rm -f box")
    assert box.meter.used == 0 and engine.daemon.meter.used == 0


def test_containers_share_the_sandbox_s_memory() -> None:
    engine = SimEngine(VirtualClock(), seed=1, limits=Limits(memory=26 << 20))
    grow = "x=a; for i in " + " ".join(["1"] * 23) + "; do x=$x$x; done; sleep 1000"  # 8 MiB
    for name in ("ca", "cb"):
        assert engine.run(f"docker run -d --name {name} -m 16m ubuntu:20.04 sh -c '{grow}'"
                          ).exit_code == 0
    engine.clock.advance(5)
    assert engine.container_state("ca") == engine.container_state("cb") == "running"
    engine.run(f"docker run -d --name cc -m 16m ubuntu:20.04 sh -c '{grow}'")
    engine.clock.advance(5)
    assert engine.container_state("cc") == "exited"  # the sandbox's memory is full
    assert actions(engine, "cc")[-2:] == [("oom", None), ("die", "137")]


def test_one_sandbox_s_hog_leaves_another_alone() -> None:
    clock = VirtualClock()
    hog, calm = SimEngine(clock, seed=1), SimEngine(clock, seed=2)
    hog.run("docker run -d --name busy ubuntu:20.04 sh -c 'while :; do :; done'")
    hog.run("docker run -d --name loud ubuntu:20.04 sh -c 'while :; do echo spam; done'")
    hog.run(f"docker run -d --name hog ubuntu:20.04 {HOG}")
    calm.run("docker run -d --name web nginx")
    clock.advance(10)
    assert hog.container_state("hog") == "exited"
    assert calm.run("docker ps --format '{{.Names}} {{.State}}'").stdout == "web running\n"
    assert calm.daemon.pacer.spent < 1000 and calm.daemon.meter.used < 1 << 20
    assert [e.action for e in calm.history if e.type == "container"] == ["create", "start"]


def test_a_busy_sandbox_gets_a_bounded_share_of_work_per_second(engine) -> None:
    engine.run("docker run -d --name busy ubuntu:20.04 sh -c 'while :; do :; done'")
    engine.run("docker run -d --name busy2 ubuntu:20.04 sh -c 'while true; do true; done'")
    start = engine.daemon.pacer.spent
    engine.clock.advance(10)
    spent = engine.daemon.pacer.spent - start
    assert WORK_PER_SECOND * 5 < spent <= WORK_PER_SECOND * 10 + WORK_BURST + 10
    result = engine.run("docker stop -t 1 busy busy2")  # signals still reach them
    assert result.stdout == "busy\nbusy2\n" and engine.container_state("busy") == "exited"


def test_endless_output_keeps_only_the_log_cap(engine) -> None:
    engine.run("docker run -d --name loud ubuntu:20.04 sh -c 'while :; do echo line; done'")
    engine.clock.advance(60)
    loud = container(engine, "loud")
    assert 0 < sum(len(entry.text) for entry in loud.logs) <= LOG_LIMIT
    assert loud.meter.used <= LOG_LIMIT + 4096
    assert engine.run("docker logs --tail 2 loud").stdout == "line\nline\n"


def test_attached_endless_output_is_cut_for_the_client_and_the_container_runs_on(engine) -> None:
    job = engine.execute("docker run --name loud ubuntu:20.04 sh -c 'x=0123456789; "
                         "x=$x$x$x$x$x$x$x$x; x=$x$x$x$x$x$x$x$x; while :; do echo $x; done'",
                         tty=False)
    engine.clock.advance(20)
    assert "output truncated" in job.stderr
    assert len(job.stdout) <= 4 << 20
    assert engine.container_state("loud") == "running"
    job.cancel()


def test_deep_recursion_is_the_shell_s_own_crash(engine) -> None:
    nested = "$(" * 600 + "true" + ")" * 600
    result = engine.run(f"docker run --name deep ubuntu:20.04 sh -c 'echo {nested}'")
    assert result.exit_code == 139  # the stack overflow's SIGSEGV
    assert actions(engine, "deep")[-1] == ("die", "139")
    parens = "(" * 1500 + "true" + ")" * 1500
    assert engine.run(f"docker run --rm ubuntu:20.04 bash -c '{parens}'").exit_code == 139
    assert engine.run("docker run --rm ubuntu:20.04 echo still fine").stdout == "still fine\n"


def test_input_nobody_reads_is_bounded() -> None:
    stream = Stream()
    for _ in range(5):
        stream.feed("x" * (STREAM_LIMIT // 2))
    assert len(stream.pending()) == STREAM_LIMIT
    assert stream.take_chunk() == (True, "x" * STREAM_LIMIT)
    stream.feed("y")
    assert stream.pending() == "y"


def test_metered_vars_charge_the_change_only() -> None:
    meter = Meter(10_000)
    account = Account(meter)
    variables = MeteredVars(account, {"A": "1"})
    base = meter.used
    variables["B"] = "x" * 1000
    grown = meter.used
    assert grown - base > 1000
    variables["B"] = "y"
    assert meter.used < grown
    with pytest.raises(OutOfMemory):
        variables["C"] = "z" * 20_000
    assert "C" not in variables
    del variables["B"]
    assert meter.used == base
    account.close()
    assert meter.used == 0


def test_a_bare_box_s_shell_is_paced_and_killed_by_its_meter() -> None:
    clock = VirtualClock()
    box = Box(clock)
    box.meter = Meter(1 << 20)
    oom: list[int] = []
    box.out_of_memory = lambda proc: oom.append(proc.pid)  # type: ignore[method-assign]
    proc = Proc(box, ["sh", "-c", "x=a; while :; do x=$x$x; done"], env={}, out=lambda t, s: None,
                pid1=True)
    proc.start(shell_program("sh"))
    clock.advance(10)
    assert proc.exit_code == 137 and oom == [proc.pid]
    assert box.meter.used == 0
