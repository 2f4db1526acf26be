"""A pseudo-terminal's line discipline, so `docker run -it` feels like a real terminal.

Keystrokes from the attached client are echoed, edited (Backspace, ^U, ^W) and handed to the process a
line at a time; ^C and ^\\ become signals for the foreground job and ^D on an empty line is an
end-of-input the shell sees once. Output gets `\\n` turned into `\\r\\n`, as the kernel's ONLCR does.
"""

from __future__ import annotations

from collections.abc import Callable

from .process import Stream
from .signals import SIGINT, SIGQUIT


def onlcr(text: str) -> str:
    """Translate newlines the way a TTY does on output."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


class LineDiscipline:
    """Cooked-mode input processing between a terminal client and a process's stdin."""

    def __init__(self, stream: Stream, echo: Callable[[str], None], signal: Callable[[int], None]):
        self.stream = stream
        self.echo = echo
        self.signal = signal
        self.line = ""
        self._escape = ""

    def input(self, data: str) -> None:
        for ch in data:
            if self._escape:
                self._escape += ch
                if len(self._escape) >= 2 and (ch.isalpha() or ch == "~") or len(self._escape) > 8:
                    self._escape = ""
                continue
            if ch == "\x1b":
                self._escape = ch
            elif ch in "\r\n":
                self.echo("\r\n")
                line, self.line = self.line, ""
                self.stream.feed(line + "\n")
            elif ch in "\x7f\x08":
                if self.line:
                    self.line = self.line[:-1]
                    self.echo("\b \b")
            elif ch == "\x15":
                self.echo("\b \b" * len(self.line))
                self.line = ""
            elif ch == "\x17":
                trimmed = self.line.rstrip(" ")
                cut = trimmed.rfind(" ") + 1
                self.echo("\b \b" * (len(self.line) - cut))
                self.line = self.line[:cut]
            elif ch == "\x03":
                self.echo("^C")
                self.line = ""
                self.signal(SIGINT)
            elif ch == "\x1c":
                self.echo("^\\")
                self.line = ""
                self.signal(SIGQUIT)
            elif ch == "\x04":
                if self.line:
                    line, self.line = self.line, ""
                    self.stream.feed(line)
                else:
                    self.stream.feed_eof()
            elif ch == "\t":
                self.line += ch
                self.echo(ch)
            elif ord(ch) < 32:
                self.echo("^" + chr(ord(ch) + 64))
            else:
                self.line += ch
                self.echo(ch)
