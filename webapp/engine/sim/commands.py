"""The docker CLI, simulated: each parsed command becomes daemon calls and what `docker` prints.

Strings follow current Docker (v29); see the project's docker spec. A command either finishes at once
or keeps its `Job` open (attached streams, stop grace periods, `logs -f`, `events`) and finishes later
from a clock or process callback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from ..cli import CliError, ParsedCommand, usage_line
from ..cli.client import Cli, run_command
from ..cli.client_side import (
    ATTACH_REFUSED,
    STDIN_NOT_A_TERMINAL,
    JobPrinter,
    answered_before_dispatch,
    detach_keys,
    keys_for_attach,
    keys_for_run,
    status_for_start_error,
)
from ..cli.commands import lookup
from ..cli.commands.create import create_container
from ..futures import Future, spawn
from ..images import CATALOGUE
from ..job import Job
from .container import Container, ExecInstance
from .daemon import DaemonError, NotModified

if TYPE_CHECKING:
    from .engine import SimEngine

def daemon_error(job: Job, message: str) -> None:
    job.write_err(f"Error response from daemon: {message}\n")


def wrapped(job: Job, command: str, message: str) -> None:
    """The run/create error wrapper of current Docker."""
    job.write_err(f"docker: {message}\n\nRun 'docker {command} --help' for more information\n")


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


class SimCli:
    """Runs parsed docker commands against the engine's daemon."""

    def __init__(self, engine: SimEngine):
        self.engine = engine
        self.daemon = engine.daemon
        self.clock = engine.clock

    # -- dispatch ---------------------------------------------------------------------------------

    ALIASES: ClassVar[dict[str, str]] = {"container inspect": "inspect", "image inspect": "inspect"}

    def dispatch(self, job: Job, cmd: ParsedCommand) -> None:
        if answered_before_dispatch(job, cmd):
            return
        command = lookup(cmd)
        if command is not None:
            run_command(self._cli(job), command, cmd)
            return
        name = self.ALIASES.get(cmd.command, cmd.command)
        handler = getattr(self, "cmd_" + name.replace(" ", "_").replace("-", "_"), None)
        if handler is None:
            job.write_err(f"docker: 'docker {cmd.command}' is not available in this sandbox: Lifecycle Lab "
                          "simulates containers and images, not networks, volumes, builds or swarm\n")
            job.finish(1)
            return
        handler(job, cmd)

    # -- create and run ---------------------------------------------------------------------------

    def cmd_run(self, job: Job, cmd: ParsedCommand) -> None:
        """An attached `docker run` (`run -d` is the one CLI's): created as the CLI creates, then
        attached here."""
        if cmd.flag("interactive") and cmd.flag("tty") and not job.tty:
            job.write_err(STDIN_NOT_A_TERMINAL)
            job.finish(1)
            return
        keys = keys_for_run(cmd)

        def created(done: Future[str | int]) -> None:
            result = done.result()
            if isinstance(result, int):
                job.finish(result)
                return
            container = self.daemon.get(result)
            if keys is None:
                job.write_err(ATTACH_REFUSED)
                job.finish(1)
                return
            self._attach_and_wait(job, container, keys=keys, stdin=container.config.attach_stdin,
                                  mode="run", start=True)

        spawn(create_container(self._cli(job), cmd, "run")).future.add_done_callback(created)

    def _cli(self, job: Job) -> Cli:
        return Cli(self.engine.api, JobPrinter(job), now=self.clock.now,
                   call_later=self.clock.call_later)

    # -- attaching --------------------------------------------------------------------------------

    def _attach_and_wait(self, job: Job, container: Container, *, keys: str, stdin: bool, mode: str,
                         start: bool) -> None:
        """Stream a container's output to the job (and keystrokes back) until it exits or we detach.

        mode: "run", "start" or "attach": how the CLI ends (exit code, detach message).
        """
        daemon = self.daemon
        config = container.config
        finished = {"done": False}

        def output(text: str, stream: str) -> None:
            if stream == "stderr" and (mode != "run" or config.attach_stderr):
                job.write_err(text)
            elif stream == "stdout":
                job.write_out(text)

        def detach_listeners() -> None:
            if output in container.attachments:
                container.attachments.remove(output)

        def on_exit(c: Container) -> None:
            if finished["done"]:
                return
            finished["done"] = True
            detach_listeners()
            job.finish(c.exit_code)

        def escape() -> None:
            if finished["done"]:
                return
            finished["done"] = True
            detach_listeners()
            daemon.emit(container, "detach")
            waiters = daemon.exit_waiters.get(container.id, [])
            if on_exit in waiters:
                waiters.remove(on_exit)
            if mode == "attach":
                job.write_err("read escape sequence\n")
                job.finish(1)
            else:
                job.finish(0)

        def forward(data: str) -> None:
            if container.ldisc is not None:
                container.ldisc.input(data)
            elif container.stdin is not None:
                container.stdin.feed(data)

        container.attachments.append(output)
        daemon.emit(container, "attach")
        job.attached = container.name
        if stdin:
            if config.tty:
                proxy = EscapeProxy(keys, forward, escape)
                job.input_handler = proxy.feed
            else:
                job.input_handler = forward

            def eof() -> None:
                if config.stdin_once and not config.tty and container.stdin is not None:
                    container.stdin.close()

            job.eof_handler = eof
        if not config.tty or not stdin:
            def interrupt() -> None:
                if container.running and not container.restarting and container.main is not None:
                    try:
                        daemon.kill(container, "SIGINT")
                    except DaemonError:
                        pass

            job.interrupt_handler = interrupt

        def cancel() -> None:
            finished["done"] = True
            detach_listeners()

        job.cancel_handler = cancel
        if start:
            try:
                daemon.start(container)
            except DaemonError as err:
                finished["done"] = True
                detach_listeners()
                if mode == "run":
                    wrapped(job, "run", f"Error response from daemon: {err.message}")
                    job.finish(status_for_start_error(err.message))
                else:
                    daemon_error(job, err.message)
                    job.finish(1)
                return
            except NotModified:
                pass
            if job.tty and config.tty and not job.done:
                daemon.emit(container, "resize", {"height": "24", "width": "80"})
        if not finished["done"]:
            daemon.when_exited(container, on_exit) if (container.running and not container.restarting) \
                else on_exit(container)

    def cmd_start(self, job: Job, cmd: ParsedCommand) -> None:
        """`start -a` / `-i` (plain `start` is the one CLI's)."""
        if len(cmd.args) > 1:
            job.write_err("you cannot start and attach multiple containers at once\n")
            job.finish(1)
            return
        try:
            container = self.daemon.get(cmd.args[0])
        except DaemonError as err:
            daemon_error(job, err.message)
            job.finish(1)
            return
        if container.paused:
            daemon_error(job, "cannot start a paused container, try unpause instead")
            job.finish(1)
            return
        interactive = bool(cmd.get("interactive")) and container.config.open_stdin
        keys = keys_for_attach(JobPrinter(job), cmd, stdin=interactive, tty=container.config.tty)
        if keys is None:
            return
        self._attach_and_wait(job, container, keys=keys, stdin=interactive, mode="start",
                              start=not container.running)

    def cmd_attach(self, job: Job, cmd: ParsedCommand) -> None:
        try:
            container = self.daemon.get(cmd.args[0])
        except DaemonError as err:
            daemon_error(job, err.message)
            job.finish(1)
            return
        if not container.running:
            job.write_err("cannot attach to a stopped container, start it first\n")
            job.finish(1)
            return
        if container.paused:
            job.write_err("cannot attach to a paused container, unpause it first\n")
            job.finish(1)
            return
        if container.restarting:
            job.write_err("cannot attach to a restarting container, wait until it is running\n")
            job.finish(1)
            return
        stdin = container.config.open_stdin and not cmd.get("no-stdin")
        keys = keys_for_attach(JobPrinter(job), cmd, stdin=stdin, tty=container.config.tty)
        if keys is None:
            return
        self._attach_and_wait(job, container, keys=keys, stdin=stdin, mode="attach", start=False)
        if container.config.tty and not job.done and container.main is not None:
            # A fresh attach shows the shell's prompt again once the user presses a key; real docker
            # shows nothing until then. Redraw nothing, like Docker.
            pass

    # -- exec -------------------------------------------------------------------------------------

    def cmd_exec(self, job: Job, cmd: ParsedCommand) -> None:
        """An attached `docker exec` (`exec -d` is the one CLI's)."""
        ref, argv = cmd.args[0], cmd.args[1:]
        interactive = cmd.flag("interactive")
        tty = cmd.flag("tty")
        if interactive and tty and not job.tty:
            job.write_err(STDIN_NOT_A_TERMINAL)
            job.finish(1)
            return
        try:
            container = self.daemon.get(ref)
            instance = self.daemon.exec_create(
                container, ref, argv, tty=tty, interactive=interactive, detach=False,
                env=[e for e in cmd.values("env") if "=" in e], workdir=str(cmd.get("workdir") or ""),
                user=str(cmd.get("user") or ""))
        except DaemonError as err:
            daemon_error(job, err.message)
            job.finish(1)
            return
        try:
            keys = detach_keys(cmd)
        except ValueError as err:
            job.write_err(f"{err}\n")
            job.finish(1)
            return
        self._exec_attached(job, instance, keys)

    def _exec_attached(self, job: Job, instance: ExecInstance, keys: str) -> None:
        daemon = self.daemon
        state = {"done": False}

        def output(text: str, stream: str) -> None:
            if stream == "exit":
                if not state["done"]:
                    state["done"] = True
                    job.finish(instance.exit_code or 0)
                return
            if stream == "stderr":
                job.write_err(text)
            else:
                job.write_out(text)

        def forward(data: str) -> None:
            if instance.ldisc is not None:
                instance.ldisc.input(data)
            elif instance.stdin is not None:
                instance.stdin.feed(data)

        def escape() -> None:
            if state["done"]:
                return
            state["done"] = True
            if output in instance.listeners:
                instance.listeners.remove(output)
            daemon.emit(instance.container, "exec_detach", {"execID": instance.id})
            job.write_err("read escape sequence\n")
            job.finish(1)

        instance.listeners.append(output)
        job.attached = instance.container.name
        if instance.interactive:
            job.input_handler = EscapeProxy(keys, forward, escape).feed if instance.tty else forward

            def eof() -> None:
                if instance.stdin is not None and not instance.tty:
                    instance.stdin.close()

            job.eof_handler = eof

        def cancel() -> None:
            state["done"] = True
            if output in instance.listeners:
                instance.listeners.remove(output)

        job.cancel_handler = cancel
        daemon.exec_start(instance)

    # -- images -----------------------------------------------------------------------------------


__all__ = ["CATALOGUE", "CliError", "SimCli", "json", "usage_line"]
