"""Executable scripts in the simulator's file systems, run as the kernel runs them.

`#!interp [arg]` runs `interp [arg] path args...`; without `#!` an exec fails with "exec format
error" while a shell runs the file as a shell script itself (POSIX); a missing interpreter fails
the exec ("no such file or directory") and each shell says it its own way. For PID 1 and `docker
exec` runc prints `exec PATH: <error>` and the process exits 1 (checked on the 20.10 daemon with
runc 1.1.5). Modes decide what is executable (Image.scripts 0755, Image.files 0644, Image.modes).
"""

from __future__ import annotations

import dataclasses

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.images import CATALOGUE, Image
from webapp.engine.sim.engine import SimEngine
from webapp.engine.sim.programs import interpreter_line

SCRIPTS = {
    "/serve.sh": '#!/bin/sh\necho "args: $0 $*"\n',
    "/noshebang.sh": "echo this file has no interpreter line\n",
    "/badinterp.sh": "#!/bin/nosuch\necho never\n",
    "/usr/local/bin/greet": "#!/bin/sh -e\necho hello from greet\n",
    "/trapper.sh": ("#!/bin/sh\ntrap 'echo caught TERM; exit 0' TERM\necho ready\n"
                    "sleep 100 &\nwait\n"),
    "/entrypoint.sh": '#!/bin/sh\necho starting\nexec "$@"\n',
    "/private.sh": "#!/bin/sh\necho private\n",
}


def _image(base: str, repository: str) -> Image:
    return dataclasses.replace(
        CATALOGUE[base], repository=repository, tag="latest", id="sha256:" + repository[0] * 64,
        scripts=dict(SCRIPTS), files={**CATALOGUE[base].files, "/notes.txt": "just text\n"},
        modes={"/private.sh": 0o644})


@pytest.fixture
def engine() -> SimEngine:
    engine = SimEngine(VirtualClock(), seed=7)
    engine.daemon.images.add(_image("busybox:latest", "ashbox"))
    engine.daemon.images.add(_image("ubuntu:20.04", "bashbox"))
    return engine


def state(engine: SimEngine, name: str) -> str:
    return engine.run(f"docker inspect -f '{{{{.State.Status}}}} {{{{.State.ExitCode}}}}' {name}"
                      ).stdout.strip()


def test_interpreter_line_is_read_as_the_kernel_reads_it() -> None:
    assert interpreter_line("#!/bin/sh\necho") == ("/bin/sh", "")
    assert interpreter_line("#! /usr/bin/env  python3 -u \n") == ("/usr/bin/env", "python3 -u")
    assert interpreter_line("echo hi\n") is None


def test_a_script_as_pid_1_runs_under_its_interpreter(engine: SimEngine) -> None:
    result = engine.run("docker run --name srv ashbox /serve.sh a b")
    assert result.stdout == "args: /serve.sh a b\n" and result.exit_code == 0
    assert engine.run("docker run --rm ashbox greet").stdout == "hello from greet\n"


def test_without_an_interpreter_line_exec_fails_with_exec_format_error(engine: SimEngine) -> None:
    result = engine.run("docker run --name nos ashbox /noshebang.sh")
    assert (result.stdout, result.stderr) == ("", "exec /noshebang.sh: exec format error\n")
    assert result.exit_code == 1 and state(engine, "nos") == "exited 1"
    assert engine.run("docker logs nos").stderr == "exec /noshebang.sh: exec format error\n"


def test_a_missing_interpreter_fails_the_exec(engine: SimEngine) -> None:
    result = engine.run("docker run --name bad ashbox /badinterp.sh")
    assert result.stderr == "exec /badinterp.sh: no such file or directory\n"
    assert state(engine, "bad") == "exited 1"


def test_docker_exec_of_a_script_without_interpreter_line(engine: SimEngine) -> None:
    engine.run("docker run -d --name box1 ashbox sleep 100")
    result = engine.run("docker exec box1 /noshebang.sh")
    assert (result.stderr, result.exit_code) == ("exec /noshebang.sh: exec format error\n", 1)


def test_a_shell_runs_a_file_without_interpreter_line_itself(engine: SimEngine) -> None:
    for image in ("ashbox", "bashbox"):
        result = engine.run(f"docker run --rm {image} sh -c '/noshebang.sh; echo rc=$?'")
        assert result.stdout == "this file has no interpreter line\nrc=0\n"


def test_each_shell_reports_a_missing_interpreter_its_own_way(engine: SimEngine) -> None:
    ash = engine.run("docker run --rm ashbox sh -c '/badinterp.sh; echo rc=$?'")
    assert (ash.stdout, ash.stderr) == ("rc=127\n", "sh: /badinterp.sh: not found\n")
    bash = engine.run("docker run --rm bashbox bash -c '/badinterp.sh; echo rc=$?'")
    assert bash.stdout == "rc=126\n"
    assert bash.stderr == ("bash: /badinterp.sh: /bin/nosuch: bad interpreter: "
                           "No such file or directory\n")


def test_modes_decide_what_is_executable(engine: SimEngine) -> None:
    result = engine.run("docker run --rm ashbox sh -c "
                        "'test -x /serve.sh && echo x; test -x /notes.txt || echo not-x; "
                        "test -x /private.sh || echo private-not-x; /private.sh; echo rc=$?'")
    assert result.stdout == "x\nnot-x\nprivate-not-x\nrc=126\n"
    assert result.stderr == "sh: /private.sh: Permission denied\n"
    assert engine.run("docker run --rm ashbox cat /serve.sh").stdout == SCRIPTS["/serve.sh"]


def test_a_script_is_pid_1_under_its_interpreters_name(engine: SimEngine) -> None:
    engine.run("docker run -d --name trap1 ashbox /trapper.sh")
    top = engine.run("docker top trap1").stdout.splitlines()
    assert top[1].endswith("/bin/sh /trapper.sh") and top[2].endswith("sleep 100")
    engine.run("docker stop trap1")  # the trap interrupts `wait`: exit 0 at once
    assert state(engine, "trap1") == "exited 0"
    assert engine.run("docker logs trap1").stdout == "ready\ncaught TERM\n"


def test_exec_in_an_entrypoint_script_makes_the_command_pid_1(engine: SimEngine) -> None:
    engine.run("docker run -d --name ep ashbox /entrypoint.sh sleep 100")
    top = engine.run("docker top ep").stdout.splitlines()[1:]
    assert [line.split(None, 7)[7] for line in top] == ["sleep 100"]
    assert engine.run("docker logs ep").stdout == "starting\n"


def test_a_written_file_is_not_executable_until_given_a_mode(engine: SimEngine) -> None:
    engine.run("docker run -d --name w1 ashbox sleep 100")
    engine.run("docker exec w1 sh -c 'echo \"echo made here\" > /tmp/made.sh'")
    result = engine.run("docker exec w1 /tmp/made.sh")
    assert result.exit_code == 126
    container = engine.daemon.containers[engine.daemon.names["w1"]]
    assert container.mode_of("/tmp/made.sh") == 0o644
    assert container.set_mode(None, "/tmp/made.sh", 0o755)
    assert engine.run("docker exec w1 sh -c /tmp/made.sh").stdout == "made here\n"
    assert engine.run("docker exec w1 /tmp/made.sh").stderr == \
        "exec /tmp/made.sh: exec format error\n"


def test_chmod_makes_a_written_script_runnable(engine: SimEngine) -> None:
    engine.run("docker run -d --name c1 ashbox sleep 100")
    engine.run("docker exec c1 sh -c \"echo '#!/bin/sh' > /tmp/r.sh; echo 'echo run \\$1' >> /tmp/r.sh\"")
    assert engine.run("docker exec c1 /tmp/r.sh x").exit_code == 126
    assert engine.run("docker exec c1 chmod +x /tmp/r.sh").exit_code == 0
    assert engine.run("docker exec c1 /tmp/r.sh x").stdout == "run x\n"
    engine.run("docker exec c1 chmod 644 /serve.sh")
    assert engine.run("docker exec c1 sh -c 'test -x /serve.sh || echo off'").stdout == "off\n"
    missing = engine.run("docker exec c1 chmod +x /nope")
    assert (missing.stderr, missing.exit_code) == ("chmod: /nope: No such file or directory\n", 1)
    engine.run("docker run -d --name c2 bashbox sleep 100")
    bad = engine.run("docker exec c2 chmod zz /serve.sh")
    assert bad.stderr == "chmod: invalid mode: 'zz'\nTry 'chmod --help' for more information.\n"


@pytest.mark.parametrize(("spec", "mode", "expected"), [
    ("+x", 0o644, 0o755), ("u+x,g-r", 0o644, 0o704), ("755", 0o600, 0o755), ("a=r", 0o777, 0o444),
    ("go-w", 0o666, 0o644), ("u=rwx,go=rx", 0, 0o755), ("zz", 0o644, None), ("+q", 0o644, None),
])
def test_chmod_modes(spec: str, mode: int, expected: int | None) -> None:
    from webapp.engine.sim.applets import chmod_mode

    assert chmod_mode(spec, mode) == expected
