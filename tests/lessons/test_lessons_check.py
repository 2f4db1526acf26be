"""`lessons check`: every lesson's solution passes on the simulator, each check false before it."""

from __future__ import annotations

import pytest

from webapp import cli
from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine
from webapp.lessons import LESSONS_DIR, load_lesson, load_lessons
from webapp.lessons.model import Entry
from webapp.lessons.runner import check_lesson, check_lessons, drive, format_results, run_setup

from .conftest import LESSON_YAML, write_lesson


def fresh() -> SimEngine:
    return SimEngine(VirtualClock(), seed=0)


LESSONS = load_lessons(LESSONS_DIR)


@pytest.mark.parametrize("lesson", LESSONS, ids=[lesson.id for lesson in LESSONS])
def test_every_lesson_solves_on_the_simulator(lesson):
    result = check_lesson(lesson, fresh)
    assert result.ok, format_results([result])
    assert all(s.before is False and s.after is True for s in result.steps)


def test_the_command_prints_a_table_and_succeeds(capsys):
    assert cli.main(["lessons", "check"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0].split() == ["LESSON", "STEP", "BEFORE", "AFTER", "RESULT"]
    assert ["why-exit", "run-default", "false", "true", "ok"] in [line.split() for line in
                                                                 out.splitlines()]
    steps = sum(len(lesson.steps) for lesson in LESSONS)
    assert out.rstrip().endswith(f"{len(LESSONS)} lessons, {steps} steps: all passed")


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
