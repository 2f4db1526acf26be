"""`docker rm`, `docker rename` and `docker wait`."""

from __future__ import annotations

from ...api import JSON, ApiError, DaemonUnavailable
from ...futures import gather, spawn
from ..client import Cli
from ..parsed import ParsedCommand


async def rm(cli: Cli, cmd: ParsedCommand) -> int:
    """Remove each container in turn; with `-f` a missing one is no error."""
    force = bool(cmd.get("force"))
    results: list[tuple[str, str | None]] = []
    for ref in cmd.args:
        try:
            await cli.api.container_remove(ref, force=force)
            results.append((ref, None))
        except ApiError as err:
            if force and err.status == 404:
                continue
            results.append((ref, err.message))
    failed = False
    for ref, message in results:
        if message is None:
            cli.out(ref + "\n")
        else:
            failed = True
            cli.daemon_error(message)
    return 1 if failed else 0


async def rename(cli: Cli, cmd: ParsedCommand) -> int:
    try:
        await cli.api.container_rename(cmd.args[0], cmd.args[1])
    except ApiError as err:
        cli.daemon_error(err.message)
        return 1
    return 0


async def wait(cli: Cli, cmd: ParsedCommand) -> int:
    """Wait for every container at once; exit codes in argument order, then the errors."""
    async def exited(ref: str) -> JSON:
        return await (await cli.api.container_wait(ref))

    results = await gather([spawn(exited(ref)) for ref in cmd.args])
    errors: list[BaseException] = []
    for result in results:
        if isinstance(result, dict):
            cli.out(f"{result.get('StatusCode', '')}\n")
        elif isinstance(result, ApiError | DaemonUnavailable):
            errors.append(result)
        elif isinstance(result, BaseException):
            raise result
    for error in errors:
        if isinstance(error, ApiError):
            cli.daemon_error(error.message)
        else:
            cli.err(f"{error}\n")
    return 1 if errors else 0
