"""The separators between the lab's panels, as the server renders them: a real ARIA separator each,
labelled in the page's language, on the learner's pages only (the class pages keep their own grids)."""

from __future__ import annotations

import re

from tests.classroom_helpers import teach
from webapp.ui_text import UI

SEPARATOR = re.compile(r'<div class="lab-split lab-split--(\w+)"[^>]*>')


def separators(html: str) -> dict[str, str]:
    return {m.group(1): m.group(0) for m in SEPARATOR.finditer(html)}


def test_the_sandbox_has_one_separator_between_console_and_graph(http):
    bars = separators(http.get("/sandbox").get_data(as_text=True))
    assert list(bars) == ["cols"]
    bar = bars["cols"]
    for attr in ('role="separator"', 'tabindex="0"', 'aria-orientation="vertical"',
                 'aria-controls="console-panel"', 'data-split="cols"'):
        assert attr in bar, f"{attr} missing: {bar}"
    assert f'aria-label="{UI["split_cols_label"][0]}"' in bar


def test_a_lesson_has_a_second_separator_between_lesson_and_console(http):
    html = http.get("/lessons/why-exit?lang=ko").get_data(as_text=True)
    bars = separators(html)
    assert sorted(bars) == ["cols", "rows"]
    assert 'aria-orientation="horizontal"' in bars["rows"]
    assert 'aria-controls="lesson-panel"' in bars["rows"] and 'id="lesson-panel"' in html
    assert f'aria-label="{UI["split_rows_label"][1]}"' in bars["rows"]


def test_the_class_pages_have_no_separator(http):
    code = teach(http).headers["Location"].rsplit("/", 1)[1]
    html = http.get(f"/teach/{code}").get_data(as_text=True)
    assert 'id="console"' in html and separators(html) == {}
