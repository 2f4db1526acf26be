"""`docker images`, `docker rmi` and `docker image prune`."""

from __future__ import annotations

from ...api import ApiError
from ...formats.images import format_images
from ...formats.sizes import human_size
from ..client import Cli
from ..client_side import print_listing
from ..parsed import ParsedCommand


async def images(cli: Cli, cmd: ParsedCommand) -> int:
    wanted = cmd.args[0] if cmd.args else None
    summaries = []
    for image in await cli.api.image_list():
        tags = list(image.get("RepoTags") or [])
        if wanted is not None:
            repo, _, tag = wanted.partition(":")
            tags = [t for t in tags if t.split(":")[0] == repo
                    and (not tag or t.split(":", 1)[1] == tag)]
            if not tags:
                continue
        summaries.append(dict(image, RepoTags=tags))
    fmt = cmd.get("format")
    now = cli.now()
    return print_listing(cli.printer, lambda: format_images(
        summaries, fmt=str(fmt) if fmt is not None else None, quiet=bool(cmd.get("quiet")),
        no_trunc=bool(cmd.get("no-trunc")), digests=bool(cmd.get("digests")), now=now))


async def rmi(cli: Cli, cmd: ParsedCommand) -> int:
    """Remove each image; with `-f` a missing one is reported but is no failure."""
    failed = False
    force = bool(cmd.get("force"))
    for ref in cmd.args:
        try:
            removed = await cli.api.image_remove(ref, force=force)
        except ApiError as err:
            cli.daemon_error(err.message)
            if not (err.status == 404 and force):
                failed = True
            continue
        for item in removed:
            for key in ("Untagged", "Deleted"):
                if key in item:
                    cli.out(f"{key}: {item[key]}\n")
    return 1 if failed else 0


async def image_prune(cli: Cli, cmd: ParsedCommand) -> int:
    if not cmd.get("force") and not await cli.confirm("This will remove all dangling images."):
        return 0
    answer = await cli.api.images_prune()
    deleted = answer.get("ImagesDeleted") or []
    if deleted:
        cli.out("Deleted Images:\n")
        for item in deleted:
            for key in ("Untagged", "Deleted"):
                if key in item:
                    cli.out(f"{key.lower()}: {item[key]}\n")
        cli.out("\n")
    cli.out(f"Total reclaimed space: {human_size(answer.get('SpaceReclaimed') or 0)}\n")
    return 0
