"""Every lesson and challenge, done from the browser in English and in Korean, on the simulator.

For each lesson and locale a fresh learner opens the lesson page in that language, types every step's
solution into the console (keystrokes for what a command waits for: `exit` in a container's shell,
Ctrl-P Ctrl-Q) and waits for the step to tick; at the end the page shows its summary in the same
language. The simulator serves the page on real time, so a `docker stop` takes its grace period and
a restart policy its back-off: each wait has a deadline (STEP_DEADLINE), never a fixed pause.
The same walk runs on a real daemon in tests/docker_engine/test_browser.py.
"""

from __future__ import annotations

import pytest

from webapp.lessons import LESSONS_DIR, Catalog, load_lessons
from webapp.lessons.markdown import plain_text
from webapp.ui_text import strings

pytestmark = pytest.mark.browser

CATALOG = Catalog(load_lessons(LESSONS_DIR))
STEP_DEADLINE = 30_000  # ms: a `docker stop` of a shell waits 10 s before its SIGKILL


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in CATALOG])
def test_a_learner_does_every_lesson_in_both_languages(lab, lesson_id: str, lang: str) -> None:
    lesson = CATALOG.get(lesson_id)
    assert lesson is not None and lesson.steps
    words = strings(lang)
    text = lesson.t(lang)
    page = lab.page
    page.goto(f"{lab.base}/lessons/{lesson_id}?lang={lang}")
    lab.wait_ready()
    assert page.get_attribute("html", "lang") == lang
    assert " ".join(page.inner_text("#lesson-title").split()) == " ".join(
        plain_text(text.title).split()
    )
    if lesson.kind != "challenge":
        for step in lesson.steps:  # every step reads in the page's language
            title = " ".join(plain_text(text.steps[step.id].title).split())
            shown = page.inner_text(f'.step[data-step="{step.id}"]')
            assert title in " ".join(shown.split()), f"{lesson_id}/{step.id}: no {lang} title"

    lab.do_lesson(lesson, deadline=STEP_DEADLINE)

    summary = page.wait_for_selector("#lesson-complete:not([hidden])")
    assert summary.is_visible()
    heading = words["solved"] if lesson.kind == "challenge" else words["lesson_complete"]
    assert page.inner_text("#lesson-complete .lesson-complete-title") == heading
    page.goto(f"{lab.base}/?lang={lang}")
    card = page.wait_for_selector(f'[data-lesson-card="{lesson_id}"]')
    assert card.get_attribute("data-done") == "true"
