"""Lesson pages, challenges and the course map end to end, in English and Korean.

The real app (see conftest.py) with a fresh sandbox per test. Every wait is on a DOM state (a step's
data-done, the console's data-line, a hint shown, a token in the target graph); nothing sleeps for
a fixed time. Expected words come from the lesson files and webapp/ui_text.py, not from copies.
"""

from __future__ import annotations

import pytest

from webapp.lessons import LESSONS_DIR, Catalog, load_lessons
from webapp.ui_text import strings

pytestmark = pytest.mark.browser

CATALOG = Catalog(load_lessons(LESSONS_DIR))
EN = strings("en")
KO = strings("ko")


def open_page(lab, path: str) -> None:
    lab.page.goto(f"{lab.base}{path}")
    lab.wait_ready()


def solution_lines(lesson_id: str, step: int = 0) -> list[str]:
    lesson = CATALOG.get(lesson_id)
    assert lesson is not None
    return lesson.steps[step].commands


def step_sel(step_id: str) -> str:
    return f'.step[data-step="{step_id}"]'


def progress_json(lab, lesson_id: str) -> dict:
    """The server's view of this learner's progress (same cookie as the page)."""
    return lab.page.evaluate(
        "id => fetch(`/api/lessons/${id}/progress`).then(r => r.json())", lesson_id
    )


def test_solving_the_first_step_marks_it_done_and_activates_the_next(lab):
    open_page(lab, "/lessons/why-exit")
    lesson = CATALOG.get("why-exit")
    first, second = lesson.steps[0].id, lesson.steps[1].id
    page = lab.page
    page.wait_for_selector(f'{step_sel(first)}.step--current[aria-current="step"]')
    assert page.get_attribute(step_sel(first), "data-done") == "false"
    assert page.is_hidden(f"#step-body-{second}"), "a step to come is folded"

    for line in solution_lines("why-exit", 0):
        lab.run(line)

    page.wait_for_selector(f'{step_sel(first)}[data-done="true"]')
    page.wait_for_selector(f'{step_sel(second)}.step--current[aria-current="step"]')
    assert page.get_attribute(step_sel(second), "data-done") == "false"
    assert page.is_visible(f"#step-body-{second}"), "the active step is open"
    assert page.get_attribute(step_sel(first), "aria-current") is None
    total = len(lesson.steps)
    assert page.inner_text("#lesson-progress-text") == f"1 of {total}"
    assert page.eval_on_selector("#lesson-progress", "el => el.value") == 1
    # The active step was scrolled into the lesson panel's view.
    assert page.evaluate(
        """id => {
          const panel = document.querySelector('.panel--lesson').getBoundingClientRect();
          const step = document.querySelector(`.step[data-step="${id}"]`).getBoundingClientRect();
          return step.top >= panel.top && step.top < panel.bottom;
        }""",
        second,
    )


def test_a_click_to_run_button_types_its_command_without_running_it(lab):
    open_page(lab, "/lessons/why-exit")
    page = lab.page
    first = CATALOG.get("why-exit").steps[0].id
    button = page.wait_for_selector(f"{step_sel(first)} .step-body .runnable-line .run-command")
    command = button.get_attribute("data-command")
    assert command == solution_lines("why-exit", 0)[0]
    assert button.inner_text() == EN["type_it"]
    button.click()
    page.wait_for_function(
        "cmd => document.querySelector('#console').dataset.line === cmd", arg=command
    )
    assert page.evaluate("() => Boolean(document.activeElement.closest('#console'))"), (
        "the focus moved to the console"
    )
    # Nothing ran: the console is idle, no event arrived and the server saw no command.
    assert page.get_attribute("#console", "data-busy") == "false"
    assert page.locator("#event-log li").count() == 0
    assert progress_json(lab, "why-exit")["attempts"] == 0
    page.keyboard.press("Enter")  # the learner runs it
    lab.wait_idle()
    lab.event("die")
    page.wait_for_selector(f'{step_sel(first)}[data-done="true"]')
    assert page.locator('#event-log li[data-action="create"]').count() == 1


def test_show_solution_reveals_click_to_run_lines(lab):
    open_page(lab, "/lessons/why-exit")
    page = lab.page
    first = CATALOG.get("why-exit").steps[0].id
    assert page.is_hidden(f"#solution-{first}")
    page.click(f"{step_sel(first)} .solution-toggle")
    page.wait_for_selector(f"#solution-{first}:not([hidden])")
    assert page.get_attribute(f"{step_sel(first)} .solution-toggle", "aria-expanded") == "true"
    page.click(f"#solution-{first} .run-command")
    page.wait_for_function(
        "cmd => document.querySelector('#console').dataset.line === cmd",
        arg=solution_lines("why-exit", 0)[0],
    )


def test_a_hint_appears_after_requesting_it(lab):
    open_page(lab, "/lessons/why-exit")
    page = lab.page
    step = CATALOG.get("why-exit").steps[0]
    sel = step_sel(step.id)
    assert page.is_hidden(f'{sel} .hint[data-hint="1"]')
    button = f"{sel} .hint-button"
    assert page.inner_text(button) == EN["hint"]
    page.click(button)
    hint = page.wait_for_selector(f'{sel} .hint[data-hint="1"]:not([hidden])')
    assert "ubuntu:20.04" in hint.inner_text()
    page.wait_for_selector(f"{sel} .step-missing:not([hidden]) li")
    assert page.is_hidden(f'{sel} .hint[data-hint="2"]'), "hints come one at a time"
    page.wait_for_function(
        "([sel, text]) => document.querySelector(sel).textContent === text",
        arg=[button, EN["another_hint"]],
    )
    page.click(button)
    page.wait_for_selector(f'{sel} .hint[data-hint="2"]:not([hidden])')
    page.wait_for_selector(f"{button}:disabled")
    assert page.inner_text(button) == EN["no_more_hints"]


def test_the_lesson_page_in_korean(lab):
    open_page(lab, "/lessons/why-exit?lang=ko")
    page = lab.page
    assert page.get_attribute("html", "lang") == "ko"
    lesson = CATALOG.get("why-exit")
    first = lesson.steps[0].id
    korean_title = CATALOG.view("why-exit", "ko")["steps"][0]["title"]
    assert page.inner_text(f"{step_sel(first)} .step-name") == korean_title
    assert "우분투" in korean_title
    assert page.inner_text("#lesson-title") == lesson.title("ko")
    labels = {
        "#console-title": KO["console_title"],
        "#graph-title": KO["lifecycle_title"],
        "#lesson-restart": KO["restart_lesson"],
        "label[for=lesson-progress]": KO["progress"],
        f"{step_sel(first)} .hint-button": KO["hint"],
        f"{step_sel(first)} .step-typeit": KO["type_it_for_me"],
        f"{step_sel(first)} .solution-toggle": KO["show_solution"],
        f"{step_sel(first)} .step-body .run-command": KO["type_it"],
        "#replay": KO["replay"],
        ".lang-switch [aria-current=true]": "한국어",
        ".site-nav a[href='/']": KO["nav_course"],
    }
    for selector, text in labels.items():
        assert page.inner_text(selector).strip() == text, selector
    assert page.inner_text("#events-title").startswith(KO["events_title"])
    page.wait_for_function(  # a label the scripts write, from the same table
        "t => document.querySelector('#console-status').textContent === t", arg=KO["ready"]
    )
    # A hint in Korean, with the missing sentences in Korean too.
    page.click(f"{step_sel(first)} .hint-button")
    hint = page.wait_for_selector(f'{step_sel(first)} .hint[data-hint="1"]:not([hidden])')
    assert "이미지" in hint.inner_text()
    missing = page.wait_for_selector(f"{step_sel(first)} .step-missing:not([hidden]) li")
    assert missing.inner_text().startswith("아직")
    # The switch keeps the page.
    page.click(".lang-switch a[lang=en]")
    page.wait_for_url("**/lessons/why-exit?lang=en")
    lab.wait_ready()
    assert page.get_attribute("html", "lang") == "en"
    english_title = CATALOG.view("why-exit", "en")["steps"][0]["title"]
    assert page.inner_text(f"{step_sel(first)} .step-name") == english_title
    assert page.inner_text("#console-title") == EN["console_title"]


def test_a_challenge_draws_its_target_and_counts_commands_until_solved(lab):
    open_page(lab, "/lessons/three-states")
    page = lab.page
    lesson = CATALOG.get("three-states")
    assert lesson.kind == "challenge"
    assert page.locator(".steps .step").count() == 0, "a challenge has no step text"
    # The target graph: the same lifecycle graph, with a token per target container.
    for name, state in (("running", "running"), ("paused", "paused"), ("exited (137)", "exited")):
        page.wait_for_selector(f'#goal-graph .token[data-container="{name}"][data-state="{state}"]')
    page.wait_for_selector('#goal-graph [data-state="created"]')
    assert page.locator("#lifecycle-graph .token").count() == 0, "the learner's graph is separate"
    assert page.inner_text("#commands-used") == "0"
    assert page.inner_text("#commands-best") == str(lesson.best)
    assert page.is_hidden("#lesson-complete")

    lines = solution_lines("three-states")
    for i, line in enumerate(lines, start=1):
        lab.run(line)
        if i < len(lines):
            page.wait_for_function(
                "n => document.querySelector('#commands-used').textContent === String(n)", arg=i
            )
    page.wait_for_selector("#lesson-complete:not([hidden])")
    page.wait_for_selector('.challenge[data-done="true"]')
    page.wait_for_selector("#goal-graph.graph--solved")
    assert page.inner_text("#commands-used") == str(len(lines))
    solved = page.inner_text("#solved-text")
    assert EN["solved_in"].replace("{n}", str(len(lines))) in solved
    assert EN["solved_best"] in solved
    assert page.get_attribute("#next-lesson", "href") == f"/lessons/{lesson_next('three-states')}"

    # The course map marks it done.
    page.goto(f"{lab.base}/")
    page.wait_for_selector('.lesson-card[data-lesson-card="three-states"][data-done="true"]')
    assert page.inner_text('[data-lesson-card="three-states"] .lesson-card-badge') == EN["card_done"]


def lesson_next(lesson_id: str) -> str:
    view = CATALOG.view(lesson_id)
    assert view is not None and view["next"]
    return view["next"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_course_map_lists_every_lesson(lab, lang):
    page = lab.page
    page.goto(f"{lab.base}/?lang={lang}")
    page.wait_for_selector(".lesson-list")
    assert page.get_attribute("html", "lang") == lang
    ui = strings(lang)
    cards = page.locator(".lesson-card")
    assert cards.count() == len(CATALOG.lessons) >= 7
    for i, lesson in enumerate(CATALOG.lessons):
        card = cards.nth(i)
        assert card.get_attribute("data-lesson-card") == lesson.id
        assert card.get_attribute("data-kind") == lesson.kind
        assert card.get_attribute("data-done") == "false"
        assert card.locator(".lesson-card-title").inner_text() == lesson.title(lang)
        assert card.locator("a").get_attribute("href") == f"/lessons/{lesson.id}"
        meta = card.locator(".lesson-card-meta").text_content().strip()
        if lesson.kind == "challenge":
            assert meta == ui["card_challenge"]
        else:
            assert meta == ui["card_lesson_n"].replace("{n}", str(i + 1))
    assert page.inner_text("#course-title") == ui["course_title"]
    assert page.inner_text(".site-nav a[href='/sandbox']") == ui["nav_sandbox"]
