"""The simulated Docker daemon: containers, images, restart manager and events, as the Engine API sees them.

Operations mirror the daemon's API and raise `DaemonError` with the daemon's own message; the CLI layer
(`sim/cli.py`) turns them into what the docker CLI prints. Every change of a container's state goes
through `lifecycle.transition`, so the simulator cannot make a move the lifecycle table lacks.
"""

from __future__ import annotations

import dataclasses
import random
import re
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NoReturn

from .. import lifecycle
from ..api import ApiError
from ..clock import Clock
from ..events import Event
from ..healthcheck import merge_with_image
from ..images import CATALOGUE, Image, normalize_ref
from . import health
from .container import Config, Container, ExecInstance, HostConfig
from .names import generate as generate_name
from .process import Proc, Stream
from .programs import init_program
from .resources import SANDBOX_MEMORY, Meter, Pacer
from .signals import SIGKILL, SIGTERM, InvalidSignal, parse_signal
from .tty import LineDiscipline
from .users import UnknownUser
from .users import resolve as resolve_user

#: The networks of the simulated host (`--network` names anything else: "network X not found").
NETWORKS = frozenset({"bridge", "default", "none"})

NAME_RE = re.compile(r"^/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$")
RESTART_MIN, RESTART_MAX = 0.1, 60.0


class DaemonError(ApiError):
    """An error the daemon answers with: `message` is what follows `Error response from daemon: `."""

    def __init__(self, message: str, status: int = 500, exit_code: int | None = None):
        super().__init__(status, message)
        self.exit_code = exit_code


class NotModified(Exception):
    """HTTP 304: the request was a no-op (stop of a stopped container, start of a running one)."""


@dataclass
class Limits:
    containers: int = 1000
    processes: int = 256
    memory: int = SANDBOX_MEMORY  # what all the sandbox's containers may hold together
    images: int = 40  # images (tagged or dangling) the sandbox may hold, built ones included


@dataclass
class RestartManager:
    """Per-start bookkeeping of the restart policy (moby's restartmanager)."""

    policy: str
    max_retries: int
    count: int = 0
    timeout: float = 0.0
    canceled: bool = False

    def should_restart(self, exit_code: int, manually_stopped: bool, ran_for: float) -> bool:
        if self.canceled:
            return False
        if ran_for >= 10:
            self.timeout = 0.0
        if self.timeout == 0:
            self.timeout = RESTART_MIN
        elif self.timeout < RESTART_MAX:
            self.timeout *= 2
        self.timeout = min(self.timeout, RESTART_MAX)
        if self.policy == "always":
            restart = True
        elif self.policy == "unless-stopped":
            restart = not manually_stopped
        elif self.policy == "on-failure":
            restart = exit_code != 0 and (self.max_retries == 0 or self.count < self.max_retries)
        else:
            restart = False
        if restart:
            self.count += 1
        return restart


@dataclass
class Waiter:
    callback: Callable[[Container], None]
    once: bool = True


@dataclass
class DaemonImages:
    """Images present locally, in the order they arrived: tagged ones by reference, and the
    dangling ones (`<none>:<none>`: built without a tag, or whose tag moved on) by ID."""

    by_ref: dict[str, Image] = field(default_factory=dict)
    dangling: dict[str, Image] = field(default_factory=dict)

    def add(self, image: Image) -> None:
        self.by_ref[image.ref] = image
        self.dangling.pop(image.id, None)

    def ids(self) -> set[str]:
        return {i.id for i in self.by_ref.values()} | set(self.dangling)

    def refs_of(self, image_id: str) -> list[str]:
        return [r for r, i in self.by_ref.items() if i.id == image_id]

    def find(self, ref: str) -> Image | None:
        image = self.by_ref.get(normalize_ref(ref))
        if image is not None:
            return image
        wanted = ref.removeprefix("sha256:").lower()
        if len(wanted) >= 1 and all(c in "0123456789abcdef" for c in wanted):
            matches = {i.id: i for i in [*self.by_ref.values(), *self.dangling.values()]
                       if i.id.removeprefix("sha256:").startswith(wanted)}
            if len(matches) == 1:
                return next(iter(matches.values()))
        return None


class Daemon:
    def __init__(self, clock: Clock, *, emit: Callable[[Event], None], rng: random.Random,
                 images: list[str] | None = None, limits: Limits | None = None):
        self.clock = clock
        self._emit = emit
        self.rng = rng
        self.limits = limits or Limits()
        self.meter = Meter(self.limits.memory)
        self.pacer = Pacer(clock)
        self.images = DaemonImages()
        # The build cache (sim/build.py): chain key -> the stage state after that step, oldest first.
        self.build_cache: OrderedDict[str, Any] = OrderedDict()
        for ref in (images if images is not None else list(CATALOGUE)):
            image = CATALOGUE.get(normalize_ref(ref))
            if image is not None:
                self.images.add(image)
        self.containers: dict[str, Container] = {}
        self.names: dict[str, str] = {}
        self.restart_managers: dict[str, RestartManager] = {}
        self.exit_waiters: dict[str, list[Callable[[Container], None]]] = {}
        self.removal_waiters: dict[str, list[Callable[[Container], None]]] = {}
        self._last_nano = 0
        self._seq = 0
        self._host_pid = 2000 + rng.randrange(1000)

    # -- identity ---------------------------------------------------------------------------------

    def new_id(self) -> str:
        while True:
            value = f"{self.rng.getrandbits(256):064x}"
            if not value[:12].isdigit():
                return value

    def emit(self, actor: Container | Image | None, action: str, extra: dict[str, str] | None = None,
             *, type_: str = "container", actor_id: str | None = None) -> Event:
        nano = int(self.clock.now() * 1_000_000_000)
        nano = max(nano, self._last_nano + 1)
        self._last_nano = nano
        attrs: dict[str, str] = {}
        if isinstance(actor, Container):
            if actor.health is not None and actor.health.monitor is not None:
                actor.health.monitor.resume()  # a rebuild's suspended probing has work again
            attrs.update(actor.image.labels)
            attrs.update(actor.config.labels)
            attrs["image"] = actor.config.image
            attrs["name"] = actor.name
            actor_id = actor.id
        if extra:
            attrs.update(extra)
        event = Event(type_, action, actor_id or "", attrs, nano)
        self._emit(event)
        return event

    def move(self, container: Container, edge: str, dst: str | None = None) -> None:
        """Change a container's lifecycle state along an edge of the table."""
        t = lifecycle.transition(edge, container.state, dst)
        container.state = t.dst

    # -- lookup -----------------------------------------------------------------------------------

    def get(self, ref: str) -> Container:
        """Resolve a container argument: full ID, then exact name, then a unique ID prefix."""
        if ref == "":
            raise DaemonError("No such container: ", 404)
        if ref in self.containers:
            return self.containers[ref]
        name = ref.removeprefix("/")
        if name in self.names:
            return self.containers[self.names[name]]
        matches = [c for cid, c in self.containers.items() if cid.startswith(ref.lower())] \
            if all(ch in "0123456789abcdef" for ch in ref.lower()) else []
        if len(matches) == 1:
            return matches[0]
        if len(matches) > 1:
            raise DaemonError(f"multiple IDs found with provided prefix: {ref}", 400)
        raise DaemonError(f"No such container: {ref}", 404)

    def listing(self) -> list[Container]:
        """Newest created first, as the daemon lists them."""
        return sorted(self.containers.values(), key=lambda c: (c.created, c.seq), reverse=True)

    # -- create -----------------------------------------------------------------------------------

    def create(self, config: Config, host_config: HostConfig, name: str | None) -> Container:
        if name:
            if not NAME_RE.match(name):
                raise DaemonError(
                    f"Invalid container name ({name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", 400)
            name = name.lstrip("/")
            if name in self.names:
                raise DaemonError(
                    f'Conflict. The container name "/{name}" is already in use by container '
                    f'"{self.names[name]}". You have to remove (or rename) that container to be able '
                    "to reuse that name.", 409)
        image = self.images.find(config.image)
        if image is None:
            raise DaemonError(f"No such image: {normalize_ref(config.image)}", 404)
        if len(self.containers) >= self.limits.containers:
            raise DaemonError(
                f"sandbox limit reached: at most {self.limits.containers} containers; remove some with "
                "'docker rm' or 'docker container prune'", 403)
        if not name:
            name = self._generated_name()
        cid = self.new_id()
        if config.cmd is None and config.entrypoint is None:
            config.cmd = list(image.cmd) if image.cmd else None
        if config.entrypoint is None:
            config.entrypoint = list(image.entrypoint) if image.entrypoint else None
        elif config.entrypoint == [""]:
            config.entrypoint = None
        merged_env = list(image.env)
        for item in config.env:
            key = item.split("=", 1)[0]
            merged_env = [e for e in merged_env if e.split("=", 1)[0] != key] + [item]
        config.env = merged_env
        config.workdir = config.workdir or image.workdir
        config.user = config.user or image.user
        if config.stop_signal is None and image.stop_signal:
            config.stop_signal = image.stop_signal
        config.exposed_ports = sorted(set(image.exposed_ports) | set(config.exposed_ports),
                                      key=_port_key)
        config.healthcheck = merge_with_image(
            config.healthcheck, image.healthcheck.to_json() if image.healthcheck else None)
        container = Container(self.clock, id=cid, name=name, image=image, config=config,
                              host_config=host_config, created=self.clock.now(),
                              on_main_exit=self._on_main_exit, on_oom=self._on_oom,
                              host_meter=self.meter)
        container.installed.update(getattr(image, "installed", None) or {})  # a built image's RUN
        container.pacer = self.pacer
        self._seq += 1
        container.seq = self._seq
        self.containers[cid] = container
        self.names[name] = cid
        self.emit(container, "create")
        return container

    def _generated_name(self) -> str:
        for retry in range(6):
            name = generate_name(self.rng, retry)
            if name not in self.names:
                return name
        return self.new_id()[:12]

    # -- start ------------------------------------------------------------------------------------

    def start(self, container: Container, *, manual: bool = True,
              on_started: Callable[[], None] | None = None) -> None:
        """Start the main process; `on_started` runs right after the `start` event, before the
        process runs (a program that ends at once dies after it, as on the daemon)."""
        if container.paused:
            raise DaemonError("cannot start a paused container, try unpause instead", 409)
        if container.running and not container.restarting:
            raise NotModified()
        if container.removal_in_progress or container.state == "dead":
            raise DaemonError("container is marked for removal and cannot be started", 409)
        path, args = container.path_args
        if not path:
            raise DaemonError("no command specified", 400)
        argv = [path, *args]
        if container.host_config.init:
            argv = ["/sbin/docker-init", "--", *argv]
        env_list = container.env_list()
        env = dict(item.partition("=")[::2] for item in env_list)
        if manual:
            self.restart_managers[container.id] = RestartManager(
                container.host_config.restart_policy, container.host_config.restart_max)
            container.restart_count = 0
            container.manually_stopped = False
        # moby's containerStart: networking first (a missing network, a taken host port), then
        # the OCI spec (the user); each failure leaves the container as it was, with exit code 128
        # (exitUnknown) and the error in its State, and no start/die event.
        network = container.host_config.network_mode or "default"
        if network not in NETWORKS:
            self._setup_failed(container, f"network {network} not found", 404)
        try:
            self._publish_ports(container)
        except DaemonError as err:
            self._setup_failed(container, err.message, err.status)
        try:
            ident = resolve_user(container.config.user, container.read_file(None, "/etc/passwd"),
                                 container.read_file(None, "/etc/group"))
        except UnknownUser as err:
            container.host_ports = {}
            self._setup_failed(container, str(err), 500)
        if not container.host_config.init:
            program, code, reason = container.resolve(None, argv, env.get("PATH", ""),
                                                      container.config.workdir or "/")
            if program is None:
                container.host_ports = {}
                self._start_failed(container, argv[0], code, reason)
        else:
            program = init_program
        if container.config.workdir and container.path_kind(None, container.config.workdir) is None:
            container.written[container.config.workdir.rstrip("/") + "/.keep"] = ""
        container.procs.clear()
        container._next_pid = 1
        stdin: Stream
        if container.config.open_stdin or container.config.tty:
            # A TTY's input never ends by itself, even with nobody attached (`run -dt ubuntu`
            # keeps bash waiting, Up); without one, no -i means stdin is at its end at once.
            stdin = Stream()
        else:
            from .process import NullStream

            stdin = NullStream()
        container.stdin = stdin
        main = Proc(container, argv, env=env, cwd=container.config.workdir or "/",
                    out=container.output, stdin=stdin, tty=container.config.tty, pid1=True,
                    user=ident.name or str(ident.uid), ident=ident)
        container.main = main
        if container.config.tty:
            container.ldisc = LineDiscipline(stdin, lambda text: container.output(text, "stdout"),
                                             lambda sig: main.interrupt_foreground(sig))
        else:
            container.ldisc = None
        edge_from = container.state
        self.move(container, "start", "running" if edge_from != "restarting" else None)
        container.exit_code = 0
        container.error = ""
        container.oom_killed = False  # SetRunning clears it
        container.started_at = self.clock.now()
        container.has_been_started = True
        container.ip = self._allocate_ip() if network != "none" else ""
        self._host_pid += self.rng.randrange(3, 40)
        container.pid_on_host = self._host_pid
        health.init_monitor(self, container)
        self.emit(container, "start")
        if on_started is not None:
            on_started()
        main.start(program)

    def _start_failed(self, container: Container, exe: str, code: int, reason: str) -> NoReturn:
        if reason == "not found":
            detail = f'exec: "{exe}": executable file not found in $PATH'
        elif reason == "no such file":
            detail = f'exec: "{exe}": stat {exe}: no such file or directory'
        elif reason == "is a directory":
            detail = f'exec: "{exe}": is a directory'
        else:
            detail = f'exec: "{exe}": permission denied'
        message = ("failed to create task for container: failed to create shim task: OCI runtime create "
                   "failed: runc create failed: unable to start container process: error during container "
                   f"init: {detail}: unknown")
        container.exit_code = code
        container.error = message
        if container.host_config.auto_remove:
            self._destroy(container)
        raise DaemonError(message, 400, exit_code=code)

    def _setup_failed(self, container: Container, message: str, status: int) -> NoReturn:
        """A start that fails before any process exists: the state stays, State.Error tells."""
        container.exit_code = 128
        container.error = message
        if container.host_config.auto_remove:
            self._destroy(container)
        raise DaemonError(message, status)

    def _allocate_ip(self) -> str:
        used = {c.ip for c in self.containers.values() if c.ip}
        for n in range(2, 65000):
            ip = f"172.17.{n // 256}.{n % 256}"
            if ip not in used:
                return ip
        return ""

    def _publish_ports(self, container: Container) -> None:
        ports: dict[str, list[tuple[str, str]]] = {}
        for port, bindings in container.host_config.port_bindings.items():
            resolved = []
            for host_ip, host_port in bindings:
                if not host_port:
                    host_port = str(self._ephemeral_port())
                if host_ip:
                    resolved.append((host_ip, host_port))
                else:
                    resolved.extend([("0.0.0.0", host_port), ("::", host_port)])
            ports[port] = resolved
        if container.host_config.publish_all:
            for port in container.config.exposed_ports:
                if port not in ports:
                    host_port = str(self._ephemeral_port())
                    ports[port] = [("0.0.0.0", host_port), ("::", host_port)]
        for port, bindings in ports.items():
            for host_ip, host_port in bindings:
                for other in self.containers.values():
                    if other is container or not other.running:
                        continue
                    for obindings in other.host_ports.values():
                        if (host_port, host_ip) in {(p, i) for i, p in obindings}:
                            endpoint = self.new_id()  # libnetwork's endpoint, new at each try
                            raise DaemonError(
                                f"driver failed programming external connectivity on endpoint "
                                f"{container.name} ({endpoint}): Bind for {host_ip}:{host_port} "
                                "failed: port is already allocated", 500)
        container.host_ports = ports

    def _ephemeral_port(self) -> int:
        used = {int(p) for c in self.containers.values() for b in c.host_ports.values() for _, p in b}
        port = 32768
        while port in used:
            port += 1
        return port

    # -- exit, restart policy ---------------------------------------------------------------------

    def _on_oom(self, container: Container) -> None:
        """The kernel's OOM killer ends a process of the container: moby's EventOOM (the flag, then
        the `oom` event, before the process's exit is seen)."""
        container.oom_killed = True
        self.emit(container, "oom")

    def _on_main_exit(self, container: Container) -> None:
        health.stop_monitor(container)  # restarted with the container, if ever
        main = container.main
        code = main.exit_code if main is not None and main.exit_code is not None else 0
        for proc in list(container.procs.values()):
            proc.exit(128 + SIGKILL)
        for instance in list(container.execs.values()):
            if instance.running:
                self._exec_finished(instance, 137)
        container.main = None
        if container.stdin is not None:
            container.stdin.close()
        now = self.clock.now()
        ran_for = now - (container.started_at or now)
        manager = self.restart_managers.get(container.id)
        restart = manager is not None and manager.should_restart(code, container.manually_stopped, ran_for)
        container.exit_code = code
        container.finished_at = now
        container.ip = ""
        container.host_ports = {}
        extra = {"exitCode": str(code), "execDuration": str(int(ran_for))}
        if restart:
            assert manager is not None
            container.restart_count += 1
            self.move(container, "die", "restarting")
            self.emit(container, "die", extra)
            container.restart_timer = self.clock.call_later(manager.timeout,
                                                            lambda: self._policy_restart(container))
        else:
            self.move(container, "die", "exited")
            self.emit(container, "die", extra)
            for proc in list(container.procs.values()):
                proc.thaw()
        auto_remove = not restart and container.host_config.auto_remove
        for waiter in self.exit_waiters.pop(container.id, []):
            waiter(container)  # (may start it again: `docker restart`)
        if auto_remove and container.id in self.containers:
            self._destroy(container)

    def _policy_restart(self, container: Container) -> None:
        container.restart_timer = None
        if container.id not in self.containers or not container.restarting:
            return
        try:
            self.start(container, manual=False)
        except (DaemonError, NotModified):
            if container.restarting:
                container.state = "exited"

    def _cancel_restart(self, container: Container) -> None:
        manager = self.restart_managers.get(container.id)
        if manager is not None:
            manager.canceled = True
        if container.restart_timer is not None:
            container.restart_timer.cancel()
            container.restart_timer = None

    def when_exited(self, container: Container, callback: Callable[[Container], None]) -> None:
        """Call back at the container's next exit (at once if it is not running)."""
        if not container.running or container.restarting:
            callback(container)
        else:
            self.exit_waiters.setdefault(container.id, []).append(callback)

    # -- stop, kill, pause ------------------------------------------------------------------------

    def stop_signal(self, container: Container) -> int:
        return parse_signal(container.config.stop_signal) if container.config.stop_signal else SIGTERM

    def stop(self, container: Container, timeout: int | None, signal: str | None,
             done: Callable[[], None]) -> None:
        """Stop as `docker stop` does; `done` runs once the container has stopped."""
        if not container.running:
            raise NotModified()
        sig = parse_signal(signal) if signal else self.stop_signal(container)
        if timeout is None:
            timeout = container.config.stop_timeout if container.config.stop_timeout is not None else 10
        container.manually_stopped = True
        if container.restarting:
            self._cancel_restart(container)
            self.move(container, "stop", "exited")
            self.emit(container, "stop")
            done()
            return
        self._cancel_for_signal(container, sig)

        def finished(_: Container) -> None:
            self.emit(container, "stop")
            done()

        self.when_exited(container, finished)
        main = container.main
        if timeout == 0 and main is not None:
            # No grace period: the daemon sends SIGKILL right after the stop signal, before it
            # learns of any exit, so both `kill` events are logged. A program that handles the
            # signal (nginx's graceful quit, a shell trap) is killed before it is done (137); one
            # the kernel ends on it (sleep under tini) dies of the signal itself (143).
            self._signal(container, sig, deliver=False)
            self.emit(container, "kill", {"signal": str(SIGKILL)})
            if not main.handles_slowly(sig):
                main.signal(sig)
            main.signal(SIGKILL)
            return
        self._signal(container, sig)
        if container.running and not container.restarting and timeout > 0:
            def escalate() -> None:
                # only the process this stop signalled: after `docker restart` (or a start once
                # it ended) a new main process runs, which this timer must leave alone
                if (container.running and not container.restarting and main is not None
                        and container.main is main):
                    self._signal(container, SIGKILL)

            self.clock.call_later(timeout, escalate)

    def _cancel_for_signal(self, container: Container, sig: int) -> None:
        explicit = container.config.stop_signal
        if not explicit or sig == SIGKILL or sig == parse_signal(explicit):
            self._cancel_restart(container)

    def _resumes(self, container: Container, sig: int) -> bool:
        """Whether a signal to a paused container also unpauses it, as moby's killWithSignal
        (daemon/kill.go) decides: `unpause = container.State.Paused` when the container has no
        StopSignal, or the signal is its StopSignal, or it is SIGKILL; then task.Kill, then
        task.Resume, then the `kill` event is logged. The `unpause` event comes from containerd's
        TaskResumed through daemon/monitor.go (EventResumed), so it follows the `kill` event. For
        SIGKILL the resume finds the task already stopped ("cannot resume a stopped container",
        logged as a warning): no `unpause` event, and the container dies 137. Recorded on Docker
        20.10: stop of a paused sleep is kill 15, unpause, kill 9, die 137, stop; `kill -s TERM`
        of a paused ubuntu is kill 15, unpause; `kill` of a paused one is kill 9, die 137."""
        if not container.paused or sig == SIGKILL:
            return False
        explicit = container.config.stop_signal
        return not explicit or parse_signal(explicit) == sig

    def _signal(self, container: Container, sig: int, *, deliver: bool = True) -> None:
        """Deliver a signal to PID 1 with its `kill` event, thawing a paused container as stop does
        (`deliver` False: the signal is sent, but a SIGKILL overtakes it before the program acts)."""
        main = container.main
        self.emit(container, "kill", {"signal": str(sig)})
        if main is None:
            return
        if self._resumes(container, sig):
            self.move(container, "unpause", "running")
            health.update_monitor(self, container)
            self.emit(container, "unpause")
            for proc in list(container.procs.values()):
                proc.thaw()
        if deliver:
            main.signal(sig)

    def kill(self, container: Container, signal: str | None) -> None:
        try:
            sig = parse_signal(signal) if signal else SIGKILL
        except InvalidSignal as err:
            raise DaemonError(str(err), 400) from None
        if not container.running:
            raise DaemonError(f"container {container.id} is not running", 409)
        container.manually_stopped = True
        self._cancel_for_signal(container, sig)
        if container.restarting:
            self._cancel_restart(container)
            self.move(container, "kill", "exited")
            return
        self._signal(container, sig)

    def pause(self, container: Container) -> None:
        if container.restarting:
            raise DaemonError(f"Container {container.id} is restarting, wait until the container is running", 409)
        if not container.running:
            raise DaemonError(f"container {container.id} is not running", 409)
        if container.paused:
            raise DaemonError(f"container {container.id} is already paused", 409)
        for proc in list(container.procs.values()):
            proc.freeze()
        self.move(container, "pause")
        health.update_monitor(self, container)
        self.emit(container, "pause")

    def unpause(self, container: Container) -> None:
        if not container.paused:
            raise DaemonError(f"Container {container.id} is not paused", 409)
        self.move(container, "unpause", "running")
        health.update_monitor(self, container)
        self.emit(container, "unpause")
        for proc in list(container.procs.values()):
            proc.thaw()

    def restart(self, container: Container, timeout: int | None, signal: str | None,
                done: Callable[[BaseException | None], None]) -> None:
        # Like moby's containerRestart: --rm is switched off while the container is stopped (it is
        # not removed on the way), and the `restart` event follows `start` before a program that
        # ends at once dies.
        auto_remove = container.host_config.auto_remove

        def restarted() -> None:
            self.emit(container, "restart")

        def start_again() -> None:
            container.host_config.auto_remove = auto_remove
            try:
                self.start(container, on_started=restarted)
            except (DaemonError, NotModified) as err:
                done(err if isinstance(err, DaemonError) else None)
                return
            done(None)

        if container.running:
            container.host_config.auto_remove = False
            try:
                self.stop(container, timeout, signal, start_again)
            except BaseException:
                container.host_config.auto_remove = auto_remove
                raise
        else:
            start_again()

    # -- remove, rename ---------------------------------------------------------------------------

    def remove(self, container: Container, arg: str, force: bool) -> None:
        if container.running and not force:
            if container.paused:
                raise DaemonError(f'cannot remove container "{arg}": container is paused and must be '
                                  "unpaused first", 409)
            what = "restarting" if container.restarting else "running"
            raise DaemonError(f'cannot remove container "{arg}": container is {what}: stop the container '
                              "before removing or force remove", 409)
        if container.running:
            container.manually_stopped = True
            self._cancel_restart(container)
            if container.restarting:
                self.move(container, "rm -f", "removed")
                self._forget(container)
                self.emit(container, "destroy")
                return
            self._signal(container, SIGKILL)
        if container.id in self.containers:
            self._destroy(container)

    def _destroy(self, container: Container) -> None:
        if container.state != "removed":
            self.move(container, "rm")
        self._forget(container)
        self.emit(container, "destroy")

    def _forget(self, container: Container) -> None:
        health.stop_monitor(container)
        container.forget_contents()
        self.containers.pop(container.id, None)
        if self.names.get(container.name) == container.id:
            del self.names[container.name]
        self.restart_managers.pop(container.id, None)
        for waiter in self.removal_waiters.pop(container.id, []):
            waiter(container)

    def rename(self, container: Container, new_name: str) -> None:
        if not NAME_RE.match(new_name):
            raise DaemonError(
                f"Invalid container name ({new_name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed", 400)
        new_name = new_name.lstrip("/")
        old = container.name
        if new_name == old:
            raise DaemonError("Renaming a container with the same name as its current name", 400)
        if new_name in self.names:
            raise DaemonError(
                f'Conflict. The container name "/{new_name}" is already in use by container '
                f'"{self.names[new_name]}". You have to remove (or rename) that container to be able to '
                "reuse that name.", 409)
        del self.names[old]
        self.names[new_name] = container.id
        container.name = new_name
        self.emit(container, "rename", {"oldName": "/" + old})

    # -- exec -------------------------------------------------------------------------------------

    def exec_create(self, container: Container, arg: str, argv: list[str], *, tty: bool,
                    interactive: bool, detach: bool, env: list[str], workdir: str, user: str
                    ) -> ExecInstance:
        if container.paused:
            raise DaemonError(f"Container {arg} is paused, unpause the container before exec", 409)
        if container.restarting:
            raise DaemonError(
                f"Container {container.id} is restarting, wait until the container is running", 409)
        if not container.running:
            raise DaemonError(f"container {container.id} is not running", 409)
        if user:  # moby's ContainerExecCreate looks the user up before creating the exec
            try:
                resolve_user(user, container.read_file(None, "/etc/passwd"),
                             container.read_file(None, "/etc/group"))
            except UnknownUser as err:
                raise DaemonError(str(err), 400) from None
        exec_id = self.new_id()
        instance = ExecInstance(exec_id, container, argv, tty, interactive, detach, env, workdir, user)
        container.execs[exec_id] = instance
        self.emit(container, "exec_create: " + " ".join([argv[0], " ".join(argv[1:])]),
                  {"execID": exec_id})
        return instance

    def exec_start(self, instance: ExecInstance) -> None:
        container = instance.container
        env = dict(item.split("=", 1) for item in container.env_list() if "=" in item)
        for item in instance.env:
            key, _, value = item.partition("=")
            env[key] = value
        stdin: Stream = Stream()
        if not instance.interactive:
            stdin.close()
        instance.stdin = stdin
        self.emit(container, "exec_start: " + " ".join([instance.argv[0], " ".join(instance.argv[1:])]),
                  {"execID": instance.id})
        instance.running = True
        cwd = instance.workdir or container.config.workdir or "/"
        program, code, reason = container.resolve(None, instance.argv, env.get("PATH", ""), cwd)
        if program is None:
            exe = instance.argv[0]
            detail = (f'exec: "{exe}": executable file not found in $PATH' if reason == "not found"
                      else f'exec: "{exe}": stat {exe}: no such file or directory' if reason == "no such file"
                      else f'exec: "{exe}": permission denied')
            instance.output("OCI runtime exec failed: exec failed: unable to start container process: "
                            f"{detail}: unknown\r\n" if instance.tty else
                            "OCI runtime exec failed: exec failed: unable to start container process: "
                            f"{detail}: unknown\n", "stdout")
            self._exec_finished(instance, code)
            return
        ident = resolve_user(instance.user or container.config.user,
                             container.read_file(None, "/etc/passwd"),
                             container.read_file(None, "/etc/group"))
        proc = Proc(container, instance.argv, env=env, cwd=cwd, out=instance.output, stdin=stdin,
                    tty=instance.tty, user=ident.name or str(ident.uid), ident=ident)
        instance.proc = proc
        if instance.tty:
            instance.ldisc = LineDiscipline(stdin, lambda text: instance.output(text, "stdout"),
                                            lambda sig: proc.interrupt_foreground(sig))
        proc.listeners.append(lambda p: self._exec_finished(instance, p.exit_code or 0))
        proc.start(program)

    def exec_finished(self, instance: ExecInstance, code: int) -> None:
        """The exec has ended with `code` (its `exec_die`), whether or not its process has."""
        self._exec_finished(instance, code)

    def forget_exec(self, instance: ExecInstance) -> None:
        """Drop an ended health-check probe: the daemon does not keep one exec per probe."""
        if instance.probe and not instance.running:
            instance.container.execs.pop(instance.id, None)

    def _exec_finished(self, instance: ExecInstance, code: int) -> None:
        if not instance.running:
            return
        instance.running = False
        instance.exit_code = code
        self.emit(instance.container, "exec_die", {"execID": instance.id, "exitCode": str(code)})
        for listener in list(instance.listeners):
            listener("", "exit")

    # -- images -----------------------------------------------------------------------------------

    def image_users(self, image: Image) -> list[Container]:
        return [c for c in self.containers.values() if c.image.id == image.id]

    def remove_image(self, ref: str, force: bool) -> list[str]:
        image = self.images.find(ref)
        if image is None:
            raise DaemonError(f"No such image: {normalize_ref(ref)}", 404)
        by_id = normalize_ref(ref) not in self.images.by_ref
        users = self.image_users(image)
        tags = self.images.refs_of(image.id)
        if by_id and len(tags) > 1 and not force:
            raise DaemonError(f"conflict: unable to delete {image.short_id} (must be forced) - "
                              "image is referenced in multiple repositories", 409)
        if users and not force:
            user = users[0]
            if by_id:
                kind = "running" if user.running else "stopped"
                forced = "cannot be forced" if user.running else "must be forced"
                raise DaemonError(f"conflict: unable to delete {image.short_id} ({forced}) - image is being "
                                  f"used by {kind} container {user.id[:12]}", 409)
            raise DaemonError(f'conflict: unable to remove repository reference "{ref}" (must force) - '
                              f"container {user.id[:12]} is using its referenced image {image.short_id}", 409)
        if users and force and any(u.running for u in users) and by_id:
            raise DaemonError(f"conflict: unable to delete {image.short_id} (cannot be forced) - image is "
                              f"being used by running container {users[0].id[:12]}", 409)
        lines = []
        targets = tags if by_id else [normalize_ref(ref)]
        for tag in targets:
            tagged = self.images.by_ref.pop(tag)
            lines.append(f"Untagged: {tag}")
            if tagged.digest:
                lines.append(f"Untagged: {tagged.repository}@{tagged.digest}")
            self.emit(None, "untag", {"name": image.id}, type_="image", actor_id=image.id)
        if not self.images.refs_of(image.id):
            if users:  # still used by a container: kept, untagged (`<none>`)
                self.images.dangling[image.id] = _untagged(image)
            else:
                lines.extend(self._delete_image(image))
        return lines

    def _delete_image(self, image: Image) -> list[str]:
        """Forget an image that has no tags left: its `Deleted:` lines (the image, then its
        layers) and its `delete` event."""
        self.images.dangling.pop(image.id, None)
        lines = [f"Deleted: {image.id}"]
        # A built image's layers stay in the build cache (BuildKit holds them): only its ID goes.
        if not hasattr(image, "history"):
            lines.extend(f"Deleted: sha256:{_layer_chain(image, layer)}" for layer in image.layers)
        self.meter.release(getattr(image, "own_bytes", 0))
        self.emit(None, "delete", {"name": image.id}, type_="image", actor_id=image.id)
        return lines

    # -- built images -------------------------------------------------------------------------------

    def store_built(self, image: Image) -> None:
        """Keep a freshly built image (untagged until `tag_image`), within the sandbox's image cap
        and memory; an identical rebuild finds it already there."""
        if image.id in self.images.ids():
            return
        if len(self.images.ids()) >= self.limits.images:
            raise DaemonError(
                f"sandbox limit reached: at most {self.limits.images} images; remove some with "
                "'docker rmi' or 'docker image prune'", 403)
        own = int(getattr(image, "own_bytes", 0))
        if own > self.meter.room():
            raise DaemonError("sandbox limit reached: the sandbox's memory cannot hold this image; "
                              "remove some images or containers", 403)
        self.meter.charge(own, force=True)
        self.images.dangling[image.id] = _untagged(image)

    def tag_image(self, image: Image, ref: str) -> None:
        """Point `ref` at `image` (`docker tag`, `build -t`); an image the tag leaves with no
        tag at all stays as a dangling `<none>:<none>`; an `image tag` event, as moby logs it."""
        familiar = normalize_ref(ref)
        repo, _, tag = familiar.rpartition(":")
        old = self.images.by_ref.get(familiar)
        self.images.by_ref[familiar] = dataclasses.replace(image, repository=repo, tag=tag)
        self.images.dangling.pop(image.id, None)
        if old is not None and old.id != image.id and not self.images.refs_of(old.id):
            self.images.dangling[old.id] = _untagged(old)
        self.emit(None, "tag", {"name": familiar}, type_="image", actor_id=image.id)

    def prune_images(self) -> tuple[list[dict[str, str]], int]:
        """`image prune`: the dangling images no container uses."""
        deleted: list[dict[str, str]] = []
        reclaimed = 0
        for image in list(self.images.dangling.values()):
            if self.image_users(image):
                continue
            for line in self._delete_image(image):
                key, _, value = line.partition(": ")
                deleted.append({key: value})
            reclaimed += getattr(image, "own_bytes", 0) or 0
        return deleted, reclaimed


def _untagged(image: Image) -> Image:
    return dataclasses.replace(image, repository="<none>", tag="<none>")


def _layer_chain(image: Image, layer: str) -> str:
    import hashlib

    return hashlib.sha256(f"{image.id}/{layer}".encode()).hexdigest()


def _port_key(port: str) -> tuple[int, str]:
    number, _, proto = port.partition("/")
    try:
        return int(number.split("-")[0]), proto
    except ValueError:
        return 0, proto
