"""Progress: steps in order, windows per step, hint timing, persistence and engine changes."""

from __future__ import annotations

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine
from webapp.lessons import LESSONS_DIR, LessonProgress, LessonTracker, load_lesson, load_lessons
from webapp.lessons.runner import run_setup
from webapp.store import Store

from .conftest import write_lesson


@pytest.fixture
def tiny(lessons_root):
    return load_lesson(write_lesson(lessons_root))


def test_steps_complete_in_order_each_with_its_own_window(tiny, engine):
    engine.run("docker ps -a")  # before the lesson: does not count for list-all later
    progress = LessonProgress.begin(tiny, engine)
    assert progress.active == "make-box" and not progress.update(engine)
    engine.run("docker ps -a")  # list-all is not active yet: nothing happens
    assert not progress.update(engine)
    engine.run("docker create --name tiny-box ubuntu:20.04")
    assert progress.update(engine)
    assert list(progress.done) == ["make-box"] and progress.active == "list-all"
    assert not progress.update(engine)  # the ps -a before list-all became active does not count
    engine.run("docker ps -a")
    assert progress.update(engine) and progress.completed
    assert progress.payload(engine)["steps"] == [{"id": "make-box", "done": True},
                                                 {"id": "list-all", "done": True}]


def test_a_step_already_satisfied_is_done_at_once(tiny, engine):
    engine.run("docker create --name tiny-box ubuntu:20.04")
    progress = LessonProgress.begin(tiny, engine)
    assert progress.update(engine) and progress.active == "list-all"


def test_hint_timing_and_reveal(tiny, engine):
    progress = LessonProgress.begin(tiny, engine)
    payload = progress.payload(engine)
    assert (payload["attempts"], payload["failed"], payload["hint_ready"]) == (0, 0, False)
    engine.run("docker creat --name tiny-box ubuntu:20.04")
    engine.run("docker ps")
    payload = progress.payload(engine)
    assert (payload["attempts"], payload["failed"], payload["hint_ready"]) == (2, 1, False)
    engine.run("docker start tiny-box")
    assert progress.payload(engine)["hint_ready"] is True  # two failed commands
    assert progress.hints_total() == 1
    assert progress.reveal_hint() == 1 and progress.reveal_hint() == 1  # no more than there are
    assert progress.missing(engine, "en") == [
        "No container matches: a container (name: tiny-box, state: created).",
        "There is no container named tiny-box."]
    engine.run("docker create --name tiny-box ubuntu:20.04")
    progress.update(engine)
    payload = progress.payload(engine)
    assert payload["attempts"] == 0 and payload["hints_revealed"] == 0  # a new step starts afresh


def test_challenge_counts_commands_and_freezes_the_result(engine):
    lessons = {lesson.id: lesson for lesson in load_lessons(LESSONS_DIR)}
    challenge = lessons["give-up-twice"]
    engine.run("docker run -d ubuntu:20.04 sleep 100")  # before the challenge: neither counts
    progress = LessonProgress.begin(challenge, engine)
    engine.run("docker create ubuntu:20.04")
    engine.run("docker ps -a")
    engine.run("docker run -d --restart on-failure:2 ubuntu:20.04 false")
    assert not progress.update(engine)
    assert progress.payload(engine)["commands_used"] == 3
    engine.clock.advance(3)
    assert progress.update(engine) and progress.completed
    engine.run("docker ps")
    payload = progress.payload(engine)
    assert payload["commands_used"] == 3 and payload["best"] == 2 and payload["completed"]


def test_the_tracker_persists_progress_and_runs_setup_once(tiny, engine, tmp_path):
    store = Store(tmp_path / "lab.db")
    setups = []

    def setup(entries):
        setups.append([e.line for e in entries])
        run_setup(engine, entries)

    tracker = LessonTracker("learner-1", [tiny], store, engine, stamp=1)
    progress = tracker.open("tiny", engine, setup)
    assert setups == [["docker rm -f tiny-box"]] and len(engine.commands) == 0
    assert tracker.open("tiny", engine, setup) is progress and len(setups) == 1
    engine.run("docker create --name tiny-box ubuntu:20.04")
    assert [p.lesson.id for p in tracker.update(engine, ["tiny"])] == ["tiny"]
    assert tracker.update(engine, ["tiny"]) == []

    again = LessonTracker("learner-1", [tiny], store, engine, stamp=1)  # e.g. after a restart
    restored = again.get("tiny")
    assert restored is not None and list(restored.done) == ["make-box"]
    assert restored.step_mark.to_data() == progress.step_mark.to_data()
    assert restored.step_mark.last_command is engine.commands[-1]  # re-anchored on the engine
    assert LessonTracker("someone-else", [tiny], store, engine).get("tiny") is None

    restarted = again.restart("tiny", engine, setup)
    assert restarted.done == {} and len(setups) == 2
    assert not again.completed()
    store.close()


def test_progress_from_another_engine_gets_new_windows(tiny, tmp_path):
    store = Store(tmp_path / "lab.db")
    old = SimEngine(VirtualClock(), seed=1)
    for _ in range(3):
        old.run("docker ps -a")
    tracker = LessonTracker("learner", [tiny], store, old, stamp="old")
    tracker.open("tiny", old, lambda entries: run_setup(old, entries))
    assert tracker.get("tiny").step_mark.commands == 3

    new = SimEngine(VirtualClock(), seed=2)  # the sandbox expired: a fresh engine, same learner
    fresh = LessonTracker("learner", [tiny], store, new, stamp="new")
    assert fresh.get("tiny").step_mark.commands == 0
    new.run("docker create --name tiny-box ubuntu:20.04")
    fresh.update(new, ["tiny"])  # the live layer evaluates after every command
    new.run("docker ps -a")
    fresh.update(new, ["tiny"])
    assert fresh.completed() == {"tiny"}
    store.close()


def test_rebase_after_a_reset_reruns_setup_for_open_lessons(tiny, engine):
    tracker = LessonTracker("learner", [tiny])
    tracker.open("tiny", engine, lambda entries: run_setup(engine, entries))
    engine.run("docker create --name tiny-box ubuntu:20.04")
    tracker.update(engine, ["tiny"])
    new = SimEngine(VirtualClock(), seed=3)
    new.run("docker create --name tiny-box ubuntu:20.04")
    tracker.rebase(new, lambda entries: run_setup(new, entries), ["tiny"], stamp=9)
    assert new.containers() == []  # the set-up ran again on the new engine
    progress = tracker.get("tiny")
    assert list(progress.done) == ["make-box"]  # done stays done
    new.run("docker ps -a")
    assert tracker.update(new, ["tiny"]) and progress.completed


def test_store_prunes_old_progress(tmp_path):
    store = Store(tmp_path / "lab.db")
    store.save_progress("a", "tiny", {"done": {}}, wall=100.0)
    store.save_progress("b", "tiny", {"done": {}}, wall=200.0)
    store.save_progress("b", "tiny", {"done": {"x": 1.0}}, wall=300.0)  # an update, not a new row
    assert store.load_progress("b") == {"tiny": {"done": {"x": 1.0}}}
    assert store.prune_progress(before=250.0) == 1
    assert store.load_progress("a") == {} and store.load_progress("b")
    store.close()
