"""What a loaded lesson is: steps declared once, text per locale, checks compiled."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..ui_text import DEFAULT_LOCALE, LOCALES  # noqa: F401 (the interface's languages, re-exported)
from .checks import Check, Goal
from .markdown import plain_text, render_inline

KINDS = ("lesson", "challenge")
GOAL_STEP = "goal"  # the one implicit step of a challenge


@dataclass(frozen=True)
class Entry:
    """One thing a solution (or set-up) does: a console line, keystrokes for it, a wait, or a file.

    line: a console line (`docker …`); input: keystrokes sent once it started (an interactive
    command: `exit\\r`, Ctrl-P Ctrl-Q as `\\x10\\x11`); sleep: seconds to let pass (a learner waiting
    for a restart policy or a container's own `sleep`); file + text: the workspace file `file` now
    holds `text`, as if the learner had typed it in the page's editor (a lesson's seeded `files:`
    are such entries at the start of its set-up).
    """

    line: str | None = None
    input: tuple[str, ...] = ()
    sleep: float | None = None
    file: str | None = None
    text: str = ""

    @property
    def is_command(self) -> bool:
        return self.line is not None

    @property
    def is_file(self) -> bool:
        return self.file is not None

    def view(self) -> dict[str, Any]:
        if self.file is not None:
            return {"file": self.file, "text": self.text}
        if self.line is None:
            return {"sleep": self.sleep}
        out: dict[str, Any] = {"line": self.line}
        if self.input:
            out["input"] = list(self.input)
        return out


@dataclass(frozen=True)
class StepText:
    title: str
    body: str  # Markdown
    hints: tuple[str, ...]  # Markdown, in the order they are revealed
    body_html: str = ""
    hints_html: tuple[str, ...] = ()


@dataclass(frozen=True)
class LessonText:
    """A lesson's words in one locale."""

    title: str
    summary: str
    intro: str  # Markdown before the first step
    outro: str  # Markdown after the last step ("What you learned"), may be empty
    steps: dict[str, StepText]
    intro_html: str = ""
    outro_html: str = ""


@dataclass(frozen=True)
class Step:
    id: str
    check: Check
    check_data: Any
    solution: tuple[Entry, ...]

    @property
    def commands(self) -> list[str]:
        return [e.line for e in self.solution if e.line is not None]


@dataclass(frozen=True)
class Lesson:
    id: str
    order: int
    kind: str
    images: tuple[str, ...]
    setup: tuple[Entry, ...]
    steps: tuple[Step, ...]
    text: dict[str, LessonText]
    goal: Goal | None = None
    best: int | None = None
    path: str = ""
    files: tuple[tuple[str, str], ...] = ()  # seeded workspace files (name, text), in order

    def step(self, step_id: str) -> Step | None:
        for step in self.steps:
            if step.id == step_id:
                return step
        return None

    def step_index(self, step_id: str) -> int:
        for i, step in enumerate(self.steps):
            if step.id == step_id:
                return i
        raise KeyError(step_id)

    def t(self, locale: str) -> LessonText:
        """The text in `locale`, English when that locale is unknown."""
        return self.text.get(locale) or self.text[DEFAULT_LOCALE]

    def title(self, locale: str = DEFAULT_LOCALE) -> str:
        """The title as plain text (the files may use inline Markdown: `title_html` keeps it)."""
        return plain_text(self.t(locale).title)

    def summary(self, locale: str = DEFAULT_LOCALE) -> str:
        return plain_text(self.t(locale).summary)

    def view(self, locale: str = DEFAULT_LOCALE, done: set[str] | frozenset[str] = frozenset(),
             number: int | None = None, next_id: str | None = None) -> dict[str, Any]:
        """Everything a page (template or JSON API) shows, in `locale`; `done`: the steps done."""
        text = self.t(locale)
        steps = []
        for step in self.steps:
            st = text.steps[step.id]
            steps.append({
                "id": step.id,
                "title": plain_text(st.title),
                "title_html": render_inline(st.title, locale),
                "html": st.body_html,
                "hints": list(st.hints_html),
                "solution": step.commands[0] if step.commands else "",
                "solution_lines": [e.view() for e in step.solution],
                "done": step.id in done,
            })
        out: dict[str, Any] = {
            "id": self.id, "order": self.order, "number": number, "kind": self.kind,
            "locale": locale if locale in self.text else DEFAULT_LOCALE,
            "title": self.title(locale), "summary": self.summary(locale),
            "title_html": render_inline(text.title, locale),
            "summary_html": render_inline(text.summary, locale),
            "html": text.intro_html, "outro_html": text.outro_html,
            "images": list(self.images), "files": dict(self.files), "steps": steps,
            "next": next_id,
            "done": bool(self.steps) and all(s.id in done for s in self.steps),
        }
        if self.goal is not None:
            out["goal"] = self.goal.view()
            out["best"] = self.best
        return out
