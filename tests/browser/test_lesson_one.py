"""Lesson 1 (`why-exit`) from start to finish, the way a learner takes it: for every step, click the
click-to-run button of the step's command in the lesson text (it types the command on the console
line), press Enter, type whatever the command waits for (`exit` in the container's shell), and wait
for the step to show `data-done="true"`. At the end the lesson's summary shows, and the course map
has the lesson ticked.

The app runs on the simulator (see conftest.py). Nothing in this lesson waits on time (MySQL without a
password setting refuses at once; Spark's launcher script returns at once), so every wait is on a
DOM state. The steps and commands come from lessons/why-exit, not from copies.
"""

from __future__ import annotations

import re

import pytest

from webapp.lessons import LESSONS_DIR, load_lesson
from webapp.lessons.markdown import plain_text
from webapp.ui_text import strings

pytestmark = pytest.mark.browser

LESSON = load_lesson(LESSONS_DIR / "why-exit")
EN = strings("en")


def step_sel(step_id: str) -> str:
    return f'.step[data-step="{step_id}"]'


def send_keys(lab, keys: str) -> None:
    """Keystrokes of a solution's `input:` typed on the keyboard (`\\r` is the Enter key)."""
    for i, chunk in enumerate(keys.split("\r")):
        if chunk:
            lab.page.keyboard.type(chunk)
        if i < keys.count("\r"):
            lab.page.keyboard.press("Enter")


def test_lesson_one_completes_by_clicking_its_code_blocks(lab):
    page = lab.page
    page.goto(f"{lab.base}/lessons/{LESSON.id}")
    lab.wait_ready()
    total = len(LESSON.steps)

    for number, step in enumerate(LESSON.steps, start=1):
        sel = step_sel(step.id)
        page.wait_for_selector(f'{sel}.step--current[aria-current="step"]')
        assert page.get_attribute(sel, "data-done") == "false"
        for entry in step.solution:
            assert entry.line is not None, "lesson 1 has no waits"
            # The command's own block in the step's text (not the "type it for me" tool).
            button = page.locator(f'{sel} .step-body .run-command[data-command="{entry.line}"]')
            assert button.count() >= 1, f"{step.id}: no click-to-run block for {entry.line!r}"
            button.first.click()
            page.wait_for_function(
                "cmd => document.querySelector('#console').dataset.line === cmd",
                arg=entry.line,
            )
            page.keyboard.press("Enter")  # the learner runs it
            if entry.input:
                lab.wait_busy()
                lab.wait_screen("root@")  # the container's shell prompt
                for keys in entry.input:
                    send_keys(lab, keys)
            lab.wait_idle()
        page.wait_for_selector(f'{sel}[data-done="true"]')
        assert page.inner_text("#lesson-progress-text") == f"{number} of {total}"

    summary = page.wait_for_selector("#lesson-complete:not([hidden])")
    assert summary.is_visible()
    assert page.inner_text("#lesson-complete .lesson-complete-title") == EN["lesson_complete"]
    first_lesson = LESSON.t("en").outro.split("\n- ")[0].removeprefix("- ")
    expected = " ".join(plain_text(first_lesson).split())
    assert expected in " ".join(page.inner_text("#lesson-complete .prose").split())
    assert page.locator('.step[data-done="true"]').count() == total
    assert page.locator("#main.lab--completed").count() == 1

    page.goto(f"{lab.base}/")
    card = page.wait_for_selector(f'[data-lesson-card="{LESSON.id}"]')
    assert card.get_attribute("data-done") == "true"
    assert re.search(EN["card_done"], card.inner_text())
