"""Instructor walkthroughs: classes, learners and the shared state of a class, without Flask.

A *class* has a short code (what learners type or scan), an instructor secret (only its SHA-256 is
stored; the secret itself lives in the instructor's signed session cookie) and the id of the
instructor's sandbox. Each *learner* is a row keyed by their sandbox id (never shown to anyone) with
a unique nickname, which the dashboard uses.

Everything that must outlive one server process lives in a `ClassStore`: SQLite (the lab's database
file, shared by processes on one machine) by default, Redis when `LAB_MESSAGE_QUEUE` names a Redis
server. Processes tell each other about class-wide actions (reset every sandbox, end the class) on a
`ClassBus`: in-process by default, a Redis pub/sub channel with Redis.

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
import sqlite3
import threading
import time
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud and typed by hand
CODE_LENGTH = 6
NAME_MAX = 24
SCREEN_MAX = 24_000  # characters of the instructor's terminal kept for late joiners
HISTORY_MAX = 200  # instructor events kept for late joiners (like the console's `hello`)
CLASS_TTL = 7 * 86400  # seconds a class lives in Redis after its last change
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


class SQLiteClassStore(ClassStore):
    """Tables of their own in the lab's SQLite file; `BEGIN IMMEDIATE` makes updates atomic across
    processes sharing the file."""

    SCHEMA = """
    CREATE TABLE IF NOT EXISTS class_rooms (code TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS class_learners (
        code TEXT NOT NULL, learner TEXT NOT NULL, name_key TEXT NOT NULL, data TEXT NOT NULL,
        PRIMARY KEY (code, learner), UNIQUE (code, name_key));
    CREATE TABLE IF NOT EXISTS class_members (
        sandbox TEXT PRIMARY KEY, code TEXT NOT NULL, role TEXT NOT NULL, name TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS class_snapshots (code TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE IF NOT EXISTS class_processes (pid TEXT PRIMARY KEY, seen REAL NOT NULL);
    """

    def __init__(self, path: str | Path):
        self.path = str(path)
        if self.path != ":memory:":
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.RLock()
        self._db = sqlite3.connect(self.path, check_same_thread=False, isolation_level=None,
                                   timeout=10)
        with self._lock:
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.executescript(self.SCHEMA)

    @contextmanager
    def _tx(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (`BEGIN IMMEDIATE`), so read-modify-write is atomic."""
        with self._lock:
            self._db.execute("BEGIN IMMEDIATE")
            try:
                yield self._db
            except BaseException:
                self._db.execute("ROLLBACK")
                raise
            self._db.execute("COMMIT")

    def _one(self, sql: str, args: tuple[Any, ...]) -> Any:
        with self._lock:
            return self._db.execute(sql, args).fetchone()

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def create_class(self, record: ClassRecord) -> None:
        with self._tx() as db:
            db.execute("INSERT INTO class_rooms (code, data) VALUES (?, ?)", (record.code, record.to_json()))

    def get_class(self, code: str) -> ClassRecord | None:
        row = self._one("SELECT data FROM class_rooms WHERE code = ?", (code,))
        return ClassRecord.from_json(row[0]) if row else None

    def update_class(self, code: str, fn: Callable[[ClassRecord], None]) -> ClassRecord | None:
        with self._tx() as db:
            row = db.execute("SELECT data FROM class_rooms WHERE code = ?", (code,)).fetchone()
            if row is None:
                return None
            record = ClassRecord.from_json(row[0])
            fn(record)
            db.execute("UPDATE class_rooms SET data = ? WHERE code = ?", (record.to_json(), code))
            return record

    def claim_name(self, code: str, name: str, learner: str) -> bool:
        key = name.casefold()
        with self._tx() as db:
            owner = db.execute("SELECT learner FROM class_learners WHERE code = ? AND name_key = ?",
                               (code, key)).fetchone()
            if owner is not None:
                return owner[0] == learner
            mine = db.execute("SELECT data FROM class_learners WHERE code = ? AND learner = ?",
                              (code, learner)).fetchone()
            if mine is not None:  # a new nickname for the same learner
                row = json.loads(mine[0])
                row["name"] = name
                db.execute("UPDATE class_learners SET name_key = ?, data = ? WHERE code = ? AND "
                           "learner = ?", (key, json.dumps(row), code, learner))
                return True
            record = db.execute("SELECT data FROM class_rooms WHERE code = ?", (code,)).fetchone()
            epoch = ClassRecord.from_json(record[0]).reset_epoch if record else 0
            db.execute("INSERT INTO class_learners (code, learner, name_key, data) VALUES (?, ?, ?, ?)",
                       (code, learner, key, json.dumps(new_learner(name, time.time(), epoch))))
            return True

    def get_learner(self, code: str, learner: str) -> dict[str, Any] | None:
        row = self._one("SELECT data FROM class_learners WHERE code = ? AND learner = ?", (code, learner))
        return json.loads(row[0]) if row else None

    def update_learner(self, code: str, learner: str,
                       fn: Callable[[dict[str, Any]], None]) -> dict[str, Any] | None:
        with self._tx() as db:
            found = db.execute("SELECT data FROM class_learners WHERE code = ? AND learner = ?",
                               (code, learner)).fetchone()
            if found is None:
                return None
            row = json.loads(found[0])
            fn(row)
            db.execute("UPDATE class_learners SET data = ? WHERE code = ? AND learner = ?",
                       (json.dumps(row, separators=(",", ":")), code, learner))
            return row

    def put_learner(self, code: str, learner: str, row: dict[str, Any]) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO class_learners (code, learner, name_key, data) "
                       "VALUES (?, ?, ?, ?)", (code, learner, row["name"].casefold(), json.dumps(row)))

    def learners(self, code: str) -> dict[str, dict[str, Any]]:
        with self._lock:
            rows = self._db.execute("SELECT learner, data FROM class_learners WHERE code = ?",
                                    (code,)).fetchall()
        return {learner: json.loads(data) for learner, data in rows}

    def set_membership(self, sandbox: str, code: str, role: str, name: str = "") -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO class_members (sandbox, code, role, name) "
                       "VALUES (?, ?, ?, ?)", (sandbox, code, role, name))

    def membership(self, sandbox: str) -> tuple[str, str, str] | None:
        row = self._one("SELECT code, role, name FROM class_members WHERE sandbox = ?", (sandbox,))
        return (row[0], row[1], row[2]) if row else None

    def get_snapshot(self, code: str) -> Snapshot:
        row = self._one("SELECT data FROM class_snapshots WHERE code = ?", (code,))
        return Snapshot.from_json(row[0] if row else None)

    def put_snapshot(self, code: str, snapshot: Snapshot) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO class_snapshots (code, data) VALUES (?, ?)",
                       (code, snapshot.to_json()))

    def heartbeat(self, pid: str, now: float) -> None:
        with self._tx() as db:
            db.execute("INSERT OR REPLACE INTO class_processes (pid, seen) VALUES (?, ?)", (pid, now))
            db.execute("DELETE FROM class_processes WHERE seen < ?", (now - 10 * PROCESS_TTL,))

    def alive(self, now: float) -> set[str]:
        with self._lock:
            rows = self._db.execute("SELECT pid FROM class_processes WHERE seen >= ?",
                                    (now - PROCESS_TTL,)).fetchall()
        return {r[0] for r in rows}


class RedisClassStore(ClassStore):
    """The same in Redis: one JSON string per class, a hash of learners per class, WATCH/MULTI for
    read-modify-write, keys that expire a week after the class's last change."""

    def __init__(self, url: str, prefix: str = "lifecycle-lab:"):
        import redis  # optional: only when LAB_MESSAGE_QUEUE is a Redis URL

        self.redis = redis.Redis.from_url(url)
        self.prefix = prefix
        self._watch_error = redis.WatchError

    def _k(self, *parts: str) -> str:
        return self.prefix + ":".join(parts)

    def _touch(self, pipe: Any, code: str) -> None:
        for key in (self._k("class", code), self._k("class", code, "learners"),
                    self._k("class", code, "names"), self._k("class", code, "snapshot")):
            pipe.expire(key, CLASS_TTL)

    def _update(self, key: str, load: Callable[[bytes], Any], dump: Callable[[Any], str],
                fn: Callable[[Any], None], field_name: str | None = None) -> Any:
        while True:
            with self.redis.pipeline() as pipe:
                try:
                    pipe.watch(key)
                    raw = pipe.hget(key, field_name) if field_name else pipe.get(key)
                    if raw is None:
                        pipe.unwatch()
                        return None
                    value = load(raw)
                    fn(value)
                    pipe.multi()
                    if field_name:
                        pipe.hset(key, field_name, dump(value))
                    else:
                        pipe.set(key, dump(value), keepttl=True)
                    pipe.execute()
                    return value
                except self._watch_error:
                    continue

    def create_class(self, record: ClassRecord) -> None:
        if not self.redis.set(self._k("class", record.code), record.to_json(), nx=True, ex=CLASS_TTL):
            raise ClassError("that class code is taken")

    def get_class(self, code: str) -> ClassRecord | None:
        raw = self.redis.get(self._k("class", code))
        return ClassRecord.from_json(raw) if raw else None

    def update_class(self, code: str, fn: Callable[[ClassRecord], None]) -> ClassRecord | None:
        record = self._update(self._k("class", code), ClassRecord.from_json, ClassRecord.to_json, fn)
        if record is not None:
            with self.redis.pipeline() as pipe:
                self._touch(pipe, code)
                pipe.execute()
        return record

    def claim_name(self, code: str, name: str, learner: str) -> bool:
        names, rows = self._k("class", code, "names"), self._k("class", code, "learners")
        key = name.casefold()
        while True:
            with self.redis.pipeline() as pipe:
                try:
                    pipe.watch(names, rows)
                    owner = pipe.hget(names, key)
                    if owner is not None:
                        pipe.unwatch()
                        return owner.decode() == learner
                    mine = pipe.hget(rows, learner)
                    record = self.get_class(code)
                    pipe.multi()
                    if mine is not None:
                        row = json.loads(mine)
                        pipe.hdel(names, row["name"].casefold())
                        row["name"] = name
                    else:
                        row = new_learner(name, time.time(), record.reset_epoch if record else 0)
                    pipe.hset(names, key, learner)
                    pipe.hset(rows, learner, json.dumps(row))
                    self._touch(pipe, code)
                    pipe.execute()
                    return True
                except self._watch_error:
                    continue

    def get_learner(self, code: str, learner: str) -> dict[str, Any] | None:
        raw = self.redis.hget(self._k("class", code, "learners"), learner)
        return json.loads(raw) if raw else None

    def update_learner(self, code: str, learner: str,
                       fn: Callable[[dict[str, Any]], None]) -> dict[str, Any] | None:
        return self._update(self._k("class", code, "learners"), json.loads,
                            lambda row: json.dumps(row, separators=(",", ":")), fn, learner)

    def put_learner(self, code: str, learner: str, row: dict[str, Any]) -> None:
        with self.redis.pipeline() as pipe:
            pipe.hset(self._k("class", code, "learners"), learner, json.dumps(row))
            pipe.hset(self._k("class", code, "names"), row["name"].casefold(), learner)
            self._touch(pipe, code)
            pipe.execute()

    def learners(self, code: str) -> dict[str, dict[str, Any]]:
        raw = self.redis.hgetall(self._k("class", code, "learners"))
        return {k.decode(): json.loads(v) for k, v in raw.items()}

    def set_membership(self, sandbox: str, code: str, role: str, name: str = "") -> None:
        self.redis.set(self._k("member", sandbox), json.dumps([code, role, name]), ex=CLASS_TTL)

    def membership(self, sandbox: str) -> tuple[str, str, str] | None:
        raw = self.redis.get(self._k("member", sandbox))
        if not raw:
            return None
        code, role, name = json.loads(raw)
        return code, role, name

    def get_snapshot(self, code: str) -> Snapshot:
        return Snapshot.from_json(self.redis.get(self._k("class", code, "snapshot")))

    def put_snapshot(self, code: str, snapshot: Snapshot) -> None:
        self.redis.set(self._k("class", code, "snapshot"), snapshot.to_json(), ex=CLASS_TTL)

    def heartbeat(self, pid: str, now: float) -> None:
        self.redis.set(self._k("process", pid), str(now), ex=int(PROCESS_TTL))

    def alive(self, now: float) -> set[str]:
        start = len(self._k("process", ""))
        return {k.decode()[start:] for k in self.redis.scan_iter(self._k("process", "*"), count=200)}

    def close(self) -> None:
        self.redis.close()


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
