"""Loading lessons: a valid one loads; every kind of mistake is refused with a clear message."""

from __future__ import annotations

import pytest

from webapp.lessons import LESSONS_DIR, LOCALES, Catalog, LessonError, load_lesson, load_lessons
from webapp.lessons.loader import images_used

from .conftest import EN_MD, KO_MD, LESSON_YAML, write_lesson


def test_a_valid_lesson_loads(lessons_root):
    lesson = load_lesson(write_lesson(lessons_root))
    assert lesson.id == "tiny" and lesson.order == 1 and lesson.kind == "lesson"
    assert [s.id for s in lesson.steps] == ["make-box", "list-all"]
    assert lesson.images == ("ubuntu:20.04",)
    assert [e.line for e in lesson.setup] == ["docker rm -f tiny-box"]
    assert lesson.steps[0].commands == ["docker create --name tiny-box ubuntu:20.04"]
    en, ko = lesson.t("en"), lesson.t("ko")
    assert en.title == "A `tiny` lesson" and lesson.title("en") == "A tiny lesson"
    assert ko.steps["make-box"].title == "상자 만들기"
    assert en.steps["list-all"].hints == ("The option is `-a`.\n",)
    assert "Well done." in en.outro_html and ko.outro == ""
    assert lesson.t("fr") is en  # unknown locale: English


def _errors(root, **kwargs) -> str:
    folder = write_lesson(root, **kwargs)
    with pytest.raises(LessonError) as caught:
        load_lesson(folder)
    return "\n".join(caught.value.errors)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("order: 1", "order: 1\ncolour: blue", "unknown key 'colour'"),
    ("state: created", "state: stopped", "unknown state 'stopped'"),
    ("state: created", "state: removed", "use no_container for a removed one"),
    ("container: {name: tiny-box", "containr: {name: tiny-box", "unknown check kind 'containr'"),
    ("ran: {command: ps, options: {all: true}}", ("ran: {command: ps, options: {all: true}, "
     "since: yesterday}"), "expected one of: step, lesson, ever"),
    ("ran: {command: ps, options: {all: true}}", "ran: {options: {all: true}}",
     "needs 'command' or 'line_matches'"),
    ("ran: {command: ps, options: {all: true}}", "ran: {command: ps, options: {-a: true}}",
     "long names without dashes"),
    ("images: [ubuntu:20.04]", "images: [ubuntu:99.99]", "unknown image 'ubuntu:99.99'"),
    ("images: [ubuntu:20.04]", "images: [alpine]", "uses ubuntu:20.04, which is not in images"),
    ("id: tiny", "id: other", "must be the folder's name"),
    ("order: 1", "order: 0", "order: expected a whole number"),
    ("  - id: list-all", "  - id: make-box", "duplicate step id 'make-box'"),
    ("      - docker ps -a", "      - ls -a", "starting with 'docker '"),
    ("  - docker rm -f tiny-box", "  - {line: docker attach x1, input: x}",
     "set-up commands cannot take input"),
    ("  - docker rm -f tiny-box", "  - {sleep: 3}", "set-up has command lines only"),
    ("      - docker ps -a", "      - {sleep: 0}", "sleep: expected seconds"),
    ("      - docker ps -a", "      - {line: docker ps, sleep: 1}", "either line:"),
    ("    check:\n      ran:", "    check:\n      goal: {containers: [{state: running}]}\n      x:",
     "exactly one kind"),
    ("order: 1", "order: 1\norder: 2", "duplicate key 'order'"),
    ("order: 1", "order: 1\nkind: quiz", "kind: expected one of"),
])
def test_yaml_mistakes_are_reported(lessons_root, old, new, expected):
    assert old in LESSON_YAML
    message = _errors(lessons_root, yaml=LESSON_YAML.replace(old, new, 1))
    assert expected in message
    assert "lessons/tiny/lesson.yaml" in message  # says which file


def test_a_missing_locale_is_an_error(lessons_root):
    message = _errors(lessons_root, ko=None)
    assert "missing ko.md" in message


def test_an_unknown_locale_file_is_an_error(lessons_root):
    message = _errors(lessons_root, extra={"fr.md": EN_MD})
    assert "unknown locale 'fr'" in message


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("## List everything {#list-all}", "## List everything {#list-everything}",
     "missing sections for list-all"),
    ("## List everything {#list-all}", "## List everything", "must end with {#step-id}"),
    ("### Hint {.hint}\n\nThe option is `-a`.\n", "", "needs at least one"),
    ("title: A `tiny` lesson\n", "", "'title' must be a non-empty string"),
    ("summary: Two steps.", "summary: Two steps.\nauthor: me", "unknown key 'author'"),
    ("---\ntitle", "title", "must start with front matter"),
    ("Intro.", "# Big heading", "no '# ' headings"),
    ("Intro.", "Intro.\n\n### Hint {.hint}\n\nToo early.", "hints before the first step"),
    ("Well done.", "Well done.\n\n### Hint {.hint}\n\nx", "not to the {.outro} section"),
    ("```console\ndocker create --name tiny-box ubuntu:20.04\n```",
     "```console\ndocker create --name tiny-box ubuntu:20.04\n", "not closed"),
])
def test_markdown_mistakes_are_reported(lessons_root, old, new, expected):
    assert old in EN_MD
    message = _errors(lessons_root, en=EN_MD.replace(old, new, 1))
    assert expected in message
    assert "lessons/tiny/en.md" in message


def test_sections_out_of_order_are_an_error(lessons_root):
    first, second = KO_MD.split("## 모두 보기 {#list-all}")
    head, step1 = first.split("## 상자 만들기 {#make-box}")
    swapped = head + "## 모두 보기 {#list-all}" + second + "\n## 상자 만들기 {#make-box}" + step1
    assert "sections out of order" in _errors(lessons_root, ko=swapped)


def test_hint_counts_must_match_across_locales(lessons_root):
    ko = KO_MD.replace("옵션은 `-a`입니다.", "옵션은 `-a`입니다.\n\n### 힌트 {.hint}\n\n하나 더.")
    message = _errors(lessons_root, ko=ko)
    assert "different numbers of hints per locale (en: 1, ko: 2)" in message


def test_headings_inside_code_blocks_are_text(lessons_root):
    en = EN_MD.replace("Intro.", "Intro.\n\n```text\n## not a step\n# nor a title\n```")
    lesson = load_lesson(write_lesson(lessons_root, en=en))
    assert "## not a step" in lesson.t("en").intro


def test_all_errors_of_all_lessons_come_together(lessons_root):
    write_lesson(lessons_root, "tiny", ko=None)
    write_lesson(lessons_root, "second", yaml=LESSON_YAML.replace("id: tiny", "id: second"),
                 en=None)
    with pytest.raises(LessonError) as caught:
        load_lessons(lessons_root)
    text = str(caught.value)
    assert "lessons/tiny: missing ko.md" in text and "lessons/second: missing en.md" in text


def test_orders_must_be_unique(lessons_root):
    write_lesson(lessons_root, "tiny")
    write_lesson(lessons_root, "second", yaml=LESSON_YAML.replace("id: tiny", "id: second"))
    with pytest.raises(LessonError, match="order 1 is also used by"):
        load_lessons(lessons_root)


CHALLENGE = """\
id: tiny-challenge
order: 9
kind: challenge
images: [ubuntu:20.04]
goal:
  containers:
    - {state: running}
best: 1
solution:
  - docker run -d ubuntu:20.04 sleep 100
"""
CHALLENGE_MD = """\
---
title: Challenge
summary: One running container.
---

Make one running container.

### Hint {.hint}

Use `sleep`.
"""


def test_a_challenge_is_one_goal_step(lessons_root):
    lesson = load_lesson(write_lesson(lessons_root, "tiny-challenge", yaml=CHALLENGE,
                                      en=CHALLENGE_MD, ko=CHALLENGE_MD))
    assert lesson.kind == "challenge" and lesson.best == 1
    assert [s.id for s in lesson.steps] == ["goal"]
    assert lesson.t("ko").steps["goal"].title == "목표"
    view = lesson.view("en")
    assert view["goal"] == {"containers": [{"state": "running"}], "only": True, "new": True}
    assert view["best"] == 1


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("best: 1\n", "", "a challenge needs best:"),
    ("    - {state: running}", "    - {name: web}", "needs a 'state'"),
    ("best: 1", "best: 1\nsteps: []", "unknown key 'steps'"),
    ("    - {state: running}", "    - {state: running, had_event: [stop]}", "unknown key 'had_event'"),
])
def test_challenge_mistakes(lessons_root, old, new, expected):
    message = _errors(lessons_root, name="tiny-challenge", yaml=CHALLENGE.replace(old, new),
                      en=CHALLENGE_MD, ko=CHALLENGE_MD)
    assert expected in message


def test_a_challenge_has_no_step_sections(lessons_root):
    md = CHALLENGE_MD + "\n## A step {#one}\n\nNo.\n"
    message = _errors(lessons_root, name="tiny-challenge", yaml=CHALLENGE, en=md, ko=CHALLENGE_MD)
    assert "a challenge has no step sections" in message


def test_goal_checks_belong_to_challenges(lessons_root):
    yaml = LESSON_YAML.replace("      container: {name: tiny-box, state: created}",
                               "      goal: {containers: [{state: created}]}")
    assert "goal: checks are for challenges" in _errors(lessons_root, yaml=yaml)


def test_images_used_reads_run_create_and_pull():
    assert images_used("docker run -d --name web httpd") == ["httpd:latest"]
    assert images_used("docker create -it ubuntu:20.04 bash") == ["ubuntu:20.04"]
    assert images_used("docker pull hello-world") == ["hello-world:latest"]
    assert images_used("docker stop web") == []
    assert images_used("docker run --foo ubuntu") == []  # does not parse: not counted


# -- the real lessons ------------------------------------------------------------------------------------


def test_the_course_loads():
    lessons = load_lessons(LESSONS_DIR)
    ids = [lesson.id for lesson in lessons]
    assert ids[:4] == ["why-exit", "lifecycle", "pause-restart", "exit-codes"]
    challenges = [lesson for lesson in lessons if lesson.kind == "challenge"]
    assert len(challenges) >= 2
    assert all(c.best and c.goal for c in challenges)


def test_every_step_and_hint_exists_in_english_and_korean():
    for lesson in load_lessons(LESSONS_DIR):
        for locale in LOCALES:
            text = lesson.t(locale)
            assert text.title and text.summary, (lesson.id, locale)
            for step in lesson.steps:
                st = text.steps[step.id]
                assert st.hints and all(h.strip() for h in st.hints), (lesson.id, step.id, locale)
                if lesson.kind == "lesson":
                    assert st.title and st.body.strip(), (lesson.id, step.id, locale)
        ko = lesson.t("ko")
        korean = ko.title + ko.intro + "".join(
            s.body + "".join(s.hints) for s in ko.steps.values())
        assert any("\uac00" <= ch <= "\ud7a3" for ch in korean), f"{lesson.id}: ko.md is not Korean"
        for step in lesson.steps:
            assert len(lesson.t("en").steps[step.id].hints) == len(ko.steps[step.id].hints)


def test_the_catalog_numbers_and_chains_lessons():
    catalog = Catalog(load_lessons(LESSONS_DIR))
    assert catalog.number("why-exit") == 1 and catalog.next_id("why-exit") == "lifecycle"
    assert catalog.next_id(catalog.lessons[-1].id) is None
    view = catalog.view("why-exit", "ko", done={"run-default"})
    assert view["locale"] == "ko" and view["number"] == 1 and view["next"] == "lifecycle"
    assert view["steps"][0]["done"] is True and view["steps"][1]["done"] is False
    assert view["steps"][0]["solution"] == "docker run ubuntu:20.04"
    assert view["title_html"].startswith("<code>docker run ubuntu</code>")
    listing = catalog.listing("en", completed={"lifecycle"})
    assert [item["done"] for item in listing[:2]] == [False, True]
