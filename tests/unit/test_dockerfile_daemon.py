"""The Dockerfile frontend against the real daemon's BuildKit (run with REQUIRE_DOCKER=1).

Each case is built with `DOCKER_BUILDKIT=1 /usr/bin/docker build` (the 20.10 client, which builds
with BuildKit; the 28.x client here has no buildx) from `scratch`, so no image has to be pulled or
built first, and the image's Config and history are compared with `resolve`'s. Texts that the
daemon's older BuildKit (v0.8) words differently from current BuildKit (EXPOSE, ARG and HEALTHCHECK
history lines; see test_dockerfile_semantics.py) are not compared. A Dockerfile with ARGs and no
FROM is never sent: it makes that daemon panic.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

from webapp.engine.dockerfile import DockerfileError, ImageConfig, parse, resolve

CLIENT = "/usr/bin/docker"
TAG = "lifecycle-lab-dockerfile-test:latest"

pytestmark = pytest.mark.docker

CASES = [
    "FROM scratch\nENV A=1 \\\n    B=2\\\n3\n",
    "# escape=`\nFROM scratch\nENV A=C:\\dir `\n  B=x\nLABEL p=C:\\x\\y\n",
    'FROM scratch\nENV A="a \\"q\\" b" B=\'single $x\' C=a\\ b\n',
    "FROM scratch\n  # indented comment\nENV A=1\n# comment\\\nENV B=2\n",
    'FROM scratch\nCMD [ "a" , "b" ]\nENTRYPOINT ["echo", "é\\u00e9\\n"]\n',
    "FROM scratch\nWORKDIR /a\nWORKDIR b\nWORKDIR ../c/./d/\nUSER ${NOPE:-1000}:${NOPE2:-0}\n",
    "FROM scratch\nARG X=1\nENV Y=${X:+set}-${X}-$X\nLABEL k2=v\\ 2\n",
    "FROM scratch\nEXPOSE 80/tcp 80 443/udp 443 7000-7002\nSTOPSIGNAL 9\n",
    "FROM scratch\nENV PATH=/opt/bin:$PATH\n",
    "FROM scratch\nCMD echo \"$HOME\" 'x'   y\n",
    "FROM scratch\nCMD [sleep, 5]\n",
    "FROM scratch\nLABEL a=1\nLABEL a=2 b=$a\nENV legacy form value\nMAINTAINER me\n",
    "FROM scratch\nCMD [\"x\"]\nENTRYPOINT [\"/e\"]\n",
    "FROM scratch AS one\nENV FROM_ONE=1\nFROM one\nENTRYPOINT /e\nSHELL [\"/bin/bash\", \"-c\"]\n",
    "FROM scratch\nHEALTHCHECK --interval=5s --timeout=2s --retries=3 CMD [\"/check\"]\n",
    "FROM scratch\nHEALTHCHECK --interval=1m30s CMD wget -q localhost || exit 1\n",
    "FROM scratch\nONBUILD RUN echo x\nONBUILD   COPY a /b\n",
    "FROM scratch\nENTRYPOINT []\nCMD []\n",
]

ERRORS = [
    "",
    "# only a comment\n",
    "RUN echo\n",
    "FROM scratch\nENV A\n",
    "FROM scratch\nENV A=1 B\n",
    "FROM scratch\nCMD [1, 2]\n",
    "FROM Busybox\n",
    'FROM scratch\nLABEL "k=v"="w x"\n',
]


@pytest.fixture(scope="module")
def buildkit(require_docker: str) -> str:
    if not Path(CLIENT).exists():
        pytest.skip(f"{CLIENT} (a docker client that builds with BuildKit) is not installed")
    return CLIENT


def _build(client: str, text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    (tmp_path / "Dockerfile").write_text(text)
    env = {**os.environ, "DOCKER_BUILDKIT": "1"}
    return subprocess.run([client, "build", "-q", "-t", TAG, str(tmp_path)], env=env,
                          capture_output=True, text=True, timeout=120, check=False)


def _inspect(client: str) -> tuple[dict[str, object], list[str]]:
    config = json.loads(subprocess.run(
        [client, "image", "inspect", TAG, "--format", "{{json .Config}}"],
        capture_output=True, text=True, timeout=30, check=True).stdout)
    history = subprocess.run(
        [client, "history", "--no-trunc", "--format", "{{.CreatedBy}}", TAG],
        capture_output=True, text=True, timeout=30, check=True).stdout.splitlines()
    return config, history


@pytest.fixture(autouse=True)
def _cleanup(request: pytest.FixtureRequest) -> object:
    yield None
    if shutil.which(CLIENT) and "buildkit" in request.fixturenames:
        subprocess.run([CLIENT, "rmi", "-f", TAG], capture_output=True, timeout=60, check=False)


@pytest.mark.parametrize("text", CASES)
def test_config_and_history_match_the_daemon(buildkit: str, text: str, tmp_path: Path) -> None:
    """The image config and the history lines the daemon's BuildKit writes are resolve()'s."""
    built = _build(buildkit, text, tmp_path)
    assert built.returncode == 0, built.stderr
    theirs, history = _inspect(buildkit)
    plan = resolve(parse(text), base_config=lambda ref: ImageConfig())
    mine = plan.target.config
    labels = theirs.get("Labels") or {}
    assert theirs.get("Env") == mine.env
    assert theirs.get("Cmd") == mine.cmd
    assert theirs.get("Entrypoint") == mine.entrypoint
    assert theirs.get("WorkingDir", "") == mine.workdir
    assert theirs.get("User", "") == mine.user
    assert labels == mine.labels
    assert theirs.get("StopSignal", "") == mine.stop_signal
    assert sorted(theirs.get("ExposedPorts") or {}) == sorted(mine.exposed_ports)
    assert theirs.get("Shell") == mine.shell
    assert (theirs.get("OnBuild") or []) == mine.onbuild
    assert theirs.get("Healthcheck") == (mine.healthcheck.to_json() if mine.healthcheck else None)
    same_in_both = [s.created_by for s in plan.stages[-1].steps
                    if s.created_by and not s.created_by.startswith(("EXPOSE", "ARG", "HEALTH"))]
    theirs_same = [line for line in reversed(history)
                   if line and not line.startswith(("EXPOSE", "ARG", "HEALTH"))]
    if len(plan.stages) == 1:
        assert theirs_same == same_in_both


@pytest.mark.parametrize("text", ERRORS)
def test_errors_match_the_daemon(buildkit: str, text: str, tmp_path: Path) -> None:
    """The daemon fails these with the same message (after its `failed to create LLB
    definition: ` prefix); none of them carries the "parse error on line" prefix."""
    with pytest.raises(DockerfileError) as caught:
        resolve(parse(text), base_config=lambda ref: ImageConfig())
    built = _build(buildkit, text, tmp_path)
    assert built.returncode != 0
    assert built.stderr.strip().splitlines()[-1].endswith(": " + caught.value.text)
