"""`lessons check`: per lesson and locale, the text is complete and every solution passes on the
simulator, each check false before it. (The real-daemon run is tests/docker_engine/test_lessons.py,
through the same `cli.main(["lessons", "check", ...])`.)"""

from __future__ import annotations

import pytest

from webapp import cli
from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine
from webapp.lessons import LESSONS_DIR, load_lesson, load_lessons
from webapp.lessons.model import LOCALES, Entry
from webapp.lessons.runner import (
    check_lesson,
    check_lessons,
    drive,
    format_results,
    run_setup,
    text_problems,
)

from .conftest import EN_MD, KO_MD, LESSON_YAML, write_lesson


def fresh() -> SimEngine:
    return SimEngine(VirtualClock(), seed=0)


LESSONS = load_lessons(LESSONS_DIR)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_every_lesson_solves_on_the_simulator(lesson):
    result = check_lesson(lesson, fresh)
    assert result.ok, format_results([result])
    assert all(s.before is False and s.after is True for s in result.steps)


def _rows(out: str) -> list[list[str]]:
    """The report's lesson lines: `lesson  locale  result  N steps`."""
    return [line.split() for line in out.splitlines()
            if len(line.split()) == 5 and line.split()[1] in LOCALES]


def test_the_command_prints_one_line_per_lesson_and_locale_and_succeeds(capsys):
    assert cli.main(["lessons", "check"]) == 0
    out = capsys.readouterr().out
    expected = [[lesson.id, locale, "ok", str(len(lesson.steps)),
                 "step" if len(lesson.steps) == 1 else "steps"]
                for lesson in LESSONS for locale in LOCALES]
    assert _rows(out) == expected
    assert "BEFORE" not in out, "the per-step table is for -v"
    steps = sum(len(lesson.steps) for lesson in LESSONS)
    assert out.rstrip().endswith(
        f"{len(LESSONS)} lessons in {len(LOCALES)} locales, {steps} steps: all passed")


def test_verbose_adds_the_per_step_table(capsys):
    assert cli.main(["lessons", "check", "-v", "why-exit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["LESSON", "STEP", "BEFORE", "AFTER", "RESULT"]
    why_exit = next(lesson for lesson in LESSONS if lesson.id == "why-exit")
    table = [line.split() for line in lines[1:len(why_exit.steps) + 1]]
    assert table == [["why-exit", step.id, "false", "true", "ok"] for step in why_exit.steps]
    n = str(len(why_exit.steps))
    assert [["why-exit", "en", "ok", n, "steps"], ["why-exit", "ko", "ok", n, "steps"]] == \
        [line.split() for line in lines if line.startswith("why-exit ") and len(line.split()) == 5
         and line.split()[1] in LOCALES]


def test_a_solution_missing_from_one_locales_text_fails_that_locale_only(lessons_root, capsys):
    ko = KO_MD.replace("```console\ndocker ps -a\n```\n", "`docker ps -a`.\n")
    assert ko != KO_MD
    lesson = load_lesson(write_lesson(lessons_root, ko=ko))
    assert text_problems(lesson, "en") == []
    assert text_problems(lesson, "ko") == [
        "step 'list-all': the solution 'docker ps -a' is not a click-to-run block in its text"]
    assert cli.main(["lessons", "check", "--dir", str(lessons_root)]) == 1
    out = capsys.readouterr().out
    assert _rows(out) == [["tiny", "en", "ok", "2", "steps"], ["tiny", "ko", "FAIL", "2", "steps"]]
    assert "tiny (ko): step 'list-all': the solution 'docker ps -a' is not a click-to-run" in out
    assert out.rstrip().endswith("1 lesson(s) FAILED")


def test_a_failing_solution_fails_every_locale(lessons_root, capsys):
    yaml = LESSON_YAML.replace("      - docker ps -a", "      - docker ps")
    en = EN_MD.replace("\ndocker ps -a\n", "\ndocker ps\n")
    ko = KO_MD.replace("\ndocker ps -a\n", "\ndocker ps\n")
    assert en != EN_MD and ko != KO_MD
    write_lesson(lessons_root, yaml=yaml, en=en, ko=ko)
    assert cli.main(["lessons", "check", "--dir", str(lessons_root)]) == 1
    out = capsys.readouterr().out
    assert _rows(out) == [["tiny", "en", "FAIL", "2", "steps"], ["tiny", "ko", "FAIL", "2", "steps"]]
    assert "tiny/list-all: its check does not hold after its solution" in out


def test_the_tiny_lesson_passes_in_both_locales(lessons_root, capsys):
    write_lesson(lessons_root)
    assert cli.main(["lessons", "check", "--dir", str(lessons_root)]) == 0
    out = capsys.readouterr().out
    assert _rows(out) == [["tiny", "en", "ok", "2", "steps"], ["tiny", "ko", "ok", "2", "steps"]]
    assert out.rstrip().endswith("1 lesson in 2 locales, 2 steps: all passed")


def test_the_command_takes_lesson_ids(capsys):
    assert cli.main(["lessons", "check", "exit-codes"]) == 0
    out = capsys.readouterr().out
    assert "exit-codes" in out and "why-exit" not in out
    assert cli.main(["lessons", "check", "no-such-lesson"]) == 2
    assert "no such lesson: no-such-lesson" in capsys.readouterr().err


def test_the_docker_engine_without_a_daemon_fails_clearly(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-daemon.sock")
    assert cli.main(["lessons", "check", "--engine", "docker"]) == 1
    assert "Cannot connect to the Docker daemon" in capsys.readouterr().err


def test_broken_lesson_files_fail_the_command(lessons_root, capsys):
    write_lesson(lessons_root, ko=None)
    assert cli.main(["lessons", "check", "--dir", str(lessons_root)]) == 1
    assert "missing ko.md" in capsys.readouterr().err


def test_a_check_already_true_before_its_solution_fails(lessons_root, capsys):
    # the second step's check holds before its solution: the first step's solution ran ps -a too
    yaml = LESSON_YAML.replace("      - docker create --name tiny-box ubuntu:20.04",
                               "      - docker create --name tiny-box ubuntu:20.04\n"
                               "      - docker ps -a")
    write_lesson(lessons_root, yaml=yaml)
    assert cli.main(["lessons", "check", "--dir", str(lessons_root)]) == 1
    out = capsys.readouterr().out
    assert "tiny/make-box: done after solution entry 1 of 2" in out
    assert "FAILED" in out


def test_a_solution_that_does_not_satisfy_its_check_fails(lessons_root):
    yaml = LESSON_YAML.replace("      - docker ps -a", "      - docker ps")
    lesson = load_lesson(write_lesson(lessons_root, yaml=yaml))
    result = check_lesson(lesson, fresh)
    assert not result.ok
    step = result.steps[1]
    assert step.before is False and step.after is False
    assert "its check does not hold after its solution: Not run yet since this step began: " \
        "running `docker ps --all`." in step.problems[0]


def test_a_check_that_holds_from_the_start_fails(lessons_root):
    yaml = LESSON_YAML.replace("container: {name: tiny-box, state: created}",
                               "no_container: {name: nothing-here}")
    result = check_lesson(load_lesson(write_lesson(lessons_root, yaml=yaml)), fresh)
    assert not result.ok
    assert result.steps[0].before is True
    assert result.steps[0].problems == ["already done before its solution ran"]


def test_an_attached_server_never_returns(lessons_root):
    yaml = LESSON_YAML.replace("      - docker ps -a", "      - docker run httpd").replace(
        "images: [ubuntu:20.04]", "images: [ubuntu:20.04, httpd]")
    result = check_lesson(load_lesson(write_lesson(lessons_root, yaml=yaml)), fresh)
    assert "did not return within 600 s" in " ".join(result.steps[1].problems)


def test_interactive_entries_get_a_terminal_and_keystrokes():
    engine = fresh()
    code, problem = drive(engine, Entry(line="docker run -it --name shell ubuntu:20.04",
                                        input=("echo hi\r", "exit 4\r")))
    assert (code, problem) == (4, None)
    engine.run("docker create -it --name box ubuntu:20.04")
    engine.run("docker start box")
    code, problem = drive(engine, Entry(line="docker attach box", input=("\x10\x11",)))
    assert (code, problem) == (1, None)  # `read escape sequence`; box keeps running
    code, problem = drive(engine, Entry(line="docker attach box", input=("ls\r",)))
    assert code == -1 and "still attached" in problem


def test_sleep_entries_let_virtual_time_pass():
    engine = fresh()
    start = engine.clock.now()
    assert drive(engine, Entry(sleep=42.0)) == (None, None)
    assert engine.clock.now() - start == 42.0


def test_setup_is_hidden_from_the_command_history():
    engine = fresh()
    assert run_setup(engine, [Entry(line="docker run -d --name pre ubuntu:20.04 sleep 100")]) == []
    assert len(engine.commands) == 0
    assert [c["name"] for c in engine.containers()] == ["pre"]
    problems = run_setup(engine, [Entry(line="docker run -d --name pre ubuntu:20.04 sleep 1")])
    assert problems and "exited 125" in problems[0]


def test_challenge_best_must_match_the_solution():
    challenge = next(lesson for lesson in LESSONS if lesson.id == "three-states")
    assert challenge.best == 4
    result = check_lessons([challenge], fresh)[0]
    assert result.ok
    from dataclasses import replace
    wrong = replace(challenge, best=3)
    problems = check_lesson(wrong, fresh).problems
    assert "best is 3 but the solution uses 4 commands" in problems
