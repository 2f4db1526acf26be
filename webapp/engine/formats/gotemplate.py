"""A Go ``text/template`` interpreter for Docker's ``--format`` and ``inspect -f``.

It follows Go 1.24's lexer, parser and executor closely (actions, pipelines, variables,
``if/else if/range/with/define/template/block/break/continue``, trim markers, comments, all the
builtin functions plus Docker's ``json split join title lower upper pad truncate``) because
learners see the exact error text: ``template: :1:2: executing "" at <.Foo>: can't evaluate
field Foo in type *formatter.ContainerContext``. Positions in messages are byte offsets, as Go
counts them.

Nothing here evaluates Python: the input is lexed and interpreted. Output, intermediate string
sizes, nesting depth and execution steps are bounded so a hostile format string cannot exhaust
memory or time; going over a bound raises :class:`TemplateError`.
"""

from __future__ import annotations

import re
import unicodedata
import urllib.parse
from collections.abc import Callable
from typing import Any

from ..cli.gostrconv import is_print
from . import gojson
from .gofmt import (
    NO_VALUE,
    CallError,
    FormatTooLarge,
    GoFunc,
    GoInt,
    GoMap,
    GoNilPtr,
    GoPtr,
    GoSlice,
    GoStruct,
    assignable,
    from_bytes,
    indirect,
    is_true,
    kind,
    map_sort_key,
    quote,
    sprint,
    sprint_value,
    sprintf,
    sprintln,
    type_name,
    utf8_bytes,
)

MAX_OUTPUT = 1 << 20  # bytes of output one execution may produce
MAX_STRING = 1 << 20  # longest string a function may build
MAX_STEPS = 250_000  # evaluation steps per execution (about a quarter second)
MAX_NESTING = 100  # nested control structures / parentheses when parsing
MAX_TEMPLATE_DEPTH = 150  # nested {{template}} calls (Go allows 100000)
GO_MAX_EXEC_DEPTH = 100000  # what Go's error message reports


class TemplateError(Exception):
    """A template failed; ``message`` is the line the docker CLI prints on stderr.

    Callers print ``stdout`` (output Docker writes before failing, e.g. inspect's empty line),
    then ``stderr`` (warnings printed earlier), then ``message``, and exit with ``exit_code``.
    """

    def __init__(self, message: str, *, exit_code: int = 1, stdout: str = "",
                 stderr: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.exit_code = exit_code
        self.stdout = stdout
        self.stderr = stderr


class ParseError(TemplateError):
    """The template text is malformed (Go's parse error)."""


class ExecError(TemplateError):
    """Executing the template failed (Go's ``ExecError``)."""


class _Missing:
    def __repr__(self) -> str:
        return "MISSING"


MISSING = _Missing()  # "no final value from a previous pipeline stage"

# ---------------------------------------------------------------------------------------------
# Lexer

(
    ERROR, BOOL, CHAR, CHAR_CONSTANT, COMMENT, COMPLEX, ASSIGN, DECLARE, EOF, FIELD, IDENTIFIER,
    LEFT_DELIM, LEFT_PAREN, NUMBER, PIPE, RAW_STRING, RIGHT_DELIM, RIGHT_PAREN, SPACE, STRING,
    TEXT, VARIABLE, KEYWORD, BLOCK, BREAK, CONTINUE, DOT, DEFINE, ELSE, END, IF, NIL, RANGE,
    TEMPLATE, WITH,
) = range(35)

_KEYWORDS = {".": DOT, "block": BLOCK, "break": BREAK, "continue": CONTINUE, "define": DEFINE,
             "else": ELSE, "end": END, "if": IF, "range": RANGE, "nil": NIL,
             "template": TEMPLATE, "with": WITH}

_SPACE = " \t\r\n"
LEFT, RIGHT = "{{", "}}"


class Item:
    __slots__ = ("line", "pos", "typ", "val")

    def __init__(self, typ: int, pos: int, val: str, line: int) -> None:
        self.typ, self.pos, self.val, self.line = typ, pos, val, line

    def __str__(self) -> str:
        if self.typ == EOF:
            return "EOF"
        if self.typ == ERROR:
            return self.val
        if self.typ > KEYWORD:
            return f"<{self.val}>"
        if len(self.val) > 10:
            return _go_quote_prefix(self.val, 10) + "..."
        return quote(self.val)


def _go_quote_prefix(s: str, n: int) -> str:
    """``%.10q``: quote the first n runes."""
    return quote(s[:n])


def _is_alnum(ch: str) -> bool:
    return ch == "_" or ch.isalpha() or unicodedata.category(ch) == "Nd" if ch else False


def _fmt_U(ch: str) -> str:
    """Go's ``%#U``: U+0041 'A'."""
    cp = ord(ch)
    s = f"U+{cp:04X}"
    if is_print(ch):
        s += " '" + ch + "'"
    return s


class _Lexer:
    """Go's template lexer; ``next_item`` yields one item at a time."""

    def __init__(self, text: str) -> None:
        self.input = text
        self.pos = 0
        self.start = 0
        self.width = 0
        self.paren_depth = 0
        self.line = 1
        self.start_line = 1
        self.state: Callable[[], Item | None] | None = self.lex_text

    # -- primitives
    def next(self) -> str:
        if self.pos >= len(self.input):
            self.width = 0
            return ""
        ch = self.input[self.pos]
        self.width = 1
        self.pos += 1
        if ch == "\n":
            self.line += 1
        return ch

    def peek(self) -> str:
        ch = self.next()
        self.backup()
        return ch

    def backup(self) -> None:
        self.pos -= self.width
        if self.width == 1 and self.input[self.pos] == "\n":
            self.line -= 1

    def emit(self, typ: int) -> Item:
        item = Item(typ, self.start, self.input[self.start:self.pos], self.start_line)
        self.start = self.pos
        self.start_line = self.line
        return item

    def ignore(self) -> None:
        self.line += self.input.count("\n", self.start, self.pos)
        self.start = self.pos
        self.start_line = self.line

    def accept(self, valid: str) -> bool:
        ch = self.next()
        if ch and ch in valid:
            return True
        self.backup()
        return False

    def accept_run(self, valid: str) -> None:
        while True:
            ch = self.next()
            if not ch or ch not in valid:
                break
        self.backup()

    def errorf(self, msg: str) -> Item:
        self.state = None
        return Item(ERROR, self.start, msg, self.start_line)

    def next_item(self) -> Item:
        while self.state is not None:
            item = self.state()
            if item is not None:
                return item
        return Item(EOF, self.pos, "", self.start_line)

    # -- trim markers
    @staticmethod
    def _left_trim_marker(s: str, i: int) -> bool:
        return len(s) >= i + 2 and s[i] == "-" and s[i + 1] in _SPACE

    @staticmethod
    def _right_trim_marker(s: str, i: int) -> bool:
        return len(s) >= i + 2 and s[i] in _SPACE and s[i + 1] == "-"

    def at_right_delim(self) -> tuple[bool, bool]:
        if self._right_trim_marker(self.input, self.pos) and self.input.startswith(
                RIGHT, self.pos + 2):
            return True, True
        if self.input.startswith(RIGHT, self.pos):
            return True, False
        return False, False

    # -- states
    def lex_text(self) -> Item | None:
        self.width = 0
        x = self.input.find(LEFT, self.pos)
        if x >= 0:
            self.pos = x
            trim = 0
            if self._left_trim_marker(self.input, self.pos + 2):
                seg = self.input[self.start:self.pos]
                trim = len(seg) - len(seg.rstrip(_SPACE))
            self.pos -= trim
            item = None
            if self.pos > self.start:
                self.line += self.input.count("\n", self.start, self.pos)
                item = self.emit(TEXT)
            self.pos += trim
            self.ignore()
            self.state = self.lex_left_delim
            return item
        self.pos = len(self.input)
        if self.pos > self.start:
            self.line += self.input.count("\n", self.start, self.pos)
            return self.emit(TEXT)
        self.state = None
        return self.emit(EOF)

    def lex_left_delim(self) -> Item | None:
        self.pos += len(LEFT)
        trim = self._left_trim_marker(self.input, self.pos)
        after = 2 if trim else 0
        if self.input.startswith("/*", self.pos + after):
            self.pos += after
            self.ignore()
            self.state = self.lex_comment
            return None
        item = self.emit(LEFT_DELIM)
        self.pos += after
        self.ignore()
        self.paren_depth = 0
        self.state = self.lex_inside_action
        return item

    def lex_comment(self) -> Item | None:
        self.pos += 2
        i = self.input.find("*/", self.pos)
        if i < 0:
            return self.errorf("unclosed comment")
        self.pos = i + 2
        delim, trim = self.at_right_delim()
        if not delim:
            return self.errorf("comment ends before closing delimiter")
        if trim:
            self.pos += 2
        self.pos += len(RIGHT)
        if trim:
            rest = self.input[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(_SPACE))
        self.ignore()
        self.state = self.lex_text
        return None

    def lex_right_delim(self) -> Item | None:
        trim = self._right_trim_marker(self.input, self.pos)
        if trim:
            self.pos += 2
            self.ignore()
        self.pos += len(RIGHT)
        item = self.emit(RIGHT_DELIM)
        if trim:
            rest = self.input[self.pos:]
            self.pos += len(rest) - len(rest.lstrip(_SPACE))
            self.ignore()
        self.state = self.lex_text
        return item

    def lex_inside_action(self) -> Item | None:
        delim, _ = self.at_right_delim()
        if delim:
            if self.paren_depth == 0:
                self.state = self.lex_right_delim
                return None
            return self.errorf("unclosed left paren")
        r = self.next()
        if r == "":
            return self.errorf("unclosed action")
        if r in _SPACE:
            self.backup()
            self.state = self.lex_space
            return None
        if r == "=":
            return self.emit(ASSIGN)
        if r == ":":
            if self.next() != "=":
                return self.errorf("expected :=")
            return self.emit(DECLARE)
        if r == "|":
            return self.emit(PIPE)
        if r == '"':
            return self.lex_quote()
        if r == "`":
            return self.lex_raw_quote()
        if r == "$":
            return self.lex_variable()
        if r == "'":
            return self.lex_char()
        if r == ".":
            if self.pos < len(self.input) and not ("0" <= self.input[self.pos] <= "9"):
                return self.lex_field_or_variable(FIELD)
            self.backup()
            return self.lex_number()
        if r in "+-" or "0" <= r <= "9":
            self.backup()
            return self.lex_number()
        if _is_alnum(r):
            self.backup()
            return self.lex_identifier()
        if r == "(":
            self.paren_depth += 1
            return self.emit(LEFT_PAREN)
        if r == ")":
            self.paren_depth -= 1
            if self.paren_depth < 0:
                return self.errorf("unexpected right paren")
            return self.emit(RIGHT_PAREN)
        if ord(r) < 0x80 and is_print(r):
            return self.emit(CHAR)
        return self.errorf("unrecognized character in action: " + _fmt_U(r))

    def lex_space(self) -> Item | None:
        num = 0
        while True:
            r = self.peek()
            if not r or r not in _SPACE:
                break
            self.next()
            num += 1
        if self._right_trim_marker(self.input, self.pos - 1) and self.input.startswith(
                RIGHT, self.pos + 1):
            self.backup()
            if num == 1:
                self.state = self.lex_right_delim
                return None
        self.state = self.lex_inside_action
        return self.emit(SPACE)

    def lex_identifier(self) -> Item | None:
        while True:
            r = self.next()
            if r and _is_alnum(r):
                continue
            self.backup()
            word = self.input[self.start:self.pos]
            if not self.at_terminator():
                return self.errorf("bad character " + _fmt_U(r or "\0"))
            if word in _KEYWORDS and _KEYWORDS[word] > KEYWORD:
                return self.emit(_KEYWORDS[word])
            if word in ("true", "false"):
                return self.emit(BOOL)
            return self.emit(IDENTIFIER)

    def lex_variable(self) -> Item | None:
        if self.at_terminator():
            return self.emit(VARIABLE)
        return self.lex_field_or_variable(VARIABLE)

    def lex_field_or_variable(self, typ: int) -> Item | None:
        if self.at_terminator():
            return self.emit(VARIABLE if typ == VARIABLE else DOT)
        r = ""
        while True:
            r = self.next()
            if not (r and _is_alnum(r)):
                self.backup()
                break
        if not self.at_terminator():
            return self.errorf("bad character " + _fmt_U(r or "\0"))
        return self.emit(typ)

    def at_terminator(self) -> bool:
        r = self.peek()
        if not r or r in _SPACE or r in ".,|:)(":
            return True
        return self.input.startswith(RIGHT, self.pos)

    def lex_char(self) -> Item | None:
        while True:
            r = self.next()
            if r == "\\":
                r2 = self.next()
                if r2 and r2 != "\n":
                    continue
                return self.errorf("unterminated character constant")
            if r in ("", "\n"):
                return self.errorf("unterminated character constant")
            if r == "'":
                break
        return self.emit(CHAR_CONSTANT)

    def lex_number(self) -> Item | None:
        if not self.scan_number():
            return self.errorf("bad number syntax: " + quote(self.input[self.start:self.pos]))
        sign = self.peek()
        if sign in ("+", "-") and sign:
            if not self.scan_number() or self.input[self.pos - 1] != "i":
                return self.errorf("bad number syntax: " + quote(self.input[self.start:self.pos]))
            return self.emit(COMPLEX)
        return self.emit(NUMBER)

    def scan_number(self) -> bool:
        self.accept("+-")
        digits = "0123456789_"
        if self.accept("0"):
            if self.accept("xX"):
                digits = "0123456789abcdefABCDEF_"
            elif self.accept("oO"):
                digits = "01234567_"
            elif self.accept("bB"):
                digits = "01_"
        self.accept_run(digits)
        if self.accept("."):
            self.accept_run(digits)
        if len(digits) == 11 and self.accept("eE"):
            self.accept("+-")
            self.accept_run("0123456789_")
        if len(digits) == 23 and self.accept("pP"):
            self.accept("+-")
            self.accept_run("0123456789_")
        self.accept("i")
        r = self.peek()
        if r and _is_alnum(r):
            self.next()
            return False
        return True

    def lex_quote(self) -> Item | None:
        while True:
            r = self.next()
            if r == "\\":
                r2 = self.next()
                if r2 and r2 != "\n":
                    continue
                return self.errorf("unterminated quoted string")
            if r in ("", "\n"):
                return self.errorf("unterminated quoted string")
            if r == '"':
                break
        return self.emit(STRING)

    def lex_raw_quote(self) -> Item | None:
        while True:
            r = self.next()
            if r == "":
                return self.errorf("unterminated raw quoted string")
            if r == "`":
                break
        return self.emit(RAW_STRING)


# ---------------------------------------------------------------------------------------------
# Nodes


class Node:
    pos: int = 0
    tree: _Tree

    def __str__(self) -> str:  # pragma: no cover - overridden
        return ""


class ListNode(Node):
    def __init__(self, tree: _Tree, pos: int) -> None:
        self.tree, self.pos, self.nodes = tree, pos, []

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
        self.tree, self.pos, self.args = tree, pos, []

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
        self.tree, self.pos, self.node, self.field = tree, pos, node, []

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


# ---------------------------------------------------------------------------------------------
# Parser


class _ParsePanic(Exception):
    pass


class _Tree:
    """One parsed template (Go's ``parse.Tree``)."""

    def __init__(self, name: str, text: str, funcs: frozenset[str], tree_set: dict[str, _Tree],
                 parse_name: str = "") -> None:
        self.name = name
        self.parse_name = parse_name
        self.text = text
        self.funcs = funcs
        self.tree_set = tree_set
        self.root: ListNode | None = None
        self.lex: _Lexer | None = None
        self.token: list[Item] = [Item(EOF, 0, "", 1)] * 3
        self.peek_count = 0
        self.vars: list[str] = ["$"]
        self.action_line = 0
        self.range_depth = 0
        self.depth = 0

    # -- token plumbing (three-token lookahead, as Go)
    def next(self) -> Item:
        if self.peek_count > 0:
            self.peek_count -= 1
        else:
            assert self.lex is not None
            self.token[0] = self.lex.next_item()
        return self.token[self.peek_count]

    def backup(self) -> None:
        self.peek_count += 1

    def backup2(self, t1: Item) -> None:
        self.token[1] = t1
        self.peek_count = 2

    def backup3(self, t2: Item, t1: Item) -> None:
        self.token[1] = t1
        self.token[2] = t2
        self.peek_count = 3

    def peek(self) -> Item:
        if self.peek_count > 0:
            return self.token[self.peek_count - 1]
        self.peek_count = 1
        assert self.lex is not None
        self.token[0] = self.lex.next_item()
        return self.token[0]

    def next_non_space(self) -> Item:
        while True:
            tok = self.next()
            if tok.typ != SPACE:
                return tok

    def peek_non_space(self) -> Item:
        tok = self.next_non_space()
        self.backup()
        return tok

    # -- errors
    def errorf(self, msg: str) -> None:
        self.root = None
        raise _ParsePanic(f"template: {self.parse_name}:{self.token[0].line}: {msg}")

    def expect(self, typ: int, context: str) -> Item:
        tok = self.next_non_space()
        if tok.typ != typ:
            self.unexpected(tok, context)
        return tok

    def expect_one_of(self, t1: int, t2: int, context: str) -> Item:
        tok = self.next_non_space()
        if tok.typ not in (t1, t2):
            self.unexpected(tok, context)
        return tok

    def unexpected(self, tok: Item, context: str) -> None:
        if tok.typ == ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != tok.line:
                extra = f" in action started at {self.parse_name}:{self.action_line}"
                if tok.val.endswith(" action"):
                    extra = extra[len(" in action"):]
            self.errorf(f"{tok}{extra}")
        self.errorf(f"unexpected {tok} in {context}")

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.errorf("max expression depth exceeded")

    def _leave(self) -> None:
        self.depth -= 1

    # -- grammar
    def parse(self) -> None:
        self.lex = _Lexer(self.text)
        self.root = ListNode(self, self.peek().pos)
        while self.peek().typ != EOF:
            if self.peek().typ == LEFT_DELIM:
                delim = self.next()
                if self.next_non_space().typ == DEFINE:
                    new = _Tree("definition", self.text, self.funcs, self.tree_set,
                                self.parse_name)
                    new.lex = self.lex
                    new.depth = self.depth
                    new.parse_definition()
                    continue
                self.backup2(delim)
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                self.errorf(f"unexpected {n}")
            else:
                self.root.nodes.append(n)
        self.add()

    def add(self) -> None:
        tree = self.tree_set.get(self.name)
        if tree is None or _is_empty_tree(tree.root):
            self.tree_set[self.name] = self
            return
        if not _is_empty_tree(self.root):
            self.errorf(f"template: multiple definition of template {quote(self.name)}")

    def parse_definition(self) -> None:
        context = "define clause"
        name = self.expect_one_of(STRING, RAW_STRING, context)
        try:
            self.name = _unquote(name.val)
        except _SyntaxError:
            self.errorf("invalid syntax")
        self.expect(RIGHT_DELIM, context)
        self.root, end = self.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add()

    def item_list(self) -> tuple[ListNode, Node]:
        lst = ListNode(self, self.peek_non_space().pos)
        while self.peek_non_space().typ != EOF:
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                return lst, n
            lst.nodes.append(n)
        self.errorf("unexpected EOF")
        raise AssertionError("unreachable")

    def text_or_action(self) -> Node:
        tok = self.next_non_space()
        if tok.typ == TEXT:
            return TextNode(self, tok.pos, tok.val)
        if tok.typ == LEFT_DELIM:
            self.action_line = tok.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(tok, "input")
        raise AssertionError("unreachable")

    def action(self) -> Node:
        tok = self.next_non_space()
        t = tok.typ
        if t == BLOCK:
            return self.block_control()
        if t == BREAK:
            return self.break_control(tok.pos, tok.line)
        if t == CONTINUE:
            return self.continue_control(tok.pos, tok.line)
        if t == ELSE:
            return self.else_control()
        if t == END:
            return EndNode(self, self.expect(RIGHT_DELIM, "end").pos)
        if t == IF:
            return IfNode(self, *self.parse_control("if"))
        if t == RANGE:
            return RangeNode(self, *self.parse_control("range"))
        if t == TEMPLATE:
            return self.template_control()
        if t == WITH:
            return WithNode(self, *self.parse_control("with"))
        self.backup()
        tok = self.peek()
        return ActionNode(self, tok.pos, tok.line, self.pipeline("command", RIGHT_DELIM))

    def break_control(self, pos: int, line: int) -> Node:
        tok = self.next_non_space()
        if tok.typ != RIGHT_DELIM:
            self.unexpected(tok, "{{break}}")
        if self.range_depth == 0:
            self.errorf("{{break}} outside {{range}}")
        return BreakNode(self, pos, line)

    def continue_control(self, pos: int, line: int) -> Node:
        tok = self.next_non_space()
        if tok.typ != RIGHT_DELIM:
            self.unexpected(tok, "{{continue}}")
        if self.range_depth == 0:
            self.errorf("{{continue}} outside {{range}}")
        return ContinueNode(self, pos, line)

    def pipeline(self, context: str, end: int) -> PipeNode:
        tok = self.peek_non_space()
        pipe = PipeNode(self, tok.pos, tok.line)
        while True:  # declarations
            v = self.peek_non_space()
            if v.typ != VARIABLE:
                break
            self.next()
            token_after = self.peek()
            nxt = self.peek_non_space()
            if nxt.typ in (ASSIGN, DECLARE):
                pipe.is_assign = nxt.typ == ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(self, v.pos, v.val))
                self.vars.append(v.val)
            elif nxt.typ == CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(self, v.pos, v.val))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (VARIABLE, RIGHT_DELIM, RIGHT_PAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif token_after.typ == SPACE:
                self.backup3(v, token_after)
            else:
                self.backup2(v)
            break
        while True:
            tok = self.next_non_space()
            if tok.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if tok.typ in (BOOL, CHAR_CONSTANT, COMPLEX, DOT, FIELD, IDENTIFIER, NUMBER, NIL,
                           RAW_STRING, STRING, VARIABLE, LEFT_PAREN):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(tok, context)

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def parse_control(self, context: str) -> tuple[int, int, PipeNode, ListNode, ListNode | None]:
        mark = len(self.vars)
        self._enter()
        try:
            pipe = self.pipeline(context, RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, ElseNode):
                if context == "if" and self.peek().typ == IF:
                    self.next()
                    else_list = ListNode(self, nxt.pos)
                    else_list.nodes.append(IfNode(self, *self.parse_control("if")))
                elif context == "with" and self.peek().typ == WITH:
                    self.next()
                    else_list = ListNode(self, nxt.pos)
                    else_list.nodes.append(WithNode(self, *self.parse_control("with")))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return pipe.pos, pipe.line, pipe, lst, else_list
        finally:
            del self.vars[mark:]
            self._leave()

    def else_control(self) -> Node:
        peek = self.peek_non_space()
        if peek.typ in (IF, WITH):
            return ElseNode(self, peek.pos, peek.line)
        tok = self.expect(RIGHT_DELIM, "else")
        return ElseNode(self, tok.pos, tok.line)

    def block_control(self) -> Node:
        context = "block clause"
        tok = self.next_non_space()
        name = self.parse_template_name(tok, context)
        pipe = self.pipeline(context, RIGHT_DELIM)
        block = _Tree(name, self.text, self.funcs, self.tree_set, self.parse_name)
        block.lex = self.lex
        block.depth = self.depth
        block._enter()
        block.root, end = block.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        block.add()
        return TemplateNode(self, tok.pos, tok.line, name, pipe)

    def template_control(self) -> Node:
        context = "template clause"
        tok = self.next_non_space()
        name = self.parse_template_name(tok, context)
        pipe = None
        if self.next_non_space().typ != RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline(context, RIGHT_DELIM)
        return TemplateNode(self, tok.pos, tok.line, name, pipe)

    def parse_template_name(self, tok: Item, context: str) -> str:
        if tok.typ in (STRING, RAW_STRING):
            try:
                return _unquote(tok.val)
            except _SyntaxError:
                self.errorf("invalid syntax")
        self.unexpected(tok, context)
        raise AssertionError("unreachable")

    def command(self) -> CommandNode:
        cmd = CommandNode(self, self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            tok = self.next()
            if tok.typ == SPACE:
                continue
            if tok.typ in (RIGHT_DELIM, RIGHT_PAREN):
                self.backup()
            elif tok.typ == PIPE:
                pass
            else:
                self.unexpected(tok, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == FIELD:
            chain = ChainNode(self, self.peek().pos, node)
            while self.peek().typ == FIELD:
                chain.add(self.next().val)
            if isinstance(node, FieldNode):
                return FieldNode(self, chain.pos, str(chain))
            if isinstance(node, VariableNode):
                return VariableNode(self, chain.pos, str(chain))
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.errorf(f"unexpected . after term {quote(str(node))}")
            return chain
        return node

    def term(self) -> Node | None:
        tok = self.next_non_space()
        t = tok.typ
        if t == IDENTIFIER:
            if tok.val not in self.funcs:
                self.errorf(f"function {quote(tok.val)} not defined")
            return IdentifierNode(self, tok.pos, tok.val)
        if t == DOT:
            return DotNode(self, tok.pos)
        if t == NIL:
            return NilNode(self, tok.pos)
        if t == VARIABLE:
            v = VariableNode(self, tok.pos, tok.val)
            if v.ident[0] not in self.vars:
                self.errorf(f"undefined variable {quote(v.ident[0])}")
            return v
        if t == FIELD:
            return FieldNode(self, tok.pos, tok.val)
        if t == BOOL:
            return BoolNode(self, tok.pos, tok.val == "true")
        if t in (CHAR_CONSTANT, COMPLEX, NUMBER):
            try:
                return _make_number(self, tok.pos, tok.val, t)
            except ValueError as e:
                self.errorf(str(e))
        if t == LEFT_PAREN:
            self._enter()
            try:
                return self.pipeline("parenthesized pipeline", RIGHT_PAREN)
            finally:
                self._leave()
        if t in (STRING, RAW_STRING):
            try:
                return StringNode(self, tok.pos, tok.val, _unquote(tok.val))
            except _SyntaxError:
                self.errorf("invalid syntax")
        self.backup()
        return None


def _is_empty_tree(n: Node | None) -> bool:
    if n is None:
        return True
    if isinstance(n, CommentNode):
        return True
    if isinstance(n, ListNode):
        return all(_is_empty_tree(x) for x in n.nodes)
    if isinstance(n, TextNode):
        return n.text.strip(" \t\n\r\v\f") == ""
    return False


# ---------------------------------------------------------------------------------------------
# Execution


class _ExecPanic(Exception):
    pass


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def _indirect_interface(v: Any) -> Any:
    return NO_VALUE if v is None else v


def _can_be_nil(typ: str) -> bool:
    return typ in ("any", "value") or typ.startswith(("*", "[]", "map["))


def _zero(typ: str) -> Any:
    if typ == "any":
        return None
    if typ == "value":
        return NO_VALUE
    if typ.startswith("[]"):
        return GoSlice(gotype=typ, nil=True)
    if typ.startswith("map["):
        return GoMap(gotype=typ, nil=True)
    return GoNilPtr(typ)


def _go_type(typ: str) -> str:
    return {"any": "interface {}", "value": "reflect.Value"}.get(typ, typ)


class _State:
    """Execution state for one ``Execute`` call."""

    def __init__(self, tmpl: Template, tree: _Tree, funcs: dict[str, GoFunc], missingkey: str,
                 limit: int) -> None:
        self.tmpl = tmpl
        self.tree = tree
        self.funcs = funcs
        self.missingkey = missingkey
        self.node: Node | None = None
        self.vars: list[list[Any]] = []
        self.out: list[str] = []
        self.size = 0
        self.limit = limit
        self.steps = 0
        self.depth = 0

    # -- helpers
    def at(self, node: Node) -> None:
        self.node = node

    def errorf(self, msg: str) -> None:
        name = self.tree.name
        if self.node is None:
            raise _ExecPanic(f"template: {name}: {msg}")
        location, context = _error_context(self.node)
        raise _ExecPanic(f"template: {location}: executing {quote(name)} at <{context}>: {msg}")

    def write(self, s: str) -> None:
        self.size += len(s)
        if self.size > self.limit:
            raise TemplateError(f"template output exceeds {self.limit} bytes")
        self.out.append(s)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateError("template execution takes too many steps")

    def mark(self) -> int:
        return len(self.vars)

    def pop(self, mark: int) -> None:
        del self.vars[mark:]

    def push(self, name: str, value: Any) -> None:
        self.vars.append([name, value])

    def set_var(self, name: str, value: Any) -> None:
        for v in reversed(self.vars):
            if v[0] == name:
                v[1] = value
                return
        self.errorf(f"undefined variable: {name}")

    def set_top_var(self, n: int, value: Any) -> None:
        self.vars[len(self.vars) - n][1] = value

    def var_value(self, name: str) -> Any:
        for v in reversed(self.vars):
            if v[0] == name:
                return v[1]
        self.errorf(f"undefined variable: {name}")

    # -- walking
    def walk(self, dot: Any, node: Node) -> None:
        self.tick()
        self.at(node)
        if isinstance(node, ActionNode):
            val = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, val)
        elif isinstance(node, BreakNode):
            raise _Break
        elif isinstance(node, ContinueNode):
            raise _Continue
        elif isinstance(node, CommentNode):
            pass
        elif isinstance(node, IfNode):
            self.walk_if_or_with(False, dot, node)
        elif isinstance(node, ListNode):
            for n in node.nodes:
                self.walk(dot, n)
        elif isinstance(node, RangeNode):
            self.walk_range(dot, node)
        elif isinstance(node, TemplateNode):
            self.walk_template(dot, node)
        elif isinstance(node, TextNode):
            self.write(node.text)
        elif isinstance(node, WithNode):
            self.walk_if_or_with(True, dot, node)
        else:
            self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, is_with: bool, dot: Any, node: BranchNode) -> None:
        mark = self.mark()
        try:
            val = self.eval_pipeline(dot, node.pipe)
            truth, ok = is_true(_indirect_interface(val))
            if not ok:
                self.errorf(f"if/with can't use {sprint_value(val)}")
            if truth:
                self.walk(val if is_with else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(mark)

    def walk_range(self, dot: Any, r: RangeNode) -> None:
        self.at(r)
        outer = self.mark()
        try:
            val, _ = indirect(self.eval_pipeline(dot, r.pipe))
            mark = self.mark()

            def one(index: Any, elem: Any) -> None:
                self.tick()
                decl = r.pipe.decl
                if decl:
                    if r.pipe.is_assign:
                        self.set_var(decl[0].ident[0], index if len(decl) > 1 else elem)
                    else:
                        self.set_top_var(1, elem)
                if len(decl) > 1:
                    if r.pipe.is_assign:
                        self.set_var(decl[1].ident[0], elem)
                    else:
                        self.set_top_var(2, index)
                try:
                    self.walk(elem, r.list)
                except _Continue:
                    pass
                finally:
                    self.pop(mark)

            k = kind(val)
            try:
                if k == "slice":
                    if len(val):
                        for i, e in enumerate(list(val)):
                            one(i, e)
                        return
                elif k == "map":
                    if len(val):
                        for key in sorted(val, key=map_sort_key):
                            one(key, val[key])
                        return
                elif k in ("int", "uint"):
                    if len(r.pipe.decl) > 1:
                        self.errorf(f"can't use {sprint_value(val)} to iterate over more than "
                                    "one variable")
                    if val > 0:
                        for i in range(int(val)):
                            one(NO_VALUE, i)
                        return
                elif k == "invalid":
                    pass
                else:
                    self.errorf(f"range can't iterate over {sprint_value(val)}")
            except _Break:
                return
            if r.else_list is not None:
                self.walk(dot, r.else_list)
        finally:
            self.pop(outer)

    def walk_template(self, dot: Any, t: TemplateNode) -> None:
        self.at(t)
        tree = self.tmpl.trees.get(t.name)
        if tree is None or tree.root is None:
            self.errorf(f"template {quote(t.name)} not defined")
        if self.depth >= MAX_TEMPLATE_DEPTH:
            # Only runaway recursion gets this deep; report it as Go does.
            self.errorf(f"exceeded maximum template depth ({GO_MAX_EXEC_DEPTH})")
        dot = self.eval_pipeline(dot, t.pipe)
        saved = (self.tree, self.vars, self.depth)
        self.tree = tree
        self.vars = [["$", dot]]
        self.depth += 1
        try:
            self.walk(dot, tree.root)
        finally:
            self.tree, self.vars, self.depth = saved

    # -- evaluation
    def eval_pipeline(self, dot: Any, pipe: PipeNode | None) -> Any:
        if pipe is None:
            return NO_VALUE
        self.at(pipe)
        value: Any = MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            if value is None:  # a nil interface{} unwraps to "no value"
                value = NO_VALUE
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.push(var.ident[0], value)
        return value

    def not_a_function(self, args: list[Node], final: Any) -> None:
        if len(args) > 1 or final is not MISSING:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: CommandNode, final: Any) -> Any:
        self.tick()
        first = cmd.args[0]
        if isinstance(first, FieldNode):
            return self.eval_field_node(dot, first, cmd.args, final)
        if isinstance(first, ChainNode):
            return self.eval_chain_node(dot, first, cmd.args, final)
        if isinstance(first, IdentifierNode):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, PipeNode):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, VariableNode):
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, BoolNode):
            return first.value
        if isinstance(first, DotNode):
            return dot
        if isinstance(first, NilNode):
            self.errorf("nil is not a command")
        if isinstance(first, NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, StringNode):
            return first.text
        self.errorf(f"can't evaluate command {quote(str(first))}")

    def ideal_constant(self, c: NumberNode) -> Any:
        self.at(c)
        if c.is_complex:
            return c.complex128
        if (c.is_float and not _is_hex_int(c.text) and not c.text.startswith("'")
                and any(ch in c.text for ch in ".eEpP")):
            return c.float64
        if c.is_int:
            return c.int64
        if c.is_uint:
            self.errorf(f"{c.text} overflows int")
        return NO_VALUE

    def eval_field_node(self, dot: Any, field: FieldNode, args: list[Node] | None,
                        final: Any) -> Any:
        self.at(field)
        return self.eval_field_chain(dot, dot, field, field.ident, args, final)

    def eval_chain_node(self, dot: Any, chain: ChainNode, args: list[Node] | None,
                        final: Any) -> Any:
        self.at(chain)
        if not chain.field:
            self.errorf("internal error: no fields in evalChainNode")
        if isinstance(chain.node, NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        self.at(chain.node)
        if isinstance(chain.node, PipeNode):
            pipe = self.eval_pipeline(dot, chain.node)
        elif isinstance(chain.node, IdentifierNode):
            pipe = self.eval_function(dot, chain.node, chain.node, None, MISSING)
        else:
            pipe = self.eval_empty_interface(dot, chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.field, args, final)

    def eval_variable_node(self, dot: Any, var: VariableNode, args: list[Node] | None,
                           final: Any) -> Any:
        self.at(var)
        value = self.var_value(var.ident[0])
        if len(var.ident) == 1:
            self.not_a_function(args or [], final)
            return value
        return self.eval_field_chain(dot, value, var, var.ident[1:], args, final)

    def eval_field_chain(self, dot: Any, receiver: Any, node: Node, ident: list[str],
                         args: list[Node] | None, final: Any) -> Any:
        # A value read from map[string]interface{} is an interface: Go names its type
        # "interface {}" in errors about the next field.
        iface = False
        for name in ident[:-1]:
            from_iface_map = type(receiver) is dict
            receiver = self.eval_field(dot, name, node, None, MISSING, receiver, iface)
            iface = from_iface_map
        return self.eval_field(dot, ident[-1], node, args, final, receiver, iface)

    def eval_function(self, dot: Any, node: IdentifierNode, cmd: Node, args: list[Node] | None,
                      final: Any) -> Any:
        self.at(node)
        name = node.ident
        fn = self.funcs.get(name)
        if fn is None:
            self.errorf(f"{quote(name)} is not a defined function")
        return self.eval_call(dot, fn, name in _BUILTIN_NAMES, cmd, name, args, final)

    def eval_field(self, dot: Any, name: str, node: Node, args: list[Node] | None, final: Any,
                   receiver: Any, iface: bool = False) -> Any:
        if receiver is NO_VALUE:
            if self.missingkey == "error":
                self.errorf(f"nil data; no entry for key {quote(name)}")
            return NO_VALUE
        typ = "interface {}" if iface else type_name(receiver)
        receiver, is_nil = indirect(receiver)
        if receiver is None:
            self.errorf(f"nil pointer evaluating {typ}.{name}")
        methods = getattr(receiver, "methods", None) or {}
        if name in methods:
            return self.eval_call(dot, methods[name], False, node, name, args, final)
        has_args = (args is not None and len(args) > 1) or final is not MISSING
        k = kind(receiver)
        if k == "struct":
            try:
                found, value = receiver.lookup(name)
            except CallError as e:
                self.errorf(str(e))
            if found:
                if has_args:
                    self.errorf(f"{name} has arguments but cannot be invoked as function")
                return value
        elif k == "map":
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                return receiver[name]
            if self.missingkey == "error":
                self.errorf(f"map has no entry for key {quote(name)}")
            if self.missingkey == "zero":
                return receiver.elem_zero if isinstance(receiver, GoMap) else None
            return NO_VALUE
        elif k == "ptr" and is_nil and name in receiver.field_names:
            self.errorf(f"nil pointer evaluating {typ}.{name}")
        self.errorf(f"can't evaluate field {name} in type {typ}")

    def eval_call(self, dot: Any, fn: GoFunc, builtin: bool, node: Node, name: str,
                  args: list[Node] | None, final: Any) -> Any:
        if args is not None:
            args = args[1:]
        else:
            args = []
        params = fn.params
        num_in = len(args) + (0 if final is MISSING else 1)
        num_fixed = len(args)
        if fn.variadic:
            num_fixed = len(params) - 1
            if num_in < num_fixed:
                self.errorf(f"wrong number of args for {name}: want at least {len(params) - 1} "
                            f"got {len(args)}")
        elif num_in != len(params):
            self.errorf(f"wrong number of args for {name}: want {len(params)} got {num_in}")
        if builtin and name in ("and", "or"):
            v: Any = NO_VALUE
            for a in args:
                v = self.eval_arg(dot, "value", a)
                if _truth(v) == (name == "or"):
                    return v
            if final is not MISSING:
                v = self.validate_type(final, "value")
            return v
        argv: list[Any] = []
        i = 0
        while i < num_fixed and i < len(args):
            argv.append(self.eval_arg(dot, params[i], args[i]))
            i += 1
        if fn.variadic:
            elem = params[-1]
            while i < len(args):
                argv.append(self.eval_arg(dot, elem, args[i]))
                i += 1
        if final is not MISSING:
            t = params[-1] if params else "any"
            if fn.variadic and num_in - 1 < num_fixed:
                t = params[num_in - 1]
            argv.append(self.validate_type(final, t))
        if builtin and name == "call":
            argv.insert(0, str(args[0]) if args else "")
        try:
            return fn.fn(*argv)
        except CallError as e:
            self.at(node)
            self.errorf(f"error calling {name}: {e}")
        except FormatTooLarge as e:
            raise TemplateError(str(e)) from None

    def validate_type(self, value: Any, typ: str) -> Any:
        if value is NO_VALUE:
            if _can_be_nil(typ):
                return _zero(typ)
            self.errorf(f"invalid value; expected {_go_type(typ)}")
        if typ in ("any", "value"):
            return value
        if assignable(value, typ):
            return value
        if value is not None and isinstance(value, GoStruct) and value.pointer \
                and value.gotype == typ:
            return value.deref()
        if isinstance(value, GoStruct) and not value.pointer and typ == "*" + value.gotype:
            return value.addr()
        self.errorf(f"wrong type for value; expected {_go_type(typ)}; got {type_name(value)}")

    def eval_arg(self, dot: Any, typ: str, n: Node) -> Any:
        self.at(n)
        if isinstance(n, DotNode):
            return self.validate_type(dot, typ)
        if isinstance(n, NilNode):
            if _can_be_nil(typ):
                return _zero(typ)
            self.errorf(f"cannot assign nil to {_go_type(typ)}")
        if isinstance(n, FieldNode):
            return self.validate_type(self.eval_field_node(dot, n, [n], MISSING), typ)
        if isinstance(n, VariableNode):
            return self.validate_type(self.eval_variable_node(dot, n, None, MISSING), typ)
        if isinstance(n, PipeNode):
            return self.validate_type(self.eval_pipeline(dot, n), typ)
        if isinstance(n, IdentifierNode):
            return self.validate_type(self.eval_function(dot, n, n, None, MISSING), typ)
        if isinstance(n, ChainNode):
            return self.validate_type(self.eval_chain_node(dot, n, None, MISSING), typ)
        if typ == "bool":
            if isinstance(n, BoolNode):
                return n.value
            self.errorf(f"expected bool; found {n}")
        if typ in ("float64", "float32"):
            if isinstance(n, NumberNode) and n.is_float:
                return n.float64
            self.errorf(f"expected float; found {n}")
        if typ in ("int", "int64", "int32", "int16", "int8"):
            if isinstance(n, NumberNode) and n.is_int:
                return n.int64 if typ == "int" else GoInt(n.int64, typ)
            self.errorf(f"expected integer; found {n}")
        if typ.startswith("uint"):
            if isinstance(n, NumberNode) and n.is_uint:
                return GoInt(n.uint64, typ)
            self.errorf(f"expected unsigned integer; found {n}")
        if typ in ("any", "value"):
            return self.eval_empty_interface(dot, n)
        if typ == "string":
            if isinstance(n, StringNode):
                return n.text
            self.errorf(f"expected string; found {n}")
        self.errorf(f"can't handle {n} for arg of type {_go_type(typ)}")

    def eval_empty_interface(self, dot: Any, n: Node) -> Any:
        self.at(n)
        if isinstance(n, BoolNode):
            return n.value
        if isinstance(n, DotNode):
            return dot
        if isinstance(n, FieldNode):
            return self.eval_field_node(dot, n, None, MISSING)
        if isinstance(n, IdentifierNode):
            return self.eval_function(dot, n, n, None, MISSING)
        if isinstance(n, NilNode):
            self.errorf("evalEmptyInterface: nil (can't happen)")
        if isinstance(n, NumberNode):
            return self.ideal_constant(n)
        if isinstance(n, StringNode):
            return n.text
        if isinstance(n, VariableNode):
            return self.eval_variable_node(dot, n, None, MISSING)
        if isinstance(n, PipeNode):
            return self.eval_pipeline(dot, n)
        self.errorf(f"can't handle assignment of {n} to empty interface argument")

    def print_value(self, node: Node, v: Any) -> None:
        self.at(node)
        v, _ = indirect(v) if isinstance(v, (GoStruct, GoPtr)) else (v, False)
        if v is NO_VALUE:
            self.write("<no value>")
            return
        self.write(sprint_value(v))


def _is_hex_int(s: str) -> bool:
    return len(s) > 2 and s[0] == "0" and s[1] in "xX" and not any(c in s for c in "pP")


def _error_context(node: Node) -> tuple[str, str]:
    """Go's ``ErrorContext``: "name:line:col" (byte column) and the node's text."""
    tree = node.tree
    text = tree.text[:node.pos]
    nl = text.rfind("\n")
    if nl == -1:
        col = len(utf8_bytes(text))
    else:
        col = len(utf8_bytes(text[nl + 1:]))
    line = 1 + text.count("\n")
    return f"{tree.parse_name}:{line}:{col}", str(node)


# ---------------------------------------------------------------------------------------------
# Builtin functions


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


class Template:
    """A parsed template. ``Template(text)`` raises :class:`ParseError` on bad syntax."""

    def __init__(self, text: str, funcs: dict[str, GoFunc] | None = None, name: str = "") -> None:
        self.name = name
        self.text = text
        self.funcs: dict[str, GoFunc] = {**_BUILTINS, **(DOCKER_FUNCS if funcs is None else funcs)}
        self.trees: dict[str, _Tree] = {}
        tree = _Tree(name, text, frozenset(self.funcs), self.trees, parse_name=name)
        try:
            tree.parse()
        except _ParsePanic as e:
            raise ParseError(str(e)) from None
        except RecursionError:
            raise ParseError(f"template: {name}:1: max expression depth exceeded") from None
        if name not in self.trees:
            self.trees[name] = tree

    def execute(self, data: Any, *, funcs: dict[str, GoFunc] | None = None,
                missingkey: str = "default", limit: int = MAX_OUTPUT) -> str:
        """Run the template on ``data``; raises :class:`ExecError` with Go's message.

        ``funcs`` replaces functions by name for this run (docker's header functions);
        ``missingkey`` is Go's option: "default", "zero" or "error".
        """
        st, err = self._run(data, funcs, missingkey, limit)
        if err is not None:
            raise ExecError(err)
        return "".join(st.out)

    def execute_partial(self, data: Any, *, funcs: dict[str, GoFunc] | None = None,
                        missingkey: str = "default", limit: int = MAX_OUTPUT) -> tuple[str, str | None]:
        """Like :meth:`execute` but return (output so far, error message or None).

        Go writes as it goes, so a failing template has already produced some output; docker
        prints that partial output for table headers.
        """
        st, err = self._run(data, funcs, missingkey, limit)
        return "".join(st.out), err

    def _run(self, data: Any, funcs: dict[str, GoFunc] | None, missingkey: str,
             limit: int) -> tuple[_State, str | None]:
        all_funcs = {**self.funcs, **(funcs or {})}
        tree = self.trees[self.name]
        st = _State(self, tree, all_funcs, missingkey, limit)
        st.vars = [["$", data]]
        try:
            if tree.root is None:
                st.errorf(f"{quote(self.name)} is an incomplete or empty template")
            st.walk(data, tree.root)
        except _ExecPanic as e:
            return st, str(e)
        except (_Break, _Continue):  # pragma: no cover - parser forbids these outside range
            return st, None
        except RecursionError:
            raise TemplateError("template nesting is too deep") from None
        return st, None


def parse(text: str, funcs: dict[str, GoFunc] | None = None) -> Template:
    """Parse ``text`` with Go's builtins plus Docker's functions (or ``funcs`` instead)."""
    return Template(text, funcs)


def render(text: str, data: Any, **kwargs: Any) -> str:
    """Parse and execute in one go (convenience for callers and tests)."""
    return Template(text).execute(data, **kwargs)
