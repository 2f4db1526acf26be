"""What happens to a console line before an engine sees a docker command, the same for both engines.

The console is not a shell: a line is split the way bash would split it, anything that is not
`docker …` gets bash's `command not found`, and usage errors get the docker CLI's own text and exit
code. Only a well-formed docker command reaches the engine.
"""

from __future__ import annotations

from .cli import CliError, ParsedCommand, parse_argv, split_line
from .job import Job

MAX_LINE = 4096


def parse_console_line(job: Job, line: str) -> ParsedCommand | None:
    """The docker command on `line`, or None once the job has been answered (and finished)."""
    if len(line) > MAX_LINE:
        job.write_err(f"bash: input line too long ({len(line)} characters; at most {MAX_LINE})\n")
        job.finish(2)
        return None
    if not line.strip():
        job.finish(0)
        return None
    try:
        argv = split_line(line)
        if argv and argv[0] == "docker":
            cmd = parse_argv(argv[1:])
            job.parsed = cmd
            return cmd
    except CliError as err:
        job.write_out(err.stdout)
        job.write_err(err.stderr)
        job.finish(err.exit_code)
        return None
    if argv:
        job.write_err(f"bash: {argv[0]}: command not found\n")
        job.finish(127)
    else:
        job.finish(0)
    return None
