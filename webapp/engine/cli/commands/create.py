"""`docker create`, `docker run -d` and `docker start`: the create request, the pull a missing
image needs, and starting."""

from __future__ import annotations

from ...api import JSON, ApiError, Refused
from ...images import normalize_ref
from ..client import Cli, refusal_text
from ..client_side import RunOptions, RunRefused, UsageError, run_options, status_for_start_error
from ..healthcheck import MIN_API, api_version_problem, health_config
from ..parsed import ParsedCommand
from ..values import ram_in_bytes
from .pull import pull_image


def create_body(cmd: ParsedCommand, options: RunOptions) -> JSON:
    """`POST /containers/create`'s body, as the docker CLI fills it from the options."""
    body: JSON = {
        "Hostname": cmd.text("hostname") or "", "Domainname": cmd.text("domainname") or "",
        "User": cmd.text("user") or "",
        "AttachStdin": options.attach_stdin, "AttachStdout": options.attach_stdout,
        "AttachStderr": options.attach_stderr, "Tty": options.tty,
        "OpenStdin": options.interactive, "StdinOnce": options.stdin_once, "Env": options.env,
        "Cmd": options.argv or None, "Image": options.image,
        "WorkingDir": cmd.text("workdir") or "", "Entrypoint": options.entrypoint,
        "Labels": options.labels,
    }
    if options.exposed:
        body["ExposedPorts"] = {port: {} for port in options.exposed}
    if options.stop_signal is not None:
        body["StopSignal"] = options.stop_signal
    if options.stop_timeout is not None:
        body["StopTimeout"] = options.stop_timeout
    host: JSON = {
        "RestartPolicy": {"Name": options.restart, "MaximumRetryCount": options.retries},
        "AutoRemove": cmd.flag("rm"), "Init": True if cmd.flag("init") else None,
        "PortBindings": {port: [{"HostIp": ip, "HostPort": hp} for ip, hp in bindings]
                         for port, bindings in options.bindings.items()},
        "PublishAllPorts": cmd.flag("publish-all"),
        "Memory": ram_in_bytes(cmd.text("memory") or "0"),
        "MemorySwap": ram_in_bytes(cmd.text("memory-swap") or "0"),
    }
    network = cmd.text("network")
    if network:
        host["NetworkMode"] = network
    body["HostConfig"] = host
    return body


def create_failed(cli: Cli, command: str, message: str) -> int:
    """How `create` (the daemon's error, 1) and `run` (wrapped, 125) report a failed create."""
    if command == "create":
        cli.daemon_error(message)
        return 1
    wrapped(cli, command, f"Error response from daemon: {message}")
    return 125


def wrapped(cli: Cli, command: str, message: str) -> None:
    """The run/create error wrapper of current Docker."""
    cli.err(f"docker: {message}\n\nRun 'docker {command} --help' for more information\n")


async def create_container(cli: Cli, cmd: ParsedCommand, command: str) -> str | int:
    """Create the container, pulling its image first when the daemon lacks it, as the CLI does:
    the new container's ID, or the exit code once the failure is printed."""
    if any(cmd.given(flag) for flag in MIN_API):  # checked before the command runs at all
        try:
            version = str((await cli.api.version()).get("ApiVersion") or "")
        except ApiError:
            version = ""
        problem = api_version_problem(cmd, version)
        if problem is not None:
            cli.err(problem + "\n")
            return 1
    try:
        options = run_options(cmd, command)
        health = health_config(cmd)
    except UsageError as err:
        wrapped(cli, command, str(err))
        return 125
    except RunRefused as err:
        cli.err(f"{err}\n")
        return 1
    body = create_body(cmd, options)
    if health is not None:
        body["Healthcheck"] = health
    name = cmd.text("name")
    quiet = cmd.flag("quiet")
    try:
        if cmd.text("pull") == "always":  # docker/cli pullAndTagImage, before the create
            problem = await pull_image(cli, options.image, implicit=True, quiet=quiet,
                                       stream="stderr")
            if problem is not None:
                return create_failed(cli, command, problem)
        try:
            created = await cli.api.container_create(body, name=name)
        except ApiError as err:
            if err.status != 404 or "No such image" not in err.message:
                return create_failed(cli, command, err.message)
            if cmd.text("pull") == "never":
                return create_failed(cli, command, err.message)
            if not quiet:
                cli.err(f"Unable to find image '{normalize_ref(options.image)}' locally\n")
            problem = await pull_image(cli, options.image, implicit=True, quiet=quiet,
                                       stream="stderr")
            if problem is not None:
                return create_failed(cli, command, problem)
            try:
                created = await cli.api.container_create(body, name=name)
            except ApiError as again:
                return create_failed(cli, command, again.message)
    except Refused as err:
        cli.err(refusal_text(err.reason, command if err.usage_hint else None))
        return 125 if command == "run" else 1
    for warning in created.get("Warnings") or []:
        cli.err(f"WARNING: {warning}\n")
    return str(created["Id"])


async def create(cli: Cli, cmd: ParsedCommand) -> int:
    created = await create_container(cli, cmd, "create")
    if isinstance(created, int):
        return created
    cli.out(created + "\n")
    return 0


async def run_detached(cli: Cli, cmd: ParsedCommand) -> int:
    """`docker run -d`: create, start, print the ID."""
    created = await create_container(cli, cmd, "run")
    if isinstance(created, int):
        return created
    cli.out(created + "\n")  # docker/cli prints the ID before it starts the container
    try:
        await cli.api.container_start(created)
    except ApiError as err:
        wrapped(cli, "run", f"Error response from daemon: {err.message}")
        if cmd.flag("rm"):
            try:  # the daemon removes it: the CLI waits for that, as waitExitOrRemoved does
                await (await cli.api.container_wait(created, condition="removed"))
            except ApiError:
                pass
        return status_for_start_error(err.message)
    return 0


async def start(cli: Cli, cmd: ParsedCommand) -> int:
    """`docker start` without attaching: each container in turn."""
    failed = []
    for ref in cmd.args:
        try:
            await cli.api.container_start(ref)
        except ApiError as err:
            cli.daemon_error(err.message)
            failed.append(ref)
            continue
        cli.out(ref + "\n")
    if failed:
        cli.err(f"failed to start containers: {', '.join(failed)}\n")
        return 1
    return 0
