"""The attached commands: `docker run` (without -d), `docker start -a`, `docker attach` and
`docker exec` (without -d), as docker/cli runs them: set up the wait before starting, attach,
start, stream until the process ends or the learner detaches, then report the exit code."""

from __future__ import annotations

from typing import Any

from ...api import JSON, ApiError, DaemonUnavailable
from ..client import Cli
from ..client_side import (
    ATTACH_REFUSED,
    STDIN_NOT_A_TERMINAL,
    detach_keys,
    keys_for_run,
    status_for_start_error,
)
from ..parsed import ParsedCommand
from ..terminal import Terminal
from .create import create_container, run_detached, wrapped
from .create import start as start_detached
from .exec import exec_body, exec_detached


def attach_keys(cli: Cli, cmd: ParsedCommand, *, stdin: bool, tty: bool) -> str | int:
    """The detach keys, or the exit code once the CLI has refused: a TTY container's stdin needs a
    terminal, and bad `--detach-keys` are refused."""
    if stdin and tty and not cli.job.tty:
        cli.err(STDIN_NOT_A_TERMINAL)
        return 1
    try:
        return detach_keys(cmd)
    except ValueError as err:
        cli.err(f"{err}\n")
        return 1


async def run_attached(cli: Cli, cmd: ParsedCommand) -> int:
    if cmd.flag("interactive") and cmd.flag("tty") and not cli.job.tty:
        cli.err(STDIN_NOT_A_TERMINAL)
        return 1
    keys = keys_for_run(cmd)
    # Keystrokes typed while the container is being created are kept for it.
    terminal = Terminal(cli, tty=cmd.flag("tty"), stdin=cmd.flag("interactive"),
                        sig_proxy=cmd.get("sig-proxy", True) is not False)
    created = await create_container(cli, cmd, "run")
    if isinstance(created, int):
        terminal.close()
        return created
    if keys is None:  # the daemon refuses the attach: the container stays created
        terminal.close()
        cli.err(ATTACH_REFUSED)
        return 1
    inspect = await cli.api.container_inspect(created)
    return await attach_and_wait(cli, inspect, terminal, mode="run", start=True, keys=keys,
                                 auto_remove=cmd.flag("rm"))


async def start_attached(cli: Cli, cmd: ParsedCommand) -> int:
    if len(cmd.args) > 1:
        cli.err("you cannot start and attach multiple containers at once\n")
        return 1
    inspect = await _inspected(cli, cmd.args[0])
    if inspect is None:
        return 1
    state, config = inspect.get("State") or {}, inspect.get("Config") or {}
    if state.get("Paused"):
        cli.daemon_error("cannot start a paused container, try unpause instead")
        return 1
    interactive = cmd.flag("interactive") and bool(config.get("OpenStdin"))
    tty = bool(config.get("Tty"))
    keys = attach_keys(cli, cmd, stdin=interactive, tty=tty)
    if isinstance(keys, int):
        return keys
    terminal = Terminal(cli, tty=tty, stdin=interactive, sig_proxy=True)
    running = bool(state.get("Running")) and not state.get("Restarting")
    return await attach_and_wait(cli, inspect, terminal, mode="start", start=not running,
                                 keys=keys)


async def attach(cli: Cli, cmd: ParsedCommand) -> int:
    inspect = await _inspected(cli, cmd.args[0])
    if inspect is None:
        return 1
    state, config = inspect.get("State") or {}, inspect.get("Config") or {}
    if not state.get("Running"):
        cli.err("cannot attach to a stopped container, start it first\n")
        return 1
    if state.get("Paused"):
        cli.err("cannot attach to a paused container, unpause it first\n")
        return 1
    if state.get("Restarting"):
        cli.err("cannot attach to a restarting container, wait until it is running\n")
        return 1
    stdin = bool(config.get("OpenStdin")) and not cmd.flag("no-stdin")
    tty = bool(config.get("Tty"))
    keys = attach_keys(cli, cmd, stdin=stdin, tty=tty)
    if isinstance(keys, int):
        return keys
    terminal = Terminal(cli, tty=tty, stdin=stdin,
                        sig_proxy=cmd.get("sig-proxy", True) is not False)
    return await attach_and_wait(cli, inspect, terminal, mode="attach", start=False, keys=keys)


async def _inspected(cli: Cli, ref: str) -> JSON | None:
    """The container as the daemon describes it, or None once its error is printed."""
    try:
        return await cli.api.container_inspect(ref)
    except ApiError as err:
        cli.daemon_error(err.message)
        return None


async def attach_and_wait(cli: Cli, inspect: JSON, terminal: Terminal, *, mode: str, start: bool,
                          keys: str, auto_remove: bool = False) -> int:
    """Stream a container to the terminal (and keystrokes back) until it exits or we detach.

    mode: "run", "start" or "attach": how the CLI words a failure and a detach.
    """
    api = cli.api
    ident = str(inspect["Id"])
    config: dict[str, Any] = inspect.get("Config") or {}
    tty = bool(config.get("Tty"))
    if mode == "run":
        stdout, stderr = bool(config.get("AttachStdout")), bool(config.get("AttachStderr"))
    else:
        stdout = stderr = True
    terminal.attached_to(ident, str(inspect.get("Name") or "").lstrip("/"))
    condition = "removed" if auto_remove else "next-exit" if start else "not-running"
    try:
        stream = await api.container_attach(ident, stdin=terminal.stdin, stdout=stdout,
                                            stderr=stderr, detach_keys=keys)
    except ApiError as err:
        terminal.close()
        if mode == "run":
            wrapped(cli, "run", f"Error response from daemon: {err.message}")
            return 125
        cli.daemon_error(err.message)
        return 1
    if cli.job.done:  # hung up while attaching
        stream.close()
        return 130
    try:  # before the start, so an exit right after it is never missed
        exited = await api.container_wait(ident, condition=condition)
    except ApiError as err:
        stream.close()
        terminal.close()
        cli.daemon_error(err.message)
        return 125 if mode == "run" else 1
    if start:
        try:
            await api.container_start(ident)
        except ApiError as err:
            stream.close()
            terminal.close()
            if mode != "run":
                cli.daemon_error(err.message)
                return 1
            wrapped(cli, "run", f"Error response from daemon: {err.message}")
            if auto_remove:  # the daemon removes it: the CLI waits for that
                await _exit_code(exited)
            return status_for_start_error(err.message)
    terminal.connect(stream)
    if tty and cli.job.tty:
        terminal.follow_size(lambda rows, cols: api.container_resize(ident, height=rows,
                                                                     width=cols))
    reason = await stream.ended
    if cli.job.done:  # hung up, or ended by a lost daemon
        return 130
    if reason == "detached" and not exited.done():
        if mode == "attach":
            cli.err("read escape sequence\n")
            return 1
        return 0
    return await _exit_code(exited)


async def _exit_code(exited: Any) -> int:
    try:
        answer = await exited
    except (ApiError, DaemonUnavailable):
        return 125
    code = answer.get("StatusCode")
    return int(code) if code is not None else 125


async def exec_attached(cli: Cli, cmd: ParsedCommand) -> int:
    """`docker exec` without -d: the process's streams until it ends or the learner detaches."""
    interactive, tty = cmd.flag("interactive"), cmd.flag("tty")
    if interactive and tty and not cli.job.tty:
        cli.err(STDIN_NOT_A_TERMINAL)
        return 1
    terminal = Terminal(cli, tty=tty, stdin=interactive, sig_proxy=False)
    api = cli.api
    try:
        inspect = await api.container_inspect(cmd.args[0])
        created = await api.exec_create(cmd.args[0], exec_body(cmd))
    except ApiError as err:
        terminal.close()
        cli.daemon_error(err.message)
        return 1
    try:
        keys = detach_keys(cmd)
    except ValueError as err:
        terminal.close()
        cli.err(f"{err}\n")
        return 1
    exec_id = str(created["Id"])
    terminal.attached_to(str(inspect["Id"]), str(inspect.get("Name") or "").lstrip("/"))
    try:
        stream = await api.exec_attach(exec_id, tty=tty, stdin=interactive, detach_keys=keys)
    except ApiError as err:
        terminal.close()
        cli.daemon_error(err.message)
        return 1
    terminal.connect(stream)
    if tty and cli.job.tty:
        terminal.follow_size(lambda rows, cols: api.exec_resize(exec_id, height=rows,
                                                                width=cols))
    reason = await stream.ended
    if cli.job.done:
        return 130
    if reason == "detached":  # the process runs on
        cli.err("read escape sequence\n")
        return 1
    try:
        info = await api.exec_inspect(exec_id)
    except ApiError:
        info = {}
    code = info.get("ExitCode")
    return int(code) if code is not None else 126


async def run(cli: Cli, cmd: ParsedCommand) -> int:
    return await (run_detached(cli, cmd) if cmd.flag("detach") else run_attached(cli, cmd))


async def start(cli: Cli, cmd: ParsedCommand) -> int:
    if cmd.flag("attach") or cmd.flag("interactive"):
        return await start_attached(cli, cmd)
    return await start_detached(cli, cmd)


async def exec_(cli: Cli, cmd: ParsedCommand) -> int:
    return await (exec_detached(cli, cmd) if cmd.flag("detach") else exec_attached(cli, cmd))
