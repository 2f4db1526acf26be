"""The learner's Docker events from the daemon's event stream, and the daemon's health.

`EventFeed` keeps one `GET /events` stream open, filtered to the learner's containers (their session
label, `type=container`). When the stream breaks (the daemon restarted, a proxy dropped it, or a test
closed it) it is re-opened with `since` a moment before the last event delivered, and the events the
daemon replays are matched against the ones already delivered (by `timeNano`, action and actor), so
nothing is lost and nothing is delivered twice. `catch_up()` asks the daemon for the events up to now
(`since` + `until`, a bounded request) through the same de-duplication, to settle the history right
after a command. The daemon keeps only its last 256 events for such replays, so a very long or busy
outage may still lose some: the feed says so in the log.

`DaemonMonitor` pings the daemon twice a second while some engine uses it (one thread per daemon for
the whole process) and tells the engines when it goes away and when it comes back, so a learner hears
about a lost daemon within two seconds even when nothing of theirs was running.
"""

from __future__ import annotations

import collections
import contextlib
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import Any, ClassVar

import requests

from .connection import ApiError, Connection, DaemonUnavailable, shutdown_response

log = logging.getLogger(__name__)

REPLAY_MARGIN_NS = 1_000_000_000  # re-read this much before the last event on re-open
KEEP_KEYS_NS = 30_000_000_000  # remember delivered events' keys this long (well past the margin)
RETRY_DELAY = 0.25


def event_key(event: dict[str, Any]) -> tuple[int, str, str, str]:
    actor = event.get("Actor") or {}
    return (int(event.get("timeNano") or 0), str(event.get("Type", "")), str(event.get("Action", "")),
            str(actor.get("ID", "")))


def nano_to_since(nano: int) -> str:
    """A `since`/`until` value with nanosecond precision ("seconds.nanoseconds")."""
    nano = max(0, nano)
    return f"{nano // 1_000_000_000}.{nano % 1_000_000_000:09d}"


class EventFeed:
    """One learner's events, delivered once each through `deliver(event_dict)`."""

    def __init__(self, connection: Connection, filters: dict[str, list[str]],
                 deliver: Callable[[dict[str, Any]], None], *, lock: Any = None,
                 on_broken: Callable[[], None] | None = None):
        self.conn = connection
        self.outer_lock = lock if lock is not None else contextlib.nullcontext()
        self.filters = filters
        self.deliver = deliver
        self.on_broken = on_broken
        self._lock = threading.Lock()
        self._deliver_lock = threading.Lock()
        self._keys: collections.deque[tuple[int, str, str, str]] = collections.deque()
        self._key_set: set[tuple[int, str, str, str]] = set()
        self.cursor: int | None = None  # timeNano of the newest event delivered
        self.started_at: int | None = None  # daemon time (ns) when the feed began
        self._response: requests.Response | None = None
        self._closed = threading.Event()
        self._thread: threading.Thread | None = None
        self.connected = threading.Event()  # a stream is open and being read
        self.opens = 0  # how many times a stream was opened (tests)
        self.hold = threading.Event()  # set: do not re-open yet (tests simulate a long break)

    # -- life --------------------------------------------------------------------------------------

    def start(self, since_nano: int | None = None) -> None:
        self.started_at = since_nano if since_nano is not None else daemon_now_ns(self.conn)
        self._thread = threading.Thread(target=self._loop, name="lab-events", daemon=True)
        self._thread.start()

    def close(self) -> None:
        """Stop for good (the thread ends on its own: it may be waiting for the engine's lock,
        which the caller may hold, so it is not joined)."""
        self._closed.set()
        self.hold.clear()
        self.break_stream()

    def break_stream(self) -> None:
        """Close the current stream (it is re-opened, from where it was, unless the feed is closed)."""
        with self._lock:
            response = self._response
        if response is not None:
            shutdown_response(response)

    # -- the stream --------------------------------------------------------------------------------

    def _since(self) -> int:
        base = self.cursor if self.cursor is not None else (self.started_at or 0)
        return base - REPLAY_MARGIN_NS

    def _loop(self) -> None:
        first = True
        while not self._closed.is_set():
            while self.hold.is_set() and not self._closed.is_set():
                time.sleep(0.02)
            if self._closed.is_set():
                break
            try:
                response = self.conn.request(
                    "GET", "/events", params={"since": nano_to_since(self._since()),
                                              "filters": self.filters},
                    stream=True, timeout=None)
            except (DaemonUnavailable, ApiError) as err:
                if first or self.connected.is_set():
                    log.info("event stream cannot open: %s", err)
                self.connected.clear()
                first = False
                self._closed.wait(RETRY_DELAY)
                continue
            first = False
            with self._lock:
                if self._closed.is_set():
                    shutdown_response(response)
                    break
                self._response = response
            self.opens += 1
            self.connected.set()
            try:
                self._read(response)
            finally:
                with self._lock:
                    self._response = None
                self.connected.clear()
                shutdown_response(response)
            if not self._closed.is_set():
                log.info("event stream ended; re-opening from %s", nano_to_since(self._since()))
                if self.on_broken is not None:
                    try:
                        self.on_broken()
                    except Exception:
                        log.exception("on_broken failed")

    def _read(self, response: requests.Response) -> None:
        buffer = b""
        try:
            for chunk in response.iter_content(chunk_size=None):
                if not chunk:
                    continue
                buffer += chunk
                while b"\n" in buffer:
                    line, buffer = buffer.split(b"\n", 1)
                    if line.strip():
                        self._ingest_line(line)
        except (requests.exceptions.RequestException, OSError, ValueError, AttributeError):
            pass  # the stream broke: re-opened by the loop
        if buffer.strip():
            self._ingest_line(buffer)

    def _ingest_line(self, line: bytes) -> None:
        try:
            event = json.loads(line)
        except ValueError:
            return
        if isinstance(event, dict):
            self.ingest(event)

    def ingest(self, event: dict[str, Any]) -> bool:
        """Deliver an event unless it was delivered already; returns whether it was new."""
        key = event_key(event)
        # The engine's lock first, always: a command holding it may call catch_up().
        with self.outer_lock, self._deliver_lock:
            if self._closed.is_set() or key in self._key_set:
                return False
            self._key_set.add(key)
            self._keys.append(key)
            self.cursor = key[0] if self.cursor is None else max(self.cursor, key[0])
            horizon = self.cursor - KEEP_KEYS_NS
            while self._keys and self._keys[0][0] < horizon:
                self._key_set.discard(self._keys.popleft())
            try:
                self.deliver(event)
            except Exception:
                log.exception("event delivery failed")
        return True

    def catch_up(self, timeout: float = 5.0) -> int:
        """Fetch the events up to the daemon's now (a bounded request); returns how many were new."""
        until = daemon_now_ns(self.conn)
        try:
            response = self.conn.request(
                "GET", "/events", params={"since": nano_to_since(self._since()),
                                          "until": nano_to_since(until), "filters": self.filters},
                stream=True, timeout=timeout)
        except (DaemonUnavailable, ApiError):
            return 0
        new = 0
        try:
            for line in response.iter_lines():
                if line.strip():
                    try:
                        event = json.loads(line)
                    except ValueError:
                        continue
                    if isinstance(event, dict) and self.ingest(event):
                        new += 1
        except (requests.exceptions.RequestException, OSError):
            pass
        finally:
            response.close()
        return new


# --------------------------------------------------------------------------------------------------
# The daemon's clock
# --------------------------------------------------------------------------------------------------

_offsets: dict[str, tuple[float, float]] = {}  # host -> (offset seconds, measured at)


def daemon_now_ns(conn: Connection) -> int:
    """The daemon's clock now, in ns: the local clock plus an offset measured (once a minute)
    from `/info`'s SystemTime, so a remote daemon with a skewed clock still gets right `since`s."""
    entry = _offsets.get(conn.host)
    now = time.time()
    if entry is None or now - entry[1] > 60:
        offset = 0.0
        try:
            before = time.time()
            info = conn.get("/info", timeout=5)
            after = time.time()
            stamp = str((info or {}).get("SystemTime") or "")
            remote = _parse_rfc3339(stamp)
            if remote is not None:
                offset = remote - (before + after) / 2
                if abs(offset) < 0.5:
                    offset = 0.0  # same machine: trust the local clock
        except (DaemonUnavailable, ApiError):
            offset = entry[0] if entry else 0.0
        _offsets[conn.host] = (offset, now)
        entry = _offsets[conn.host]
    return int((time.time() + entry[0]) * 1_000_000_000)


def _parse_rfc3339(text: str) -> float | None:
    from datetime import datetime

    if not text:
        return None
    base, _, frac = text.partition(".")
    zone = ""
    if frac:
        digits = ""
        for i, ch in enumerate(frac):
            if not ch.isdigit():
                zone = frac[i:]
                break
            digits += ch
        frac = digits
    else:
        for sep in ("Z", "+", "-"):
            idx = base.rfind(sep)
            if idx > 10:
                zone, base = base[idx:], base[:idx]
                break
    zone = "+00:00" if zone in ("", "Z") else zone
    try:
        seconds = datetime.fromisoformat(base + zone).timestamp()
    except ValueError:
        return None
    return seconds + (int(frac[:9].ljust(9, "0")) / 1e9 if frac else 0.0)


# --------------------------------------------------------------------------------------------------
# Health
# --------------------------------------------------------------------------------------------------


class DaemonMonitor:
    """Pings one daemon while engines listen; calls `listener(up: bool)` on each change."""

    INTERVAL = 0.5
    TIMEOUT = 0.8
    _monitors: ClassVar[dict[str, DaemonMonitor]] = {}
    _registry_lock = threading.Lock()

    def __init__(self, host: str):
        self.host = host
        self.conn = Connection(host, timeout=self.TIMEOUT)
        self.up = True
        self._listeners: list[Callable[[bool], None]] = []
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None

    @classmethod
    def for_host(cls, host: str) -> DaemonMonitor:
        with cls._registry_lock:
            monitor = cls._monitors.get(host)
            if monitor is None:
                monitor = cls._monitors[host] = cls(host)
            return monitor

    def listen(self, listener: Callable[[bool], None]) -> Callable[[], None]:
        with self._lock:
            self._listeners.append(listener)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._loop, name="lab-docker-health",
                                                daemon=True)
                self._thread.start()

        def stop() -> None:
            with self._lock:
                if listener in self._listeners:
                    self._listeners.remove(listener)

        return stop

    def poke(self) -> None:
        """Check now (an engine saw a connection fail)."""
        self._wake.set()

    def _loop(self) -> None:
        while True:
            with self._lock:
                if not self._listeners:
                    self._thread = None
                    return
            up = self.conn.ping(self.TIMEOUT)
            if not up:  # one more quick try before declaring it gone (a busy daemon, a blip)
                up = self.conn.ping(0.3)
            if up != self.up:
                self.up = up
                if up:
                    self.conn.close()  # renegotiate: the daemon may have been replaced
                with self._lock:
                    listeners = list(self._listeners)
                for listener in listeners:
                    try:
                        listener(up)
                    except Exception:
                        log.exception("daemon health listener failed")
            self._wake.wait(self.INTERVAL)
            self._wake.clear()
