"""`docker top`: the daemon's process table, laid out as the CLI does."""

from __future__ import annotations

from ...api import ApiError
from ...formats.table import tabwrite
from ..client import Cli
from ..parsed import ParsedCommand


async def top(cli: Cli, cmd: ParsedCommand) -> int:
    try:
        table = await cli.api.container_top(cmd.args[0], ps_args=" ".join(cmd.args[1:]))
    except ApiError as err:
        cli.daemon_error(err.message)
        return 1
    rows = [list(table.get("Titles") or [])]
    rows += [list(process) for process in table.get("Processes") or []]
    cli.out(tabwrite(rows))
    return 0
