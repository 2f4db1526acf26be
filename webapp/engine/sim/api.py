"""The simulator as a Docker daemon: `EngineApi` answered by `Daemon`, in the Engine API's JSON.

This is the line between the one docker CLI and the simulated host: what the real daemon decides
(which containers a filter selects, the error for a paused container, when a stop is over) is
decided here, in the daemon's words; how it is printed is the CLI's business. Slow requests (stop,
restart, wait, `logs -f`) return futures settled from the daemon's clock.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..api import JSON, ApiError, Refused
from ..cli.client_side import STATES, parse_time, regex_match
from ..events import EventLog
from ..futures import Future
from ..healthcheck import probe_rate_refusal
from ..images import normalize_ref
from ..workspace import Workspace
from .attach import ContainerAttach, ExecAttach
from .build import base_history, build
from .container import Config, Container, ExecInstance, HostConfig, LogEntry
from .daemon import Daemon, DaemonError, NotModified
from .health import filter_value as health_of
from .pull import pull
from .resources import memory_settings
from .views import container_inspect, container_summary, image_inspect, image_summary, rfc3339nano

if TYPE_CHECKING:
    from ..clock import Clock

HEALTH_STATES = ("none", "starting", "healthy", "unhealthy")
FILTERS = {"ancestor", "before", "exited", "id", "name", "label", "status", "health", "since",
           "volume", "network", "isolation", "is-task", "publish", "expose"}


class SimApi:
    """One simulated daemon behind the Engine API."""

    def __init__(self, daemon: Daemon, events: EventLog, clock: Clock, *,
                 version: JSON, info: Callable[[], JSON]):
        self.daemon = daemon
        self._events = events
        self.clock = clock
        self._version = version
        self._info = info

    # -- containers ----------------------------------------------------------------------------------

    async def container_list(self, *, all: bool = False, limit: int | None = None,
                             size: bool = False,
                             filters: dict[str, list[str]] | None = None) -> list[JSON]:
        filters = filters or {}
        selected = self._filtered(filters)
        if limit is not None and limit > 0:
            selected = selected[:limit]
        elif not (all or "status" in filters):  # a status filter lists stopped ones too
            selected = [c for c in selected if c.running]
        now = self.clock.now()
        return [container_summary(self.daemon, c, now) for c in selected]

    def _filtered(self, by_key: dict[str, list[str]]) -> list[Container]:
        for key in by_key:
            if key not in FILTERS:
                raise ApiError(400, f"invalid filter '{key}'")
        for value in by_key.get("status", []):
            if value not in STATES:
                raise ApiError(400, f"invalid filter 'status={value}': invalid value for state "
                                    f"({value}): must be one of created, running, paused, "
                                    "restarting, removing, exited, dead")
        for value in by_key.get("health", []):
            if value not in HEALTH_STATES:
                raise ApiError(400, f"invalid filter 'health={value}': invalid value for health "
                                    f"({value}): must be one of {', '.join(HEALTH_STATES)}")
        exited_codes = []
        for value in by_key.get("exited", []):
            try:
                exited_codes.append(int(value))
            except ValueError:
                raise ApiError(400, f'invalid filter \'exited={value}\': strconv.Atoi: parsing '
                                    f'"{value}": invalid syntax') from None
        ancestors = {image.id for image in map(self.daemon.images.find, by_key.get("ancestor", []))
                     if image is not None}
        out = []
        for c in self.daemon.listing():
            if "status" in by_key and c.docker_state not in by_key["status"]:
                continue
            if "name" in by_key and not any(regex_match(v, c.name) or regex_match(v, "/" + c.name)
                                            for v in by_key["name"]):
                continue
            if "id" in by_key and not any(regex_match(v, c.id) for v in by_key["id"]):
                continue
            if "ancestor" in by_key and c.image.id not in ancestors:
                continue
            if "health" in by_key and health_of(c) not in by_key["health"]:
                continue
            if exited_codes and (c.running or not c.has_been_started
                                 or c.exit_code not in exited_codes):
                continue
            if "label" in by_key and not _labels_match(
                    dict(c.image.labels) | c.config.labels, by_key["label"]):
                continue
            out.append(c)
        return out

    async def container_create(self, body: JSON, *, name: str | None = None) -> JSON:
        refusal = probe_rate_refusal(body.get("Healthcheck"))
        if refusal is not None:
            raise Refused(refusal)
        healthcheck = validated_healthcheck(body.get("Healthcheck"))
        host = body.get("HostConfig") or {}
        memory, memory_swap = memory_settings(int(host.get("Memory") or 0),
                                              int(host.get("MemorySwap") or 0))
        restart = host.get("RestartPolicy") or {}
        config = Config(
            image=str(body.get("Image") or ""), cmd=body.get("Cmd") or None,
            entrypoint=body.get("Entrypoint"), env=list(body.get("Env") or []),
            tty=bool(body.get("Tty")), open_stdin=bool(body.get("OpenStdin")),
            stdin_once=bool(body.get("StdinOnce")), attach_stdin=bool(body.get("AttachStdin")),
            attach_stdout=bool(body.get("AttachStdout")),
            attach_stderr=bool(body.get("AttachStderr")),
            workdir=str(body.get("WorkingDir") or ""), hostname=str(body.get("Hostname") or ""),
            domainname=str(body.get("Domainname") or ""),
            user=str(body.get("User") or ""), labels=dict(body.get("Labels") or {}),
            stop_signal=body.get("StopSignal"), stop_timeout=body.get("StopTimeout"),
            exposed_ports=list(body.get("ExposedPorts") or {}), healthcheck=healthcheck)
        bindings = {port: [(b.get("HostIp", ""), b.get("HostPort", "")) for b in spec or []]
                    for port, spec in (host.get("PortBindings") or {}).items()}
        host_config = HostConfig(
            restart_policy=str(restart.get("Name") or "no"),
            restart_max=int(restart.get("MaximumRetryCount") or 0),
            auto_remove=bool(host.get("AutoRemove")), init=host.get("Init"),
            port_bindings=bindings, publish_all=bool(host.get("PublishAllPorts")),
            network_mode=str(host.get("NetworkMode") or ""),
            memory=memory, memory_swap=memory_swap)
        container = self.daemon.create(config, host_config, name)
        return {"Id": container.id, "Warnings": []}

    async def container_start(self, ref: str) -> None:
        try:
            self.daemon.start(self.daemon.get(ref))
        except NotModified:
            return

    async def container_inspect(self, ref: str, *, size: bool = False) -> JSON:
        container = self.daemon.get(ref)
        data = container_inspect(self.daemon, container)
        if not size:
            return data
        # `?size=1`: SizeRw and SizeRootFs, after GraphDriver as in moby's ContainerJSONBase
        sized: JSON = {}
        for key, value in data.items():
            sized[key] = value
            if key == "GraphDriver":
                sized["SizeRw"] = sum(len(v) for v in container.written.values())
                sized["SizeRootFs"] = container.image.size + sized["SizeRw"]
        if "SizeRw" not in sized:
            sized["SizeRw"] = sum(len(v) for v in container.written.values())
            sized["SizeRootFs"] = container.image.size + sized["SizeRw"]
        return sized

    async def container_stop(self, ref: str, *, timeout: int | None = None,
                             signal: str | None = None) -> None:
        stopped: Future[None] = Future()
        try:
            self.daemon.stop(self.daemon.get(ref), timeout, signal,
                             lambda: stopped.set_result(None))
        except NotModified:
            return
        await stopped

    async def container_restart(self, ref: str, *, timeout: int | None = None,
                                signal: str | None = None) -> None:
        restarted: Future[None] = Future()

        def finished(err: BaseException | None) -> None:
            if isinstance(err, DaemonError):
                restarted.set_exception(_prefixed(f"Cannot restart container {ref}: ", err))
            else:
                restarted.set_result(None)

        try:
            self.daemon.restart(self.daemon.get(ref), timeout, signal, finished)
        except NotModified:
            return
        except DaemonError as err:
            raise _prefixed(f"Cannot restart container {ref}: ", err) from None
        await restarted

    async def container_kill(self, ref: str, *, signal: str | None = None) -> None:
        try:
            self.daemon.kill(self.daemon.get(ref), signal)
        except NotModified:
            return
        except DaemonError as err:
            raise _prefixed(f"cannot kill container: {ref}: ", err) from None

    async def container_pause(self, ref: str) -> None:
        try:
            self.daemon.pause(self.daemon.get(ref))
        except NotModified:
            return

    async def container_unpause(self, ref: str) -> None:
        try:
            self.daemon.unpause(self.daemon.get(ref))
        except NotModified:
            return

    async def container_wait(self, ref: str, *,
                             condition: str = "not-running") -> Future[JSON]:
        container = self.daemon.get(ref)
        exited: Future[JSON] = Future()

        def settle(c: Container) -> None:
            exited.set_result({"StatusCode": c.exit_code})

        if condition == "not-running":
            self.daemon.when_exited(container, settle)
        elif condition == "removed":  # also a container removed without ever running
            self.daemon.removal_waiters.setdefault(container.id, []).append(settle)
        else:
            self.daemon.exit_waiters.setdefault(container.id, []).append(settle)
        return exited

    async def container_attach(self, ref: str, *, stdin: bool, stdout: bool, stderr: bool,
                               detach_keys: str) -> ContainerAttach:
        return ContainerAttach(self.daemon, self.daemon.get(ref), stdin=stdin, stdout=stdout,
                               stderr=stderr, keys=detach_keys)

    async def container_resize(self, ref: str, *, height: int, width: int) -> None:
        container = self.daemon.get(ref)
        if not container.running:
            raise ApiError(409, f"Container {container.id} is not running")
        self.daemon.emit(container, "resize", {"height": str(height), "width": str(width)})

    async def container_rename(self, ref: str, name: str) -> None:
        self.daemon.rename(self.daemon.get(ref), name)

    async def container_remove(self, ref: str, *, force: bool = False) -> None:
        self.daemon.remove(self.daemon.get(ref), ref, force)

    async def container_top(self, ref: str, *, ps_args: str = "") -> JSON:
        container = self.daemon.get(ref)
        if not container.running or container.restarting:
            raise ApiError(409, f"container {container.id} is not running")
        self.daemon.emit(container, "top")
        processes = []
        host_pid = container.pid_on_host
        for row in container.process_table(None):
            pid = host_pid + int(str(row["pid"])) - 1
            ppid = host_pid - 20 if row["pid"] == 1 else host_pid + int(str(row["ppid"])) - 1
            processes.append([str(row["user"]), str(pid), str(ppid), "0", str(row["start"]),
                              str(row["tty"]), "00:00:00", str(row["cmd"])])
        return {"Titles": ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"],
                "Processes": processes}

    async def container_logs(self, ref: str, *, follow: bool = False, timestamps: bool = False,
                             tail: str = "all", since: float | None = None,
                             until: float | None = None) -> SimLogStream:
        container = self.daemon.get(ref)
        entries = [e for e in container.logs if (since is None or e.time >= since)
                   and (until is None or e.time <= until)]
        if tail != "all":
            try:
                count = int(tail)
            except ValueError:
                count = -1
            if count >= 0:
                entries = _tail_lines(entries, count)
        return SimLogStream(self, container, entries, follow=follow, timestamps=timestamps)

    async def containers_prune(self, *, filters: dict[str, list[str]] | None = None) -> JSON:
        filters = filters or {}
        for key in filters:
            if key not in ("label", "label!", "until"):
                raise ApiError(400, f"invalid filter '{key}'")
        until = [parse_time(v, self.clock.now()) for v in filters.get("until", [])]
        removed = []
        for c in self.daemon.listing():
            if c.running:
                continue
            labels = dict(c.image.labels) | c.config.labels
            if "label" in filters and not _labels_match(labels, filters["label"]):
                continue
            if any(_labels_match(labels, [v]) for v in filters.get("label!", [])):
                continue
            if any(u is not None and c.created > u for u in until):
                continue
            self.daemon.remove(c, c.name, False)
            removed.append(c.id)
        # moby daemon/prune.go ContainersPrune: one `prune` event, whatever was removed
        self.daemon.emit(None, "prune", {"reclaimed": "0"})
        return {"ContainersDeleted": removed, "SpaceReclaimed": 0}

    async def exec_create(self, ref: str, body: JSON) -> JSON:
        container = self.daemon.get(ref)
        instance = self.daemon.exec_create(
            container, ref, list(body.get("Cmd") or []), tty=bool(body.get("Tty")),
            interactive=bool(body.get("AttachStdin")), detach=bool(body.get("Detach")),
            env=list(body.get("Env") or []), workdir=str(body.get("WorkingDir") or ""),
            user=str(body.get("User") or ""))
        return {"Id": instance.id}

    def _exec(self, exec_id: str) -> ExecInstance:
        for container in self.daemon.containers.values():
            instance = container.execs.get(exec_id)
            if instance is not None:
                return instance
        raise ApiError(404, f"No such exec instance: {exec_id}")

    async def exec_start(self, exec_id: str, *, detach: bool = False, tty: bool = False) -> None:
        self.daemon.exec_start(self._exec(exec_id))

    async def exec_attach(self, exec_id: str, *, tty: bool, stdin: bool,
                          detach_keys: str) -> ExecAttach:
        return ExecAttach(self.daemon, self._exec(exec_id), keys=detach_keys)

    async def exec_inspect(self, exec_id: str) -> JSON:
        instance = self._exec(exec_id)
        return {"ID": instance.id, "Running": instance.running, "ExitCode": instance.exit_code,
                "ContainerID": instance.container.id}

    async def exec_resize(self, exec_id: str, *, height: int, width: int) -> None:
        self._exec(exec_id)

    # -- images --------------------------------------------------------------------------------------

    async def image_list(self) -> list[JSON]:
        by_id: dict[str, list[str]] = {}
        images = {}
        for ref, image in self.daemon.images.by_ref.items():
            by_id.setdefault(image.id, []).append(ref)
            images[image.id] = image
        for image_id, image in self.daemon.images.dangling.items():
            by_id.setdefault(image_id, [])
            images.setdefault(image_id, image)
        summaries = [image_summary(images[image_id], tags, len(self.daemon.image_users(images[image_id])))
                     for image_id, tags in by_id.items()]
        summaries.sort(key=lambda s: s["Created"], reverse=True)
        return summaries

    async def image_pull(self, ref: str, *, on_message: Callable[[JSON], None]) -> None:
        await pull(self.daemon, self.clock, ref, on_message)

    async def image_inspect(self, ref: str) -> JSON:
        found = self.daemon.images.find(ref)
        if found is None:
            raise ApiError(404, f"No such image: {ref}")
        return image_inspect(found, self.daemon.images.refs_of(found.id))

    async def image_remove(self, ref: str, *, force: bool = False) -> list[JSON]:
        removed: list[JSON] = []
        for line in self.daemon.remove_image(ref, force):
            key, _, value = line.partition(": ")
            removed.append({key: value})
        return removed

    async def image_build(self, context: Workspace, *, dockerfile: str = "Dockerfile",
                          tags: list[str] | None = None,
                          build_args: dict[str, str] | None = None, target: str = "",
                          no_cache: bool = False, labels: dict[str, str] | None = None,
                          on_message: Callable[[JSON], None]) -> str:
        for tag in tags or []:
            problem = _tag_problem(tag)
            if problem is not None:
                raise ApiError(400, problem)
        return await build(self.daemon, context, dockerfile=dockerfile, tags=list(tags or []),
                           build_args=dict(build_args or {}), target=target, no_cache=no_cache,
                           labels=dict(labels or {}), on_message=on_message)

    async def image_history(self, ref: str) -> list[JSON]:
        image = self.daemon.images.find(ref)
        if image is None:
            raise ApiError(404, f"No such image: {normalize_ref(ref)}")
        entries = base_history(image)
        tags = self.daemon.images.refs_of(image.id)
        out: list[JSON] = []
        for n, entry in enumerate(reversed(entries)):
            out.append({"Id": image.id if n == 0 else "<missing>", "Created": int(entry.created),
                        "CreatedBy": entry.created_by, "Tags": tags if n == 0 else None,
                        "Size": entry.size, "Comment": entry.comment})
        return out

    async def image_tag(self, ref: str, repo: str, tag: str) -> None:
        image = self.daemon.images.find(ref)
        if image is None:
            raise ApiError(404, f"No such image: {normalize_ref(ref)}")
        target = f"{repo}:{tag or 'latest'}"
        problem = _tag_problem(target)
        if problem is not None:
            raise ApiError(400, problem)
        self.daemon.tag_image(image, target)

    async def images_prune(self) -> JSON:
        deleted, reclaimed = self.daemon.prune_images()
        # moby daemon/images/image_prune.go ImagesPrune logs an image `prune` event (the image
        # store of Docker 20.10 and of graph drivers; the containerd store logs none)
        self.daemon.emit(None, "prune", {"reclaimed": str(reclaimed)}, type_="image")
        return {"ImagesDeleted": deleted or None, "SpaceReclaimed": reclaimed}

    # -- system --------------------------------------------------------------------------------------

    def events(self) -> EventLog:
        return self._events

    async def version(self) -> JSON:
        return self._version

    async def info(self) -> JSON:
        return self._info()


class SimLogStream:
    """A container's log: what it kept, then (with `follow`) its output until it exits."""

    def __init__(self, api: SimApi, container: Container, entries: list[LogEntry], *,
                 follow: bool, timestamps: bool):
        self._api = api
        self._container = container
        self._entries = entries
        self._follow = follow
        self._timestamps = timestamps
        self._ended: Future[None] = Future()
        self._live: Callable[[str, str], None] | None = None

    def _text(self, when: float, text: str) -> str:
        if not self._timestamps:
            return text
        stamp = rfc3339nano(when)
        return "".join(f"{stamp} {line}" for line in text.splitlines(keepends=True))

    def read(self, on_chunk: Callable[[str, str], None]) -> Future[None]:
        for entry in self._entries:
            on_chunk(entry.stream, self._text(entry.time, entry.text))
        container = self._container
        if not self._follow or not container.running:
            self._ended.set_result(None)
            return self._ended

        def live(text: str, stream: str) -> None:
            on_chunk(stream, self._text(self._api.clock.now(), text))

        self._live = live
        container.attachments.append(live)
        self._api.daemon.when_exited(container, lambda _: self.close())
        return self._ended

    def close(self) -> None:
        if self._live is not None and self._live in self._container.attachments:
            self._container.attachments.remove(self._live)
        self._ended.set_result(None)


def validated_healthcheck(config: object) -> JSON | None:
    """The create request's health check, checked as the daemon checks it
    (moby validateHealthCheck; durations under 1ms are refused)."""
    if not isinstance(config, dict):
        return None
    for key in ("Interval", "Timeout", "StartPeriod", "StartInterval"):
        value = config.get(key) or 0
        if not isinstance(value, int) or (value != 0 and value < 1_000_000):
            raise DaemonError(f"{key} in Healthcheck cannot be less than 1ms", 400)
    if int(config.get("Retries") or 0) < 0:
        raise DaemonError("Retries in Healthcheck cannot be negative", 400)
    return dict(config)


def _tag_problem(ref: str) -> str | None:
    """What the daemon says of a tag it cannot take (a `sha256:` ID as a name)."""
    name = ref.rsplit(":", 1)[0] if "/" not in ref.rsplit(":", 1)[-1] else ref
    if ref.startswith("sha256:") or (len(name) == 64 and all(c in "0123456789abcdef" for c in name)):
        return "refusing to create a tag with a digest reference"
    return None


def _prefixed(prefix: str, err: ApiError) -> ApiError:
    return DaemonError(prefix + err.message, err.status)


def _labels_match(labels: dict[str, str], wanted: list[str]) -> bool:
    for value in wanted:
        key, eq, want = value.partition("=")
        if key not in labels or (eq and labels[key] != want):
            return False
    return True


def _tail_lines(entries: list[LogEntry], count: int) -> list[LogEntry]:
    """Keep the last `count` lines of the log."""
    lines: list[LogEntry] = []
    for entry in entries:
        for line in entry.text.splitlines(keepends=True):
            lines.append(LogEntry(entry.time, entry.stream, line))
    return lines[-count:] if count else []


def simulator_info(daemon: Daemon) -> JSON:
    """`GET /info` of the simulated host."""
    containers = list(daemon.containers.values())
    running = sum(1 for c in containers if c.running and not c.paused)
    paused = sum(1 for c in containers if c.paused)
    return {
        "Containers": len(containers), "ContainersRunning": running, "ContainersPaused": paused,
        "ContainersStopped": len(containers) - running - paused,
        "Images": len(daemon.images.by_ref), "ServerVersion": "29.1.0", "Driver": "overlayfs",
        "LoggingDriver": "json-file", "CgroupDriver": "systemd", "CgroupVersion": "2",
        "DefaultRuntime": "runc", "InitBinary": "docker-init", "KernelVersion": "6.1.0-28-amd64",
        "OperatingSystem": "Lifecycle Lab simulator", "OSType": "linux", "Architecture": "x86_64",
        "NCPU": 2, "Name": "lifecycle-lab",
    }


SIMULATOR_VERSION: dict[str, Any] = {
    "Platform": {"Name": "Lifecycle Lab simulator"}, "Version": "29.1.0", "ApiVersion": "1.52",
    "MinAPIVersion": "1.44", "Os": "linux", "Arch": "amd64",
}
