"""One dataclass per Dockerfile instruction, as BuildKit's `instructions` package parses them.

Every instruction carries `line` (its first line, 1-based), `end_line` and `original` (the source
text with continuations joined, as BuildKit's `Node.Original`). Arguments are the words as written
until `resolve` expands them (ARG/ENV substitution happens where BuildKit does it: not in RUN, CMD,
ENTRYPOINT, HEALTHCHECK or SHELL, whose words the shell or the exec call sees verbatim).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Instruction:
    """What all instructions share."""

    line: int
    end_line: int
    original: str

    @property
    def keyword(self) -> str:
        """The instruction's name in upper case, e.g. "RUN"."""
        return type(self).__name__.removesuffix("Instruction").upper()


@dataclass
class FromInstruction(Instruction):
    """`FROM [--platform=P] image [AS name]`; `name` is lower-cased as BuildKit does."""

    base: str = ""
    name: str = ""
    platform: str = ""
    as_word: str = ""  # the `AS` keyword as written (lint: FromAsCasing)
    keyword_text: str = "FROM"  # the FROM keyword as written


@dataclass
class RunInstruction(Instruction):
    """`RUN cmd` (shell form: `prepend_shell`, `command` is one string) or `RUN ["a", "b"]`.
    `heredocs`: (name, content) pairs of `RUN <<EOF` documents, in order."""

    command: list[str] = field(default_factory=list)
    prepend_shell: bool = True
    heredocs: list[tuple[str, str]] = field(default_factory=list)


@dataclass
class CmdInstruction(Instruction):
    """`CMD cmd` / `CMD ["a", "b"]`."""

    command: list[str] = field(default_factory=list)
    prepend_shell: bool = True


@dataclass
class EntrypointInstruction(Instruction):
    """`ENTRYPOINT cmd` / `ENTRYPOINT ["a", "b"]`."""

    command: list[str] = field(default_factory=list)
    prepend_shell: bool = True


@dataclass
class EnvInstruction(Instruction):
    """`ENV k=v ...` or legacy `ENV k v w` (one pair; `legacy` True)."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    legacy: bool = False


@dataclass
class ArgInstruction(Instruction):
    """`ARG name[=default] ...`; a default of None means none was given."""

    args: list[tuple[str, str | None]] = field(default_factory=list)


@dataclass
class LabelInstruction(Instruction):
    """`LABEL k=v ...` (or legacy `LABEL k v`; `legacy` True)."""

    pairs: list[tuple[str, str]] = field(default_factory=list)
    legacy: bool = False


@dataclass
class ExposeInstruction(Instruction):
    """`EXPOSE 80 8080/udp ...`: the words as written (after expansion in `resolve`)."""

    ports: list[str] = field(default_factory=list)


@dataclass
class WorkdirInstruction(Instruction):
    """`WORKDIR path` (relative to the previous WORKDIR when not absolute)."""

    path: str = ""


@dataclass
class UserInstruction(Instruction):
    """`USER name[:group]`."""

    user: str = ""


@dataclass
class StopsignalInstruction(Instruction):
    """`STOPSIGNAL SIGKILL` / `STOPSIGNAL 9`."""

    signal: str = ""


@dataclass
class HealthcheckInstruction(Instruction):
    """`HEALTHCHECK NONE` (test == ["NONE"]) or `HEALTHCHECK [opts] CMD ...` (test ==
    ["CMD-SHELL", "cmd"] or ["CMD", "a", "b"]). Durations are Go duration texts as written ("" when
    not given, i.e. the daemon's default); retries 0 when not given."""

    test: list[str] = field(default_factory=list)
    interval: str = ""
    timeout: str = ""
    start_period: str = ""
    start_interval: str = ""
    retries: int = 0


@dataclass
class ShellInstruction(Instruction):
    """`SHELL ["executable", "parameters"]` (JSON form only)."""

    shell: list[str] = field(default_factory=list)


@dataclass
class CopyInstruction(Instruction):
    """`COPY [--from=stage] [--chown=u:g] [--chmod=0755] [--link] src... dest`.
    `heredocs`: (name, content) of `COPY <<EOF /dest` documents (sources named like them)."""

    sources: list[str] = field(default_factory=list)
    dest: str = ""
    from_: str = ""
    chown: str = ""
    chmod: str = ""
    link: bool = False  # inert: it changes how the layer is stored, not what the image holds
    heredocs: list[tuple[str, str]] = field(default_factory=list)
    json_form: bool = False
    heredoc_expand: list[bool] = field(default_factory=list)  # per heredoc: unquoted delimiter


@dataclass
class AddInstruction(CopyInstruction):
    """`ADD [--chown] [--chmod] [--link] src... dest` (only local, non-archive sources pass)."""


@dataclass
class OnbuildInstruction(Instruction):
    """`ONBUILD INSTRUCTION ...`: `expression` is the trigger's text as stored in the image."""

    expression: str = ""


@dataclass
class MaintainerInstruction(Instruction):
    """`MAINTAINER name` (deprecated; sets the image's Author)."""

    maintainer: str = ""


@dataclass
class VolumeInstruction(Instruction):
    """`VOLUME ["/data"]` / `VOLUME /a /b`: parsed, then refused by `resolve` (no volumes here)."""

    volumes: list[str] = field(default_factory=list)


@dataclass
class Warning_:
    """A build warning BuildKit would print (a lint rule or a note), e.g.
    `JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended behavior related
    to OS signals (line 3)`. `rule` is the lint rule's name ("" for notes)."""

    rule: str
    message: str
    line: int = 0


@dataclass
class Dockerfile:
    """A parsed Dockerfile: the instructions in order (the ARGs before the first FROM included),
    the escape character, the `# syntax=` value if any (ignored: the sandbox has one frontend), and
    the warnings parsing produced."""

    instructions: list[Instruction] = field(default_factory=list)
    escape: str = "\\"
    syntax: str = ""
    check: str = ""  # a `# check=skip=...;error=true` directive, applied by resolve
    warnings: list[Warning_] = field(default_factory=list)
