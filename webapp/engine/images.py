"""The image catalogue: one description per image, shared by the simulator and the look-alike builder.

Each image carries the metadata the real image has (CMD, ENTRYPOINT, ENV, STOPSIGNAL, exposed ports,
size, labels) and the executables the lessons touch, described as *programs*: small declarative
behaviours that the simulator runs in Python and that the look-alike builder turns into busybox shell
scripts. Because both come from this one table, the simulator and the real look-alike images print
the same lines and react to the same signals.

Text placeholders in program output lines:
  {hostname}  the container's hostname (its 12-hex short ID unless -h was given)
  {ip}        the container's IPv4 address on the default bridge (e.g. 172.17.0.2)
  {now:FMT}   the current time, formatted with strftime FMT (the look-alike uses busybox `date +FMT`)
  {pid}       the process ID
  {signal}    (shutdown lines only) the name of the signal that stopped the server, e.g. SIGQUIT
  {signum}    (shutdown lines only) its number, e.g. 3
Any other brace is literal text. In {now:FMT}, FMT is a strftime format in UTC; besides the usual
directives `%f` is the microseconds (6 digits) and `%L` the milliseconds (3 digits, not a Python
directive: replace it before calling strftime). `%s` is the Unix time in seconds.
"""

from __future__ import annotations

from dataclasses import dataclass, field

UBUNTU_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


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
                  none of those variables is set, prints `missing_env` to stderr and exits 1 instead.
      "repl"      an interpreter (node, python3): with a TTY prints `banner` and `prompt`; reads stdin
                  until end-of-file and exits 0.
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

    @property
    def ref(self) -> str:
        return f"{self.repository}:{self.tag}"

    @property
    def short_id(self) -> str:
        return self.id.removeprefix("sha256:")[:12]


CATALOGUE: dict[str, Image] = {}
"""Every image the simulated registry serves, keyed by "repository:tag"."""


def register(image: Image) -> Image:
    CATALOGUE[image.ref] = image
    return image


def lookup(ref: str) -> Image | None:
    """Find an image by familiar reference (`ubuntu`, `ubuntu:20.04`, `docker.io/library/ubuntu`)."""
    return CATALOGUE.get(normalize_ref(ref))


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


# The catalogue itself (registers every image on import).
from webapp.engine import image_catalogue as _image_catalogue  # noqa: F401
