"""The lexer (Go's text/template/parse/lex.go): template text to items."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable

from ...cli.gostrconv import is_print
from ..gofmt import quote

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
