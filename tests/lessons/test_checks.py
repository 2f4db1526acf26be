"""The check vocabulary: every kind true and false, composition, windows, and explanations."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pytest

from webapp.engine.events import Event
from webapp.lessons import CheckError, Mark, compile_check, evaluate, explain
from webapp.lessons.checks import KINDS
from webapp.ui_text import JS_KEYS, strings


def run(engine, *lines: str) -> None:
    for line in lines:
        engine.run(line)


def holds(check: dict, engine, since: Mark | None = None, lesson_since: Mark | None = None) -> bool:
    return evaluate(check, engine, since=since, lesson_since=lesson_since)


# -- state checks ------------------------------------------------------------------------------------


def test_container(engine):
    check = {"container": {"name": "web", "state": "running"}}
    assert not holds(check, engine)
    run(engine, "docker run -d --name web httpd")
    assert holds(check, engine)
    assert holds({"container": {"image": "httpd:latest"}}, engine)  # familiar form: httpd
    assert holds({"container": {"image": "docker.io/library/httpd"}}, engine)
    assert not holds({"container": {"name": "web", "image": "nginx"}}, engine)
    assert holds({"container": {"state": ["paused", "running"]}}, engine)
    assert holds({"container": {"status_matches": "^Up "}}, engine)
    run(engine, "docker kill web")
    assert holds({"container": {"name": "web", "state": "exited", "exit_code": 137}}, engine)
    assert holds({"container": {"exit_code": [137, 143]}}, engine)
    assert not holds(check, engine)


def test_any_container_matching(engine):
    check = {"container": {"image": "ubuntu:20.04", "state": "exited", "exit_code": 0}}
    run(engine, "docker run ubuntu:20.04 sh -c 'exit 3'")
    assert not holds(check, engine)
    run(engine, "docker run ubuntu:20.04 true")
    assert holds(check, engine)


def test_restart_counts(engine):
    run(engine, "docker run -d --name flaky --restart on-failure:3 ubuntu:20.04 false")
    assert not holds({"container": {"name": "flaky", "restart_count": 3}}, engine)
    engine.clock.advance(5)
    assert holds({"container": {"name": "flaky", "restart_count": 3, "state": "exited"}}, engine)
    assert holds({"container": {"name": "flaky", "min_restart_count": 2}}, engine)
    assert not holds({"container": {"name": "flaky", "min_restart_count": 4}}, engine)


def test_no_container(engine):
    check = {"no_container": {"name": "web"}}
    assert holds(check, engine)
    run(engine, "docker create --name web httpd")
    assert not holds(check, engine)
    run(engine, "docker rm web")
    assert holds(check, engine)


def test_count(engine):
    check = {"count": {"state": "running", "at_least": 2}}
    run(engine, "docker run -d --name one ubuntu:20.04 sleep 100")
    assert not holds(check, engine)
    run(engine, "docker run -d --name two ubuntu:20.04 sleep 100")
    assert holds(check, engine)
    assert holds({"count": {"state": "running", "exactly": 2}}, engine)
    assert not holds({"count": {"state": "running", "at_most": 1}}, engine)
    assert holds({"count": {"state": "paused", "exactly": 0}}, engine)


def test_image_present(engine):
    check = {"image_present": "hello-world"}
    assert holds(check, engine)
    run(engine, "docker rmi hello-world")
    assert not holds(check, engine)
    assert holds({"not": check}, engine)
    run(engine, "docker pull hello-world")
    assert holds(check, engine)


@dataclass
class BareEngine:
    """An engine with only the three things every engine provides."""

    listed: list[dict[str, Any]] = field(default_factory=list)
    history: list[Any] = field(default_factory=list)
    commands: list[Any] = field(default_factory=list)

    def containers(self) -> list[dict[str, Any]]:
        return self.listed


def test_checks_need_only_containers_history_and_commands():
    engine = BareEngine(
        listed=[{"name": "web", "id": "a" * 64, "image": "httpd", "state": "running",
                 "exit_code": 0, "status": "Up 2 seconds", "restart_count": 0}],
        history=[Event("container", "die", "b" * 64, {"name": "old", "image": "ubuntu",
                                                       "exitCode": "137"})])
    assert holds({"container": {"name": "web", "state": "running"}}, engine)
    assert holds({"event": {"action": "die", "container": "old", "exitCode": 137}}, engine)
    assert not holds({"ran": {"command": "ps"}}, engine)
    assert not holds({"image_present": "httpd"}, engine)  # it cannot list images
    assert explain({"image_present": "httpd"}, engine) == ["This engine cannot list images."]


# -- events ------------------------------------------------------------------------------------------


def test_event(engine):
    check = {"event": {"action": "die", "container": "sleeper", "exitCode": 137}}
    run(engine, "docker run -d --name sleeper ubuntu:20.04 sleep 1000")
    assert not holds(check, engine)
    run(engine, "docker stop sleeper")
    assert holds(check, engine)
    assert holds({"event": {"action": "kill", "container": "sleeper", "signal": "SIGTERM"}}, engine)
    assert holds({"event": {"action": "kill", "signal": 9}}, engine)
    assert holds({"event": {"action": "kill", "signal": "KILL", "at_least": 1}}, engine)
    assert not holds({"event": {"action": "kill", "container": "sleeper", "at_least": 3}}, engine)
    assert holds({"event": {"action": "kill", "container": "sleeper", "at_least": 2}}, engine)
    assert holds({"event": {"action": "stop", "image": "ubuntu:20.04"}}, engine)
    assert not holds({"event": {"action": "die", "exitCode": 143}}, engine)
    assert holds({"event": {"action": "die", "attributes": {"execDuration": "10"}}}, engine)


def test_event_prefix_actions_and_image_events(engine):
    run(engine, "docker run -d --name box ubuntu:20.04 sleep 100", "docker exec box true")
    assert holds({"event": {"action": "exec_start", "container": "box"}}, engine)
    assert holds({"event": {"action": "exec_die", "exitCode": 0}}, engine)
    assert not holds({"event": {"type": "image", "action": "pull"}}, engine)
    run(engine, "docker pull busybox")
    assert holds({"event": {"type": "image", "action": "pull", "image": "busybox"}}, engine)
    assert not holds({"event": {"type": "image", "action": "pull", "image": "alpine"}}, engine)


def test_since_step_lesson_and_ever(engine):
    run(engine, "docker run ubuntu:20.04 true")
    lesson = Mark.take(engine)
    run(engine, "docker run ubuntu:20.04 true")
    step = Mark.take(engine)
    die = {"action": "die", "image": "ubuntu:20.04"}
    assert not holds({"event": die}, engine, since=step, lesson_since=lesson)  # since: step
    assert holds({"event": die | {"since": "lesson"}}, engine, since=step, lesson_since=lesson)
    assert holds({"event": die | {"since": "lesson", "at_least": 1}}, engine, step, lesson)
    assert not holds({"event": die | {"since": "lesson", "at_least": 2}}, engine, step, lesson)
    assert holds({"event": die | {"since": "ever", "at_least": 2}}, engine, step, lesson)
    run(engine, "docker run ubuntu:20.04 true")
    assert holds({"event": die}, engine, since=step, lesson_since=lesson)
    assert holds({"ran": {"command": "run", "at_least": 2, "since": "lesson"}}, engine, step, lesson)
    assert not holds({"ran": {"command": "run", "at_least": 2}}, engine, step, lesson)


def test_marks_survive_persistence_and_a_bounded_history(engine):
    run(engine, "docker run ubuntu:20.04 true")
    mark = Mark.take(engine)
    restored = Mark.from_data(mark.to_data(), engine)
    assert restored.last_event is engine.history[-1]
    run(engine, "docker run ubuntu:20.04 true")
    assert len(restored.events_after(engine.history)) == 4  # create attach start die
    assert len(Mark.from_data(mark.to_data()).events_after(engine.history)) == 4
    # the marker fell out of a bounded history: everything left is newer than it
    assert Mark(events=3, last_event=object()).events_after([1, 2]) == [1, 2]
    # a new engine (sandbox reset) with fewer entries than the mark: all of it is new
    assert Mark(events=10).events_after([1, 2]) == [1, 2]


# -- commands ----------------------------------------------------------------------------------------


def test_ran(engine):
    run(engine, "docker container ls --all", "docker run -d --name web httpd",
        "docker run ubuntu:20.04", "docker inspect -f '{{.State.ExitCode}}' web",
        "docker run --foo ubuntu:20.04")
    assert holds({"ran": {"command": "ps", "options": {"all": True}}}, engine)  # alias resolved
    assert not holds({"ran": {"command": "ps", "options": {"quiet": True}}}, engine)
    assert holds({"ran": {"command": "run", "options": {"detach": True, "name": "web"}}}, engine)
    assert holds({"ran": {"command": "run", "args": ["httpd"]}}, engine)
    assert holds({"ran": {"command": "run", "image": "ubuntu:20.04", "cmd": []}}, engine)
    assert not holds({"ran": {"command": "run", "image": "ubuntu:20.04", "cmd": ["bash"]}}, engine)
    assert holds({"ran": {"command": ["inspect", "container inspect"],
                          "line_matches": "ExitCode", "exit_code": 0}}, engine)
    assert holds({"ran": {"line_matches": "^docker run --foo", "exit_code": 125}}, engine)
    assert not holds({"ran": {"command": "stop"}}, engine)
    assert holds({"ran": {"command": "run", "at_least": 2, "exit_code": 0}}, engine)


# -- composition ---------------------------------------------------------------------------------------


def test_all_any_not(engine):
    running = {"container": {"name": "web", "state": "running"}}
    paused = {"container": {"name": "web", "state": "paused"}}
    run(engine, "docker run -d --name web httpd")
    assert holds({"all": [running, {"not": paused}]}, engine)
    assert not holds({"all": [running, paused]}, engine)
    assert holds({"any": [paused, running]}, engine)
    assert not holds({"any": [paused, {"no_container": {"name": "web"}}]}, engine)
    assert holds({"not": {"all": [running, paused]}}, engine)


# -- goals -------------------------------------------------------------------------------------------


GOAL = {"goal": {"containers": [{"state": "running"}, {"state": "paused"},
                                {"state": "exited", "exit_code": 137}]}}


def test_goal_needs_a_different_container_for_each_spec(engine):
    lesson = Mark.take(engine)
    check = compile_check(GOAL)
    run(engine, "docker run -d --name a1 ubuntu:20.04 sleep 100")
    assert not evaluate(check, engine, lesson_since=lesson)
    run(engine, "docker run -d --name a2 ubuntu:20.04 sleep 100", "docker pause a2")
    missing = explain(check, engine, lesson_since=lesson)
    assert missing == ["Still missing: a container (state: exited, exit code: 137)."]
    run(engine, "docker run --name a3 ubuntu:20.04 sh -c 'exit 137'")
    assert evaluate(check, engine, lesson_since=lesson)
    run(engine, "docker create --name a4 ubuntu:20.04")  # only: true -> an extra one spoils it
    assert not evaluate(check, engine, lesson_since=lesson)
    assert explain(check, engine, lesson_since=lesson) == [
        "Containers that are not part of the goal: a4 (created)."]


def test_goal_counts_only_new_containers_unless_told(engine):
    run(engine, "docker run -d --name old ubuntu:20.04 sleep 100")
    lesson = Mark.take(engine)
    new_only = {"goal": {"containers": [{"state": "running"}]}}
    any_age = {"goal": {"containers": [{"state": "running"}], "new": False}}
    assert not holds(new_only, engine, lesson_since=lesson)
    assert holds(any_age, engine, lesson_since=lesson)
    run(engine, "docker run -d --name fresh ubuntu:20.04 sleep 100")
    assert holds(new_only, engine, lesson_since=lesson)
    assert not holds(any_age, engine, lesson_since=lesson)  # only: two running, one wanted


def test_goal_had_events(engine):
    lesson = Mark.take(engine)
    check = {"goal": {"containers": [{"state": "exited", "exit_code": 0, "had_events": ["stop"]}]}}
    run(engine, "docker run --name quick ubuntu:20.04 true")
    assert not holds(check, engine, lesson_since=lesson)
    run(engine, "docker rm quick", "docker run -d --name web httpd", "docker stop web")
    assert holds(check, engine, lesson_since=lesson)


# -- explanations ----------------------------------------------------------------------------------------


def test_explanations_say_what_is_missing_in_both_locales(engine):
    run(engine, "docker run -d --name web ubuntu:20.04 sleep 100")
    check = {"all": [{"container": {"name": "web", "image": "httpd", "state": "running"}},
                     {"ran": {"command": "ps", "options": {"all": True}}}]}
    since = Mark.take(engine)
    en = explain(check, engine, since=since)
    assert en == [
        "No container matches: a container (name: web, image: httpd:latest, state: running).",
        "web is running (image ubuntu:20.04).",
        "Not run yet since this step began: running `docker ps --all`.",
    ]
    ko = explain(check, engine, since=since, locale="ko")
    assert ko[0].startswith("조건에 맞는 컨테이너가 없습니다") and "이름: web" in ko[0]
    assert "이 단계를 시작한 뒤" in ko[2]
    run(engine, "docker ps -a")
    assert explain(check, engine, since=since) == en[:2]
    assert explain({"no_container": {"name": "web"}}, engine) == ["Still there: web (running)."]
    assert explain({"container": {"name": "nope"}}, engine)[1] == "There is no container named nope."
    assert explain({"not": {"container": {"name": "web"}}}, engine) == [
        "This must not be the case: a container (name: web)."]
    assert explain({"count": {"state": "running", "at_least": 3}}, engine) == [
        "at least 3 × a container (state: running)", "Right now there are 1."]
    assert explain({"container": {"name": "web"}}, engine) == []


def test_the_sentences_are_ui_text_entries_the_scripts_do_not_get(engine):
    """The checks' words live in webapp/ui_text.py; the server composes them, so data-ui skips them."""
    ko = strings("ko")
    assert explain({"container": {"name": "nope"}}, engine, locale="ko") == [
        ko["check_no_match"].format(ko["check_a_container"].format(f"{ko['check_name']}: nope")),
        ko["check_no_such"].format(name="nope")]
    assert not [key for key in JS_KEYS if key.startswith(("check_", "markdown_"))]


@pytest.mark.parametrize(("data", "message"), [
    ({}, "exactly one kind"),
    ({"container": {"name": "a"}, "ran": {"command": "ps"}}, "exactly one kind"),
    ({"contianer": {}}, "unknown check kind 'contianer'"),
    ({"container": {"state": "sleeping"}}, "check.container.state: unknown state 'sleeping'"),
    ({"container": {"exit_code": "137"}}, "expected a whole number"),
    ({"container": ["web"]}, "expected a mapping"),
    ({"all": []}, "expected a non-empty list of checks"),
    ({"any": [{"container": {"nam": "x"}}]}, "check.any[0].container: unknown key 'nam'"),
    ({"event": {"container": "web"}}, "missing key 'action'"),
    ({"event": {"action": "kill", "signal": "SIGNOPE"}}, "unknown signal 'SIGNOPE'"),
    ({"event": {"action": "die", "at_least": 0}}, "expected a whole number ≥ 1"),
    ({"ran": {"line_matches": "("}}, "invalid regular expression"),
    ({"ran": {"command": "run", "cmd": "bash"}}, "expected a list"),
    ({"count": {"state": "running"}}, "needs at_least, at_most or exactly"),
    ({"goal": {"containers": []}}, "non-empty list of container filters"),
    ({"goal": {"containers": [{"state": "running"}], "only": "yes"}}, "expected true or false"),
    ({"image_present": ""}, "non-empty string"),
])
def test_malformed_checks_are_refused_with_their_place(data, message):
    with pytest.raises(CheckError) as caught:
        compile_check(data)
    assert message in str(caught.value)


def test_every_kind_is_covered():
    assert set(KINDS) == {"all", "any", "not", "container", "no_container", "count", "event", "ran",
                          "image_present", "image", "stop_took", "goal"}


def test_container_health(engine):
    check = {"container": {"name": "doc", "health": "healthy"}}
    run(engine, 'docker run -d --name doc --health-cmd "test -e /tmp/ok" --health-interval 2s '
                "ubuntu:20.04 sleep 100")
    assert holds({"container": {"name": "doc", "health": "starting"}}, engine)
    assert not holds(check, engine)
    run(engine, "docker exec doc touch /tmp/ok")
    with engine.lock:
        engine.clock.advance(2.5)
    assert holds(check, engine)
    run(engine, "docker run -d --name plain ubuntu:20.04 sleep 100")
    assert not holds({"container": {"name": "plain", "health": ["starting", "healthy", "unhealthy"]}},
                     engine)
    with pytest.raises(CheckError) as caught:
        compile_check({"container": {"health": "fine"}})
    assert caught.value.path == "check.container.health"
