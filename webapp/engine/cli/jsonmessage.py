"""docker/cli's jsonmessage display: how a pull's progress messages are printed.

The daemon (real or simulated) streams JSON messages (`status`, `id`, `progressDetail`); the
client prints them. On a terminal each layer's line is redrawn in place with a progress bar;
otherwise only the status lines without byte counts appear.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..formats.sizes import human_size


class PullDisplay:
    """docker/cli's jsonmessage display of a pull stream (terminal: lines redrawn in place)."""

    def __init__(self, write: Callable[[str], None], *, tty: bool):
        self.write = write
        self.tty = tty
        self.ids: list[str] = []
        self.error: str | None = None

    def message(self, msg: dict[str, Any]) -> None:
        if msg.get("errorDetail") or msg.get("error"):
            detail = msg.get("errorDetail") or {}
            self.error = str(detail.get("message") or msg.get("error"))
            return
        status = str(msg.get("status", ""))
        ident = msg.get("id")
        detail = msg.get("progressDetail") or {}
        has_progress = bool(detail.get("total"))
        if not self.tty:
            if has_progress:
                return  # byte counts only on a terminal
            self.write(f"{ident}: {status}\n" if ident else f"{status}\n")
            return
        text = status
        if has_progress:
            text += " " + progress_bar(int(detail.get("current") or 0), int(detail["total"]))
        if not ident:
            self.write(f"{text}\n")
            return
        line = f"{ident}: {text}"
        if ident not in self.ids:
            self.ids.append(ident)
            self.write(f"{line}\n")
            return
        up = len(self.ids) - self.ids.index(ident)
        self.write(f"\x1b[{up}A\r\x1b[2K{line}\r\x1b[{up}B")


def progress_bar(current: int, total: int) -> str:
    width = 50
    filled = int(width * current / total) if total else width
    arrow = ">" if filled < width else ""
    bar = "=" * max(0, filled - (1 if arrow else 0)) + arrow
    return f"[{bar:<{width}}] {human_size(current)}/{human_size(total)}"


