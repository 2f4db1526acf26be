"""The builtin functions (Go's text/template/funcs.go) and Docker's own (docker/cli templates)."""

from __future__ import annotations

import unicodedata
import urllib.parse
from typing import Any

from ...cli.gostrconv import is_print
from .. import gojson
from ..gofmt import (
    NO_VALUE,
    CallError,
    GoFunc,
    GoInt,
    GoMap,
    GoNilPtr,
    GoSlice,
    GoStruct,
    from_bytes,
    indirect,
    is_true,
    kind,
    sprint,
    sprint_value,
    sprintf,
    sprintln,
    type_name,
    utf8_bytes,
)
from .errors import MAX_STRING, TemplateError


def _indirect_interface(v: Any) -> Any:
    return NO_VALUE if v is None else v


def _truth(v: Any) -> bool:
    return is_true(_indirect_interface(v))[0]


def _check_len(s: str) -> str:
    if len(s) > MAX_STRING:
        raise TemplateError(f"template produced a string longer than {MAX_STRING} bytes")
    return s


def _index_arg(index: Any, cap: int) -> int:
    k = kind(index)
    if k in ("int", "uint"):
        x = int(index)
    elif k == "invalid":
        raise CallError("cannot index slice/array with nil")
    else:
        raise CallError(f"cannot index slice/array with type {type_name(index)}")
    if x < 0 or x > cap:
        raise CallError(f"index out of range: {x}")
    return x


def _prepare_key(index: Any, m: dict) -> Any:
    key_type = getattr(m, "key_type", "string")
    if index is NO_VALUE:
        raise CallError(f"value is nil; should be of type {key_type}")
    if type_name(index) != key_type:
        raise CallError(f"value has type {type_name(index)}; should be {key_type}")
    return index


def _map_zero(m: dict) -> Any:
    if isinstance(m, GoMap):
        return m.elem_zero
    return None


def _fn_index(item: Any, *indexes: Any) -> Any:
    item = _indirect_interface(item)
    if item is NO_VALUE:
        raise CallError("index of untyped nil")
    for index in indexes:
        index = _indirect_interface(index)
        item, is_nil = indirect(item)
        if is_nil:
            raise CallError("index of nil pointer")
        k = kind(item)
        if k == "string":
            b = utf8_bytes(item)
            x = _index_arg(index, len(b))
            if x == len(b):
                raise CallError("reflect: string index out of range")
            item = GoInt(b[x], "uint8")
        elif k == "slice":
            x = _index_arg(index, len(item))
            if x == len(item):
                raise CallError("reflect: slice index out of range")
            item = item[x]
        elif k == "map":
            key = _prepare_key(index, item)
            item = item[key] if key in item else _map_zero(item)
        else:
            raise CallError(f"can't index item of type {type_name(item)}")
    return item


def _fn_slice(item: Any, *indexes: Any) -> Any:
    item = _indirect_interface(item)
    if item is NO_VALUE:
        raise CallError("slice of untyped nil")
    if len(indexes) > 3:
        raise CallError(f"too many slice indexes: {len(indexes)}")
    k = kind(item)
    if k == "string":
        if len(indexes) == 3:
            raise CallError("cannot 3-index slice a string")
        seq: Any = utf8_bytes(item)
    elif k == "slice":
        seq = item
    else:
        raise CallError(f"can't slice item of type {type_name(item)}")
    cap = len(seq)
    idx = [0, len(seq), 0]
    for i, index in enumerate(indexes):
        idx[i] = _index_arg(_indirect_interface(index), cap)
    if idx[0] > idx[1]:
        raise CallError(f"invalid slice index: {idx[0]} > {idx[1]}")
    if len(indexes) == 3 and idx[1] > idx[2]:
        raise CallError(f"invalid slice index: {idx[1]} > {idx[2]}")
    part = seq[idx[0]:idx[1]]
    if k == "string":
        return from_bytes(part)
    return GoSlice(part, gotype=type_name(item)) if isinstance(item, GoSlice) else list(part)


def _fn_len(item: Any) -> int:
    item, is_nil = indirect(item)
    if is_nil:
        raise CallError("len of nil pointer")
    k = kind(item)
    if k == "string":
        return len(utf8_bytes(item))
    if k in ("slice", "map"):
        return len(item)
    raise CallError(f"len of type {type_name(item)}")


def _basic_kind(v: Any) -> str:
    k = kind(v)
    if k in ("bool", "int", "uint", "float", "complex", "string"):
        return k
    return "invalid"


def _is_nil(v: Any) -> bool:
    if v is NO_VALUE or v is None or isinstance(v, GoNilPtr):
        return True
    return bool(getattr(v, "nil", False))


def _fn_eq(arg1: Any, *arg2: Any) -> bool:
    arg1 = _indirect_interface(arg1)
    if not arg2:
        raise CallError("missing argument for comparison")
    k1 = _basic_kind(arg1)
    for arg in arg2:
        arg = _indirect_interface(arg)
        k2 = _basic_kind(arg)
        truth = False
        if k1 != k2:
            if k1 == "int" and k2 == "uint":
                truth = arg1 >= 0 and arg1 == arg
            elif k1 == "uint" and k2 == "int":
                truth = arg >= 0 and arg1 == arg
            elif arg1 is not NO_VALUE and arg is not NO_VALUE:
                raise CallError("incompatible types for comparison")
        elif k1 == "invalid":
            if _is_nil(arg1) or _is_nil(arg):
                truth = _is_nil(arg) == _is_nil(arg1)
            elif kind(arg1) != kind(arg):
                raise CallError(f"non-comparable types {sprint_value(arg1)}: "
                                f"{type_name(arg1)}, {type_name(arg)}: {sprint_value(arg)}")
            elif kind(arg) in ("map", "slice"):
                raise CallError(f"non-comparable type {sprint_value(arg)}: {type_name(arg)}")
            else:
                truth = type_name(arg1) == type_name(arg) and _struct_eq(arg1, arg)
        else:
            truth = arg1 == arg and (k1 != "string" or str(arg1) == str(arg))
        if truth:
            return True
    return False


def _struct_eq(a: Any, b: Any) -> bool:
    if isinstance(a, GoStruct) and isinstance(b, GoStruct):
        if a.pointer or b.pointer:
            return a is b or (a.fields is b.fields)
        return a.fields == b.fields
    return bool(a == b)


def _fn_ne(a: Any, b: Any) -> bool:
    return not _fn_eq(a, b)


def _fn_lt(a: Any, b: Any) -> bool:
    a = _indirect_interface(a)
    b = _indirect_interface(b)
    k1, k2 = _basic_kind(a), _basic_kind(b)
    if k1 in ("invalid", "bool", "complex") or k2 in ("invalid", "bool", "complex"):
        raise CallError("invalid type for comparison")
    if k1 != k2:
        if k1 == "int" and k2 == "uint":
            return a < 0 or a < b
        if k1 == "uint" and k2 == "int":
            return b >= 0 and a < b
        raise CallError("incompatible types for comparison")
    if k1 == "string":
        return utf8_bytes(a) < utf8_bytes(b)
    return bool(a < b)


def _fn_le(a: Any, b: Any) -> bool:
    return _fn_lt(a, b) or _fn_eq(a, b)


def _fn_gt(a: Any, b: Any) -> bool:
    return not _fn_le(a, b)


def _fn_ge(a: Any, b: Any) -> bool:
    return not _fn_lt(a, b)


def _fn_not(a: Any) -> bool:
    return not _truth(a)


def _eval_args(args: tuple) -> str:
    if len(args) == 1 and isinstance(args[0], str):
        return args[0]
    return sprint(*args)


def _fn_html(*args: Any) -> str:
    s = _eval_args(args)
    return (s.replace("&", "&amp;").replace("'", "&#39;").replace("<", "&lt;")
            .replace(">", "&gt;").replace('"', "&#34;").replace("\0", "\ufffd"))


def _fn_js(*args: Any) -> str:
    s = _eval_args(args)
    out = []
    for ch in s:
        if ch == "\\":
            out.append("\\\\")
        elif ch == "'":
            out.append("\\'")
        elif ch == '"':
            out.append('\\"')
        elif ch == "`":
            out.append("\\u0060")
        elif ch in "<>&=" or ord(ch) < 0x20 or not is_print(ch):
            out.append(f"\\u{ord(ch):04X}")
        else:
            out.append(ch)
    return "".join(out)


def _fn_urlquery(*args: Any) -> str:
    return urllib.parse.quote_plus(utf8_bytes(_eval_args(args)), safe="-_.~")


def _fn_call(name: str, fn: Any, *args: Any) -> Any:
    fn = _indirect_interface(fn)
    if fn is NO_VALUE:
        raise CallError("call of nil")
    raise CallError(f"non-function {name} of type {type_name(fn)}")


def _fn_print(*args: Any) -> str:
    return _check_len(sprint(*args))


def _fn_printf(fmt: str, *args: Any) -> str:
    return _check_len(sprintf(fmt, *args))


def _fn_println(*args: Any) -> str:
    return _check_len(sprintln(*args))


def _fn_and(*args: Any) -> Any:  # pragma: no cover - special-cased in eval_call
    raise AssertionError


# Docker's functions (docker/cli templates/templates.go)


def _fn_json(v: Any) -> str:
    try:
        return _check_len(gojson.dumps(v, escape_html=False, sort_keys=True).strip())
    except gojson.JsonError:
        return ""


def _fn_split(s: str, sep: str) -> GoSlice:
    if sep == "":
        parts = list(s)
    else:
        parts = s.split(sep)
    return GoSlice(parts, gotype="[]string")


def _fn_join(elems: list, sep: str) -> str:
    return _check_len(sep.join(elems))


def _simple_upper(ch: str) -> str:
    u = ch.upper()
    return u if len(u) == 1 else ch


def _simple_lower(ch: str) -> str:
    if ch == "\u0130":
        return "i"
    lo = ch.lower()
    return lo if len(lo) == 1 else ch


def _simple_title(ch: str) -> str:
    t = ch.title()
    return t if len(t) == 1 else _simple_upper(ch)


def _fn_lower(s: str) -> str:
    return "".join(_simple_lower(c) for c in s)


def _fn_upper(s: str) -> str:
    return "".join(_simple_upper(c) for c in s)


def _is_separator(ch: str) -> bool:
    if ord(ch) <= 0x7F:
        return not (ch.isalnum() or ch == "_")
    if ch.isalpha() or unicodedata.category(ch)[0] == "N":
        return False
    return ch.isspace()


def _fn_title(s: str) -> str:
    out = []
    prev = " "
    for ch in s:
        out.append(_simple_title(ch) if _is_separator(prev) else ch)
        prev = ch
    return "".join(out)


def _fn_pad(source: str, prefix: int, suffix: int) -> str:
    if source == "":
        return source
    if prefix < 0 or suffix < 0:
        raise CallError("strings: negative Repeat count")
    return _check_len(" " * min(prefix, MAX_STRING + 1) + source + " " * min(suffix,
                                                                           MAX_STRING + 1))


def _fn_truncate(source: str, length: int) -> str:
    b = utf8_bytes(source)
    if len(b) < length:
        return source
    if length < 0:
        raise CallError(f"runtime error: slice bounds out of range [:{length}]")
    return from_bytes(b[:length])


_BUILTINS: dict[str, GoFunc] = {
    "and": GoFunc(_fn_and, ("value", "value"), variadic=True),
    "or": GoFunc(_fn_and, ("value", "value"), variadic=True),
    "call": GoFunc(_fn_call, ("value", "value"), variadic=True),
    "html": GoFunc(_fn_html, ("any",), variadic=True),
    "index": GoFunc(_fn_index, ("value", "value"), variadic=True),
    "slice": GoFunc(_fn_slice, ("value", "value"), variadic=True),
    "js": GoFunc(_fn_js, ("any",), variadic=True),
    "len": GoFunc(_fn_len, ("value",)),
    "not": GoFunc(_fn_not, ("value",)),
    "print": GoFunc(_fn_print, ("any",), variadic=True),
    "printf": GoFunc(_fn_printf, ("string", "any"), variadic=True),
    "println": GoFunc(_fn_println, ("any",), variadic=True),
    "urlquery": GoFunc(_fn_urlquery, ("any",), variadic=True),
    "eq": GoFunc(_fn_eq, ("value", "value"), variadic=True),
    "ge": GoFunc(_fn_ge, ("value", "value")),
    "gt": GoFunc(_fn_gt, ("value", "value")),
    "le": GoFunc(_fn_le, ("value", "value")),
    "lt": GoFunc(_fn_lt, ("value", "value")),
    "ne": GoFunc(_fn_ne, ("value", "value")),
}
_BUILTIN_NAMES = frozenset(_BUILTINS)

DOCKER_FUNCS: dict[str, GoFunc] = {
    "json": GoFunc(_fn_json, ("any",)),
    "split": GoFunc(_fn_split, ("string", "string")),
    "join": GoFunc(_fn_join, ("[]string", "string")),
    "title": GoFunc(_fn_title, ("string",)),
    "lower": GoFunc(_fn_lower, ("string",)),
    "upper": GoFunc(_fn_upper, ("string",)),
    "pad": GoFunc(_fn_pad, ("string", "int", "int")),
    "truncate": GoFunc(_fn_truncate, ("string", "int")),
}

# docker/cli HeaderFunctions: table headers must stay intact, so these return their input.
HEADER_FUNCS: dict[str, GoFunc] = {
    "json": GoFunc(lambda v: v, ("string",)),
    "split": GoFunc(lambda v, _s: v, ("string", "string")),
    "join": GoFunc(lambda v, _s: v, ("string", "string")),
    "title": GoFunc(lambda v: v, ("string",)),
    "lower": GoFunc(lambda v: v, ("string",)),
    "upper": GoFunc(lambda v: v, ("string",)),
    "truncate": GoFunc(lambda v, _n: v, ("string", "int")),
}
