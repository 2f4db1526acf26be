"""`docker history` / `docker image history`: an image's layers, newest first, as docker/cli's
cli/command/image/formatter_history.go prints them."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from ...api import ApiError
from ...formats.containers import ellipsis, truncate_id, write_formatted
from ...formats.durations import human_duration
from ...formats.gofmt import GoFunc, GoStruct
from ...formats.gojson import RawJSON, dumps
from ...formats.sizes import human_size_with_precision
from ..client import Cli
from ..client_side import print_listing
from ..parsed import ParsedCommand

DEFAULT_TABLE = "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
NON_HUMAN_TABLE = "table {{.ID}}\t{{.CreatedAt}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}"
HEADERS = {"ID": "IMAGE", "CreatedSince": "CREATED", "CreatedAt": "CREATED AT",
           "CreatedBy": "CREATED BY", "Size": "SIZE", "Comment": "COMMENT"}
_FIELDS = ("ID", "CreatedSince", "CreatedAt", "CreatedBy", "Size", "Comment")
EPOCH_2000 = 946684800


class HistoryContext(GoStruct):
    """The template data of one history row (`*image.historyContext`)."""

    def __init__(self, item: dict[str, Any] | None = None, *, trunc: bool = True,
                 human: bool = True, now: float = 0.0) -> None:
        self.h = item or {}
        self.trunc, self.human, self.now = trunc, human, now
        methods = {name: GoFunc(getattr(self, name), ()) for name in _FIELDS}
        super().__init__("image.historyContext", {}, pointer=True, methods=methods,
                         marshal=self.marshal_json)

    def ID(self) -> str:
        value = str(self.h.get("Id") or "")
        return truncate_id(value) if self.trunc else value

    def CreatedAt(self) -> str:
        created = int(self.h.get("Created") or 0)
        return datetime.fromtimestamp(created, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    def CreatedSince(self) -> str:
        if not self.human:
            return self.CreatedAt()
        created = int(self.h.get("Created") or 0)
        if created <= EPOCH_2000:
            return ""
        return human_duration(self.now - created) + " ago"

    def CreatedBy(self) -> str:
        text = str(self.h.get("CreatedBy") or "").replace("\t", " ")
        return ellipsis(text, 45) if self.trunc else text

    def Size(self) -> str:
        size = int(self.h.get("Size") or 0)
        return human_size_with_precision(size, 3) if self.human else str(size)

    def Comment(self) -> str:
        return str(self.h.get("Comment") or "")

    def marshal_json(self) -> RawJSON:
        return RawJSON(dumps({n: self.methods[n].fn() for n in _FIELDS}, sort_keys=True))


def format_history(items: list[dict[str, Any]], *, fmt: str | None, quiet: bool, human: bool,
                   no_trunc: bool, now: float) -> tuple[str, str]:
    """Everything `docker history` prints: (stdout, stderr)."""
    source = fmt or "table"
    if source == "table":
        source = "{{.ID}}" if quiet else (DEFAULT_TABLE if human else NON_HUMAN_TABLE)
    contexts: list[GoStruct] = [HistoryContext(item, trunc=not no_trunc, human=human, now=now)
                                for item in items]
    return write_formatted(source, contexts, HEADERS), ""


async def history(cli: Cli, cmd: ParsedCommand) -> int:
    ref = cmd.args[0]
    try:
        items = await cli.api.image_history(ref)
    except ApiError as err:
        cli.daemon_error(err.message)
        return 1
    fmt = cmd.get("format")
    human = cmd.get("human")
    now = cli.now()
    return print_listing(cli.printer, lambda: format_history(
        items, fmt=str(fmt) if fmt is not None else None, quiet=cmd.flag("quiet"),
        human=human is None or str(human).lower() not in ("false", "0"),
        no_trunc=cmd.flag("no-trunc"), now=now))
