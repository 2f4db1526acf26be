"""`docker ps` (`docker container ls`): the daemon lists and filters, the client prints."""

from __future__ import annotations

from ...api import ApiError
from ...formats.containers import format_containers
from ..client import Cli
from ..client_side import parse_filters, print_listing
from ..parsed import ParsedCommand


async def ps(cli: Cli, cmd: ParsedCommand) -> int:
    last = cmd.number("last")
    if last is None:
        last = 1 if cmd.flag("latest") else -1
    try:
        summaries = await cli.api.container_list(
            all=cmd.flag("all"), limit=last if last > 0 else None, size=cmd.flag("size"),
            filters=parse_filters(cmd, lower_keys=True))
    except ApiError as err:
        cli.daemon_error(err.message)
        return 1
    fmt = cmd.get("format")
    now = cli.now()
    return print_listing(cli.printer, lambda: format_containers(
        summaries, fmt=str(fmt) if fmt is not None else None, quiet=bool(cmd.get("quiet")),
        no_trunc=bool(cmd.get("no-trunc")), size=cmd.flag("size"), now=now))
