"""Errors of the Dockerfile frontend, worded as BuildKit words them."""

from __future__ import annotations


class DockerfileError(ValueError):
    """A Dockerfile that BuildKit rejects. `message` is BuildKit's own text without the line prefix;
    `line` is the 1-based line it blames (0: no line, e.g. an empty file). `str()` gives the text
    the daemon answers with: `dockerfile parse error on line N: MESSAGE` for parse errors (see
    `text`), the bare message for semantic ones (e.g. `target stage "x" could not be found`)."""

    def __init__(self, message: str, line: int = 0, *, parse_error: bool = True):
        self.message = message
        self.line = line
        self.parse_error = parse_error
        super().__init__(self.text)

    @property
    def text(self) -> str:
        """The daemon's error message for this failure."""
        if self.parse_error and self.line:
            return f"dockerfile parse error on line {self.line}: {self.message}"
        return self.message


class DockerfileRefused(DockerfileError):
    """Valid for BuildKit, but the sandbox will not build it (a `--mount`, an ADD of a URL, a
    VOLUME, ...). `message` is the sandbox's reason, naming the feature; callers turn it into
    `api.Refused(message)`."""

    def __init__(self, message: str, line: int = 0):
        super().__init__(message, line, parse_error=False)


# What the sandbox's builder refuses, by the feature's name, and why (one place, like refusals.py
# for flags; both engines print these sentences).
REFUSED = {
    "FROM --platform": "the sandbox builds for its own platform only",
    "RUN --mount": "the sandbox's builder has no cache, secret, ssh or bind mounts",
    "RUN --network": "the sandbox decides the network of a build",
    "RUN --security": "the sandbox fixes the security of a build (no insecure mode)",
    "RUN --device": "the sandbox gives builds no devices",
    "ADD of a URL or git repository": "builds in this sandbox have no network; put the file in "
                                      "your folder and COPY it",
    "ADD of a local archive": "the sandbox does not unpack archives; COPY the files instead",
    "ADD --keep-git-dir": "the sandbox's builder does not model it (no git sources)",
    "ADD --checksum": "the sandbox's builder does not model it (no remote sources)",
    "ADD --unpack": "the sandbox's builder does not model it (no archives)",
    "ADD --exclude": "the sandbox's builder does not model it",
    "COPY --exclude": "the sandbox's builder does not model it",
    "COPY --parents": "the sandbox's builder does not model it",
    "VOLUME": "volumes are not available in this sandbox (they live on the server's disk)",
    "RUN of a heredoc starting with #!": "the sandbox runs heredocs through the shell only",
}


def refused(feature: str, detail: str = "", line: int = 0) -> DockerfileRefused:
    """`FEATURE is not available: WHY[ (DETAIL)]`, the feature named as the learner wrote it."""
    why = REFUSED[feature] + (f" ({detail})" if detail else "")
    return DockerfileRefused(f"{feature} is not available: {why}", line)
