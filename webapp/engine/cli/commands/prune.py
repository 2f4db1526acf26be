"""`docker container prune`: ask first (unless `-f`), then let the daemon remove what is stopped."""

from __future__ import annotations

from ...api import ApiError
from ...formats.sizes import human_size
from ..client import Cli
from ..client_side import parse_filters
from ..parsed import ParsedCommand


async def container_prune(cli: Cli, cmd: ParsedCommand) -> int:
    if not cmd.get("force") and not await cli.confirm("This will remove all stopped containers."):
        return 0  # a cancelled prune prints nothing more and succeeds, as docker/cli's does
    try:
        answer = await cli.api.containers_prune(filters=parse_filters(cmd))
    except ApiError as err:
        cli.daemon_error(err.message)
        return 1
    removed = answer.get("ContainersDeleted") or []
    if removed:
        cli.out("Deleted Containers:\n" + "".join(f"{cid}\n" for cid in removed) + "\n")
    cli.out(f"Total reclaimed space: {human_size(answer.get('SpaceReclaimed') or 0)}\n")
    return 0
