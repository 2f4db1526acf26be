"""Lessons in the web layer: pages in both locales, the JSON API, and live progress over /lab."""

from __future__ import annotations

import re

import pytest

from tests.web.conftest import LabClient
from webapp.config import ConfigError
from webapp.live import NAMESPACE

from .conftest import write_lesson


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def http(app):
    return app.test_client()


def titles(html: str) -> list[str]:
    return re.findall(r'class="lesson-card-title">([^<]*)<', html)


def test_the_course_page_lists_the_lessons_in_english_and_korean(http):
    english = titles(http.get("/").get_data(as_text=True))
    assert english[:2] == ["Why does docker run ubuntu exit at once?", "The container lifecycle"]
    korean = titles(http.get("/?lang=ko").get_data(as_text=True))
    assert korean[:2] == ["docker run ubuntu는 왜 바로 끝날까?", "컨테이너의 라이프사이클"]
    assert len(english) == len(korean) >= 6
    assert titles(http.get("/").get_data(as_text=True)) == korean  # the choice is remembered
    assert titles(http.get("/?lang=en").get_data(as_text=True)) == english


def test_accept_language_picks_the_locale_with_english_fallback(app):
    korean = app.test_client().get("/", headers={"Accept-Language": "ko-KR,ko;q=0.9,en;q=0.8"})
    assert titles(korean.get_data(as_text=True))[1] == "컨테이너의 라이프사이클"
    french = app.test_client().get("/", headers={"Accept-Language": "fr-FR,fr;q=0.9"})
    assert titles(french.get_data(as_text=True))[1] == "The container lifecycle"
    unknown = app.test_client().get("/?lang=xx")
    assert titles(unknown.get_data(as_text=True))[1] == "The container lifecycle"


def test_a_lesson_page_has_its_steps_and_runnable_commands(http):
    html = http.get("/lessons/why-exit").get_data(as_text=True)
    assert 'data-lesson="why-exit"' in html
    steps = re.findall(r'data-step="([^"]+)" data-done="(true|false)"', html)
    assert steps[0] == ("run-default", "false") and len(steps) == 10
    assert 'data-command="docker run ubuntu:20.04"' in html
    assert 'id="console"' in html and 'id="lifecycle-graph"' in html
    korean = http.get("/lessons/why-exit?lang=ko").get_data(as_text=True)
    assert "우분투를 그대로 실행하기" in korean and ">입력하기</button>" in korean
    assert http.get("/lessons/no-such-lesson").status_code == 404


def test_the_json_api(http):
    listing = http.get("/api/lessons?lang=ko").get_json()
    assert listing["locale"] == "ko"
    assert listing["lessons"][0]["id"] == "why-exit"
    assert listing["lessons"][0]["title_html"].startswith("<code>docker run ubuntu</code>")
    lesson = http.get("/api/lessons/three-states?lang=en").get_json()
    assert lesson["kind"] == "challenge" and lesson["best"] == 4
    assert lesson["goal"]["containers"][1] == {"state": "paused"}
    assert lesson["steps"][0]["id"] == "goal" and len(lesson["steps"][0]["hints"]) == 3
    progress = http.get("/api/lessons/why-exit/progress").get_json()
    assert progress["active"] == "run-default" and progress["done"] == []
    assert http.get("/api/lessons/nope").status_code == 404
    assert http.get("/api/lessons/nope/progress").status_code == 404


def console(app, http, page: str) -> LabClient:
    http.get(page)
    client = LabClient(app, flask_test_client=http)
    assert client.is_connected(NAMESPACE)
    return client


@pytest.mark.backends
def test_the_console_of_a_lesson_page_gets_progress_after_each_command(app, http):
    lab = console(app, http, "/lessons/why-exit")
    first = lab.events("progress")
    assert len(first) == 1 and first[0]["lesson"] == "why-exit" and first[0]["active"] == "run-default"
    lab.run("docker run ubuntu:20.04")
    pushed = lab.events("progress")[-1]
    assert pushed["done"] == ["run-default"] and pushed["active"] == "see-command"
    assert pushed["steps"][0] == {"id": "run-default", "done": True}
    lab.run("docker ps")
    lab.run("docker pss")
    pushed = lab.events("progress")[-1]
    assert (pushed["attempts"], pushed["failed"]) == (2, 1)
    assert http.get("/api/lessons/why-exit/progress").get_json()["done"] == ["run-default"]
    assert "lesson-card--done" not in http.get("/").get_data(as_text=True)


def test_the_sandbox_page_follows_no_lesson(app, http):
    http.get("/lessons/why-exit")
    lab = console(app, http, "/sandbox")
    lab.run("docker run ubuntu:20.04")
    assert lab.events("progress") == []


def test_the_lesson_event_opens_restarts_and_closes(app, http):
    lab = console(app, http, "/sandbox")
    progress = lab.request("lesson", {"id": "lifecycle"})
    assert progress["lesson"] == "lifecycle" and progress["active"] == "list-images"
    lab.run("docker images")
    assert lab.events("progress")[-1]["done"] == ["list-images"]
    again = lab.request("lesson", {"id": "lifecycle", "restart": True})
    assert again["done"] == []
    assert lab.request("lesson", {"id": None}) == {"lesson": None}
    lab.run("docker images")
    assert lab.events("progress") == []
    refused = lab.request("lesson", {"id": "nope"})
    assert refused["error"].startswith("unknown lesson 'nope'; the lessons are: why-exit")
    assert "unknown lesson 'nope'" in lab.events("error")[-1]["message"]
    lab.request("lesson", {"id": "lifecycle", "restart": "yes"})
    assert "'restart' must be true or false" in lab.events("error")[-1]["message"]


@pytest.mark.backends
def test_the_setup_runs_hidden_and_is_replayed_after_a_restart(make_app):
    app = make_app()
    http = app.test_client()
    http.get("/sandbox")
    lab = console(app, http, "/sandbox")
    lab.run("docker create --name box1 ubuntu:20.04")  # a leftover with a name lesson 2 uses
    lab.request("lesson", {"id": "lifecycle"})
    assert lab.run("docker ps -a -q")["stdout"] == ""  # set-up removed it
    sandbox = app.extensions["lab"].all()[0]
    assert [c.line for c in sandbox.engine.commands] == [
        "docker create --name box1 ubuntu:20.04", "docker ps -a -q"]
    lab.run("docker images")
    lab.disconnect(namespace=NAMESPACE)
    cookie = http.get_cookie("lab_session").value

    restarted = make_app()  # a server restart on the same database
    http2 = restarted.test_client()
    http2.set_cookie("lab_session", cookie)
    lab2 = console(restarted, http2, "/lessons/lifecycle")
    progress = lab2.events("progress")[-1]
    assert progress["done"] == ["list-images"] and progress["active"] == "remove-image"
    assert lab2.run("docker ps -a -q")["stdout"] == ""  # the replayed set-up removed box1 again
    lab2.run("docker rmi hello-world")
    assert lab2.events("progress")[-1]["done"] == ["list-images", "remove-image"]


def test_events_later_on_update_progress(app, http):
    lab = console(app, http, "/lessons/give-up-twice")
    lab.run("docker create ubuntu:20.04")
    lab.run("docker run -d --restart on-failure:2 ubuntu:20.04 false")
    assert not lab.events("progress")[-1]["completed"]
    app.extensions["lab"].advance(3)  # the restart policy runs out on its own
    pushed = lab.events("progress")[-1]
    assert pushed["completed"] and pushed["commands_used"] == 2 and pushed["best"] == 2
    html = http.get("/").get_data(as_text=True)
    assert "lesson-card--done" in html


def test_hints_on_request(app, http):
    lab = console(app, http, "/lessons/why-exit?lang=ko")
    first = lab.request("hint", {})
    assert first["step"] == "run-default" and first["revealed"] == 1 and first["total"] == 2
    assert "<code>ubuntu:20.04</code>" in first["hints"][0] and "이미지" in first["hints"][0]
    assert first["missing"][0].startswith("아직 실행하지 않았습니다")
    second = lab.request("hint", {"lang": "en"})
    assert second["revealed"] == 2 and second["hints"][1].startswith("<p>Type")
    assert lab.events("progress")[-1]["hints_revealed"] == 2


def test_a_hint_needs_an_open_lesson(app, http):
    lab = console(app, http, "/sandbox")
    assert "send 'lesson' first" in lab.request("hint", {})["error"]
    assert "send 'lesson' first" in lab.events("error")[-1]["message"]


def test_reset_keeps_done_steps_and_reruns_the_setup(app, http):
    lab = console(app, http, "/lessons/lifecycle")
    lab.run("docker images")
    lab.run("docker create --name box1 ubuntu:20.04")
    lab.received()
    lab.request("reset", {})
    pushed = lab.events("progress")[-1]
    assert pushed["done"] == ["list-images"] and pushed["attempts"] == 0
    lab.run("docker rmi hello-world")
    assert lab.events("progress")[-1]["done"] == ["list-images", "remove-image"]


def test_broken_lessons_stop_the_app_from_starting(make_app, tmp_path):
    root = tmp_path / "broken" / "lessons"
    write_lesson(root, ko=None)
    with pytest.raises(ConfigError, match="missing ko.md"):
        make_app(LAB_LESSONS=str(root))


def test_a_step_ticks_for_its_command_inside_a_list(app, http):
    lab = console(app, http, "/lessons/why-exit")
    ack = lab.run("docker run ubuntu:20.04 && docker ps -a")
    assert ack["exit_code"] == 0
    pushed = lab.events("progress")[-1]
    assert pushed["done"][0] == "run-default"
    assert pushed["steps"][0] == {"id": "run-default", "done": True}


def test_a_lessons_files_are_seeded_logged_and_rebuilt(make_app):
    """Opening a lesson with `files:` writes them into the sandbox's workspace through its log,
    so a server restart rebuilds them; a learner's edit of the same file survives until the
    lesson restarts, which seeds it again."""
    app = make_app()
    http = app.test_client()
    http.get("/sandbox")
    lab = console(app, http, "/sandbox")
    lab.request("lesson", {"id": "shell-exec-forms"})
    sandbox = app.extensions["lab"].all()[0]
    lesson = app.extensions["lab.lessons"].get("shell-exec-forms")
    files = sandbox.engine.workspace.snapshot()
    assert files == dict(lesson.files)
    assert files["Dockerfile"] == 'FROM alpine\nCMD ["sleep", "300"]\n'
    assert files["serve.sh"].startswith("#!/bin/sh\n")
    assert not sandbox.engine.commands, "seeding is not a command of the learner's"
    sandbox.write_file("Dockerfile", "FROM alpine\nCMD sleep 300\n")  # as the editor would
    lab.disconnect(namespace=NAMESPACE)
    cookie = http.get_cookie("lab_session").value

    restarted = make_app()  # a server restart on the same database: the log is replayed
    http2 = restarted.test_client()
    http2.set_cookie("lab_session", cookie)
    lab2 = console(restarted, http2, "/lessons/shell-exec-forms")
    box = restarted.extensions["lab"].all()[0]
    assert box.engine.workspace.read("Dockerfile") == "FROM alpine\nCMD sleep 300\n"
    assert box.engine.workspace.read("entrypoint.sh").endswith('"$@"\n')
    lab2.request("lesson", {"id": "shell-exec-forms", "restart": True})
    assert box.engine.workspace.read("Dockerfile") == 'FROM alpine\nCMD ["sleep", "300"]\n'


def test_a_solution_shows_its_file_edits(http):
    html = http.get("/lessons/shell-exec-forms").get_data(as_text=True)
    assert "in the editor, make Dockerfile read:" in html
    assert '<pre class="solution-file"><code>FROM alpine\nCMD sleep 300\n</code></pre>' in html
    html = http.get("/lessons/shell-exec-forms?lang=ko").get_data(as_text=True)
    assert "편집기에서 entrypoint.sh을(를) 이렇게 고치기:" in html
