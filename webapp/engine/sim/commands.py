"""The simulator's side of the docker CLI: a parsed command goes to the one CLI
(`engine/cli/commands/`), which talks to the simulated daemon through `sim/api.py`.

Strings follow current Docker (v29); see the project's docker spec. A command either finishes at
once or waits (attached streams, stop grace periods, `logs -f`, `events`) on futures the daemon
settles from its clock.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..cli import ParsedCommand
from ..cli.client import Cli, refusal_text, run_command
from ..cli.client_side import JobPrinter
from ..cli.commands import command_for
from ..job import Job
from . import flags

if TYPE_CHECKING:
    from .engine import SimEngine

COVERS = "simulates containers, images and builds, not networks, volumes or swarm"


class SimCli:
    """Runs parsed docker commands with the one CLI against the engine's simulated daemon."""

    def __init__(self, engine: SimEngine):
        self.engine = engine
        self.clock = engine.clock

    def dispatch(self, job: Job, cmd: ParsedCommand) -> None:
        command = command_for(job, cmd, covers=COVERS)
        if command is None:
            return
        refused = flags.refusal(cmd)
        if refused is not None:  # what the simulator does not model, it refuses by name
            hint, code = flags.usage_exit(cmd.command)
            job.write_err(refusal_text(refused, hint))
            job.finish(code)
            return
        cli = Cli(self.engine.api, JobPrinter(job), now=self.clock.now,
                  call_later=self.clock.call_later, workspace=self.engine.workspace)
        run_command(cli, command, cmd)
