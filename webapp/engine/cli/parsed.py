"""The parser's two outcomes: a ParsedCommand, or a CliError carrying what docker would print."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class ParsedCommand:
    """A docker command line, understood the way the real CLI understands it.

    `options` holds only the flags the user gave, keyed by long name (hidden spellings such as
    `--net` are filed under the visible name, `network`).  For run/create `args` is
    `[image, *command]`, for exec `[container, *command]`.  `invoked_as` is docker's command path
    (what its messages print: `docker container ps` shows as "docker container ls").
    """

    command: str
    options: dict[str, object]
    args: list[str]
    invoked_as: str
    help: bool = False
    # Extras the real client needs (see the package docstring):
    help_to_stderr: bool = False  # `docker` / `docker container` alone print help on stderr
    global_options: dict[str, object] = field(default_factory=dict)  # -D, -H, --context, ...
    notice_stdout: str = ""  # printed before the command's own output (deprecation notices)
    notice_stderr: str = ""

    def get(self, name: str, default: object = None) -> object:
        """The value of flag `name` (long name, no dashes), or `default` if not given."""
        return self.options.get(name, default)

    def flag(self, name: str) -> bool:
        """A boolean flag: given and true."""
        return bool(self.options.get(name))

    def text(self, name: str) -> str | None:
        """A flag's value as text (the last one of a repeated flag), or None if not given."""
        value = self.options.get(name)
        if isinstance(value, list):
            value = value[-1] if value else None
        return None if value is None else str(value)

    def number(self, name: str) -> int | None:
        """A numeric flag's value, or None if not given (the parser has checked its syntax)."""
        value = self.text(name)
        return None if value is None else int(value)

    def values(self, name: str) -> list[str]:
        """A repeatable flag's values in the order given (empty if not given)."""
        value = self.options.get(name)
        if value is None:
            return []
        return [str(v) for v in value] if isinstance(value, list) else [str(value)]

    def given(self, name: str) -> bool:
        """Whether the user gave flag `name` (even with its default value)."""
        return name in self.options

    @property
    def is_version_flag(self) -> bool:
        """`docker --version` / `docker -v`: print the one-line version, not `docker version`."""
        return self.command == "version" and self.invoked_as == "docker"

    def help_output(self) -> tuple[str, str]:
        """(stdout, stderr) for a help request, notices included."""
        from .helptext import help_text

        text = help_text(self.invoked_as)
        if self.help_to_stderr:
            return self.notice_stdout, self.notice_stderr + text
        return self.notice_stdout + text, self.notice_stderr


class CliError(Exception):
    """Raised for any usage error; carries what the docker CLI would print, and its exit code."""

    def __init__(self, stderr: str, exit_code: int, stdout: str = "") -> None:
        super().__init__(stderr.rstrip("\n"))
        self.stderr = stderr
        self.exit_code = exit_code
        self.stdout = stdout

    def __repr__(self) -> str:
        return f"CliError(exit_code={self.exit_code}, stderr={self.stderr!r})"
