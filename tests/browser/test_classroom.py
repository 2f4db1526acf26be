"""A class in Chromium: an instructor and learners, each in a browser context of their own.

On the session's app server (one process), and on two processes sharing a real redis-server (the
instructor on one, a learner on the other; skipped without redis-server unless REQUIRE_REDIS=1).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from tests.classroom_helpers import RedisServer, app_server

from .conftest import Lab, PageProblems, PlaywrightError

pytestmark = pytest.mark.browser

T = Lab.TIMEOUT


class Person(Lab):
    """A Lab that keeps its page's browser log, to tell a network change under Chromium (it aborts
    requests with net::ERR_NETWORK_CHANGED when the machine's network interfaces change, as when
    containers start in CI: no fault of the page) from a page that is really stuck."""

    def __init__(self, page, problems: PageProblems, base: str):
        super().__init__(page, problems, base)
        self.log: list[str] = []
        page.on("console", lambda m: self.log.append(f"{m.type}: {m.text}"))
        page.on("requestfailed", lambda r: self.log.append(f"request failed: {r.url} {r.failure}"))

    def network_changed(self) -> bool:
        """Whether the network changed since the log was last cleared; clears it for the retry,
        and forgets the errors the aborted loads caused."""
        if not any("ERR_NETWORK_CHANGED" in x for x in self.log):
            return False
        self.log.clear()
        self.problems.errors.clear()
        return True

    def wait_for_or_reload(self, selector: str) -> None:
        """Wait for `selector`; reload once if the network changed meanwhile."""
        self.log.clear()
        try:
            self.page.wait_for_selector(selector, timeout=T)
        except PlaywrightError:
            if not self.network_changed():
                raise
            self.page.reload()
            self.page.wait_for_selector(selector, timeout=T)


@contextmanager
def person(browser, url: str, ready: str, *, press: str | None = None) -> Iterator[Person]:
    """A browser context on `url` (then `press`ing that button, if given), ready once `ready`
    shows; no JS errors, dialogs or CSP breaks."""
    context = browser.new_context(viewport={"width": 1440, "height": 1000})
    page = context.new_page()
    problems = PageProblems(page)
    lab = Person(page, problems, "/".join(url.split("/", 3)[:3]))
    try:
        for attempt in range(3):
            page.goto(url)
            try:
                if press is not None and page.locator(press).count():  # (a retry may already
                    page.click(press, timeout=T)  # be past the form: /teach then shows the class)
                page.wait_for_selector(ready, timeout=T)
                break
            except PlaywrightError:
                if attempt < 2 and lab.network_changed():
                    continue  # reload
                status = page.locator("#class-status").all_inner_texts()
                raise AssertionError(f"{url} did not become ready (status {status}); browser log:\n"
                                     + "\n".join(x for x in lab.log if "inline style" not in x)) from None
        yield lab
        assert not problems.errors, f"JavaScript errors: {problems.errors}"
        assert not problems.dialogs, f"dialogs opened: {problems.dialogs}"
        assert not problems.script_violations(), f"CSP violations: {problems.script_violations()}"
    finally:
        context.close()


TEACH_READY = '#class-status[data-state="live"]'
START = '#teach-start button[type="submit"]'  # /teach shows a form: a class starts on its POST
FOLLOW_READY = '#instructor-status[data-state="idle"]'


def test_a_class_end_to_end(browser, server):
    with person(browser, f"{server}/teach", TEACH_READY, press=START) as teacher:
        teacher.wait_ready()
        join_url = teacher.page.get_attribute("[data-join-url]", "data-join-url")
        assert join_url.startswith(server) and "/join/" in join_url
        assert teacher.page.locator(".class-qr svg path").count() >= 1  # the QR code
        teacher.run("docker run -d --name web nginx")

        # A learner joins through the nickname form and sees the instructor's state at once.
        with person(browser, join_url, "#join-name") as ada:
            page = ada.page
            page.fill("#join-name", "ada")
            page.click(".join-form button[type=submit]")
            ada.wait_for_or_reload(FOLLOW_READY)
            ada.wait_ready()
            page.wait_for_selector('#instructor-graph [data-container="web"][data-state="running"]',
                                   timeout=T)
            assert page.locator('#instructor-graph [data-state="paused"]').count() >= 1  # nodes
            assert page.locator("#instructor-graph [data-edge][data-from][data-to]").count() > 5

            # The instructor's commands move the instructor graph and print in the mirror.
            teacher.run("docker pause web")
            page.wait_for_selector('#instructor-graph [data-container="web"][data-state="paused"]',
                                   timeout=T)
            page.wait_for_function(
                "() => document.querySelector('#instructor-console .xterm-rows')"
                ".textContent.includes('docker pause web')", timeout=T)

            # The learner's own work stays theirs, and reaches the dashboard.
            ada.run("docker run -d --name mine nginx")
            ada.token("mine", "running")
            assert page.locator('#lifecycle-graph [data-container="web"]').count() == 0
            assert page.locator('#instructor-graph [data-container="mine"]').count() == 0
            row = '[data-learner="ada"]'
            teacher.page.wait_for_selector(
                f'{row}[data-connected="true"] .state-chip[data-state="running"][data-count="1"]',
                timeout=T)
            teacher.page.wait_for_selector('[data-heat-state="running"][data-count="1"]', timeout=T)
            assert teacher.page.locator('[data-container="mine"]').count() == 0

            # Errors show on the dashboard.
            ada.run("docker start nothing")
            teacher.page.wait_for_selector(f'{row} .learner-error', timeout=T)

            # The instructor sends everyone to a lesson step.
            teacher.page.select_option("#goto-lesson", "lifecycle")
            teacher.page.select_option("#goto-step", "create")
            teacher.page.click("#goto-send")
            page.wait_for_selector('#class-lesson [data-step="create"][data-focus="true"]', timeout=T)
            teacher.page.wait_for_selector(f'{row}[data-lesson="lifecycle"]', timeout=T)

            # Working alone, then following again, is reported.
            page.click('[data-view-button="own"]')
            page.wait_for_selector('main[data-view="own"]')
            assert not page.is_visible("#instructor-pane")
            teacher.page.wait_for_selector(f'{row}[data-following="false"]', timeout=T)
            page.click('[data-view-button="both"]')
            teacher.page.wait_for_selector(f'{row}[data-following="true"]', timeout=T)

            # A late joiner (name in the link) sees the instructor's paused container at once.
            with person(browser, f"{join_url}?name=bob", FOLLOW_READY) as bob:
                bob.page.wait_for_selector(
                    '#instructor-graph [data-container="web"][data-state="paused"]', timeout=T)
                bob.page.wait_for_selector('#class-lesson [data-step="create"][data-focus="true"]',
                                           timeout=T)
                teacher.page.wait_for_selector('[data-learner="bob"]', timeout=T)

            # Presenter mode: large type and high contrast, without the dashboard.
            teacher.page.click("#presenter-toggle")
            teacher.page.wait_for_selector("body.presenter")
            assert not teacher.page.is_visible("#dashboard")
            assert teacher.page.is_visible("#console") and teacher.page.is_visible("#lifecycle-graph")
            size = teacher.page.evaluate(
                "() => parseFloat(getComputedStyle(document.querySelector('.class-code')).fontSize)")
            assert size >= 48
            teacher.page.click("#presenter-toggle")
            teacher.page.wait_for_selector("body:not(.presenter)")

            # Reset every sandbox, then end the class.
            teacher.page.click("#reset-all")
            teacher.page.click("#reset-all")
            page.wait_for_function(
                "() => !document.querySelector('#lifecycle-graph [data-container=\"mine\"]')",
                timeout=T)
            teacher.page.click("#end-class")
            teacher.page.click("#end-class")
            page.wait_for_selector('#class-status[data-state="ended"]', timeout=T)
            teacher.page.wait_for_selector('#class-status[data-state="ended"]', timeout=T)


def test_a_stranger_cannot_open_the_instructor_view(browser, server):
    with person(browser, f"{server}/teach", TEACH_READY, press=START) as teacher:
        url = teacher.page.url
        context = browser.new_context()
        try:
            page = context.new_page()
            response = page.goto(url)
            assert response.status == 403
            assert page.locator("#dashboard").count() == 0
        finally:
            context.close()


@pytest.fixture(scope="module")
def two_hosts(chromium, tmp_path_factory) -> Iterator[list[str]]:
    """Two processes sharing one database (a SQLite file: one machine) and Redis."""
    shared = str(tmp_path_factory.mktemp("shared") / "lab.db")
    with (RedisServer(tmp_path_factory.mktemp("redis")) as redis,
          app_server(tmp_path_factory.mktemp("host-a"), LAB_MESSAGE_QUEUE=redis.url,
                     LAB_DB=shared) as a,
          app_server(tmp_path_factory.mktemp("host-b"), LAB_MESSAGE_QUEUE=redis.url,
                     LAB_DB=shared) as b):
        yield [a.url, b.url]


def test_a_class_across_two_processes(browser, two_hosts):
    a, b = two_hosts
    with person(browser, f"{a}/teach", TEACH_READY, press=START) as teacher:
        teacher.wait_ready()
        code = teacher.page.url.rstrip("/").rsplit("/", 1)[1]
        teacher.run("docker run -d --name web nginx")
        with person(browser, f"{b}/join/{code}?name=ada", FOLLOW_READY) as ada:
            ada.wait_ready()
            ada.page.wait_for_selector('#instructor-graph [data-container="web"][data-state="running"]',
                                       timeout=T)
            teacher.run("docker stop -t 0 web")
            ada.page.wait_for_selector('#instructor-graph [data-container="web"][data-state="exited"]',
                                       timeout=T)
            ada.run("docker run -d --name mine nginx")
            teacher.page.wait_for_selector(
                '[data-learner="ada"][data-connected="true"] .state-chip[data-state="running"]',
                timeout=T)
            assert teacher.page.locator('#lifecycle-graph [data-container="mine"]').count() == 0
