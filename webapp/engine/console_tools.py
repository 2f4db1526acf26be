"""The console shell's builtins and tools: what runs in a console line besides `docker`.

Builtins are the simulator's bash builtins that make sense without files or processes (`echo`,
`export`, `unset`, `test`, `read`, `true`, `false`, `break`, `continue`), plus the console's own:
`history`, `help`, `clear`, and an `exit` that explains why the console stays. Tools are the
simulator's text applets (`grep`, `head`, `tail`, `wc`, `sort`, `cat`, `sleep`) with two of their
own: `xargs` (GNU's exit statuses) and a small `awk` (patterns, `print`, `printf`, fields, `NR`,
`NF`, `-F`), which names what it does not support instead of guessing.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

from .sim import applets
from .sim.process import INTERRUPTED, NullStream, Proc, Program, ReadChunk, WaitPid
from .sim.shell import BUILTINS, IO, Shell

if TYPE_CHECKING:
    from .console_shell import ConsoleShell

Gen = Generator[Any, Any, int]

HELP = """\
Lifecycle Lab console: a small bash whose one program is docker.
  docker COMMAND ...                 any docker command the sandbox supports (docker --help)
  a; b   a && b   a || b             lists, as in bash ($? holds the last exit status)
  docker stop $(docker ps -q)        $(...) and `...` substitute a command's output
  docker ps | grep web | wc -l       pipes into grep, head, tail, wc, sort, cat, awk, xargs
  docker ps -aq | xargs docker rm    xargs runs a command with the words it reads
  NAME=value  export NAME=value      variables: $NAME, "${NAME}"; if/while/for work too
  echo  history  clear  help         the console's own commands
Not here: files (> file, >> file, < file), background jobs (&), other programs
(anything else answers "command not found"). The console cannot be exited.
"""
CLEAR = "\x1b[H\x1b[2J\x1b[3J"  # what `clear` prints on an xterm


def _console(sh: Shell) -> ConsoleShell:
    from .console_shell import ConsoleShell

    assert isinstance(sh, ConsoleShell)
    return sh


def b_history(sh: Shell, argv: list[str], io: IO) -> Gen:
    """bash's `history [N]` and `history -c`, over the sandbox's bounded history."""
    history = _console(sh).line.state.history
    args = argv[1:]
    if args[:1] == ["-c"]:
        history.clear()
        _console(sh).line.state.history_count = _console(sh).line.state.history_size = 0
        return 0
    entries = list(history)
    first = _console(sh).line.state.history_count - len(entries) + 1
    if args:
        if not args[0].isdigit():
            io.write(f"bash: history: {args[0]}: numeric argument required\n", "stderr")
            return 1
        count = int(args[0])
        first += max(0, len(entries) - count)
        entries = entries[len(entries) - count:] if count else []
    io.write("".join(f"{first + i:5d}  {line}\n" for i, line in enumerate(entries)))
    return 0
    yield  # pragma: no cover


def b_help(sh: Shell, argv: list[str], io: IO) -> Gen:
    io.write(HELP)
    return 0
    yield  # pragma: no cover


def b_clear(sh: Shell, argv: list[str], io: IO) -> Gen:
    io.write(CLEAR)
    return 0
    yield  # pragma: no cover


def b_cd(sh: Shell, argv: list[str], io: IO) -> Gen:
    io.write("lifecycle-lab: the console has no files or folders to change to; `docker exec -it "
             "NAME bash` gives a shell inside a container\n", "stderr")
    return 1
    yield  # pragma: no cover


def b_export(sh: Shell, argv: list[str], io: IO) -> Gen:
    """bash's `export`, within the console's bounds on variables."""
    line = _console(sh).line
    for arg in argv[1:]:
        name, _, value = arg.partition("=")
        line.bounded(name, value)
    status = yield from BUILTINS["export"](sh, argv, io)
    line.check_variables()
    return status


def b_exit(sh: Shell, argv: list[str], io: IO) -> Gen:
    from .console_shell import NO_EXIT

    io.write(NO_EXIT, "stderr")
    return 1
    yield  # pragma: no cover


KEPT = ("echo", "unset", "true", "false", ":", "test", "[", "read", "break", "continue")
CONSOLE_BUILTINS: dict[str, Callable[[Shell, list[str], IO], Gen]] = {
    **{name: BUILTINS[name] for name in KEPT},
    "history": b_history, "help": b_help, "clear": b_clear, "exit": b_exit, "logout": b_exit,
    "cd": b_cd, "export": b_export,
}


# -- xargs -------------------------------------------------------------------------------------------

def _read_all(proc: Proc) -> Generator[Any, Any, str]:
    parts: list[str] = []
    while True:
        chunk = yield ReadChunk()
        if chunk is None:
            return "".join(parts)
        if chunk is not INTERRUPTED:
            parts.append(chunk)


def xargs(proc: Proc) -> Gen:
    """GNU xargs: run the command (echo by default) with the words read from stdin appended."""
    args = proc.argv[1:]
    per_call: int | None = None
    replace: str | None = None
    skip_empty = False
    while args and args[0].startswith("-") and args[0] != "-":
        flag = args.pop(0)
        if flag == "--":
            break
        if flag in ("-r", "--no-run-if-empty"):
            skip_empty = True
        elif flag in ("-n", "-I", "-L") and args:
            value = args.pop(0)
            if flag == "-I":
                replace = value
            elif not value.isdigit() or int(value) < 1:
                proc.write(f"xargs: invalid number \"{value}\" for -{flag[1]} option\n", "stderr")
                return 1
            else:
                per_call = int(value)
        elif flag.startswith("-n") and flag[2:].isdigit():
            per_call = int(flag[2:])
        else:
            proc.write(f"xargs: invalid option -- '{flag.lstrip('-')[:1]}'\nUsage: xargs [OPTION]... "
                       "COMMAND [INITIAL-ARGS]...\nTry 'xargs --help' for more information.\n", "stderr")
            return 1
    command = args or ["echo"]
    text = yield from _read_all(proc)
    if replace is not None:
        items = [line.strip() for line in text.splitlines() if line.strip()]
        calls = [[a.replace(replace, item) for a in command] for item in items]
    else:
        try:
            words = shlex.split(text, comments=False, posix=True)
        except ValueError:
            proc.write("xargs: unmatched quote; by default quotes are special to xargs unless you "
                       "use the -0 option\n", "stderr")
            return 1
        if not words:
            calls = [] if skip_empty else [list(command)]
        else:
            size = per_call or len(words)
            calls = [command + words[i:i + size] for i in range(0, len(words), size)]
    status = 0
    for argv in calls:
        program, code, _ = proc.box.resolve(proc, argv)
        if program is None:
            proc.write(f"xargs: {argv[0]}: No such file or directory\n", "stderr")
            return 127
        child = Proc(proc.box, argv, env=proc.env, cwd=proc.cwd, out=proc.write, stdin=NullStream(),
                     tty=proc.tty, parent=proc)
        proc.foreground = child
        child.start(program)
        result = yield WaitPid(child)
        proc.foreground = None
        code = int(result if isinstance(result, int) else child.exit_code or 0)
        if child.killed_by is not None:
            proc.write(f"xargs: {argv[0]}: terminated by signal {child.killed_by}\n", "stderr")
            return 125
        if code == 255:
            proc.write(f"xargs: {argv[0]}: exited with status 255; aborting\n", "stderr")
            return 124
        if code:
            status = 123
    return status


# -- tail +N -----------------------------------------------------------------------------------------

def tail(proc: Proc) -> Gen:
    """The simulator's tail, plus `tail -n +N` (from line N on, as after a table's header)."""
    args = proc.argv[1:]
    start = None
    rest = []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "-n" and index + 1 < len(args) and args[index + 1].startswith("+"):
            start, index = args[index + 1][1:], index + 2
            continue
        if arg.startswith("-n+") or (arg.startswith("+") and arg[1:].isdigit()):
            start = arg.lstrip("-n").lstrip("+")
        else:
            rest.append(arg)
        index += 1
    if start is None:
        return (yield from applets.tail(proc))
    if not start.isdigit():
        proc.write(f"tail: invalid number of lines: '+{start}'\n", "stderr")
        return 1
    text = yield from _read_all(proc)
    proc.write("".join(text.splitlines(keepends=True)[max(0, int(start) - 1):]))
    return 0


# -- awk ---------------------------------------------------------------------------------------------

class AwkError(Exception):
    """The program is not awk, or uses what this awk does not have (the text says which)."""


_TOKEN = re.compile(r"""
    (?P<ws>[ \t]+|\\\n)
  | (?P<num>\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)
  | (?P<str>"(?:[^"\\\n]|\\.)*")
  | (?P<name>[A-Za-z_][A-Za-z0-9_]*)
  | (?P<op>\+\+|--|\+=|-=|\*=|/=|==|!=|<=|>=|&&|\|\||!~|[-+*/%<>=!~$(){},;\n?:])
""", re.VERBOSE)
_FUNCS = {"length", "toupper", "tolower", "substr", "index", "int"}


def _tokens(src: str) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []
    i = 0
    while i < len(src):
        if src[i] == "/" and _regex_allowed(out):
            end = i + 1
            while end < len(src) and src[end] != "/":
                end += 2 if src[end] == "\\" else 1
            if end >= len(src):
                raise AwkError("runaway regular expression")
            out.append(("re", src[i + 1:end]))
            i = end + 1
            continue
        if src[i] == "#":
            while i < len(src) and src[i] != "\n":
                i += 1
            continue
        match = _TOKEN.match(src, i)
        if match is None:
            raise AwkError(f"syntax error at or near {src[i]}")
        kind = match.lastgroup or ""
        if kind != "ws":
            out.append((kind, match.group()))
        i = match.end()
    return out


def _regex_allowed(before: list[tuple[str, str]]) -> bool:
    if not before:
        return True
    kind, text = before[-1]
    return kind == "op" and text not in (")", "$")


def _num(value: Any) -> float:
    if isinstance(value, float):
        return value
    match = re.match(r"\s*[-+]?(\d+\.?\d*(?:[eE][-+]?\d+)?|\.\d+)", str(value))
    return float(match.group()) if match else 0.0


def _str(value: Any) -> str:
    if isinstance(value, float):
        return str(int(value)) if value == int(value) and abs(value) < 1e16 else f"{value:.6g}"
    return str(value)


def _looks_numeric(value: Any) -> bool:
    return isinstance(value, float) or bool(re.fullmatch(r"\s*[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+)\s*",
                                                           str(value), re.IGNORECASE))


class Awk:
    """A small awk: parses the program into closures over the current record."""

    def __init__(self, src: str):
        self.toks = _tokens(src)
        self.i = 0
        self.vars: dict[str, Any] = {"OFS": " ", "ORS": "\n", "FS": " "}
        self.fields: list[str] = []
        self.record = ""
        self.nr = 0
        self.out: list[str] = []
        self.begin: list[Callable[[], None]] = []
        self.end: list[Callable[[], None]] = []
        self.rules: list[tuple[Callable[[], Any] | None, Callable[[], None]]] = []
        self._program()

    # parsing ---------------------------------------------------------------------------------------

    def peek(self, offset: int = 0) -> tuple[str, str]:
        j = self.i + offset
        return self.toks[j] if j < len(self.toks) else ("eof", "")

    def take(self, text: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if text is not None and tok[1] != text:
            raise AwkError(f"syntax error at or near {tok[1] or 'end of file'}")
        self.i += 1
        return tok

    def _skip_ends(self) -> None:
        while self.peek()[1] in ("\n", ";"):
            self.i += 1

    def _program(self) -> None:
        self._skip_ends()
        while self.peek()[0] != "eof":
            kind, text = self.peek()
            if kind == "name" and text in ("BEGIN", "END"):
                self.i += 1
                (self.begin if text == "BEGIN" else self.end).append(self._block())
            else:
                pattern = None if text == "{" else self._expr()
                action = self._block() if self.peek()[1] == "{" else self._print_record
                self.rules.append((pattern, action))
            self._skip_ends()

    def _print_record(self) -> None:
        self.out.append(self.record + self.vars["ORS"])

    def _block(self) -> Callable[[], None]:
        self.take("{")
        stmts: list[Callable[[], None]] = []
        self._skip_ends()
        while self.peek()[1] != "}":
            if self.peek()[0] == "eof":
                raise AwkError("syntax error at or near end of file")
            stmts.append(self._statement())
            self._skip_ends()
        self.take("}")

        def run() -> None:
            for stmt in stmts:
                stmt()

        return run

    def _statement(self) -> Callable[[], None]:
        kind, text = self.peek()
        if kind == "name" and text in ("print", "printf"):
            self.i += 1
            args: list[Callable[[], Any]] = []
            if self.peek()[1] not in (";", "\n", "}", "", ">", "|"):
                args.append(self._expr(no_gt=True))
                while self.peek()[1] == ",":
                    self.i += 1
                    args.append(self._expr(no_gt=True))
            if self.peek()[1] in (">", "|"):
                raise AwkError("output redirection is not supported: the console has no files")
            if text == "print":
                def say() -> None:
                    values = [_str(a()) for a in args] if args else [self.record]
                    self.out.append(_str(self.vars["OFS"]).join(values) + _str(self.vars["ORS"]))
                return say
            if not args:
                raise AwkError("printf: no format")

            def say_f() -> None:
                fmt, *values = [a() for a in args]
                self.out.append(_printf(_str(fmt), values))
            return say_f
        if kind == "name" and text == "next":
            self.i += 1

            def next_() -> None:
                raise _Next
            return next_
        if kind == "name" and text == "if":
            self.i += 1
            self.take("(")
            cond = self._expr()
            self.take(")")
            self._skip_newlines()
            then = self._body()
            otherwise: Callable[[], None] | None = None
            save = self.i
            self._skip_ends()
            if self.peek() == ("name", "else"):
                self.i += 1
                self._skip_newlines()
                otherwise = self._body()
            else:
                self.i = save

            def if_() -> None:
                if _truth(cond()):
                    then()
                elif otherwise is not None:
                    otherwise()
            return if_
        if kind == "name" and text in ("while", "for", "getline", "delete", "function", "exit"):
            raise AwkError(f"`{text}` is not supported by the console's awk (patterns, print, "
                           "printf, if and assignments are)")
        expr = self._expr()
        return lambda: (expr(), None)[1]

    def _skip_newlines(self) -> None:
        while self.peek()[1] == "\n":
            self.i += 1

    def _body(self) -> Callable[[], None]:
        """A statement or a { block }, as `if` takes."""
        return self._block() if self.peek()[1] == "{" else self._statement()

    def _expr(self, no_gt: bool = False) -> Callable[[], Any]:
        kind, text = self.peek()
        if kind == "name" and text not in _FUNCS and text not in ("NR", "NF"):
            op = self.peek(1)[1]
            if op in ("=", "+=", "-=", "*=", "/="):
                self.i += 2
                value = self._expr(no_gt)

                def assign(name: str = text, op: str = op) -> Any:
                    v = value()
                    if op != "=":
                        old = _num(self.vars.get(name, 0.0))
                        v = {"+=": old + _num(v), "-=": old - _num(v), "*=": old * _num(v),
                             "/=": old / _num(v) if _num(v) else float("inf")}[op]
                    self.vars[name] = v
                    return v
                return assign
            if op in ("++", "--"):
                self.i += 2

                def bump(name: str = text, step: float = 1.0 if op == "++" else -1.0) -> Any:
                    old = _num(self.vars.get(name, 0.0))
                    self.vars[name] = old + step
                    return old
                return bump
        return self._or(no_gt)

    def _binary(self, ops: tuple[str, ...], sub: Callable[[bool], Callable[[], Any]], no_gt: bool,
                apply: Callable[[str, Any, Any], Any]) -> Callable[[], Any]:
        left = sub(no_gt)
        while self.peek()[1] in ops and not (no_gt and self.peek()[1] == ">"):
            op = self.take()[1]
            right = sub(no_gt)
            left = _bind(apply, op, left, right)
        return left

    def _or(self, no_gt: bool) -> Callable[[], Any]:
        return self._binary(("||",), self._and, no_gt,
                            lambda o, a, b: 1.0 if _truth(a()) or _truth(b()) else 0.0)

    def _and(self, no_gt: bool) -> Callable[[], Any]:
        return self._binary(("&&",), self._match, no_gt,
                            lambda o, a, b: 1.0 if _truth(a()) and _truth(b()) else 0.0)

    def _match(self, no_gt: bool) -> Callable[[], Any]:
        left = self._compare(no_gt)
        while self.peek()[1] in ("~", "!~"):
            op = self.take()[1]
            if self.peek()[0] == "re":  # `x ~ /re/`: the regex itself, not its match on $0
                right = _constant(_ere(self.take()[1]))
            else:
                right = self._compare(no_gt)
            left = _bind(_regex_match, op, left, right)
        return left

    def _compare(self, no_gt: bool) -> Callable[[], Any]:
        def apply(o: str, a: Callable[[], Any], b: Callable[[], Any]) -> float:
            x, y = a(), b()
            if _looks_numeric(x) and _looks_numeric(y):
                x, y = _num(x), _num(y)
            else:
                x, y = _str(x), _str(y)
            result = {"==": x == y, "!=": x != y, "<": x < y, "<=": x <= y, ">": x > y,
                      ">=": x >= y}[o]
            return 1.0 if result else 0.0
        return self._binary(("==", "!=", "<", "<=", ">", ">="), self._concat, no_gt, apply)

    def _concat(self, no_gt: bool) -> Callable[[], Any]:
        parts = [self._additive(no_gt)]
        while self._starts_operand():
            parts.append(self._additive(no_gt))
        if len(parts) == 1:
            return parts[0]
        return lambda: "".join(_str(p()) for p in parts)

    def _starts_operand(self) -> bool:
        kind, text = self.peek()
        return kind in ("num", "str", "re") or (kind == "name" and text not in (
            "print", "printf", "next", "BEGIN", "END")) or text in ("$", "(", "!") or (
            text == "-" and False)

    def _additive(self, no_gt: bool) -> Callable[[], Any]:
        return self._binary(("+", "-"), self._term, no_gt, lambda o, a, b: _num(a()) + _num(b())
                            if o == "+" else _num(a()) - _num(b()))

    def _term(self, no_gt: bool) -> Callable[[], Any]:
        def apply(o: str, a: Callable[[], Any], b: Callable[[], Any]) -> float:
            x, y = _num(a()), _num(b())
            if o == "*":
                return x * y
            if not y:
                raise AwkError("division by zero")
            return x / y if o == "/" else x % y
        return self._binary(("*", "/", "%"), self._unary, no_gt, apply)

    def _unary(self, no_gt: bool = False) -> Callable[[], Any]:
        text = self.peek()[1]
        if text == "!":
            self.i += 1
            inner = self._unary()
            return lambda: 0.0 if _truth(inner()) else 1.0
        if text == "-":
            self.i += 1
            inner = self._unary()
            return lambda: -_num(inner())
        return self._primary()

    def _primary(self) -> Callable[[], Any]:
        kind, text = self.take()
        if kind == "num":
            value = float(text)
            return lambda: value
        if kind == "str":
            literal = _unescape(text[1:-1])
            return lambda: literal
        if kind == "re":
            pattern = re.compile(_ere(text))
            return lambda: 1.0 if pattern.search(self.record) else 0.0
        if text == "$":
            index = self._primary_field()
            return lambda: self.field(int(_num(index())))
        if text == "(":
            inner = self._expr()
            self.take(")")
            return inner
        if kind == "name":
            if text == "NR":
                return lambda: float(self.nr)
            if text == "NF":
                return lambda: float(len(self.fields))
            if text in _FUNCS and self.peek()[1] == "(":
                return self._call(text)
            return lambda: self.vars.get(text, "")
        raise AwkError(f"syntax error at or near {text or 'end of file'}")

    def _primary_field(self) -> Callable[[], Any]:
        kind, text = self.peek()
        if kind == "num":
            self.i += 1
            value = float(text)
            return lambda: value
        return self._primary()

    def _call(self, name: str) -> Callable[[], Any]:
        self.take("(")
        args: list[Callable[[], Any]] = []
        while self.peek()[1] != ")":
            args.append(self._expr())
            if self.peek()[1] == ",":
                self.i += 1
        self.take(")")

        def call() -> Any:
            values = [a() for a in args] or [self.record]
            if name == "length":
                return float(len(_str(values[0])))
            if name == "toupper":
                return _str(values[0]).upper()
            if name == "tolower":
                return _str(values[0]).lower()
            if name == "int":
                return float(int(_num(values[0])))
            if name == "index":
                return float(_str(values[0]).find(_str(values[1])) + 1) if len(values) > 1 else 0.0
            text = _str(values[0])
            start = int(_num(values[1])) if len(values) > 1 else 1
            length = int(_num(values[2])) if len(values) > 2 else len(text)
            begin = max(start, 1)
            stop = start + length
            return text[begin - 1:max(begin - 1, stop - 1)]
        return call

    # running ---------------------------------------------------------------------------------------

    def field(self, index: int) -> str:
        if index == 0:
            return self.record
        return self.fields[index - 1] if 0 < index <= len(self.fields) else ""

    def run(self, text: str, separator: str | None) -> str:
        for block in self.begin:
            block()
        for line in text.splitlines():
            self.nr += 1
            self.record = line
            if separator is None or separator == " ":
                self.fields = line.split()
            elif len(separator) == 1 and separator != "\\":
                self.fields = line.split(separator)
            else:
                self.fields = re.split(_ere(separator), line)
            try:
                for pattern, action in self.rules:
                    if pattern is None or _truth(pattern()):
                        action()
            except _Next:
                continue
        for block in self.end:
            block()
        return "".join(self.out)


class _Next(Exception):
    """awk's `next`: on to the next record."""


def _constant(value: str) -> Callable[[], Any]:
    return lambda: value


def _bind(apply: Callable[[str, Any, Any], Any], op: str, left: Callable[[], Any],
          right: Callable[[], Any]) -> Callable[[], Any]:
    return lambda: apply(op, left, right)


def _regex_match(op: str, text: Callable[[], Any], pattern: Callable[[], Any]) -> float:
    try:
        found = re.search(_ere(_str(pattern())), _str(text())) is not None
    except re.error as err:
        raise AwkError(f"regular expression compile failed ({err})") from None
    return 1.0 if found == (op == "~") else 0.0


def _truth(value: Any) -> bool:
    if isinstance(value, float):
        return value != 0
    return value != ""


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: {"n": "\n", "t": "\t", "\\": "\\", '"': '"', "/": "/"}.get(
        m.group(1), "\\" + m.group(1)), text)


def _ere(pattern: str) -> str:
    """A POSIX ERE as Python's re reads it (the common subset: classes such as [[:digit:]])."""
    classes = {"[:digit:]": r"\d", "[:space:]": r"\s", "[:alpha:]": "a-zA-Z", "[:alnum:]": "a-zA-Z0-9",
               "[:upper:]": "A-Z", "[:lower:]": "a-z"}
    for name, value in classes.items():
        pattern = pattern.replace(name, value)
    return pattern


def _printf(fmt: str, values: list[Any]) -> str:
    fmt = _unescape(fmt)
    out: list[str] = []
    args = iter(values)
    for match in re.finditer(r"%([-+ 0#]*\d*(?:\.\d+)?)([sdifgexXoc%])|[^%]+|%", fmt):
        spec, conv = match.group(1), match.group(2)
        if conv is None:
            out.append(match.group())
        elif conv == "%":
            out.append("%")
        else:
            value = next(args, "")
            if conv in "di":
                out.append(f"%{spec}d" % int(_num(value)))
            elif conv in "feg":
                out.append(f"%{spec}{conv}" % _num(value))
            elif conv == "c":
                out.append(_str(value)[:1])
            elif conv in "xXo":
                out.append(f"%{spec}{conv}" % int(_num(value)))
            else:
                out.append(f"%{spec}s" % _str(value))
    return "".join(out)


def awk(proc: Proc) -> Gen:
    """`awk [-F sep] 'program'`: reads stdin (the console has no files)."""
    args = proc.argv[1:]
    separator: str | None = None
    while args and args[0].startswith("-") and args[0] != "-":
        flag = args.pop(0)
        if flag == "-F" and args:
            separator = _unescape(args.pop(0))
        elif flag.startswith("-F"):
            separator = _unescape(flag[2:])
        elif flag == "--":
            break
        else:
            proc.write(f"awk: not an option: {flag}\n", "stderr")
            return 2
    if not args:
        proc.write("usage: awk [-F value] [--] 'program text'\n", "stderr")
        return 2
    source, files = args[0], args[1:]
    try:
        program = Awk(source)
    except AwkError as err:
        proc.write(f"awk: line 1: {err}\n", "stderr")
        return 2
    if files:
        proc.write(f"awk: cannot open {files[0]} (No such file or directory)\n", "stderr")
        return 2
    text = yield from _read_all(proc)
    try:
        proc.write(program.run(text, separator))
    except AwkError as err:
        proc.write(f"awk: run time error: {err}\n", "stderr")
        return 2
    return 0


TOOLS: dict[str, Program] = {
    "grep": applets.grep, "head": applets.head, "tail": tail, "wc": applets.wc,
    "sort": applets.sort, "cat": applets.cat, "sleep": applets.sleep, "awk": awk, "xargs": xargs,
    "echo": applets.echo, "true": applets.true, "false": applets.false,
}
