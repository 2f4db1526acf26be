"""Browser tests: Playwright for Python driving Debian's Chromium against the real app.

The app runs in a subprocess (`lifecycle-lab serve` on a free port, its own instance folder and
database), so these tests see exactly what a learner sees: templates, static files, the front-end
packages from node_modules, the Socket.IO namespace and the simulator. Each test gets a fresh
browser context, hence a fresh cookie and a fresh sandbox.

Without Chromium (or Playwright) the tests skip, unless REQUIRE_BROWSER=1 makes that a failure.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

from webapp.devserver import AppServer
from webapp.lessons.model import Entry, Lesson

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
VENDOR_CHECK = ROOT / "node_modules" / "@xterm" / "xterm" / "lib" / "xterm.mjs"

try:  # the `chromium` fixture (tests/conftest.py) turns a missing Playwright into a skip or failure
    from playwright.sync_api import Browser, Page
    from playwright.sync_api import Error as PlaywrightError
except ImportError:  # pragma: no cover - depends on the environment
    Browser = Page = object  # type: ignore[assignment,misc]
    PlaywrightError = Exception  # type: ignore[assignment,misc]


@pytest.fixture(scope="session")
def server(chromium: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The real app on a free port; yields its base URL."""
    if not VENDOR_CHECK.is_file():
        pytest.fail(
            "node_modules is missing: run `npm ci` in the repository (make setup does)",
            pytrace=False,
        )
    env = {"LAB_ENGINE": "sim", "LAB_RATE": "50"}
    with AppServer(folder=tmp_path_factory.mktemp("lab-instance"), env=env) as app:
        yield app.url


class PageProblems:
    """JavaScript errors, dialogs (an XSS would open one) and CSP violations seen by a page."""

    def __init__(self, page: Page):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        self.csp: list[str] = []
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("dialog", self._dialog)
        page.on("console", self._console)

    def _dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    def _console(self, msg) -> None:
        text = msg.text
        if "Content Security Policy" in text:
            self.csp.append(text)
        elif (
            msg.type == "error"
            and "Failed to load resource" not in text
            and "ERR_NETWORK_CHANGED" not in text
        ):
            self.errors.append(text)

    def script_violations(self) -> list[str]:
        """CSP violations other than xterm.js writing its theme into <style> elements (restored
        by our constructed stylesheet, see static/js/xterm-csp.js)."""
        return [t for t in self.csp if not re.search(r"inline style|style-src", t)]


@pytest.fixture()
def lab(browser: Browser, server: str) -> Iterator[Lab]:
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    problems = PageProblems(page)
    console_log: list[str] = []
    page.on("console", lambda m: console_log.append(f"{m.type}: {m.text}"))
    page.on("requestfailed", lambda r: console_log.append(f"request failed: {r.url} {r.failure}"))
    helper = Lab(page, problems, server)
    for attempt in range(3):
        page.goto(f"{server}/sandbox")
        try:
            helper.wait_ready()
            break
        except PlaywrightError:
            # Chromium aborts requests with net::ERR_NETWORK_CHANGED when the machine's network
            # interfaces change (containers starting, in CI); that is no fault of the page: reload.
            if attempt < 2 and any("ERR_NETWORK_CHANGED" in x for x in console_log):
                console_log.clear()
                problems.errors.clear()
                continue
            context.close()
            raise AssertionError(
                "the sandbox page did not become ready; browser log:\n"
                + "\n".join(x for x in console_log if "inline style" not in x)
            ) from None
    try:
        yield helper
        assert not problems.errors, f"JavaScript errors: {problems.errors}"
        assert not problems.dialogs, f"dialogs opened: {problems.dialogs}"
        assert not problems.script_violations(), f"CSP violations: {problems.script_violations()}"
    finally:
        context.close()


class Lab:
    """Drives the sandbox page the way a learner does: keyboard into the console, clicks."""

    TIMEOUT = 15_000

    def __init__(self, page: Page, problems: PageProblems, base: str):
        self.page = page
        self.problems = problems
        self.base = base

    def wait_ready(self) -> None:
        self.page.wait_for_selector('#lifecycle-graph [data-state="running"]', timeout=self.TIMEOUT)
        self.page.wait_for_selector('#console-status[data-state="idle"]', timeout=self.TIMEOUT)
        self.page.wait_for_selector('#console[data-busy="false"]', timeout=self.TIMEOUT)

    def focus_console(self) -> None:
        self.page.click("#console")

    def type(self, text: str) -> None:
        self.focus_console()
        self.page.keyboard.type(text)

    def run(self, line: str, *, wait: bool = True) -> None:
        """Type a line and press Enter; by default wait until the command has returned."""
        self.type(line)
        self.page.keyboard.press("Enter")
        if wait:
            self.wait_idle()

    def wait_idle(self) -> None:
        self.page.wait_for_selector('#console[data-busy="false"]', timeout=self.TIMEOUT)

    def wait_busy(self) -> None:
        self.page.wait_for_selector('#console[data-busy="true"]', timeout=self.TIMEOUT)

    def token(self, name: str, state: str | None = None, *, timeout: int | None = None):
        sel = f'#lifecycle-graph [data-container="{name}"]'
        if state:
            sel += f'[data-state="{state}"]'
        return self.page.wait_for_selector(sel, timeout=timeout or self.TIMEOUT)

    def event(self, action: str, container: str | None = None):
        sel = f'#event-log li[data-action="{action}"]'
        if container is not None:
            sel += f'[data-container="{container}"]'
        return self.page.wait_for_selector(sel, timeout=self.TIMEOUT)

    def line(self) -> str:
        return self.page.get_attribute("#console", "data-line") or ""

    def screen_text(self) -> str:
        return self.page.inner_text("#console .xterm-rows")

    def wait_narration(self, text: str) -> None:
        """Wait until the narration (the aria-live region) has said `text`."""
        self.page.wait_for_function(
            "t => document.querySelector('#narration').textContent.includes(t)",
            arg=text,
            timeout=self.TIMEOUT,
        )

    def wait_screen(self, text: str) -> None:
        """Wait until the terminal shows `text` (xterm paints on the next animation frame)."""
        self.page.wait_for_function(
            "t => document.querySelector('#console .xterm-rows').textContent.includes(t)",
            arg=text,
            timeout=self.TIMEOUT,
        )

    def press(self, keys: str) -> None:
        """Keystrokes as a learner presses them: Enter for CR, Ctrl+letter for control characters."""
        for ch in keys:
            if ch in "\r\n":
                self.page.keyboard.press("Enter")
            elif ord(ch) < 32:
                self.page.keyboard.press(f"Control+{chr(ord(ch) + 96)}")
            else:
                self.page.keyboard.type(ch)

    def play(self, entry: Entry, *, last: bool, deadline: int) -> None:
        """One solution entry typed into the console; returns once the console is idle again.

        A wait (`sleep:`) is waited out unless it is the step's last entry: then the step's own
        deadline (the caller's wait for `data-done`) covers it.
        """
        if entry.file is not None:
            self.edit_file(entry.file, entry.text, deadline=deadline)
            return
        if entry.line is None:
            if not last:
                self.page.wait_for_timeout((entry.sleep or 0) * 1000)
            return
        self.type(entry.line)
        self.page.wait_for_function(
            "line => document.querySelector('#console').dataset.line === line",
            arg=entry.line,
            timeout=deadline,
        )
        self.page.keyboard.press("Enter")
        if entry.input:
            self.wait_busy()
            for keys in entry.input:
                self.press(keys)
        try:
            self.page.wait_for_selector('#console[data-busy="false"]', timeout=deadline)
        except PlaywrightError:
            raise AssertionError(
                f"`{entry.line}` still running after {deadline} ms; the console shows:\n"
                f"{self.screen_text()[-2000:]}"
            ) from None

    def edit_file(self, name: str, text: str, *, deadline: int) -> None:
        """A solution's file entry: the file's tab in the page's editor, its whole text replaced
        (inserted, so the editor's auto-indent does not touch it), then saved to the server."""
        if self.page.query_selector("#workspace") is None:
            pytest.skip(f"{name}: this page has no editor to type a file into")
        self.page.click(f'#workspace .file-tab[data-file="{name}"]')
        self.page.click("#editor .cm-content")
        self.page.keyboard.press("Control+A")
        self.page.keyboard.insert_text(text)
        self.page.wait_for_selector('#workspace[data-saved="true"]', timeout=deadline)

    def do_lesson(self, lesson: Lesson, *, deadline: int) -> None:
        """Every step of the open lesson page, by typing its solution; each must tick in turn."""
        for step in lesson.steps:
            done = (
                '.challenge[data-done="true"]'
                if lesson.kind == "challenge"
                else f'.step[data-step="{step.id}"][data-done="true"]'
            )
            assert self.page.get_attribute(done.replace('[data-done="true"]', ""), "data-done") == (
                "false"
            ), f"{lesson.id}/{step.id} done before its solution"
            for i, entry in enumerate(step.solution):
                self.play(entry, last=i == len(step.solution) - 1, deadline=deadline)
            try:
                self.page.wait_for_selector(done, timeout=deadline)
            except PlaywrightError:
                raise AssertionError(
                    f"{lesson.id}/{step.id} not done after its solution; the console shows:\n"
                    f"{self.screen_text()[-2000:]}"
                ) from None
