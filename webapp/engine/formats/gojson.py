"""JSON text exactly as Go's ``encoding/json`` writes it.

Differences from Python's ``json`` that show up in Docker output: ``<``, ``>`` and ``&`` are
escaped as ``\\u003c`` etc. by ``json.Marshal`` (but not by the CLI's ``{{json}}`` function nor by
the daemon's responses), U+2028/U+2029 are always escaped, non-ASCII stays as it is, floats use
Go's shortest form, and ``MarshalIndent``/``json.Indent`` lay out ``docker inspect`` output as
``[\\n    {\\n        "Id": ...`` with ``[]``/``{}`` kept compact when empty.

Go types travel with the values (see :mod:`.gofmt`): a :class:`GoStruct` marshals its fields in
declaration order honouring ``omitempty``, a Go map (a :class:`GoMap`, or any dict when
``sort_keys`` is set) marshals with sorted keys, nil slices and maps become ``null``.
"""

from __future__ import annotations

import math
from typing import Any

from .gofmt import NO_VALUE, GoMap, GoNilPtr, GoSlice, GoStruct, JsonNumber, json_float, utf8_bytes


class RawJSON(str):
    """Already-encoded JSON (what a Go ``MarshalJSON`` method returns), written verbatim."""


class JsonError(ValueError):
    """A value Go's encoder refuses (NaN, infinities)."""


_SHORT = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t", "\b": "\\b",
          "\f": "\\f"}


def encode_string(s: str, escape_html: bool = True) -> str:
    """A JSON string literal as Go writes it."""
    out = ['"']
    for ch in s:
        cp = ord(ch)
        if ch in _SHORT:
            out.append(_SHORT[ch])
        elif cp < 0x20 or escape_html and ch in "<>&" or cp in (0x2028, 0x2029):
            out.append(f"\\u{cp:04x}")
        elif 0xD800 <= cp <= 0xDFFF:
            out.append("\ufffd")  # invalid UTF-8 in Go becomes U+FFFD
        else:
            out.append(ch)
    out.append('"')
    return "".join(out)


def _is_empty(v: Any) -> bool:
    """encoding/json's omitempty test: false, 0, "", nil, and empty maps/slices."""
    if v is None or v is NO_VALUE or isinstance(v, GoNilPtr):
        return True
    if isinstance(v, bool):
        return not v
    if isinstance(v, (int, float)):
        return v == 0
    if isinstance(v, (str, list, tuple, dict)):
        return len(v) == 0
    return False


def _struct_items(s: GoStruct) -> list[tuple[str, Any]]:
    """Key/value pairs of a struct in field order, embedded structs flattened, omitempty applied."""
    if s.json is None:
        return list(s.fields.items())
    items: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for f in s.json:
        v = s.fields.get(f.name, NO_VALUE)
        if f.embedded:
            if isinstance(v, GoStruct):
                for k, inner in _struct_items(v):
                    if k not in seen:
                        items.append((k, inner))
                        seen.add(k)
            continue
        if f.omitempty and _is_empty(v):
            continue
        if f.key not in seen:
            items.append((f.key, v))
            seen.add(f.key)
    return items


def dumps(obj: Any, indent: str | None = None, *, escape_html: bool = True,
          sort_keys: bool = False, prefix: str = "") -> str:
    """Serialise like ``json.Marshal`` (``indent=None``) or ``json.MarshalIndent``.

    ``sort_keys`` treats every plain dict as a Go map (sorted keys); otherwise plain dicts keep
    their insertion order, the way the daemon's struct-shaped responses arrive.
    """
    parts: list[str] = []
    _encode(obj, parts, indent, prefix, 0, escape_html, sort_keys)
    return "".join(parts)


def _encode(v: Any, out: list[str], indent: str | None, prefix: str, level: int,
            escape_html: bool, sort_keys: bool) -> None:
    if v is None or v is NO_VALUE or isinstance(v, GoNilPtr):
        out.append("null")
    elif isinstance(v, bool):
        out.append("true" if v else "false")
    elif isinstance(v, RawJSON):
        out.append(str.__str__(v))
    elif isinstance(v, JsonNumber):
        out.append(str.__str__(v) or "0")
    elif isinstance(v, int):
        out.append(str(int(v)))
    elif isinstance(v, float):
        if math.isnan(v) or math.isinf(v):
            raise JsonError(f"json: unsupported value: {v}")
        out.append(json_float(v))
    elif isinstance(v, str):
        out.append(encode_string(v, escape_html))
    elif isinstance(v, GoStruct):
        if v.marshal is not None:
            _encode(v.marshal(), out, indent, prefix, level, escape_html, sort_keys)
            return
        _encode_object(_struct_items(v.deref()), out, indent, prefix, level, escape_html, sort_keys)
    elif isinstance(v, dict):
        if isinstance(v, GoMap) and v.nil:
            out.append("null")
            return
        items = list(v.items())
        if sort_keys or isinstance(v, GoMap):
            items.sort(key=lambda kv: utf8_bytes(str(kv[0])))
        _encode_object([(str(k), x) for k, x in items], out, indent, prefix, level, escape_html,
                       sort_keys)
    elif isinstance(v, (list, tuple)):
        if isinstance(v, GoSlice) and v.nil:
            out.append("null")
            return
        if not v:
            out.append("[]")
            return
        out.append("[")
        for i, x in enumerate(v):
            if i:
                out.append(",")
            if indent is not None:
                out.append("\n" + prefix + indent * (level + 1))
            _encode(x, out, indent, prefix, level + 1, escape_html, sort_keys)
        if indent is not None:
            out.append("\n" + prefix + indent * level)
        out.append("]")
    elif hasattr(v, "go_json"):
        _encode(v.go_json(), out, indent, prefix, level, escape_html, sort_keys)
    else:
        raise JsonError(f"json: unsupported type: {type(v).__name__}")


def _encode_object(items: list[tuple[str, Any]], out: list[str], indent: str | None, prefix: str,
                   level: int, escape_html: bool, sort_keys: bool) -> None:
    if not items:
        out.append("{}")
        return
    out.append("{")
    for i, (k, x) in enumerate(items):
        if i:
            out.append(",")
        if indent is not None:
            out.append("\n" + prefix + indent * (level + 1))
        out.append(encode_string(k, escape_html))
        out.append(": " if indent is not None else ":")
        _encode(x, out, indent, prefix, level + 1, escape_html, sort_keys)
    if indent is not None:
        out.append("\n" + prefix + indent * level)
    out.append("}")
