"""Every lesson's solution passes on the real-daemon engine (`lessons check --engine docker`), the
same command path as the simulator's run in tests/lessons/test_lessons_check.py."""

from __future__ import annotations

import pytest

from webapp import cli
from webapp.lessons import LESSONS_DIR, LOCALES, load_lessons

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
    rows = [line.split() for line in out.splitlines()
            if len(line.split()) == 5 and line.split()[1] in LOCALES]
    lessons = load_lessons(LESSONS_DIR)
    assert [row[:4] for row in rows] == [[lesson.id, locale, "ok", str(len(lesson.steps))]
                                         for lesson in lessons for locale in LOCALES]
    assert out.rstrip().endswith("all passed")
    assert _sandbox_containers(daemon) <= before, "lessons check left containers behind"
