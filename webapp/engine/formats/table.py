"""Go ``text/tabwriter`` as docker/cli configures it, plus the display-width rules it relies on.

docker/cli writes every table through ``tabwriter.NewWriter(out, 10, 1, 3, ' ', 0)``: columns
are at least 10 wide, cells get 3 spaces of padding, the last cell of a line is never padded.
Columns are *blocks* of consecutive lines that have a cell at that index; a line with fewer
cells ends the block, so a cell containing a newline (``table {{.ID}}\\n{{.Names}}``) starts a
fresh set of column widths below it. Widths are display columns (go-runewidth), so wide CJK
characters count twice and combining marks not at all.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

MIN_WIDTH = 10
TAB_WIDTH = 1
PADDING = 3

# go-runewidth's "nonprint" ranges: always zero columns.
_NONPRINT = (
    (0x0000, 0x001F), (0x007F, 0x009F), (0x00AD, 0x00AD), (0x070F, 0x070F),
    (0x180B, 0x180E), (0x200B, 0x200F), (0x2028, 0x202E), (0x206A, 0x206F),
    (0xD800, 0xDFFF), (0xFEFF, 0xFEFF), (0xFFF9, 0xFFFB), (0xFFFE, 0xFFFF),
)
# Characters that join the previous grapheme and take no columns of their own
# (observed with the docker CLI: Thai/Lao AM vowels, emoji skin-tone modifiers).
_EXTRA_ZERO = ((0x0E33, 0x0E33), (0x0EB3, 0x0EB3), (0x1F3FB, 0x1F3FF), (0xE0100, 0xE01EF))
_ZWJ = 0x200D


def _in(cp: int, ranges: Sequence[tuple[int, int]]) -> bool:
    return any(lo <= cp <= hi for lo, hi in ranges)


def rune_width(ch: str) -> int:
    """Columns one code point occupies (go-runewidth ``RuneWidth``, non-CJK locale)."""
    cp = ord(ch)
    if cp < 0x20 or 0x7F <= cp <= 0x9F or cp == 0xAD:
        return 0
    if cp < 0x300:
        return 1
    if _in(cp, _NONPRINT) or _in(cp, _EXTRA_ZERO):
        return 0
    if unicodedata.category(ch) in ("Mn", "Me", "Mc"):
        return 0
    if unicodedata.east_asian_width(ch) in ("W", "F"):
        return 2
    return 1


def _is_extender(prev: str, ch: str) -> bool:
    """Does ``ch`` continue the grapheme cluster that ``prev`` (its predecessor) belongs to?"""
    cp = ord(ch)
    if cp == _ZWJ or rune_width(ch) == 0 and cp >= 0x20 and not (0x7F <= cp <= 0x9F):
        return True
    if ord(prev) == _ZWJ:
        return True  # emoji ZWJ sequence: the next pictograph belongs to the same cluster
    # Hangul jamo: vowels and trailing consonants attach to a leading consonant or syllable.
    prev_cp = ord(prev)
    return 0x1160 <= cp <= 0x11FF and (0x1100 <= prev_cp <= 0x11FF or 0xAC00 <= prev_cp <= 0xD7A3)


def _graphemes(s: str) -> list[str]:
    """Approximate Unicode grapheme clusters, enough for terminal width purposes."""
    clusters: list[str] = []
    ri_open = False  # an unpaired regional indicator waiting for its partner
    for ch in s:
        cp = ord(ch)
        is_ri = 0x1F1E6 <= cp <= 0x1F1FF
        if clusters and (_is_extender(clusters[-1][-1], ch) or (is_ri and ri_open)):
            clusters[-1] += ch
            ri_open = False if is_ri else ri_open
            continue
        clusters.append(ch)
        ri_open = is_ri
    return clusters


def display_width(s: str) -> int:
    """Display columns of ``s`` (go-runewidth ``StringWidth``): per cluster, its first non-zero rune."""
    if s.isascii() and s.isprintable():
        return len(s)  # the common case, and the hot path of every table
    total = 0
    for cluster in _graphemes(s):
        for ch in cluster:
            w = rune_width(ch)
            if w:
                total += w
                break
    return total


def wide_char_width(ch: str) -> int:
    """Width used by docker/cli ``Ellipsis`` (golang.org/x/text/width): W and F count 2, all else 1."""
    return 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1


def tabwriter_format(
    text: str, minwidth: int = MIN_WIDTH, padding: int = PADDING, padchar: str = " "
) -> str:
    """Run ``text`` through Go's tabwriter (flags 0) and return what it would write.

    Cells end at ``\\t`` or ``\\v``; lines end at ``\\n`` or ``\\f`` (``\\f`` also flushes, so
    columns never continue across it). The text after the last line break is an unterminated
    cell and is written without a newline.
    """
    out: list[str] = []
    segment: list[list[str]] = [[]]
    cell_start = 0
    for i, ch in enumerate(text):
        if ch in "\t\v\n\f":
            segment[-1].append(text[cell_start:i])
            cell_start = i + 1
            if ch in "\n\f":
                ncells = len(segment[-1])
                segment.append([])
                if ch == "\f" or ncells == 1:
                    # Go flushes here; the lines so far can no longer affect later ones.
                    _format_lines(segment[:-1], minwidth, padding, padchar, out, last=False)
                    segment = [[]]
    if cell_start < len(text):
        segment[-1].append(text[cell_start:])
    _format_lines(segment, minwidth, padding, padchar, out, last=True)
    return "".join(out)


def _format_lines(
    lines: list[list[str]], minwidth: int, padding: int, padchar: str, out: list[str], last: bool
) -> None:
    """Pad the cells of a flushed group of lines; every line but the final one gets a newline.

    Go computes this recursively per column; the equivalent closed form is: a cell in column c
    is padded to the widest cell of the maximal run of consecutive lines that all have a
    tab-terminated cell in column c (at least ``minwidth``, widths include ``padding``).
    """
    n = len(lines)
    widths = [[display_width(c) for c in line] for line in lines]
    col_width: list[list[int]] = [[0] * max(len(line) - 1, 0) for line in lines]
    max_cols = max((len(line) - 1 for line in lines), default=0)
    for c in range(max_cols):
        i = 0
        while i < n:
            if len(lines[i]) - 1 <= c:
                i += 1
                continue
            j, w = i, minwidth
            while j < n and len(lines[j]) - 1 > c:
                w = max(w, widths[j][c] + padding)
                j += 1
            for k in range(i, j):
                col_width[k][c] = w
            i = j
    for idx, line in enumerate(lines):
        for c, cell in enumerate(line):
            out.append(cell)
            if c < len(line) - 1:
                out.append(padchar * (col_width[idx][c] - widths[idx][c]))
        if idx < n - 1 or not last:
            out.append("\n")


def tabwrite(rows: list[list[str]]) -> str:
    """Format ``rows`` as docker/cli tables do: tab-separated cells, one line per row.

    Each row is written as its cells joined by tabs followed by a newline, exactly what the
    formatter feeds the tabwriter, so cells may themselves contain ``\\t`` or ``\\n``.
    """
    if rows and _plain(rows):
        return _plain_table(rows)
    return tabwriter_format("".join("\t".join(row) + "\n" for row in rows))


_SPECIAL = ("\t", "\n", "\v", "\f", "\r")


def _plain(rows: list[list[str]]) -> bool:
    """Rows of equal length whose cells are plain printable ASCII: one column block, no surprises."""
    width = len(rows[0])
    for row in rows:
        if len(row) != width:
            return False
        for cell in row:
            if not (cell.isascii() and cell.isprintable()):
                return False
    return True


def _plain_table(rows: list[list[str]]) -> str:
    """What the tabwriter writes for plain rows, computed directly (the hot path of `docker ps`)."""
    last = len(rows[0]) - 1
    widths = [max(MIN_WIDTH, max(len(row[col]) for row in rows) + PADDING) for col in range(last)]
    lines = []
    for row in rows:
        lines.append("".join(cell.ljust(w) for cell, w in zip(row, widths, strict=False)) + row[last] + "\n")
    return "".join(lines)
