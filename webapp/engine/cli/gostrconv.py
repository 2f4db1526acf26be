"""Go's strconv and time parsing, with Go's exact error texts.

The docker CLI is written in Go: its flag errors quote values with `%q` and embed the messages of
`strconv.ParseInt`, `time.ParseDuration` and friends.  Matching them byte for byte needs the Go
rules (base prefixes, underscores, rune escaping), not Python's.
"""

from __future__ import annotations

import re


class GoError(ValueError):
    """A Go parse error; `str()` is the Go error text."""


def _utf8(s: str) -> bytes:
    return s.encode("utf-8", "surrogatepass")


def _decode_rune(b: bytes, i: int) -> tuple[int, int]:
    """Go's utf8.DecodeRune: (rune, width); (-1, 1) for an invalid byte."""
    c = b[i]
    if c < 0x80:
        return c, 1
    for width, lo in ((2, 0x80), (3, 0x800), (4, 0x10000)):
        if i + width > len(b):
            break
        try:
            r = ord(b[i:i + width].decode("utf-8"))
        except UnicodeDecodeError:
            continue
        if r >= lo:
            return r, width
    return -1, 1


def is_print(ch: str) -> bool:
    """strconv.IsPrint: letters, marks, numbers, punctuation, symbols and the ASCII space.

    Python's str.isprintable draws the same line (it refuses the C and Z categories but the space).
    """
    return ch.isprintable()


_ESCAPES = {7: r"\a", 8: r"\b", 12: r"\f", 10: r"\n", 13: r"\r", 9: r"\t", 11: r"\v"}


def _escape_rune(r: int, quote: str, ascii_only: bool = False) -> str:
    if r == ord(quote) or r == ord("\\"):
        return "\\" + chr(r)
    if is_print(chr(r)) and (r < 0x80 or not ascii_only):
        return chr(r)
    if r in _ESCAPES:
        return _ESCAPES[r]
    if r < 0x20 or r == 0x7F:
        return f"\\x{r:02x}"
    if 0xD800 <= r <= 0xDFFF or r > 0x10FFFF:
        r = 0xFFFD
    if r < 0x10000:
        return f"\\u{r:04x}"
    return f"\\U{r:08x}"


def quote(s: str, ascii_only: bool = False) -> str:
    """strconv.Quote (what `%q` prints for a string), or QuoteToASCII with `ascii_only` (`%+q`).

    `s` stands for Go's bytes: its UTF-8, lone surrogates passed through (surrogatepass), so what
    is not valid UTF-8 prints as `\\x` escapes byte by byte, as Go prints invalid bytes.
    """
    b = _utf8(s)
    out = ['"']
    i = 0
    while i < len(b):
        r, width = _decode_rune(b, i)
        if r < 0:
            out.append(f"\\x{b[i]:02x}")
        else:
            out.append(_escape_rune(r, '"', ascii_only))
        i += width
    out.append('"')
    return "".join(out)


def quote_rune(r: int, ascii_only: bool = False) -> str:
    """strconv.QuoteRune (`%q` of an integer), or QuoteRuneToASCII with `ascii_only` (`%+q`)."""
    if r < 0 or 0xD800 <= r <= 0xDFFF or r > 0x10FFFF:
        r = 0xFFFD  # not a valid rune: Go quotes utf8.RuneError
    return "'" + _escape_rune(r, "'", ascii_only) + "'"


def quote_byte(c: int) -> str:
    """What `%q` prints for a byte (pflag's unknown-shorthand error): a Go rune literal."""
    return quote_rune(c)


def _num_error(func: str, num: str, err: str) -> GoError:
    return GoError(f"strconv.{func}: parsing {quote(num)}: {err}")


def parse_bool(s: str) -> bool:
    """strconv.ParseBool."""
    if s in ("1", "t", "T", "TRUE", "true", "True"):
        return True
    if s in ("0", "f", "F", "FALSE", "false", "False"):
        return False
    raise _num_error("ParseBool", s, "invalid syntax")


def _underscore_ok(s: str) -> bool:
    saw = "^"
    i = 0
    if s[:1] in ("-", "+"):
        s = s[1:]
    hexa = False
    if len(s) >= 2 and s[0] == "0" and s[1].lower() in "box":
        i = 2
        saw = "0"
        hexa = s[1].lower() == "x"
    while i < len(s):
        c = s[i]
        if "0" <= c <= "9" or hexa and "a" <= c.lower() <= "f":
            saw = "0"
        elif c == "_":
            if saw != "0":
                return False
            saw = "_"
        else:
            if saw == "_":
                return False
            saw = "!"
        i += 1
    return saw != "_"


class _Range(Exception):
    pass


def _parse_uint(s: str, bits: int, func: str, orig: str) -> int:
    """strconv.ParseUint(s, 0, bits); raises GoError (syntax) or _Range."""
    if s == "":
        raise _num_error(func, orig, "invalid syntax")
    base, digits = 10, s
    if s[0] == "0":
        if len(s) >= 3 and s[1].lower() in "box":
            base = {"b": 2, "o": 8, "x": 16}[s[1].lower()]
            digits = s[2:]
        else:
            base, digits = 8, s[1:]
    max_val = (1 << bits) - 1
    n = 0
    underscores = False
    for c in digits:
        if c == "_":
            underscores = True
            continue
        if "0" <= c <= "9":
            d = ord(c) - 48
        elif "a" <= c.lower() <= "z" and c.isascii():
            d = ord(c.lower()) - 87
        else:
            raise _num_error(func, orig, "invalid syntax")
        if d >= base:
            raise _num_error(func, orig, "invalid syntax")
        n = n * base + d
        if n > max_val:
            raise _Range
    if underscores and not _underscore_ok(s):
        raise _num_error(func, orig, "invalid syntax")
    return n


def parse_uint(s: str, bits: int = 64) -> int:
    """strconv.ParseUint(s, 0, bits), as pflag's uint flags use it."""
    try:
        return _parse_uint(s, bits, "ParseUint", s)
    except _Range:
        raise _num_error("ParseUint", s, "value out of range") from None


def parse_int(s: str, bits: int = 64) -> int:
    """strconv.ParseInt(s, 0, bits), as pflag's int flags use it."""
    if s == "":
        raise _num_error("ParseInt", s, "invalid syntax")
    body, neg = s, False
    if s[0] in "+-":
        body, neg = s[1:], s[0] == "-"
    try:
        un = _parse_uint(body, 64, "ParseInt", s)
    except _Range:
        un = 1 << 64
    cutoff = 1 << (bits - 1)
    if (not neg and un >= cutoff) or (neg and un > cutoff):
        raise _num_error("ParseInt", s, "value out of range")
    return -un if neg else un


_DEC_FLOAT = re.compile(r"[+-]?(?:\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(?:[eE][+-]?\d[\d_]*)?")
_HEX_FLOAT = re.compile(r"[+-]?0[xX](?:[\da-fA-F_]+\.?[\da-fA-F_]*|\.[\da-fA-F_]+)[pP][+-]?\d[\d_]*")
_SPECIAL_FLOAT = re.compile(r"[+-]?(?:inf|infinity|nan)", re.IGNORECASE)


def parse_float(s: str) -> float:
    """strconv.ParseFloat(s, 64), close enough for flag validation."""
    if _SPECIAL_FLOAT.fullmatch(s):
        return float(s.lower().replace("infinity", "inf"))
    if (_DEC_FLOAT.fullmatch(s) or _HEX_FLOAT.fullmatch(s)) and ("_" not in s or _underscore_ok(s)):
        clean = s.replace("_", "")
        try:
            if "x" in clean.lower():
                return float.fromhex(clean)
            return float(clean)
        except (ValueError, OverflowError):
            pass
    raise _num_error("ParseFloat", s, "invalid syntax")


def _time_quote(s: str) -> str:
    """The time package's own quote(): non-ASCII and control bytes as \\x escapes."""
    out = ['"']
    for ch in s:
        if ord(ch) >= 0x80 or ch < " ":
            out.extend(f"\\x{b:02x}" for b in _utf8(ch))
        else:
            out.append("\\" + ch if ch in '"\\' else ch)
    out.append('"')
    return "".join(out)


_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000,
          "s": 1_000_000_000, "m": 60_000_000_000, "h": 3_600_000_000_000}


def parse_duration(orig: str) -> int:
    """time.ParseDuration; returns nanoseconds."""
    invalid = GoError("time: invalid duration " + _time_quote(orig))
    s, neg = orig, False
    if s and s[0] in "+-":
        neg, s = s[0] == "-", s[1:]
    if s == "0":
        return 0
    if s == "":
        raise invalid
    total = 0
    while s:
        if not (s[0] == "." or "0" <= s[0] <= "9"):
            raise invalid
        i = 0
        v = 0
        while i < len(s) and "0" <= s[i] <= "9":
            if v > (1 << 63) // 10:
                raise invalid
            v = v * 10 + ord(s[i]) - 48
            if v > 1 << 63:
                raise invalid
            i += 1
        pre = i > 0
        s = s[i:]
        frac, scale, post = 0, 1.0, False
        if s and s[0] == ".":
            s = s[1:]
            i = 0
            overflow = False
            while i < len(s) and "0" <= s[i] <= "9":
                if not overflow:
                    if frac > ((1 << 63) - 1) // 10:
                        overflow = True
                    else:
                        frac = frac * 10 + ord(s[i]) - 48
                        scale *= 10
                i += 1
            post = i > 0
            s = s[i:]
        if not pre and not post:
            raise invalid
        i = 0
        while i < len(s) and not (s[i] == "." or "0" <= s[i] <= "9"):
            i += 1
        if i == 0:
            raise GoError("time: missing unit in duration " + _time_quote(orig))
        unit_name, s = s[:i], s[i:]
        unit = _UNITS.get(unit_name)
        if unit is None:
            raise GoError(f"time: unknown unit {_time_quote(unit_name)} in duration "
                          + _time_quote(orig))
        if v > (1 << 63) // unit:
            raise invalid
        v *= unit
        if frac > 0:
            v += int(float(frac) * (float(unit) / scale))
            if v > 1 << 63:
                raise invalid
        total += v
        if total > 1 << 63:
            raise invalid
    if not neg and total > (1 << 63) - 1:
        raise invalid
    return -total if neg else total
