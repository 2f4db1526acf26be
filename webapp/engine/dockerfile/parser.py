"""BuildKit's Dockerfile parser (frontend/dockerfile/parser + instructions): text -> instructions.

Directives (`# escape=`, `# syntax=`) at the top, comments, line continuations with the escape
character, empty continuation lines, heredocs, JSON versus shell forms, flags per instruction.
"""

from __future__ import annotations

from .instructions import Dockerfile

MAX_DOCKERFILE = 64 * 1024  # bytes: the workspace's per-file limit


def parse(text: str, *, escape: str | None = None) -> Dockerfile:
    """Parse a Dockerfile as BuildKit does. `escape` overrides the default escape character
    (a `# escape=` directive in the text wins). Raises DockerfileError with BuildKit's text for what
    BuildKit rejects, DockerfileRefused for what the sandbox will not build (FROM --platform,
    RUN --mount/--network/--security, ADD of a URL or git repository)."""
    raise NotImplementedError
