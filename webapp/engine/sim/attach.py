"""Hijacked attach and exec connections on the simulator: a container's (or an exec's) streams,
keystrokes to its stdin, and the detach keys read daemon-side, as moby reads them."""

from __future__ import annotations

from collections.abc import Callable

from ..futures import Future
from .container import Container, ExecInstance
from .daemon import Daemon

Output = Callable[[str, str], None]  # (stream, text)


class EscapeProxy:
    """Watches keystrokes for the detach sequence, passing everything else through (moby/term)."""

    def __init__(self, keys: str, forward: Callable[[str], None], on_escape: Callable[[], None]):
        self.keys = keys
        self.forward = forward
        self.on_escape = on_escape
        self.matched = ""

    def feed(self, data: str) -> None:
        for ch in data:
            if self.keys and ch == self.keys[len(self.matched)]:
                self.matched += ch
                if self.matched == self.keys:
                    self.matched = ""
                    self.on_escape()
                    return
                continue
            if self.matched:
                self.forward(self.matched)
                self.matched = ""
            self.forward(ch)


class _Connection:
    """Output kept until the client connects, keystrokes to the process (through the detach
    keys' watch on a TTY), and the end reported once."""

    def __init__(self, target: Container | ExecInstance, *, stdin: bool, tty: bool, keys: str):
        self.ended: Future[str] = Future()
        self._target = target  # whose line discipline or stdin gets the keys
        self._stdin = stdin
        self._escape = EscapeProxy(keys, self._forward, self._detach) if stdin and tty else None
        self._sink: Output | None = None
        self._held: list[tuple[str, str]] = []

    def _deliver(self, stream: str, text: str) -> None:
        if self.ended.done():
            return
        if self._sink is None:
            self._held.append((stream, text))
        else:
            self._sink(stream, text)

    def connect(self, on_output: Output) -> None:
        held, self._held = self._held, []
        self._sink = on_output
        for stream, text in held:
            on_output(stream, text)

    def write(self, data: str) -> None:
        if not self._stdin or self.ended.done():
            return
        (self._escape.feed if self._escape is not None else self._forward)(data)

    def _forward(self, data: str) -> None:
        if self._target.ldisc is not None:
            self._target.ldisc.input(data)
        elif self._target.stdin is not None:
            self._target.stdin.feed(data)

    def _detach(self) -> None:
        if self.ended.done():
            return
        self._detach_event()
        self._end("detached")

    def _detach_event(self) -> None:
        """The daemon's event for a detach."""

    def _end(self, reason: str) -> None:
        self._unhook()
        self.ended.set_result(reason)

    def _unhook(self) -> None:
        """Stop listening to the process."""

    def close(self) -> None:
        self._end("closed")


class ContainerAttach(_Connection):
    """`POST /containers/{id}/attach` on a simulated container."""

    def __init__(self, daemon: Daemon, container: Container, *, stdin: bool, stdout: bool,
                 stderr: bool, keys: str):
        super().__init__(container, stdin=stdin, tty=container.config.tty, keys=keys)
        self.daemon = daemon
        self.container = container
        self.wanted = {"stdout": stdout, "stderr": stderr}
        container.attachments.append(self._output)
        daemon.exit_waiters.setdefault(container.id, []).append(lambda _: self._end("eof"))
        daemon.emit(container, "attach")

    def _output(self, text: str, stream: str) -> None:
        if self.wanted.get(stream):
            self._deliver(stream, text)

    def _unhook(self) -> None:
        if self._output in self.container.attachments:
            self.container.attachments.remove(self._output)

    def _detach_event(self) -> None:
        self.daemon.emit(self.container, "detach")

    def close_stdin(self) -> None:
        """The daemon closes the container's stdin with the attach's only with StdinOnce."""
        if self.container.config.stdin_once and self.container.stdin is not None:
            self.container.stdin.close()


class ExecAttach(_Connection):
    """`POST /exec/{id}/start` (attached) on a simulated container: starts the process."""

    def __init__(self, daemon: Daemon, instance: ExecInstance, *, keys: str):
        super().__init__(instance, stdin=instance.interactive, tty=instance.tty, keys=keys)
        self.daemon = daemon
        self.instance = instance
        instance.listeners.append(self._output)
        daemon.exec_start(instance)

    def _output(self, text: str, stream: str) -> None:
        if stream == "exit":
            self._end("eof")
        else:
            self._deliver(stream, text)

    def _unhook(self) -> None:
        if self._output in self.instance.listeners:
            self.instance.listeners.remove(self._output)

    def _detach_event(self) -> None:
        self.daemon.emit(self.instance.container, "exec_detach", {"execID": self.instance.id})

    def close_stdin(self) -> None:
        if self.instance.stdin is not None and not self.instance.tty:
            self.instance.stdin.close()
