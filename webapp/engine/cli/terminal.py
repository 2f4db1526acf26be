"""The learner's terminal while a docker command is attached to a process.

What the docker CLI does between the terminal and a hijacked connection: keystrokes go to the
process (kept until the connection is up: a `docker run -it` starts after its first key may
already have been typed), end of input half-closes it, Ctrl-C is forwarded as SIGINT where the CLI
proxies signals, and the terminal's size follows the console. Without a TTY in the container but
on a terminal (the web console), keystrokes first go through `Cooked`, the line discipline a real
terminal in cooked mode applies before the docker CLI reads them.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from ..api import ApiError, AttachStream, DaemonUnavailable
from ..futures import spawn
from .client import Cli

TTY_SIZE = (24, 80)  # rows, columns of the console until it says otherwise

Resize = Callable[[int, int], Coroutine[Any, Any, None]]


class Cooked:
    """A terminal's cooked mode in front of a non-TTY stdin: echo, erase, lines, ^C, ^D, ^U."""

    def __init__(self, echo: Callable[[str], None], send: Callable[[str], None],
                 eof: Callable[[], None], interrupt: Callable[[], None]):
        self.echo = echo
        self.send = send
        self.eof = eof
        self.interrupt = interrupt
        self.line = ""

    def feed(self, data: str) -> None:
        for ch in data:
            if ch in "\r\n":
                self.echo("\r\n")
                self.send(self.line + "\n")
                self.line = ""
            elif ch in "\x7f\b":
                if self.line:
                    self.line = self.line[:-1]
                    self.echo("\b \b")
            elif ch == "\x15":  # ^U
                self.echo("\b \b" * len(self.line))
                self.line = ""
            elif ch == "\x03":  # ^C: the terminal sends SIGINT to the docker CLI, which forwards it
                self.echo("^C")
                self.line = ""
                self.interrupt()
            elif ch == "\x04":  # ^D: end of input on an empty line, else hand over the line so far
                if self.line:
                    self.send(self.line)
                    self.line = ""
                else:
                    self.eof()
            elif ch == "\x1b" or (ord(ch) < 0x20 and ch != "\t"):
                continue
            else:
                self.line += ch
                self.echo(ch)


class Terminal:
    """The job's keys and size, bridged to one attach or exec connection."""

    def __init__(self, cli: Cli, *, tty: bool, stdin: bool, sig_proxy: bool):
        self.cli = cli
        self.tty = tty
        self.stdin = stdin
        self.stream: AttachStream | None = None
        self.container: str | None = None  # the container Ctrl-C is forwarded to
        self._pending: list[str] = []
        self._eof_pending = False
        self._stdin_closed = False
        self._closed = False
        job = cli.job
        cooked = Cooked(cli.out, self._send, self.close_stdin, self.interrupt) \
            if job.tty and stdin and not tty else None
        with cli.locked():
            early = getattr(job, "early_input", None)
            job.done_listeners.append(lambda _: self.close())
            job.input_handler = job.eof_handler = None
            if stdin:
                job.input_handler = cooked.feed if cooked is not None else self._send
                if not tty:
                    job.eof_handler = self.close_stdin
            # docker/cli forwards signals only to a container without a TTY (run.go: "Disable
            # sigProxy when in TTY mode"; attach.go: `opts.proxy && !c.Config.Tty`): with a TTY
            # and no stdin, Ctrl-C ends the client and the container keeps running.
            if not tty and sig_proxy:
                job.interrupt_handler = self.interrupt
            job.cancel_handler = self.close
            if early is not None:
                early.hand_over(job)

    def _send(self, data: str) -> None:
        if self._stdin_closed:
            return
        if self.stream is None:
            self._pending.append(data)
        else:
            self.stream.write(data)

    def close_stdin(self) -> None:
        if self._stdin_closed:
            return
        self._stdin_closed = True
        if self.stream is None:
            self._eof_pending = True
        else:
            self.stream.close_stdin()

    def interrupt(self) -> None:
        """The CLI's sig-proxy: SIGINT goes to the container (nothing happens before it exists)."""
        if self.container is None:
            return
        spawn(self.cli.api.container_kill(self.container, signal="SIGINT"))  # errors change nothing

    def attached_to(self, container: str, name: str) -> None:
        self.container = container
        with self.cli.locked():
            self.cli.job.attached = name

    def connect(self, stream: AttachStream) -> None:
        """The connection is up: output to the terminal, then what was typed so far."""
        if self._closed:
            stream.close()
            return
        stream.connect(lambda name, text: (self.cli.err if name == "stderr" else self.cli.out)(text))
        self.stream = stream
        pending, self._pending = self._pending, []
        for data in pending:
            stream.write(data)
        if self._eof_pending:
            stream.close_stdin()

    def follow_size(self, resize: Resize) -> None:
        """Size the process's TTY as the console, now and whenever the console is resized.

        One resize call at a time, the latest size last: calls in flight together may reach the
        daemon in any order, and the first size (sent as the process starts) landing after a
        console's resize left the TTY at the old size.
        """
        job = self.cli.job
        state: dict[str, Any] = {"wanted": None, "sending": False}

        async def send() -> None:
            while True:
                with self.cli.locked():
                    size, state["wanted"] = state["wanted"], None
                    if size is None:
                        state["sending"] = False
                        return
                await _quietly(resize, *size)

        def apply(rows: int, cols: int) -> None:
            with self.cli.locked():
                state["wanted"] = (rows, cols)
                if state["sending"]:
                    return  # the call in flight sends it next
                state["sending"] = True
            spawn(send())

        with self.cli.locked():
            job.resize_handler = apply
            apply(*(job.tty_size or TTY_SIZE))

    def close(self) -> None:
        """Stop bridging (the job ends or hangs up); the process is not affected."""
        self._closed = True
        if self.stream is not None:
            self.stream.close()


async def _quietly(resize: Resize, rows: int, cols: int) -> None:
    try:
        await resize(rows, cols)
    except (ApiError, DaemonUnavailable):
        pass  # a container that just ended has no terminal to size
