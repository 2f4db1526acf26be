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
