"""Lessons that edit files and build images: seeded `files:`, `{file, text}` solution entries, and
the `image` and `stop_took` checks (and a goal's `requires`)."""

from __future__ import annotations

import json

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine
from webapp.lessons import (
    CheckError,
    LessonError,
    Mark,
    compile_check,
    evaluate,
    explain,
    load_lesson,
)
from webapp.lessons.loader import base_images, built_tags
from webapp.lessons.model import Entry
from webapp.lessons.runner import check_lesson, drive, run_setup, text_problems

from .conftest import EN_MD, KO_MD, LESSON_YAML, write_lesson


def fresh() -> SimEngine:
    return SimEngine(VirtualClock(), seed=0)


def holds(check: dict, engine, since: Mark | None = None) -> bool:
    return evaluate(check, engine, since=since)


# -- files in lesson.yaml ------------------------------------------------------------------------------

FILES_YAML = LESSON_YAML.replace("setup:\n", """\
files:
  Dockerfile: "FROM ubuntu:20.04\\nCMD [\\"sleep\\", \\"300\\"]\\n"
  serve.sh: "#!/bin/sh\\nexec sleep 300\\n"
setup:
""")


def test_seeded_files_come_first_in_the_setup(lessons_root):
    lesson = load_lesson(write_lesson(lessons_root, yaml=FILES_YAML))
    assert lesson.files == (("Dockerfile", 'FROM ubuntu:20.04\nCMD ["sleep", "300"]\n'),
                            ("serve.sh", "#!/bin/sh\nexec sleep 300\n"))
    assert [e.file for e in lesson.setup] == ["Dockerfile", "serve.sh", None]
    assert lesson.view()["files"]["serve.sh"].startswith("#!")
    engine = fresh()
    assert run_setup(engine, lesson.setup) == []
    assert engine.workspace.snapshot() == dict(lesson.files)
    assert engine.workspace.get("serve.sh").mode == 0o755
    assert not engine.commands, "seeding is not a command of the learner's"


@pytest.mark.parametrize(("files", "expected"), [
    ('files: {"../etc/passwd": "x"}', "is not a file name the workspace accepts"),
    ("files: {Dockerfile: 3}", "text: expected the file's text"),
    ("files: []", "expected a mapping of file name: text"),
    ('files: {big: "' + "x" * (65 * 1024) + '"}', "a file holds at most 64 KiB"),
    ("files: {Dockerfile: \"FROM nginx\\n\"}", "starts FROM nginx:latest, which is not in images:"),
])
def test_bad_files_are_refused(lessons_root, files, expected):
    yaml = LESSON_YAML.replace("setup:\n", files + "\nsetup:\n")
    with pytest.raises(LessonError) as caught:
        load_lesson(write_lesson(lessons_root, yaml=yaml))
    assert expected in str(caught.value)


def test_too_many_seeded_files_are_refused(lessons_root):
    files = "files: {" + ", ".join(f"f{i}: x" for i in range(17)) + "}"
    yaml = LESSON_YAML.replace("setup:\n", files + "\nsetup:\n")
    with pytest.raises(LessonError) as caught:
        load_lesson(write_lesson(lessons_root, yaml=yaml))
    assert "at most 16 files" in str(caught.value)


@pytest.mark.parametrize(("entry", "expected"), [
    ("{file: Dockerfile}", "exactly file: (a workspace name) and text:"),
    ("{file: Dockerfile, text: x, line: docker ps}", "exactly file: (a workspace name) and text:"),
    ("{file: /abs, text: x}", "is not a file name the workspace accepts"),
])
def test_bad_file_entries_are_refused(lessons_root, entry, expected):
    yaml = LESSON_YAML.replace("      - docker ps -a", f"      - {entry}\n      - docker ps -a")
    with pytest.raises(LessonError) as caught:
        load_lesson(write_lesson(lessons_root, yaml=yaml))
    assert expected in str(caught.value)


def test_file_entries_in_setup_are_refused(lessons_root):
    yaml = LESSON_YAML.replace("  - docker rm -f tiny-box", "  - {file: a, text: b}")
    with pytest.raises(LessonError) as caught:
        load_lesson(write_lesson(lessons_root, yaml=yaml))
    assert "seed files with files:" in str(caught.value)


def test_a_file_entry_writes_the_workspace_as_the_editor_would():
    engine = fresh()
    assert drive(engine, Entry(file="Dockerfile", text="FROM ubuntu:20.04\n")) == (None, None)
    assert engine.workspace.read("Dockerfile") == "FROM ubuntu:20.04\n"
    exit_code, problem = drive(engine, Entry(file="x", text="y" * (65 * 1024)))
    assert exit_code is None and "at most 64 KiB" in (problem or "")
    assert Entry(file="a", text="b").view() == {"file": "a", "text": "b"}


def test_a_solution_edit_must_be_named_in_its_steps_text(lessons_root):
    yaml = LESSON_YAML.replace("      - docker ps -a", "      - {file: notes.txt, text: hi}\n"
                                                         "      - docker ps -a")
    lesson = load_lesson(write_lesson(lessons_root, yaml=yaml))
    assert text_problems(lesson, "en") == [
        "step 'list-all': the solution edits notes.txt, which its text does not name"]
    en = EN_MD.replace("Run:\n", "Write `notes.txt`, then run:\n")
    ko = KO_MD.replace("실행하세요.", "`notes.txt`를 쓰고 실행하세요.")
    lesson = load_lesson(write_lesson(lessons_root, yaml=yaml, en=en, ko=ko))
    assert text_problems(lesson, "en") == text_problems(lesson, "ko") == []
    result = check_lesson(lesson, fresh)
    assert result.ok, result


def test_built_images_need_not_be_in_the_catalogue(lessons_root):
    yaml = LESSON_YAML.replace("      - docker ps -a", "      - docker ps -a\n"
                                                         "      - docker run -d --name m mine")
    with pytest.raises(LessonError) as caught:
        load_lesson(write_lesson(lessons_root, yaml=yaml))
    assert "uses mine:latest, which is not in images:" in str(caught.value)
    yaml = yaml.replace("      - docker ps -a\n", "      - docker build -t mine .\n      - docker ps -a\n")
    try:
        load_lesson(write_lesson(lessons_root, yaml=yaml))
    except LessonError as err:
        assert "mine:latest" not in str(err)


def test_built_tags_and_base_images():
    assert built_tags("docker build -t naps .") == ["naps:latest"]
    assert built_tags("docker image build --tag=a:1 -t b -tc .") == ["a:1", "b:latest", "c:latest"]
    assert built_tags("docker run -t ubuntu") == []
    dockerfile = ("# syntax=docker/dockerfile:1\nFROM alpine AS base\nfrom --platform=linux/amd64 "
                  "spark-base:3.0.3\nFROM base\nFROM scratch\nRUN echo FROM nginx\n")
    assert base_images(dockerfile) == ["alpine:latest", "spark-base:3.0.3"]


# -- image -------------------------------------------------------------------------------------------------


def test_image_check_reads_the_images_configuration(engine):
    assert holds({"image": {"name": "nginx"}}, engine)
    assert holds({"image": {"name": "nginx", "cmd": ["nginx", "-g", "daemon off;"],
                            "entrypoint": ["/docker-entrypoint.sh"], "stop_signal": "SIGQUIT",
                            "healthcheck": False}}, engine)
    assert holds({"image": {"name": "nginx", "stop_signal": 3}}, engine)
    assert holds({"image": {"name": "ubuntu:20.04", "entrypoint": None, "stop_signal": "TERM"}},
                 engine)
    assert not holds({"image": {"name": "ubuntu:20.04", "cmd": ["bash"]}}, engine)
    assert not holds({"image": {"name": "nginx", "healthcheck": True}}, engine)
    assert not holds({"image": {"name": "mine"}}, engine)
    assert explain({"image": {"name": "mine"}}, engine) == [
        "The image mine:latest is not on this host (`docker images` does not list it)."]
    assert explain({"image": {"name": "ubuntu:20.04", "cmd": ["sleep", "300"]}}, engine) == [
        'The image ubuntu:20.04 has Cmd ["/bin/bash"]; this step wants ["sleep", "300"].']
    assert explain({"image": {"name": "nginx", "healthcheck": True}}, engine, locale="ko")


def test_image_check_on_an_engine_without_an_api():
    class Bare:
        def __init__(self) -> None:
            self.history: list = []
            self.commands: list = []

        def containers(self) -> list:
            return []

    assert not holds({"image": {"name": "nginx"}}, Bare())


def test_image_check_sees_a_changed_image(engine):
    """As the learner rebuilds, the check follows the image the name points at now."""
    from webapp.engine.sim.api import SimApi

    calls = []
    real = SimApi.image_inspect

    async def inspect(self, ref):
        calls.append(ref)
        return await real(self, ref)

    check = {"image": {"name": "busybox", "cmd": ["sh"]}}
    SimApi.image_inspect = inspect  # type: ignore[method-assign]
    try:
        assert holds(check, engine)
    finally:
        SimApi.image_inspect = real  # type: ignore[method-assign]
    assert calls == ["busybox:latest"]


@pytest.mark.parametrize(("data", "message"), [
    ({"image": {"cmd": []}}, "missing key 'name'"),
    ({"image": {"name": "x", "cmd": "sleep 300"}}, "expected a list of strings"),
    ({"image": {"name": "x", "healthcheck": "yes"}}, "expected true or false"),
    ({"image": {"name": "x", "stop_signal": "SIGNOPE"}}, "unknown signal"),
    ({"image": {"name": "x", "user": "root"}}, "unknown key 'user'"),
    ({"stop_took": {"container": "x"}}, "needs under (seconds) or at_least (seconds)"),
    ({"stop_took": {"under": 0}}, "expected seconds between 0 and 600"),
    ({"stop_took": {"under": 1, "since": "now"}}, "expected one of: step, lesson, ever"),
    ({"goal": {"containers": [{"state": "exited"}], "requires": []}}, "non-empty list of checks"),
    ({"goal": {"containers": [{"state": "exited"}],
               "requires": [{"goal": {"containers": [{"state": "exited"}]}}]}}, "a goal inside a goal"),
])
def test_malformed_new_checks_are_refused(data, message):
    with pytest.raises(CheckError) as caught:
        compile_check(data)
    assert message in str(caught.value)


# -- stop_took ----------------------------------------------------------------------------------------------


def test_stop_took_measures_the_last_stop_from_kill_to_die(engine):
    quick = {"stop_took": {"container": "nap", "under": 1}}
    slow = {"stop_took": {"container": "nap", "at_least": 9}}
    engine.run("docker run -d --name nap ubuntu:20.04 sleep 1000")
    assert not holds(quick, engine) and not holds(slow, engine)
    assert explain(slow, engine) == [("Not seen yet since this step began: a `docker stop` "
                                      "(container: nap) that took at least 9 s.")]
    engine.run("docker stop nap")  # sleep as PID 1 ignores SIGTERM: 10 s, then SIGKILL
    assert holds(slow, engine) and not holds(quick, engine)
    assert "The last stop of nap took 10.0 s." in explain(quick, engine)
    engine.run("docker rm nap")
    engine.run("docker run -d --init --name nap ubuntu:20.04 sleep 1000")
    mark = Mark.take(engine)
    engine.run("docker stop nap")  # tini forwards SIGTERM: sleep dies at once
    assert holds(quick, engine)
    assert holds({"stop_took": {"image": "ubuntu:20.04", "under": 0.5}}, engine, since=mark)
    assert not holds(slow, engine, since=mark), "the slow stop was before the mark"
    assert not holds({"stop_took": {"container": "other", "under": 1}}, engine)


def test_a_kill_or_a_crash_is_not_a_stop(engine):
    engine.run("docker run -d --name k1 ubuntu:20.04 sleep 1000")
    engine.run("docker kill k1")
    engine.run("docker run --name c1 ubuntu:20.04 sh -c 'exit 3'")
    assert not holds({"stop_took": {"under": 600}}, engine)


def test_a_restart_counts_as_a_stop(engine):
    """`docker restart` stops the container first, with the same kill, die and stop events."""
    engine.run("docker run -d --init --name r1 ubuntu:20.04 sleep 1000")
    engine.run("docker restart r1")
    assert holds({"stop_took": {"container": "r1", "under": 1}}, engine)


# -- goal requires -----------------------------------------------------------------------------------------


def test_a_goal_can_require_more_checks(engine):
    goal = compile_check({"goal": {"containers": [{"state": "exited", "exit_code": 143}],
                                   "new": False,
                                   "requires": [{"stop_took": {"under": 1}}]}})
    engine.run("docker run -d --init --name goal1 ubuntu:20.04 sleep 1000")
    engine.run("docker kill -s TERM goal1")
    assert not evaluate(goal, engine)
    assert any("docker stop" in m for m in explain(goal, engine))
    engine.run("docker start goal1")
    engine.run("docker stop goal1")
    assert evaluate(goal, engine)
    assert [c.kind for c in goal.walk()] == ["goal", "stop_took"]
    assert json.dumps(goal.view())  # the page's target graph: containers only


def test_image_check_follows_a_rebuild(engine):
    """The check reads the image the name points at now: a rebuild with another CMD changes it."""
    exec_form = {"image": {"name": "naps", "cmd": ["sleep", "300"], "healthcheck": False}}
    shell_form = {"image": {"name": "naps", "cmd": ["/bin/sh", "-c", "sleep 300"]}}
    engine.workspace.write("Dockerfile", 'FROM alpine\nCMD ["sleep", "300"]\n')
    assert engine.run("docker build -t naps .").exit_code == 0
    assert holds(exec_form, engine) and not holds(shell_form, engine)
    engine.workspace.write("Dockerfile", "FROM alpine\nHEALTHCHECK CMD true\nCMD sleep 300\n"
                                         "STOPSIGNAL SIGINT\n")
    assert engine.run("docker build -t naps .").exit_code == 0
    assert holds(shell_form, engine) and not holds(exec_form, engine)
    assert holds({"image": {"name": "naps", "healthcheck": True, "stop_signal": "INT"}}, engine)
    assert explain(exec_form, engine) == [
        ('The image naps:latest has Cmd ["/bin/sh", "-c", "sleep 300"]; this step wants '
         '["sleep", "300"].'),
        "The image naps:latest still has a HEALTHCHECK."]
