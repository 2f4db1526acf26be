"""The docker CLI front end shared by both engines: argv -> ParsedCommand, help texts, errors.

It reproduces the real client (docker/cli on cobra + pflag) closely enough that usage errors,
`--help` pages and exit codes are byte for byte what `docker` prints.  The command table is data
(commands.json), captured from a real client by generate_table.py.

Caller contract::

    try:
        cmd = parse_argv(split_line(line)[1:])     # words after "docker"
    except CliError as err:
        return err.stdout, err.stderr, err.exit_code
    if cmd.help:
        out, err = cmd.help_output()               # help on stdout (stderr for bare groups)
        return out, err, 0
    ... run cmd.command; print cmd.notice_stdout / notice_stderr first ...
"""

from .helptext import help_text, usage_line
from .parsed import CliError, ParsedCommand
from .parser import parse_argv
from .shell import split_line
from .spec import CLIENT_VERSION, COMMANDS, VERSION_LINE, ArgRule, CommandSpec, FlagSpec

__all__ = [
    "CLIENT_VERSION", "COMMANDS", "VERSION_LINE", "ArgRule", "CliError", "CommandSpec",
    "FlagSpec", "ParsedCommand", "help_text", "parse_argv", "split_line", "usage_line",
]
