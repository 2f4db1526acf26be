"""`docker stop`, `kill`, `restart`, `pause`, `unpause`: one request per container argument.

Like docker/cli, every argument is sent at once (the slow ones, stop and restart, wait out their
grace periods side by side), and the names are printed in argument order at the end, then errors.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from ...api import ApiError, DaemonUnavailable
from ...futures import gather, spawn
from ...sim.signals import InvalidSignal
from ..client import Cli
from ..client_side import check_signal
from ..parsed import ParsedCommand

Request = Callable[[str], Coroutine[Any, Any, Any]]


async def for_each(cli: Cli, refs: list[str], request: Request) -> int:
    """Send `request` for every reference; print each name, or its error, as the CLI does."""
    results = await gather([spawn(request(ref)) for ref in refs])
    failed = False
    for ref, result in zip(refs, results, strict=True):
        if isinstance(result, DaemonUnavailable):
            failed = True
            cli.err(f"{result}\n")
        elif isinstance(result, ApiError):
            failed = True
            cli.daemon_error(result.message)
        elif isinstance(result, BaseException):
            raise result
        else:
            cli.out(ref + "\n")
    return 1 if failed else 0


async def stop(cli: Cli, cmd: ParsedCommand) -> int:
    try:
        check_signal(cmd.get("signal"))
    except InvalidSignal as err:
        cli.err(f"{err}\n")
        return 1
    timeout, signal = cmd.number("timeout"), cmd.text("signal")
    return await for_each(cli, cmd.args, lambda ref: cli.api.container_stop(
        ref, timeout=timeout, signal=signal))


async def restart(cli: Cli, cmd: ParsedCommand) -> int:
    timeout, signal = cmd.number("timeout"), cmd.text("signal")
    return await for_each(cli, cmd.args, lambda ref: cli.api.container_restart(
        ref, timeout=timeout, signal=signal))


async def kill(cli: Cli, cmd: ParsedCommand) -> int:
    signal = cmd.text("signal")
    return await for_each(cli, cmd.args, lambda ref: cli.api.container_kill(ref, signal=signal))


async def pause(cli: Cli, cmd: ParsedCommand) -> int:
    return await for_each(cli, cmd.args, cli.api.container_pause)


async def unpause(cli: Cli, cmd: ParsedCommand) -> int:
    return await for_each(cli, cmd.args, cli.api.container_unpause)
