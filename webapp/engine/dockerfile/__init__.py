"""BuildKit's Dockerfile frontend up to execution, in plain Python: parse (`parser.parse`), resolve
stages, ARG/ENV scoping and image configs (`resolve.resolve`), expand shell words (`shell`), and the
history texts BuildKit records (`config.apply_metadata`). Used by the simulator's build and by the
real engine's policy (to check FROM lines before a build is sent)."""

from .config import ImageConfig, apply_metadata, created_by_copy, created_by_run
from .errors import DockerfileError, DockerfileRefused
from .instructions import Dockerfile, Instruction, Warning_
from .parser import parse
from .resolve import BuildPlan, ImageReference, Stage, Step, referenced_images, resolve
from .shell import process_word, process_words

__all__ = [
    "BuildPlan", "Dockerfile", "DockerfileError", "DockerfileRefused", "ImageConfig",
    "ImageReference", "Instruction", "Stage", "Step", "Warning_", "apply_metadata",
    "created_by_copy", "created_by_run", "parse", "process_word", "process_words",
    "referenced_images", "resolve",
]
