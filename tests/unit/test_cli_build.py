"""The `docker build` command of the one CLI (cli/commands/build.py) on the simulator: its aliases,
flags and the answers it gives before and after the daemon builds."""

from __future__ import annotations

import json

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine

DOCKERFILE = ("FROM busybox AS base\nRUN echo base > /stage\n\n"
              "FROM base AS app\nARG GREETING=hello\nRUN echo $GREETING > /greeting\n"
              'CMD ["cat", "/greeting"]\n')


def _engine() -> SimEngine:
    engine = SimEngine(VirtualClock(), seed=5)
    engine.workspace.write("Dockerfile", DOCKERFILE)
    engine.workspace.write("alt/Build.dockerfile", "FROM alpine\nLABEL which=alt\n")
    return engine


def test_the_aliases_build_the_same_image() -> None:
    engine = _engine()
    ids = {engine.run(f"docker {cmd} -q .").stdout for cmd in ("build", "image build",
                                                               "builder build")}
    assert len(ids) == 1 and next(iter(ids)).startswith("sha256:")


def test_several_tags_labels_build_args_and_a_dockerfile_in_a_folder() -> None:
    engine = _engine()
    result = engine.run("docker build -t one -t two:v2 --label team=blue --build-arg GREETING=hi .")
    assert result.exit_code == 0, result.stderr
    assert "naming to docker.io/library/one:latest done" in result.stderr
    assert "naming to docker.io/library/two:v2 done" in result.stderr
    image = json.loads(engine.run("docker image inspect two:v2").stdout)[0]
    assert image["RepoTags"] == ["one:latest", "two:v2"]
    assert image["Config"]["Labels"] == {"team": "blue"}
    assert engine.run("docker run --rm one").stdout == "hi\n"
    result = engine.run("docker build -q -f ./alt/Build.dockerfile -t alt .")
    assert result.exit_code == 0, result.stderr
    assert engine.run("docker image inspect -f '{{.Config.Labels.which}}' alt").stdout == "alt\n"


def test_target_stops_at_the_named_stage_and_an_unknown_one_is_buildkits_error() -> None:
    engine = _engine()
    assert engine.run("docker build -q -t base --target base .").exit_code == 0
    assert engine.run("docker run --rm base cat /stage").stdout == "base\n"
    assert engine.run("docker run --rm base cat /greeting").exit_code == 1
    result = engine.run("docker build --target nope .")
    assert result.exit_code == 1
    assert result.stderr.endswith(
        'ERROR: failed to build: failed to solve: target stage "nope" could not be found\n')


def test_quiet_failure_prints_the_error_only() -> None:
    engine = _engine()
    engine.workspace.write("Dockerfile", "FROM busybox\nRUN exit 2\n")
    result = engine.run("docker build -q .")
    assert result.exit_code == 1 and result.stdout == ""
    assert "#" not in result.stderr.split("Dockerfile:2")[0]
    assert result.stderr.endswith('ERROR: failed to build: failed to solve: process "/bin/sh -c '
                                  'exit 2" did not complete successfully: exit code: 2\n')


def test_progress_modes() -> None:
    engine = _engine()
    plain = engine.run("docker build --progress=plain .")
    assert plain.stderr.startswith('#0 building with "default" instance using docker driver\n')
    assert engine.run("docker build --progress=quiet .").stderr == ""
    tty = engine.run("docker build --progress=tty .")
    assert (tty.exit_code, tty.stderr) == (1, ("ERROR: failed to build: failed to get console: "
                                              "provided file is not a console\n"))
    on_a_tty = engine.run("docker build .", tty=True)  # auto: the console is a terminal
    assert "[+] Building" in on_a_tty.stdout + on_a_tty.stderr
    bad_tag = engine.run("docker build -t Bad .")
    assert (bad_tag.exit_code, bad_tag.stderr) == (
        1, 'ERROR: failed to build: invalid tag "Bad": repository name must be lowercase\n')
