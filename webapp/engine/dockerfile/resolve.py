"""Stage resolution, ARG/ENV scoping and the image config of each stage (dockerfile2llb/convert.go
up to, not including, execution)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from . import instructions as ins
from .config import ImageConfig


@dataclass
class Step:
    """One instruction of a stage, ready for the builder.

    instruction: the instruction with ARG/ENV expanded where BuildKit expands (RUN/CMD/ENTRYPOINT
                 words verbatim; COPY sources/dest, WORKDIR, ENV... expanded). For COPY/ADD the
                 `dest` is made absolute against the WORKDIR (a trailing "/" kept).
    created_by:  the history CreatedBy text (`RUN /bin/sh -c echo hi # buildkit`).
    empty_layer: True for metadata-only steps (history shows 0B); RUN/COPY/ADD/WORKDIR-creating
                 steps are False.
    run_env:     for RUN: the environment the command sees ("K=V": the config's ENV plus ARGs in
                 scope, ARGs not overriding ENV); empty otherwise.
    argv:        for RUN: the argv to execute (shell form: SHELL or /bin/sh -c + the command).
    config:      a snapshot of the stage's config after this step (workdir and user for RUN/COPY).
    """

    instruction: ins.Instruction
    created_by: str
    empty_layer: bool
    config: ImageConfig
    run_env: list[str] = field(default_factory=list)
    argv: list[str] = field(default_factory=list)


@dataclass
class Stage:
    """One build stage. `base` is the FROM reference expanded with the global ARGs; `base_stage` is
    the index (into BuildPlan.stages' *source order* numbering, `Stage.index`) of an earlier stage
    when FROM names one (by name or number), else None (an image the builder must find: an unknown
    one is the builder's pull failure). `config` is the final image config of the stage."""

    index: int
    name: str
    base: str
    base_stage: int | None
    from_instruction: ins.FromInstruction
    steps: list[Step] = field(default_factory=list)
    config: ImageConfig = field(default_factory=ImageConfig)


@dataclass
class BuildPlan:
    """Stages to build, in build order (dependencies first; only those the target needs, as
    BuildKit). The last is the target. `warnings`: texts BuildKit prints (unconsumed build args,
    lint warnings)."""

    stages: list[Stage]
    warnings: list[ins.Warning_] = field(default_factory=list)

    @property
    def target(self) -> Stage:
        """The stage whose image the build produces."""
        return self.stages[-1]


BaseConfig = Callable[[str], ImageConfig]


def resolve(dockerfile: ins.Dockerfile, *, base_config: BaseConfig,
            build_args: Mapping[str, str] | None = None, target: str = "") -> BuildPlan:
    """Resolve stages, ARG scoping and each step's expanded instruction and config.

    base_config(ref) gives the config of an image named in FROM (not a stage); it may raise the
    builder's own error for an unknown image (left to the caller: SIMBUILD reports a pull failure).
    Raises DockerfileError for `target stage "x" could not be found`, `no build stage in current
    context` ..., DockerfileRefused for VOLUME and other features refused by name."""
    raise NotImplementedError
