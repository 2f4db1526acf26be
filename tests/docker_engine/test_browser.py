"""Every lesson and challenge, done from the browser on a real Docker daemon, as a learner does it.

The app runs with LAB_ENGINE=docker (`lifecycle-lab serve` in a subprocess); Chromium opens each
lesson page in a fresh context (a fresh sandbox), types every step's solution into the xterm console
(keystrokes for interactive commands: `exit` + Enter, Ctrl-P Ctrl-Q), and waits for the step to show
`data-done="true"`. Time is real: a `docker stop` takes its grace period, a restart policy its
back-off, so each wait has a deadline of its own (STEP_DEADLINE) instead of a fixed pause. The
sandboxes' containers are removed when the server has stopped.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from webapp.devserver import AppServer
from webapp.lessons import LESSONS_DIR, Catalog, load_lessons
from webapp.store import Store

from ..browser.conftest import (
    VENDOR_CHECK,
    Lab,
    PageProblems,
    PlaywrightError,
)
from .conftest import remove_sessions

pytestmark = [pytest.mark.docker, pytest.mark.browser]

CATALOG = Catalog(load_lessons(LESSONS_DIR))
STEP_DEADLINE = 30_000  # ms for one command to return, or a step to show done after its solution


@pytest.fixture(scope="module")
def docker_server(daemon, chromium: str,
                  tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on the real daemon, on a free port; yields its base URL."""
    if not VENDOR_CHECK.is_file():
        pytest.fail("node_modules is missing: run `npm ci` (make setup does)", pytrace=False)
    server = AppServer(folder=tmp_path_factory.mktemp("lab-docker-instance"), timeout=60,
                       env={"LAB_ENGINE": "docker", "LAB_RATE": "50"})
    try:
        yield server.url
    finally:
        server.stop(timeout=30)
        # a server that stops keeps its sandboxes' containers for its next start: remove them
        store = Store(server.folder / "lab.db")
        try:
            remove_sessions(daemon, set(store.ids()))
        finally:
            store.close()


@pytest.mark.parametrize("lesson_id", [lesson.id for lesson in CATALOG])
def test_a_learner_does_every_lesson_on_a_real_daemon(docker_server, browser,
                                                       lesson_id: str) -> None:
    lesson = CATALOG.get(lesson_id)
    assert lesson is not None and lesson.steps
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    try:
        page = context.new_page()
        problems = PageProblems(page)
        lab = Lab(page, problems, docker_server)
        for attempt in range(3):
            try:
                page.goto(f"{docker_server}/lessons/{lesson_id}")
                lab.wait_ready()
                break
            except PlaywrightError:  # ERR_NETWORK_CHANGED while containers start: reload
                if attempt == 2:
                    raise
        lab.do_lesson(lesson, deadline=STEP_DEADLINE)
        assert not problems.errors, f"JavaScript errors: {problems.errors}"
    finally:
        context.close()
