"""Instructor walkthroughs: classes, learners and the shared state of a class, without Flask.

A *class* has a short code (what learners type or scan), an instructor secret (only its SHA-256 is
stored; the secret itself lives in the instructor's signed session cookie) and the id of the
instructor's sandbox. Each *learner* is a row keyed by their sandbox id (never shown to anyone) with
a unique nickname, which the dashboard uses.

Everything that must outlive one server process lives in the `ClassStore`: tables in the lab's
database (`LAB_DB`: a SQLite file shared by processes on one machine, or PostgreSQL shared by
processes anywhere). Processes tell each other about class-wide actions (reset every sandbox, end the
class) on a `ClassBus`: in-process by default, a Redis pub/sub channel when `LAB_MESSAGE_QUEUE` names
a Redis server. Redis carries only messages, never state.

The instructor's console is mirrored to learners as a *snapshot* (the last events, the containers and
the terminal's recent text) plus a numbered stream of changes: each change bumps `seq`, the snapshot is
written before the change is sent, so a late joiner (on any process) reads the snapshot and then
ignores the changes it already contains.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import secrets
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from ..db import Database
from ..schema import class_learners, class_members, class_processes, class_rooms, class_snapshots
from ..store import upsert

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 6
NAME_MAX = 24
SCREEN_MAX = 24_000  # characters of the instructor's terminal kept for late joiners
HISTORY_MAX = 200  # instructor events kept for late joiners (like the console's `hello`)
PROCESS_TTL = 30.0  # a process whose heartbeat is older than this is gone (its sockets too)
STATES = ("created", "running", "paused", "restarting", "exited", "dead")  # what containers can be


class ClassError(Exception):
    """A request about a class that is refused; the message (English) is meant for a person.

    `key` names the same message in webapp/ui_text.py and `params` fill its placeholders, so a page
    shows it in the reader's language; scripted clients and logs get the English message.
    """

    def __init__(self, message: str, key: str | None = None, **params: Any):
        super().__init__(message)
        self.key = key
        self.params = params


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalize_code(code: str) -> str:
    """What a person typed (`ab-c d2k`) as a code (`ABCD2K`)."""
    return "".join(ch for ch in str(code).upper() if ch.isascii() and ch.isalnum())[:16]


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def clean_name(raw: Any) -> str:
    """A nickname fit for a dashboard: printable, single-spaced, at most NAME_MAX characters.

    Real names pass: apostrophes (O'Brien, O’Brien), hyphens, dots, any script (김민준). Every
    page escapes the name where it shows it (Jinja autoescaping, text nodes in the scripts).
    """
    if not isinstance(raw, str):
        raise ClassError("a nickname must be text", "join_err_empty")
    text = unicodedata.normalize("NFC", raw)
    text = "".join(ch if unicodedata.category(ch)[0] not in "CZ" or ch == " " else " " for ch in text)
    text = " ".join(text.split())
    if not text:
        raise ClassError("please choose a nickname", "join_err_empty")
    if len(text) > NAME_MAX:
        raise ClassError(f"a nickname has at most {NAME_MAX} characters", "join_err_long", n=NAME_MAX)
    if any(ch in text for ch in "<>"):  # markup look-alikes; real names never need them
        raise ClassError("a nickname cannot contain < or >", "join_err_chars")
    return text


@dataclass
class ClassRecord:
    code: str
    secret_hash: str
    instructor_sandbox: str
    created: float
    title: str = ""
    ended: float | None = None
    focus: dict[str, Any] | None = None  # {"lesson", "step", "at"}: where the instructor sent everyone
    reset_epoch: int = 0  # bumped by "reset every sandbox"; a learner row behind it is reset on sight

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes) -> ClassRecord:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def check(self, secret: Any) -> bool:
        return isinstance(secret, str) and bool(secret) and hmac.compare_digest(
            hash_secret(secret), self.secret_hash)

    def public(self) -> dict[str, Any]:
        return {"code": self.code, "title": self.title, "ended": self.ended is not None,
                "focus": self.focus}


# -- learners ----------------------------------------------------------------------------------------


def new_learner(name: str, now: float, reset_epoch: int = 0) -> dict[str, Any]:
    return {"name": name, "joined": now, "sids": {}, "following": True, "lesson": None,
            "step": None, "steps_done": 0, "steps_total": 0, "completed": False, "containers": {},
            "last_error": None, "errors_in_row": 0, "last_progress": now, "last_active": now,
            "commands": 0, "reset_epoch": reset_epoch}


def count_states(containers: Iterable[dict[str, Any]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for c in containers:
        state = str(c.get("state") or "")
        if state:
            out[state] = out.get(state, 0) + 1
    return out


def apply_activity(row: dict[str, Any], kind: str, data: dict[str, Any], now: float) -> None:
    """Fold one thing a learner did (or had happen) into their dashboard row."""
    if kind == "connected":
        row["sids"][data["sid"]] = data["pid"]
    elif kind == "disconnected":
        row["sids"].pop(data["sid"], None)
    elif kind == "following":
        row["following"] = bool(data["on"])
    elif kind == "containers":
        row["containers"] = count_states(data["containers"])
    elif kind == "command":
        row["commands"] = int(row.get("commands", 0)) + 1
        row["last_active"] = now
        if data.get("failed"):
            row["errors_in_row"] = int(row.get("errors_in_row", 0)) + 1
            row["last_error"] = {"line": str(data.get("line", ""))[:200],
                                 "message": str(data.get("message", ""))[:300], "at": now}
        else:
            row["errors_in_row"] = 0
    elif kind == "progress":
        done = len(data.get("done") or [])
        moved = data.get("lesson") != row.get("lesson") or done > int(row.get("steps_done", 0))
        row["lesson"] = data.get("lesson")
        row["step"] = data.get("active")
        row["steps_done"] = done
        row["steps_total"] = len(data.get("steps") or [])
        row["completed"] = bool(data.get("completed"))
        if moved:
            row["last_progress"] = now
            row["errors_in_row"] = 0
    elif kind == "goto":  # the instructor moved everyone: the clock for "stuck" starts again
        row["last_progress"] = now
        row["errors_in_row"] = 0
    elif kind == "reset":
        row["containers"] = {}
        row["errors_in_row"] = 0
        row["last_error"] = None
        row["last_progress"] = now
        row["reset_epoch"] = int(data.get("epoch", row.get("reset_epoch", 0)))
    else:  # pragma: no cover - a programming error
        raise ValueError(f"unknown activity {kind!r}")


@dataclass(frozen=True)
class StuckRule:
    seconds: float = 300.0  # no step done for this long, while a lesson is open
    errors: int = 3  # this many failed commands in a row


def learner_view(row: dict[str, Any], now: float, alive: set[str], rule: StuckRule) -> dict[str, Any]:
    """What the dashboard shows of one learner (no sandbox id, no socket ids)."""
    connected = any(pid in alive for pid in (row.get("sids") or {}).values())
    errors = int(row.get("errors_in_row", 0))
    lesson_open = bool(row.get("lesson")) and not row.get("completed")
    quiet = now - float(row.get("last_progress", now))
    reason = kind = None  # kind ("errors" | "quiet") lets a page word the reason in its language
    if connected:
        if errors >= rule.errors:
            reason, kind = f"{errors} failed commands in a row", "errors"
        elif lesson_open and quiet >= rule.seconds:
            reason, kind = f"no progress for {int(quiet // 60)} min", "quiet"
    return {
        "name": row["name"], "connected": connected, "following": bool(row.get("following")),
        "lesson": row.get("lesson"), "step": row.get("step"),
        "steps_done": int(row.get("steps_done", 0)), "steps_total": int(row.get("steps_total", 0)),
        "completed": bool(row.get("completed")), "containers": dict(row.get("containers") or {}),
        "last_error": row.get("last_error"), "errors_in_row": errors,
        "commands": int(row.get("commands", 0)), "stuck": reason is not None, "stuck_reason": reason,
        "stuck_kind": kind, "quiet_minutes": int(quiet // 60),
        "idle_seconds": max(0, int(now - float(row.get("last_active", now)))),
    }


def heatmap(views: Iterable[dict[str, Any]]) -> dict[str, int]:
    """How many learners have at least one container in each state."""
    out = dict.fromkeys(STATES, 0)
    for view in views:
        for state, n in view["containers"].items():
            if n > 0:
                out[state] = out.get(state, 0) + 1
    return out


def dashboard(record: ClassRecord, rows: Iterable[dict[str, Any]], now: float, alive: set[str],
              rule: StuckRule) -> dict[str, Any]:
    views = sorted((learner_view(r, now, alive, rule) for r in rows), key=lambda v: v["name"].lower())
    return {"class": record.public(), "learners": views, "heatmap": heatmap(views),
            "connected": sum(v["connected"] for v in views), "stuck": sum(v["stuck"] for v in views),
            "rule": {"seconds": rule.seconds, "errors": rule.errors}, "now": now}


# -- the instructor's mirror ------------------------------------------------------------------------


@dataclass
class Snapshot:
    seq: int = 0
    screen: str = ""
    history: list[dict[str, Any]] = field(default_factory=list)
    containers: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), separators=(",", ":"))

    @classmethod
    def from_json(cls, text: str | bytes | None) -> Snapshot:
        if not text:
            return cls()
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def apply(self, kind: str, data: Any) -> None:
        """One change of the instructor's console; the caller bumps `seq`."""
        if kind == "output":
            self.screen = (self.screen + data)[-SCREEN_MAX:]
        elif kind == "event":
            self.history = (self.history + [data])[-HISTORY_MAX:]
        elif kind == "state":
            self.containers = list(data)
        elif kind == "hello":
            self.history = list(data.get("history", []))[-HISTORY_MAX:]
            self.containers = list(data.get("containers", []))
            if "screen" in data:
                self.screen = str(data["screen"])[-SCREEN_MAX:]
        else:  # pragma: no cover
            raise ValueError(kind)


# -- stores ------------------------------------------------------------------------------------------


class ClassStore:
    """Where classes, learners, memberships, snapshots and process heartbeats live."""

    def create_class(self, record: ClassRecord) -> None: raise NotImplementedError
    def get_class(self, code: str) -> ClassRecord | None: raise NotImplementedError
    def update_class(self, code: str, fn: Callable[[ClassRecord], None]) -> ClassRecord | None:
        raise NotImplementedError
    def claim_name(self, code: str, name: str, learner: str) -> bool: raise NotImplementedError
    def get_learner(self, code: str, learner: str) -> dict[str, Any] | None: raise NotImplementedError
    def update_learner(self, code: str, learner: str,
                       fn: Callable[[dict[str, Any]], None]) -> dict[str, Any] | None:
        raise NotImplementedError
    def put_learner(self, code: str, learner: str, row: dict[str, Any]) -> None:
        raise NotImplementedError
    def learners(self, code: str) -> dict[str, dict[str, Any]]: raise NotImplementedError
    def set_membership(self, sandbox: str, code: str, role: str, name: str = "") -> None:
        raise NotImplementedError
    def membership(self, sandbox: str) -> tuple[str, str, str] | None: raise NotImplementedError
    def get_snapshot(self, code: str) -> Snapshot: raise NotImplementedError
    def put_snapshot(self, code: str, snapshot: Snapshot) -> None: raise NotImplementedError
    def heartbeat(self, pid: str, now: float) -> None: raise NotImplementedError
    def alive(self, now: float) -> set[str]: raise NotImplementedError
    def close(self) -> None: pass


class SQLClassStore(ClassStore):
    """Tables of their own in the lab's database (webapp/schema.py), SQLite or PostgreSQL.

    A read-modify-write is one transaction that locks what it changes: `SELECT … FOR UPDATE` on
    PostgreSQL, `BEGIN IMMEDIATE` on SQLite, so processes sharing the database never lose an update.
    """

    def __init__(self, target: str | Path | Database):
        self._owned = not isinstance(target, Database)
        self.db = Database.open(target)
        self._for_update = self.db.kind == "postgresql"

    def _locked(self, stmt: Any) -> Any:
        return stmt.with_for_update() if self._for_update else stmt

    def close(self) -> None:
        if self._owned:
            self.db.dispose()

    def create_class(self, record: ClassRecord) -> None:
        try:
            with self.db.write() as conn:
                conn.execute(insert(class_rooms).values(code=record.code, data=record.to_json()))
        except IntegrityError:
            raise ClassError("that class code is taken") from None

    def get_class(self, code: str) -> ClassRecord | None:
        with self.db.read() as conn:
            data = conn.execute(select(class_rooms.c.data).where(class_rooms.c.code == code)).scalar()
        return ClassRecord.from_json(data) if data is not None else None

    def update_class(self, code: str, fn: Callable[[ClassRecord], None]) -> ClassRecord | None:
        with self.db.write() as conn:
            data = conn.execute(self._locked(select(class_rooms.c.data)
                                             .where(class_rooms.c.code == code))).scalar()
            if data is None:
                return None
            record = ClassRecord.from_json(data)
            fn(record)
            conn.execute(update(class_rooms).where(class_rooms.c.code == code)
                         .values(data=record.to_json()))
            return record

    def claim_name(self, code: str, name: str, learner: str) -> bool:
        key = name.casefold()
        rows = class_learners.c
        with self.db.write() as conn:
            # the class's row is the lock every claim in the class takes first
            room = conn.execute(self._locked(select(class_rooms.c.data)
                                             .where(class_rooms.c.code == code))).scalar()
            owner = conn.execute(select(rows.learner).where(rows.code == code,
                                                            rows.name_key == key)).scalar()
            if owner is not None:
                return bool(owner == learner)
            mine = conn.execute(select(rows.data).where(rows.code == code,
                                                        rows.learner == learner)).scalar()
            if mine is not None:  # a new nickname for the same learner
                row = json.loads(mine)
                row["name"] = name
                conn.execute(update(class_learners).where(rows.code == code, rows.learner == learner)
                             .values(name_key=key, data=json.dumps(row)))
                return True
            epoch = ClassRecord.from_json(room).reset_epoch if room is not None else 0
            conn.execute(insert(class_learners).values(
                code=code, learner=learner, name_key=key,
                data=json.dumps(new_learner(name, time.time(), epoch))))
            return True

    def get_learner(self, code: str, learner: str) -> dict[str, Any] | None:
        rows = class_learners.c
        with self.db.read() as conn:
            data = conn.execute(select(rows.data).where(rows.code == code,
                                                        rows.learner == learner)).scalar()
        return json.loads(data) if data is not None else None

    def update_learner(self, code: str, learner: str,
                       fn: Callable[[dict[str, Any]], None]) -> dict[str, Any] | None:
        rows = class_learners.c
        with self.db.write() as conn:
            data = conn.execute(self._locked(select(rows.data).where(
                rows.code == code, rows.learner == learner))).scalar()
            if data is None:
                return None
            row = json.loads(data)
            fn(row)
            conn.execute(update(class_learners).where(rows.code == code, rows.learner == learner)
                         .values(data=json.dumps(row, separators=(",", ":"))))
            return dict(row)

    def put_learner(self, code: str, learner: str, row: dict[str, Any]) -> None:
        rows = class_learners.c
        key = row["name"].casefold()
        with self.db.write() as conn:  # as INSERT OR REPLACE: whoever held the row or the name
            conn.execute(delete(class_learners).where(
                rows.code == code, or_(rows.learner == learner, rows.name_key == key)))
            conn.execute(insert(class_learners).values(code=code, learner=learner, name_key=key,
                                                       data=json.dumps(row)))

    def learners(self, code: str) -> dict[str, dict[str, Any]]:
        rows = class_learners.c
        with self.db.read() as conn:
            found = conn.execute(select(rows.learner, rows.data).where(rows.code == code)).all()
        return {learner: json.loads(data) for learner, data in found}

    def set_membership(self, sandbox: str, code: str, role: str, name: str = "") -> None:
        with self.db.write() as conn:
            conn.execute(upsert(self.db, class_members, {"sandbox": sandbox, "code": code,
                                                         "role": role, "name": name},
                                ("sandbox",)))

    def membership(self, sandbox: str) -> tuple[str, str, str] | None:
        m = class_members.c
        with self.db.read() as conn:
            row = conn.execute(select(m.code, m.role, m.name).where(m.sandbox == sandbox)).first()
        return (row[0], row[1], row[2]) if row else None

    def get_snapshot(self, code: str) -> Snapshot:
        with self.db.read() as conn:
            data = conn.execute(select(class_snapshots.c.data)
                                .where(class_snapshots.c.code == code)).scalar()
        return Snapshot.from_json(data)

    def put_snapshot(self, code: str, snapshot: Snapshot) -> None:
        with self.db.write() as conn:
            conn.execute(upsert(self.db, class_snapshots,
                                {"code": code, "data": snapshot.to_json()}, ("code",)))

    def heartbeat(self, pid: str, now: float) -> None:
        with self.db.write() as conn:
            conn.execute(upsert(self.db, class_processes, {"pid": pid, "seen": now}, ("pid",)))
            conn.execute(delete(class_processes)
                         .where(class_processes.c.seen < now - 10 * PROCESS_TTL))

    def alive(self, now: float) -> set[str]:
        with self.db.read() as conn:
            return set(conn.execute(select(class_processes.c.pid)
                                    .where(class_processes.c.seen >= now - PROCESS_TTL)).scalars())


# -- the bus between processes ---------------------------------------------------------------------


Handler = Callable[[str, dict[str, Any]], None]


class LocalBus:
    """One process: a message is handled at once, in the caller's thread."""

    def __init__(self) -> None:
        self.handler: Handler | None = None

    def start(self, handler: Handler) -> None:
        self.handler = handler

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        if self.handler is not None:
            self.handler(kind, data)

    def close(self) -> None:
        self.handler = None


class RedisBus:
    """Every process subscribes to one channel; a message reaches all of them (the sender too)."""

    def __init__(self, url: str, channel: str = "lifecycle-lab-class"):
        import redis

        self.redis = redis.Redis.from_url(url)
        self._redis_error = redis.RedisError
        self.channel = channel
        self.handler: Handler | None = None
        self._pubsub: Any = None
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()
        self._ready = threading.Event()

    def start(self, handler: Handler) -> None:
        self.handler = handler
        self._pubsub = self.redis.pubsub()  # its subscribe confirmation sets `_ready`
        self._pubsub.subscribe(self.channel)
        self._thread = threading.Thread(target=self._listen, name="lab-class-bus", daemon=True)
        self._thread.start()

    def _listen(self) -> None:
        while not self._stop.is_set():
            try:
                message = self._pubsub.get_message(timeout=1.0)
            except (OSError, self._redis_error):  # Redis went away: keep trying, quietly
                self._ready.clear()  # until the subscription is confirmed again
                if self._stop.wait(1.0):
                    return
                continue
            if message and message.get("type") == "subscribe":
                self._ready.set()
            if not message or message.get("type") != "message":
                continue
            try:
                body = json.loads(message["data"])
                if self.handler is not None:
                    self.handler(body["kind"], body["data"])
            except Exception:
                log.exception("class bus message failed")

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Wait until Redis has confirmed the subscription: from then on every message published
        on the channel reaches this bus (Redis drops messages for a channel nobody listens to)."""
        return self._ready.wait(timeout)

    def publish(self, kind: str, data: dict[str, Any]) -> None:
        self.redis.publish(self.channel, json.dumps({"kind": kind, "data": data}))

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=3)
        if self._pubsub is not None:
            try:
                self._pubsub.close()
            except (OSError, self._redis_error):
                log.debug("could not close the class bus subscription", exc_info=True)
        self.redis.close()


def is_redis_url(url: str | None) -> bool:
    return bool(url) and str(url).startswith(("redis://", "rediss://", "unix://"))
