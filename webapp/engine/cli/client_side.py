"""What the docker client does on its own side of a command, shared by both engines.

The real `docker` checks options, asks for confirmation, filters the event stream and prints
templates before or after it talks to the daemon. Both of our engines do the same here, once, so a
learner gets the same words from the simulator and from a real daemon for the same mistake.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from ..formats.events import format_event
from ..formats.gotemplate import TemplateError
from ..job import Job
from ..sim.signals import InvalidSignal, parse_signal
from .parsed import ParsedCommand

DEFAULT_DETACH_KEYS = "\x10\x11"  # Ctrl-P Ctrl-Q
STDIN_NOT_A_TERMINAL = ("cannot attach stdin to a TTY-enabled container because stdin is not a "
                        "terminal\n")
STATES = ("created", "running", "paused", "restarting", "removing", "exited", "dead")
RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")


class Printer(Protocol):
    """Where a command prints and how it ends; each engine brings its own locking."""

    job: Job

    def out(self, text: str) -> None: ...

    def err(self, text: str) -> None: ...

    def finish(self, code: int) -> None: ...


class JobPrinter:
    """A Printer straight onto a job, for an engine whose caller already holds the engine lock."""

    __slots__ = ("job",)

    def __init__(self, job: Job):
        self.job = job

    def out(self, text: str) -> None:
        self.job.write_out(text)

    def err(self, text: str) -> None:
        self.job.write_err(text)

    def finish(self, code: int) -> None:
        self.job.finish(code)


class UsageError(ValueError):
    """An option the client rejects while reading the command; run/create wrap it in their usage
    hint and exit 125."""


class RunRefused(ValueError):
    """What `docker run` refuses after reading its options, before creating anything: printed as
    is, exit 1."""


def answered_before_dispatch(job: Job, cmd: ParsedCommand) -> bool:
    """Print the parser's notices and answer `--help`; True when the command needs nothing more."""
    job.write_out(cmd.notice_stdout)
    job.write_err(cmd.notice_stderr)
    if not cmd.help:
        return False
    out, err = cmd.help_output()
    job.write_out(out)
    job.write_err(err)
    job.finish(0)
    return True


def template_failed(p: Printer, err: TemplateError) -> int:
    """Print a template error the way the docker CLI does; returns its exit code."""
    p.out(err.stdout)
    p.err(err.stderr + err.message + "\n")
    return err.exit_code


def print_listing(p: Printer, render: Callable[[], tuple[str, str]]) -> int:
    """Print a formatted listing (ps, images): its warnings and its text (exit 0), or the template
    error (its exit code)."""
    try:
        out, err = render()
    except TemplateError as error:
        return template_failed(p, error)
    p.err(err)
    p.out(out)
    return 0


# -- option values -----------------------------------------------------------------------------------


def parse_detach_keys(spec: str) -> str:
    """`--detach-keys` as moby/term reads it: letters, `ctrl-<x>`, comma separated."""
    keys = []
    for part in spec.split(","):
        part = part.strip()
        if len(part) == 1:
            keys.append(part)
            continue
        low = part.lower()
        if low.startswith("ctrl-") and len(low) == 6:
            ch = low[5]
            if "a" <= ch <= "z":
                keys.append(chr(ord(ch) - 96))
                continue
            special = {"@": "\x00", "[": "\x1b", "\\": "\x1c", "]": "\x1d", "^": "\x1e", "_": "\x1f"}
            if ch in special:
                keys.append(special[ch])
                continue
        raise ValueError(f"Unknown character: '{part}'")
    return "".join(keys)


def detach_keys(cmd: ParsedCommand) -> str:
    """The command's detach sequence (Ctrl-P Ctrl-Q unless given); ValueError as the CLI words it."""
    if not cmd.given("detach-keys"):
        return DEFAULT_DETACH_KEYS
    return parse_detach_keys(str(cmd.get("detach-keys")))


ATTACH_REFUSED = "unable to upgrade to tcp, received 400\n"  # the client's words for a refused attach


def keys_for_run(cmd: ParsedCommand) -> str | None:
    """`run`'s detach keys. Only an attached run uses them, and it is the daemon that refuses bad
    ones, when the CLI attaches to the container it has just created: None then (the run then
    prints ATTACH_REFUSED and exits 1, the container left created)."""
    if cmd.get("detach"):
        return DEFAULT_DETACH_KEYS
    try:
        return detach_keys(cmd)
    except ValueError:
        return None


def keys_for_attach(p: Printer, cmd: ParsedCommand, *, stdin: bool, tty: bool) -> str | None:
    """The detach keys for attaching to a container, or None with the command ended as the CLI
    ends it: a TTY container's stdin needs a terminal, and bad `--detach-keys` are refused."""
    if stdin and tty and not p.job.tty:
        p.err(STDIN_NOT_A_TERMINAL)
        p.finish(1)
        return None
    try:
        return detach_keys(cmd)
    except ValueError as err:
        p.err(f"{err}\n")
        p.finish(1)
        return None


def check_signal(value: object) -> None:
    """Raise InvalidSignal, worded as the CLI, for a signal option it would refuse."""
    if value is not None:
        parse_signal(str(value))


def parse_publish(spec: str) -> tuple[str, str, str]:
    """`-p [ip:][hostPort:]containerPort[/proto]` -> ("80/tcp", host ip, host port)."""
    proto = "tcp"
    if "/" in spec:
        spec, proto = spec.rsplit("/", 1)
    parts = spec.rsplit(":", 2) if not spec.startswith("[") else spec.split("]:")
    if len(parts) == 1:
        host_ip, host_port, port = "", "", parts[0]
    elif len(parts) == 2:
        host_ip, (host_port, port) = "", parts
    else:
        host_ip, host_port, port = parts
    if not port.isdigit() or not (0 < int(port) < 65536):
        raise ValueError(f"invalid containerPort: {port}")
    if host_port and (not host_port.isdigit() or not (0 < int(host_port) < 65536)):
        raise ValueError(f"invalid hostPort: {host_port}")
    return f"{port}/{proto}", host_ip, host_port


def parse_time(value: object, now: float) -> float | None:
    """`--since`/`--until`: Unix seconds, a duration back from now (`10m`), or an ISO time."""
    if value is None:
        return None
    text = str(value)
    try:
        return float(text)
    except ValueError:
        pass
    units = {"s": 1, "m": 60, "h": 3600}
    if text and text[-1] in units:
        try:
            return now - float(text[:-1]) * units[text[-1]]
        except ValueError:
            return None
    try:
        return datetime.fromisoformat(text).timestamp()
    except ValueError:
        return None


def parse_filters(cmd: ParsedCommand, *, lower_keys: bool = False) -> dict[str, list[str]]:
    """`--filter key=value`, repeated, grouped by key."""
    filters: dict[str, list[str]] = {}
    for item in cmd.values("filter"):
        key, _, value = str(item).partition("=")
        filters.setdefault(key.lower() if lower_keys else key, []).append(value)
    return filters


def regex_match(pattern: str, value: str) -> bool:
    """A `name=` filter: the daemon matches it as a regular expression (or literally if invalid)."""
    if pattern == value:
        return True
    try:
        return re.search(pattern, value) is not None
    except re.error:
        return False


def status_for_start_error(message: str) -> int:
    """docker/cli toStatusError: 126 for a command that cannot be invoked, 127 for one not found."""
    if "executable file not found" in message or "no such file or directory" in message:
        return 127
    if "permission denied" in message or "is a directory" in message:
        return 126
    return 125


# -- images ----------------------------------------------------------------------------------------

REF_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*"
                    r"(?::[\w][\w.-]{0,127})?$")


def reference_problem(ref: str) -> str | None:
    """What the client says of a malformed image reference before it asks any daemon."""
    name_part = ref.split("@")[0]
    repo = name_part.rsplit(":", 1)[0] if ":" in name_part.split("/")[-1] else name_part
    if repo != repo.lower():
        return f"invalid reference format: repository name (library/{repo}) must be lowercase"
    if not REF_RE.match(name_part.removeprefix("docker.io/").removeprefix("library/")):
        return "invalid reference format"
    return None


# -- run and create ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class RunOptions:
    """The container config `docker run`/`create` sends, from its options, checked as the CLI does."""

    image: str
    argv: list[str]
    restart: str
    retries: int
    interactive: bool
    tty: bool
    attach_stdin: bool
    attach_stdout: bool
    attach_stderr: bool
    env: list[str]
    labels: dict[str, str]
    bindings: dict[str, list[tuple[str, str]]]
    exposed: list[str]
    entrypoint: list[str] | None
    stop_signal: str | None
    stop_timeout: int | None

    @property
    def stdin_once(self) -> bool:
        return self.interactive and self.attach_stdin


def run_options(cmd: ParsedCommand, command: str) -> RunOptions:
    """Read and check `run`/`create` options in the client's order: UsageError for the first
    problem reading them, then RunRefused for options `run` cannot honour together."""
    restart = str(cmd.get("restart", "no") or "no")
    name, _, count = restart.partition(":")
    if name not in RESTART_POLICIES:
        raise UsageError(f"invalid restart policy: unknown policy '{name}'; use one of 'no', "
                         "'always', 'on-failure', or 'unless-stopped'")
    retries = 0
    if count:
        if name != "on-failure":
            raise UsageError("invalid restart policy: maximum retry count can only be used with "
                             "'on-failure'")
        try:
            retries = int(count)
        except ValueError:
            raise UsageError(f'invalid restart policy: strconv.Atoi: parsing "{count}": invalid '
                             "syntax") from None
        if retries < 0:
            raise UsageError("invalid restart policy: maximum retry count cannot be negative")
    pull = cmd.text("pull")
    if pull is not None and pull not in ("always", "missing", "never"):
        raise UsageError(f"invalid pull option: '{pull}': must be one of \"always\", \"missing\" "
                         "or \"never\"")
    if cmd.get("rm") and name != "no":
        raise UsageError("conflicting options: cannot specify both --restart and --rm")
    attach = [a.lower() for a in cmd.values("attach")]
    bindings: dict[str, list[tuple[str, str]]] = {}
    exposed: list[str] = []
    for spec in cmd.values("publish"):
        try:
            port, host_ip, host_port = parse_publish(str(spec))
        except ValueError as err:
            raise UsageError(str(err)) from None
        bindings.setdefault(port, []).append((host_ip, host_port))
        exposed.append(port)
    for spec in cmd.values("expose"):
        exposed.append(spec if "/" in spec else f"{spec}/tcp")
    stop_signal = cmd.get("stop-signal")
    try:
        check_signal(stop_signal)
    except InvalidSignal as err:
        raise UsageError(str(err)) from None
    interactive = bool(cmd.get("interactive"))
    if command == "create" or not cmd.get("detach"):  # docker/cli parse(): -a, else out+err
        attach_stdin = interactive or "stdin" in attach
        attach_stdout = not attach or "stdout" in attach
        attach_stderr = not attach or "stderr" in attach
    else:
        attach_stdin = attach_stdout = attach_stderr = False
    labels = {}
    for item in cmd.values("label"):
        key, _, value = str(item).partition("=")
        labels[key] = value
    entrypoint = cmd.get("entrypoint")
    if command == "run" and cmd.get("detach") and attach:
        raise RunRefused("conflicting options: cannot specify both --attach and --detach")
    return RunOptions(
        image=cmd.args[0],
        argv=cmd.args[1:],
        restart=name,
        retries=retries,
        interactive=interactive,
        tty=bool(cmd.get("tty")),
        attach_stdin=attach_stdin,
        attach_stdout=attach_stdout,
        attach_stderr=attach_stderr,
        # `-e NAME` without a value would copy the server's own variable: only NAME=value.
        env=[e for e in cmd.values("env") if "=" in e],
        labels=labels,
        bindings=bindings,
        exposed=exposed,
        entrypoint=[str(entrypoint)] if entrypoint else ([""] if entrypoint == "" else None),
        stop_signal=str(stop_signal) if stop_signal is not None else None,
        stop_timeout=cmd.number("stop-timeout"),
    )


# -- events ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventQuery:
    """`docker events` options: which events, from when, until when, printed how."""

    filters: dict[str, list[str]]
    since: float | None
    until: float | None
    now: float
    fmt: str | None

    @classmethod
    def of(cls, cmd: ParsedCommand, now: float) -> EventQuery:
        fmt = cmd.get("format")
        return cls(parse_filters(cmd), parse_time(cmd.get("since"), now),
                   parse_time(cmd.get("until"), now), now, str(fmt) if fmt is not None else None)

    @property
    def ended(self) -> bool:
        """The window closed before the command ran: print the past and stop."""
        return self.until is not None and self.until <= self.now

    def matches(self, event: dict) -> bool:
        attrs = event["Actor"]["Attributes"]
        for key, values in self.filters.items():
            if key == "type" and event["Type"] not in values:
                return False
            if key == "event" and event["Action"].split(":")[0] not in values:
                return False
            if key == "container" and not any(
                    v == attrs.get("name") or event["Actor"]["ID"].startswith(v) for v in values):
                return False
            if key == "image" and attrs.get("image") not in values:
                return False
        return True

    def past(self, history: Iterable[Any]) -> Iterator[dict]:
        """The events of the history within `--since`/`--until` (nothing without `--since`)."""
        if self.since is None:
            return
        for event in list(history):
            seconds = event.time_nano / 1e9
            if seconds >= self.since and (self.until is None or seconds <= self.until):
                yield event.to_dict()

    def show(self, p: Printer, event: dict) -> None:
        """Print the event if it matches (a bad `--format` raises its TemplateError)."""
        if self.matches(event):
            p.out(format_event(event, self.fmt))
