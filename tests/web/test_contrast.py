"""WCAG AA contrast of the palette, checked numerically (no browser needed).

Colours are read from the stylesheet's custom properties and from the JS modules that hold colours
(the container tokens' palette, the terminal theme), so changing a colour re-runs the check.
Text needs 4.5:1; graphics that carry meaning (edges, state outlines, token glyphs) need 3:1.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CSS = (ROOT / "static" / "css" / "lab.css").read_text(encoding="utf-8")
GRAPH_JS = (ROOT / "static" / "js" / "graph.js").read_text(encoding="utf-8")
CONSOLE_JS = (ROOT / "static" / "js" / "console.js").read_text(encoding="utf-8")

VARS = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{6})\s*;", CSS))
TOKEN_COLORS = re.findall(
    r"'(#[0-9a-fA-F]{6})'", re.search(r"TOKEN_COLORS = \[(.*?)\]", GRAPH_JS).group(1)
)
THEME = dict(
    re.findall(
        r"(\w+): '(#[0-9a-fA-F]{6})'",
        re.search(r"const THEME = \{(.*?)\};", CONSOLE_JS, re.DOTALL).group(1),
    )
)


def luminance(hex_color: str) -> float:
    def channel(c: int) -> float:
        s = c / 255
        return s / 12.92 if s <= 0.03928 else ((s + 0.055) / 1.055) ** 2.4

    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b)


def ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def var(name: str) -> str:
    return VARS[name]


BACKGROUNDS = ["bg", "panel", "panel-head", "node-fill", "term-bg"]
TEXT_PAIRS = [
    (fg, bg) for fg in ("text", "muted", "accent", "danger", "warn", "ok") for bg in BACKGROUNDS
]
TEXT_PAIRS += [("text", "pill"), ("text", "chip"), ("muted", "chip")]
GRAPHIC_PAIRS = [
    (fg, bg)
    for fg in (
        "edge",
        "edge-event",
        "faint",
        "s-image",
        "s-created",
        "s-running",
        "s-paused",
        "s-restarting",
        "s-exited",
        "s-dead",
        "s-removed",
        "focus",
    )
    for bg in ("panel", "node-fill")
]

# Literal colours in rules (pill labels, event log parts, banners): (foreground, background).
LITERAL_TEXT = [
    ("#e1e7f2", "#1b2540"),  # edge label
    ("#c9d2e3", "#161f35"),  # event edge label
    ("#f1f5fb", "#0c1322"),  # token label on its chip
    ("#cfd6e4", "#0d1424"),  # event log line
    ("#a7b6d3", "#0d1424"),  # event type and id
    ("#d7dce6", "#0d1424"),  # event attributes
    ("#9ccfff", "#0d1424"),  # event action
    ("#ffb0b0", "#0d1424"),
    ("#8af0b0", "#0d1424"),
    ("#ffe07a", "#0d1424"),
    ("#8ae8f5", "#0d1424"),
    ("#ffe9a8", "#2b2410"),  # "viewing the past" banner
    ("#d6e9ff", "#122642"),  # replay banner
    ("#ffe9a8", "#3a3212"),  # grace countdown
    ("#ffd6d6", "#4a1c23"),  # refused edge label
    ("#0b1120", "#6cb6ff"),  # primary button
    ("#ffb3b3", "#18223a"),  # reset button
]


@pytest.mark.parametrize(("fg", "bg"), TEXT_PAIRS, ids=[f"{f}-on-{b}" for f, b in TEXT_PAIRS])
def test_text_colours_reach_aa(fg, bg):
    assert ratio(var(fg), var(bg)) >= 4.5, f"--{fg} on --{bg}: {ratio(var(fg), var(bg)):.2f}"


@pytest.mark.parametrize(("fg", "bg"), GRAPHIC_PAIRS, ids=[f"{f}-on-{b}" for f, b in GRAPHIC_PAIRS])
def test_graphics_reach_3_to_1(fg, bg):
    assert ratio(var(fg), var(bg)) >= 3.0, f"--{fg} on --{bg}: {ratio(var(fg), var(bg)):.2f}"


@pytest.mark.parametrize(("fg", "bg"), LITERAL_TEXT)
def test_literal_text_colours_reach_aa(fg, bg):
    assert fg.lower() in CSS.lower() and bg.lower() in CSS.lower(), (
        "the pair is still in the stylesheet"
    )
    assert ratio(fg, bg) >= 4.5, f"{fg} on {bg}: {ratio(fg, bg):.2f}"


@pytest.mark.parametrize("color", TOKEN_COLORS)
def test_token_colours_stand_out(color):
    for bg in ("chip", "panel", "node-fill"):
        assert ratio(color, var(bg)) >= 3.0, f"token {color} on --{bg}: {ratio(color, var(bg)):.2f}"


def test_token_colours_are_distinct():
    assert len(set(TOKEN_COLORS)) == len(TOKEN_COLORS) >= 8


@pytest.mark.parametrize(
    "name",
    [
        "foreground",
        "red",
        "green",
        "yellow",
        "blue",
        "magenta",
        "cyan",
        "white",
        "brightBlack",
        "brightRed",
        "brightGreen",
        "brightYellow",
        "brightBlue",
        "brightMagenta",
        "brightCyan",
        "brightWhite",
    ],
)
def test_terminal_colours_reach_aa(name):
    assert ratio(THEME[name], THEME["background"]) >= 4.5, (
        f"{name}: {ratio(THEME[name], THEME['background']):.2f}"
    )
