"""A simulated container: its configuration, its Docker state, and the little world its processes see."""

from __future__ import annotations

import time as _time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..images import Image
from .packages import installed_program
from .process import Box, Proc, Program, Stream
from .programs import program_for, script_program
from .resources import DEFAULT_MEMORY, TEXT_PER_UNIT, Meter, text_cost
from .tty import LineDiscipline, onlcr

if TYPE_CHECKING:
    from ..clock import Clock, Timer
    from ..formats.ps_times import Relative
    from .health import Health

#: Characters of `docker logs` kept per container: older output rotates out, as with the json-file
#: log driver under `--log-opt max-size=1m --log-opt max-file=1` (the real-daemon engine's policy).
LOG_LIMIT = 1 << 20


@dataclass
class Config:
    """What `docker create` records (Docker's `Config`)."""

    image: str  # as typed
    cmd: list[str] | None
    entrypoint: list[str] | None
    env: list[str]
    tty: bool = False
    open_stdin: bool = False
    stdin_once: bool = False
    attach_stdin: bool = False
    attach_stdout: bool = False
    attach_stderr: bool = False
    workdir: str = ""
    hostname: str = ""
    domainname: str = ""
    user: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    stop_signal: str | None = None
    stop_timeout: int | None = None
    exposed_ports: list[str] = field(default_factory=list)
    healthcheck: dict[str, Any] | None = None  # Docker's HealthConfig (the image's merged in)


@dataclass
class HostConfig:
    """What `docker create` records about the host side (Docker's `HostConfig`)."""

    restart_policy: str = "no"
    restart_max: int = 0
    auto_remove: bool = False
    init: bool | None = None
    port_bindings: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    publish_all: bool = False
    network_mode: str = ""
    memory: int = DEFAULT_MEMORY  # bytes; the daemon has validated `-m` (resources.memory_settings)
    memory_swap: int = DEFAULT_MEMORY


@dataclass
class LogEntry:
    time: float
    stream: str
    text: str


@dataclass
class ExecInstance:
    id: str
    container: Container
    argv: list[str]
    tty: bool
    interactive: bool
    detach: bool
    env: list[str]
    workdir: str
    user: str
    proc: Proc | None = None
    exit_code: int | None = None
    running: bool = False
    stdin: Stream | None = None
    ldisc: LineDiscipline | None = None
    listeners: list[Callable[[str, str], None]] = field(default_factory=list)
    probe: bool = False  # a health-check probe (the daemon forgets it once it has ended)

    def output(self, text: str, stream: str) -> None:
        if self.tty:
            text, stream = onlcr(text), "stdout"
        for listener in list(self.listeners):
            listener(text, stream)


class Container(Box):
    """One container; also the `Box` its processes live in."""

    def __init__(self, clock: Clock, *, id: str, name: str, image: Image, config: Config,
                 host_config: HostConfig, created: float, on_main_exit: Callable[[Container], None],
                 on_oom: Callable[[Container], None] | None = None, host_meter: Meter | None = None):
        super().__init__(clock)
        self.meter = Meter(host_config.memory, host_meter)
        self._on_oom = on_oom
        self.id = id
        self.name = name
        self.image = image
        self.config = config
        self.host_config = host_config
        self.created = created
        self.seq = 0
        # Kept between `docker ps` listings: (what the summary shows, summary) and the STATUS text
        self.summary_cache: tuple[tuple, dict[str, Any]] | None = None
        self.status_cache: Relative | None = None
        self.state = "created"
        self.exit_code = 0
        self.error = ""
        self.started_at: float | None = None
        self.finished_at: float | None = None
        self.restart_count = 0
        self.manually_stopped = False
        self.has_been_started = False
        self.oom_killed = False
        self.removal_in_progress = False
        self.health: Health | None = None  # .State.Health, from the first start with a probe
        self.logs: deque[LogEntry] = deque()
        self._log_bytes = 0
        self.main: Proc | None = None
        self.stdin: Stream | None = None
        self.ldisc: LineDiscipline | None = None
        self.attachments: list[Callable[[str, str], None]] = []
        self.ip = ""
        self.restart_timer: Timer | None = None
        self.restart_delay = 0.0
        self.execs: dict[str, ExecInstance] = {}
        self.written: dict[str, str] = {}
        self.modes: dict[str, int] = {}  # permission bits set by chmod (or of written files)
        self.owners: dict[str, int] = {}  # uid of each file a process created
        self.installed: dict[str, str] = {}  # path -> program name, from apt-get/apk install
        self.apt_updated = False
        self.host_ports: dict[str, list[tuple[str, str]]] = {}
        self.pid_on_host = 0
        self._on_main_exit = on_main_exit
        self.hostname = config.hostname or id[:12]
        self.flavour = "busybox" if image.shell_name == "sh" else "gnu"

    # -- Docker's view ----------------------------------------------------------------------------

    @property
    def running(self) -> bool:
        return self.state in ("running", "paused", "restarting")

    @property
    def paused(self) -> bool:
        return self.state == "paused"

    @property
    def restarting(self) -> bool:
        return self.state == "restarting"

    @property
    def docker_state(self) -> str:
        """The lower-case `State` Docker reports (`removing` wins while a removal is under way)."""
        if self.removal_in_progress and not self.running:
            return "removing"
        return self.state if self.state != "removed" else "exited"

    @property
    def path_args(self) -> tuple[str, list[str]]:
        """Docker's `Path` and `Args`: entrypoint followed by cmd."""
        argv = (self.config.entrypoint or []) + (self.config.cmd or [])
        return (argv[0], argv[1:]) if argv else ("", [])

    def env_list(self) -> list[str]:
        """The process environment, built the way the daemon builds it (CreateDaemonEnvironment)."""
        env = [f"PATH={_default_path()}", f"HOSTNAME={self.hostname}"]
        if self.config.tty:
            env.append("TERM=xterm")
        for item in self.config.env:
            key = item.split("=", 1)[0]
            for index, existing in enumerate(env):
                if existing.split("=", 1)[0] == key:
                    env[index] = item
                    break
            else:
                env.append(item)
        if not any(e.startswith("HOME=") for e in env):
            env.append("HOME=/root")
        return env

    # -- output -----------------------------------------------------------------------------------

    def output(self, text: str, stream: str) -> None:
        """Output of the main process: to `docker logs` and to every attached client."""
        if not text:
            return
        if self.config.tty:
            text, stream = onlcr(text), "stdout"
        kept = text if len(text) <= LOG_LIMIT else text[-LOG_LIMIT:]
        before = self._log_bytes
        self.logs.append(LogEntry(self.clock.now(), stream, kept))
        self._log_bytes += text_cost(kept)
        while self._log_bytes > LOG_LIMIT and len(self.logs) > 1:
            self._log_bytes -= text_cost(self.logs.popleft().text)
        # The kept output is counted in the container's memory (never more than the log cap).
        if self._log_bytes >= before:
            self.meter.charge(self._log_bytes - before, force=True)
        else:
            self.meter.release(before - self._log_bytes)
        for listener in list(self.attachments):
            listener(text, stream)

    # -- the file system --------------------------------------------------------------------------

    def real_path(self, path: str) -> str:
        """Resolve the image's symlinks (e.g. /bin -> usr/bin on merged-/usr distributions)."""
        links = self.image.symlinks
        parts = [p for p in normpath(path).split("/") if p]
        resolved = ""
        hops = 0
        while parts:
            part = parts.pop(0)
            candidate = f"{resolved}/{part}"
            target = links.get(candidate)
            if target is not None and hops < 40:
                hops += 1
                base = "" if target.startswith("/") else resolved
                parts = [p for p in f"{base}/{target}".split("/") if p] + parts
                resolved = ""
                continue
            resolved = normpath(candidate)
        return resolved or "/"

    def _candidates(self, path: str) -> list[str]:
        return [self.real_path(path)]

    def path_kind(self, proc: Proc | None, path: str) -> str | None:
        """"dir", "exec", "file" or None for a path inside the container ("exec": a regular file
        with an x bit, a program or a script)."""
        image = self.image
        candidate = self.real_path(path)
        if candidate in self.written or candidate in image.scripts or candidate in image.files:
            return "exec" if self.mode_of(candidate) & 0o111 else "file"
        if candidate in image.executables or candidate in self.installed:
            return "exec"
        if candidate in _DYNAMIC_FILES:
            return "file"
        if candidate == "/" or candidate in image.dirs or candidate in _RUNTIME_DIRS or \
                self._is_parent(candidate):
            return "dir"
        return None

    def _is_parent(self, path: str) -> bool:
        prefix = path.rstrip("/") + "/"
        image = self.image
        return any(p.startswith(prefix) for p in (*image.dirs, *image.files, *image.executables,
                                                  *image.scripts, *image.symlinks, *self.written,
                                                  *self.installed))

    def mode_of(self, path: str) -> int:
        """The permission bits of the file at the resolved `path` (0 when there is none): chmod's,
        else the image's (`modes`; 0755 for programs and scripts, 0644 for other files); a file
        a process created is 0644 (umask 022)."""
        image = self.image
        mode = self.modes.get(path)
        if mode is not None:
            return mode
        mode = image.modes.get(path)
        if mode is not None:
            return mode
        if path in image.scripts or path in image.executables or path in self.installed:
            return 0o755
        if path in self.written or path in image.files or path in _DYNAMIC_FILES:
            return 0o644
        return 0

    def set_mode(self, proc: Proc | None, path: str, mode: int) -> bool:
        """chmod: False when there is no such file (directories keep their 0755 here)."""
        real = self.real_path(path)
        kind = self.path_kind(proc, real)
        if kind is None:
            return False
        if kind != "dir":
            self.modes[real] = mode & 0o7777
        return True

    def list_dir(self, proc: Proc | None, path: str) -> list[str]:
        path = self.real_path(path)
        prefix = "/" if path == "/" else path + "/"
        names: set[str] = set()
        image = self.image
        extra = _RUNTIME_DIRS | _DYNAMIC_FILES
        for candidate in (*image.dirs, *image.files, *image.executables, *image.scripts,
                          *image.symlinks, *self.written, *self.installed, *extra):
            if candidate.startswith(prefix) and candidate != prefix:
                names.add(candidate[len(prefix):].split("/", 1)[0])
        if self.written.get(prefix + ".keep") == "":
            names.discard(".keep")  # the marker `mkdir` leaves (see make_dir), not a file
        return sorted(names)

    def read_file(self, proc: Proc | None, path: str) -> str | None:
        for candidate in self._candidates(path):
            if candidate in self.written:
                return self.written[candidate]
            if candidate == "/etc/hostname":
                return self.hostname + "\n"
            if candidate == "/etc/hosts":
                return (f"127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
                        f"{self.ip or '172.17.0.2'}\t{self.hostname}\n")
            if candidate in self.image.scripts:
                return self.image.scripts[candidate]
            if candidate in self.image.files:
                return self.image.files[candidate]
            if candidate == "/etc/os-release" and self.image.os_release:
                return self.image.os_release
            if candidate in self.image.executables:
                return "\x7fELF\x02\x01\x01"
        return None

    def write_denied(self, proc: Proc | None, path: str) -> bool:
        """Whether the process's user may not write `path` (`-u`: only root writes everywhere)."""
        if proc is None:
            return False
        path = normpath(path)
        return not proc.ident.may_write(path, self.owners.get(path))

    def write_file(self, proc: Proc | None, path: str, text: str, append: bool = False) -> bool:
        path = normpath(path)
        parent = path.rsplit("/", 1)[0] or "/"
        if self.path_kind(proc, parent) != "dir":
            return False
        if sum(len(v) for v in self.written.values()) + len(text) > LOG_LIMIT:
            return True
        if path not in self.written and proc is not None:
            self.owners[path] = proc.ident.uid  # the file belongs to whoever created it
        old = self.written.get(path, "")
        new = (old if append else "") + text
        self.written[path] = new
        # The file's pages count in the container's memory (as the page cache does); appending
        # copies the file here, work the writer pays for.
        self.meter.charge(len(new) - len(old), force=True)
        if proc is not None:
            proc.spend(len(new) / TEXT_PER_UNIT)
        return True

    def make_dir(self, proc: Proc | None, path: str) -> bool:
        """A folder is kept as an empty `.keep` file in it (the file system holds files, and a
        folder is any prefix of one), so its parent must exist as a folder."""
        path = normpath(path)
        parent = path.rsplit("/", 1)[0] or "/"
        if path == "/" or self.path_kind(proc, parent) != "dir":
            return False
        keep = f"{path}/.keep"
        if keep not in self.written:
            if proc is not None:
                self.owners[path] = proc.ident.uid
            self.written[keep] = ""
        return True

    def remove_file(self, proc: Proc | None, path: str) -> bool:
        self.modes.pop(normpath(path), None)
        return self.written.pop(normpath(path), None) is not None

    def resolve(self, proc: Proc | None, argv: list[str], path_env: str | None = None,
                cwd: str | None = None) -> tuple[Program | None, int, str]:
        """Find argv[0] as the kernel and a shell would: (program, 0, "") or (None, code, reason)."""
        if not argv or not argv[0]:
            return None, 127, "no such file"
        name = argv[0]
        if "/" in name:
            base = cwd or (proc.cwd if proc else "/")
            path = name if name.startswith("/") else normpath(f"{base}/{name}")
            kind = self.path_kind(proc, path)
            if kind == "exec":
                return self._program(path, name), 0, ""
            if kind == "dir":
                return None, 126, "is a directory"
            if kind == "file":
                return None, 126, "permission denied"
            return None, 127, "no such file"
        search = path_env if path_env is not None else (proc.env.get("PATH", "") if proc else "")
        for directory in search.split(":"):
            if not directory:
                continue
            candidate = f"{directory.rstrip('/')}/{name}"
            if self.path_kind(proc, candidate) == "exec":
                return self._program(candidate, candidate), 0, ""
        return None, 127, "not found"

    def script_for(self, proc: Proc | None, name: str, path_env: str | None = None
                   ) -> tuple[str, str] | None:
        """(the path exec is called with, text) when `name` finds an executable text file."""
        if "/" in name:
            base = proc.cwd if proc else "/"
            path = name if name.startswith("/") else normpath(f"{base}/{name}")
            text = self.script_text(path) if self.path_kind(proc, path) == "exec" else None
            return (name, text) if text is not None else None
        search = path_env if path_env is not None else (proc.env.get("PATH", "") if proc else "")
        for directory in search.split(":"):
            if directory:
                candidate = f"{directory.rstrip('/')}/{name}"
                if self.path_kind(proc, candidate) == "exec":
                    text = self.script_text(candidate)
                    return (candidate, text) if text is not None else None
        return None

    def script_text(self, path: str) -> str | None:
        """The text of the executable regular file at `path` (a script, or a text file given an x
        bit), None when it is a program or not executable."""
        real = self.real_path(path)
        if real in self.written:
            text: str | None = self.written[real]
        else:
            text = self.image.scripts.get(real, self.image.files.get(real))
        return text if text is not None and self.mode_of(real) & 0o111 else None

    def install(self, path: str, program: str) -> None:
        """A package manager put `program` (see sim.packages) at `path` in this container."""
        self.installed[self.real_path(path)] = program

    def _program(self, path: str, called: str) -> Program:
        """The program at `path`; a script learns the name it was called by (`called`), which the
        kernel passes on to its interpreter."""
        text = self.script_text(path)
        if text is not None:
            return script_program(called, text)
        for candidate in self._candidates(path):
            if candidate in self.installed and candidate not in self.image.executables:
                return installed_program(self.installed[candidate])
            spec = self.image.executables.get(candidate)
            if spec is not None:
                return program_for(candidate, spec, self.image.shell_name)
        raise KeyError(path)

    # -- processes --------------------------------------------------------------------------------

    def process_table(self, proc: Proc | None) -> list[dict[str, object]]:
        rows = []
        started = self.started_at or self.clock.now()
        start = _time.strftime("%H:%M", _time.gmtime(started))
        for pid in sorted(self.procs):
            p = self.procs[pid]
            tty = "pts/0" if p.tty else "?"
            rows.append({
                "pid": pid, "ppid": p.parent.pid if p.parent else 0, "user": p.user, "tty": tty,
                "time": "0:00", "time_full": "00:00:00", "start": start,
                "stat": "Ss" if pid == 1 else "S", "cmd": " ".join(p.argv),
                "comm": p.argv[0].rsplit("/", 1)[-1][:15] if p.argv else "",
            })
        return rows

    def on_exit(self, proc: Proc) -> None:
        if proc is self.main:
            self._on_main_exit(self)

    def out_of_memory(self, proc: Proc) -> None:
        if self._on_oom is not None:
            self._on_oom(self)

    def forget_contents(self) -> None:
        """The container is removed: its kept output and files no longer count against the sandbox."""
        self.logs.clear()
        self.meter.release(self._log_bytes)
        self._log_bytes = 0
        self.meter.release(sum(len(v) for v in self.written.values()))
        self.written.clear()
        self.modes.clear()


_DYNAMIC_FILES = frozenset({"/etc/hostname", "/etc/hosts", "/etc/resolv.conf"})
# What the runtime mounts into every container, whatever the image holds.
_RUNTIME_DIRS = frozenset({"/dev", "/proc", "/sys", "/etc"})


def _default_path() -> str:
    return "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def normpath(path: str) -> str:
    """An absolute path with `.`, `..` and repeated slashes resolved (never above `/`)."""
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
        else:
            parts.append(part)
    return "/" + "/".join(parts)
