"""One docker command's client: the daemon it talks to and the terminal it prints on.

Both engines hand a command the same `Cli`: an `EngineApi` (the simulator's daemon or the real one
behind the sandbox policy) and a `Printer` onto the learner's job, with the engine's own locking.
Commands (`cli/commands/`) are coroutines `async def command(cli, cmd) -> exit code`; `run_command`
drives one and finishes the job with its exit code, whichever thread the daemon answers on.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import Callable, Coroutine
from contextlib import AbstractContextManager
from typing import Any

from ..api import ApiError, DaemonUnavailable, EngineApi, Refused
from ..futures import Future, Task, spawn
from ..job import Job
from ..workspace import Workspace
from .client_side import Printer
from .parsed import ParsedCommand

log = logging.getLogger(__name__)

Command = Callable[["Cli", ParsedCommand], Coroutine[Any, Any, int]]

INTERNAL_ERROR = ("lifecycle-lab: internal error: {kind}; the sandbox is unharmed, please report "
                  "this command\n")


class Cli:
    """What a command has: `api` for the daemon, `out`/`err` for the terminal, the job's keys."""

    __slots__ = ("api", "call_later", "job", "locked", "now", "printer", "workspace")

    def __init__(self, api: EngineApi, printer: Printer, *, now: Callable[[], float],
                 call_later: Callable[[float, Callable[[], None]], object],
                 locked: Callable[[], AbstractContextManager[Any]] = contextlib.nullcontext,
                 workspace: Workspace | None = None):
        self.api = api
        self.printer = printer
        self.job: Job = printer.job
        self.now = now
        self.call_later = call_later  # the engine's clock: virtual in tests, real on a server
        self.locked = locked  # held while a command changes the job's handlers
        # The client's current folder: the files `docker build .` sends as its context.
        self.workspace = workspace if workspace is not None else Workspace()

    def out(self, text: str) -> None:
        self.printer.out(text)

    def err(self, text: str) -> None:
        self.printer.err(text)

    def daemon_error(self, message: str) -> None:
        self.printer.err(f"Error response from daemon: {message}\n")

    def confirm(self, warning: str) -> Future[bool]:
        """Print the warning and its `[y/N]` prompt and read the answer as the CLI does: one line,
        `y` or `Y` goes on, anything else, Ctrl-C or no line at all cancels."""
        self.out(f"WARNING! {warning}\nAre you sure you want to continue? [y/N] ")
        job = self.job
        answer: Future[bool] = Future()
        typed = {"text": ""}

        def settle(value: bool) -> None:
            job.input_handler = None
            job.eof_handler = None
            answer.set_result(value)

        def keys(data: str) -> None:
            if "\x03" in data:  # Ctrl-C: the terminal echoes ^C, the CLI ends the line and cancels
                self.out("^C\r\n" if job.tty else "\n")
                settle(False)
                return
            typed["text"] += data
            line, newline, _ = typed["text"].replace("\r", "\n").partition("\n")
            if not newline:
                if job.tty:
                    self.out(data)  # the terminal echoes what is typed
                return
            if job.tty:
                self.out(data.replace("\r", "\n").partition("\n")[0] + "\r\n")
            settle(line.strip().lower() == "y")

        with self.locked():
            job.input_handler = keys
            job.eof_handler = lambda: settle(False)
        return answer


def run_command(cli: Cli, command: Command, cmd: ParsedCommand,
                on_unavailable: Callable[[], None] | None = None, *,
                finish: bool = True) -> Task[int]:
    """Start `command` and (with `finish`) end the job with its exit code once it returns, now
    or later, on whichever thread the daemon answers.

    The daemon's absence and the sandbox's refusals end any command the same way; anything else
    that escapes a command is an internal error, never a crash of the engine.
    """
    task = spawn(_guarded(cli, command, cmd, on_unavailable))
    if finish:
        task.future.add_done_callback(lambda done: cli.printer.finish(done.result()))
    return task


async def _guarded(cli: Cli, command: Command, cmd: ParsedCommand,
                   on_unavailable: Callable[[], None] | None) -> int:
    try:
        return await command(cli, cmd)
    except DaemonUnavailable as err:
        cli.err(f"{err}\n")
        if on_unavailable is not None:
            on_unavailable()
        return 1
    except Refused as err:
        cli.err(refusal_text(err.reason))
        return err.exit_code
    except ApiError as err:  # a command that did not expect this answer still prints it
        cli.daemon_error(err.message)
        return 1
    except Exception as err:
        log.exception("internal error running %r", cli.job.line[:200])
        cli.err(INTERNAL_ERROR.format(kind=type(err).__name__))
        return 1


def refusal_text(reason: str, command: str | None = None) -> str:
    """How the sandbox says no, with the command's usage hint where docker would give one."""
    text = f"docker: refused by the Lifecycle Lab sandbox: {reason}\n"
    if command:
        text += f"\nRun 'docker {command} --help' for more information\n"
    return text
