"""Why the sandbox refuses a flag, in the learner's words: one place for both engines.

The real-daemon engine refuses what would reach the server (`docker/policy.py` decides which flags
it allows); the simulator refuses what it does not model (`sim/flags.py`). Both say the same
sentence for the same flag, from here, so a learner who moves between engines reads one story.
"""

from __future__ import annotations

# The fixed limits of every container on the real-daemon engine (docker/policy.Policy's defaults).
LIMITS_TEXT = "64 MiB of memory, 64 processes, 0.5 CPU"

# Why each flag is refused, by its long name.
WHY = {
    "privileged": "--privileged would give the container every capability and the server's devices",
    "cap-add": "--cap-add is not allowed: containers run with a fixed, minimal set of capabilities",
    "cap-drop": "--cap-drop is not allowed: containers run with a fixed, minimal set of "
                "capabilities",
    "device": "--device would hand a device of the server to the container",
    "security-opt": "--security-opt is not allowed: the sandbox fixes the security options "
                    "(no-new-privileges)",
    "env-file": "--env-file would read a file on the server; pass variables with -e NAME=value",
    "label-file": "--label-file would read a file on the server; pass labels with -l key=value",
    "cidfile": "--cidfile would write a file on the server",
    "publish": "publishing ports (-p) is not allowed: containers run on an isolated network of their "
               "own, with no way in from outside",
    "publish-all": "publishing ports (-P) is not allowed: containers run on an isolated network of "
                   "their own, with no way in from outside",
    "volumes-from": "--volumes-from is not allowed: volumes are not available in this sandbox",
    "volume-driver": "volumes are not available in this sandbox",
    "tmpfs": "--tmpfs is not allowed in this sandbox",
    "read-only": "--read-only is not available: the sandbox does not model read-only file systems",
    "link": "--link is not allowed: containers only see each other on your own network",
    "add-host": "--add-host is not allowed in this sandbox",
    "dns": "DNS settings are fixed by the sandbox",
    "dns-option": "DNS settings are fixed by the sandbox",
    "dns-search": "DNS settings are fixed by the sandbox",
    "ip": "container addresses are fixed by the sandbox's network",
    "ip6": "container addresses are fixed by the sandbox's network",
    "link-local-ip": "container addresses are fixed by the sandbox's network",
    "mac-address": "container addresses are fixed by the sandbox's network",
    "network-alias": "--network-alias is not available: the sandbox has one network and no "
                     "service discovery on it",
    "runtime": "--runtime is not allowed: the sandbox picks the container runtime",
    "isolation": "--isolation is not allowed: the sandbox picks the container runtime",
    "cgroup-parent": "--cgroup-parent is not allowed: the sandbox places containers itself",
    "group-add": "--group-add is not allowed in this sandbox",
    "sysctl": "--sysctl is not allowed in this sandbox",
    "ulimit": "--ulimit is not allowed: the sandbox fixes the limits",
    "log-driver": "logging settings are fixed by the sandbox",
    "log-opt": "logging settings are fixed by the sandbox",
    "platform": "--platform is not allowed: the sandbox serves its own images",
    "annotation": "--annotation is not available: the sandbox passes no annotations to the runtime",
    "disable-content-trust": "content trust (signed images) is not part of this sandbox: its "
                             "images come from its own registry",
    "use-api-socket": "the Docker socket would give the container control of the whole Docker "
                      "daemon, and with it of the server",
    "all-tags": "pull --all-tags is not allowed: only the sandbox's listed images can be pulled",
}

RESOURCE_FLAGS = frozenset({
    "memory", "memory-swap", "memory-reservation", "memory-swappiness", "kernel-memory", "cpus",
    "cpu-shares", "cpu-period", "cpu-quota", "cpu-rt-period", "cpu-rt-runtime", "cpuset-cpus",
    "cpuset-mems", "pids-limit", "blkio-weight", "blkio-weight-device", "device-read-bps",
    "device-write-bps", "device-read-iops", "device-write-iops", "oom-kill-disable", "oom-score-adj",
    "shm-size", "storage-opt", "gpus", "device-cgroup-rule", "cpu-count", "cpu-percent",
    "io-maxbandwidth", "io-maxiops",
})

NAMESPACE_FLAGS = {
    "network": "--network host would put the container on the server's own network",
    "pid": "--pid host would let the container see and signal the server's processes",
    "ipc": "--ipc host would share the server's inter-process communication",
    "uts": "--uts host would let the container change the server's host name",
    "userns": "--userns host would turn off user-namespace remapping",
    "cgroupns": "--cgroupns host would show the container the server's control groups",
}

SOCKET_WHY = ("the Docker socket would give the container control of the whole Docker daemon, and "
              "with it of the server")
BIND_WHY = ("bind mounts of the server's files and folders are not allowed: the container could "
            "read or change them")
VOLUME_WHY = "volumes are not available in this sandbox (they live on the server's disk)"

# Global options that pick another daemon or read the server's files.
GLOBAL_WHY = "the global option --{name} is not allowed: this console always talks to its own sandbox"

# Flags the one docker CLI (engine/cli/) does not carry out, on either engine: refused rather than
# ignored. Keyed by canonical command, then long flag name.
CLI_UNMODELLED: dict[str, dict[str, str]] = {
    "images": {
        "tree": "docker images --tree is not available in this sandbox: use docker images",
    },
    "version": {
        "format": "docker version --format is not available in this sandbox: use docker version",
    },
    "info": {
        "format": "docker info --format is not available in this sandbox: use docker info",
    },
    "logs": {
        "details": "docker logs --details is not available in this sandbox: containers here have "
                   "no log attributes to show",
    },
    "build": {
        "add-host": "docker build --add-host is not available in this sandbox: RUN steps have no "
                    "network",
        "network": "docker build --network is not available in this sandbox: RUN steps have no "
                   "network",
        "cache-from": "docker build --cache-from is not available in this sandbox: the build "
                      "cache is the sandbox's own (--no-cache rebuilds)",
        "iidfile": "docker build --iidfile is not available in this sandbox: use -q, which "
                   "prints the image ID",
        "platform": "docker build --platform is not available in this sandbox: it builds for "
                    "linux/amd64 only",
        "isolation": "docker build --isolation is not available in this sandbox (a Windows "
                     "option)",
        "security-opt": "docker build --security-opt is not allowed: the sandbox sets the "
                        "build's security options itself",
        "squash": "docker build --squash is not available in this sandbox (an experimental "
                  "option of the classic builder)",
        "cgroup-parent": "docker build --cgroup-parent is not allowed: the sandbox fixes every "
                         "build's resources",
        "cpu-period": "docker build --cpu-period is not allowed: the sandbox fixes every build's "
                      "resources",
        "cpu-quota": "docker build --cpu-quota is not allowed: the sandbox fixes every build's "
                     "resources",
        "cpu-shares": "docker build --cpu-shares (-c) is not allowed: the sandbox fixes every "
                      "build's resources",
        "cpuset-cpus": "docker build --cpuset-cpus is not allowed: the sandbox fixes every "
                       "build's resources",
        "cpuset-mems": "docker build --cpuset-mems is not allowed: the sandbox fixes every "
                       "build's resources",
        "memory": "docker build --memory (-m) is not allowed: the sandbox fixes every build's "
                  "resources",
        "memory-swap": "docker build --memory-swap is not allowed: the sandbox fixes every "
                       "build's resources",
        "shm-size": "docker build --shm-size is not allowed: the sandbox fixes every build's "
                    "resources",
        "ulimit": "docker build --ulimit is not allowed: the sandbox fixes every build's "
                  "resources",
    },
    "history": {
        "platform": "docker history --platform is not available in this sandbox: its images "
                    "are linux/amd64 only",
    },
    "image prune": {
        "filter": "docker image prune --filter is not available in this sandbox",
        "all": "docker image prune -a is not available in this sandbox: remove images one by "
               "one with docker rmi",
    },
}


def flag_refusal(name: str, value: object) -> str:
    """Why the flag `--name` (given `value`) is refused, in the learner's words."""
    values = [str(v) for v in (value if isinstance(value, list) else [value])]
    if name == "volume":
        if any("docker.sock" in spec for spec in values):
            return SOCKET_WHY
        for spec in values:
            source = spec.split(":", 1)[0] if ":" in spec else ""
            if source.startswith(("/", ".", "~")):
                return BIND_WHY
        return VOLUME_WHY
    if name == "mount":
        if any("docker.sock" in spec for spec in values):
            return SOCKET_WHY
        for spec in values:
            fields: dict[str, str] = {}
            for part in spec.split(","):  # key=value pairs; a bare key has an empty value
                key, _, item = part.partition("=")
                fields[key] = item
            if fields.get("type", "volume") == "bind":
                return BIND_WHY
        return VOLUME_WHY
    if name in NAMESPACE_FLAGS:
        if "host" in values:
            return NAMESPACE_FLAGS[name]
        return (f"--{name} is not allowed in this sandbox: the sandbox sets up the container's "
                "namespaces itself")
    if name in WHY:
        return WHY[name]
    if name in RESOURCE_FLAGS:
        return (f"--{name} is not allowed: the sandbox fixes every container's resources "
                f"({LIMITS_TEXT})")
    return f"the flag --{name} is not allowed in this sandbox"


def cli_unmodelled(command: str, options: dict[str, object]) -> str | None:
    """The refusal of a flag the one CLI does not carry out, or None."""
    refused = CLI_UNMODELLED.get(command)
    if not refused:
        return None
    for name in options:
        if name in refused:
            return refused[name]
    return None
