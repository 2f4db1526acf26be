"""Lesson progress over the `/lab` Socket.IO namespace.

Each console (connection) may have one lesson page open. The relay keeps, per sandbox, a
`LessonTracker` (in `sandbox.extras["lessons"]`), evaluates the open lessons after every command
and, a moment after any Docker event (a container that dies later, a restart policy firing), and
pushes a `progress` message to each console whose lesson changed:

    server -> client  progress  {"lesson", "steps": [{"id", "done"}], "done": [ids], "active",
                                 "completed", "attempts", "failed", "hint_ready", "hints_revealed",
                                 "hints_total", "commands_used", ("best" for challenges)}

The namespace (`webapp.live`) routes the client's requests here:

    client -> server  lesson {"id": "why-exit", "restart": false, "lang": "ko"}  -> ack: progress
                      lesson {"id": null}                                      -> ack: {"lesson": null}
                      hint   {"lang": "ko"}   -> ack: {"lesson", "step", "hints": [html], "revealed",
                                                       "total", "missing": [sentences]}

Opening a lesson for the first time runs its hidden set-up in the sandbox (logged, so a rebuild
replays it, but kept out of the learner's command history); its seeded `files:` are written into the
sandbox's workspace first, through `Sandbox.write_file`, logged the same way.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .lessons import Catalog, Entry, LessonTracker
from .session import Sandbox

REFRESH_DELAY = 0.05  # seconds of sandbox time after an event before lessons are re-evaluated


@dataclass
class _SandboxLessons:
    tracker: LessonTracker
    unsubscribe: Any = None
    scheduled: bool = False


class LessonRelay:
    """Which lesson each console has open, and the progress pushes that follow its commands."""

    def __init__(self, emit: Callable[[str, Any, str], None], catalog: Catalog, store: Any):
        self.emit = emit  # emit(event, data, sid)
        self.catalog = catalog
        self.store = store
        self._open: dict[str, tuple[str, str]] = {}  # sid -> (sandbox id, lesson id)
        self._last: dict[str, dict[str, Any]] = {}  # sid -> last progress pushed
        self._lock = threading.Lock()

    # -- plumbing ----------------------------------------------------------------------------------

    @staticmethod
    def _runner(sandbox: Sandbox) -> Any:
        def run(entries: tuple[Entry, ...]) -> None:
            for entry in entries:  # seeded files first (they come first), then the hidden lines
                if entry.file is not None:
                    sandbox.write_file(entry.file, entry.text)
            sandbox.run_setup([e.line for e in entries if e.line is not None])
        return run

    def _consoles(self, sandbox: Sandbox) -> dict[str, str]:
        with self._lock:
            return {sid: lesson for sid, (box, lesson) in self._open.items() if box == sandbox.id}

    def on_engine(self, sandbox: Sandbox) -> None:
        """The sandbox got an engine: created or rebuilt (load progress), or reset (rebase)."""
        state: _SandboxLessons | None = sandbox.extras.get("lessons")
        stamp = sandbox.record.seed
        if state is None:
            tracker = LessonTracker(sandbox.id, self.catalog, self.store, sandbox.engine, stamp)
            state = sandbox.extras["lessons"] = _SandboxLessons(tracker)
        else:
            open_ids = set(self._consoles(sandbox).values())
            state.tracker.rebase(sandbox.engine, self._runner(sandbox), open_ids, stamp)
        with sandbox.lock:
            if state.unsubscribe is not None:
                state.unsubscribe()
            state.scheduled = False
            state.unsubscribe = sandbox.engine.subscribe(
                lambda _event: self._on_event(sandbox, state))

    def _on_event(self, sandbox: Sandbox, state: _SandboxLessons) -> None:
        if state.scheduled or not self._consoles(sandbox):
            return
        state.scheduled = True

        def fire() -> None:
            state.scheduled = False
            self.refresh(sandbox)

        sandbox.clock.call_later(REFRESH_DELAY, fire)

    # -- requests ----------------------------------------------------------------------------------

    def open(self, sid: str, sandbox: Sandbox, lesson_id: str, *, restart: bool = False) -> dict[str, Any]:
        """This console shows `lesson_id`: start it if new (set-up), return its progress."""
        if self.catalog.get(lesson_id) is None:
            raise KeyError(lesson_id)
        with self._lock:
            self._open[sid] = (sandbox.id, lesson_id)
        with sandbox.lock:
            state: _SandboxLessons = sandbox.extras["lessons"]
            tracker = state.tracker
            if restart:
                progress = tracker.restart(lesson_id, sandbox.engine, self._runner(sandbox))
            else:
                progress = tracker.open(lesson_id, sandbox.engine, self._runner(sandbox))
            tracker.update(sandbox.engine, [lesson_id])
            payload = progress.payload(sandbox.engine)
        with self._lock:
            self._last[sid] = payload
        return payload

    def close(self, sid: str) -> None:
        with self._lock:
            self._open.pop(sid, None)
            self._last.pop(sid, None)

    def lesson_of(self, sid: str) -> str | None:
        with self._lock:
            found = self._open.get(sid)
        return found[1] if found else None

    def hint(self, sid: str, sandbox: Sandbox, locale: str) -> dict[str, Any]:
        """Reveal the next hint of the active step; with what the check still misses."""
        lesson_id = self.lesson_of(sid)
        if lesson_id is None:
            raise LookupError("no lesson is open on this console: send 'lesson' first")
        with sandbox.lock:
            tracker: LessonTracker = sandbox.extras["lessons"].tracker
            progress = tracker.get(lesson_id)
            if progress is None or progress.active is None:
                return {"lesson": lesson_id, "step": None, "hints": [], "revealed": 0, "total": 0,
                        "missing": []}
            active = progress.active
            revealed = progress.reveal_hint()
            tracker.save(progress)
            text = progress.lesson.t(locale).steps[active]
            answer = {"lesson": lesson_id, "step": active, "hints": list(text.hints_html[:revealed]),
                      "revealed": revealed, "total": len(text.hints_html),
                      "missing": progress.missing(sandbox.engine, locale)}
        self.refresh(sandbox)
        return answer

    # -- pushes ------------------------------------------------------------------------------------

    def refresh(self, sandbox: Sandbox, *, force: bool = False) -> None:
        """Evaluate the lessons open on this sandbox's consoles; push `progress` where it changed."""
        consoles = self._consoles(sandbox)
        if not consoles:
            return
        with sandbox.lock:
            state: _SandboxLessons | None = sandbox.extras.get("lessons")
            if state is None:
                return
            state.tracker.update(sandbox.engine, set(consoles.values()))
            payloads = {}
            for sid, lesson_id in consoles.items():
                progress = state.tracker.get(lesson_id)
                if progress is not None:
                    payloads[sid] = progress.payload(sandbox.engine)
        for sid, payload in payloads.items():
            with self._lock:
                if sid not in self._open or (not force and self._last.get(sid) == payload):
                    continue
                self._last[sid] = payload
            self.emit("progress", payload, sid)
