"""`docker tag SOURCE TARGET` / `docker image tag`: the client checks the target's format, the
daemon finds the source (`No such image: x:latest`) and moves the tag."""

from __future__ import annotations

from ...api import ApiError
from ...images import normalize_ref
from ..client import Cli
from ..client_side import reference_problem
from ..parsed import ParsedCommand


async def tag(cli: Cli, cmd: ParsedCommand) -> int:
    source, target = cmd.args
    problem = reference_problem(target)
    if problem is not None:
        cli.err(f'Error parsing reference: "{target}" is not a valid repository/tag: {problem}\n')
        return 1
    if "@" in target:
        cli.err("refusing to create a tag with a digest reference\n")
        return 1
    familiar = normalize_ref(target)
    repo, _, version = familiar.rpartition(":")
    try:
        await cli.api.image_tag(source, repo, version)
    except ApiError as err:
        cli.daemon_error(err.message)
        return 1
    return 0
