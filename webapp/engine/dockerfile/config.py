"""The image config a build produces, and how each metadata instruction changes it.

`ImageConfig` mirrors the OCI/Docker image config fields BuildKit's dockerfile2llb writes
(`Config.Cmd`, `Entrypoint`, `Env`, ...), plus the image's `author` (MAINTAINER). `apply_metadata`
applies one expanded instruction and returns the history `CreatedBy` text BuildKit records for it
(commitToHistory), e.g. `CMD ["sleep" "5"]`, `ENV A=b`, `WORKDIR /app`.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass, field

from ..images import Healthcheck, Image
from . import instructions as ins

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
        """A deep copy (a stage's config is mutated step by step; snapshots must not follow)."""
        return copy.deepcopy(self)

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
        image). ONBUILD triggers of a base are not carried into the new image's config."""
        return cls(env=list(image.env),
                   cmd=list(image.cmd) if image.cmd is not None else None,
                   entrypoint=list(image.entrypoint) if image.entrypoint is not None else None,
                   workdir=image.workdir, user=image.user, labels=dict(image.labels),
                   exposed_ports=list(image.exposed_ports), stop_signal=image.stop_signal,
                   healthcheck=image.healthcheck)


def apply_metadata(config: ImageConfig, instruction: ins.Instruction) -> str:
    """Apply an *expanded* metadata instruction (ENV, LABEL, CMD, ENTRYPOINT, WORKDIR, USER, EXPOSE,
    STOPSIGNAL, HEALTHCHECK, SHELL, ONBUILD, MAINTAINER, ARG) to `config` in place and return its
    history CreatedBy text. CMD/ENTRYPOINT interplay as BuildKit: ENTRYPOINT clears a CMD inherited
    from the base unless CMD was set in this build (`config.cmd_set`, which CMD sets)."""
    raise NotImplementedError


def created_by_run(instruction: ins.RunInstruction, shell: list[str] | None,
                   build_args: list[tuple[str, str]]) -> str:
    """History text of a RUN: `RUN /bin/sh -c echo hi # buildkit`, with `|N K=V ...` in front when
    build args are in scope (`RUN |1 A=b /bin/sh -c ... # buildkit`)."""
    raise NotImplementedError


def created_by_copy(instruction: ins.CopyInstruction) -> str:
    """History text of a COPY/ADD: `COPY serve.sh / # buildkit`, `COPY --from=build /a /b # buildkit`
    (flags as BuildKit keeps them)."""
    raise NotImplementedError
