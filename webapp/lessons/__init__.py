"""Lessons: loading and validation, declarative checks, progress, and `lessons check`.

Pure Python (no Flask): the web layer (`webapp.views`, `webapp.live`) and the command line use it.
Lesson content lives in the top-level `lessons/` folder; lessons/README.md describes the format.
"""

from __future__ import annotations

from pathlib import Path

from .checks import Check, CheckError, Mark, compile_check, evaluate, explain
from .loader import Catalog, LessonError, load_lesson, load_lessons
from .markdown import render_markdown
from .model import DEFAULT_LOCALE, LOCALES, Entry, Lesson, Step
from .progress import LessonProgress, LessonTracker

LESSONS_DIR = Path(__file__).resolve().parents[2] / "lessons"

__all__ = [
    "DEFAULT_LOCALE", "LESSONS_DIR", "LOCALES", "Catalog", "Check", "CheckError", "Entry", "Lesson",
    "LessonError", "LessonProgress", "LessonTracker", "Mark", "Step", "compile_check", "evaluate",
    "explain", "load_lesson", "load_lessons", "pick_locale", "render_markdown",
]


def pick_locale(wanted: str | None, accept: list[str] | None = None) -> str:
    """The locale to show: `wanted` if we have it, else the first of `accept` we have, else English."""
    for candidate in [wanted, *(accept or [])]:
        if not candidate:
            continue
        code = candidate.strip().lower().replace("_", "-").split("-")[0]
        if code in LOCALES:
            return code
    return DEFAULT_LOCALE
