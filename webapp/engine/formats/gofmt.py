"""Go values as the template engine sees them, and Go ``fmt`` printing of those values.

Docker's ``--format`` output is Go's ``fmt.Sprint`` of whatever a template produces, so the text
depends on Go *types*: a map prints ``map[a:1 b:2]`` with sorted keys, a struct ``{v1 v2}`` in
field order, a nil pointer ``<nil>``, an int under ``%s`` ``%!s(int=5)``. Plain Python values
map onto the obvious Go types (``str`` -> string, ``int`` -> int, ``dict`` ->
``map[string]interface {}``, ``list`` -> ``[]interface {}``, ``None`` -> a nil interface); the
classes below carry a Go type when that matters (a typed map, a struct, a nil pointer).
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Self

from ..cli.gostrconv import is_print, quote_rune
from ..cli.gostrconv import quote as go_quote


class _Invalid:
    """Go's zero ``reflect.Value``: a missing map key, the result of a nil interface."""

    _instance: Self | None = None

    def __new__(cls) -> Self:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "NO_VALUE"

    def __bool__(self) -> bool:
        return False


NO_VALUE = _Invalid()


class GoInt(int):
    """An integer whose Go type is not plain ``int`` (``int64``, ``uint16``, ``uint8`` ...)."""

    gotype: str

    def __new__(cls, value: int, gotype: str = "int64") -> Self:
        obj = int.__new__(cls, value)
        obj.gotype = gotype
        return obj


class JsonNumber(str):
    """``json.Number``: a number kept as its JSON text (a *string* kind in Go)."""

    gotype = "json.Number"


class GoMap(dict):
    """A Go map with a declared type; ``nil`` maps print ``map[]`` but marshal to ``null``."""

    def __init__(self, data: Any = (), gotype: str = "map[string]string", nil: bool = False,
                 elem_zero: Any = "", key_type: str = "string", underlying: str | None = None,
                 methods: dict[str, Any] | None = None) -> None:
        super().__init__(data)
        self.gotype = gotype
        self.nil = nil and not self
        self.elem_zero = elem_zero
        self.key_type = key_type
        self.underlying = underlying or gotype
        self.methods = methods or {}


class GoSlice(list):
    """A Go slice with a declared type; ``nil`` slices print ``[]`` but marshal to ``null``."""

    def __init__(self, data: Iterable[Any] = (), gotype: str = "[]string", nil: bool = False,
                 underlying: str | None = None) -> None:
        super().__init__(data)
        self.gotype = gotype
        self.nil = nil and not self
        self.underlying = underlying or gotype


class GoNilPtr:
    """A typed nil pointer, e.g. ``State.Health`` when no healthcheck is configured.

    ``field_names`` are the fields of the pointed-to struct (Go then says "nil pointer
    evaluating" instead of "can't evaluate field"); ``stringer`` marks types with a ``String``
    method, which fmt reports as ``<nil>`` for a nil receiver.
    """

    def __init__(self, gotype: str, field_names: Iterable[str] = (), stringer: bool = False) -> None:
        self.gotype = gotype
        self.field_names = frozenset(field_names)
        self.stringer = stringer

    def __repr__(self) -> str:
        return f"GoNilPtr({self.gotype!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, GoNilPtr) and other.gotype == self.gotype

    def __hash__(self) -> int:
        return hash(self.gotype)


class GoPtr:
    """A non-nil pointer to a non-struct value (``*int64``, ``*bool``): printed as an address
    inside composite values, as the value itself at the top of a template action."""

    def __init__(self, value: Any, gotype: str) -> None:
        self.value = value
        self.gotype = gotype

    def go_json(self) -> Any:
        return self.value


class GoDuration(GoInt):
    """``time.Duration``: nanoseconds that print as ``1m30s``."""

    def __new__(cls, value: int, gotype: str = "time.Duration") -> Self:
        return super().__new__(cls, value, gotype)

    def stringer(self) -> str:
        return go_duration(int(self))


def go_duration(ns: int) -> str:
    """time.Duration.String()."""
    if ns == 0:
        return "0s"
    sign = "-" if ns < 0 else ""
    u = abs(ns)

    def frac(whole: int, rest: int, digits: int) -> str:
        r = f"{rest:0{digits}d}".rstrip("0")
        return str(whole) + ("." + r if r else "")

    if u < 1_000_000_000:
        if u < 1_000:
            return f"{sign}{u}ns"
        if u < 1_000_000:
            return sign + frac(u // 1_000, u % 1_000, 3) + "µs"
        return sign + frac(u // 1_000_000, u % 1_000_000, 6) + "ms"
    secs, rest = divmod(u, 1_000_000_000)
    hours, secs = divmod(secs, 3600)
    minutes, secs = divmod(secs, 60)
    out = frac(secs, rest, 9) + "s"
    if hours or minutes:
        out = f"{minutes}m" + out
    if hours:
        out = f"{hours}h" + out
    return sign + out


@dataclass
class GoFunc:
    """A callable as the template engine sees it: parameter types decide argument checking.

    Types are Go spellings ("string", "int", "bool", "[]string") or "any" (``interface{}``) or
    "value" (``reflect.Value``: anything, unchecked). With ``variadic`` the last entry is the
    element type of the ``...`` parameter. ``fn`` raises :class:`CallError` for Go's error result.
    """

    fn: Callable[..., Any]
    params: tuple[str, ...]
    variadic: bool = False


class CallError(Exception):
    """The error a Go function returned (or the panic it raised), reported as ``error calling``."""


@dataclass
class JsonField:
    """How a struct field marshals: its JSON key, ``omitempty``, and whether it is embedded."""

    name: str
    key: str
    omitempty: bool = False
    embedded: bool = False


class GoStruct:
    """A Go struct value, or a non-nil pointer to one (``pointer=True``).

    ``fields`` keeps Go field order (that is how ``{{.State}}`` prints); ``json`` gives the
    JSON layout; ``methods`` are callable fields such as ``.Label "key"``; ``stringer``, if set,
    is the type's ``String()`` method, which fmt prefers over the field dump.
    """

    def __init__(self, gotype: str, fields: dict[str, Any], *, pointer: bool = False,
                 json: list[JsonField] | None = None,
                 methods: dict[str, GoFunc] | None = None,
                 stringer: Callable[[], str] | None = None,
                 marshal: Callable[[], Any] | None = None) -> None:
        self.gotype = gotype
        self.fields = fields
        self.pointer = pointer
        self.json = json
        self.methods = methods or {}
        self.stringer = stringer
        self.marshal = marshal

    def deref(self) -> GoStruct:
        """The struct value a pointer points to (the same fields)."""
        if not self.pointer:
            return self
        return GoStruct(self.gotype, self.fields, json=self.json, methods=self.methods,
                        stringer=self.stringer, marshal=self.marshal)

    def addr(self) -> GoStruct:
        """A pointer to this struct value."""
        return GoStruct(self.gotype, self.fields, pointer=True, json=self.json,
                        methods=self.methods, stringer=self.stringer, marshal=self.marshal)

    def embedded_names(self) -> list[str]:
        return [f.name for f in (self.json or []) if f.embedded]

    def lookup(self, name: str) -> tuple[bool, Any]:
        """Field by name, including fields promoted from embedded structs (breadth first).

        Raises :class:`CallError` when the path crosses a nil embedded pointer, as reflect does.
        """
        if name in self.fields:
            return True, self.fields[name]
        for emb in self.embedded_names():
            inner = self.fields.get(emb)
            if isinstance(inner, GoStruct):
                found, value = inner.lookup(name)
                if found:
                    return True, value
            elif isinstance(inner, GoNilPtr) and name in inner.field_names:
                raise CallError(
                    f"reflect: indirection through nil pointer to embedded struct field {emb}")
        return False, None

    def __repr__(self) -> str:
        star = "*" if self.pointer else ""
        return f"GoStruct({star}{self.gotype}, {list(self.fields)})"


# ---------------------------------------------------------------------------------------------
# Types and kinds


def type_name(v: Any) -> str:
    """The Go type of a value, as error messages and ``%T`` spell it."""
    if v is None:
        return "interface {}"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, GoInt):
        return v.gotype
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float64"
    if isinstance(v, complex):
        return "complex128"
    if isinstance(v, str):
        return getattr(v, "gotype", "string")
    if isinstance(v, (GoMap, GoSlice, GoNilPtr, GoPtr)):
        return v.gotype
    if isinstance(v, dict):
        return "map[string]interface {}"
    if isinstance(v, (list, tuple)):
        return "[]interface {}"
    if isinstance(v, GoStruct):
        return ("*" if v.pointer else "") + v.gotype
    if v is NO_VALUE:
        return "<invalid reflect.Value>"
    return getattr(v, "gotype", type(v).__name__)


def assignable(v: Any, typ: str) -> bool:
    """Go assignability of a value to a parameter type: identical types, or a named type to an
    unnamed type literal with the same underlying type (``strslice.StrSlice`` to ``[]string``)."""
    name = type_name(v)
    if name == typ:
        return True
    if typ.startswith(("[]", "map[", "*")):
        return getattr(v, "underlying", None) == typ
    return False


def kind(v: Any) -> str:
    """Go reflect kind: invalid, interface (nil), bool, int, uint, float, complex, string, map,
    slice, struct, ptr."""
    if v is NO_VALUE:
        return "invalid"
    if v is None:
        return "interface"
    if isinstance(v, bool):
        return "bool"
    if isinstance(v, GoInt) and (v.gotype.startswith("uint") or v.gotype == "byte"):
        return "uint"
    if isinstance(v, int):
        return "int"
    if isinstance(v, float):
        return "float"
    if isinstance(v, complex):
        return "complex"
    if isinstance(v, str):
        return "string"
    if isinstance(v, dict):
        return "map"
    if isinstance(v, (list, tuple)):
        return "slice"
    if isinstance(v, GoStruct):
        return "ptr" if v.pointer else "struct"
    if isinstance(v, (GoNilPtr, GoPtr)):
        return "ptr"
    return "struct"


def indirect(v: Any) -> tuple[Any, bool]:
    """Follow pointers; report True if a nil pointer (or nil interface) stops the walk."""
    if isinstance(v, GoStruct) and v.pointer:
        return v.deref(), False
    if isinstance(v, GoPtr):
        return v.value, False
    if isinstance(v, GoNilPtr) or v is None:
        return v, True
    return v, False


def is_true(v: Any) -> tuple[bool, bool]:
    """text/template truth: (truth, ok). Empty strings/maps/slices, zero and nil are false."""
    if v is NO_VALUE or v is None:
        return False, True
    k = kind(v)
    if k in ("map", "slice", "string"):
        return len(v) > 0, True
    if k == "bool":
        return bool(v), True
    if k in ("int", "uint", "float", "complex"):
        return v != 0, True
    if k == "ptr":
        return not isinstance(v, GoNilPtr), True
    if k == "struct":
        return True, True
    return False, False


# ---------------------------------------------------------------------------------------------
# Go string quoting


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def quote(s: str, ascii_only: bool = False) -> str:
    """strconv.Quote (or QuoteToASCII) of a value as the Engine API's JSON carries it.

    Go's JSON replaces what is not UTF-8 with U+FFFD, so a lone surrogate here quotes as that
    character; the rest is gostrconv's, the one strconv.Quote.
    """
    return go_quote(_LONE_SURROGATE.sub("\ufffd", s), ascii_only)


def utf8_bytes(s: str) -> bytes:
    """Go strings are bytes; lone surrogates (undecodable input) become U+FFFD."""
    return s.encode("utf-8", "replace")


def from_bytes(b: bytes) -> str:
    """Turn Go bytes back into text; bytes cut mid-character show as U+FFFD, as a terminal would."""
    return b.decode("utf-8", "replace")


# ---------------------------------------------------------------------------------------------
# Number formatting


def _shortest_digits(f: float) -> tuple[str, int]:
    """Shortest round-trip decimal digits of |f| and the decimal point position (0.ddd x 10^dp)."""
    if f == 0:
        return "0", 1
    _, digits, exp = Decimal(repr(abs(f))).normalize().as_tuple()
    ds = "".join(map(str, digits))
    return ds, len(ds) + int(exp)


def _fmt_e(neg: bool, digits: str, dp: int, prec: int, e: str) -> str:
    """%e layout for the given digits: d.ddde±XX (at least two exponent digits)."""
    exp = dp - 1 if digits != "0" else 0
    mant = digits[0]
    frac = digits[1:]
    if prec >= 0:
        frac = (frac + "0" * prec)[:prec]
    s = mant + ("." + frac if frac else "")
    sign = "+" if exp >= 0 else "-"
    return ("-" if neg else "") + s + e + sign + f"{abs(exp):02d}"


def _fmt_f(neg: bool, digits: str, dp: int, prec: int) -> str:
    """%f layout for the given digits with ``prec`` decimals (digits already rounded)."""
    if dp > 0:
        ip = (digits[:dp] + "0" * max(0, dp - len(digits))) or "0"
        fp = digits[dp:]
    else:
        ip = "0"
        fp = "0" * (-dp) + digits
    fp = (fp + "0" * prec)[:prec]
    return ("-" if neg else "") + ip + ("." + fp if prec > 0 else "")


def format_float(f: float, verb: str = "v", prec: int | None = None) -> str:
    """strconv.FormatFloat as fmt uses it for %v %g %G %e %E %f %F (no padding/sign flags)."""
    if math.isnan(f):
        return "NaN"
    if math.isinf(f):
        return "+Inf" if f > 0 else "-Inf"
    neg = math.copysign(1.0, f) < 0
    upper = verb in "GEF"
    v = verb.lower()
    if v == "v":
        v = "g"
    if v == "g" and prec is None:
        digits, dp = _shortest_digits(f)
        exp = dp - 1
        if digits != "0" and (exp < -4 or exp >= 6):
            s = _fmt_e(neg, digits, dp, len(digits) - 1, "E" if upper else "e")
        else:
            s = _fmt_f(neg, digits, dp, max(len(digits) - dp, 0))
        return s
    if v == "g":
        p = prec if prec != 0 else 1
        s = f"{abs(f):.{p}g}"
        s = s.replace("e", "E") if upper else s
        return ("-" if neg else "") + s
    if v == "e":
        p = 6 if prec is None else prec
        s = f"{abs(f):.{p}e}"
        return ("-" if neg else "") + (s.replace("e", "E") if upper else s)
    p = 6 if prec is None else prec
    return ("-" if neg else "") + f"{abs(f):.{p}f}"


def hex_float(f: float, verb: str = "x", prec: int | None = None) -> str:
    """strconv's 'x' format: ``0x1.cp+01`` (shortest mantissa unless a precision is given)."""
    if math.isnan(f) or math.isinf(f):
        return format_float(f)
    neg = math.copysign(1.0, f) < 0
    if f == 0:
        mant, exp = "0", 0
    else:
        h = float.hex(abs(f))  # 0x1.<13 hex digits>p<exp>
        body, _, e = h[2:].partition("p")
        mant, exp = body, int(e)
        if mant.startswith("0."):  # subnormal: normalise like Go does
            m, e2 = math.frexp(abs(f))
            h = float.hex(m * 2)
            body, _, e = h[2:].partition("p")
            mant, exp = body, int(e) + e2 - 1
    whole, _, frac = mant.partition(".")
    if prec is not None:
        bits = int(whole + frac.ljust(13, "0"), 16)
        shift = (13 - prec) * 4
        if prec < 13:
            bits = (bits + (1 << (shift - 1))) >> shift
            if bits >= 1 << (4 * prec + 1):
                bits >>= 1
                exp += 1
            digits = format(bits, "x")
            whole, frac = digits[0], digits[1:].rjust(prec, "0") if prec else ""
        else:
            frac = frac.ljust(prec, "0")
    else:
        frac = frac.rstrip("0")
    s = "0x" + whole + ("." + frac if frac else "") + "p" + ("+" if exp >= 0 else "-")
    s += f"{abs(exp):02d}"
    if verb == "X":
        s = s.upper()
    return ("-" if neg else "") + s


def json_float(f: float) -> str:
    """encoding/json float64 text: shortest digits, exponent only below 1e-6 or from 1e21."""
    a = abs(f)
    digits, dp = _shortest_digits(f)
    neg = f < 0 or (f == 0 and math.copysign(1.0, f) < 0)
    if a != 0 and (a < 1e-6 or a >= 1e21):
        s = _fmt_e(neg, digits, dp, len(digits) - 1, "e")
        if len(s) >= 4 and s[-4] == "e" and s[-3] == "-" and s[-2] == "0":
            s = s[:-2] + s[-1]
        return s
    return _fmt_f(neg, digits, dp, max(len(digits) - dp, 0))


def _fake_address(v: Any) -> str:
    """Go prints nested pointers as addresses; we print a stable made-up one per type."""
    return "0xc%09x" % ((zlib.crc32(type_name(v).encode()) & 0xFFFFFF) << 4)


# ---------------------------------------------------------------------------------------------
# fmt


@dataclass
class _Flags:
    plus: bool = False
    minus: bool = False
    sharp: bool = False
    space: bool = False
    zero: bool = False
    width: int | None = None
    prec: int | None = None
    plus_v: bool = False
    sharp_v: bool = False


MAX_FORMAT_WIDTH = 1 << 20


class _Printer:
    """One ``fmt`` call's state, modelled on Go's ``pp``."""

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.f = _Flags()
        self.erroring = False

    # -- padding helpers
    def pad(self, s: str) -> None:
        w = self.f.width
        if w is None or len(s) >= w:
            self.buf.append(s)
            return
        fill = w - len(s)
        if self.f.minus:
            self.buf.append(s + " " * fill)
        elif self.f.zero:
            self.buf.append("0" * fill + s)
        else:
            self.buf.append(" " * fill + s)

    def pad_number(self, sign: str, body: str) -> None:
        """Numbers pad zeros between the sign and the digits."""
        w = self.f.width
        if w is not None and self.f.zero and not self.f.minus and len(sign) + len(body) < w:
            self.buf.append(sign + "0" * (w - len(sign) - len(body)) + body)
            return
        self.pad(sign + body)

    # -- entry points
    def print_arg(self, arg: Any, verb: str) -> None:
        if arg is None or arg is NO_VALUE:
            if verb in "Tv":
                self.pad("<nil>")
            else:
                self.bad_verb(verb, arg)
            return
        if verb == "T":
            self.pad(type_name(arg))
            return
        if verb == "p":
            self.fmt_pointer(arg, verb)
            return
        self.print_value(arg, verb, 0)

    def handle_methods(self, v: Any, verb: str) -> bool:
        if self.erroring or self.f.sharp_v:
            return False
        if verb not in "vsxXq":
            return False
        if isinstance(v, GoNilPtr):
            if v.stringer:
                self.pad("<nil>")
                return True
            return False
        stringer = getattr(v, "stringer", None)
        if callable(stringer):
            self.fmt_string(stringer(), verb)
            return True
        return False

    def bad_verb(self, verb: str, v: Any) -> None:
        self.erroring = True
        self.buf.append("%!" + verb + "(")
        if v is None or v is NO_VALUE:
            self.buf.append("<nil>")
        else:
            self.buf.append(type_name(v) + "=")
            saved = self.f
            self.f = _Flags()
            self.print_arg(v, "v")
            self.f = saved
        self.buf.append(")")
        self.erroring = False

    def print_value(self, v: Any, verb: str, depth: int) -> None:
        if self.handle_methods(v, verb):
            return
        if v is NO_VALUE:
            if depth == 0:
                self.pad("<invalid reflect.Value>")
            elif verb == "v":
                self.pad("<nil>")
            else:
                self.bad_verb(verb, v)
            return
        if v is None:  # nil interface inside a container
            self.pad("<nil>")
            return
        if isinstance(v, bool):
            if verb in "tv":
                self.pad("true" if v else "false")
            else:
                self.bad_verb(verb, v)
            return
        if isinstance(v, int):
            self.fmt_integer(v, verb, kind(v) == "uint")
            return
        if isinstance(v, float):
            self.fmt_float(v, verb)
            return
        if isinstance(v, complex):
            self.fmt_complex(v, verb)
            return
        if isinstance(v, str):
            self.fmt_string(v, verb)
            return
        if isinstance(v, dict):
            self.fmt_map(v, verb, depth)
            return
        if isinstance(v, (list, tuple)):
            self.buf.append("[")
            for i, e in enumerate(v):
                if i:
                    self.buf.append(" ")
                self.print_value(e, verb, depth + 1)
            self.buf.append("]")
            return
        if isinstance(v, GoStruct):
            if v.pointer:
                if depth == 0:
                    self.buf.append("&")
                    self.print_value(v.deref(), verb, depth + 1)
                else:
                    self.fmt_pointer(v, verb)
                return
            self.buf.append("{")
            for i, (name, fv) in enumerate(v.fields.items()):
                if i:
                    self.buf.append(", " if self.f.sharp_v else " ")
                if self.f.plus_v or self.f.sharp_v:
                    self.buf.append(name + ":")
                self.print_value(fv, verb, depth + 1)
            self.buf.append("}")
            return
        if isinstance(v, (GoNilPtr, GoPtr)):
            self.fmt_pointer(v, verb)
            return
        self.fmt_string(str(v), verb)

    def fmt_map(self, m: dict, verb: str, depth: int) -> None:
        if self.f.sharp_v:
            self.buf.append(type_name(m) + "{")
        else:
            self.buf.append("map[")
        for i, key in enumerate(sorted(m, key=map_sort_key)):
            if i:
                self.buf.append(", " if self.f.sharp_v else " ")
            self.print_value(key, verb, depth + 1)
            self.buf.append(":")
            self.print_value(m[key], verb, depth + 1)
        self.buf.append("}" if self.f.sharp_v else "]")

    def fmt_pointer(self, v: Any, verb: str) -> None:
        nil = isinstance(v, GoNilPtr)
        if verb == "v":
            if nil:
                self.pad("<nil>")
            else:
                self.pad(_fake_address(v))
        elif verb == "p":
            self.pad("0x0" if nil else _fake_address(v))
        else:
            self.bad_verb(verb, v)

    def fmt_integer(self, n: int, verb: str, unsigned: bool) -> None:
        f = self.f
        if verb in "vd":
            if f.sharp_v and unsigned:
                body = f"0x{n:x}"
            else:
                body = str(abs(n))
            base_digits = body
        elif verb == "b":
            base_digits = format(abs(n), "b")
        elif verb in "oO":
            base_digits = format(abs(n), "o")
        elif verb == "x":
            base_digits = format(abs(n), "x")
        elif verb == "X":
            base_digits = format(abs(n), "X")
        elif verb == "c":
            self.pad(chr(n) if 0 <= n <= 0x10FFFF and not 0xD800 <= n <= 0xDFFF else "\ufffd")
            return
        elif verb == "q":
            self.pad(quote_rune(n, f.plus))
            return
        elif verb == "U":
            s = f"U+{n if n >= 0 else n & 0xFFFFFFFFFFFFFFFF:04X}"
            if f.sharp and 0 <= n <= 0x10FFFF and is_print(chr(n)):
                s += " '" + chr(n) + "'"
            self.pad(s)
            return
        else:
            self.bad_verb(verb, n)
            return
        if f.prec is not None:
            base_digits = base_digits.rjust(f.prec, "0")
            if f.prec == 0 and n == 0:
                base_digits = ""
        prefix = ""
        if f.sharp:
            if verb == "x":
                prefix = "0x"
            elif verb == "X":
                prefix = "0X"
            elif verb == "o" and not base_digits.startswith("0"):
                prefix = "0"
            elif verb == "b":
                prefix = "0b"
        if verb == "O":
            prefix = "0o"
        sign = "-" if n < 0 else ("+" if f.plus else (" " if f.space else ""))
        if f.prec is not None:
            saved, self.f.zero = self.f.zero, False
            self.pad_number(sign + prefix, base_digits)
            self.f.zero = saved
        else:
            self.pad_number(sign + prefix, base_digits)

    def fmt_float(self, x: float, verb: str) -> None:
        f = self.f
        if verb not in "vgGeEfFxX":
            self.bad_verb(verb, x)
            return
        s = hex_float(x, verb, f.prec) if verb in "xX" else format_float(x, verb, f.prec)
        if s.startswith("-"):
            sign, body = "-", s[1:]
        elif s.startswith("+"):
            sign, body = ("+" if f.plus else ""), s[1:]
            if body == "Inf" and not f.plus:
                sign = "+"
        else:
            sign, body = ("+" if f.plus else (" " if f.space else "")), s
        if body in ("Inf", "NaN"):
            saved, self.f.zero = self.f.zero, False
            self.pad(sign + body)
            self.f.zero = saved
            return
        self.pad_number(sign, body)

    def fmt_complex(self, c: complex, verb: str) -> None:
        if verb not in "vgGeEfF":
            self.bad_verb(verb, c)
            return
        saved = self.f
        self.buf.append("(")
        self.fmt_float(c.real, verb)
        self.f = _Flags(**{**saved.__dict__, "plus": True})
        self.fmt_float(c.imag, verb)
        self.f = saved
        self.buf.append("i)")

    def fmt_string(self, s: str, verb: str) -> None:
        f = self.f
        if verb == "v" and f.sharp_v:
            self.pad(quote(s))
            return
        if verb in "vs":
            if f.prec is not None:
                s = s[: f.prec]
            self.pad(s)
            return
        if verb in "xX":
            b = utf8_bytes(s)
            if f.prec is not None:
                b = b[: f.prec]
            hexfmt = "%02x" if verb == "x" else "%02X"
            parts = [hexfmt % c for c in b]
            if f.space:
                if f.sharp:
                    parts = [("0x" if verb == "x" else "0X") + p for p in parts]
                self.pad(" ".join(parts))
            else:
                body = "".join(parts)
                if f.sharp and body:
                    body = ("0x" if verb == "x" else "0X") + body
                self.pad(body)
            return
        if verb == "q":
            if f.prec is not None:
                s = s[: f.prec]
            if f.sharp and "`" not in s and all(is_print(c) or c == "\t" for c in s):
                self.pad("`" + s + "`")
            else:
                self.pad(quote(s, f.plus))
            return
        self.bad_verb(verb, s)


def map_sort_key(k: Any) -> tuple:
    """fmtsort order: numbers numerically, strings by bytes, false before true."""
    if isinstance(k, bool):
        return (0, int(k))
    if isinstance(k, (int, float)):
        return (1, k)
    if isinstance(k, str):
        return (2, utf8_bytes(k))
    return (3, str(k))


def sprint_value(v: Any) -> str:
    """``fmt.Sprint(v)`` of a single value."""
    p = _Printer()
    p.print_arg(v, "v")
    return "".join(p.buf)


def sprint(*args: Any) -> str:
    """``fmt.Sprint``: spaces only between operands when neither side is a string."""
    p = _Printer()
    prev_string = False
    for i, a in enumerate(args):
        is_string = isinstance(a, str)
        if i > 0 and not is_string and not prev_string:
            p.buf.append(" ")
        p.print_arg(a, "v")
        prev_string = is_string
    return "".join(p.buf)


def sprintln(*args: Any) -> str:
    """``fmt.Sprintln``: always a space between operands and a trailing newline."""
    p = _Printer()
    for i, a in enumerate(args):
        if i > 0:
            p.buf.append(" ")
        p.print_arg(a, "v")
    p.buf.append("\n")
    return "".join(p.buf)


class FormatTooLarge(Exception):
    """A width or precision beyond what we are willing to allocate."""


def sprintf(fmt: str, *args: Any) -> str:
    """``fmt.Sprintf`` with Go's verbs, flags, widths, ``*`` and ``[n]`` argument indexes,
    and its in-band error notes (``%!d(string=x)``, ``%!v(MISSING)``, ``%!(EXTRA ...)``)."""
    p = _Printer()
    end = len(fmt)
    arg_num = 0
    after_index = False
    reordered = False
    i = 0
    while i < end:
        lasti = i
        while i < end and fmt[i] != "%":
            i += 1
        if i > lasti:
            p.buf.append(fmt[lasti:i])
        if i >= end:
            break
        i += 1  # skip %
        p.f = _Flags()
        # flags
        while i < end:
            c = fmt[i]
            if c == "#":
                p.f.sharp = True
            elif c == "0":
                p.f.zero = not p.f.minus
            elif c == "+":
                p.f.plus = True
            elif c == "-":
                p.f.minus = True
                p.f.zero = False
            elif c == " ":
                p.f.space = True
            else:
                break
            i += 1
        # argument index and width
        arg_num, i, after_index = _arg_number(arg_num, fmt, i, len(args))
        reordered = reordered or after_index
        if i < end and fmt[i] == "*":
            i += 1
            w, ok, arg_num = _int_from_arg(args, arg_num)
            if not ok:
                p.buf.append("%!(BADWIDTH)")
            elif w is not None:
                if w < 0:
                    p.f.minus, p.f.zero, w = True, False, -w
                p.f.width = w
            after_index = False
        else:
            start = i
            while i < end and fmt[i].isdigit() and fmt[i].isascii():
                i += 1
            if i > start:
                if after_index:
                    p.buf.append("%!(BADWIDTH)")
                p.f.width = int(fmt[start:i])
        # precision
        if i + 1 <= end and i < end and fmt[i] == ".":
            i += 1
            if after_index:
                p.buf.append("%!(BADPREC)")
            arg_num, i, after_index = _arg_number(arg_num, fmt, i, len(args))
            reordered = reordered or after_index
            if i < end and fmt[i] == "*":
                i += 1
                pr, ok, arg_num = _int_from_arg(args, arg_num)
                if not ok or (pr is not None and pr < 0):
                    p.f.prec = None
                    p.buf.append("%!(BADPREC)")
                else:
                    p.f.prec = pr
                after_index = False
            else:
                start = i
                while i < end and fmt[i].isdigit() and fmt[i].isascii():
                    i += 1
                p.f.prec = int(fmt[start:i]) if i > start else 0
        if not after_index:
            arg_num, i, after_index = _arg_number(arg_num, fmt, i, len(args))
            reordered = reordered or after_index
        for val in (p.f.width, p.f.prec):
            if val is not None and val > MAX_FORMAT_WIDTH:
                raise FormatTooLarge(f"format width or precision {val} is too large")
        if i >= end:
            p.buf.append("%!(NOVERB)")
            break
        verb = fmt[i]
        i += 1
        if verb == "%":
            p.buf.append("%")
            continue
        if arg_num < 0 or after_index and arg_num >= len(args) and False:
            p.buf.append("%!" + verb + "(BADINDEX)")
            continue
        if arg_num >= len(args):
            p.buf.append("%!" + verb + "(MISSING)")
            continue
        if verb == "w":
            verb = "v"
        if verb == "v":
            if p.f.sharp:
                p.f.sharp, p.f.sharp_v = False, True
            if p.f.plus:
                p.f.plus, p.f.plus_v = False, True
        p.print_arg(args[arg_num], verb)
        arg_num += 1
    if not reordered and arg_num < len(args):
        p.f = _Flags()
        p.buf.append("%!(EXTRA ")
        for j, a in enumerate(args[arg_num:]):
            if j:
                p.buf.append(", ")
            if a is None or a is NO_VALUE:
                p.buf.append("<nil>")
            else:
                p.buf.append(type_name(a) + "=")
                p.print_arg(a, "v")
        p.buf.append(")")
    return "".join(p.buf)


def _arg_number(arg_num: int, fmt: str, i: int, num_args: int) -> tuple[int, int, bool]:
    """Parse an explicit ``[n]`` argument index (1-based) at ``fmt[i]``."""
    if i >= len(fmt) or fmt[i] != "[":
        return arg_num, i, False
    close = fmt.find("]", i + 1)
    if close < 0:
        return arg_num, i, False
    text = fmt[i + 1:close]
    if text.isdigit() and text.isascii():
        n = int(text) - 1
        if 0 <= n <= num_args:
            return n, close + 1, True
    return -1, close + 1, True


def _int_from_arg(args: tuple, arg_num: int) -> tuple[int | None, bool, int]:
    if arg_num >= len(args):
        return None, False, arg_num
    a = args[arg_num]
    if isinstance(a, int) and not isinstance(a, bool):
        if a > MAX_FORMAT_WIDTH or a < -MAX_FORMAT_WIDTH:
            raise FormatTooLarge(f"format width or precision {a} is too large")
        return int(a), True, arg_num + 1
    return None, False, arg_num + 1
