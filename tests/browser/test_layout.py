"""The lab's layout at a laptop's sizes and a phone's, measured in Chromium.

Each test prints what it measured (run with `pytest -s` to read them), e.g.
`layout 1440x900 /sandbox: console 102 cols x 37 rows`, and saves a screenshot of what it saw in
artifacts/screenshots/layout-*.png. The targets (issue 17): the console at least 100 columns on
/sandbox and 80 on a lesson page at 1440x900; the lesson text at least 400 px high at 1280x720;
nothing cut off at 1280x720 (the work area in the window, the step buttons, the console's key
hints, no command slid under its "Type it" button); phones stack the panels; the separators drag,
move with the keyboard, refit the console and are remembered across a reload.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import pairwise

import pytest

from .conftest import ROOT, Lab, PageProblems
from .test_lessons_page import CATALOG

ARTIFACTS = ROOT / "artifacts" / "screenshots"
TIMEOUT = 15_000
LAPTOP = (1440, 900)
SMALL_LAPTOP = (1280, 720)
PHONE = (390, 844)
LESSON = "/lessons/why-exit"

# The geometry of an element, and whether what is drawn at its centre is the element itself (or
# inside it): a button covered by a sticky bar or another panel fails that.
MEASURE = """sel => [...document.querySelectorAll(sel)].filter(e => e.getClientRects().length).map(e => {
  const r = e.getBoundingClientRect();
  const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return { text: (e.textContent || e.getAttribute('aria-label') || '').trim().slice(0, 40),
           left: r.left, top: r.top, right: r.right, bottom: r.bottom, width: r.width,
           height: r.height, on_top: Boolean(hit && (hit === e || e.contains(hit))) };
})"""


class Window:
    """One browser window (context) of a given size on one of the lab's pages."""

    def __init__(self, browser, server: str, size: tuple[int, int]):
        self.size = size
        self.server = server
        self.context = browser.new_context(viewport={"width": size[0], "height": size[1]})
        self.page = self.context.new_page()
        self.problems = PageProblems(self.page)

    @property
    def label(self) -> str:
        return f"{self.size[0]}x{self.size[1]}"

    def open(self, path: str) -> None:
        self.path = path
        self.page.goto(f"{self.server}{path}")
        self.ready()

    def ready(self) -> None:
        self.page.wait_for_selector('#console-status[data-state="idle"]', timeout=TIMEOUT)
        self.page.wait_for_selector("#console[data-cols]", timeout=TIMEOUT)

    def cols(self) -> int:
        return int(self.page.get_attribute("#console", "data-cols") or 0)

    def rows(self) -> int:
        return int(self.page.get_attribute("#console", "data-rows") or 0)

    def box(self, sel: str) -> dict:
        found = self.page.evaluate(MEASURE, sel)
        assert found, f"{sel} not shown at {self.label} on {self.path}"
        return found[0]

    def boxes(self, sel: str) -> list[dict]:
        return self.page.evaluate(MEASURE, sel)


    def shot(self, name: str) -> None:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.mouse.move(0, 0)
        self.page.screenshot(path=str(ARTIFACTS / f"layout-{name}-{self.label}.png"))

    def say(self, what: str) -> None:
        print(f"layout {self.label} {self.path}: {what}")

    def close(self) -> None:
        try:
            assert not self.problems.errors, f"JavaScript errors: {self.problems.errors}"
            assert not self.problems.script_violations(), self.problems.script_violations()
        finally:
            self.context.close()


@pytest.fixture()
def window(browser, server) -> Iterator:
    opened: list[Window] = []

    def make(size: tuple[int, int]) -> Window:
        w = Window(browser, server, size)
        opened.append(w)
        return w

    yield make
    for w in opened:
        w.close()


def inside(inner: dict, outer: dict, slack: float = 0.5) -> bool:
    return (
        inner["left"] >= outer["left"] - slack
        and inner["top"] >= outer["top"] - slack
        and inner["right"] <= outer["right"] + slack
        and inner["bottom"] <= outer["bottom"] + slack
    )


def assert_unclipped(w: Window, sel: str, within: dict, what: str) -> int:
    """Every element of `sel` shown lies wholly inside `within` and is not covered."""
    found = w.boxes(sel)
    assert found, f"no {sel} shown"
    for b in found:
        assert inside(b, within), f"{what} {b['text']!r} cut off at {w.label}: {b} not in {within}"
        assert b["on_top"], f"{what} {b['text']!r} covered at {w.label}"
    return len(found)


def viewport(w: Window) -> dict:
    width, height = w.size
    return {"left": 0, "top": 0, "right": width, "bottom": height}


# -- a laptop: the work area fills the window, the console wide, nothing cut off -------------------


@pytest.mark.parametrize("size", [SMALL_LAPTOP, LAPTOP], ids=["1280x720", "1440x900"])
def test_sandbox_on_a_laptop(window, size):
    w = window(size)
    w.open("/sandbox")
    console, graph = w.box(".panel--console"), w.box(".panel--graph")
    w.say(f"console {w.cols()} cols x {w.rows()} rows, {console['width']:.0f}x{console['height']:.0f}"
          f" px; graph panel {graph['width']:.0f}x{graph['height']:.0f} px")
    if size == LAPTOP:
        assert w.cols() >= 100, f"the sandbox's console is {w.cols()} columns at 1440x900"
    assert console["right"] <= graph["left"] and abs(console["top"] - graph["top"]) < 1
    # the work area is in the window, whole: the console's buttons and key hints, the graph's tools
    screen = viewport(w)
    assert inside(console, screen) and inside(graph, screen)
    n = assert_unclipped(w, ".panel--console button, .panel--graph .panel-tools select", screen,
                         "control")
    hints = assert_unclipped(w, ".panel--console .panel-foot kbd", w.box(".panel--console .panel-foot"),
                             "key hint")
    w.say(f"{n} console/graph controls and {hints} key hints whole and uncovered")
    # the graph stays put while the notes under it change (hovering an arrow writes a longer one):
    # a click lands where the pointer went down
    before = w.box("#lifecycle-graph")
    w.page.hover('#lifecycle-graph [data-edge="stop"][data-from="running"] .edge-label')
    w.page.wait_for_function("() => document.querySelector('#graph-info').textContent.includes('stop')")
    after = w.box("#lifecycle-graph")
    assert (after["top"], after["height"]) == (before["top"], before["height"]), "the graph moved"
    # the files sit under the console, beside the events
    files, events = w.box(".panel--workspace"), w.box(".panel--events")
    assert files["top"] >= console["bottom"] and abs(files["left"] - console["left"]) < 1
    assert abs(files["top"] - events["top"]) < 1 and files["right"] <= events["left"]
    w.shot("sandbox")


@pytest.mark.parametrize(
    ("size", "lang"), [(SMALL_LAPTOP, "en"), (LAPTOP, "en"), (SMALL_LAPTOP, "ko")],
    ids=["1280x720", "1440x900", "1280x720-ko"],
)
def test_lesson_on_a_laptop(window, size, lang):
    w = window(size)
    w.open(f"{LESSON}?lang={lang}")
    lesson, console, graph = w.box(".panel--lesson"), w.box(".panel--console"), w.box(".panel--graph")
    w.say(f"console {w.cols()} cols x {w.rows()} rows; lesson panel {lesson['width']:.0f}x"
          f"{lesson['height']:.0f} px; graph panel {graph['width']:.0f}x{graph['height']:.0f} px")
    if size == LAPTOP:
        assert w.cols() >= 80, f"the lesson's console is {w.cols()} columns at 1440x900"
    if size == SMALL_LAPTOP:
        assert lesson["height"] >= 400, f"the lesson text gets {lesson['height']} px at 1280x720"
    assert w.rows() >= 5, "the console keeps a few lines"
    screen = viewport(w)
    for panel in (lesson, console, graph):
        assert inside(panel, screen), f"a panel runs out of the window at {w.label}: {panel}"
    assert lesson["bottom"] <= console["top"] and console["right"] <= graph["left"]
    n = assert_unclipped(w, ".lesson-bar button, .lesson-bar a, .panel--console button", screen,
                         "control")
    hints = assert_unclipped(w, ".panel--console .panel-foot kbd", w.box(".panel--console .panel-foot"),
                             "key hint")
    # The current step's buttons, brought into the lesson's view as a learner scrolls to them: whole,
    # and not under the lesson's sticky bar.
    w.page.eval_on_selector(".step--current .step-tools", "e => e.scrollIntoView({block: 'end'})")
    panel = w.box(".panel--lesson")
    bar = w.box(".lesson-bar")
    room = {**panel, "top": bar["bottom"]}
    steps = assert_unclipped(w, ".step--current .step-tools button", room, "step button")
    w.say(f"{n} lesson/console controls, {steps} step buttons and {hints} key hints whole and "
          "uncovered")
    w.page.eval_on_selector(".panel--lesson", "e => e.scrollTo(0, 0)")
    w.shot("lesson" if lang == "en" else f"lesson-{lang}")


@pytest.mark.parametrize("size", [SMALL_LAPTOP, PHONE], ids=["1280x720", "390x844"])
def test_no_command_slides_under_its_type_it_button(window, size):
    """Every lesson's click-to-run commands (the steps and the solutions opened): each command is
    wholly shown, left of its button, however long."""
    w = window(size)
    checked = 0
    widest = 0
    for lesson in CATALOG:
        w.path = f"/lessons/{lesson.id}"
        w.page.goto(f"{w.server}{w.path}")
        w.page.wait_for_selector(".panel--lesson", timeout=TIMEOUT)
        rows = w.page.evaluate(
            """() => {
              document.querySelectorAll('.step-content[hidden], .step-solution[hidden]')
                .forEach(e => { e.hidden = false; });
              return [...document.querySelectorAll('.runnable-line')]
                .filter(row => row.getClientRects().length).map(row => {
                  const pre = row.querySelector('pre'), button = row.querySelector('.run-command');
                  const p = pre.getBoundingClientRect(), b = button.getBoundingClientRect();
                  return { command: row.dataset.command, scroll: pre.scrollWidth, client: pre.clientWidth,
                           pre_right: p.right, button_left: b.left, button_right: b.right,
                           row_right: row.getBoundingClientRect().right };
                });
            }"""
        )
        for r in rows:
            assert r["scroll"] <= r["client"] + 1, f"{lesson.id}: `{r['command']}` is cut off: {r}"
            assert r["pre_right"] <= r["button_left"] + 0.5, f"{lesson.id}: under its button: {r}"
            assert r["button_right"] <= r["row_right"] + 0.5
            widest = max(widest, len(r["command"]))
        checked += len(rows)
    w.path = "every lesson"
    w.say(f"{checked} click-to-run commands (the longest {widest} characters) whole beside their button")
    assert checked > 0


# -- a phone: the panels stack ---------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/sandbox", LESSON])
def test_a_phone_stacks_the_panels(window, path):
    w = window(PHONE)
    w.open(path)
    order = [".panel--lesson", ".panel--console", ".panel--workspace", ".panel--graph",
             ".panel--events"]
    if path == "/sandbox":
        order.remove(".panel--lesson")
    boxes = [w.box(sel) for sel in order]
    for upper, lower in pairwise(boxes):
        assert lower["top"] >= upper["bottom"], f"{order} do not stack: {upper} / {lower}"
    for b in boxes:
        assert b["left"] >= 0 and b["right"] <= PHONE[0], f"a panel is wider than the phone: {b}"
    assert w.page.evaluate("document.documentElement.scrollWidth") <= PHONE[0], "sideways scroll"
    assert w.boxes(".lab-split") == [], "no separator when the panels stack"
    console = w.box(".panel--console")
    w.page.eval_on_selector(".panel--console", "e => e.scrollIntoView()")
    hints = assert_unclipped(w, ".panel--console .panel-foot kbd", w.box(".panel--console .panel-foot"),
                             "key hint")
    buttons = assert_unclipped(w, ".panel--console .panel-head button", w.box(".panel--console"),
                               "console button")
    w.say(f"console {w.cols()} cols x {w.rows()} rows, {console['width']:.0f}x"
          f"{console['height']:.0f} px; {len(boxes)} panels stacked; {buttons} console buttons and "
          f"{hints} key hints whole")
    w.page.evaluate("window.scrollTo(0, 0)")
    w.shot("sandbox" if path == "/sandbox" else "lesson")


# -- the separators --------------------------------------------------------------------------------


def split_value(w: Window, sel: str) -> float:
    return float(w.page.get_attribute(sel, "aria-valuenow") or "nan")


def drag(w: Window, sel: str, dx: float, dy: float) -> None:
    bar = w.box(sel)
    x, y = bar["left"] + bar["width"] / 2, bar["top"] + bar["height"] / 2
    w.page.mouse.move(x, y)
    w.page.mouse.down()
    w.page.mouse.move(x + dx / 2, y + dy / 2)
    w.page.mouse.move(x + dx, y + dy)
    w.page.mouse.up()


def wait_cols(w: Window, op: str, than: int) -> None:
    w.page.wait_for_function(
        f"n => Number(document.querySelector('#console').dataset.cols) {op} n", arg=than,
        timeout=TIMEOUT)


def test_the_column_separator_drags_refits_the_console_and_is_remembered(window):
    w = window(LAPTOP)
    w.open("/sandbox")
    sel = '.lab-split[data-split="cols"]'
    bar = w.page.locator(sel)
    assert bar.get_attribute("role") == "separator"
    assert bar.get_attribute("aria-orientation") == "vertical"
    assert bar.get_attribute("aria-label") and bar.get_attribute("aria-controls") == "console-panel"
    assert bar.get_attribute("aria-valuetext") == "The console takes 65% of the width"
    start_cols, start_value = w.cols(), split_value(w, sel)
    start_graph = w.box(".panel--graph")["width"]
    start_console = w.box(".panel--console")["width"]

    drag(w, sel, -240, 0)  # the console narrower, the graph wider
    wait_cols(w, "<", start_cols)
    dragged_cols, dragged_value = w.cols(), split_value(w, sel)
    graph = w.box(".panel--graph")["width"]
    assert dragged_value < start_value and graph > start_graph + 200
    w.say(f"drag -240 px: split {start_value:.0f}% -> {dragged_value:.0f}%, console {start_cols} -> "
          f"{dragged_cols} cols, graph panel {start_graph:.0f} -> {graph:.0f} px")

    w.page.reload()
    w.ready()
    assert split_value(w, sel) == dragged_value, "the split is remembered"
    wait_cols(w, "==", dragged_cols)
    w.say(f"after a reload: split {split_value(w, sel):.0f}%, console {w.cols()} cols")

    bar.focus()
    w.page.keyboard.press("ArrowRight")
    w.page.keyboard.press("ArrowRight")
    assert split_value(w, sel) == dragged_value + 4
    wait_cols(w, ">", dragged_cols)
    w.page.keyboard.press("Home")
    assert split_value(w, sel) == float(bar.get_attribute("aria-valuemin"))
    wait_cols(w, "<", dragged_cols)
    # at its narrowest the console's column still shows its tools and the files' tools whole
    for panel in (".panel--console", ".panel--workspace"):
        assert_unclipped(w, f"{panel} .panel-head button, {panel} .status-pill", w.box(panel), "tool")
    w.say(f"keys: ArrowRight x2 -> {dragged_value + 4:.0f}%, Home -> "
          f"{bar.get_attribute('aria-valuemin')}% (console {w.cols()} cols at its narrowest)")
    w.shot("sandbox-dragged")

    bar.dblclick()
    assert split_value(w, sel) == start_value, "a double-click puts the default back"
    # the console's width back to the start; xterm may count one column less when its viewport
    # shows a scrollbar at that moment
    assert w.box(".panel--console")["width"] == start_console
    wait_cols(w, ">=", start_cols - 1)
    w.page.reload()
    w.ready()
    assert split_value(w, sel) == start_value and w.cols() == start_cols


def test_the_lesson_and_console_separator_drags_and_is_remembered(window):
    w = window(SMALL_LAPTOP)
    w.open(LESSON)
    sel = '.lab-split[data-split="rows"]'
    bar = w.page.locator(sel)
    assert bar.get_attribute("role") == "separator"
    assert bar.get_attribute("aria-orientation") == "horizontal"
    start_rows, start_lesson = w.rows(), w.box(".panel--lesson")["height"]

    drag(w, sel, 0, -150)  # more room for the console
    w.page.wait_for_function(
        "n => Number(document.querySelector('#console').dataset.rows) > n", arg=start_rows + 5,
        timeout=TIMEOUT)
    lesson, rows = w.box(".panel--lesson")["height"], w.rows()
    w.say(f"drag -150 px: lesson panel {start_lesson:.0f} -> {lesson:.0f} px, console {start_rows} "
          f"-> {rows} rows")
    assert lesson < start_lesson - 100

    w.page.reload()
    w.ready()
    w.page.wait_for_function(
        "n => Number(document.querySelector('#console').dataset.rows) === n", arg=rows,
        timeout=TIMEOUT)
    assert abs(w.box(".panel--lesson")["height"] - lesson) < 1
    bar.focus()
    w.page.keyboard.press("Enter")  # the default again, as a double-click
    w.page.wait_for_function(
        "n => Number(document.querySelector('#console').dataset.rows) === n", arg=start_rows,
        timeout=TIMEOUT)
    assert abs(w.box(".panel--lesson")["height"] - start_lesson) < 1


@pytest.mark.parametrize("path", ["/sandbox", LESSON], ids=["sandbox", "lesson"])
@pytest.mark.parametrize("size", [SMALL_LAPTOP, LAPTOP], ids=["1280x720", "1440x900"])
def test_the_graphs_notes_stack_without_overlap(window, size, path):
    """Under the graph: the narration, the note on what the pointer is over, and the legend. A
    two-line narration and a long note must push what follows down, never draw over it, and all
    of it can be brought into the graph panel's view."""
    w = window(size)
    w.open(path)
    lab = Lab(w.page, w.problems, w.server)
    lab.run("docker run --name a_container_with_a_long_name ubuntu:20.04")
    w.page.wait_for_function(
        "() => document.querySelector('#narration').textContent.includes('Exited')")
    # The token at rest first: one travelling under the pointer would take the hover (and the note
    # under the graph) from the edge, and the graph may change its drawing once tokens stop.
    lab.token("a_container_with_a_long_name", "exited")
    w.page.wait_for_function("() => !document.querySelector('#lifecycle-graph .token--moving')")
    w.page.hover('#lifecycle-graph [data-edge="stop"][data-from="running"] .edge-label')
    w.page.wait_for_function("() => document.querySelector('#graph-info').textContent.includes('stop')")
    # All measured at once and without scrolling: a scroll would slide another label under the
    # pointer (or this one away) and change the very note being measured.
    parts = ["#narration .narration-line:last-child", "#graph-info", ".panel--graph .legend"]
    found = w.page.evaluate(f"""sels => {{
      const boxes = sels.map(s => ({MEASURE})(s)[0] || null);
      const panel = document.querySelector('.panel--graph');
      const legend = panel.querySelector('.legend').getBoundingClientRect();
      const box = panel.getBoundingClientRect();
      const top = box.top + panel.clientTop - panel.scrollTop;
      return {{ boxes, note: document.querySelector('#graph-info').textContent,
                reach: {{ legend_bottom: legend.bottom - top, legend_right: legend.right - box.left,
                          scroll_height: panel.scrollHeight, client_height: panel.clientHeight,
                          width: box.width, overflow: getComputedStyle(panel).overflowY }} }};
    }}""", parts)
    boxes, reach = found["boxes"], found["reach"]
    assert "stop" in found["note"], f"the pointer left the stop edge while measuring: {found['note']}"
    for (upper, a), (lower, b) in pairwise(zip(parts, boxes, strict=True)):
        assert a and b, f"{upper} or {lower} not shown at {w.label}"
        assert a["bottom"] <= b["top"] + 0.5, f"{upper} runs into {lower} at {w.label}: {a} {b}"
    # Whole within the graph panel, or reachable by scrolling it.
    room = reach["scroll_height"] if reach["overflow"] in ("auto", "scroll") else reach["client_height"]
    assert reach["legend_bottom"] <= room + 0.5 and reach["legend_right"] <= reach["width"], (
        f"the legend is cut off at {w.label}: {reach}")
    w.say(f"graph notes: narration {boxes[0]['height']:.0f} px, note {boxes[1]['height']:.0f} px, "
          f"legend whole in the graph panel")
