"""The lifecycle graph stays readable with ten containers, at every size.

Ten containers in varied states (created, running, paused, exited by stop and by kill, a restart
policy, long names that share their start) are drawn on the sandbox and on a lesson page at 1280x720,
1440x900 and a phone's 390x844, and with the graph forced narrower and wider than the page gives it.
At each size the test takes the on-screen boxes (getBoundingClientRect) of every edge label, state
box and container token and asserts that none overlaps another; it prints the counts, the smallest
gap between two of them and the size the label text has on screen, e.g.

    graph 1440x900 /sandbox: 30 edge labels, 8 states, 10 tokens; no overlaps; min gap 1.6 px; labels 9.4 px

and saves the graph as artifacts/screenshots/graph-<page>-<size>.png. Tokens are measured at rest
(none travelling along an edge) with reduced motion, so the snapshot is the drawing's own layout.
The transient badges a token shows for a moment (an exit code, SIGKILL) are not part of it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import PageProblems

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "screenshots"
TIMEOUT = 20_000

SIZES = [(1280, 720), (1440, 900), (390, 844)]

LONG_ONE = "awesome_container_number_one"
LONG_TWO = "awesome_container_number_two"
LONG_THREE = "awesome_container_number_three"

# Ten containers; the state each one ends in.
SCENARIO = [
    (f"docker create --name {LONG_ONE} nginx", LONG_ONE, "created"),
    ("docker create --name db postgres", "db", "created"),
    (f"docker run -d --name {LONG_TWO} nginx", LONG_TWO, "running"),
    ("docker run -d --name web nginx", "web", "running"),
    ("docker run -d --name always_up --restart always nginx", "always_up", "running"),
    (f"docker run -d --name {LONG_THREE} nginx", None, None),
    (f"docker pause {LONG_THREE}", LONG_THREE, "paused"),
    ("docker run -d --name paused_app redis", None, None),
    ("docker pause paused_app", "paused_app", "paused"),
    ("docker run -d --name stopped_app nginx", None, None),
    ("docker stop -t 0 stopped_app", "stopped_app", "exited"),
    ("docker run -d --name killed nginx", None, None),
    ("docker kill killed", "killed", "exited"),
    (
        "docker run -d --name flaky --restart on-failure:2 busybox sh -c 'sleep 1; exit 3'",
        "flaky",
        "exited",
    ),
]
NAMES = [name for _, name, _ in SCENARIO if name]

# Boxes of the drawing on screen, once no token travels; null while one does (wait_for_function
# polls until it gets a value).
MEASURE = """
(expected) => {
  const svg = document.querySelector('#lifecycle-graph');
  const tokens = [...svg.querySelectorAll('.layer-tokens .token')];
  if (tokens.some((t) => t.classList.contains('token--moving'))) return null;
  const shown = tokens.filter((t) => getComputedStyle(t).display !== 'none');
  const more = [...svg.querySelectorAll('.state-more')];
  if (shown.length + more.length === 0 || tokens.length < expected) return null;
  const box = (el) => {
    const b = el.getBoundingClientRect();
    return { x0: b.left, y0: b.top, x1: b.right, y1: b.bottom };
  };
  const items = [];
  for (const e of svg.querySelectorAll('.edge')) {
    items.push({ kind: 'label', name: `${e.dataset.from}>${e.dataset.to} ${e.dataset.edge}`,
      ...box(e.querySelector('.edge-label rect')) });
  }
  for (const s of svg.querySelectorAll('.state')) {
    items.push({ kind: 'state', name: s.dataset.state, ...box(s.querySelector('.state-box')) });
  }
  for (const t of shown) {
    items.push({ kind: 'token', name: t.dataset.container, ...box(t.querySelector('.token-chip')) });
  }
  for (const m of more) items.push({ kind: 'token', name: `more in ${m.dataset.for}`, ...box(m.querySelector('rect')) });
  const overlaps = [];
  let minGap = Infinity;
  for (let i = 0; i < items.length; i += 1) {
    for (let j = i + 1; j < items.length; j += 1) {
      const a = items[i];
      const b = items[j];
      if (a.kind === 'state' && b.kind === 'state') continue;
      const gx = Math.max(a.x0 - b.x1, b.x0 - a.x1);
      const gy = Math.max(a.y0 - b.y1, b.y0 - a.y1);
      const gap = Math.max(gx, gy);
      if (gap < 0) overlaps.push(`${a.kind} ${a.name} / ${b.kind} ${b.name} by ${(-gap).toFixed(1)} px`);
      else minGap = Math.min(minGap, gap);
    }
  }
  // How far each group of labels sits from its own curve (in the drawing's units): the nearest of
  // its pills, edge to curve; 0 when the curve runs under it.
  const near = new Map();
  for (const e of svg.querySelectorAll('.edge')) {
    const key = e.dataset.group;
    const path = svg.querySelector(`.layer-paths path[data-group="${key}"]`);
    const m = e.querySelector('.edge-label').transform.baseVal.consolidate().matrix;
    const rect = e.querySelector('.edge-label rect');
    const hw = rect.width.baseVal.value / 2;
    const hh = rect.height.baseVal.value / 2;
    const len = path.getTotalLength();
    let d = Infinity;
    for (let at = 0; at <= len; at += 2) {
      const p = path.getPointAtLength(at);
      const dx = Math.max(0, Math.abs(p.x - m.e) - hw);
      const dy = Math.max(0, Math.abs(p.y - m.f) - hh);
      d = Math.min(d, Math.hypot(dx, dy));
    }
    near.set(key, Math.min(near.get(key) ?? Infinity, d));
  }
  let farthest = 0;
  let farthestName = '';
  for (const [key, d] of near) if (d > farthest) { farthest = d; farthestName = key; }
  const scale = svg.getScreenCTM().a;
  const labelPx = parseFloat(getComputedStyle(svg.querySelector('.edge-label text')).fontSize) * scale;
  const tokenPx = parseFloat(getComputedStyle(svg.querySelector('.token-label')).fontSize) * scale;
  const graph = svg.getBoundingClientRect();
  return {
    labels: items.filter((x) => x.kind === 'label').length,
    states: items.filter((x) => x.kind === 'state').length,
    tokens: shown.length,
    more: more.length,
    overlaps,
    minGap,
    labelPx,
    tokenPx,
    width: graph.width,
    layout: svg.dataset.layout,
    farthest,
    farthestName,
    edges: svg.querySelectorAll('.edge[data-edge][data-from][data-to]').length,
    edgeCount: svg.querySelectorAll('.edge').length,
  };
}
"""

# What each token shows, and whether some other container's name would fit that short form.
CHIPS = """
() => {
  const tokens = [...document.querySelectorAll('#lifecycle-graph .token')];
  const names = tokens.map((t) => t.dataset.container);
  return tokens.map((t) => {
    const name = t.dataset.container;
    const shown = t.querySelector('.token-label').textContent;
    const title = t.querySelector('title') ? t.querySelector('title').textContent : null;
    // The parts kept around the ellipses, in order; another name fits them if it holds them so.
    const parts = shown.split('…');
    const fits = (n) => {
      if (!n.startsWith(parts[0]) || !n.endsWith(parts[parts.length - 1])) return false;
      let at = parts[0].length;
      const end = n.length - parts[parts.length - 1].length;
      if (at > end) return false;
      for (const mid of parts.slice(1, -1)) {
        const i = n.indexOf(mid, at);
        if (i < 0 || i + mid.length > end) return false;
        at = i + mid.length;
      }
      return true;
    };
    const ambiguous = parts.length > 1 ? names.filter((n) => n !== name && fits(n)) : [];
    return { name, shown, title, ambiguous };
  });
}
"""


def open_page(browser, server: str, path: str, size: tuple[int, int]):
    context = browser.new_context(
        viewport={"width": size[0], "height": size[1]}, reduced_motion="reduce"
    )
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(f"{server}{path}")
    page.wait_for_selector('#lifecycle-graph [data-state="running"]', timeout=TIMEOUT)
    page.wait_for_selector('#console[data-busy="false"]', timeout=TIMEOUT)
    return context, page, problems


def run_lines(page, lines: list[str]) -> None:
    for line in lines:
        page.click("#console")
        page.keyboard.type(line)
        page.wait_for_function(
            "line => document.querySelector('#console').dataset.line === line", arg=line
        )
        page.keyboard.press("Enter")
        page.wait_for_selector('#console[data-busy="false"]', timeout=TIMEOUT)


def build_ten(page) -> None:
    run_lines(page, [line for line, _, _ in SCENARIO])
    for _, name, state in SCENARIO:
        if name:
            page.wait_for_selector(
                f'#lifecycle-graph .token[data-container="{name}"][data-state="{state}"]',
                timeout=TIMEOUT,
            )


def measure(page, label: str, expected: int) -> dict:
    result = page.wait_for_function(MEASURE, arg=expected, timeout=TIMEOUT).json_value()
    shown = f"{result['tokens']} tokens" + (
        f" (+{result['more']} 'more')" if result["more"] else ""
    )
    print(
        f"graph {label}: {result['labels']} edge labels, {result['states']} states, {shown}; "
        f"{'no overlaps' if not result['overlaps'] else str(len(result['overlaps'])) + ' overlaps'}; "
        f"min gap {result['minGap']:.1f} px; labels {result['labelPx']:.1f} px, "
        f"names {result['tokenPx']:.1f} px; graph {result['width']:.0f} px wide, {result['layout']} drawing"
    )
    assert not result["overlaps"], f"{label}: overlapping boxes:\n" + "\n".join(result["overlaps"])
    assert result["labels"] == result["edgeCount"] == result["edges"] > 0
    assert result["minGap"] > 0
    print(
        f"    label groups off their own curve: at most {result['farthest']:.1f} units "
        f"({result['farthestName']})"
    )
    assert result["farthest"] < 12, f"{label}: {result['farthestName']} strays from its curve"
    return result


def screenshot(page, name: str) -> None:
    """The graph as the learner sees it; where it scrolls sideways (a phone), also scrolled."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.locator("#lifecycle-graph").screenshot(path=str(ARTIFACTS / f"graph-{name}.png"))
    wrap = "#lifecycle-graph"
    hidden = page.eval_on_selector(
        wrap, "el => el.parentElement.scrollWidth - el.parentElement.clientWidth"
    )
    if hidden > 0:
        page.eval_on_selector(
            wrap, "el => { el.parentElement.scrollLeft = el.parentElement.scrollWidth; }"
        )
        page.locator(wrap).screenshot(path=str(ARTIFACTS / f"graph-{name}-scrolled.png"))
        page.eval_on_selector(wrap, "el => { el.parentElement.scrollLeft = 0; }")


def check_names(page, label: str, names: list[str] = NAMES) -> None:
    chips = page.evaluate(CHIPS)
    for chip in chips:
        assert chip["title"] == chip["name"], chip
        assert not chip["ambiguous"], f"{chip['shown']!r} would also fit {chip['ambiguous']}"
        assert chip["shown"] == chip["name"] or "…" in chip["shown"], chip
    elided = [c for c in chips if c["shown"] != c["name"]]
    print(
        f"names {label}: {len(chips)} tokens, {len(elided)} elided: "
        + ", ".join(f"{c['name']} -> {c['shown']}" for c in elided)
    )
    options = page.eval_on_selector_all(
        "#container-select option", "els => els.map((o) => o.textContent)"
    )
    for name in names:
        assert name in options, f"{name} not in the container picker: {options}"


def finish(context, problems: PageProblems) -> None:
    try:
        assert not problems.errors, f"JavaScript errors: {problems.errors}"
        assert not problems.script_violations(), problems.script_violations()
    finally:
        context.close()


def test_ten_containers_on_the_sandbox_at_every_size(browser, server):
    context, page, problems = open_page(browser, server, "/sandbox", SIZES[1])
    try:
        build_ten(page)
        check_names(page, "/sandbox")
        # Full names on hover: the token's title, and the panel under the graph.
        page.hover(f'#lifecycle-graph .token[data-container="{LONG_ONE}"]')
        page.wait_for_function(
            "n => document.querySelector('#graph-info').textContent.includes(n)", arg=LONG_ONE
        )
        page.mouse.move(1, 1)
        for width, height in SIZES:
            page.set_viewport_size({"width": width, "height": height})
            label = f"{width}x{height} /sandbox"
            page.wait_for_function("w => window.innerWidth === w", arg=width, timeout=TIMEOUT)
            measure(page, label, len(NAMES))
            screenshot(page, f"sandbox-{width}x{height}")
        # The page's layout decides how wide the graph is: force a narrow and a wide one.
        page.set_viewport_size({"width": 1440, "height": 900})
        for forced in (480, 760, 1100):
            page.eval_on_selector(
                "#lifecycle-graph",
                "(el, w) => { el.style.width = `${w}px`; el.style.minWidth = '0'; }",
                forced,
            )
            page.wait_for_function(
                "w => Math.round(document.querySelector('#lifecycle-graph')"
                ".getBoundingClientRect().width) === w",
                arg=forced,
            )
            measure(page, f"1440x900 /sandbox, graph forced to {forced} px", len(NAMES))
            screenshot(page, f"sandbox-forced-{forced}")
    finally:
        finish(context, problems)


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_ten_containers_on_a_lesson_page(browser, server, size):
    """A lesson page's graph, with ten containers in one state (the overflow '+n more' chip)
    and the rest spread: at most max-1 tokens and the 'more' chip show per state."""
    context, page, problems = open_page(browser, server, "/lessons/lifecycle", size)
    try:
        lines = [f"docker run -d --name {LONG_ONE} nginx"]
        lines += [f"docker run -d --name service_{i:02d}_backend nginx" for i in range(1, 8)]
        lines += ["docker create --name idle_one nginx", "docker run -d --name gone nginx"]
        lines += ["docker stop -t 0 gone"]
        run_lines(page, lines)
        page.wait_for_selector(
            '#lifecycle-graph .token[data-container="gone"][data-state="exited"]', timeout=TIMEOUT
        )
        label = f"{size[0]}x{size[1]} /lessons/lifecycle"
        measure(page, label, 10)
        check_names(page, label, [LONG_ONE, "service_01_backend", "idle_one", "gone"])
        screenshot(page, f"lesson-{size[0]}x{size[1]}")
    finally:
        finish(context, problems)


@pytest.mark.parametrize("size", [(1280, 720), (390, 844)], ids=["1280x720", "390x844"])
def test_korean_labels_do_not_overlap(browser, server, size):
    """Korean edge labels are wider (a Hangul character takes about two Latin ones)."""
    context, page, problems = open_page(browser, server, "/sandbox?lang=ko", size)
    try:
        run_lines(page, ["docker run -d --name web nginx", "docker create --name db postgres"])
        page.wait_for_selector(
            '#lifecycle-graph .token[data-container="db"][data-state="created"]', timeout=TIMEOUT
        )
        measure(page, f"{size[0]}x{size[1]} /sandbox?lang=ko", 2)
        screenshot(page, f"sandbox-ko-{size[0]}x{size[1]}")
    finally:
        finish(context, problems)


# After a change of size: two frames, so the resize observers have run and the drawing is the one
# chosen for the new room before it is measured.
SETTLED = "() => new Promise((done) => requestAnimationFrame(() => requestAnimationFrame(done)))"

# The enlarged panel and its parts, and what is left to the keyboard and the pointer behind it.
OVERLAY = """
() => {
  const panel = document.querySelector('.panel--graph');
  const box = (sel) => {
    const b = document.querySelector(sel).getBoundingClientRect();
    return { left: b.left, top: b.top, right: b.right, bottom: b.bottom };
  };
  const console = document.querySelector('.panel--console');
  return {
    enlarged: panel.classList.contains('panel--enlarged'),
    pressed: document.querySelector('#graph-enlarge').getAttribute('aria-pressed'),
    focus: document.activeElement && document.activeElement.id,
    panel: box('.panel--graph'), graph: box('#lifecycle-graph'), narration: box('#narration'),
    info: box('#graph-info'), legend: box('.panel--graph .legend'),
    window: { width: innerWidth, height: innerHeight },
    consoleInert: Boolean(console.closest('[inert]')),
    covers: [[0.5, 0.5], [0.05, 0.05], [0.95, 0.05], [0.05, 0.95], [0.95, 0.95]].every(
      ([x, y]) => panel.contains(document.elementFromPoint(innerWidth * x, innerHeight * y))),
    inert: document.querySelectorAll('[inert]').length,
  };
}
"""


def apart(a: dict, b: dict) -> bool:
    return (
        a["right"] <= b["left"] + 0.5
        or b["right"] <= a["left"] + 0.5
        or a["bottom"] <= b["top"] + 0.5
        or b["bottom"] <= a["top"] + 0.5
    )


@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_the_graph_enlarged_over_the_window(browser, server, size):
    """Beside a wide console the graph's text is small (about 7 px at 1280x720). "Enlarge" gives the
    graph the window, its notes beside it (under it on a phone), the rest of the page inert behind
    it; Escape puts it all back and leaves the focus on the button."""
    context, page, problems = open_page(browser, server, "/sandbox", size)
    label = f"{size[0]}x{size[1]} /sandbox"
    try:
        build_ten(page)
        page.mouse.move(1, 1)
        before = measure(page, label, len(NAMES))
        page.click("#graph-enlarge")
        page.wait_for_selector(".panel--graph.panel--enlarged", timeout=TIMEOUT)
        page.evaluate(SETTLED)
        after = measure(page, f"{label} enlarged", len(NAMES))
        shown = page.evaluate(OVERLAY)
        print(
            f"enlarged {label}: labels {before['labelPx']:.1f} -> {after['labelPx']:.1f} px, names "
            f"{before['tokenPx']:.1f} -> {after['tokenPx']:.1f} px, graph {before['width']:.0f} -> "
            f"{after['width']:.0f} px wide ({after['layout']} drawing); {shown['inert']} parts of the "
            "page inert behind it"
        )
        assert shown["pressed"] == "true" and shown["focus"] == "graph-enlarge"
        window = {"left": 0, "top": 0, "right": shown["window"]["width"], "bottom": shown["window"]["height"]}
        assert (
            shown["panel"]["left"] >= 0
            and shown["panel"]["top"] >= 0
            and shown["panel"]["right"] <= window["right"]
            and shown["panel"]["bottom"] <= window["bottom"]
        ), f"the enlarged panel leaves the window: {shown['panel']} {window}"
        for part in ("narration", "info", "legend"):
            assert apart(shown["graph"], shown[part]), f"the {part} covers the graph: {shown}"
        assert shown["consoleInert"] and shown["covers"], shown
        if size[0] >= 1280:
            # On a laptop the text grows to reading size; on a phone the graph already took the
            # width it scrolls in, and keeps its size.
            assert after["labelPx"] >= 11 and after["tokenPx"] >= 10.5, after
            assert after["labelPx"] > before["labelPx"] * 1.3
        else:
            assert after["labelPx"] >= before["labelPx"] - 0.1
        # The keyboard reaches only what can be seen: the panel's own controls, backwards and
        # forwards (past the last one it goes to the browser's own, the body here).
        reached = set()
        for key in ["Shift+Tab"] * 6 + ["Tab"] * 8:
            page.keyboard.press(key)
            where = page.evaluate(
                """() => { const a = document.activeElement;
                  if (!a || a === document.body) return 'body';
                  return document.querySelector('.panel--graph').contains(a)
                    ? (a.id || a.getAttribute('aria-label') || a.tagName) : `outside: ${a.outerHTML.slice(0, 80)}`; }"""
            )
            assert not where.startswith("outside"), f"{key} reached what the graph covers: {where}"
            reached.add(where)
        assert {"container-select", "speed", "graph-enlarge"} <= reached, reached
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"graph-enlarged-{size[0]}x{size[1]}.png"))

        page.keyboard.press("Escape")
        page.wait_for_selector(".panel--graph:not(.panel--enlarged)", timeout=TIMEOUT)
        page.evaluate(SETTLED)
        shown = page.evaluate(OVERLAY)
        assert shown["pressed"] == "false" and shown["focus"] == "graph-enlarge", shown
        assert shown["inert"] == 0 and not shown["consoleInert"], shown
        back = measure(page, f"{label} back", len(NAMES))
        assert back["layout"] == before["layout"]
        assert abs(back["labelPx"] - before["labelPx"]) < 0.2 and abs(back["width"] - before["width"]) < 1

        # A click on an arrow in the enlarged graph puts its command on the console's line, and
        # the console comes back for it.
        page.click("#graph-enlarge")
        page.wait_for_selector(".panel--graph.panel--enlarged", timeout=TIMEOUT)
        page.evaluate(SETTLED)
        page.click('#lifecycle-graph [data-edge="stop"][data-from="running"] .edge-label')
        page.wait_for_selector(".panel--graph:not(.panel--enlarged)", timeout=TIMEOUT)
        line = page.get_attribute("#console", "data-line") or ""
        assert line.startswith("docker stop "), line
        assert page.evaluate("() => document.querySelector('#console').contains(document.activeElement)")
        assert page.evaluate("() => document.querySelectorAll('[inert]').length") == 0
        print(f"enlarged {label}: a click on 'stop' put {line!r} on the console, which has the focus")
    finally:
        finish(context, problems)


def test_the_graph_enlarged_on_a_lesson_page_in_korean(browser, server):
    """The same on a lesson page (the wide drawing beside the lesson and the console), in Korean:
    the button's words, and Korean edge labels that still do not overlap once enlarged."""
    context, page, problems = open_page(browser, server, "/lessons/lifecycle?lang=ko", (1280, 720))
    label = "1280x720 /lessons/lifecycle?lang=ko"
    try:
        run_lines(page, ["docker run -d --name web nginx", "docker create --name db postgres"])
        page.wait_for_selector(
            '#lifecycle-graph .token[data-container="db"][data-state="created"]', timeout=TIMEOUT
        )
        before = measure(page, label, 2)
        assert "크게 보기" in page.inner_text("#graph-enlarge")
        page.focus("#graph-enlarge")
        page.keyboard.press("Enter")
        page.wait_for_selector(".panel--graph.panel--enlarged", timeout=TIMEOUT)
        page.evaluate(SETTLED)
        after = measure(page, f"{label} enlarged", 2)
        print(f"enlarged {label}: labels {before['labelPx']:.1f} -> {after['labelPx']:.1f} px")
        assert after["labelPx"] >= 11 and after["labelPx"] > before["labelPx"] * 1.3
        assert page.evaluate("() => document.querySelector('.panel--lesson').closest('[inert]') !== null")
        page.screenshot(path=str(ARTIFACTS / "graph-enlarged-lesson-ko-1280x720.png"))
        page.keyboard.press("Escape")
        page.wait_for_selector(".panel--graph:not(.panel--enlarged)", timeout=TIMEOUT)
        assert page.evaluate("() => document.querySelectorAll('[inert]').length") == 0
        assert page.get_attribute("#graph-enlarge", "aria-pressed") == "false"
    finally:
        finish(context, problems)
