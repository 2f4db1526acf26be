"""Which flags the simulator carries out, and the refusal of every other one.

Every flag the docker CLI's parser accepts (engine/cli/commands.json) for a command the simulator
runs is in exactly one of these places: `MODELLED` (the simulator does what Docker does with it),
`MODELLED_ELSEWHERE` (carried out by another part of the simulator, listed so this table stays
complete), `INERT` (Docker itself shows nothing different for it in this sandbox, with the reason),
or refused by name with the shared words of engine/refusals.py. Nothing is accepted and ignored:
tests/unit/test_sim_flags.py walks the parser's table against this one.
"""

from __future__ import annotations

from ..cli import ParsedCommand
from ..refusals import GLOBAL_WHY, NAMESPACE_FLAGS, cli_unmodelled, flag_refusal

_RUN = frozenset({
    "attach", "detach-keys", "domainname", "entrypoint", "env", "expose", "help", "hostname",
    "init", "interactive", "label", "name", "network", "publish", "publish-all", "pull", "quiet",
    "restart", "rm", "sig-proxy", "stop-signal", "stop-timeout", "tty", "user", "workdir",
})

#: Flags the simulator carries out, by canonical command.
MODELLED: dict[str, frozenset[str]] = {
    "run": _RUN | {"detach"},
    "create": _RUN,
    "exec": frozenset({"detach", "detach-keys", "env", "interactive", "tty", "user", "workdir"}),
    "start": frozenset({"attach", "detach-keys", "interactive"}),
    "attach": frozenset({"detach-keys", "no-stdin", "sig-proxy"}),
    "stop": frozenset({"signal", "timeout"}),
    "restart": frozenset({"signal", "timeout"}),
    "kill": frozenset({"signal"}),
    "rm": frozenset({"force"}),
    "ps": frozenset({"all", "filter", "format", "last", "latest", "no-trunc", "quiet", "size"}),
    "logs": frozenset({"follow", "since", "tail", "timestamps", "until"}),
    "images": frozenset({"digests", "filter", "format", "no-trunc", "quiet"}),
    "rmi": frozenset({"force"}),
    "pull": frozenset({"quiet"}),
    "inspect": frozenset({"format", "size", "type"}),
    "container inspect": frozenset({"format", "size"}),
    "image inspect": frozenset({"format"}),
    "events": frozenset({"filter", "format", "since", "until"}),
    "container prune": frozenset({"filter", "force"}),
    "image prune": frozenset({"force"}),
    "build": frozenset({"build-arg", "file", "label", "no-cache", "progress", "quiet", "tag",
                        "target"}),
    "history": frozenset({"format", "human", "no-trunc", "quiet"}),
}

#: Carried out by other parts of the simulator (resources, health checks): accepted here.
MODELLED_ELSEWHERE: dict[str, frozenset[str]] = {
    "run": frozenset({"memory", "memory-swap", "health-cmd", "health-interval", "health-retries",
                      "health-start-interval", "health-start-period", "health-timeout",
                      "no-healthcheck"}),
}
MODELLED_ELSEWHERE["create"] = MODELLED_ELSEWHERE["run"]

#: Flags with nothing to show in this sandbox, on Docker too: the reason.
INERT: dict[str, dict[str, str]] = {
    "images": {"all": "the sandbox's images have no intermediate layers to list, so -a lists "
                      "the same images"},
    "rmi": {"no-prune": "the sandbox's images have no untagged parents to keep"},
    "rm": {"volumes": "containers here have no volumes to remove"},
    "build": {
        "pull": "the sandbox has no registry: its images are all local, so there is never a "
                "newer base to pull",
        "rm": "BuildKit runs RUN steps in build containers that are never listed, so there are "
              "no intermediate containers to remove",
        "force-rm": "BuildKit runs RUN steps in build containers that are never listed, so there "
                    "are no intermediate containers to remove",
        "compress": "the build context (the workspace) does not travel over a network here",
        "disable-content-trust": "the sandbox has no registry, so there are no signatures to "
                                 "verify",
    },
}

#: Global options: modelled (`--version`), inert (client logging), or refused.
GLOBAL_MODELLED = frozenset({"version"})
GLOBAL_INERT = {"debug": "the client's debug log shows nothing more for these commands",
                "log-level": "the client's log level shows nothing more for these commands"}

def accepted(command: str) -> frozenset[str]:
    """Every flag of `command` the simulator takes (modelled, elsewhere or inert)."""
    return (MODELLED.get(command, frozenset()) | MODELLED_ELSEWHERE.get(command, frozenset())
            | frozenset(INERT.get(command, {})))


def refusal(cmd: ParsedCommand) -> str | None:
    """Why the simulator refuses this command's flags, or None when it carries them all out."""
    for name in cmd.global_options:
        if name not in GLOBAL_MODELLED and name not in GLOBAL_INERT:
            return GLOBAL_WHY.format(name=name)
    unmodelled = cli_unmodelled(cmd.command, cmd.options)
    if unmodelled is not None:
        return unmodelled
    taken = accepted(cmd.command)
    for name, value in cmd.options.items():
        if name == "network" and name in taken:
            for item in cmd.values("network"):
                if item == "host" or item.startswith("container:"):
                    return (NAMESPACE_FLAGS["network"] if item == "host" else
                            flag_refusal("network", item))
            continue
        if name not in taken:
            return flag_refusal(name, value)
    return None


def usage_exit(command: str) -> tuple[str | None, int]:
    """The usage hint and exit code of a refused command: run/create/exec as their own errors."""
    if command in ("run", "create", "exec"):
        return command, 125
    return None, 1
