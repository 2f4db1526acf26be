"""A console command in flight, the same object for both engines.

Most docker commands answer at once; an attached `docker run`, `docker stop` waiting out its grace
period, `docker logs -f` or `docker events` answer later. A `Job` streams output as it comes, takes
keystrokes while attached, and finishes with an exit code, so the web console, replay and tests all
drive commands the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

OUTPUT_LIMIT = 4 << 20  # characters a single command may print before it is cut off
HANG_UP_AFTER = 3  # Ctrl-C presses after which the console gives up on a stuck attached client


@dataclass(frozen=True)
class Result:
    """A finished command: what `docker` printed and its exit code."""

    exit_code: int
    stdout: str
    stderr: str

    def as_dict(self) -> dict[str, object]:
        return {"exit_code": self.exit_code, "stdout": self.stdout, "stderr": self.stderr}


@dataclass(frozen=True)
class CommandRecord:
    """A console line the learner ran, as lesson checks see it (both engines keep these)."""

    line: str
    command: str | None  # the parsed docker command ("run", "ps", "container prune", ...) or None
    options: dict[str, Any]
    args: list[str]
    exit_code: int
    started: float
    finished: float

    @classmethod
    def of(cls, job: Job, started: float, finished: float) -> CommandRecord:
        parsed = job.parsed
        return cls(
            line=job.line, command=parsed.command if parsed is not None else None,
            options=dict(parsed.options) if parsed is not None else {},
            args=list(parsed.args) if parsed is not None else [],
            exit_code=job.exit_code if job.exit_code is not None else -1,
            started=started, finished=finished)


class Job:
    """One docker CLI invocation: output out, keystrokes in, an exit code at the end."""

    def __init__(self, line: str, *, tty: bool = True):
        self.line = line
        self.tty = tty
        self.exit_code: int | None = None
        self._stdout: list[str] = []
        self._stderr: list[str] = []
        self._size = 0
        self._truncated = False
        self.output_listeners: list[Callable[[str, str], None]] = []
        self.done_listeners: list[Callable[[Job], None]] = []
        self.input_handler: Callable[[str], None] | None = None
        self.eof_handler: Callable[[], None] | None = None
        self.interrupt_handler: Callable[[], None] | None = None
        self.cancel_handler: Callable[[], None] | None = None
        # The terminal's size changed (rows, columns): set by engines that drive a real TTY.
        self.resize_handler: Callable[[int, int], None] | None = None
        self.tty_size: tuple[int, int] | None = None  # (rows, columns), once the console said
        self.attached: str | None = None  # the container (name) whose terminal we are attached to
        self.parsed: Any = None  # the parsed docker command, once the line parsed
        # A console line may run several docker commands: each is announced here (its own line,
        # its parse, and whether it is the whole typed line) just before it starts.
        self.command_listeners: list[Callable[[str, Any, bool], None]] = []
        self.invocations = 0  # docker commands the line has started
        self._interrupts = 0
        self.prompt: str | None = None

    @property
    def done(self) -> bool:
        return self.exit_code is not None

    def write_out(self, text: str) -> None:
        self._emit(text, "stdout")

    def write_err(self, text: str) -> None:
        self._emit(text, "stderr")

    def _emit(self, text: str, stream: str) -> None:
        if not text or self.done:
            return
        if self._size + len(text) > OUTPUT_LIMIT:
            if self._truncated:
                return
            self._truncated = True
            text = text[: max(0, OUTPUT_LIMIT - self._size)]
            notice = "\n[lifecycle-lab: output truncated: a command may print at most 4 MiB]\n"
            (self._stdout if stream == "stdout" else self._stderr).append(text)
            self._stderr.append(notice)
            for listener in list(self.output_listeners):
                listener(text, stream)
                listener(notice, "stderr")
            return
        self._size += len(text)
        (self._stdout if stream == "stdout" else self._stderr).append(text)
        for listener in list(self.output_listeners):
            listener(text, stream)

    def finish(self, code: int) -> None:
        if self.done:
            return
        self.exit_code = code
        self.input_handler = self.eof_handler = self.interrupt_handler = self.cancel_handler = None
        self.resize_handler = None
        for listener in list(self.done_listeners):
            listener(self)

    # -- the terminal side ------------------------------------------------------------------------

    def send(self, data: str) -> None:
        """Keystrokes (or piped input) for the command."""
        if self.done or not data:
            return
        if self.input_handler is not None:
            self.input_handler(data)
        elif "\x03" in data:
            self.interrupt()

    def close_stdin(self) -> None:
        if self.eof_handler is not None and not self.done:
            handler, self.eof_handler = self.eof_handler, None
            handler()

    def interrupt(self) -> None:
        """Ctrl-C with no attached stdin: the CLI forwards SIGINT, or dies of it.

        An attached `docker run` forwards SIGINT to the container, whose PID 1 often ignores it, so
        a real terminal would be stuck until the process ends. The third Ctrl-C in a row therefore
        hangs the client up, as closing the terminal would; the container keeps running.
        """
        if self.done:
            return
        if self.interrupt_handler is None:
            self.finish(130)
            return
        self._interrupts += 1
        if self._interrupts < HANG_UP_AFTER:
            self.interrupt_handler()
            return
        self.write_err(f"\n[console] Ctrl-C pressed {HANG_UP_AFTER} times: the docker client hung up. "
                       "The container keeps running: see `docker ps`.\n")
        self.cancel()

    def resize(self, rows: int, cols: int) -> None:
        """The console's terminal is now `rows` x `cols` (passed on to an attached container TTY)."""
        if self.done or rows <= 0 or cols <= 0:
            return
        self.tty_size = (rows, cols)
        if self.resize_handler is not None:
            self.resize_handler(rows, cols)

    def cancel(self) -> None:
        """The client goes away (terminal closed, timeout): stop waiting; containers keep running."""
        if self.done:
            return
        if self.cancel_handler is not None:
            self.cancel_handler()
        if not self.done:
            self.finish(130)

    def result(self) -> Result:
        return Result(self.exit_code if self.exit_code is not None else -1,
                      "".join(self._stdout), "".join(self._stderr))

    @property
    def stdout(self) -> str:
        return "".join(self._stdout)

    @property
    def stderr(self) -> str:
        return "".join(self._stderr)
