"""`docker inspect` and its container / image forms."""

from __future__ import annotations

from typing import Any

from ...api import ApiError
from ...formats.gotemplate import TemplateError
from ...formats.inspect import format_inspect
from ..client import Cli
from ..client_side import template_failed
from ..parsed import ParsedCommand


async def inspect(cli: Cli, cmd: ParsedCommand) -> int:
    """Each reference as a container first, then as an image, unless `--type` or the command
    says which; missing ones are reported and the command ends with 1."""
    objects: list[dict[str, Any]] = []
    kinds: list[str] = []
    failed = False
    kind = str(cmd.get("type", "") or "")
    container_only = cmd.command == "container inspect" or kind == "container"
    image_only = cmd.command == "image inspect" or kind == "image"
    for ref in cmd.args:
        found = None
        if not image_only:
            try:
                found = await cli.api.container_inspect(ref, size=bool(cmd.get("size")))
                kinds.append("container")
            except ApiError:
                found = None
        if found is None and not container_only:
            try:
                found = await cli.api.image_inspect(ref)
                kinds.append("image")
            except ApiError:
                found = None
        if found is None:
            failed = True
            what = "container" if container_only else "image" if image_only else "object"
            cli.err(f"Error: No such {what}: {ref}\n")
            continue
        objects.append(found)
    fmt = cmd.get("format")
    try:
        text = format_inspect(objects, str(fmt) if fmt is not None else None,
                              kind=kinds[0] if kinds else ("image" if image_only else "container"))
    except TemplateError as err:
        return template_failed(cli.printer, err)
    cli.out(text if text or fmt is None else "\n")
    return 1 if failed else 0
