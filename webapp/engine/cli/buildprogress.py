"""`docker build`'s output, as docker buildx prints it: BuildKit's progress on stderr.

Both engines hand the CLI the daemon's build messages (JSON); `BuildDisplay.message` takes each one
and `BuildDisplay.finish` ends the display:

* BuildKit's solve status, `{"id": "moby.buildkit.trace", "aux": {"vertexes": [...],
  "statuses": [...], "logs": [...]}}`, where a vertex is `{"digest", "name", "started",
  "completed", "cached", "error"}`, a warning `{"vertex", "level", "short"}`, a status `{"id", "vertex", "current", "total", "started",
  "completed", "timestamp"}` and a log `{"vertex", "stream", "data", "timestamp"}` (times in Unix
  seconds, None while not yet). Rendered as buildkit's util/progress/progressui does: `plain`
  (printer.go: `#1 [internal] load build definition from Dockerfile`, `#1 transferring
  dockerfile: 68B done`, `#1 DONE 0.0s`, `#5 0.123 hi`, `#5 CACHED`, `#5 ERROR: ...`) or `tty`
  (display.go's last frame: `[+] Building 0.4s (6/6) FINISHED   docker:default`, ` => [1/2] FROM
  ...   0.0s`); `quiet` shows nothing.
* The image ID, `{"id": "moby.image.id", "aux": {"ID": "sha256:..."}}` or the classic builder's
  `{"aux": {"ID": ...}}`.
* The classic builder's stream, `{"stream": "Step 1/2 : FROM busybox\\n"}`, printed as it comes
  (on stdout, as `docker build` without BuildKit does), and `{"errorDetail": {"message": ...},
  "error": ...}`, kept as `error`.

An `on_message` callback raises `BuildCancelled` once its client has gone away (Ctrl-C): the engine
then stops the build, as BuildKit cancels a solve whose session has closed.

`failure_text` gives what buildx prints after the display when the build failed: the failing
step's last output lines, the Dockerfile lines around the failure, `ERROR: failed to build: ...`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

JSON = dict[str, Any]
LOG_LINES_KEPT = 10  # buildkit's logsBuffer: the last lines of a step, shown again on its failure
INSTANCE_LINE = '#0 building with "default" instance using docker driver\n\n'
COLOR_DONE, COLOR_ERROR, COLOR_WARN, RESET = "\x1b[34m", "\x1b[31m", "\x1b[33m", "\x1b[0m"


class BuildCancelled(Exception):
    """The client is gone (Ctrl-C): raised from `on_message`; the engine abandons the build."""


@dataclass
class _Vertex:
    digest: str
    index: int
    name: str
    started: float | None = None
    completed: float | None = None
    cached: bool = False
    error: str = ""
    statuses: list[JSON] = field(default_factory=list)
    partial: str = ""
    last_lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class BuildDisplay:
    """One build's display. `err` gets BuildKit's progress (stderr), `out` the classic builder's
    stream (stdout). `mode`: "plain", "tty" or "quiet"; `width`: the terminal's columns (tty)."""

    def __init__(self, err: Callable[[str], None], mode: str, *,
                 out: Callable[[str], None] | None = None, width: int = 80,
                 desc: str = "docker:default", instance: bool = True):
        self.err = err
        self.out = out or err
        self.mode = mode
        self.width = width if width > 0 else 80
        self.desc = desc
        self.instance = instance
        self.vertexes: dict[str, _Vertex] = {}
        self.order: list[_Vertex] = []
        self.current: _Vertex | None = None
        self.image_id: str | None = None
        self.error: str | None = None
        self.started: float | None = None
        self.last: float | None = None
        self._began = False
        self._drawn = 0  # lines of the last tty frame (redrawn in place)
        self.warnings: list[str] = []  # lint warnings' short texts, printed after a good build

    # -- input ------------------------------------------------------------------------------------

    def message(self, msg: JSON) -> None:
        """One JSON message of the daemon's build stream."""
        aux = msg.get("aux")
        if msg.get("id") == "moby.buildkit.trace" and isinstance(aux, dict):
            self._trace(aux)
            return
        if isinstance(aux, dict) and "ID" in aux:
            self.image_id = str(aux["ID"])
            return
        if "errorDetail" in msg or "error" in msg:
            detail = msg.get("errorDetail") or {}
            self.error = str(detail.get("message") or msg.get("error") or "")
            return
        if "stream" in msg and self.mode != "quiet":
            self.out(str(msg["stream"]))

    def _trace(self, aux: JSON) -> None:
        for data in aux.get("vertexes") or []:
            v = self.vertexes.get(data["digest"])
            if v is None:
                v = _Vertex(data["digest"], len(self.vertexes) + 1, str(data.get("name", "")))
                self.vertexes[v.digest] = v
                self.order.append(v)
            v.started = data.get("started", v.started)
            v.completed = data.get("completed")
            v.cached = bool(data.get("cached"))
            v.error = str(data.get("error") or "")
            self._times(v.started, v.completed)
            if self.mode == "plain":
                self._plain_vertex(v)
            elif self.mode == "tty" and v.completed is None and "] RUN " in v.name:
                self._draw(final=False)  # a step that may take a while: show where the build is
        for data in aux.get("warnings") or []:
            short = str(data.get("short") or "")
            self.warnings.append(short)
            v = self.vertexes.get(data.get("vertex", ""))
            if v is None:
                continue
            v.warnings.append(short)
            if self.mode == "plain":
                self._switch(v)
                self.err(f"#{v.index} WARN: {short}\n")
        for data in aux.get("statuses") or []:
            v = self.vertexes.get(data.get("vertex", ""))
            if v is None:
                continue
            v.statuses = [s for s in v.statuses if s.get("id") != data.get("id")] + [data]
            self._times(data.get("started"), data.get("completed"))
            if self.mode == "plain":
                self._switch(v)
                self.err(f"#{v.index} {data.get('id')}{_status_bytes(data)}"
                         f"{_status_time(data)}\n")
        for data in aux.get("logs") or []:
            v = self.vertexes.get(data.get("vertex", ""))
            if v is None:
                continue
            self._log(v, str(data.get("data", "")), float(data.get("timestamp") or 0))

    def _times(self, *moments: float | None) -> None:
        for moment in moments:
            if moment is None:
                continue
            self.started = moment if self.started is None else min(self.started, moment)
            self.last = moment if self.last is None else max(self.last, moment)

    # -- plain ------------------------------------------------------------------------------------

    def _begin(self) -> None:
        if not self._began:
            self._began = True
            if self.instance:
                self.err(INSTANCE_LINE)
            return
        self.err("\n")

    def _switch(self, v: _Vertex) -> None:
        """Make `v` the vertex being printed (printer.go's textMux: `#N ...` for one left open)."""
        if self.current is v:
            return
        if self.current is not None:
            self.err(f"#{self.current.index} ...\n")
        self._begin()
        self.err(f"#{v.index} {v.name}\n")
        self.current = v

    def _plain_vertex(self, v: _Vertex) -> None:
        self._switch(v)
        if v.completed is None:
            return
        if v.partial:
            partial, v.partial = v.partial, ""
            self._line(v, partial, v.completed)
        if v.error:
            self.err(f"#{v.index} ERROR: {v.error}\n")
        elif v.cached:
            self.err(f"#{v.index} CACHED\n")
        else:
            took = (v.completed - v.started) if v.started is not None else 0.0
            self.err(f"#{v.index} DONE {max(took, 0.0):.1f}s\n")
        self.current = None

    def _log(self, v: _Vertex, data: str, when: float) -> None:
        """Output of a step: each line with its time since the step started (`#5 0.123 hi`);
        a line without its end waits for the rest (or the step's end)."""
        text = v.partial + data
        *complete, v.partial = text.split("\n")
        for line in complete:
            self._line(v, line, when)

    def _line(self, v: _Vertex, line: str, when: float) -> None:
        since = max(when - (v.started or when), 0.0)
        prec = 3 if since < 10 else 2 if since < 100 else 1
        stamped = f"{since:.{prec}f} {line}"
        v.last_lines = (v.last_lines + [stamped])[-LOG_LINES_KEPT:]
        if self.mode == "plain":
            self._switch(v)
            self.err(f"#{v.index} {stamped}\n")

    # -- the end ----------------------------------------------------------------------------------

    def finish(self) -> None:
        """The build is over: tty mode draws its final frame (plain mode has printed as it went)."""
        for v in self.order:
            if v.partial:
                partial, v.partial = v.partial, ""
                self._line(v, partial, v.completed or self.last or 0.0)
        if self.mode == "tty" and self.vertexes:
            self._draw(final=True)

    def _draw(self, *, final: bool) -> None:
        """Draw the frame over the previous one (display.go moves the cursor up and rewrites)."""
        frame = self.frame(final=final)
        up = f"\x1b[{self._drawn}A\r" if self._drawn else ""
        self.err(up + frame)
        self._drawn = frame.count("\n")

    def frame(self, *, final: bool = True) -> str:
        """display.go's frame (the last one: `print(..., all=true)`), colours as a TTY shows
        them."""
        width = self.width
        total = len(self.vertexes)
        done = sum(1 for v in self.order if v.completed is not None)
        elapsed = (self.last or 0) - (self.started or 0)
        status = "FINISHED" if final and done and done == total else ""
        head = f"[+] Building {elapsed:.1f}s ({done}/{total}) {status}"
        head = _align(head, self.desc, width - 1) if self.desc else _align(head, "", width)
        lines = [head[:width] + "\n"]
        for v in self.order:
            if v.started is None:
                continue
            name = v.name.replace("\t", " ")
            if v.error:
                name = "ERROR " + name
            if v.cached:
                name = "CACHED " + name
            end = v.completed if v.completed is not None else self.last or v.started
            lines.append(self._job(name, end - v.started, v.completed is not None,
                                   bool(v.error)))
            for s in v.statuses:
                took = (s.get("completed") or s.get("timestamp") or 0) - (s.get("started") or 0)
                lines.append(self._job("=> " + str(s.get("id")), took,
                                       s.get("completed") is not None, False,
                                       _status_bytes(s).strip()))
            for warning in v.warnings:  # displayInfo: a warning is a (yellow) job of its own
                lines.append(self._job("WARN: " + warning, end - v.started,
                                       v.completed is not None, False, color=COLOR_WARN))
        return "".join(lines)

    def _job(self, name: str, took: float, completed: bool, error: bool, status: str = "",
             color: str = "") -> str:
        width = self.width
        took = 0.0 if took < 0.05 else took
        pfx = " => "
        timer = f" {took:3.1f}s\n"
        left = width - len(pfx) - len(timer) - 1
        show = False
        if status and left + len(status) > 20:
            show = True
            left -= len(status) + 1
        out = pfx + name[:max(left, 0)] + (" " + status if show else "")
        out = _align(out, timer, width)
        if completed:
            out = (color or (COLOR_ERROR if error else COLOR_DONE)) + out + RESET
        return out

    def warnings_text(self) -> str:
        """buildx's printWarnings after a build: the count, then each warning's short text."""
        if not self.warnings or self.mode == "quiet":
            return ""
        count = len(self.warnings)
        head = (f"{count} warning{'s' if count > 1 else ''} found "
                "(use docker --debug to expand):\n")
        if self.mode == "tty":
            head = "\x1b[33m" + head + RESET
        return "\n " + head + "".join(f" - {w}\n" for w in self.warnings)

    def failing(self) -> list[_Vertex]:
        return [v for v in self.order if v.error and not v.error.endswith("context canceled")]


def failure_text(display: BuildDisplay | None, message: str,
                 source: tuple[str, str, int, int] | None = None) -> str:
    """What buildx prints once a build has failed: each failed step with its last lines of
    output (trace.printErrorLogs), the Dockerfile around the failure (errdefs.Source.Print), and
    `ERROR: failed to build: MESSAGE`."""
    parts: list[str] = []
    if display is not None and display.mode != "quiet":
        for v in display.failing():
            parts.append("------\n")
            parts.append(f" > {v.name}:\n")
            for line in v.last_lines:
                parts.append(line + "\n")
            parts.append("------\n")
    if source is not None:
        parts.append(source_lines(*source))
    parts.append(f"ERROR: failed to build: {message}\n")
    return "".join(parts)


def source_lines(filename: str, text: str, first: int, last: int) -> str:
    """buildkit solver/errdefs Source.Print: the failing lines marked `>>>`, with context."""
    lines = text.split("\n")
    start, end = first, max(last, first)
    if start > len(lines) or start < 1:
        return ""
    end = min(end, len(lines))
    pad = 4 if end == start else 2
    p = 0
    while p < pad:
        if start > 1:
            start -= 1
            p += 1
        if end != len(lines):
            end += 1
            p += 1
        p += 1
    out = [f"{filename}:{first}\n--------------------\n"]
    for i in range(start, end + 1):
        mark = ">>>" if first <= i <= max(last, first) else "   "
        out.append(f" {i:3d} | {mark} {lines[i - 1]}\n")
    out.append("--------------------\n")
    return "".join(out)


def render(messages: list[JSON], mode: str, *, width: int = 80) -> str:
    """Everything a display of `messages` prints on stderr (for tests and transcripts)."""
    printed: list[str] = []
    display = BuildDisplay(printed.append, mode, width=width)
    for msg in messages:
        display.message(msg)
    display.finish()
    return "".join(printed)


def _align(left: str, right: str, width: int) -> str:
    return f"{left:<{max(width - len(right) - 1, 0)}} {right}"


def _status_bytes(s: JSON) -> str:
    total, current = int(s.get("total") or 0), int(s.get("current") or 0)
    if total:
        return f" {_units(current)} / {_units(total)}"
    if current:
        return f" {_units(current)}"
    return ""


def _status_time(s: JSON) -> str:
    started, completed = s.get("started"), s.get("completed")
    end = completed if completed is not None else s.get("timestamp")
    tm = ""
    if started is not None and end is not None and end - started > 0.01:
        tm = f" {end - started:.1f}s"
    return tm + (" done" if completed is not None else "")


def _units(n: int) -> str:
    value = float(n)
    for unit in ("B", "kB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            return f"{int(value)}{unit}" if unit == "B" else f"{value:.2f}{unit}"
        value /= 1024
    return f"{n}B"
