"""The class pages' consoles wear the lab console's theme, measured in Chromium.

The instructor's console on /teach and the learner's read-only copy of it on the follow view are
compared with the sandbox's console: the background of every painted box inside the terminal, the
text colour, the font, and the panel around it. They used to differ: the follow view's copy was
xterm's default, a flat black box with white text, inside the page's dark-blue panels.

At 1280x720, 1440x900 and a phone size; the measurements are printed (pytest -s) and screenshots
go to artifacts/screenshots/class-*.png.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from .conftest import Lab
from .test_classroom import FOLLOW_READY, START, TEACH_READY, person

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
SHOTS = ROOT / "artifacts" / "screenshots"
SIZES = [(1280, 720), (1440, 900), (390, 844)]
T = Lab.TIMEOUT
CONSOLE_JS = (ROOT / "static" / "js" / "console.js").read_text(encoding="utf-8")


def theme_rgb(key: str) -> str:
    """A colour of the terminal theme in console.js, as getComputedStyle writes it."""
    value = re.search(rf"\b{key}: '#([0-9a-fA-F]{{6}})'", CONSOLE_JS).group(1)
    r, g, b = (int(value[i : i + 2], 16) for i in (0, 2, 4))
    return f"rgb({r}, {g}, {b})"


# The look of the terminal in `host`: the backgrounds of the boxes it paints (what the eye sees),
# its text colour and font, and the chrome of the panel around it.
MEASURE = """
(selector) => {
  const host = document.querySelector(selector);
  const style = (el) => getComputedStyle(el);
  const painted = new Set();
  for (const el of [host, ...host.querySelectorAll('*')]) {
    if (el.closest('.xterm-helpers, .xterm-accessibility, .xterm-cursor, .xterm-selection, .scrollbar')) continue;
    const box = el.getBoundingClientRect();
    const s = style(el);
    if (box.width * box.height < 1 || s.visibility !== 'visible' || s.display === 'none') continue;
    if (s.backgroundColor !== 'rgba(0, 0, 0, 0)') painted.add(s.backgroundColor);
  }
  const rows = host.querySelector('.xterm-rows');
  const panel = host.closest('.panel');
  const box = host.getBoundingClientRect();
  return {
    painted: [...painted],
    color: style(rows).color,
    font: style(rows).fontFamily,
    fontSize: style(rows).fontSize,
    width: Math.round(box.width),
    height: Math.round(box.height),
    panel: {
      background: style(panel).backgroundColor,
      border: style(panel).borderTopColor,
      radius: style(panel).borderTopLeftRadius,
      head: style(panel.querySelector('.panel-head')).backgroundColor,
      title: style(panel.querySelector('.panel-title')).fontFamily,
    },
  };
}
"""


def measure(page, selector: str) -> dict:
    page.wait_for_selector(f"{selector} .xterm-rows", timeout=T)
    return page.evaluate(MEASURE, selector)


def size_id(size: tuple[int, int]) -> str:
    return f"{size[0]}x{size[1]}"


def shot(page, selector: str, name: str) -> None:
    page.locator(selector).scroll_into_view_if_needed()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / name))


@pytest.mark.parametrize("size", SIZES, ids=size_id)
def test_the_class_consoles_wear_the_lab_consoles_theme(browser, server, size):
    width, height = size
    label = size_id(size)
    background, foreground = theme_rgb("background"), theme_rgb("foreground")

    with person(browser, f"{server}/sandbox", '#console-status[data-state="idle"]') as learner:
        learner.page.set_viewport_size({"width": width, "height": height})
        lab = measure(learner.page, "#console")
    print(f"class {label}: sandbox console {lab['width']}x{lab['height']} px, painted "
          f"{lab['painted']}, text {lab['color']}, {lab['fontSize']} {lab['font'].split(',')[0]}")
    assert lab["painted"] == [background] and lab["color"] == foreground

    with person(browser, f"{server}/teach", TEACH_READY, press=START) as teacher:
        teacher.page.set_viewport_size({"width": width, "height": height})
        teacher.wait_ready()
        teacher.run("docker run -d --name web nginx")
        join_url = teacher.page.get_attribute("[data-join-url]", "data-join-url")
        teach = measure(teacher.page, "#console")
        shot(teacher.page, "#console", f"class-teach-{label}.png")
        # The class bar's controls (lesson and step pickers, buttons) stay on the screen.
        outside, right = teacher.page.evaluate(
            """() => {
              const controls = [...document.querySelectorAll('.class-bar select, .class-bar button, .class-bar a')];
              const right = Math.max(...controls.map((e) => e.getBoundingClientRect().right));
              const out = controls.filter((e) => e.getBoundingClientRect().left < 0
                || e.getBoundingClientRect().right > document.documentElement.clientWidth);
              return [out.map((e) => e.id || e.textContent.trim()), Math.round(right)];
            }""")
        print(f"class {label}: teach class bar: {len(outside)} controls outside the "
              f"{width} px viewport (rightmost edge {right} px)")
        assert outside == [], f"class bar controls off the screen: {outside}"

        with person(browser, f"{join_url}?name=ada", FOLLOW_READY) as ada:
            page = ada.page
            page.set_viewport_size({"width": width, "height": height})
            page.wait_for_function(
                "() => document.querySelector('#instructor-console .xterm-rows')"
                ".textContent.includes('docker run -d --name web nginx')", timeout=T)
            mirror = measure(page, "#instructor-console")
            own = measure(page, "#console")
            shot(page, "#instructor-console", f"class-follow-{label}.png")

    for name, got in (("teach console", teach), ("follow: instructor's console", mirror),
                      ("follow: own console", own)):
        print(f"class {label}: {name} {got['width']}x{got['height']} px, painted {got['painted']}, "
              f"text {got['color']}, {got['fontSize']} {got['font'].split(',')[0]}; "
              f"panel {got['panel']['background']} radius {got['panel']['radius']}")
        assert got["painted"] == [background], f"{name}: painted {got['painted']}, not {background}"
        assert got["color"] == foreground, f"{name}: text {got['color']}"
        assert (got["font"], got["fontSize"]) == (lab["font"], lab["fontSize"]), name
        assert got["panel"] == lab["panel"], f"{name}: panel {got['panel']} vs {lab['panel']}"
        assert got["width"] > 200 and got["height"] > 150, f"{name}: {got['width']}x{got['height']}"


@pytest.mark.parametrize("size", SIZES[:2], ids=size_id)
def test_presenter_mode_makes_the_whole_console_black_at_its_larger_size(browser, server, size):
    """Presenter mode's page is black: its console is black edge to edge (not a dark-blue box in a
    black frame), and the terminal's text takes the larger size xterm's cells are measured for."""
    width, height = size
    with person(browser, f"{server}/teach", TEACH_READY, press=START) as teacher:
        page = teacher.page
        page.set_viewport_size({"width": width, "height": height})
        teacher.wait_ready()
        teacher.run("docker run -d --name web nginx")
        page.click("#presenter-toggle")
        page.wait_for_selector("body.presenter")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('#console .xterm-rows')).fontSize === '22px'",
            timeout=T)
        got = measure(page, "#console")
        row = page.evaluate(
            "() => document.querySelector('#console .xterm-rows > div').getBoundingClientRect().height")
        print(f"class presenter {size_id(size)}: console {got['width']}x{got['height']} px, painted "
              f"{got['painted']}, text {got['color']} {got['fontSize']}, row {row:.1f} px")
        assert got["painted"] == ["rgb(0, 0, 0)"], got["painted"]
        assert got["fontSize"] == "22px" and row >= 22
        shot(page, "#console", f"class-presenter-{size_id(size)}.png")
        page.click("#presenter-toggle")  # and back: the everyday theme again
        page.wait_for_selector("body:not(.presenter)")
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('#console .xterm-rows')).fontSize === '14px'",
            timeout=T)
        assert measure(page, "#console")["painted"] == [theme_rgb("background")]
