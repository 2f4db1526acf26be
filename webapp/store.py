"""Persistence of sandboxes as command logs (event sourcing), in the lab's database.

A sandbox is not saved as a snapshot of containers: its log of console lines and keystrokes, each with
the time it was applied, is the truth, and the engine is rebuilt from it. So the store only appends.
The tables are in webapp/schema.py; `LAB_DB` picks SQLite or PostgreSQL (webapp/db.py).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import bindparam, delete, func, insert, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError, SQLAlchemyError

from .db import Database
from .schema import lesson_progress, log, sandboxes

StoreError = SQLAlchemyError  # any failure of the database (IntegrityError: a `seq` taken)
__all__ = ["KINDS", "IntegrityError", "LogEntry", "SandboxRecord", "Store", "StoreError"]

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


# The statements on every command's path, built once (building one costs more than running it).
_TOUCH = (update(sandboxes).where(sandboxes.c.id == bindparam("sid"))
          .values(last_active=bindparam("wall")))
_POSITION = select(sandboxes.c.seed, select(func.max(log.c.seq))
                   .where(log.c.sandbox == bindparam("sid")).scalar_subquery()
                   ).where(sandboxes.c.id == bindparam("sid"))
_RECORD = select(sandboxes.c.id, sandboxes.c.seed, sandboxes.c.created,
                 sandboxes.c.last_active).where(sandboxes.c.id == bindparam("sid"))
_ENTRIES = (select(log.c.t, log.c.kind, log.c.data).where(log.c.sandbox == bindparam("sid"))
            .order_by(log.c.seq))


class Store:
    """Sandboxes, their logs and lesson progress, one short transaction per call.

    `target` is `LAB_DB`'s value (a SQLite path or a PostgreSQL URL) or an open Database (then
    shared with the class store, and closed by its owner).
    """

    def __init__(self, target: str | Path | Database):
        self._owned = not isinstance(target, Database)
        self.db = Database.open(target)
        self.path = self.db.target.shown

    def close(self) -> None:
        if self._owned:
            self.db.dispose()

    def create(self, record: SandboxRecord) -> None:
        """Start a sandbox afresh (an old log under the same id is dropped)."""
        with self.db.write() as conn:
            conn.execute(delete(log).where(log.c.sandbox == record.id))
            conn.execute(delete(sandboxes).where(sandboxes.c.id == record.id))
            conn.execute(insert(sandboxes).values(id=record.id, seed=record.seed,
                                                  created=record.created,
                                                  last_active=record.last_active))

    def load(self, sandbox_id: str) -> tuple[SandboxRecord, list[LogEntry]] | None:
        with self.db.read() as conn:
            row = conn.execute(_RECORD, {"sid": sandbox_id}).first()
            if row is None:
                return None
            entries = [LogEntry(t, kind, data)
                       for t, kind, data in conn.execute(_ENTRIES, {"sid": sandbox_id})]
        return SandboxRecord(*row), entries

    def has(self, sandbox_id: str) -> bool:
        with self.db.read() as conn:
            return conn.execute(select(sandboxes.c.id).where(sandboxes.c.id == sandbox_id)
                                ).first() is not None

    def last_seq(self, sandbox_id: str) -> int | None:
        """The highest `seq` logged for the sandbox (None: no entries). Another process that wrote
        to the same sandbox makes this run ahead of a copy held in memory."""
        with self.db.read() as conn:
            return conn.execute(select(func.max(log.c.seq)).where(log.c.sandbox == sandbox_id)
                                ).scalar()

    def position(self, sandbox_id: str) -> tuple[int, int | None] | None:
        """(seed, last seq) of a sandbox in one query, None when it is not stored: a copy in
        memory with another seed was reset elsewhere, one with fewer entries fell behind."""
        with self.db.read() as conn:
            row = conn.execute(_POSITION, {"sid": sandbox_id}).first()
        return (row[0], row[1]) if row is not None else None

    def append(self, sandbox_id: str, seq: int, entry: LogEntry, wall: float) -> None:
        """Raises IntegrityError when `seq` is taken (another process logged to this sandbox)."""
        self.append_many([(sandbox_id, seq, entry, wall)])

    def append_many(self, rows: list[tuple[str, int, LogEntry, float]]) -> None:
        """Several `append`s (of any sandboxes) in one transaction: all of them or none."""
        if not rows:
            return
        latest = {i: wall for i, _, _, wall in rows}
        p = self.db.paramstyle
        with self.db.raw_write() as cursor:  # every command's path: the driver directly
            cursor.executemany(f"INSERT INTO log (sandbox, seq, t, kind, data) "
                               f"VALUES ({p}, {p}, {p}, {p}, {p})",
                               [(i, seq, e.t, e.kind, e.data) for i, seq, e, _ in rows])
            cursor.executemany(f"UPDATE sandboxes SET last_active = {p} WHERE id = {p}",
                               [(wall, i) for i, wall in latest.items()])

    def touch(self, sandbox_id: str, wall: float) -> None:
        with self.db.write() as conn:
            conn.execute(_TOUCH, {"sid": sandbox_id, "wall": wall})

    def delete(self, sandbox_ids: Iterable[str]) -> None:
        ids = list(sandbox_ids)
        if not ids:
            return
        with self.db.write() as conn:
            conn.execute(delete(log).where(log.c.sandbox.in_(ids)))
            conn.execute(delete(sandboxes).where(sandboxes.c.id.in_(ids)))

    def idle_since(self, cutoff: float) -> list[str]:
        """Sandboxes last used before `cutoff` (wall-clock seconds)."""
        with self.db.read() as conn:
            return list(conn.execute(select(sandboxes.c.id)
                                     .where(sandboxes.c.last_active < cutoff)).scalars())

    def ids(self) -> list[str]:
        with self.db.read() as conn:
            return list(conn.execute(select(sandboxes.c.id).order_by(sandboxes.c.id)).scalars())

    # -- lesson progress (kept per learner, not per sandbox: a reaped or reset sandbox keeps it) ----

    def load_progress(self, learner: str) -> dict[str, dict[str, Any]]:
        with self.db.read() as conn:
            rows = conn.execute(select(lesson_progress.c.lesson, lesson_progress.c.data)
                                .where(lesson_progress.c.learner == learner)).all()
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
        values = {"learner": learner, "lesson": lesson, "updated": wall,
                  "data": json.dumps(data, separators=(",", ":"))}
        with self.db.write() as conn:
            conn.execute(upsert(self.db, lesson_progress, values, ("learner", "lesson")))

    def prune_progress(self, before: float) -> int:
        """Forget progress nobody touched since `before` (wall-clock seconds); returns how many."""
        with self.db.write() as conn:
            return conn.execute(delete(lesson_progress)
                                .where(lesson_progress.c.updated < before)).rowcount


def upsert(db: Database, table: Any, values: dict[str, Any], keys: tuple[str, ...]) -> Any:
    """INSERT … ON CONFLICT (keys) DO UPDATE the other columns, in either backend's dialect."""
    stmt = (postgresql.insert(table) if db.kind == "postgresql" else sqlite.insert(table)).values(
        **values)
    return stmt.on_conflict_do_update(
        index_elements=list(keys),
        set_={k: stmt.excluded[k] for k in values if k not in keys})
