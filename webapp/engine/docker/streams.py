"""A container's terminal or standard streams, bridged to a console `Job`.

`Bridge` owns one hijacked attach/exec connection (`RawStream`):

* output: a reader thread turns the daemon's bytes into the job's stdout/stderr text (raw for a TTY,
  demultiplexed for plain streams), decoding UTF-8 incrementally so a character split across two
  reads stays whole;
* input: the job's keystrokes go to the container as raw bytes. With a TTY the container's own
  terminal echoes and edits; the detach keys (Ctrl-P Ctrl-Q) travel on to the daemon, which detaches
  (and logs the `detach` event), and are watched here so the job knows why the stream ended. For
  `exec` they are caught here instead and the connection is closed, as the docker CLI does (a 20.10
  daemon that detects them itself kills the exec's process);
* keystrokes typed before the connection is up are kept and sent once it is (a `docker run -it`
  starts after its first key may already have been typed).
"""

from __future__ import annotations

import codecs
import logging
import threading
from collections.abc import Callable

from .connection import RawStream, demux

log = logging.getLogger(__name__)

Write = Callable[[str, str], None]  # (text, "stdout" | "stderr")


class EscapeWatch:
    """Recognises the detach sequence in keystrokes the way moby/term's escape proxy does, without
    swallowing them (the daemon acts on them)."""

    def __init__(self, keys: bytes):
        self.keys = keys
        self.pos = 0
        self.seen = False

    def feed(self, data: bytes) -> None:
        if not self.keys:
            return
        for byte in data:
            if byte == self.keys[self.pos]:
                self.pos += 1
                if self.pos == len(self.keys):
                    self.seen = True
                    self.pos = 0
            else:
                self.pos = 1 if byte == self.keys[0] else 0


class Bridge:
    """One attach or exec connection feeding one job (see the module docstring)."""

    def __init__(self, write: Write, *, tty: bool, stdin: bool, escape_keys: bytes = b"",
                 name: str = "attach", client_escape: bool = False,
                 on_end: Callable[[], None] | None = None):
        self.write = write
        self.on_end = on_end  # called once the output stream is over
        self.tty = tty
        self.stdin = stdin
        self.escape = EscapeWatch(escape_keys if tty and stdin else b"")
        self.client_escape = client_escape
        self.name = name
        self.stream: RawStream | None = None
        self._pending: list[bytes] = []
        self._eof_pending = False
        self._lock = threading.Lock()
        self.ended = threading.Event()  # the output stream is over (exit, detach, or closed)
        self.stdin_closed = False
        self.closed = False
        self._thread: threading.Thread | None = None
        self.output_seen = False

    # -- input ---------------------------------------------------------------------------------------

    def feed(self, data: str) -> None:
        """Keystrokes (or piped input) from the job."""
        if not self.stdin or self.stdin_closed:
            return
        raw = data.encode("utf-8", "surrogateescape")
        if self.client_escape:
            self._feed_catching_escape(raw)
            return
        self.escape.feed(raw)
        self._send(raw)

    def _feed_catching_escape(self, raw: bytes) -> None:
        """moby/term's escape proxy: the detach keys are not sent; they end the connection."""
        keys, watch = self.escape.keys, self.escape
        if not keys:
            self._send(raw)
            return
        out = bytearray()
        for byte in raw:
            if byte == keys[watch.pos]:
                watch.pos += 1
                if watch.pos == len(keys):
                    watch.pos = 0
                    watch.seen = True
                    if out:
                        self._send(bytes(out))
                    self.close()
                    return
                continue
            if watch.pos:
                out += keys[:watch.pos]
                watch.pos = 0
            out.append(byte)
        if out:
            self._send(bytes(out))

    def _send(self, raw: bytes) -> None:
        with self._lock:
            if self.stream is None:
                self._pending.append(raw)
                return
            stream = self.stream
        stream.send(raw)

    def close_stdin(self) -> None:
        """End of input: half-close, so the daemon closes the container's stdin."""
        if self.stdin_closed:
            return
        self.stdin_closed = True
        with self._lock:
            if self.stream is None:
                self._eof_pending = True
                return
            stream = self.stream
        stream.close_write()

    # -- the connection ------------------------------------------------------------------------------

    def connect(self, stream: RawStream) -> None:
        """The daemon's stream is up: send what was typed so far, start reading."""
        with self._lock:
            if self.closed:
                stream.close()
                self._end()
                return
            self.stream = stream
            pending, self._pending = self._pending, []
            eof = self._eof_pending
        for raw in pending:
            stream.send(raw)
        if eof:
            stream.close_write()
        self._thread = threading.Thread(target=self._read, name=f"lab-{self.name}", daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self.stream is not None
        decoders = {1: codecs.getincrementaldecoder("utf-8")("replace"),
                    2: codecs.getincrementaldecoder("utf-8")("replace")}
        try:
            if self.tty:
                while True:
                    data = self.stream.recv()
                    if not data:
                        break
                    self._out(1, decoders[1].decode(data))
            else:
                for kind, data in demux(self.stream):
                    kind = 2 if kind == 2 else 1
                    self._out(kind, decoders[kind].decode(data))
            for kind, decoder in decoders.items():
                self._out(kind, decoder.decode(b"", final=True))
        except Exception:  # never let a reader thread die loudly; the job ends below
            log.exception("%s stream failed", self.name)
        finally:
            self._end()

    def _end(self) -> None:
        if self.ended.is_set():
            return
        self.ended.set()
        if self.on_end is not None:
            self.on_end()

    def _out(self, kind: int, text: str) -> None:
        if text and not self.closed:
            self.output_seen = True
            self.write(text, "stderr" if kind == 2 else "stdout")

    def close(self) -> None:
        """Stop bridging (the job ends or hangs up); the container is not affected."""
        with self._lock:
            self.closed = True
            stream = self.stream
        if stream is not None:
            stream.close()
        else:
            self._end()

    def wait(self, timeout: float | None = None) -> bool:
        return self.ended.wait(timeout)
