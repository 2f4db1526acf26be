"""Lesson Markdown to safe HTML, with click-to-run command blocks.

CommonMark (plus tables and strikethrough) through markdown-it-py with raw HTML switched off: any
`<tag>` an author writes is shown as text, and markdown-it refuses `javascript:`-style links. Images
are not rendered (the page's Content-Security-Policy allows only our own origin; lessons have none).

A fenced block whose info string is `console`, `sh`, `bash` or `shell` and whose lines are all
`docker` commands (a leading `$ ` prompt is dropped) is *runnable*: each line becomes a row with the
command and a button carrying `data-command`, which the page uses to type the command on the console
line. The learner still presses Enter: nothing ever runs unseen. Other blocks (`text`, `dockerfile`,
output) render as plain code.
"""

from __future__ import annotations

import re
from html import escape, unescape
from typing import Any

from markdown_it import MarkdownIt

from ..ui_text import translate

RUNNABLE_INFO = ("console", "sh", "bash", "shell")


def runnable_lines(info: str, content: str) -> list[str] | None:
    """The commands of a runnable block, or None when the block is not runnable."""
    word = info.strip().split(maxsplit=1)[0].lower() if info.strip() else ""
    if word not in RUNNABLE_INFO:
        return None
    lines = []
    for raw in content.splitlines():
        line = raw.strip()
        if not line:
            continue
        if line.startswith("$ "):
            line = line[2:].strip()
        if not (line == "docker" or line.startswith("docker ")):
            return None
        lines.append(line)
    return lines or None


def _attr(value: str) -> str:
    return escape(value, quote=True)


class LessonMarkdown:
    """A renderer for one locale (the button labels are localized)."""

    def __init__(self, locale: str = "en"):
        self.locale = locale
        self.md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
        self.md.enable(["table", "strikethrough"])
        self.md.disable("image")
        # markdown-it binds render rules to its renderer: wrap our methods so `self` stays ours.
        self.md.add_render_rule("fence", lambda _r, *args: self._fence(*args))
        self.md.add_render_rule("link_open", lambda _r, *args: self._link_open(*args))

    def _fence(self, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        info = token.info.strip()
        lines = runnable_lines(info, token.content)
        if lines is None:
            lang = info.split(maxsplit=1)[0] if info else ""
            cls = f' class="language-{_attr(lang)}"' if lang else ""
            return f"<pre><code{cls}>{escape(token.content, quote=False)}</code></pre>\n"
        label = translate(self.locale, "type_it")  # the same button as the lesson page's
        title = translate(self.locale, "type_it_title")
        group = translate(self.locale, "markdown_runnable_group")
        rows = []
        for line in lines:
            cmd = _attr(line)
            rows.append(
                f'<div class="runnable-line" data-command="{cmd}">'
                f'<pre><code class="language-console">{escape(line, quote=False)}</code></pre>'
                f'<button type="button" class="run-command" data-command="{cmd}" title="{_attr(title)}">'
                f"{escape(label)}</button></div>\n")
        return f'<div class="runnable" role="group" aria-label="{_attr(group)}">\n{"".join(rows)}</div>\n'

    def _link_open(self, tokens: list[Any], idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        href = str(token.attrGet("href") or "")
        if href.startswith(("http://", "https://")):
            token.attrSet("rel", "noopener noreferrer")
            token.attrSet("target", "_blank")
        return self.md.renderer.renderToken(tokens, idx, options, env)

    def render(self, text: str) -> str:
        return self.md.render(text)


_RENDERERS: dict[str, LessonMarkdown] = {}


def render_markdown(text: str, locale: str = "en") -> str:
    """Safe HTML for lesson Markdown in `locale` (raw HTML escaped, runnable blocks marked)."""
    renderer = _RENDERERS.get(locale)
    if renderer is None:
        renderer = _RENDERERS[locale] = LessonMarkdown(locale)
    return renderer.render(text)


def commands_in(text: str) -> list[str]:
    """Every runnable command line in a Markdown text (for validation)."""
    md = MarkdownIt("commonmark", {"html": False})
    out: list[str] = []
    for token in md.parse(text):
        if token.type == "fence":
            out.extend(runnable_lines(token.info, token.content) or [])
    return out


def render_inline(text: str, locale: str = "en") -> str:
    """Safe HTML for one line of inline Markdown (a title or a summary): no paragraph around it."""
    renderer = _RENDERERS.get(locale)
    if renderer is None:
        renderer = _RENDERERS[locale] = LessonMarkdown(locale)
    return renderer.md.renderInline(text)


def plain_text(text: str) -> str:
    """Inline Markdown as plain text (for <title>, aria labels): `code` and *emphasis* unmarked."""
    return unescape(re.sub(r"<[^>]*>", "", render_inline(text)))
