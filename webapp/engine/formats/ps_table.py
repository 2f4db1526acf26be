"""The default ``docker ps`` table (and ``-q``) from cached rows.

``docker ps`` runs on every refresh of a class's consoles, each with up to ~100 containers, and
most rows do not change between two calls. Each row's cells are kept under a key made of every
summary field they are printed from, so a changed container (state, name, ports, status text)
simply gets a new key: a row can never be stale. The one cell that moves with the clock, CREATED,
is kept with the span of time for which its text holds (:mod:`.ps_times`). The padded line is
kept too, for as long as the column widths stay the same.

The output is what the template path (``formatter.Context.Write`` with
``DEFAULT_TABLE_FORMAT``) prints, byte for byte.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import TYPE_CHECKING, Any

from .durations import _to_nanoseconds
from .ps_times import Relative, relative
from .table import MIN_WIDTH, PADDING, tabwrite

if TYPE_CHECKING:
    from .containers import ContainerContext

# Rows are shared by every sandbox of the process; cleared whole when full (a refill is cheap).
MAX_ROWS = 2048
_ROWS: dict[tuple, _Row] = {}
_CREATED = 3  # column index of CREATED (RunningFor), the one cell that depends on the clock


class _Row:
    """The cells of one container's line, all but CREATED fixed for the row's key."""

    __slots__ = ("cells", "created", "lens", "line", "plain", "since")

    def __init__(self, ctx: ContainerContext, size: bool) -> None:
        cells = [ctx.ID(), ctx.Image(), ctx.Command(), "", ctx.Status(), ctx.Ports(), ctx.Names()]
        if size:
            cells.append(ctx.Size())
        self.cells = tuple(cells)
        self.lens = tuple(len(c) for c in cells)
        self.plain = all(c.isascii() and c.isprintable() for c in cells)
        self.created = int(ctx.c.get("Created") or 0)
        self.since: Relative | None = None
        # (column widths, CREATED text, padded line): replaced whole, never updated in place
        self.line: tuple[tuple[int, ...], str, str] | None = None


def _row_key(s: dict[str, Any], ports: str, trunc: bool, size: bool) -> tuple:
    """Everything the row's fixed cells are printed from."""
    names: list[str] | tuple[()] = s.get("Names") or ()
    key: tuple[Any, ...] = (s.get("Id"), names[0] if len(names) == 1 else tuple(names), s.get("Image"), s.get("ImageID"),
           s.get("Command"), s.get("Created"), s.get("Status"), ports, trunc)
    if size:
        key += (s.get("SizeRw"), s.get("SizeRootFs"))
    return key


def default_table(summaries: list[dict[str, Any]], *, headers: list[str], trunc: bool, size: bool,
                  now: float, tz: tzinfo = UTC, cli_version: int = 29) -> str:
    """The default table for these summaries; ``headers`` are its column titles."""
    from .containers import ContainerContext, display_ports

    rows: list[_Row] = []
    created: list[str] = []
    cache = _ROWS
    for s in summaries:
        port_list = s.get("Ports")
        ports = display_ports(port_list, cli_version) if port_list else ""
        key = _row_key(s, ports, trunc, size)
        row = cache.get(key)
        if row is None:
            row = _Row(ContainerContext(s, trunc=trunc, now=now, tz=tz, cli_version=cli_version), size)
            if len(cache) >= MAX_ROWS:
                cache.clear()
            cache[key] = row
        since = row.since
        seconds = now - row.created
        if since is None or not since.lo <= _to_nanoseconds(seconds) < since.hi:
            since = row.since = relative(None, seconds, None, tail=" ago")
        rows.append(row)
        created.append(since.text)
    if not all(row.plain for row in rows):
        return tabwrite([headers] + [_cells(row, text) for row, text in zip(rows, created, strict=True)])
    return _plain_table(headers, rows, created)


def _cells(row: _Row, created: str) -> list[str]:
    cells = list(row.cells)
    cells[_CREATED] = created
    return cells


def _plain_table(headers: list[str], rows: list[_Row], created: list[str]) -> str:
    """tabwrite's plain-ASCII layout, from the cached cell lengths and lines."""
    last = len(headers) - 1
    longest = list(map(max, zip(*(row.lens for row in rows), strict=True))) if rows else [0] * len(headers)
    longest[_CREATED] = max(map(len, created), default=0)
    widths = tuple(max(MIN_WIDTH, max(len(headers[c]), longest[c]) + PADDING) for c in range(last))
    out = [_pad(headers, widths, last)]
    for row, text in zip(rows, created, strict=True):
        line = row.line
        if line is None or line[1] != text or line[0] != widths:
            line = row.line = (widths, text, _pad(_cells(row, text), widths, last))
        out.append(line[2])
    return "".join(out)


def _pad(cells: list[str] | tuple[str, ...], widths: tuple[int, ...], last: int) -> str:
    return "".join(cell.ljust(w) for cell, w in zip(cells, widths, strict=False)) + cells[last] + "\n"
