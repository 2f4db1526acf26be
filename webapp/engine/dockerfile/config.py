"""The image config a build produces, and how each metadata instruction changes it.

`ImageConfig` mirrors the OCI/Docker image config fields BuildKit's dockerfile2llb writes
(`Config.Cmd`, `Entrypoint`, `Env`, ...), plus the image's `author` (MAINTAINER). `apply_metadata`
applies one expanded instruction and returns the history `CreatedBy` text BuildKit records for it
(commitToHistory), e.g. `CMD ["sleep" "5"]`, `ENV A=b`, `WORKDIR /app`.
"""

from __future__ import annotations

import dataclasses
import posixpath
from dataclasses import dataclass, field

from ..images import Healthcheck, Image
from ..sim.signals import InvalidSignal, parse_signal
from . import instructions as ins
from .errors import DockerfileError
from .parser import go_format_duration, go_parse_duration
from .shell import go_quote

DEFAULT_SHELL = ("/bin/sh", "-c")


@dataclass
class ImageConfig:
    """A stage's image config while it is built. `cmd`/`entrypoint` None: not set (as opposed to
    an empty list, which an exec form `CMD []` sets). `exposed_ports` keeps the keys in the order
    BuildKit stores them ("80/tcp"). `shell` is the SHELL for shell forms (None: /bin/sh -c)."""

    env: list[str] = field(default_factory=list)  # "K=V", in order, a key at most once
    cmd: list[str] | None = None
    entrypoint: list[str] | None = None
    workdir: str = ""
    user: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    exposed_ports: list[str] = field(default_factory=list)
    stop_signal: str = ""
    healthcheck: Healthcheck | None = None
    shell: list[str] | None = None
    onbuild: list[str] = field(default_factory=list)
    author: str = ""
    args_escaped: bool = False  # Windows only in BuildKit; kept for completeness
    # Not part of the image: whether CMD was set in this build (BuildKit's dispatchState.cmdSet),
    # which decides whether a later ENTRYPOINT clears the CMD inherited from the base.
    cmd_set: bool = False

    def copy(self) -> ImageConfig:
        """A copy that later steps cannot change (a stage's config is mutated step by step;
        snapshots must not follow). Strings and the frozen Healthcheck are shared."""
        return dataclasses.replace(
            self, env=list(self.env), cmd=None if self.cmd is None else list(self.cmd),
            entrypoint=None if self.entrypoint is None else list(self.entrypoint),
            labels=dict(self.labels), exposed_ports=list(self.exposed_ports),
            shell=None if self.shell is None else list(self.shell), onbuild=list(self.onbuild))

    def env_dict(self) -> dict[str, str]:
        """`env` as a mapping (for expansion and for RUN's environment)."""
        out: dict[str, str] = {}
        for item in self.env:
            key, _, value = item.partition("=")
            out[key] = value
        return out

    def set_env(self, key: str, value: str) -> None:
        """Set one variable, replacing an earlier value in place (BuildKit's addEnv)."""
        for i, item in enumerate(self.env):
            if item.partition("=")[0] == key:
                self.env[i] = f"{key}={value}"
                return
        self.env.append(f"{key}={value}")

    @classmethod
    def from_image(cls, image: Image) -> ImageConfig:
        """The config a stage starts from when its FROM names `image` (a catalogue or built
        image). Its ONBUILD triggers come along in `onbuild`: `resolve` runs them first in the
        stage and leaves them out of the new image. SHELL, ONBUILD and the author are read when the
        image record has them (built images do)."""
        shell = getattr(image, "shell", None)
        return cls(env=list(image.env),
                   cmd=list(image.cmd) if image.cmd is not None else None,
                   entrypoint=list(image.entrypoint) if image.entrypoint is not None else None,
                   workdir=image.workdir, user=image.user, labels=dict(image.labels),
                   exposed_ports=list(image.exposed_ports), stop_signal=image.stop_signal,
                   healthcheck=image.healthcheck, shell=list(shell) if shell else None,
                   onbuild=list(getattr(image, "onbuild", None) or ()),
                   author=str(getattr(image, "author", "") or ""))


def _go_list(items: list[str]) -> str:
    """Go's `%v` of a []string: `[a b c]`."""
    return "[" + " ".join(items) + "]"


def _go_q_list(items: list[str]) -> str:
    """Go's `%q` of a []string: `["a" "b"]`."""
    return "[" + " ".join(go_quote(item) for item in items) + "]"


def _duration_text(text: str) -> str:
    return go_format_duration(go_parse_duration(text)) if text else "0s"


def healthcheck_text(health: Healthcheck) -> str:
    """`%+v` of BuildKit's HealthcheckConfig, as the HEALTHCHECK history line shows it."""
    return ("{Test:" + _go_list(list(health.test)) + " Interval:" + _duration_text(health.interval)
            + " Timeout:" + _duration_text(health.timeout)
            + " StartPeriod:" + _duration_text(health.start_period)
            + " StartInterval:" + _duration_text(health.start_interval)
            + f" Retries:{health.retries}" + "}")


def with_shell(config: ImageConfig, command: list[str]) -> list[str]:
    """withShell: the SHELL (or /bin/sh -c) followed by the shell form's one string."""
    shell = list(config.shell) if config.shell else list(DEFAULT_SHELL)
    return [*shell, " ".join(command)]


def normalize_workdir(current: str, requested: str) -> str:
    """system.NormalizeWorkdir on Linux: relative to the current WORKDIR (or /), cleaned."""
    if not requested.startswith("/"):
        requested = posixpath.join(current or "/", requested)
    cleaned = posixpath.normpath(requested)
    return "/" if cleaned.startswith("//") and cleaned.strip("/") == "" else cleaned


def parse_ports(words: list[str]) -> list[str]:
    """EXPOSE's port specs (convert_expose.go parsePorts): `80` -> 80/tcp, `8080/udp`,
    ranges `8000-8002` -> three ports; errors worded as BuildKit's."""
    out: list[str] = []
    for raw in words:
        parts = raw.split(":")
        if len(parts) == 1:
            ip, host_port, container = "", "", parts[0]
        elif len(parts) == 2:
            ip, host_port, container = "", parts[0], parts[1]
        else:
            ip, host_port, container = ":".join(parts[:-2]), parts[-2], parts[-1]
        port, _, proto = container.partition("/")
        if port == "":
            raise DockerfileError(f"invalid port: {go_quote(raw)}: no port specified",
                                  parse_error=False)
        if proto.lower() not in ("", "tcp", "udp", "sctp"):
            raise DockerfileError(f"invalid port: {go_quote(raw)}: invalid proto: {proto}",
                                  parse_error=False)
        proto = proto or "tcp"
        if ip:
            raise DockerfileError(f"invalid IP address: {ip}", parse_error=False)
        start, end = _port_range(port, "containerPort")
        if host_port:
            hstart, hend = _port_range(host_port, "hostPort")
            if end - start != hend - hstart and end != start:
                raise DockerfileError("invalid ranges specified for container and host Ports: "
                                      f"{port} and {host_port}", parse_error=False)
        if end - start > 65535:
            raise DockerfileError(f"invalid containerPort: {port}", parse_error=False)
        out += [f"{number}/{proto.lower()}" for number in range(start, end + 1)]
    return out


def _port_range(text: str, what: str) -> tuple[int, int]:
    start_text, dash, end_text = text.partition("-")

    def number(value: str) -> int:
        if not value.isdigit() or int(value) > 65535:
            raise DockerfileError(f"invalid {what}: {text}", parse_error=False)
        return int(value)

    start = number(start_text)
    if not dash or start_text == end_text:
        return start, start
    end = number(end_text)
    if end < start:
        raise DockerfileError(f"invalid {what}: {text}", parse_error=False)
    return start, end


def apply_metadata(config: ImageConfig, instruction: ins.Instruction) -> str:
    """Apply an *expanded* metadata instruction (ENV, LABEL, CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE,
    STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER, ARG) to `config` in place and return its
    history CreatedBy text ("" for ONBUILD, which BuildKit records in no history entry).
    CMD/ENTRYPOINT interplay as BuildKit: ENTRYPOINT clears a CMD inherited from the base unless
    CMD was set in this stage (`config.cmd_set`, which CMD sets). Texts as dockerfile2llb's
    commitToHistory: `CMD ["sleep" "5"]`, `ENV A=b`, `WORKDIR /app`, `EXPOSE [80/tcp]`,
    `HEALTHCHECK {Test:[CMD-SHELL x] Interval:5s ...}`, `SHELL [/bin/bash -c]`, `USER app`."""
    if isinstance(instruction, ins.EnvInstruction):
        where = {item.partition("=")[0]: i for i, item in enumerate(config.env)}
        for key, value in instruction.pairs:
            if key in where:
                config.env[where[key]] = f"{key}={value}"
            else:
                where[key] = len(config.env)
                config.env.append(f"{key}={value}")
        return "ENV" + "".join(f" {key}={value}" for key, value in instruction.pairs)
    if isinstance(instruction, ins.LabelInstruction):
        for key, value in instruction.pairs:
            config.labels[key] = value
        return "LABEL" + "".join(f" {key}={value}" for key, value in instruction.pairs)
    if isinstance(instruction, ins.MaintainerInstruction):
        config.author = instruction.maintainer
        return f"MAINTAINER {instruction.maintainer}"
    if isinstance(instruction, ins.CmdInstruction):
        args = (with_shell(config, instruction.command) if instruction.prepend_shell
                else list(instruction.command))
        # `CMD []` is an empty list, which the image config omits: the image then has no CMD
        # (verified on the daemon: Config.Cmd null)
        config.cmd = args or None
        config.cmd_set = True
        config.args_escaped = True
        return f"CMD {_go_q_list(args)}"
    if isinstance(instruction, ins.EntrypointInstruction):
        args = (with_shell(config, instruction.command) if instruction.prepend_shell
                else list(instruction.command))
        # `ENTRYPOINT []` sets none at all (BuildKit's emptyAsNil), unlike `CMD []`
        config.entrypoint = args if args or instruction.prepend_shell else None
        if not config.cmd_set:
            config.cmd = None
        return f"ENTRYPOINT {_go_q_list(args)}"
    if isinstance(instruction, ins.HealthcheckInstruction):
        health = Healthcheck(test=tuple(instruction.test), interval=instruction.interval,
                             timeout=instruction.timeout, start_period=instruction.start_period,
                             start_interval=instruction.start_interval,
                             retries=instruction.retries)
        config.healthcheck = health
        return f"HEALTHCHECK {healthcheck_text(health)}"
    if isinstance(instruction, ins.UserInstruction):
        config.user = instruction.user
        return f"USER {instruction.user}"
    if isinstance(instruction, ins.WorkdirInstruction):
        config.workdir = normalize_workdir(config.workdir, instruction.path)
        return f"WORKDIR {config.workdir}"
    if isinstance(instruction, ins.ExposeInstruction):
        ports = parse_ports(instruction.ports)
        for port in ports:
            if port not in config.exposed_ports:
                config.exposed_ports.append(port)
        return f"EXPOSE {_go_list(ports)}"
    if isinstance(instruction, ins.StopsignalInstruction):
        try:
            parse_signal(instruction.signal)
        except InvalidSignal:
            raise DockerfileError(f"Invalid signal: {instruction.signal}",
                                  parse_error=False) from None
        config.stop_signal = instruction.signal
        return f"STOPSIGNAL {instruction.signal}"
    if isinstance(instruction, ins.ShellInstruction):
        config.shell = list(instruction.shell)
        return f"SHELL {_go_list(instruction.shell)}"
    if isinstance(instruction, ins.OnbuildInstruction):
        config.onbuild.append(instruction.expression)
        return ""
    if isinstance(instruction, ins.ArgInstruction):
        return "ARG " + " ".join(key if value is None else f"{key}={value}"
                                 for key, value in instruction.args)
    raise TypeError(f"{instruction.keyword} is not a metadata instruction")


def created_by_run(argv: list[str], build_args: list[tuple[str, str]]) -> str:
    """History text of a RUN (runCommandString): `RUN /bin/sh -c echo hi # buildkit`, with
    `|N K=V ...` in front when ARGs are in scope (`RUN |1 A=b /bin/sh -c ... # buildkit`).
    `argv` is what runs (the shell form already wrapped by `with_shell`)."""
    prefix = [f"|{len(build_args)}", *(f"{k}={v}" for k, v in build_args)] if build_args else []
    return "RUN " + " ".join([*prefix, *argv]) + " # buildkit"


def created_by_copy(instruction: ins.CopyInstruction) -> str:
    """History text of a COPY/ADD (convert_copy.go): `COPY serve.sh / # buildkit`, flags
    `--chown=` and `--chmod=` kept, `--from` and `--link` not shown, heredoc sources as `<<EOF`,
    the destination as written (expanded, not made absolute)."""
    words = ["ADD" if isinstance(instruction, ins.AddInstruction) else "COPY"]
    if instruction.chown:
        words.append(f"--chown={instruction.chown}")
    if instruction.chmod:
        words.append(f"--chmod={instruction.chmod}")
    words += instruction.sources
    words += [f"<<{name}" for name, _ in instruction.heredocs]
    words.append(instruction.dest)
    return " ".join(words) + " # buildkit"
