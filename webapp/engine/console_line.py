"""What happens to a console line, the same for both engines: the console shell runs it.

The console is a small bash whose one program is `docker` (`console_shell.py`): lists, pipes,
substitutions and variables work as in bash, each `docker …` in the line is a docker command of its
own, anything else gets bash's `command not found`. A line longer than `MAX_LINE` is refused.
`plain_docker_argv` recognizes the common case, a line that is one docker command as typed: its
words need no shell at all, and the page can summarize it before it runs.
"""

from __future__ import annotations

import re

from .cli import CliError, split_line
from .clock import Clock
from .console_shell import ConsoleState, Dispatch, Record, run_line
from .job import Job
from .sim.shell_parse import Seq, ShellSyntaxError, Simple, parse

MAX_LINE = 4096


def _expands(word: str) -> bool:
    """Whether the shell would expand something in `word` (a `$` or backquote not in '...')."""
    i, double = 0, False
    while i < len(word):
        ch = word[i]
        if ch == "\\":
            i += 2
            continue
        if ch == '"':
            double = not double
        elif ch == "'" and not double:
            i = word.find("'", i + 1) + 1 or len(word)
            continue
        elif ch in "$`":
            return True
        i += 1
    return False


# A line with none of these characters is plain words for sure (the common case, parsed at once).
_SPECIAL = re.compile(r"[$`;&|<>()\\\n]")


def plain_docker_argv(line: str) -> list[str] | None:
    """The words of `line` if it is one docker command needing no expansion (`docker ps -a`,
    `docker run -e "A=b c" alpine`), else None (a list, a pipe, `$VAR`, not docker, too long)."""
    return _classify(line)[0]


def _classify(line: str) -> tuple[list[str] | None, Seq | None]:
    """(argv of a plain docker line, or None; the parsed script when it was parsed)."""
    if len(line) > MAX_LINE:
        return None, None
    if not _SPECIAL.search(line):
        try:
            argv = split_line(line)
        except CliError:
            return None, None
        if argv and argv[0] == "docker":
            return argv, None
    try:
        tree = parse(line)
        argv = split_line(line)
    except (ShellSyntaxError, CliError):
        return None, None
    return _plain(tree, argv), tree


def _plain(tree: Seq, argv: list[str]) -> list[str] | None:
    if len(tree.items) != 1 or tree.items[0][1]:
        return None
    and_or = tree.items[0][0]
    if and_or.rest or and_or.first.negate or len(and_or.first.commands) != 1:
        return None
    simple = and_or.first.commands[0]
    if not isinstance(simple, Simple) or simple.assigns or simple.redirects:
        return None
    if any(_expands(word) for word in simple.words):
        return None  # a variable or a command to substitute: only the shell knows the words
    if not argv or argv[0] != "docker" or len(argv) != len(simple.words):
        return None
    return argv


def run_console_line(job: Job, line: str, *, clock: Clock, state: ConsoleState,
                     dispatch: Dispatch, record: Record | None) -> None:
    """Run `line` on `job` (under the engine lock); every input gets an answer and an exit code."""
    if len(line) > MAX_LINE:
        job.write_err(f"bash: input line too long ({len(line)} characters; at most {MAX_LINE})\n")
        job.finish(2)
        return
    if not line.strip():
        job.finish(0)
        return
    state.remember(line)
    argv, tree = _classify(line)
    run_line(job, line, clock=clock, state=state, dispatch=dispatch, record=record, argv=argv,
             tree=tree)
