"""Hijacked attach and exec connections on the real daemon, as `AttachStream`s.

The bytes go through `streams.Bridge` (a reader thread, demultiplexing, UTF-8 decoding). For a
container the daemon reads the detach keys itself (and logs `detach`); the bridge only watches for
them to know why the stream ended. For exec the keys are caught on this side and the connection
closed, as the docker CLI does.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from ..futures import Future
from .connection import RawStream
from .streams import Bridge

EXEC_END_WAIT = 2.0  # seconds an ended exec stream waits for the daemon to see the process end


class DaemonAttach:
    """One hijacked connection bridged to the CLI."""

    def __init__(self, raw: RawStream, *, tty: bool, stdin: bool, keys: str, client_escape: bool,
                 name: str, settled: Callable[[], None] | None = None):
        self.ended: Future[str] = Future()
        self._raw = raw
        self._settled = settled  # run on the reader thread before `ended` settles
        self._bridge = Bridge(self._write, tty=tty, stdin=stdin,
                              escape_keys=keys.encode("latin-1", "replace"),
                              client_escape=client_escape, name=name, on_end=self._finished)
        self._sink: Callable[[str, str], None] | None = None
        self._closed = False

    def _write(self, text: str, stream: str) -> None:
        if self._sink is not None:
            self._sink(stream, text)

    def _finished(self) -> None:
        if self._closed:
            self.ended.set_result("closed")
            return
        if self._bridge.escape.seen:
            self.ended.set_result("detached")
            return
        if self._settled is not None:
            self._settled()
        self.ended.set_result("eof")

    def connect(self, on_output: Callable[[str, str], None]) -> None:
        self._sink = on_output
        self._bridge.connect(self._raw)

    def write(self, data: str) -> None:
        self._bridge.feed(data)

    def close_stdin(self) -> None:
        self._bridge.close_stdin()

    def close(self) -> None:
        self._closed = True
        self._bridge.close()
        if self._bridge.stream is None:  # never connected: the raw socket is ours to close
            self._raw.close()


def exec_settled(inspect: Callable[[], dict[str, Any]]) -> Callable[[], None]:
    """Wait (a little) until the daemon no longer reports the exec running, so its exit code is
    there when the CLI asks."""

    def wait() -> None:
        deadline = time.monotonic() + EXEC_END_WAIT
        while inspect().get("Running") and time.monotonic() < deadline:
            time.sleep(0.02)

    return wait
