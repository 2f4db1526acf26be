"""Lesson progress: which step is active, which are done, and when a hint is due.

Steps are taken in order. Only the active step's check is evaluated, with its `step` window starting
when it became active (and the `lesson` window when the lesson started, after its hidden set-up).
When it holds, the step is done and the next one becomes active at once; if the learner's state
already satisfies it, it is done at once too.

Counters for hint timing are not stored: they are read from the engine's command history since the
step's mark (attempts = commands run, failed = those that exited non-zero), so a sandbox rebuilt from
its log gets them back. What is stored (per learner and lesson): done steps, the marks, the hints
revealed, and a challenge's result.

Progress imported from a file (`webapp.lessons.transfer`) for a lesson this learner never opened is
`pending`: its hidden set-up has not run in this sandbox yet, so the first `open` runs it and opens
the windows then, keeping the imported done steps.

`LessonTracker` holds one learner's progress for every lesson they opened; it knows nothing of Flask
or sockets: the live layer calls `open`, `update` and `reveal_hint` and pushes `payload()`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from ..engine.base import Engine
from .checks import Context, Mark
from .model import DEFAULT_LOCALE, Entry, Lesson

HINT_AFTER_FAILED = 2  # failed commands in the active step before a hint is offered
HINT_AFTER_ATTEMPTS = 5  # or commands of any outcome


def _now(engine: Engine) -> float:
    return float(engine.clock.now())


class LessonProgress:
    """One learner's way through one lesson."""

    def __init__(self, lesson: Lesson, *, done: dict[str, float] | None = None,
                 lesson_mark: Mark | None = None, step_mark: Mark | None = None, hints: int = 0,
                 result: dict[str, Any] | None = None, pending: bool = False):
        self.lesson = lesson
        self.done: dict[str, float] = {k: v for k, v in (done or {}).items() if lesson.step(k)}
        self.lesson_mark = lesson_mark or Mark()
        self.step_mark = step_mark or Mark()
        self.hints = hints
        self.result = result
        self.pending = pending  # imported, never opened here: set-up and windows at the first open

    # -- state ---------------------------------------------------------------------------------------

    @classmethod
    def begin(cls, lesson: Lesson, engine: Engine) -> LessonProgress:
        """Start now: both windows open at the engine's current point (after any set-up)."""
        return cls(lesson, lesson_mark=Mark.take(engine), step_mark=Mark.take(engine))

    @property
    def active(self) -> str | None:
        for step in self.lesson.steps:
            if step.id not in self.done:
                return step.id
        return None

    @property
    def completed(self) -> bool:
        return self.active is None

    def update(self, engine: Engine) -> bool:
        """Evaluate the active step (and the next ones while they hold); True if any got done."""
        changed = False
        while (active := self.active) is not None:
            step = self.lesson.step(active)
            assert step is not None
            if not step.check.holds(Context(engine, self.step_mark, self.lesson_mark)):
                break
            self.done[active] = _now(engine)
            self.hints = 0
            self.step_mark = Mark.take(engine)
            changed = True
            if self.active is None:
                self.result = {"commands": self.commands_used(engine), "finished": _now(engine)}
        return changed

    def merge(self, done: dict[str, float], hints: int = 0, result: dict[str, Any] | None = None,
              engine: Engine | None = None) -> bool:
        """Fold in progress made elsewhere (an imported file); True if the active step moved.

        A step done on either side stays done, at the earlier of its two times (the first time the
        learner got there). Hints revealed carry over only while both sides are on the same step; a
        finished challenge keeps the better (fewer commands) of the two results. Unknown step ids
        are ignored (the caller reports them).
        """
        before = self.active
        theirs = next((s.id for s in self.lesson.steps if s.id not in done), None)
        for step_id, when in done.items():
            if self.lesson.step(step_id) is not None:
                self.done[step_id] = min(when, self.done.get(step_id, when))
        moved = self.active != before
        if moved:
            self.hints = 0
            if engine is not None:
                self.step_mark = Mark.take(engine)
        elif theirs == self.active:
            self.hints = min(max(self.hints, hints), self.hints_total())
        if self.completed:
            self.result = _better_result(self.result, result) or {"finished": max(self.done.values())}
        return moved

    def missing(self, engine: Engine, locale: str = DEFAULT_LOCALE) -> list[str]:
        """What the active step still needs, in words (for hints)."""
        active = self.active
        if active is None:
            return []
        step = self.lesson.step(active)
        assert step is not None
        return step.check.missing(Context(engine, self.step_mark, self.lesson_mark), locale)

    # -- counters ------------------------------------------------------------------------------------

    def attempts(self, engine: Engine | None) -> tuple[int, int]:
        """(commands, failed commands) since the active step began."""
        if engine is None:
            return 0, 0
        records = self.step_mark.commands_after(engine.commands)
        return len(records), sum(1 for r in records if r.exit_code not in (0, -1))

    def commands_used(self, engine: Engine | None) -> int:
        if self.result is not None:
            return int(self.result.get("commands", 0))
        return 0 if engine is None else len(self.lesson_mark.commands_after(engine.commands))

    def hints_total(self) -> int:
        active = self.active
        if active is None:
            return 0
        return len(self.lesson.t(DEFAULT_LOCALE).steps[active].hints)

    def hint_ready(self, engine: Engine | None) -> bool:
        attempts, failed = self.attempts(engine)
        return self.active is not None and (failed >= HINT_AFTER_FAILED or attempts >= HINT_AFTER_ATTEMPTS)

    def reveal_hint(self) -> int:
        """Reveal one more hint of the active step; returns how many are revealed now."""
        self.hints = min(self.hints + 1, self.hints_total())
        return self.hints

    # -- the page's view -----------------------------------------------------------------------------

    def payload(self, engine: Engine | None = None) -> dict[str, Any]:
        """The `progress` message: `{lesson, steps: [{id, done}], done, active, ...}`."""
        attempts, failed = self.attempts(engine)
        out: dict[str, Any] = {
            "lesson": self.lesson.id,
            "kind": self.lesson.kind,
            "steps": [{"id": s.id, "done": s.id in self.done} for s in self.lesson.steps],
            "done": [s.id for s in self.lesson.steps if s.id in self.done],
            "active": self.active,
            "completed": self.completed,
            "attempts": attempts,
            "failed": failed,
            "hint_ready": self.hint_ready(engine),
            "hints_revealed": self.hints,
            "hints_total": self.hints_total(),
            "commands_used": self.commands_used(engine),
        }
        if self.lesson.kind == "challenge":
            out["best"] = self.lesson.best
        return out

    # -- persistence ---------------------------------------------------------------------------------

    def to_data(self) -> dict[str, Any]:
        data = {"done": dict(self.done), "lesson_mark": self.lesson_mark.to_data(),
                "step_mark": self.step_mark.to_data(), "hints": self.hints,
                "result": dict(self.result) if self.result is not None else None}
        if self.pending:
            data["pending"] = True
        return data

    @classmethod
    def from_data(cls, lesson: Lesson, data: dict[str, Any], engine: Engine | None = None) -> LessonProgress:
        done = data.get("done") or {}
        return cls(lesson, done={str(k): float(v) for k, v in done.items()} if isinstance(done, dict)
                   else {},
                   lesson_mark=Mark.from_data(data.get("lesson_mark"), engine),
                   step_mark=Mark.from_data(data.get("step_mark"), engine),
                   hints=int(data.get("hints") or 0), result=data.get("result"),
                   pending=bool(data.get("pending")))

    def rebase(self, engine: Engine) -> None:
        """The engine was replaced (sandbox reset): windows restart on it; done steps stay done."""
        self.lesson_mark = Mark.take(engine)
        self.step_mark = Mark.take(engine)


def _better_result(ours: dict[str, Any] | None,
                   theirs: dict[str, Any] | None) -> dict[str, Any] | None:
    """Of two results of the same finished lesson, the one with fewer commands (then the earlier)."""
    if ours is None or theirs is None:
        return ours if theirs is None else theirs

    def key(result: dict[str, Any]) -> tuple[float, float]:
        commands = result.get("commands")
        finished = result.get("finished")
        return (commands if isinstance(commands, int) else float("inf"),
                finished if isinstance(finished, int | float) else float("inf"))

    return theirs if key(theirs) < key(ours) else ours


class ProgressStore(Protocol):
    def load_progress(self, learner: str) -> dict[str, dict[str, Any]]: ...

    def save_progress(self, learner: str, lesson: str, data: dict[str, Any], wall: float) -> None: ...


SetupRunner = Callable[[tuple[Entry, ...]], None]


class LessonTracker:
    """Every lesson one learner (sandbox) has started, persisted in the store."""

    def __init__(self, learner: str, lessons: Iterable[Lesson], store: ProgressStore | None = None,
                 engine: Engine | None = None, stamp: Any = None):
        """`stamp` identifies the engine's history (e.g. the sandbox's seed): progress stored under
        another stamp was made on an engine that is gone, so its windows restart on this one."""
        self.learner = learner
        self.lessons = {lesson.id: lesson for lesson in lessons}
        self.store = store
        self.stamp = stamp
        self.progress: dict[str, LessonProgress] = {}
        stored = store.load_progress(learner) if store is not None else {}
        for lesson_id, data in stored.items():
            lesson = self.lessons.get(lesson_id)
            if lesson is None or not isinstance(data, dict):
                continue
            progress = LessonProgress.from_data(lesson, data, engine)
            if engine is not None and data.get("engine") != stamp:
                progress.rebase(engine)
            self.progress[lesson_id] = progress

    def get(self, lesson_id: str) -> LessonProgress | None:
        return self.progress.get(lesson_id)

    def completed(self) -> set[str]:
        return {i for i, p in self.progress.items() if p.completed}

    def open(self, lesson_id: str, engine: Engine, run_setup: SetupRunner) -> LessonProgress:
        """The learner's progress in a lesson, starting it (set-up included) the first time."""
        found = self.progress.get(lesson_id)
        if found is None:
            return self.restart(lesson_id, engine, run_setup)
        if found.pending:  # imported: its set-up never ran in this sandbox
            if found.lesson.setup and not found.completed:
                run_setup(found.lesson.setup)
            found.rebase(engine)
            found.pending = False
            found.update(engine)
            self.save(found)
        return found

    def restart(self, lesson_id: str, engine: Engine, run_setup: SetupRunner) -> LessonProgress:
        """Start (again) from the first step: run the set-up, open both windows now."""
        lesson = self.lessons[lesson_id]
        if lesson.setup:
            run_setup(lesson.setup)
        progress = self.progress[lesson_id] = LessonProgress.begin(lesson, engine)
        progress.update(engine)
        self.save(progress)
        return progress

    def update(self, engine: Engine, lesson_ids: Iterable[str]) -> list[LessonProgress]:
        """Evaluate the given (open) lessons; returns those whose steps changed (and saves them)."""
        changed = []
        for lesson_id in lesson_ids:
            progress = self.progress.get(lesson_id)
            if progress is not None and progress.update(engine):
                self.save(progress)
                changed.append(progress)
        return changed

    def rebase(self, engine: Engine, run_setup: SetupRunner, open_ids: Iterable[str],
               stamp: Any = None) -> None:
        """After a sandbox reset: set-up again for the open lessons, then new windows for all."""
        self.stamp = stamp
        for lesson_id in open_ids:
            progress = self.progress.get(lesson_id)
            if progress is not None and progress.lesson.setup and not progress.completed:
                run_setup(progress.lesson.setup)
        for progress in self.progress.values():
            progress.rebase(engine)
            self.save(progress)

    def save(self, progress: LessonProgress, wall: float | None = None) -> None:
        if self.store is not None:
            data = progress.to_data() | {"engine": self.stamp}
            self.store.save_progress(self.learner, progress.lesson.id, data,
                                     time.time() if wall is None else wall)
