"""`lifecycle-lab lessons check`: prove every lesson can be solved, and that its checks mean something.

The report has one line per lesson and locale (`why-exit  ko  ok  10 steps`): the lesson's text in
that locale is complete (a title and summary; each step's text and hints; for a lesson, each step's
solution commands as click-to-run blocks in its text, so a learner can reach every one), and its
solutions pass on the engine. `-v` adds the per-step table. Text problems fail only their locale's
line; a solution that fails on the engine fails every locale of its lesson.

For every lesson, on a fresh engine (the simulator on a virtual clock, so 10-second stops and restart
back-offs take no real time): run the hidden set-up, then for each step

1. its check must be FALSE before its solution runs (else it would tick by itself);
2. run the solution entry by entry, letting the progress tracker look after each one exactly as the
   web layer does after each command; the step must not be done before its last entry (else the rest
   of the solution would count for the next step);
3. its check must be TRUE afterwards, and the tracker must have moved on.

A challenge's goal is its one step; its solution must also use exactly `best` commands.

Solution entries that need keystrokes (`docker attach`, `docker run -it`, `docker exec -it`) are
started with a terminal (`engine.execute(line, tty=True)`) and fed their `input:` with
`job.send(...)`; they must return by themselves once it is typed (`exit\\r`, or Ctrl-P Ctrl-Q as
`\\x10\\x11`). `sleep:` entries let virtual time pass.

The same runner drives the real-daemon engine (`--engine docker`), on real time: sleeps are slept,
an interactive entry is waited for (up to `INTERACTIVE_TIMEOUT` seconds), and after every command the
engine's `settle()` lets the daemon's events arrive before a check reads them. Lessons are
independent sandboxes, so `check_lessons(..., parallel=N)` runs N at once (real stops take real
seconds), and closes each engine afterwards.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from ..engine.base import Engine
from ..engine.clock import VirtualClock
from .checks import Context
from .markdown import commands_in
from .model import LOCALES, Entry, Lesson
from .progress import LessonProgress

COMMAND_TIMEOUT = 600.0  # virtual seconds a non-interactive solution command may take
INTERACTIVE_TIMEOUT = 60.0  # seconds (virtual, or real on a daemon) an interactive one may take
KEY_GAP = 0.1  # virtual seconds between keystroke chunks (a prompt appears first)
EVENTUAL = 5.0  # real seconds a real engine's step may take to show done after its last command


@dataclass
class StepResult:
    lesson: str
    step: str
    before: bool | None = None
    after: bool | None = None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems and self.before is False and self.after is True


@dataclass
class LessonResult:
    lesson: str
    steps: list[StepResult] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # on the engine, whatever the locale
    texts: dict[str, list[str]] = field(default_factory=dict)  # locale -> problems of its text

    @property
    def solved(self) -> bool:
        """The solutions pass on the engine."""
        return not self.problems and all(s.ok for s in self.steps)

    def locale_ok(self, locale: str) -> bool:
        return self.solved and not self.texts.get(locale)

    @property
    def ok(self) -> bool:
        return self.solved and not any(self.texts.values())


def text_problems(lesson: Lesson, locale: str) -> list[str]:
    """What the lesson's `locale` text lacks (the loader refuses most of it; this says it per
    locale, and checks that each solution command can be clicked in the step's text)."""
    text = lesson.text.get(locale)
    if text is None:
        return [f"no {locale} text"]
    problems = []
    if not text.title.strip():
        problems.append("no title")
    if not text.summary.strip():
        problems.append("no summary")
    for step in lesson.steps:
        st = text.steps.get(step.id)
        if st is None:
            problems.append(f"step {step.id!r} has no text")
            continue
        if lesson.kind == "lesson" and not st.body.strip():
            problems.append(f"step {step.id!r} has no text")
        if not st.hints or not all(h.strip() for h in st.hints):
            problems.append(f"step {step.id!r} lacks hints")
        if lesson.kind == "lesson":
            blocks = commands_in(st.body)
            problems += [f"step {step.id!r}: the solution {line!r} is not a click-to-run block in "
                         "its text" for line in step.commands if line not in blocks]
            problems += [f"step {step.id!r}: the solution edits {e.file}, which its text does not "
                         "name" for e in step.solution if e.file is not None and e.file not in st.body]
    return problems


def _advance(engine: Engine, seconds: float) -> None:
    clock = engine.clock
    if isinstance(clock, VirtualClock):
        with engine.lock:
            clock.advance(seconds)
    else:
        time.sleep(seconds)


def _settle(engine: Engine) -> None:
    """On a real engine, let the events of what just happened reach its history."""
    if not isinstance(engine.clock, VirtualClock):
        engine.settle()


def write_file(engine: Engine, entry: Entry) -> str | None:
    """A file entry, written into the engine's workspace as the page's editor would; a problem or
    None. (A sandbox writes through `Sandbox.write_file`, which also logs it.)"""
    assert entry.file is not None
    try:
        with engine.lock:
            engine.workspace.write(entry.file, entry.text)
    except ValueError as err:  # WorkspaceError
        return f"writing {entry.file}: {err}"
    return None


def drive(engine: Engine, entry: Entry) -> tuple[int | None, str | None]:
    """Do one solution/set-up entry; returns (exit code or None for a sleep or a file, problem or
    None)."""
    if entry.file is not None:
        return None, write_file(engine, entry)
    if entry.line is None:
        _advance(engine, entry.sleep or 0.0)
        return None, None
    if not entry.input:
        result = engine.run(entry.line, timeout=COMMAND_TIMEOUT)
        _settle(engine)
        if result.exit_code == -1:
            return -1, (f"{entry.line!r} did not return within {COMMAND_TIMEOUT:g} s (attached to a "
                        "container that keeps running? use -d, or give input:)")
        return result.exit_code, None
    job = engine.execute(entry.line, tty=True)
    _advance(engine, KEY_GAP)
    for keys in entry.input:
        with engine.lock:
            job.send(keys)
        _advance(engine, KEY_GAP)
    engine.wait(job, INTERACTIVE_TIMEOUT)
    if not job.done:
        with engine.lock:
            job.cancel()
        return -1, f"{entry.line!r} was still attached after its input {list(entry.input)!r}"
    _settle(engine)
    return job.exit_code, None


def _eventually_done(engine: Engine, progress: LessonProgress, step_id: str) -> None:
    """On real time a container may end a moment after the command that made it end: as the
    web layer re-evaluates on every event, keep looking a little while for the step to be done."""
    if isinstance(engine.clock, VirtualClock):
        return
    deadline = time.monotonic() + EVENTUAL
    while step_id not in progress.done and time.monotonic() < deadline:
        engine.settle(0.1)
        progress.update(engine)


def run_setup(engine: Engine, entries: Iterable[Entry]) -> list[str]:
    """Run a lesson's hidden set-up (kept out of the command history); returns problems."""
    problems = []
    for entry in entries:
        if entry.file is not None:
            problem = write_file(engine, entry)
            if problem:
                problems.append(f"set-up: {problem}")
            continue
        if entry.line is None:
            _advance(engine, entry.sleep or 0.0)
            continue
        job = engine.execute(entry.line, tty=False, record=False)
        with engine.lock:
            job.close_stdin()
        if not job.done:
            with engine.lock:
                job.cancel()
            problems.append(f"set-up {entry.line!r} did not return at once")
        elif job.exit_code != 0:
            problems.append(f"set-up {entry.line!r} exited {job.exit_code}: {job.stderr.strip()[:200]}")
    _settle(engine)
    return problems


def check_lesson(lesson: Lesson, make_engine: Callable[[], Engine]) -> LessonResult:
    result = LessonResult(lesson.id, texts={loc: text_problems(lesson, loc) for loc in LOCALES})
    engine = make_engine()
    result.problems += run_setup(engine, lesson.setup)
    progress = LessonProgress.begin(lesson, engine)
    progress.update(engine)
    for step in lesson.steps:
        sr = StepResult(lesson.id, step.id)
        result.steps.append(sr)
        if step.id in progress.done:
            sr.before = True
            sr.problems.append("already done before its solution ran")
            continue
        if progress.active != step.id:
            sr.problems.append(f"not reached (the active step is {progress.active!r})")
            continue
        step_mark, lesson_mark = progress.step_mark, progress.lesson_mark
        sr.before = step.check.holds(Context(engine, step_mark, lesson_mark))
        if sr.before:
            sr.problems.append("its check holds before its solution ran")
        else:
            for locale in LOCALES:
                if not step.check.missing(Context(engine, step_mark, lesson_mark), locale):
                    sr.problems.append(f"explain() finds nothing missing in {locale}")
        for i, entry in enumerate(step.solution):
            _, problem = drive(engine, entry)
            if problem:
                sr.problems.append(problem)
                break
            progress.update(engine)
            if i == len(step.solution) - 1:
                _eventually_done(engine, progress, step.id)
            if step.id in progress.done and i < len(step.solution) - 1:
                rest = len(step.solution) - 1 - i
                sr.problems.append(f"done after solution entry {i + 1} of {len(step.solution)}: the "
                                   f"last {rest} would count for the next step")
                break
        sr.after = step.check.holds(Context(engine, step_mark, lesson_mark))
        if not sr.after:
            missing = step.check.missing(Context(engine, step_mark, lesson_mark), "en")
            sr.problems.append("its check does not hold after its solution: " + " ".join(missing))
        elif step.id not in progress.done and not sr.problems:
            sr.problems.append("the tracker did not mark it done")
    if lesson.kind == "challenge" and lesson.best is not None:
        commands = sum(1 for s in lesson.steps for e in s.solution if e.line is not None)
        if commands != lesson.best:
            result.problems.append(f"best is {lesson.best} but the solution uses {commands} commands")
        used = progress.payload(engine)["commands_used"]
        if progress.completed and used != lesson.best:
            result.problems.append(f"the tracker counted {used} commands, best is {lesson.best}")
    if all(s.ok for s in result.steps) and not progress.completed:
        result.problems.append("the tracker does not see the lesson as completed")
    return result


def check_lessons(lessons: Iterable[Lesson], make_engine: Callable[[], Engine], *,
                  parallel: int = 1) -> list[LessonResult]:
    """Check every lesson, each on a fresh engine (closed afterwards)."""
    def one(lesson: Lesson) -> LessonResult:
        engines: list[Engine] = []

        def make() -> Engine:
            engine = make_engine()
            engines.append(engine)
            return engine

        try:
            return check_lesson(lesson, make)
        finally:
            for engine in engines:
                engine.close()

    lessons = list(lessons)
    if parallel <= 1:
        return [one(lesson) for lesson in lessons]
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=parallel) as pool:
        return list(pool.map(one, lessons))


def _word(value: bool | None) -> str:
    return "-" if value is None else ("true" if value else "false")


def _table(rows: Sequence[tuple[str, ...]], gap: str = "  ") -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return [gap.join(cell.ljust(widths[i]) for i, cell in enumerate(row)).rstrip() for row in rows]


def format_results(results: list[LessonResult], *, verbose: bool = False) -> str:
    """One line per lesson and locale, problems under them, and a summary line; `verbose` puts
    the per-step table (check before and after each solution) first."""
    lines: list[str] = []
    if verbose:
        steps_table = [("LESSON", "STEP", "BEFORE", "AFTER", "RESULT")]
        for lr in results:
            for sr in lr.steps:
                steps_table.append((lr.lesson, sr.step, _word(sr.before), _word(sr.after),
                                    "ok" if sr.ok else "FAIL"))
        lines += [*_table(steps_table, "   "), ""]
    rows: list[tuple[str, ...]] = []
    for lr in results:
        count = len(lr.steps)
        for locale in LOCALES:
            rows.append((lr.lesson, locale, "ok" if lr.locale_ok(locale) else "FAIL",
                         f"{count} step{'' if count == 1 else 's'}"))
    if rows:
        lines += _table(rows)
    problems = []
    for lr in results:
        problems += [f"{lr.lesson}: {p}" for p in lr.problems]
        for sr in lr.steps:
            problems += [f"{lr.lesson}/{sr.step}: {p}" for p in sr.problems]
        for locale in LOCALES:
            problems += [f"{lr.lesson} ({locale}): {p}" for p in lr.texts.get(locale, [])]
    steps = sum(len(lr.steps) for lr in results)
    failed = sum(1 for lr in results if not lr.ok)
    if problems:
        lines += ["", *problems]
    lines.append("")
    plural = "" if len(results) == 1 else "s"
    head = f"{len(results)} lesson{plural} in {len(LOCALES)} locales, {steps} steps"
    if failed:
        lines.append(f"{head}: {failed} lesson(s) FAILED")
    else:
        lines.append(f"{head}: all passed")
    return "\n".join(lines) + "\n"
