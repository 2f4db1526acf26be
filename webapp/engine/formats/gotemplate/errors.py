"""The errors every stage raises, and the bounds that keep a hostile format string cheap."""

from __future__ import annotations

MAX_OUTPUT = 1 << 20  # bytes of output one execution may produce
MAX_STRING = 1 << 20  # longest string a function may build
MAX_STEPS = 250_000  # evaluation steps per execution (about a quarter second)
MAX_NESTING = 100  # nested control structures / parentheses when parsing
MAX_TEMPLATE_DEPTH = 150  # nested {{template}} calls (Go allows 100000)
GO_MAX_EXEC_DEPTH = 100000  # what Go's error message reports


class TemplateError(Exception):
    """A template failed; ``message`` is the line the docker CLI prints on stderr.

    Callers print ``stdout`` (output Docker writes before failing, e.g. inspect's empty line),
    then ``stderr`` (warnings printed earlier), then ``message``, and exit with ``exit_code``.
    """

    def __init__(self, message: str, *, exit_code: int = 1, stdout: str = "",
                 stderr: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


class ParseError(TemplateError):
    """The template text is malformed (Go's parse error)."""


class ExecError(TemplateError):
    """Executing the template failed (Go's ``ExecError``)."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()  # "no final value from a previous pipeline stage"
