"""BuildKit's shell-word lexer (frontend/dockerfile/shell/lex.go), ported line for line.

`$VAR`, `${VAR}`, `${VAR:-x}`, `${VAR:+x}`, `${VAR-x}`, `${VAR+x}`, `${VAR?msg}`, `${VAR#pat}`,
`${VAR%pat}`, `${VAR/a/b}`, single and double quotes and the escape character, as the instructions
BuildKit expands see them (FROM, ENV, ARG, LABEL, EXPOSE, WORKDIR, USER, STOPSIGNAL, COPY/ADD,
VOLUME; never RUN, CMD, ENTRYPOINT, HEALTHCHECK or SHELL, whose words reach the shell verbatim).

Output is capped (`MAX_EXPANSION` characters per word) so that `ENV A=$A$A` repeated cannot grow the
server without bound; the cap is far above anything a 64 KiB Dockerfile needs otherwise.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from .errors import DockerfileError, DockerfileRefused

MAX_EXPANSION = 64 * 1024  # characters one word may expand to
EOF = ""


class ShellError(DockerfileError):
    """An expansion BuildKit rejects (`failed to process "${A": syntax error: missing '}'`)."""

    def __init__(self, message: str):
        super().__init__(message, 0, parse_error=False)


class _Scanner:
    """text/scanner's Peek/Next over a string (EOF is "")."""

    def __init__(self, text: str):
        self.text = text
        self.pos = 0

    def peek(self) -> str:
        return self.text[self.pos] if self.pos < len(self.text) else EOF

    def next(self) -> str:
        if self.pos >= len(self.text):
            return EOF
        ch = self.text[self.pos]
        self.pos += 1
        return ch


@dataclass
class Result:
    """ProcessWordResult: the word, the split words, and which variables were (not) found."""

    result: str
    words: list[str]
    matched: set[str] = field(default_factory=set)
    unmatched: set[str] = field(default_factory=set)


class _Words:
    """wordsStruct: splits on whitespace outside quotes."""

    def __init__(self) -> None:
        self.buf: list[str] = []
        self.words: list[str] = []
        self.in_word = False

    def add_char(self, ch: str) -> None:
        if ch.isspace() and self.in_word:
            if self.buf:
                self.words.append("".join(self.buf))
                self.buf = []
                self.in_word = False
        elif not ch.isspace():
            self.add_raw_char(ch)

    def add_raw_char(self, ch: str) -> None:
        self.buf.append(ch)
        self.in_word = True

    def add_string(self, text: str) -> None:
        for ch in text:
            self.add_char(ch)

    def add_raw_string(self, text: str) -> None:
        self.buf.append(text)
        self.in_word = True

    def get_words(self) -> list[str]:
        if self.buf:
            self.words.append("".join(self.buf))
            self.buf = []
            self.in_word = False
        return self.words


_SPECIAL_PARAMS = set("@*#?-$!0")


class Budget:
    """Characters a whole build may produce (expansions, RUN environments, history texts): each
    word is capped by MAX_EXPANSION, but thousands of words of 64 KiB each would still fill the
    server's memory. Exceeding it is the sandbox's refusal, not a Docker error."""

    def __init__(self, limit: int):
        self.limit = limit
        self.left = limit

    def spend(self, amount: int) -> None:
        self.left -= amount
        if self.left < 0:
            raise DockerfileRefused(f"this Dockerfile expands to more than "
                                    f"{self.limit // (1024 * 1024)} MiB of text, more than the "
                                    "sandbox's builder will hold")


class Lex:
    """shell.Lex with its options (RawQuotes, RawEscapes, SkipProcessQuotes, SkipUnsetEnv)."""

    def __init__(self, escape: str = "\\", *, raw_quotes: bool = False, raw_escapes: bool = False,
                 skip_process_quotes: bool = False, skip_unset_env: bool = False,
                 budget: Budget | None = None):
        self.budget = budget
        self.escape = escape
        self.raw_quotes = raw_quotes
        self.raw_escapes = raw_escapes
        self.skip_process_quotes = skip_process_quotes
        self.skip_unset_env = skip_unset_env

    def process(self, word: str, env: Mapping[str, str], *, split: bool = True) -> Result:
        """Expand `word`: the joined result and (with `split`) the words split after expansion."""
        sw = _ShellWord(self, word, env)
        sw.split = split
        try:
            result, words = sw.process_stop_on(EOF, self.raw_escapes)
        except ShellError as err:
            raise ShellError(f"failed to process {go_quote(word)}: {err.message}") from None
        if self.budget is not None:
            self.budget.spend(len(result))
        return Result(result, words, sw.matches, sw.unmatched)

    def process_word(self, word: str, env: Mapping[str, str]) -> str:
        """ProcessWord: the expanded word, quotes removed, not split."""
        return self.process(word, env, split=False).result

    def process_words(self, word: str, env: Mapping[str, str]) -> list[str]:
        """ProcessWords: expanded, then split on unquoted whitespace."""
        return self.process(word, env).words


class _ShellWord:
    def __init__(self, lex: Lex, word: str, env: Mapping[str, str]):
        self.lex = lex
        self.scanner = _Scanner(word)
        self.env = env
        self.raw_escapes = lex.raw_escapes
        self.split = True  # whether to split words (ProcessWords) as well
        self.matches: set[str] = set()
        self.unmatched: set[str] = set()
        self.produced = 0

    def _grow(self, text: str) -> str:
        self.produced += len(text)
        if self.produced > MAX_EXPANSION * 4:
            raise ShellError(f"expansion is longer than {MAX_EXPANSION} characters")
        return text

    def process_stop_on(self, stop: str, raw_escapes: bool) -> tuple[str, list[str]]:
        result: list[str] = []
        size = 0
        words = _Words()
        saved = self.raw_escapes
        self.raw_escapes = raw_escapes
        try:
            sc = self.scanner
            while sc.peek() != EOF:
                ch = sc.peek()
                if stop != EOF and ch == stop:
                    sc.next()
                    return "".join(result), words.get_words()
                special = None
                if ch == "$":
                    special = self.process_dollar
                elif ch == "<":
                    special = self.process_possible_heredoc
                elif not self.lex.skip_process_quotes and ch == "'":
                    special = self.process_single_quote
                elif not self.lex.skip_process_quotes and ch == '"':
                    special = self.process_double_quote
                split = self.split
                if special is not None:
                    tmp = special()
                    result.append(tmp)
                    size += len(tmp)
                    if not split:
                        pass
                    elif ch == "$":
                        words.add_string(tmp)
                    else:
                        words.add_raw_string(tmp)
                else:
                    ch = sc.next()
                    if ch == self.lex.escape:
                        if self.raw_escapes:
                            if split:
                                words.add_raw_char(ch)
                            result.append(ch)
                        ch = sc.next()
                        if ch == EOF:
                            break
                        if split:
                            words.add_raw_char(ch)
                    elif split:
                        words.add_char(ch)
                    result.append(ch)
                    size += 1
                if size > MAX_EXPANSION:
                    raise ShellError(f"expansion is longer than {MAX_EXPANSION} characters")
            if stop != EOF:
                raise ShellError(f"unexpected end of statement while looking for matching {stop}")
            return "".join(result), words.get_words()
        finally:
            self.raw_escapes = saved

    def process_single_quote(self) -> str:
        sc = self.scanner
        out: list[str] = []
        ch = sc.next()
        if self.lex.raw_quotes:
            out.append(ch)
        while True:
            ch = sc.next()
            if ch == EOF:
                raise ShellError("unexpected end of statement while looking for matching single-quote")
            if ch == "'":
                if self.lex.raw_quotes:
                    out.append(ch)
                return "".join(out)
            out.append(ch)

    def process_double_quote(self) -> str:
        sc = self.scanner
        out: list[str] = []
        ch = sc.next()
        if self.lex.raw_quotes:
            out.append(ch)
        while True:
            peek = sc.peek()
            if peek == EOF:
                raise ShellError("unexpected end of statement while looking for matching double-quote")
            if peek == '"':
                ch = sc.next()
                if self.lex.raw_quotes:
                    out.append(ch)
                return "".join(out)
            if peek == "$":
                out.append(self.process_dollar())
                continue
            ch = sc.next()
            if ch == self.lex.escape:
                if self.raw_escapes:
                    out.append(ch)
                nxt = sc.peek()
                if nxt == EOF:
                    continue
                if nxt in ('"', "$", self.lex.escape):
                    ch = sc.next()
            out.append(ch)

    def process_dollar(self) -> str:
        sc = self.scanner
        sc.next()
        if sc.peek() != "{":
            name = self.process_name()
            if name == "":
                return "$"
            value, found = self.get_env(name)
            if not found and self.lex.skip_unset_env:
                return "$" + name
            return self._grow(value)
        sc.next()
        if sc.peek() == EOF:
            raise ShellError("syntax error: missing '}'")
        if sc.peek() in ("{", "}", ":"):
            raise ShellError("syntax error: bad substitution")
        name = self.process_name()
        ch = sc.next()
        chs = ch or "\ufffd"  # Go's string(scanner.EOF)
        null_is_unset = False
        if ch == "}":
            value, found = self.get_env(name)
            if not found and self.lex.skip_unset_env:
                return "${" + name + "}"
            return self._grow(value)
        if ch == ":":
            # Go falls through into the modifier case with whatever follows the ':'
            null_is_unset = True
            ch = sc.next()
            chs += ch or "\ufffd"
        if null_is_unset or ch in ("+", "-", "?", "#", "%"):
            raw = ch in ("#", "%")
            if null_is_unset and raw:
                raise ShellError(f"unsupported modifier ({chs}) in substitution")
            try:
                word, _ = self.process_stop_on("}", raw)
            except ShellError:
                if sc.peek() == EOF:
                    raise ShellError("syntax error: missing '}'") from None
                raise
            value, found = self.get_env(name)
            if self.lex.skip_unset_env and not found:
                return "${" + name + chs + word + "}"
            if ch == "-":
                if not found or (null_is_unset and value == ""):
                    return self._grow(word)
                return self._grow(value)
            if ch == "+":
                if not found or (null_is_unset and value == ""):
                    return ""
                return self._grow(word)
            if ch == "?":
                if not found:
                    raise ShellError(f"{name}: {word or 'is not allowed to be unset'}")
                if null_is_unset and value == "":
                    raise ShellError(f"{name}: {word or 'is not allowed to be empty'}")
                return self._grow(value)
            if ch in ("%", "#"):
                greedy = False
                if word and word[0] == ch:
                    greedy = True
                    word = word[1:]
                if ch == "%":
                    return self._grow(_trim_suffix(word, value, greedy))
                return self._grow(_trim_prefix(word, value, greedy))
            raise ShellError(f"unsupported modifier ({chs}) in substitution")
        if ch == "/":
            replace_all = sc.peek() == "/"
            if replace_all:
                sc.next()
            try:
                pattern, _ = self.process_stop_on("/", True)
            except ShellError:
                if sc.peek() == EOF:
                    raise ShellError("syntax error: missing '/' in ${}") from None
                raise
            try:
                replacement, _ = self.process_stop_on("}", True)
            except ShellError:
                if sc.peek() == EOF:
                    raise ShellError("syntax error: missing '}'") from None
                raise
            value, found = self.get_env(name)
            if self.lex.skip_unset_env and not found:
                return "${" + f"{name}/{pattern}/{replacement}" + "}"
            regex = _pattern_to_regex(pattern, True, False)
            if replace_all:
                value = regex.sub(lambda _m: replacement, value)
            else:
                value = regex.sub(lambda _m: replacement, value, count=1)
            return self._grow(value)
        raise ShellError(f"unsupported modifier ({chs}) in substitution")

    def process_name(self) -> str:
        sc = self.scanner
        name: list[str] = []
        while sc.peek() != EOF:
            ch = sc.peek()
            if not name and ch.isdigit():
                while sc.peek() != EOF and sc.peek().isdigit():
                    name.append(sc.next())
                return "".join(name)
            if not name and ch in _SPECIAL_PARAMS:
                return sc.next()
            if not (ch.isalpha() or ch.isdigit() or ch == "_"):
                break
            name.append(sc.next())
        return "".join(name)

    def process_possible_heredoc(self) -> str:
        sc = self.scanner
        sc.next()
        if sc.peek() != "<":
            return "<"
        sc.next()
        space: list[str] = []
        while sc.peek() in ("\t", "\r", " ") and sc.peek() != EOF:
            space.append(sc.next())
        return "<<" + "".join(space)

    def get_env(self, name: str) -> tuple[str, bool]:
        if name in self.env:
            self.matches.add(name)
            return self.env[name], True
        self.unmatched.add(name)
        return "", False


def _pattern_to_regex(pattern: str, greedy: bool, anchored: bool) -> re.Pattern[str]:
    """convertShellPatternToRegex: `*` and `?` wildcards, no bracket expressions."""
    out = ["^"] if anchored else []
    star = ".*" if greedy else ".*?"
    i = 0
    while i < len(pattern):
        tok = pattern[i]
        i += 1
        if tok == "*":
            out.append(star)
            continue
        if tok == "?":
            out.append(".")
            continue
        if tok == "\\":
            nxt = pattern[i] if i < len(pattern) else ""
            if nxt in ("}", "/"):
                continue
            i += 1
            if nxt not in ("*", "?", "\\"):
                raise ShellError(f"invalid pattern ({pattern}) in substitution: invalid escape "
                                 f"'\\{nxt}'")
            out.append(re.escape(nxt))
            continue
        out.append(re.escape(tok))
    return re.compile("".join(out), re.DOTALL)


def _trim_prefix(word: str, value: str, greedy: bool) -> str:
    match = _pattern_to_regex(word, greedy, True).search(value)
    return value[match.end():] if match else value


def _reverse_pattern(pattern: str) -> str:
    chars = list(pattern)
    out = [""] * len(chars)
    last = len(chars) - 1
    i = 0
    while i <= last:
        tok = chars[i]
        j = last - i
        if tok == "\\" and i != last:
            out[j - 1] = tok
            out[j] = chars[i + 1]
            i += 2
        else:
            out[j] = tok
            i += 1
    return "".join(out)


def _trim_suffix(pattern: str, word: str, greedy: bool) -> str:
    return _trim_prefix(_reverse_pattern(pattern), word[::-1], greedy)[::-1]


def go_quote(text: str) -> str:
    """Go's strconv.Quote / `%q` of a string: double quotes, `\\"`, `\\\\`, `\\n`, `\\t`, other
    control characters as `\\x..` / `\\u....`; printable Unicode kept as is."""
    out = ['"']
    for ch in text:
        code = ord(ch)
        if ch == '"':
            out.append('\\"')
        elif ch == "\\":
            out.append("\\\\")
        elif ch == "\a":
            out.append("\\a")
        elif ch == "\b":
            out.append("\\b")
        elif ch == "\f":
            out.append("\\f")
        elif ch == "\n":
            out.append("\\n")
        elif ch == "\r":
            out.append("\\r")
        elif ch == "\t":
            out.append("\\t")
        elif ch == "\v":
            out.append("\\v")
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\x{code:02x}")
        elif ch.isprintable() or ch == " ":
            out.append(ch)
        elif code < 0x10000:
            out.append(f"\\u{code:04x}")
        else:
            out.append(f"\\U{code:08x}")
    out.append('"')
    return "".join(out)


def process_word(word: str, env: Mapping[str, str], *, escape: str = "\\") -> str:
    """Expand one word as BuildKit's ProcessWord: variables substituted, quotes removed, no word
    splitting (`"a b"` and `a b` both give one string)."""
    return Lex(escape).process_word(word, env)


def process_words(word: str, env: Mapping[str, str], *, escape: str = "\\") -> list[str]:
    """Expand and split into words as BuildKit's ProcessWords (used for EXPOSE, VOLUME and
    the exec forms' legacy split)."""
    return Lex(escape).process_words(word, env)
