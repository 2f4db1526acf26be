"""Scenarios that carry a workspace (`files`): validation, the folder the docker CLI runner writes,
the client that builds, the simulator's and the engine's workspace, and the compare rules for
builds. No daemon needed."""

from __future__ import annotations

import os
import stat
import subprocess

import pytest

from webapp.conformance import real_runner
from webapp.conformance.compare import build_output, compare
from webapp.conformance.scenario import files_of, load_scenario
from webapp.conformance.sim_runner import run_scenario_sim
from webapp.engine.workspace import WorkspaceError


def test_files_are_checked_as_the_workspace_checks_them(tmp_path) -> None:
    good = {"name": "x", "steps": ["docker ps"], "files": {"Dockerfile": "FROM busybox\n"}}
    assert files_of(good) == {"Dockerfile": "FROM busybox\n"}
    for files in ({"../escape": "x"}, {f"f{i}": "x" for i in range(17)}):
        with pytest.raises(WorkspaceError):
            files_of({"name": "x", "steps": [], "files": files})
    with pytest.raises(TypeError):
        files_of({"name": "x", "steps": [], "files": {"a": 1}})
    path = tmp_path / "s.json"
    path.write_text('{"name": "s", "steps": ["docker ps"], "files": {"a b": "x"}}')
    with pytest.raises(WorkspaceError):
        load_scenario(path)


def test_the_folder_has_the_files_with_their_modes(tmp_path) -> None:
    real_runner.write_files(str(tmp_path), {"Dockerfile": "FROM busybox\n",
                                            "bin/serve.sh": "#!/bin/sh\necho hi\n"})
    assert (tmp_path / "Dockerfile").read_text() == "FROM busybox\n"
    assert stat.S_IMODE(os.stat(tmp_path / "Dockerfile").st_mode) == 0o644
    assert stat.S_IMODE(os.stat(tmp_path / "bin" / "serve.sh").st_mode) == 0o755


def test_the_build_client_can_be_chosen(monkeypatch) -> None:
    monkeypatch.setenv(real_runner.BUILD_CLI_ENV, "/opt/docker")
    assert real_runner.build_client("docker") == ("/opt/docker", {"DOCKER_BUILDKIT": "1"})


def test_the_build_client_prefers_buildx_then_an_old_client(monkeypatch) -> None:
    monkeypatch.delenv(real_runner.BUILD_CLI_ENV, raising=False)
    answers = {("docker", "buildx"): 1, ("docker", "version"): "28.2.2",
               ("/usr/bin/docker", "version"): "20.10.24+dfsg1"}

    def fake(docker: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        answer = answers[(docker, args[0])]
        if isinstance(answer, int):
            return subprocess.CompletedProcess([docker], answer, "", "")
        return subprocess.CompletedProcess([docker], 0, answer + "\n", "")

    monkeypatch.setattr(real_runner, "_docker", fake)
    monkeypatch.setattr(real_runner.shutil, "which", lambda name: name)
    assert real_runner.build_client("docker") == ("/usr/bin/docker", {"DOCKER_BUILDKIT": "1"})
    answers[("docker", "buildx")] = 0
    assert real_runner.build_client("docker") == ("docker", {"DOCKER_BUILDKIT": "1"})
    answers[("docker", "buildx")] = 1
    answers[("/usr/bin/docker", "version")] = "25.0.0"
    assert real_runner.build_client("docker") == ("docker", {})


def test_the_simulator_runner_puts_the_files_in_the_workspace(monkeypatch) -> None:
    from webapp.engine.sim.engine import SimEngine

    seen: dict[str, str] = {}
    original = SimEngine.run

    def spy(self, *args, **kwargs):
        seen.update(self.workspace.snapshot())
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SimEngine, "run", spy)
    run_scenario_sim({"name": "f", "steps": ["docker ps -q"],
                      "files": {"Dockerfile": "FROM busybox\n", "run.sh": "#!/bin/sh\n"}})
    assert seen == {"Dockerfile": "FROM busybox\n", "run.sh": "#!/bin/sh\n"}


BUILDKIT_020 = """#1 [internal] load build definition from Dockerfile
#1 sha256:78e4519928077a2fc5b88e84e5bc32edb493a8a0f9f8858aa69a7c8ef6b655e7
#1 transferring dockerfile: 116B done
#1 DONE 0.0s

#7 [3/3] RUN echo hi && ls /nonexist || true
#7 sha256:4fb11f5831891dd35eac6bdad328c0243fc57874a869967ecfe25e8e11b9fe5a
#7 0.145 hi
#7 0.146 ls: /nonexist: No such file or directory
#7 DONE 0.2s
"""
BUILDKIT_NOW = """#0 building with "default" instance using docker driver

#1 [internal] load build definition from Dockerfile
#1 transferring dockerfile: 116B done
#1 DONE 0.1s

#6 [3/3] RUN echo hi && ls /nonexist || true
#6 0.301 hi
#6 0.302 ls: /nonexist: No such file or directory
#6 DONE 0.4s
"""


def _transcript(stderr: str, stdout: str = "") -> dict:
    return {"name": "b", "steps": [
        {"cmd": "docker build -t x .", "stdout": "", "stderr": stderr, "exit": 0, "events": [],
         "states": {}},
        {"cmd": "docker images -q x", "stdout": stdout, "stderr": "", "exit": 0, "events": [],
         "states": {}}]}


def test_build_output_is_what_the_steps_printed() -> None:
    assert build_output(BUILDKIT_020) == ["hi", "ls: /nonexist: No such file or directory"]
    assert build_output(BUILDKIT_NOW) == build_output(BUILDKIT_020)


def test_builds_compare_by_their_output_not_their_progress() -> None:
    assert compare(_transcript(BUILDKIT_020), _transcript(BUILDKIT_NOW)).ok
    report = compare(_transcript(BUILDKIT_020), _transcript(BUILDKIT_NOW.replace(" hi", " ho")))
    assert [d.field for d in report.raw] == ["build_output"]


def test_buildkit_020_digests_do_not_shift_the_ids() -> None:
    image = "0123456789ab" + "c" * 52
    expected = _transcript(BUILDKIT_020 + f"#8 writing image sha256:{image} done\n", image[:12])
    actual = _transcript(BUILDKIT_NOW + f"#8 writing image sha256:{image} done\n", image[:12])
    assert compare(expected, actual).ok
