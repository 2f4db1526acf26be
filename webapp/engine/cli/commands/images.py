"""`docker images`, `docker rmi` and `docker image prune`."""

from __future__ import annotations

import fnmatch

from ...api import JSON, ApiError
from ...formats.images import format_images
from ...formats.sizes import human_size
from ..client import Cli
from ..client_side import parse_filters, parse_time, print_listing
from ..parsed import ParsedCommand

IMAGE_FILTERS = ("dangling", "label", "before", "since", "reference", "until")


def filter_images(listing: list[JSON], filters: dict[str, list[str]], now: float) -> list[JSON]:
    """The daemon's image filters (moby daemon/images/images.go Images): `reference` keeps the
    matching tags only (path.Match on the familiar name, with or without the tag), `dangling`,
    `label`, and `before`/`since` another image; ApiError in the daemon's words."""
    for key in filters:
        if key not in IMAGE_FILTERS:
            raise ApiError(400, f"invalid filter '{key}'")
    for value in filters.get("dangling", []):
        if value.lower() not in ("true", "false", "1", "0"):
            raise ApiError(400, f"Invalid filter 'dangling={value}'")

    def created_of(ref: str) -> int:
        for image in listing:
            if ref in (image.get("RepoTags") or []) or f"{ref}:latest" in (
                    image.get("RepoTags") or []) or str(image.get("Id", "")).removeprefix(
                    "sha256:").startswith(ref.removeprefix("sha256:")):
                return int(image.get("Created") or 0)
        raise ApiError(404, f"No such image: {ref}")

    until = []
    for value in filters.get("until", []):
        moment = parse_time(value, now)
        if moment is None:
            raise ApiError(400, f'failed to parse value as time or duration: "{value}"')
        until.append(moment)
    before = [created_of(ref) for ref in filters.get("before", [])]
    since = [created_of(ref) for ref in filters.get("since", [])]
    out = []
    for image in listing:
        tags = list(image.get("RepoTags") or [])
        created = int(image.get("Created") or 0)
        dangling = not tags
        if any((v.lower() in ("true", "1")) != dangling for v in filters.get("dangling", [])):
            continue
        if any(created >= b for b in before) or any(created <= s for s in since) or any(
                created >= u for u in until):
            continue
        labels = image.get("Labels") or {}
        if not all(k in labels and (not eq or labels[k] == v) for k, eq, v in
                   (item.partition("=") for item in filters.get("label", []))):
            continue
        if "reference" in filters:
            tags = [t for t in tags if any(fnmatch.fnmatchcase(t, p)
                                           or fnmatch.fnmatchcase(t.rsplit(":", 1)[0], p)
                                           for p in filters["reference"])]
            if not tags:
                continue
        out.append(dict(image, RepoTags=tags))
    return out


async def images(cli: Cli, cmd: ParsedCommand) -> int:
    wanted = cmd.args[0] if cmd.args else None
    summaries = []
    listing = await cli.api.image_list()
    filters = parse_filters(cmd)
    if filters:
        try:
            listing = filter_images(listing, filters, cli.now())
        except ApiError as err:
            cli.daemon_error(err.message)
            return 1
    for image in listing:
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
