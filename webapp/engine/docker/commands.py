"""The real daemon's side of the docker CLI: a parsed command goes to the one CLI
(`engine/cli/commands/`), which talks to the learner's part of the daemon through `docker/api.py`.

Here is only what is the sandbox's own: its refusals of flags and images (`policy`), the daemon's
absence, and where a command runs. Quick commands run inside `execute()`, under the engine's
lock, as the simulator's do; commands that wait on the daemon (an attached `run`, `stop` with its
grace period, `wait`, `logs -f`, `events`, `pull`) run on a worker thread and finish their job
later, taking the lock for every write.
"""

from __future__ import annotations

import threading
import time
from typing import TYPE_CHECKING

from ..cli import ParsedCommand
from ..cli.client import Cli, Command, refusal_text, run_command
from ..cli.commands import command_for
from ..cli.commands.system import client_block
from ..futures import block_on
from ..job import Job
from ..refusals import cli_unmodelled
from . import policy
from .policy import Refusal

if TYPE_CHECKING:
    from .engine import DockerEngine, Writer

BLOCKING = {"run", "start", "attach", "exec", "stop", "restart", "wait", "logs", "events", "pull",
            "build"}
ATTACHING = {"run", "start", "attach", "exec"}
COVERS = ("runs containers and builds and shows images; networks, volumes, copying files and "
          "swarm are not part of it")


def blocking(cmd: ParsedCommand) -> bool:
    """Whether the command waits on the daemon (and so runs on a worker thread)."""
    name = cmd.command
    if name not in BLOCKING:
        return False
    if name in ("run", "exec"):
        return not cmd.flag("detach")
    if name == "start":
        return cmd.flag("attach") or cmd.flag("interactive")
    if name == "logs":
        return cmd.flag("follow")
    return True


class DockerCli:
    """Runs parsed docker commands with the one CLI against the learner's part of the daemon."""

    def __init__(self, engine: DockerEngine):
        self.engine = engine
        self.policy = engine.policy

    def dispatch(self, job: Job, cmd: ParsedCommand, *, inline: bool) -> None:
        command = command_for(job, cmd, covers=COVERS)
        if command is None:
            return
        gate = self._policy_gate(cmd)
        if gate is not None:
            refusal, hint, code = gate
            job.write_err(refusal_text(str(refusal), hint))
            job.finish(code)
            return
        if not self.engine.available and cmd.command != "help" and not cmd.is_version_flag:
            if cmd.command == "version":
                job.write_out(client_block(""))
            job.write_err(f"{self.engine.conn.unavailable}\n")
            job.finish(1)
            return
        self._run(job, cmd, command, inline=inline, waits=blocking(cmd))

    def _policy_gate(self, cmd: ParsedCommand) -> tuple[Refusal, str | None, int] | None:
        """The sandbox's refusal of a command's flags or image, before the CLI runs it."""
        refusal = policy.check_global(cmd)
        if refusal is not None:
            return refusal, None, 1
        unmodelled = cli_unmodelled(cmd.command, cmd.options)  # the one CLI does not carry it out
        if unmodelled is not None:
            return Refusal(unmodelled), None, 1
        if cmd.command in ("run", "create", "exec"):
            refusal = (policy.check_exec(cmd) if cmd.command == "exec"
                       else policy.check_run(cmd, self.policy))
            return (refusal, cmd.command, 125) if refusal is not None else None
        if cmd.command == "pull":
            refusal = policy.check_options(cmd) or policy.check_image(self.policy, cmd.args[0])
            return (refusal, None, 1) if refusal is not None else None
        return None

    def _run(self, job: Job, cmd: ParsedCommand, command: Command, *, inline: bool,
             waits: bool) -> None:
        """Run a command of the one CLI: here under the lock when it answers at once (or waits
        for keys from this console), on a worker thread when it waits on the daemon."""
        from .engine import Writer

        engine = self.engine
        writer = Writer(engine, job, inline=inline or not waits)
        cli = self.cli(writer)
        poke = engine.monitor.poke if engine.monitor is not None else None
        if not waits:
            run_command(cli, command, cmd, poke)
            return
        if cmd.command in ATTACHING:
            EarlyInput(job)  # keystrokes and end of input before the worker is ready

        def work() -> None:
            writer.finish(block_on(run_command(cli, command, cmd, poke, finish=False)))

        if inline:  # a lesson's set-up line: to its end here, the lock held
            engine.api.inline += 1
            try:
                work()
            finally:
                engine.api.inline -= 1
        else:
            threading.Thread(target=work, name="lab-docker-job", daemon=True).start()

    def cli(self, writer: Writer) -> Cli:
        engine = self.engine
        return Cli(engine.api, writer, now=time.time, call_later=engine.clock.call_later,
                   locked=lambda: engine.lock, workspace=engine.workspace)


class EarlyInput:
    """Holds what the console types (and its end of input) between `execute()` and the moment the
    worker has its attach stream ready, then hands it over in order."""

    def __init__(self, job: Job):
        self.chunks: list[str] = []
        self.eof = False
        job.early_input = self  # type: ignore[attr-defined]
        job.input_handler = self.chunks.append
        job.eof_handler = self._eof

    def _eof(self) -> None:
        self.eof = True

    def hand_over(self, job: Job) -> None:
        job.early_input = None  # type: ignore[attr-defined]
        for chunk in self.chunks:
            job.send(chunk)
        if self.eof:
            job.close_stdin()
