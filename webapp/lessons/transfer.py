"""Progress files: a learner's lesson progress exported as JSON, and merged back in elsewhere.

The cookie that names a learner belongs to one browser and one server; the file lets progress
travel to another browser, another machine or a fresh database. Its shape (version 1):

    {"format": "lifecycle-lab-progress", "version": 1, "exported": "2026-11-22T15:01:08Z",
     "lessons": {"why-exit": {"done": {"run-default": 1767603612.5, ...},
                              "hints": 1,
                              "result": {"commands": 9, "finished": 1767603700.0} | null}}}

`done` maps each finished step to when it was finished (seconds since the epoch on the sandbox's
clock); `hints` is how many hints of the active step were revealed; `result` is a finished
lesson's record (a challenge's command count). Engine-specific marks are not exported: they mean
nothing in another sandbox.

Importing merges (see `LessonProgress.merge`): nothing done is ever undone, the earlier time of a
step wins, and lessons or steps this server does not know are skipped and reported. A file that is
not such a document is refused as a whole with a `TransferError` naming what is wrong.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from ..engine.base import Engine
from .model import Lesson
from .progress import LessonProgress, LessonTracker, ProgressStore

FORMAT = "lifecycle-lab-progress"
VERSION = 1
FILENAME = "lifecycle-lab-progress.json"
MAX_BYTES = 64 * 1024


class TransferError(ValueError):
    """A file that cannot be imported. `reason` names a UI text (webapp/ui_text.py), `detail`
    fills its `{detail}` (a place in the file, or a number): the page says it in its own language."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass(frozen=True)
class ImportedLesson:
    done: dict[str, float]
    hints: int = 0
    result: dict[str, Any] | None = None


@dataclass
class ImportReport:
    """What an import did: lessons merged, and what the file named that this server lacks."""

    lessons: list[str] = field(default_factory=list)
    unknown_lessons: list[str] = field(default_factory=list)
    unknown_steps: list[str] = field(default_factory=list)  # "lesson/step"


# -- export ----------------------------------------------------------------------------------------


def export_progress(progress: Mapping[str, LessonProgress], wall: float) -> dict[str, Any]:
    """The document for these lessons' progress; `wall`: when (seconds since the epoch)."""
    lessons: dict[str, Any] = {}
    for lesson_id, p in sorted(progress.items(), key=lambda item: item[1].lesson.order):
        if not p.done and not p.hints:
            continue  # opened, nothing done: nothing worth carrying
        lessons[lesson_id] = {
            "done": {s.id: p.done[s.id] for s in p.lesson.steps if s.id in p.done},
            "hints": p.hints,
            "result": p.result,
        }
    exported = datetime.fromtimestamp(wall, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"format": FORMAT, "version": VERSION, "exported": exported, "lessons": lessons}


# -- import: validation ----------------------------------------------------------------------------


def _seconds(value: Any, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value) \
            or value < 0:
        raise TransferError("import_bad_shape", f"{where}: expected a time in seconds")
    return float(value)


def _count(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise TransferError("import_bad_shape", f"{where}: expected a whole number ≥ 0")
    return value


def _lesson(data: Any, where: str) -> ImportedLesson:
    if not isinstance(data, dict):
        raise TransferError("import_bad_shape", f"{where}: expected an object")
    done = data.get("done", {})
    if not isinstance(done, dict):
        raise TransferError("import_bad_shape", f"{where}.done: expected an object of step times")
    steps = {str(k): _seconds(v, f"{where}.done.{k}") for k, v in done.items()}
    hints = _count(data.get("hints", 0), f"{where}.hints")
    result = data.get("result")
    if result is not None:
        if not isinstance(result, dict):
            raise TransferError("import_bad_shape", f"{where}.result: expected an object or null")
        clean: dict[str, Any] = {}
        if "commands" in result:
            clean["commands"] = _count(result["commands"], f"{where}.result.commands")
        if "finished" in result:
            clean["finished"] = _seconds(result["finished"], f"{where}.result.finished")
        result = clean
    return ImportedLesson(steps, hints, result)


def parse_progress_file(raw: bytes) -> dict[str, ImportedLesson]:
    """The lessons of an exported file, checked; `TransferError` when it is not one."""
    if len(raw) > MAX_BYTES:
        raise TransferError("import_too_large", str(MAX_BYTES // 1024))
    if not raw.strip():
        raise TransferError("import_empty")
    try:
        data = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, ValueError):
        raise TransferError("import_not_json") from None
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise TransferError("import_not_progress")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        raise TransferError("import_wrong_version", str(version))
    lessons = data.get("lessons")
    if not isinstance(lessons, dict):
        raise TransferError("import_bad_shape", "lessons: expected an object")
    return {str(k): _lesson(v, f"lessons.{k}") for k, v in lessons.items()}


# -- import: merging -------------------------------------------------------------------------------


def _unknown_steps(lesson: Lesson, item: ImportedLesson) -> list[str]:
    return [f"{lesson.id}/{s}" for s in item.done if lesson.step(s) is None]


def merge_live(tracker: LessonTracker, imported: Mapping[str, ImportedLesson],
               engine: Engine) -> ImportReport:
    """Merge into a sandbox that is in memory (hold its lock): windows move on its engine now."""
    report = ImportReport()
    for lesson_id, item in imported.items():
        lesson = tracker.lessons.get(lesson_id)
        if lesson is None:
            report.unknown_lessons.append(lesson_id)
            continue
        report.unknown_steps += _unknown_steps(lesson, item)
        report.lessons.append(lesson_id)
        progress = tracker.get(lesson_id)
        if progress is None:
            progress = tracker.progress[lesson_id] = LessonProgress.begin(lesson, engine)
            progress.pending = True
        before = progress.to_data()
        progress.merge(item.done, item.hints, item.result, engine)
        if progress.to_data() != before or progress.pending:
            tracker.save(progress)
    return report


def merge_stored(store: ProgressStore, learner: str, lessons: Iterable[Lesson],
                 imported: Mapping[str, ImportedLesson], wall: float) -> ImportReport:
    """Merge into stored progress (the sandbox is not in memory). A lesson whose active step moved
    loses its engine stamp, so its windows reopen on the engine when the sandbox comes back."""
    known = {lesson.id: lesson for lesson in lessons}
    stored = store.load_progress(learner)
    report = ImportReport()
    for lesson_id, item in imported.items():
        lesson = known.get(lesson_id)
        if lesson is None:
            report.unknown_lessons.append(lesson_id)
            continue
        report.unknown_steps += _unknown_steps(lesson, item)
        report.lessons.append(lesson_id)
        data = stored.get(lesson_id)
        progress = (LessonProgress.from_data(lesson, data) if data is not None
                    else LessonProgress(lesson, pending=True))
        before = progress.to_data()
        moved = progress.merge(item.done, item.hints, item.result)
        if data is not None and progress.to_data() == before:
            continue
        stamp = None if moved or data is None else data.get("engine")
        store.save_progress(learner, lesson_id, progress.to_data() | {"engine": stamp}, wall)
    return report
