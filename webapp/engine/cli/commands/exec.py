"""`docker exec`: a new process in a running container."""

from __future__ import annotations

from ...api import ApiError
from ..client import Cli
from ..parsed import ParsedCommand


def exec_body(cmd: ParsedCommand) -> dict[str, object]:
    """`POST /containers/{id}/exec`'s body, as the docker CLI fills it."""
    interactive, tty, detach = cmd.flag("interactive"), cmd.flag("tty"), cmd.flag("detach")
    return {
        "User": cmd.text("user") or "", "Privileged": False, "Tty": tty,
        "AttachStdin": interactive and not detach, "AttachStderr": not detach,
        "AttachStdout": not detach, "Detach": detach,
        # `-e NAME` without a value would copy the server's own variable: only NAME=value.
        "Env": [e for e in cmd.values("env") if "=" in e],
        "WorkingDir": cmd.text("workdir") or "", "Cmd": cmd.args[1:],
    }


async def exec_detached(cli: Cli, cmd: ParsedCommand) -> int:
    """`docker exec -d`: the process runs on in the container; the CLI returns at once."""
    try:
        created = await cli.api.exec_create(cmd.args[0], exec_body(cmd))
        await cli.api.exec_start(str(created["Id"]), detach=True, tty=cmd.flag("tty"))
    except ApiError as err:
        cli.daemon_error(err.message)
        return 1
    return 0
