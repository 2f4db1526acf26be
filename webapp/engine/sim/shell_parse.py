"""Parsing the small POSIX shell language the simulated bash and sh understand.

Enough for what learners type and lessons use: simple commands with assignments and redirections,
`;`, `&`, `&&`, `||`, `|`, `!`, `{ }`, `( )`, `if`, `while`, `until`, `for`, and words with quotes,
`$VAR`, `${VAR}`, `$?`, `$$`, `$(...)` and backquotes. Words stay raw here and are expanded when they run.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPERATORS = ("&&", "||", ";;", ">>", "2>&1", "1>&2", ">&2", "2>", "&>", ";", "&", "|", "(", ")", "<",
             ">", "\n")
KEYWORDS = {"if", "then", "elif", "else", "fi", "while", "until", "do", "done", "for", "in", "{", "}", "!"}


#: What a function definition answers (the simulated shells run scripts without functions).
FUNCTIONS_REFUSED = ("shell functions are not modelled in this sandbox: write the commands out "
                     "(or loop with for/while)")


class ShellSyntaxError(Exception):
    """The script is malformed; `incomplete` means more input could complete it (PS2)."""

    def __init__(self, message: str, incomplete: bool = False):
        super().__init__(message)
        self.incomplete = incomplete


@dataclass
class Tok:
    kind: str  # "word" or "op"
    text: str
    quoted: bool = False


@dataclass
class Redirect:
    op: str  # ">", ">>", "<", "2>", "2>&1", "&>"
    target: str = ""


@dataclass
class Simple:
    assigns: list[str] = field(default_factory=list)
    words: list[str] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Pipeline:
    commands: list[Command]
    negate: bool = False


@dataclass
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]] = field(default_factory=list)


@dataclass
class Seq:
    items: list[tuple[AndOr, bool]] = field(default_factory=list)  # (and_or, background)
    # What ended each item: "&", ";", "\n" (a new line follows, even after a `;`) or "" (the end).
    # bash parses a `-c` string line by line, and whether it forks its last command depends on it.
    seps: list[str] = field(default_factory=list)


@dataclass
class If:
    branches: list[tuple[Seq, Seq]]
    otherwise: Seq | None = None


@dataclass
class Loop:
    cond: Seq
    body: Seq
    until: bool = False


@dataclass
class For:
    var: str
    words: list[str]
    body: Seq


@dataclass
class Group:
    body: Seq
    subshell: bool = False


# What a pipeline stage can be; the interpreter dispatches on these classes.
Command = Simple | Group | If | Loop | For


def tokenize(text: str) -> list[Tok]:
    """Split into words and operators, keeping each word's quoting for later expansion."""
    toks: list[Tok] = []
    i, n = 0, len(text)
    while i < n:
        ch = text[i]
        if ch in " \t":
            i += 1
            continue
        if ch == "#" :
            while i < n and text[i] != "\n":
                i += 1
            continue
        if ch == "\\" and i + 1 < n and text[i + 1] == "\n":
            i += 2
            continue
        op = next((o for o in OPERATORS if text.startswith(o, i)), None)
        if op is not None and not (op in ("2>", "2>&1", "1>&2") and toks and toks[-1].kind == "word"
                                   and i > 0 and text[i - 1] not in " \t"):
            toks.append(Tok("op", op))
            i += len(op)
            continue
        start, quoted = i, False
        while i < n:
            ch = text[i]
            if ch in " \t\n;&|()<>":
                break
            if ch == "\\":
                i += 2
                quoted = True
                continue
            if ch == "'":
                end = text.find("'", i + 1)
                if end < 0:
                    raise ShellSyntaxError("unexpected EOF while looking for matching `''", True)
                i, quoted = end + 1, True
                continue
            if ch == '"':
                i = _skip_double(text, i + 1)
                quoted = True
                continue
            if text.startswith("$(", i):
                i = _skip_subst(text, i + 2)
                continue
            if ch == "`":
                i = _skip_backquote(text, i + 1)
                continue
            i += 1
        toks.append(Tok("word", text[start:i], quoted))
    return toks


def _skip_double(text: str, i: int) -> int:
    n = len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == '"':
            return i + 1
        if text.startswith("$(", i):
            i = _skip_subst(text, i + 2)
            continue
        if text[i] == "`":
            i = _skip_backquote(text, i + 1)
            continue
        i += 1
    raise ShellSyntaxError("unexpected EOF while looking for matching `\"'", True)


def _skip_backquote(text: str, i: int) -> int:
    """The index past the backquote that closes the one before `i` (a backslash escapes)."""
    n = len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
            continue
        if text[i] == "`":
            return i + 1
        i += 1
    raise ShellSyntaxError("unexpected EOF while looking for matching ``'", True)


def _skip_subst(text: str, i: int) -> int:
    depth, n = 1, len(text)
    while i < n:
        ch = text[i]
        if ch == "'":
            end = text.find("'", i + 1)
            if end < 0:
                break
            i = end + 1
            continue
        if ch == '"':
            i = _skip_double(text, i + 1)
            continue
        if ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    raise ShellSyntaxError("unexpected EOF while looking for matching `)'", True)


class Parser:
    def __init__(self, toks: list[Tok]):
        self.toks = toks
        self.i = 0

    def peek(self) -> Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def next(self) -> Tok:
        tok = self.peek()
        if tok is None:
            raise ShellSyntaxError("syntax error: unexpected end of file", True)
        self.i += 1
        return tok

    def is_kw(self, word: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "word" and not tok.quoted and tok.text == word

    def is_op(self, op: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "op" and tok.text == op

    def expect_kw(self, word: str) -> None:
        tok = self.peek()
        if tok is None:
            raise ShellSyntaxError("syntax error: unexpected end of file", True)
        if not self.is_kw(word):
            raise ShellSyntaxError(f"syntax error near unexpected token `{tok.text}'")
        self.i += 1

    def skip_newlines(self) -> None:
        while self.is_op("\n") or self.is_op(";"):
            self.i += 1

    def parse_program(self) -> Seq:
        seq = self.parse_seq(stop=())
        tok = self.peek()
        if tok is not None:
            raise ShellSyntaxError(f"syntax error near unexpected token `{tok.text}'")
        return seq

    def parse_seq(self, stop: tuple[str, ...]) -> Seq:
        seq = Seq()
        while True:
            while self.is_op("\n") or self.is_op(";"):
                if self.is_op("\n") and seq.seps:
                    seq.seps[-1] = "\n"
                self.i += 1
            tok = self.peek()
            if tok is None or (tok.kind == "word" and not tok.quoted and tok.text in stop) or (
                tok.kind == "op" and tok.text == ")" and ")" in stop
            ):
                return seq
            node = self.parse_and_or()
            background = False
            sep = ""
            if self.is_op("&"):
                self.i += 1
                background = True
                sep = "&"
            elif self.is_op(";") or self.is_op("\n"):
                sep = self.next().text
            elif (bad := self.peek()) is not None and not self._at_stop(stop):
                raise ShellSyntaxError(f"syntax error near unexpected token `{bad.text}'")
            seq.items.append((node, background))
            seq.seps.append(sep)

    def _at_stop(self, stop: tuple[str, ...]) -> bool:
        tok = self.peek()
        if tok is None:
            return True
        if tok.kind == "word" and not tok.quoted and tok.text in stop:
            return True
        return tok.kind == "op" and tok.text == ")" and ")" in stop

    def parse_and_or(self) -> AndOr:
        node = AndOr(self.parse_pipeline())
        while self.is_op("&&") or self.is_op("||"):
            op = self.next().text
            while self.is_op("\n"):
                self.i += 1
            node.rest.append((op, self.parse_pipeline()))
        return node

    def parse_pipeline(self) -> Pipeline:
        negate = False
        if self.is_kw("!"):
            self.i += 1
            negate = True
        cmds = [self.parse_command()]
        while self.is_op("|"):
            self.i += 1
            while self.is_op("\n"):
                self.i += 1
            cmds.append(self.parse_command())
        return Pipeline(cmds, negate)

    def parse_command(self) -> Command:
        tok = self.peek()
        if tok is None:
            raise ShellSyntaxError("syntax error: unexpected end of file", True)
        if tok.kind == "op" and tok.text == "(":
            self.i += 1
            body = self.parse_seq(stop=(")",))
            if not self.is_op(")"):
                raise ShellSyntaxError("syntax error: unexpected end of file", True)
            self.i += 1
            return Group(body, subshell=True)
        if tok.kind == "word" and not tok.quoted:
            if tok.text == "{":
                self.i += 1
                body = self.parse_seq(stop=("}",))
                self.expect_kw("}")
                return Group(body)
            if tok.text == "if":
                return self.parse_if()
            if tok.text in ("while", "until"):
                self.i += 1
                cond = self.parse_seq(stop=("do",))
                self.expect_kw("do")
                body = self.parse_seq(stop=("done",))
                self.expect_kw("done")
                return Loop(cond, body, until=tok.text == "until")
            if tok.text == "for":
                return self.parse_for()
            if tok.text in ("then", "elif", "else", "fi", "do", "done", "}", "in"):
                raise ShellSyntaxError(f"syntax error near unexpected token `{tok.text}'")
            if tok.text == "function" or self._defines_function():
                # Real shells have functions; this one does not model them, and says so rather
                # than calling the definition a syntax error.
                raise ShellSyntaxError(FUNCTIONS_REFUSED)
        return self.parse_simple()

    def _defines_function(self) -> bool:
        """`name() ...`: the word at the cursor followed by `(` and `)`."""
        ahead = self.toks[self.i + 1:self.i + 3]
        return (len(ahead) == 2 and all(t.kind == "op" for t in ahead)
                and [t.text for t in ahead] == ["(", ")"])

    def parse_if(self) -> If:
        self.expect_kw("if")
        branches = []
        cond = self.parse_seq(stop=("then",))
        self.expect_kw("then")
        body = self.parse_seq(stop=("elif", "else", "fi"))
        branches.append((cond, body))
        otherwise = None
        while True:
            if self.is_kw("elif"):
                self.i += 1
                cond = self.parse_seq(stop=("then",))
                self.expect_kw("then")
                body = self.parse_seq(stop=("elif", "else", "fi"))
                branches.append((cond, body))
                continue
            if self.is_kw("else"):
                self.i += 1
                otherwise = self.parse_seq(stop=("fi",))
            self.expect_kw("fi")
            return If(branches, otherwise)

    def parse_for(self) -> For:
        self.expect_kw("for")
        var = self.next()
        if var.kind != "word":
            raise ShellSyntaxError(f"syntax error near unexpected token `{var.text}'")
        words: list[str] = []
        self.skip_newlines() if self.is_op("\n") else None
        if self.is_kw("in"):
            self.i += 1
            while (tok := self.peek()) is not None and tok.kind == "word":
                words.append(tok.text)
                self.i += 1
        else:
            words = ['"$@"']
        self.skip_newlines()
        self.expect_kw("do")
        body = self.parse_seq(stop=("done",))
        self.expect_kw("done")
        return For(var.text, words, body)

    def parse_simple(self) -> Simple:
        cmd = Simple()
        while True:
            tok = self.peek()
            if tok is None:
                break
            if tok.kind == "op" and tok.text in (">", ">>", "<", "2>", "&>"):
                self.i += 1
                target = self.next()
                if target.kind != "word":
                    raise ShellSyntaxError(f"syntax error near unexpected token `{target.text}'")
                cmd.redirects.append(Redirect(tok.text, target.text))
                continue
            if tok.kind == "op" and tok.text in ("2>&1", "1>&2", ">&2"):
                self.i += 1
                cmd.redirects.append(Redirect(">&2" if tok.text != "2>&1" else "2>&1"))
                continue
            if tok.kind != "word":
                break
            if not cmd.words and not tok.quoted and _is_assignment(tok.text):
                cmd.assigns.append(tok.text)
            else:
                cmd.words.append(tok.text)
            self.i += 1
        if not cmd.words and not cmd.assigns and not cmd.redirects:
            tok = self.peek()
            raise ShellSyntaxError(
                f"syntax error near unexpected token `{tok.text if tok else 'newline'}'",
                incomplete=tok is None,
            )
        return cmd


def _is_assignment(word: str) -> bool:
    name, eq, _ = word.partition("=")
    return bool(eq) and name.replace("_", "a").isalnum() and not name[0].isdigit()


def parse(text: str) -> Seq:
    return Parser(tokenize(text)).parse_program()
