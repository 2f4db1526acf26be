"""The docker commands, each written once over the engine interface (`engine/api.py`).

As in docker/cli's `cli/command/`, a module holds a command or a small group of them; `COMMANDS`
maps the parsed command's name to its coroutine.
"""

from __future__ import annotations

from ...job import Job
from ..client import Command
from ..client_side import answered_before_dispatch
from ..parsed import ParsedCommand
from .attach import attach, exec_, run, start
from .build import build
from .create import create
from .events import events
from .history import history
from .images import image_prune, images, rmi
from .inspect import inspect
from .lifecycle import kill, pause, restart, stop, unpause
from .logs import logs
from .prune import container_prune
from .ps import ps
from .pull import pull
from .rm import rename, rm, wait
from .system import help_, info, version
from .tag import tag
from .top import top

COMMANDS: dict[str, Command] = {
    "ps": ps, "inspect": inspect, "container inspect": inspect, "image inspect": inspect,
    "stop": stop, "restart": restart, "kill": kill, "pause": pause, "unpause": unpause,
    "rm": rm, "rename": rename, "wait": wait, "top": top, "logs": logs,
    "images": images, "rmi": rmi, "image prune": image_prune, "container prune": container_prune,
    "events": events, "version": version, "info": info, "help": help_,
    "pull": pull, "create": create, "run": run, "start": start, "attach": attach, "exec": exec_,
    "build": build, "history": history, "tag": tag,
}


def command_for(job: Job, cmd: ParsedCommand, *, covers: str) -> Command | None:
    """The coroutine to run, or None once the job is answered: `--help` (and the parser's
    notices), or a command this sandbox does not run, refused in the words of `covers` (what
    the sandbox does instead)."""
    if answered_before_dispatch(job, cmd):
        return None
    command = lookup(cmd)
    if command is None:
        job.write_err(f"docker: 'docker {cmd.command}' is not available in this sandbox: "
                      f"Lifecycle Lab {covers}\n")
        job.finish(1)
    return command


def lookup(cmd: ParsedCommand) -> Command | None:
    """The coroutine for a parsed command, or None for a command this sandbox does not run."""
    return COMMANDS.get(cmd.command)


def handles(name: str) -> bool:
    """Whether the one CLI runs the command `name`."""
    return name in COMMANDS
