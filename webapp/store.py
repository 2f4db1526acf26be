"""Persistence of sandboxes as command logs (event sourcing), in SQLite.

A sandbox is not saved as a snapshot of containers: its log of console lines and keystrokes, each with
the time it was applied, is the truth, and the engine is rebuilt from it. So the store only appends.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCHEMA = """
CREATE TABLE IF NOT EXISTS sandboxes (
    id          TEXT PRIMARY KEY,
    seed        INTEGER NOT NULL,
    created     REAL NOT NULL,   -- the sandbox clock's time at birth (where a replay starts)
    last_active REAL NOT NULL    -- wall-clock time of the last use (for reaping)
);
CREATE TABLE IF NOT EXISTS log (
    sandbox TEXT NOT NULL REFERENCES sandboxes(id) ON DELETE CASCADE,
    seq     INTEGER NOT NULL,
    t       REAL NOT NULL,       -- the sandbox clock's time when the entry was applied
    kind    TEXT NOT NULL,       -- run | input | cancel | setup | file
    data    TEXT NOT NULL,
    PRIMARY KEY (sandbox, seq)
);
CREATE TABLE IF NOT EXISTS lesson_progress (
    learner TEXT NOT NULL,       -- the sandbox id from the learner's cookie (outlives the sandbox)
    lesson  TEXT NOT NULL,
    data    TEXT NOT NULL,       -- JSON: done steps, marks, hints revealed, a challenge's result
    updated REAL NOT NULL,       -- wall-clock time of the last change (for pruning)
    PRIMARY KEY (learner, lesson)
);
"""

# setup: a lesson's hidden set-up line; file: a workspace change, JSON {"path", "text"} or
# {"path", "remove": true}
KINDS = ("run", "input", "cancel", "setup", "file")


@dataclass(frozen=True)
class LogEntry:
    """One thing the learner did: a console line, keystrokes for the running command, hanging up,
    or a change to a workspace file."""

    t: float
    kind: str
    data: str = ""


@dataclass(frozen=True)
class SandboxRecord:
    id: str
    seed: int
    created: float
    last_active: float


class Store:
    """One SQLite connection shared by the server's threads behind a lock (writes are tiny).

    `with self._db` makes each write one transaction, committed when the block ends.
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._db = sqlite3.connect(self.path, check_same_thread=False)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
            self._db.executescript(SCHEMA)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create(self, record: SandboxRecord) -> None:
        """Start a sandbox afresh (an old log under the same id is dropped)."""
        with self._lock, self._db:
            self._db.execute("DELETE FROM sandboxes WHERE id = ?", (record.id,))
            self._db.execute("INSERT INTO sandboxes (id, seed, created, last_active) VALUES (?, ?, ?, ?)",
                             (record.id, record.seed, record.created, record.last_active))

    def load(self, sandbox_id: str) -> tuple[SandboxRecord, list[LogEntry]] | None:
        with self._lock:
            row = self._db.execute("SELECT id, seed, created, last_active FROM sandboxes WHERE id = ?",
                                   (sandbox_id,)).fetchone()
            if row is None:
                return None
            entries = [LogEntry(t, kind, data) for t, kind, data in self._db.execute(
                "SELECT t, kind, data FROM log WHERE sandbox = ? ORDER BY seq", (sandbox_id,))]
        return SandboxRecord(*row), entries

    def has(self, sandbox_id: str) -> bool:
        with self._lock:
            return self._db.execute("SELECT 1 FROM sandboxes WHERE id = ?",
                                    (sandbox_id,)).fetchone() is not None

    def append(self, sandbox_id: str, seq: int, entry: LogEntry, wall: float) -> None:
        with self._lock, self._db:
            self._db.execute("INSERT INTO log (sandbox, seq, t, kind, data) VALUES (?, ?, ?, ?, ?)",
                             (sandbox_id, seq, entry.t, entry.kind, entry.data))
            self._db.execute("UPDATE sandboxes SET last_active = ? WHERE id = ?", (wall, sandbox_id))

    def append_many(self, rows: list[tuple[str, int, LogEntry, float]]) -> None:
        """Several `append`s (of any sandboxes) in one transaction: all of them or none."""
        with self._lock, self._db:
            self._db.executemany("INSERT INTO log (sandbox, seq, t, kind, data) VALUES (?, ?, ?, ?, ?)",
                                 [(i, seq, e.t, e.kind, e.data) for i, seq, e, _ in rows])
            self._db.executemany("UPDATE sandboxes SET last_active = ? WHERE id = ?",
                                 [(wall, i) for i, _, _, wall in rows])

    def touch(self, sandbox_id: str, wall: float) -> None:
        with self._lock, self._db:
            self._db.execute("UPDATE sandboxes SET last_active = ? WHERE id = ?", (wall, sandbox_id))

    def delete(self, sandbox_ids: Iterable[str]) -> None:
        with self._lock, self._db:
            self._db.executemany("DELETE FROM sandboxes WHERE id = ?", [(i,) for i in sandbox_ids])

    def idle_since(self, cutoff: float) -> list[str]:
        """Sandboxes last used before `cutoff` (wall-clock seconds)."""
        with self._lock:
            return [row[0] for row in self._db.execute(
                "SELECT id FROM sandboxes WHERE last_active < ?", (cutoff,))]

    def ids(self) -> list[str]:
        with self._lock:
            return [row[0] for row in self._db.execute("SELECT id FROM sandboxes ORDER BY id")]

    # -- lesson progress (kept per learner, not per sandbox: a reaped or reset sandbox keeps it) ----

    def load_progress(self, learner: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT lesson, data FROM lesson_progress WHERE learner = ?",
                                    (learner,)).fetchall()
        out: dict[str, dict[str, Any]] = {}
        for lesson, data in rows:
            try:
                value = json.loads(data)
            except ValueError:
                continue
            if isinstance(value, dict):
                out[lesson] = value
        return out

    def save_progress(self, learner: str, lesson: str, data: dict[str, Any], wall: float) -> None:
        with self._lock, self._db:
            self._db.execute(
                "INSERT INTO lesson_progress (learner, lesson, data, updated) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (learner, lesson) DO UPDATE SET data = excluded.data, "
                "updated = excluded.updated",
                (learner, lesson, json.dumps(data, separators=(",", ":")), wall))

    def prune_progress(self, before: float) -> int:
        """Forget progress nobody touched since `before` (wall-clock seconds); returns how many."""
        with self._lock, self._db:
            return self._db.execute("DELETE FROM lesson_progress WHERE updated < ?", (before,)).rowcount
