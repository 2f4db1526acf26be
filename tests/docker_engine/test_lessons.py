"""Every lesson's solution passes on the real-daemon engine (`lessons check --engine docker`)."""

from __future__ import annotations

import pytest

from webapp import cli

pytestmark = pytest.mark.docker


def _sandbox_containers(daemon) -> set[str]:
    return {c["Id"] for c in daemon.get("/containers/json", params={
        "all": True, "filters": {"label": ["lifecycle-lab.session"]}}) or []}


def test_every_lesson_passes_on_the_docker_engine(daemon, capsys) -> None:
    before = _sandbox_containers(daemon)
    status = cli.main(["lessons", "check", "--engine", "docker", "--jobs", "7"])
    out = capsys.readouterr().out
    assert status == 0, out
    assert "FAIL" not in out
    assert out.rstrip().endswith("all passed")
    assert _sandbox_containers(daemon) <= before, "lessons check left containers behind"
