"""`docker pull`, and the pull that `run` and `create` make when the image is missing."""

from __future__ import annotations

from ...api import ApiError
from ...images import normalize_ref
from ..client import Cli
from ..client_side import reference_problem
from ..jsonmessage import PullDisplay
from ..parsed import ParsedCommand


def canonical_ref(familiar: str) -> str:
    """`ubuntu:20.04` as the CLI names it after a pull: `docker.io/library/ubuntu:20.04`."""
    name = familiar.rsplit(":", 1)[0]
    return ("docker.io/library/" if "/" not in name else "docker.io/") + familiar


async def pull_image(cli: Cli, ref: str, *, implicit: bool, quiet: bool,
                     stream: str) -> str | None:
    """Pull `ref`, printing the daemon's progress on `stream`; the error message, or None."""
    problem = reference_problem(ref)
    if problem is not None:
        return problem
    write = cli.out if stream == "stdout" else cli.err
    if not implicit and not quiet and ":" not in ref.split("/")[-1] and "@" not in ref:
        write("Using default tag: latest\n")
    display = PullDisplay(write if not quiet else (lambda text: None), tty=cli.job.tty)
    try:
        await cli.api.image_pull(ref, on_message=display.message)
    except ApiError as err:
        return err.message
    if display.error is not None:
        return display.error
    if not implicit:
        write(canonical_ref(normalize_ref(ref)) + "\n")
    return None


async def pull(cli: Cli, cmd: ParsedCommand) -> int:
    problem = await pull_image(cli, cmd.args[0], implicit=False, quiet=cmd.flag("quiet"),
                               stream="stdout")
    if problem is not None:
        cli.daemon_error(problem)
        return 1
    return 0
