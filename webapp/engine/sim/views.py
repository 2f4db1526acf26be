"""How the simulated daemon describes its objects: the Engine API's JSON shapes.

The CLI formatters take these shapes, so the simulator and the real-daemon engine print through the same
code. Strings that the daemon (not the CLI) builds, such as `docker ps` STATUS, are made here.
"""

from __future__ import annotations

import time as _time
from typing import Any

from ..formats.containers import command_string
from ..formats.ps_times import relative
from .container import Container
from .daemon import Daemon
from .health import filter_value, status_suffix

ZERO_TIME = "0001-01-01T00:00:00Z"


def rfc3339nano(ts: float | None) -> str:
    """Go's time.RFC3339Nano in UTC: trailing zeros of the fraction trimmed."""
    if ts is None:
        return ZERO_TIME
    seconds = int(ts)
    nanos = round((ts - seconds) * 1_000_000_000)
    if nanos >= 1_000_000_000:
        seconds, nanos = seconds + 1, nanos - 1_000_000_000
    base = _time.strftime("%Y-%m-%dT%H:%M:%S", _time.gmtime(seconds))
    frac = f"{nanos:09d}".rstrip("0")
    return f"{base}.{frac}Z" if frac else f"{base}Z"


_UP = {"running": ("Up ", ""), "paused": ("Up ", " (Paused)")}


def status_string(c: Container, now: float) -> str:
    """The STATUS column, built by the daemon at list time (moby State.String).

    The relative part is kept on the container while its text holds (see ``ps_times``).
    """
    state = c.state
    if state in _UP:
        since = c.started_at or now
        head, tail = _UP[state]
        if state == "running" and c.health is not None:  # no health suffix while paused
            tail = status_suffix(c)
    elif state == "restarting":
        since = c.finished_at or now
        head, tail = f"Restarting ({c.exit_code}) ", " ago"
    elif c.removal_in_progress:
        return "Removal In Progress"
    elif state == "dead":
        return "Dead"
    elif c.started_at is None:
        return "Created"
    elif c.finished_at is None:
        return ""
    else:
        since = c.finished_at
        head, tail = f"Exited ({c.exit_code}) ", " ago"
    status = c.status_cache = relative((head, tail, since), now - since, c.status_cache, head, tail)
    return status.text


def _ports(c: Container) -> list[dict[str, Any]]:
    if not c.running or c.restarting:
        return []
    out: list[dict[str, Any]] = []
    bound = set()
    for port, bindings in c.host_ports.items():
        number, _, proto = port.partition("/")
        for host_ip, host_port in bindings:
            out.append({"IP": host_ip, "PrivatePort": int(number), "PublicPort": int(host_port),
                        "Type": proto or "tcp"})
            bound.add(port)
    for port in c.config.exposed_ports:
        if port not in bound:
            number, _, proto = port.partition("/")
            out.append({"PrivatePort": int(number), "Type": proto or "tcp"})
    return out


_NO_PORTS: list[dict[str, Any]] = []
_HOST_CONFIG = {"NetworkMode": "bridge"}
_NO_MOUNTS: list[dict[str, Any]] = []


def container_summary(daemon: Daemon, c: Container, now: float) -> dict[str, Any]:
    """One element of `GET /containers/json`.

    Read-only: an unchanged container returns the same dict as last time (`docker ps` lists every
    container on each call). Any change of what it shows builds a new one.
    """
    ports = _ports(c) if c.host_ports or c.config.exposed_ports else _NO_PORTS
    size_rw = sum(len(v) for v in c.written.values()) if c.written else 0
    key = (c.name, ports, size_rw, c.docker_state, status_string(c, now), c.ip, filter_value(c),
           c.health.failing_streak if c.health is not None else 0)
    last = c.summary_cache
    if last is not None:
        if last[0] == key:
            return last[1]
        command, labels = last[1]["Command"], last[1]["Labels"]  # fixed at create
    else:
        path, args = c.path_args
        command, labels = command_string(path, args), dict(c.image.labels) | dict(c.config.labels)
    summary = {
        "Id": c.id,
        "Names": ["/" + c.name],
        "Image": c.config.image,
        "ImageID": c.image.id,
        "Command": command,
        "Created": int(c.created),
        "Labels": labels,
        "Ports": ports,
        "SizeRw": size_rw,
        "SizeRootFs": c.image.size,
        "State": key[3],
        "Status": key[4],
        "HostConfig": _HOST_CONFIG,
        "NetworkSettings": {"Networks": {"bridge": {"IPAddress": c.ip}}},
        "Mounts": _NO_MOUNTS,
        "Health": {"Status": key[6], "FailingStreak": key[7]},  # API 1.52
    }
    c.summary_cache = (key, summary)
    return summary


def _port_map(c: Container) -> dict[str, Any]:
    if not c.running or c.restarting:
        return {}
    ports: dict[str, Any] = {p: None for p in c.config.exposed_ports}
    for port, bindings in c.host_ports.items():
        ports[port] = [{"HostIp": ip, "HostPort": hp} for ip, hp in bindings]
    return ports


def container_inspect(daemon: Daemon, c: Container) -> dict[str, Any]:
    """`GET /containers/{id}/json`, with the fields in the daemon's order."""
    path, args = c.path_args
    cfg = c.config
    hc = c.host_config
    config: dict[str, Any] = {
        "Hostname": c.hostname,
        "Domainname": cfg.domainname,
        "User": cfg.user,
        "AttachStdin": cfg.attach_stdin,
        "AttachStdout": cfg.attach_stdout,
        "AttachStderr": cfg.attach_stderr,
    }
    if cfg.exposed_ports:
        config["ExposedPorts"] = {p: {} for p in cfg.exposed_ports}
    config.update({
        "Tty": cfg.tty,
        "OpenStdin": cfg.open_stdin,
        "StdinOnce": cfg.stdin_once,
        "Env": list(cfg.env),
        "Cmd": cfg.cmd,
    })
    if cfg.healthcheck is not None:
        config["Healthcheck"] = dict(cfg.healthcheck)
    config.update({
        "Image": cfg.image,
        "Volumes": None,
        "WorkingDir": cfg.workdir,
        "Entrypoint": cfg.entrypoint,
        "OnBuild": None,
        "Labels": dict(c.image.labels) | dict(cfg.labels),
    })
    if cfg.stop_signal:
        config["StopSignal"] = cfg.stop_signal
    if cfg.stop_timeout is not None:
        config["StopTimeout"] = cfg.stop_timeout
    state = {
        "Status": c.docker_state,
        "Running": c.running,
        "Paused": c.paused,
        "Restarting": c.restarting,
        "OOMKilled": c.oom_killed,
        "Dead": c.state == "dead",
        "Pid": c.pid_on_host if c.running and not c.restarting else 0,
        "ExitCode": c.exit_code,
        "Error": c.error,
        "StartedAt": rfc3339nano(c.started_at),
        "FinishedAt": rfc3339nano(c.finished_at),
    }
    if c.health is not None:
        state["Health"] = {
            "Status": c.health.status, "FailingStreak": c.health.failing_streak,
            "Log": [{"Start": rfc3339nano(r.start), "End": rfc3339nano(r.end),
                     "ExitCode": r.exit_code, "Output": r.output} for r in c.health.log],
        }
    return {
        "Id": c.id,
        "Created": rfc3339nano(c.created),
        "Path": path,
        "Args": args,
        "State": state,
        "Image": c.image.id,
        "ResolvConfPath": f"/var/lib/docker/containers/{c.id}/resolv.conf",
        "HostnamePath": f"/var/lib/docker/containers/{c.id}/hostname",
        "HostsPath": f"/var/lib/docker/containers/{c.id}/hosts",
        "LogPath": f"/var/lib/docker/containers/{c.id}/{c.id}-json.log",
        "Name": "/" + c.name,
        "RestartCount": c.restart_count,
        "Driver": "overlay2",
        "Platform": "linux",
        "MountLabel": "",
        "ProcessLabel": "",
        "AppArmorProfile": "docker-default",
        "ExecIDs": [e for e, i in c.execs.items() if i.running] or None,
        "HostConfig": {
            "Binds": None,
            "ContainerIDFile": "",
            "LogConfig": {"Type": "json-file", "Config": {}},
            "NetworkMode": c.host_config.network_mode or "bridge",
            "PortBindings": {p: [{"HostIp": ip, "HostPort": hp} for ip, hp in b]
                             for p, b in hc.port_bindings.items()},
            "RestartPolicy": {"Name": hc.restart_policy, "MaximumRetryCount": hc.restart_max},
            "AutoRemove": hc.auto_remove,
            "Init": hc.init,
            "PublishAllPorts": hc.publish_all,
            "Memory": hc.memory,
            "MemorySwap": hc.memory_swap,
            "Privileged": False,
            "ReadonlyRootfs": False,
        },
        "Mounts": [],
        "Config": config,
        "NetworkSettings": {
            "Bridge": "",
            "SandboxID": "",
            "Ports": _port_map(c),
            "Gateway": "172.17.0.1" if c.ip else "",
            "IPAddress": c.ip,
            "IPPrefixLen": 16 if c.ip else 0,
            "MacAddress": _mac(c.ip),
            "Networks": {"bridge": {"IPAddress": c.ip, "Gateway": "172.17.0.1" if c.ip else "",
                                    "MacAddress": _mac(c.ip)}},
        },
    }


def _mac(ip: str) -> str:
    if not ip:
        return ""
    parts = [int(p) for p in ip.split(".")]
    return "02:42:" + ":".join(f"{p:02x}" for p in parts)


def image_summary(image: Any, tags: list[str], containers: int) -> dict[str, Any]:
    """One element of `GET /images/json`."""
    return {
        "Id": image.id,
        "ParentId": "",
        "RepoTags": tags,
        "RepoDigests": [f"{image.repository}@{image.digest}"] if image.digest else [],
        "Created": int(_parse_created(image.created)),
        "Size": image.size,
        "SharedSize": -1,
        "Labels": dict(image.labels) or None,
        "Containers": containers,
    }


def image_inspect(image: Any, tags: list[str]) -> dict[str, Any]:
    """`GET /images/{name}/json`; a built image (sim/build.BuiltImage) also has its Shell,
    OnBuild, author, BuildKit's comment and its own layer chain."""
    built = hasattr(image, "history")
    config: dict[str, Any] = {
        "Hostname": "", "Domainname": "", "User": image.user, "AttachStdin": False,
        "AttachStdout": False, "AttachStderr": False,
    }
    if image.exposed_ports:
        config["ExposedPorts"] = {p: {} for p in image.exposed_ports}
    config.update({
        "Tty": False, "OpenStdin": False, "StdinOnce": False, "Env": list(image.env),
        "Cmd": list(image.cmd) if image.cmd is not None else None,
    })
    if image.healthcheck is not None:
        config["Healthcheck"] = image.healthcheck.to_json()
    if built and image.shell:
        config["Shell"] = list(image.shell)
    config.update({
        "Image": "", "Volumes": None,
        "WorkingDir": image.workdir,
        "Entrypoint": list(image.entrypoint) if image.entrypoint is not None else None,
        "OnBuild": list(image.onbuild) if built and image.onbuild else None,
        "Labels": dict(image.labels) or None,
    })
    if image.stop_signal:
        config["StopSignal"] = image.stop_signal
    layers = ([f"sha256:{layer}" for layer in image.layers] if built else
              [f"sha256:{layer:0<64}" for layer in image.layers])
    return {
        "Id": image.id,
        "RepoTags": tags,
        "RepoDigests": [f"{image.repository}@{image.digest}"] if image.digest else [],
        "Parent": "",
        "Comment": "buildkit.dockerfile.v0" if built else "",
        "Created": image.created,
        "DockerVersion": "",
        "Author": image.author if built else "",
        "Config": config,
        "Architecture": "amd64",
        "Os": "linux",
        "Size": image.size,
        "GraphDriver": {"Name": "overlay2", "Data": None},
        "RootFS": {"Type": "layers", "Layers": layers},
        "Metadata": {"LastTagTime": ZERO_TIME},
    }


def _parse_created(text: str) -> float:
    from datetime import datetime

    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return 0.0
