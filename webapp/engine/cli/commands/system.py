"""`docker version`, `docker info` and `docker help`: the client's own facts and the daemon's."""

from __future__ import annotations

from ..client import Cli
from ..helptext import help_text
from ..parsed import ParsedCommand
from ..spec import CLIENT_VERSION, VERSION_LINE

API_VERSION = "1.50"  # the newest Engine API this client speaks


def client_block(server_api: str) -> str:
    """The `Client:` part of `docker version`, as docker/cli prints it after negotiating."""
    api = server_api if server_api and _older(server_api, API_VERSION) else API_VERSION
    shown = f"{api} (downgraded from {API_VERSION})" if api != API_VERSION else api
    return (f"Client:\n Version:           {CLIENT_VERSION}\n API version:       {shown}\n"
            " Go version:        go1.24.3\n Git commit:        e6534b4\n"
            " Built:             Fri May 30 12:07:14 2025\n OS/Arch:           linux/amd64\n"
            " Context:           default\n\n")


def _older(a: str, b: str) -> bool:
    return tuple(int(p) for p in a.split(".")) < tuple(int(p) for p in b.split("."))


async def version(cli: Cli, cmd: ParsedCommand) -> int:
    if cmd.is_version_flag:  # `docker --version` / `-v`: the client's one line, no daemon
        cli.out(VERSION_LINE + "\n")
        return 0
    data = await cli.api.version()
    cli.out(client_block(str(data.get("ApiVersion", ""))))
    platform = str((data.get("Platform") or {}).get("Name") or "")
    cli.out(f"Server:{' ' + platform if platform else ''}\n Engine:\n"
            f"  Version:          {data.get('Version', '')}\n"
            f"  API version:      {data.get('ApiVersion', '')} (minimum version "
            f"{data.get('MinAPIVersion', '')})\n"
            f"  OS/Arch:          {data.get('Os', '')}/{data.get('Arch', '')}\n")
    return 0


INFO_LINES = (
    ("Server Version", "ServerVersion"), ("Storage Driver", "Driver"),
    ("Logging Driver", "LoggingDriver"), ("Cgroup Driver", "CgroupDriver"),
    ("Cgroup Version", "CgroupVersion"), ("Default Runtime", "DefaultRuntime"),
    ("Init Binary", "InitBinary"), ("Kernel Version", "KernelVersion"),
    ("Operating System", "OperatingSystem"), ("OSType", "OSType"),
    ("Architecture", "Architecture"), ("CPUs", "NCPU"), ("Name", "Name"),
    ("Sandbox", "LabSandbox"),
)


async def info(cli: Cli, cmd: ParsedCommand) -> int:
    data = await cli.api.info()
    lines = [(f"Client:\n Version:    {CLIENT_VERSION}\n Context:    default\n Debug Mode: false\n\n"
             f"Server:\n Containers: {data.get('Containers', 0)}\n"
             f"  Running: {data.get('ContainersRunning', 0)}\n"
             f"  Paused: {data.get('ContainersPaused', 0)}\n"
             f"  Stopped: {data.get('ContainersStopped', 0)}\n Images: {data.get('Images', 0)}\n")]
    lines += [f" {label}: {data[key]}\n" for label, key in INFO_LINES if key in data]
    cli.out("".join(lines))
    return 0


async def help_(cli: Cli, cmd: ParsedCommand) -> int:
    cli.out(help_text("help"))
    return 0
