"""BuildKit's Dockerfile frontend up to execution, in plain Python, shared by the simulator's build
and the real engine's build policy.

    parse(text) -> Dockerfile                 parser.py (BuildKit's parser + instructions packages)
    resolve(dockerfile, base_config=..., build_args=..., target=...) -> BuildPlan
                                              resolve.py (dockerfile2llb: stages, ARG/ENV scoping,
                                              each step's expanded instruction, argv, environment,
                                              config snapshot and history text)
    referenced_images(dockerfile, build_args=...) -> [ImageReference]   for a policy check
    apply_metadata(config, instruction) -> history text                 config.py
    process_word / process_words                                        shell.py (shell/lex.go)

Errors: DockerfileError carries BuildKit's message and line (`text` is what the daemon answers:
instruction errors get "dockerfile parse error on line N: "); DockerfileRefused (a subclass) names a
feature the sandbox will not build, from `errors.REFUSED`.

Modelled as current BuildKit does: directives (`# escape=`, `# syntax=` recorded and ignored,
`# check=` ignored), comments, continuations, empty continuation lines (warning), heredocs on RUN
and COPY/ADD, JSON and shell forms (a JSON array that does not parse is the shell form), every
instruction's flags and errors with "did you mean" suggestions, ARG before FROM and in stages,
predefined platform ARGs, build args, --target, stages reached from the target, FROM <stage>,
COPY --from=<stage|index|image>, ONBUILD triggers, CMD/ENTRYPOINT interplay, SHELL, HEALTHCHECK,
EXPOSE ranges and protocols, WORKDIR relative to the previous one, COPY destinations relative to
WORKDIR, `--chown`, `--chmod` (checked), `--link` (inert: it changes how a layer is stored, not what
the image holds), BuildKit's lint warnings a learner meets.

Refused by name (errors.REFUSED): FROM --platform, RUN --mount/--network/--security/--device, ADD of
URLs, git repositories and local archives, ADD --checksum/--keep-git-dir/--unpack, COPY/ADD
--exclude, COPY --parents, VOLUME, a RUN heredoc with a `#!` line, files over 64 KiB or with more than
4096 instructions, builds whose expansions exceed 8 MiB of text.
"""

from .config import ImageConfig, apply_metadata, created_by_copy, created_by_run
from .errors import REFUSED, DockerfileError, DockerfileRefused
from .instructions import Dockerfile, Instruction, Warning_
from .parser import parse
from .resolve import BuildPlan, ImageReference, Stage, Step, referenced_images, resolve
from .shell import process_word, process_words

__all__ = [
    "REFUSED", "BuildPlan", "Dockerfile", "DockerfileError", "DockerfileRefused", "ImageConfig",
    "ImageReference", "Instruction", "Stage", "Step", "Warning_", "apply_metadata",
    "created_by_copy", "created_by_run", "parse", "process_word", "process_words",
    "referenced_images", "resolve",
]
