"""Shell arithmetic, `$((...))`: POSIX's C-like integer expressions, as dash and busybox ash do them.

Signed 64-bit integers that wrap; variables by name (unset or empty is 0, a value is itself read as
an expression's number); the operators `+ - * / % << >> < <= > >= == != & ^ | && || ! ~ ?:`, unary
`+ -`, parentheses and the assignments `= += -= *= /= %= <<= >>= &= ^= |=`. The expression is
bounded in length, so evaluating it costs at most a few thousand steps.
"""

from __future__ import annotations

import re
from collections.abc import Callable

MAX_EXPRESSION = 4096
_TOKEN = re.compile(r"\s*(0[xX][0-9a-fA-F]+|[0-9]+|[A-Za-z_][A-Za-z0-9_]*|<<=|>>=|<<|>>|<=|>=|==|!=|"
                    r"&&|\|\||[-+*/%&^|]=|[-+*/%<>&^|!~?:=()])")
_BINARY = [("||",), ("&&",), ("|",), ("^",), ("&",), ("==", "!="), ("<", "<=", ">", ">="),
           ("<<", ">>"), ("+", "-"), ("*", "/", "%")]
_ASSIGN = {"=", "+=", "-=", "*=", "/=", "%=", "<<=", ">>=", "&=", "^=", "|="}


class ArithError(Exception):
    """The expression is not valid (the message is the shell's words after `sh: `)."""


def _wrap(value: int) -> int:
    value &= (1 << 64) - 1
    return value - (1 << 64) if value >= 1 << 63 else value


def _number(text: str) -> int:
    if text[:2] in ("0x", "0X"):
        return int(text, 0)
    if len(text) > 1 and text.startswith("0"):
        if any(ch in "89" for ch in text):
            raise ArithError(f"arithmetic syntax error: invalid number \"{text}\"")
        return int(text, 8)
    return int(text)


def _apply(op: str, left: int, right: int) -> int:
    if op in ("/", "%"):
        if right == 0:
            raise ArithError("divide by zero")
        quotient = abs(left) // abs(right) * (1 if (left >= 0) == (right >= 0) else -1)
        return _wrap(quotient if op == "/" else left - quotient * right)
    if op in ("<<", ">>"):
        right &= 63
        return _wrap(left << right if op == "<<" else left >> right)
    table: dict[str, Callable[[int, int], int]] = {
        "+": lambda a, b: a + b, "-": lambda a, b: a - b, "*": lambda a, b: a * b,
        "<": lambda a, b: int(a < b), "<=": lambda a, b: int(a <= b), ">": lambda a, b: int(a > b),
        ">=": lambda a, b: int(a >= b), "==": lambda a, b: int(a == b), "!=": lambda a, b: int(a != b),
        "&": lambda a, b: a & b, "^": lambda a, b: a ^ b, "|": lambda a, b: a | b,
        "&&": lambda a, b: int(bool(a) and bool(b)), "||": lambda a, b: int(bool(a) or bool(b)),
    }
    return _wrap(table[op](left, right))


class _Parser:
    def __init__(self, tokens: list[str], get: Callable[[str], str | None],
                 put: Callable[[str, str], None], depth: int):
        self.tokens, self.pos, self.get, self.put, self.depth = tokens, 0, get, put, depth

    def peek(self) -> str | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> str:
        token = self.peek()
        if token is None:
            raise ArithError("arithmetic syntax error")
        self.pos += 1
        return token

    def variable(self, name: str) -> int:
        text = (self.get(name) or "").strip()
        if not text:
            return 0
        if self.depth > 8:
            raise ArithError(f"{name}: expression recursion level exceeded")
        return evaluate(text, self.get, self.put, depth=self.depth + 1)

    def expression(self) -> int:
        token = self.peek()
        if token and re.fullmatch(r"[A-Za-z_]\w*", token) and self.pos + 1 < len(self.tokens) \
                and self.tokens[self.pos + 1] in _ASSIGN:
            name, op = self.take(), self.take()
            value = self.expression()
            if op != "=":
                value = _apply(op[:-1], self.variable(name), value)
            self.put(name, str(value))
            return value
        return self.conditional()

    def conditional(self) -> int:
        test = self.binary(0)
        if self.peek() != "?":
            return test
        self.take()
        yes = self.expression()
        if self.take() != ":":
            raise ArithError("arithmetic syntax error")
        no = self.conditional()
        return yes if test else no

    def binary(self, level: int) -> int:
        if level == len(_BINARY):
            return self.unary()
        left = self.binary(level + 1)
        while self.peek() in _BINARY[level]:
            op = self.take()
            left = _apply(op, left, self.binary(level + 1))
        return left

    def unary(self) -> int:
        token = self.take()
        if token == "(":
            value = self.expression()
            if self.take() != ")":
                raise ArithError("arithmetic syntax error")
            return value
        if token in ("+", "-", "!", "~"):
            value = self.unary()
            return {"+": value, "-": _wrap(-value), "!": int(not value), "~": _wrap(~value)}[token]
        if token[0].isdigit():
            return _wrap(_number(token))
        if re.fullmatch(r"[A-Za-z_]\w*", token):
            return self.variable(token)
        raise ArithError("arithmetic syntax error")


def evaluate(expression: str, get: Callable[[str], str | None], put: Callable[[str, str], None],
             *, depth: int = 0) -> int:
    """The value of an arithmetic expression (whose `$` expansions are already done)."""
    if len(expression) > MAX_EXPRESSION:
        raise ArithError("arithmetic expression too long")
    tokens: list[str] = []
    pos = 0
    while pos < len(expression):
        if not expression[pos:].strip():
            break
        match = _TOKEN.match(expression, pos)
        if not match:
            raise ArithError("arithmetic syntax error")
        tokens.append(match.group(1))
        pos = match.end()
    if not tokens:
        return 0
    parser = _Parser(tokens, get, put, depth)
    value = parser.expression()
    if parser.peek() is not None:
        raise ArithError("arithmetic syntax error")
    return value
