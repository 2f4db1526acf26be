"""Screen-reader mode in Chromium: what the page's live regions say, recorded as it happens.

A MutationObserver, installed before the page's own scripts, writes down every text that appears
in a live region (aria-live other than "off", or role log/status/alert, not aria-hidden): that is
what a screen reader reads out. With screen-reader mode on, typing a line says nothing (xterm's own
live region read each redraw of the line: "$ d$ do$ doc…"); Enter says the line once, then its
output once, and the narration says each transition once.

At 1280x720, 1440x900 and a phone size; the measurements are printed (pytest -s) and a screenshot
of each size goes to artifacts/screenshots/sr-*.png.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest

from .conftest import Lab, PageProblems

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
SIZES = [(1280, 720), (1440, 900), (390, 844)]
T = Lab.TIMEOUT

# Every text a live region receives, in order: {region, text}.
RECORDER = """
(() => {
  window.__said = [];
  const region = (node) => {
    const el = node && (node.nodeType === 1 ? node : node.parentElement);
    const r = el && el.closest('[aria-live], [role="log"], [role="status"], [role="alert"]');
    if (!r || r.getAttribute('aria-live') === 'off' || r.closest('[aria-hidden="true"]')) return null;
    return r;
  };
  // An atomic region (role status or alert unless aria-atomic="false") is read whole at a change.
  const atomic = (r) => {
    const a = r.getAttribute('aria-atomic');
    return a ? a === 'true' : ['status', 'alert'].includes(r.getAttribute('role'));
  };
  const name = (r) => r.id || String(r.className) || r.tagName;
  new MutationObserver((mutations) => {
    const whole = new Set();
    for (const m of mutations) {
      const nodes = m.type === 'characterData' ? [m.target] : [...m.addedNodes];
      for (const n of nodes) {
        const r = region(n.nodeType === 1 ? n : (m.type === 'characterData' ? n : m.target));
        if (!r || !n.textContent) continue;
        if (atomic(r)) whole.add(r);
        else window.__said.push({ region: name(r), text: n.textContent });
      }
    }
    for (const r of whole) if (r.textContent) window.__said.push({ region: name(r), text: r.textContent });
  }).observe(document, { subtree: true, childList: true, characterData: true });
})();
"""


def said(page, since: int = 0) -> list[dict[str, str]]:
    return page.evaluate("n => window.__said.slice(n)", since)


def wait_said(page, region: str, pattern: str, since: int) -> None:
    """Wait until `region` has said something matching `pattern` (a JS regular expression)."""
    page.wait_for_function(
        """([region, pattern, since]) => window.__said.slice(since)
             .some((s) => s.region === region && new RegExp(pattern).test(s.text))""",
        arg=[region, pattern, since],
        timeout=T,
    )


@pytest.fixture()
def reader_page(browser, server, request) -> Iterator[Lab]:
    width, height = request.param
    context = browser.new_context(viewport={"width": width, "height": height})
    context.add_init_script(RECORDER)
    page = context.new_page()
    problems = PageProblems(page)
    try:
        page.goto(f"{server}/sandbox")
        lab = Lab(page, problems, server)
        lab.wait_ready()
        yield lab
        assert not problems.errors, f"JavaScript errors: {problems.errors}"
        assert not problems.script_violations(), f"CSP violations: {problems.script_violations()}"
    finally:
        context.close()


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


@pytest.mark.parametrize("reader_page", SIZES, ids=size_id, indirect=True)
def test_the_line_its_output_and_each_transition_are_said_once(reader_page: Lab):
    lab = reader_page
    page = lab.page
    size = size_id((page.viewport_size["width"], page.viewport_size["height"]))
    page.click("#sr-toggle")
    page.wait_for_selector('#sr-toggle[aria-pressed="true"]', timeout=T)
    # xterm's accessibility tree is there (its rows can be read back) and its live region is mute.
    assert page.locator("#console .xterm-accessibility-tree").count() == 1
    assert page.get_attribute("#console .xterm-accessibility .live-region", "aria-live") == "off"

    line = "docker run -d --name web nginx"
    start = len(said(page))
    lab.type(line)
    page.wait_for_function(
        "line => document.querySelector('#console').dataset.line === line", arg=line, timeout=T
    )
    while_typing = said(page, start)
    print(f"sr {size}: typed {len(line)} keys -> {len(while_typing)} announcements")
    assert while_typing == [], f"typing was read out: {while_typing}"

    page.keyboard.press("Enter")
    lab.wait_idle()
    lab.token("web", "running")
    lab.wait_narration("web: Image → Running")
    wait_said(page, "console-announce", r"^Output: [0-9a-f]{64}$", start)

    # A second command, so that the first one's words are all in before we count them.
    stop_from = len(said(page))
    lab.run("docker stop web")
    lab.token("web", "exited")
    lab.wait_narration("web: Running → Exited")
    wait_said(page, "console-announce", r"^Output: web$", stop_from)
    lab.run("docker unpause web")  # refused: its exit code is said with its output
    wait_said(page, "console-announce", r"Exit code 1\.$", stop_from)

    everything = said(page, start)
    console = [s["text"] for s in everything if s["region"] == "console-announce"]
    narration = [s["text"] for s in everything if s["region"] == "narration"]
    container_id = re.fullmatch(r"Output: ([0-9a-f]{64})", console[1]).group(1)
    line_count = sum(line in s["text"] for s in everything)
    # (the refusal later names the container by its id too: count the first command's words)
    id_count = sum(container_id in s["text"] for s in everything[: stop_from - start])
    moves = Counter(narration)
    print(f"sr {size}: line said {line_count}x, its output said {id_count}x "
          f"({len(console)} console announcements: {console})")
    print(f"sr {size}: narration {dict(moves)}")

    assert console[0] == f"Command: {line}"
    assert console[2:4] == ["Command: docker stop web", "Output: web"]
    assert console[4] == "Command: docker unpause web"
    assert re.fullmatch(r"Output: .*is not paused\. Exit code 1\.", console[5]), console[5]
    assert len(console) == 6, console
    assert line_count == 1 and id_count == 1
    assert not [s for s in everything if "$ " in s["text"]], "a prompt redraw was read out"
    for sentence in ("web: Image → Running (docker run)", "web: Running → Exited (docker stop)"):
        assert moves[sentence] == 1, f"{sentence!r} said {moves[sentence]} times"
    assert max(moves.values()) == 1, f"a transition said twice: {moves}"
    # What was said is in the terminal too: xterm's accessibility tree reads the rows back.
    # (its rows are refreshed a moment after the terminal's: wait for the last output; a long
    # line wraps over rows, so the rows are read joined)
    rows_js = "document.querySelector('#console .xterm-accessibility-tree').innerText.replace(/\\n/g, '')"
    page.wait_for_function(f"() => {rows_js}.includes('is not paused')", timeout=T)
    rows = page.evaluate(f"() => {rows_js}")
    assert line in rows and container_id in rows
    # The accessibility tree Chromium exposes: our log region, named, holding the last words.
    tree = page.locator("#console-announce").aria_snapshot()
    print(f"sr {size}: aria snapshot of #console-announce:\n{tree}")
    assert "log" in tree and "Exit code 1." in tree

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"sr-{size}.png"))


@pytest.mark.parametrize("reader_page", [(1280, 720)], ids=size_id, indirect=True)
def test_off_by_default_then_remembered(reader_page: Lab):
    lab = reader_page
    page = lab.page
    assert page.get_attribute("#sr-toggle", "aria-pressed") == "false"
    start = len(said(page))
    lab.run("docker ps -q")
    lab.run("docker run -d --name quiet nginx")
    lab.wait_narration("quiet: Image → Running")
    spoken = [s for s in said(page, start) if s["region"] in ("console-announce", "live-region")]
    assert spoken == [], f"the console spoke with screen-reader mode off: {spoken}"

    page.click("#sr-toggle")
    page.wait_for_selector('#sr-toggle[aria-pressed="true"]', timeout=T)
    page.reload()
    lab.wait_ready()
    assert page.get_attribute("#sr-toggle", "aria-pressed") == "true"
    start = len(said(page))
    lab.run("help")
    wait_said(page, "console-announce", r"^Output: ", start)
    console = [s["text"] for s in said(page, start) if s["region"] == "console-announce"]
    print(f"sr remembered after reload: {len(console)} announcements for `help`")
    assert console[0] == "Command: help" and len(console) == 2


@pytest.mark.parametrize("reader_page", [(1440, 900)], ids=size_id, indirect=True)
def test_in_an_attached_container_its_output_is_said_not_the_echo_of_the_keys(reader_page: Lab):
    """Typed into a container's terminal, the keys come back as its echo: the screen reader said
    each key as it was typed, so only what the container prints is said (once)."""
    lab = reader_page
    page = lab.page
    page.click("#sr-toggle")
    page.wait_for_selector('#sr-toggle[aria-pressed="true"]', timeout=T)
    start = len(said(page))
    lab.run("docker run -it --name d1 ubuntu:20.04", wait=False)
    page.wait_for_selector('#console-status[data-state="attached"]', timeout=T)
    wait_said(page, "console-announce", r"^Output: root@[0-9a-f]+:/#$", start)
    page.keyboard.type("echo hello")
    page.keyboard.press("Enter")
    wait_said(page, "console-announce", r"^Output: hello(\n|$)", start)
    page.keyboard.type("exit")
    page.keyboard.press("Enter")
    lab.wait_idle()
    lab.token("d1", "exited")
    wait_said(page, "console-announce", r"^Output: exit$", start)
    console = [s["text"] for s in said(page, start) if s["region"] == "console-announce"]
    print(f"sr attached: {len(console)} console announcements: {console}")
    assert console[0] == "Command: docker run -it --name d1 ubuntu:20.04"
    assert not [c for c in console if "echo" in c], "the echo of the typed keys was said"
    assert sum(c.count("hello") for c in console) == 1


@pytest.mark.parametrize("reader_page", [(1280, 720)], ids=size_id, indirect=True)
def test_on_a_lesson_page_each_sentence_is_said_once(reader_page: Lab):
    """Lesson 1's first step with screen-reader mode on: the "Type it" block puts the command on the
    line (said once by the lesson, the line itself not read), Enter says it once, then the step's
    "done" and the next step's title, once each, in that order."""
    from webapp.lessons import LESSONS_DIR, load_lesson
    from webapp.lessons.markdown import plain_text

    lesson = load_lesson(LESSONS_DIR / "why-exit")
    step, following = lesson.steps[0], lesson.steps[1]
    line = step.solution[0].line
    lab = reader_page
    page = lab.page
    page.goto(f"{lab.base}/lessons/{lesson.id}")
    lab.wait_ready()
    if page.get_attribute("#sr-toggle", "aria-pressed") != "true":
        page.click("#sr-toggle")
    page.wait_for_selector('#sr-toggle[aria-pressed="true"]', timeout=T)
    start = len(said(page))
    page.locator(f'.step[data-step="{step.id}"] .step-body .run-command[data-command="{line}"]').first.click()
    page.wait_for_function(
        "line => document.querySelector('#console').dataset.line === line", arg=line, timeout=T
    )
    page.keyboard.press("Enter")
    lab.wait_idle()
    page.wait_for_selector(f'.step[data-step="{step.id}"][data-done="true"]', timeout=T)
    wait_said(page, "lesson-announce", r"^Next step: ", start)
    wait_said(page, "narration", r"→ Exited", start)  # ubuntu's bash exits at once, without a terminal
    everything = said(page, start)
    lesson_said = [s["text"] for s in everything if s["region"] == "lesson-announce"]
    console = [s["text"] for s in everything if s["region"] == "console-announce"]
    print(f"sr lesson 1280x720: lesson said {lesson_said}; console said {console}; narration "
          f"{[s['text'] for s in everything if s['region'] == 'narration']}")
    assert lesson_said[0] == "On the console line: press Enter to run it."
    assert [x.split(":")[0] for x in lesson_said[1:]] == ["Step done", "Next step"], lesson_said
    assert plain_text(lesson.t("en").steps[following.id].title) in lesson_said[2]
    assert console[0] == f"Command: {line}"
    assert sum(line in s["text"] for s in everything) == 1
    assert not [s for s in everything if "$ " in s["text"]], "a prompt redraw was read out"
    texts = Counter(s["text"] for s in everything if s["region"] in ("narration", "lesson-announce"))
    assert max(texts.values()) == 1, f"said twice: {texts}"


@pytest.mark.parametrize("reader_page", [(1440, 900)], ids=size_id, indirect=True)
def test_an_arrow_clicked_says_the_command_it_put_on_the_line(reader_page: Lab):
    lab = reader_page
    page = lab.page
    page.click("#sr-toggle")
    page.wait_for_selector('#sr-toggle[aria-pressed="true"]', timeout=T)
    lab.run("docker run -d --name web nginx")
    lab.token("web", "running")
    start = len(said(page))
    page.click('#lifecycle-graph [data-edge="stop"][data-from="running"] .edge-label')
    page.wait_for_function(
        "() => document.querySelector('#console').dataset.line === 'docker stop web'", timeout=T
    )
    wait_said(page, "console-announce", "^On the console line: docker stop web", start)
    spoken = said(page, start)
    print(f"sr arrow click: {spoken}")
    assert [s["text"] for s in spoken if "docker stop web" in s["text"]] == [
        "On the console line: docker stop web — press Enter to run it, or type to replace it."
    ]
