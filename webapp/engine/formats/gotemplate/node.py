"""The parse tree's nodes and literals (Go's text/template/parse/node.go, strconv.Unquote)."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from ..gofmt import from_bytes, quote, utf8_bytes
from .lex import CHAR_CONSTANT, COMPLEX

if TYPE_CHECKING:
    from .parse import _Tree


class Node:
    pos: int = 0
    tree: _Tree

    def __str__(self) -> str:  # pragma: no cover - overridden
        return ""


class ListNode(Node):
    def __init__(self, tree: _Tree, pos: int) -> None:
        self.tree, self.pos = tree, pos
        self.nodes: list[Node] = []

    def __str__(self) -> str:
        return "".join(str(n) for n in self.nodes)


class TextNode(Node):
    def __init__(self, tree: _Tree, pos: int, text: str) -> None:
        self.tree, self.pos, self.text = tree, pos, text

    def __str__(self) -> str:
        return self.text


class CommentNode(Node):
    def __init__(self, tree: _Tree, pos: int, text: str) -> None:
        self.tree, self.pos, self.text = tree, pos, text

    def __str__(self) -> str:
        return "{{" + self.text + "}}"


class PipeNode(Node):
    def __init__(self, tree: _Tree, pos: int, line: int) -> None:
        self.tree, self.pos, self.line = tree, pos, line
        self.is_assign = False
        self.decl: list[VariableNode] = []
        self.cmds: list[CommandNode] = []

    def __str__(self) -> str:
        s = ""
        if self.decl:
            s = ", ".join(str(v) for v in self.decl) + " := "
        return s + " | ".join(str(c) for c in self.cmds)


class ActionNode(Node):
    def __init__(self, tree: _Tree, pos: int, line: int, pipe: PipeNode) -> None:
        self.tree, self.pos, self.line, self.pipe = tree, pos, line, pipe

    def __str__(self) -> str:
        return "{{" + str(self.pipe) + "}}"


class CommandNode(Node):
    def __init__(self, tree: _Tree, pos: int) -> None:
        self.tree, self.pos = tree, pos
        self.args: list[Node] = []

    def __str__(self) -> str:
        return " ".join("(" + str(a) + ")" if isinstance(a, PipeNode) else str(a)
                        for a in self.args)


class IdentifierNode(Node):
    def __init__(self, tree: _Tree, pos: int, ident: str) -> None:
        self.tree, self.pos, self.ident = tree, pos, ident

    def __str__(self) -> str:
        return self.ident


class VariableNode(Node):
    def __init__(self, tree: _Tree, pos: int, ident: str) -> None:
        self.tree, self.pos, self.ident = tree, pos, ident.split(".")

    def __str__(self) -> str:
        return ".".join(self.ident)


class DotNode(Node):
    def __init__(self, tree: _Tree, pos: int) -> None:
        self.tree, self.pos = tree, pos

    def __str__(self) -> str:
        return "."


class NilNode(Node):
    def __init__(self, tree: _Tree, pos: int) -> None:
        self.tree, self.pos = tree, pos

    def __str__(self) -> str:
        return "nil"


class FieldNode(Node):
    def __init__(self, tree: _Tree, pos: int, ident: str) -> None:
        self.tree, self.pos, self.ident = tree, pos, ident[1:].split(".")

    def __str__(self) -> str:
        return "".join("." + i for i in self.ident)


class ChainNode(Node):
    def __init__(self, tree: _Tree, pos: int, node: Node) -> None:
        self.tree, self.pos, self.node = tree, pos, node
        self.field: list[str] = []

    def add(self, field: str) -> None:
        self.field.append(field[1:])

    def __str__(self) -> str:
        base = "(" + str(self.node) + ")" if isinstance(self.node, PipeNode) else str(self.node)
        return base + "".join("." + f for f in self.field)


class BoolNode(Node):
    def __init__(self, tree: _Tree, pos: int, value: bool) -> None:
        self.tree, self.pos, self.value = tree, pos, value

    def __str__(self) -> str:
        return "true" if self.value else "false"


class NumberNode(Node):
    def __init__(self, tree: _Tree, pos: int, text: str) -> None:
        self.tree, self.pos, self.text = tree, pos, text
        self.is_int = self.is_uint = self.is_float = self.is_complex = False
        self.int64 = 0
        self.uint64 = 0
        self.float64 = 0.0
        self.complex128 = 0j

    def __str__(self) -> str:
        return self.text


class StringNode(Node):
    def __init__(self, tree: _Tree, pos: int, quoted: str, text: str) -> None:
        self.tree, self.pos, self.quoted, self.text = tree, pos, quoted, text

    def __str__(self) -> str:
        return self.quoted


class EndNode(Node):
    def __init__(self, tree: _Tree, pos: int) -> None:
        self.tree, self.pos = tree, pos

    def __str__(self) -> str:
        return "{{end}}"


class ElseNode(Node):
    def __init__(self, tree: _Tree, pos: int, line: int) -> None:
        self.tree, self.pos, self.line = tree, pos, line

    def __str__(self) -> str:
        return "{{else}}"


class BranchNode(Node):
    keyword = ""

    def __init__(self, tree: _Tree, pos: int, line: int, pipe: PipeNode, lst: ListNode,
                 else_list: ListNode | None) -> None:
        self.tree, self.pos, self.line = tree, pos, line
        self.pipe, self.list, self.else_list = pipe, lst, else_list

    def __str__(self) -> str:
        s = "{{" + self.keyword + " " + str(self.pipe) + "}}" + str(self.list)
        if self.else_list is not None:
            s += "{{else}}" + str(self.else_list)
        return s + "{{end}}"


class IfNode(BranchNode):
    keyword = "if"


class RangeNode(BranchNode):
    keyword = "range"


class WithNode(BranchNode):
    keyword = "with"


class TemplateNode(Node):
    def __init__(self, tree: _Tree, pos: int, line: int, name: str, pipe: PipeNode | None) -> None:
        self.tree, self.pos, self.line, self.name, self.pipe = tree, pos, line, name, pipe

    def __str__(self) -> str:
        s = "{{template " + quote(self.name)
        if self.pipe is not None:
            s += " " + str(self.pipe)
        return s + "}}"


class BreakNode(Node):
    def __init__(self, tree: _Tree, pos: int, line: int) -> None:
        self.tree, self.pos, self.line = tree, pos, line

    def __str__(self) -> str:
        return "{{break}}"


class ContinueNode(Node):
    def __init__(self, tree: _Tree, pos: int, line: int) -> None:
        self.tree, self.pos, self.line = tree, pos, line

    def __str__(self) -> str:
        return "{{continue}}"


# ---------------------------------------------------------------------------------------------
# String and number literals


_SIMPLE_ESCAPES = {"a": "\a", "b": "\b", "f": "\f", "n": "\n", "r": "\r", "t": "\t", "v": "\v",
                   "\\": "\\"}


class _SyntaxError(Exception):
    pass


def _unquote_char(s: str, i: int, quote_ch: str) -> tuple[str, int]:
    """strconv.UnquoteChar: decode one (possibly escaped) character at s[i]."""
    c = s[i]
    if c == quote_ch and quote_ch in "'\"":
        raise _SyntaxError
    if c != "\\":
        return c, i + 1
    if i + 1 >= len(s):
        raise _SyntaxError
    c = s[i + 1]
    if c in _SIMPLE_ESCAPES:
        return _SIMPLE_ESCAPES[c], i + 2
    if c in "xuU":
        n = {"x": 2, "u": 4, "U": 8}[c]
        hexs = s[i + 2:i + 2 + n]
        if len(hexs) != n or not all(h in "0123456789abcdefABCDEF" for h in hexs):
            raise _SyntaxError
        v = int(hexs, 16)
        if c == "x":
            return chr(v), i + 2 + n
        if v > 0x10FFFF or 0xD800 <= v <= 0xDFFF:
            raise _SyntaxError
        return chr(v), i + 2 + n
    if c in "01234567":
        octs = s[i + 1:i + 4]
        if len(octs) != 3 or not all(o in "01234567" for o in octs):
            raise _SyntaxError
        v = int(octs, 8)
        if v > 255:
            raise _SyntaxError
        return chr(v), i + 4
    if c == quote_ch and quote_ch in "'\"":
        return c, i + 2
    raise _SyntaxError


def _unquote(s: str) -> str:
    """strconv.Unquote for "..." and `...` literals."""
    if len(s) < 2:
        raise _SyntaxError
    q = s[0]
    if q != s[-1]:
        raise _SyntaxError
    body = s[1:-1]
    if q == "`":
        if "`" in body:
            raise _SyntaxError
        return body.replace("\r", "")
    if q != '"':
        raise _SyntaxError
    out = bytearray()
    i = 0
    while i < len(body):
        if body[i] == "\n":
            raise _SyntaxError
        raw_byte = body[i] == "\\" and i + 1 < len(body) and body[i + 1] in "x01234567"
        ch, i = _unquote_char(body, i, '"')
        if raw_byte:
            out.append(ord(ch))  # \xHH and octal escapes are single bytes in Go
        else:
            out += utf8_bytes(ch)
    return from_bytes(bytes(out))


_INT_RE = re.compile(r"^[+-]?(0[xX][0-9a-fA-F_]+|0[oO][0-7_]+|0[bB][01_]+|0[0-7_]*|[1-9][0-9_]*)$")


def _parse_int(text: str) -> int | None:
    """strconv.ParseInt(text, 0, 64) without the range check (None when the syntax is wrong)."""
    if not _INT_RE.match(text):
        return None
    sign = -1 if text.startswith("-") else 1
    t = text.lstrip("+-")
    if "_" in t:
        # Go accepts underscores between digits (and right after a base prefix) in base 0.
        if not re.match(r"^(0[xXoObB]_?)?[0-9a-fA-F]+(_[0-9a-fA-F]+)*$", t):
            return None
        t = t.replace("_", "")
    if len(t) > 1 and t[0] == "0" and t[1] in "xXoObB":
        base = {"x": 16, "o": 8, "b": 2}[t[1].lower()]
        digits = t[2:]
        if not digits:
            return None
        return sign * int(digits, base)
    if len(t) > 1 and t[0] == "0":
        return sign * int(t, 8)
    return sign * int(t)


def _parse_float(text: str) -> float | None:
    t = text.replace("_", "") if "_" in text else text
    try:
        if re.match(r"^[+-]?0[xX]", t):
            return float.fromhex(t)
        if not re.match(r"^[+-]?(\d+\.?\d*([eE][+-]?\d+)?|\.\d+([eE][+-]?\d+)?)$", t):
            return None
        return float(t)
    except (ValueError, OverflowError):
        return None


def _make_number(tree: _Tree, pos: int, text: str, typ: int) -> NumberNode:
    n = NumberNode(tree, pos, text)
    if typ == CHAR_CONSTANT:
        try:
            ch, i = _unquote_char(text, 1, "'")
        except _SyntaxError:
            raise ValueError("invalid syntax") from None
        if text[i:] != "'":
            raise ValueError("malformed character constant: " + text)
        cp = ord(ch)
        n.int64 = n.uint64 = cp
        n.float64 = float(cp)
        n.is_int = n.is_uint = n.is_float = True
        return n
    if typ == COMPLEX:
        m = re.match(r"^([+-]?[^+-]+(?:[eE][+-]?\d+)?)([+-].*)i$", text)
        if not m:
            raise ValueError("expected integer")
        re_part, im_part = _parse_float(m.group(1)), _parse_float(m.group(2))
        if re_part is None or im_part is None:
            raise ValueError("expected integer")
        n.is_complex = True
        n.complex128 = complex(re_part, im_part)
        _simplify_complex(n)
        return n
    if text.endswith("i"):
        f = _parse_float(text[:-1])
        if f is None:
            iv = _parse_int(text[:-1])
            f = float(iv) if iv is not None else None
        if f is not None:
            n.is_complex = True
            n.complex128 = complex(0, f)
            _simplify_complex(n)
            return n
    iv = _parse_int(text)
    if iv is not None:
        if 0 <= iv < 1 << 64:
            n.is_uint, n.uint64 = True, iv
        if -(1 << 63) <= iv < 1 << 63:
            n.is_int, n.int64 = True, iv
            if iv == 0:
                n.is_uint, n.uint64 = True, 0
    if n.is_int:
        n.is_float, n.float64 = True, float(n.int64)
    elif n.is_uint:
        n.is_float, n.float64 = True, float(n.uint64)
    else:
        f = _parse_float(text)
        if f is not None and f not in (float("inf"), float("-inf")):
            if not any(c in text for c in ".eEpP"):
                raise ValueError("integer overflow: " + quote(text))
            n.is_float, n.float64 = True, f
            if not n.is_int and f == int(f) and -(1 << 63) <= f < (1 << 63):
                n.is_int, n.int64 = True, int(f)
            if not n.is_uint and f == int(f) and 0 <= f < (1 << 64):
                n.is_uint, n.uint64 = True, int(f)
    if not (n.is_int or n.is_uint or n.is_float):
        raise ValueError("illegal number syntax: " + quote(text))
    return n


def _simplify_complex(n: NumberNode) -> None:
    n.is_float = n.complex128.imag == 0
    if n.is_float:
        f = n.complex128.real
        n.float64 = f
        n.is_int = f == int(f) and -(1 << 63) <= f < (1 << 63)
        if n.is_int:
            n.int64 = int(f)
        n.is_uint = f == int(f) and 0 <= f < (1 << 64)
        if n.is_uint:
            n.uint64 = int(f)
