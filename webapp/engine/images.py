"""The image catalogue: one description per image, shared by the simulator and the look-alike builder.

Each image carries the metadata the real image has (CMD, ENTRYPOINT, ENV, STOPSIGNAL, exposed ports,
size, labels) and the executables the lessons touch, described as *programs*: small declarative
behaviours that the simulator runs in Python and that the look-alike builder turns into busybox shell
scripts. Because both come from this one table, the simulator and the real look-alike images print
the same lines and react to the same signals.

The table itself is data, image_catalogue.yaml beside this module (its header says how it is read);
`load_catalogue` turns it into the records below, checking every field against them.

Text placeholders in program output lines:
  {hostname}  the container's hostname (its 12-hex short ID unless -h was given)
  {ip}        the container's IPv4 address on the default bridge (e.g. 172.17.0.2)
  {now:FMT}   the current time, formatted with strftime FMT (the look-alike uses busybox `date +FMT`)
  {pid}       the process ID
  {signal}    (shutdown lines only) the name of the signal that stopped the server, e.g. SIGQUIT
  {signum}    (shutdown lines only) its number, e.g. 3
  {from}      (signal reactions only) " from <pid>" when the signal came from a process of the same
              container (`nginx -s`), "" when it came from outside (`docker kill`), as nginx logs it
Any other brace is literal text. In {now:FMT}, FMT is a strftime format in UTC; besides the usual
directives `%f` is the microseconds (6 digits) and `%L` the milliseconds (3 digits, not a Python
directive: replace it before calling strftime). `%s` is the Unix time in seconds.
"""

from __future__ import annotations

import types
from dataclasses import MISSING, dataclass, field, fields
from pathlib import Path
from typing import Any, get_args, get_origin, get_type_hints

import yaml

UBUNTU_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


@dataclass(frozen=True)
class Reaction:
    """What a program does on one signal: print `lines` on `stream`, then exit with `exit`, or keep
    running when `exit` is absent (a reload: nginx's SIGHUP, postgres's SIGHUP)."""

    lines: tuple[str, ...] = ()
    stream: str = "stderr"
    exit: int | None = None


@dataclass(frozen=True)
class Program:
    """What an executable does when run.

    kind:
      "shell"     a POSIX shell (bash, sh): runs `-c` scripts or reads commands from stdin; the
                  simulator implements its language, the look-alike uses busybox sh.
      "applet"    a busybox-style utility the simulator implements by name (sleep, echo, cat, ...).
      "message"   prints `stdout` / `stderr` lines and exits with `exit_code`.
      "server"    prints its start-up lines, then runs in the foreground until a signal in `graceful`
                  arrives (prints `shutdown` lines, exits `graceful_exit`). If `requires_env` is set and
                  none of those variables is set, prints `missing_env` to stderr and exits 1 instead
                  (an item `VAR=value` asks for that value). `signals` gives a reaction per signal
                  (it wins over `graceful`); `ignores` lists the signals it sets to SIG_IGN, so they do
                  nothing even when it is not PID 1 (any other unhandled signal kills a process that
                  is not PID 1, as the kernel does). With `pid_file`, it writes its PID there while it
                  runs, and `-s NAME` (a key of `control`: nginx's reload, reopen, quit, stop) makes it
                  the signaller instead: it prints `control_started`, sends that signal to the PID in
                  the file and exits 0, or prints `control_no_pid` and exits 1 when there is no file.
      "repl"      an interpreter (node, python3): with a TTY prints `banner` and `prompt`; reads stdin
                  until end-of-file and exits 0. On SIGINT with a TTY it prints `interrupt` and a new
                  prompt (`interrupt_twice_exits`: a second ^C in a row ends it, as node's REPL);
                  without a TTY, a SIGINT reaction in `signals` applies (python's KeyboardInterrupt).
                  `--version` / `-V` prints `version`; any other argument (code, a script) is
                  refused by name: the simulator runs no Python or JavaScript.
      "entrypoint" a docker-entrypoint.sh: when its first argument is in `triggers`, prints its
                  `stdout`/`stderr` lines first; then it execs its arguments (a program name or path).
      "daemonize" a launcher script (Spark's start-master.sh): prints `stdout`, leaves `spawns`
                  running in the background and exits 0 at once.
    """

    kind: str
    stdout: tuple[str, ...] = ()
    stderr: tuple[str, ...] = ()
    exit_code: int = 0
    graceful: tuple[str, ...] = ()
    graceful_exit: int = 0
    shutdown: tuple[str, ...] = ()
    shutdown_stream: str = "stderr"
    requires_env: tuple[str, ...] = ()
    missing_env: tuple[str, ...] = ()
    triggers: tuple[str, ...] = ()
    banner: tuple[str, ...] = ()
    prompt: str = ""
    spawns: str = ""  # daemonize: the command line it starts in the background (placeholders allowed)
    signals: dict[str, Reaction] = field(default_factory=dict)  # "SIGINT" -> reaction
    ignores: tuple[str, ...] = ()
    pid_file: str = ""
    control: dict[str, str] = field(default_factory=dict)  # `-s reload` -> "SIGHUP"
    control_started: tuple[str, ...] = ()
    control_no_pid: tuple[str, ...] = ()
    interrupt: tuple[str, ...] = ()
    interrupt_twice_exits: bool = False
    version: str = ""  # repl: what `--version` prints (`-V` too); other arguments are refused
    # shell: whether `sh -c STRING` replaces itself with its last command instead of forking it
    # (which decides what PID 1 is and so what `docker stop` signals). Never with a trap set.
    #   "none"   forks every command (Debian's dash before 0.5.11: Ubuntu 18.04, 20.04, Debian 10)
    #   "single" execs the last line of the string when it is one simple command without
    #            redirections (bash 4.2: `bash -c "sleep 9"`, and `"echo hi\nsleep 9"`)
    #   "andor"  also the last command of an `&&`/`||` list on that line (bash 4.4, 5.0)
    #   "list"   also the last command after `;` on that line (bash 5.1 and later)
    #   "last"   execs the last simple command reached, also inside `if`, `{ }` and `( )`, with or
    #            without redirections (busybox ash; dash from 0.5.11: Debian 11+, Ubuntu 22.04+)
    exec_last: str = "none"

    def reactions(self) -> dict[str, Reaction]:
        """Every signal the program handles, by name ("SIGTERM"): `graceful` ones, then `signals`."""
        out = {name if name.startswith("SIG") else "SIG" + name:
               Reaction(self.shutdown, self.shutdown_stream, self.graceful_exit)
               for name in self.graceful}
        out.update(self.signals)
        return out


@dataclass(frozen=True)
class Healthcheck:
    """An image's HEALTHCHECK, as the catalogue writes it: `test` as Docker stores it
    (`[CMD-SHELL, "curl -f http://localhost/"]`, `[CMD, ...]`, `[NONE]`) and Go durations
    (`30s`, `1m30s`; empty: the daemon's default)."""

    test: tuple[str, ...]
    interval: str = ""
    timeout: str = ""
    start_period: str = ""
    start_interval: str = ""
    retries: int = 0

    def to_json(self) -> dict[str, Any]:
        """The Engine API's `HealthConfig` (durations in nanoseconds, empty fields left out)."""
        from .cli.gostrconv import parse_duration

        config: dict[str, Any] = {"Test": list(self.test)}
        for key, text in (("Interval", self.interval), ("Timeout", self.timeout),
                          ("StartPeriod", self.start_period),
                          ("StartInterval", self.start_interval)):
            if text:
                config[key] = parse_duration(text)
        if self.retries:
            config["Retries"] = self.retries
        return config


@dataclass(frozen=True)
class Image:
    """One image as `docker image inspect` and the registry would describe it."""

    repository: str  # familiar name, e.g. "ubuntu", "httpd"
    tag: str
    id: str  # "sha256:<64 hex>"
    digest: str  # repo digest "sha256:<64 hex>"
    created: str  # RFC 3339, the image's build time
    size: int  # bytes, as `docker images` reports it
    layers: tuple[str, ...]  # layer digests' first 12 hex (pull progress lines)
    cmd: tuple[str, ...] | None = None
    entrypoint: tuple[str, ...] | None = None
    env: tuple[str, ...] = (UBUNTU_PATH,)
    workdir: str = ""
    user: str = ""
    stop_signal: str = ""  # "" means the default (SIGTERM)
    exposed_ports: tuple[str, ...] = ()  # e.g. ("80/tcp",)
    labels: dict[str, str] = field(default_factory=dict)
    os_release: str = ""  # contents of /etc/os-release (and /etc/lsb-release where it exists)
    dirs: tuple[str, ...] = ()  # directories that exist (absolute), besides those of `files`
    files: dict[str, str] = field(default_factory=dict)  # regular, non-executable files: path -> content
    executables: dict[str, Program] = field(default_factory=dict)  # absolute path -> program
    shell_name: str = "bash"  # what `sh`-family errors call themselves ("bash" or "sh")
    # Symbolic links: absolute path -> target as `ls -l` shows it (relative to the link's folder),
    # e.g. {"/bin": "usr/bin"} on /usr-merged distributions: /bin/sleep is then /usr/bin/sleep.
    symlinks: dict[str, str] = field(default_factory=dict)
    healthcheck: Healthcheck | None = None  # its HEALTHCHECK (None: the image has none)
    # Executable regular files whose text the kernel reads: absolute path -> text (mode 0755 unless
    # `modes` says otherwise). A `#!interp [arg]` first line makes exec run `interp [arg] path args`;
    # without one, exec of it fails with "exec format error" while a shell runs it as a shell script
    # (POSIX). A built image's COPY/ADD of a file whose mode has x bits, or a RUN that writes one and
    # `chmod +x`es it, lands here; a file without x bits goes to `files`.
    scripts: dict[str, str] = field(default_factory=dict)
    # Permission bits of files that differ from the default (`files` 0644, `scripts` and
    # `executables` 0755), e.g. {"/entrypoint.sh": 0o700} or a non-executable {"/run.sh": 0o644}
    # copied from the workspace; `ls -l` and `test -x` follow them.
    modes: dict[str, int] = field(default_factory=dict)

    @property
    def ref(self) -> str:
        return f"{self.repository}:{self.tag}"

    @property
    def short_id(self) -> str:
        return self.id.removeprefix("sha256:")[:12]


CATALOGUE_FILE = Path(__file__).with_name("image_catalogue.yaml")


class CatalogueError(ValueError):
    """The catalogue file does not describe valid images (the message names the field)."""


# The C parser when PyYAML has it (it reads the catalogue several times faster); same results.
_YamlLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def load_catalogue(path: Path = CATALOGUE_FILE) -> dict[str, Image]:
    """Every image of a catalogue file, keyed by "repository:tag", in the file's order."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YamlLoader)
    if not isinstance(data, dict) or not isinstance(data.get("images"), list):
        raise CatalogueError(f"{path.name}: expected a mapping with an `images` list")
    catalogue: dict[str, Image] = {}
    for n, entry in enumerate(data["images"], 1):
        image = _record(Image, entry, f"{path.name}: image {n}")
        if image.ref in catalogue:
            raise CatalogueError(f"{path.name}: {image.ref} is listed twice")
        catalogue[image.ref] = image
    return catalogue


def _record(cls: type, entry: Any, where: str) -> Any:
    """An Image or a Program from its mapping; each field converted to its annotated type."""
    if not isinstance(entry, dict):
        raise CatalogueError(f"{where}: expected a mapping, got {entry!r}")
    hints = get_type_hints(cls)
    unknown = [key for key in entry if key not in hints]
    if unknown:
        raise CatalogueError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    missing = [f.name for f in fields(cls) if f.name not in entry
               and f.default is MISSING and f.default_factory is MISSING]
    if missing:
        raise CatalogueError(f"{where}: missing field(s) {', '.join(missing)}")
    if "repository" in entry and "tag" in entry:
        where = f"{where} ({entry['repository']}:{entry['tag']})"
    return cls(**{key: _convert(hints[key], value, f"{where}: {key}")
                  for key, value in entry.items()})


def _convert(hint: Any, value: Any, where: str) -> Any:
    """`value` as the type `hint` names (see the catalogue file's header for the list forms)."""
    if isinstance(hint, types.UnionType):  # `X | None`: an absent value
        if value is None:
            return None
        (hint,) = [arg for arg in get_args(hint) if arg is not type(None)]
    if hint is bool:
        if not isinstance(value, bool):
            raise CatalogueError(f"{where}: expected true or false, got {value!r}")
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise CatalogueError(f"{where}: expected a whole number, got {value!r}")
        return value
    if hint is str:
        return _text(value, where)
    if hint is Program:
        return Program(kind=value) if isinstance(value, str) else _record(Program, value, where)
    if hint is Healthcheck:
        return _record(Healthcheck, value, where)
    if hint is Reaction:
        return _record(Reaction, value, where)
    if get_origin(hint) is tuple:
        return tuple(_text(item, where) for item in _flatten(value, where))
    if get_origin(hint) is dict:
        _, item_hint = get_args(hint)
        return {_text(key, where): _convert(item_hint, item, f"{where}: {key}")
                for key, item in _merge(value, where).items()}
    raise CatalogueError(f"{where}: no conversion for {hint!r}")  # a new field type: teach it here


def _text(value: Any, where: str) -> str:
    """A text, or a list of texts joined (a file that extends a shared one)."""
    if isinstance(value, list) and all(isinstance(part, str) for part in value):
        return "".join(value)
    if not isinstance(value, str):  # e.g. an unquoted `tag: 20.04` read as a number
        raise CatalogueError(f"{where}: expected text, got {value!r} (quote it)")
    return value


def _flatten(value: Any, where: str) -> list[Any]:
    """A list whose items that are lists (shared blocks) are spliced in."""
    if not isinstance(value, list):
        raise CatalogueError(f"{where}: expected a list, got {value!r}")
    out: list[Any] = []
    for item in value:
        out.extend(_flatten(item, where) if isinstance(item, list) else [item])
    return out


def _merge(value: Any, where: str) -> dict[Any, Any]:
    """A mapping, or a list of mappings merged in order (a later key wins, in the earlier place)."""
    parts = value if isinstance(value, list) else [value]
    merged: dict[Any, Any] = {}
    for part in parts:
        if not isinstance(part, dict):
            raise CatalogueError(f"{where}: expected a mapping, got {part!r}")
        merged |= part
    return merged


def lookup(ref: str) -> Image | None:
    """Find an image by familiar reference (`ubuntu`, `ubuntu:20.04`, `docker.io/library/ubuntu`)."""
    return CATALOGUE.get(normalize_ref(ref))


def unavailable_image(familiar: str, refs: list[str] | None = None) -> str:
    """What the sandbox says of an image its registry does not have, in the words the real-daemon
    engine's policy uses (policy.check_image), instead of Docker Hub's "manifest unknown"."""
    listed = ", ".join(sorted(r.removesuffix(":latest") for r in (refs or list(CATALOGUE))))
    return f"image '{familiar}' is not available in this sandbox; its images are: {listed}"


def normalize_ref(ref: str) -> str:
    """Familiar `repository:tag` form of a reference, with `latest` as the default tag."""
    for prefix in ("docker.io/library/", "index.docker.io/library/", "library/", "docker.io/"):
        if ref.startswith(prefix):
            ref = ref[len(prefix):]
            break
    name, _, tag = ref.rpartition(":")
    if not name or "/" in tag:
        return f"{ref}:latest"
    return f"{name}:{tag}"


CATALOGUE: dict[str, Image] = load_catalogue()
"""Every image the simulated registry serves, keyed by "repository:tag"."""
