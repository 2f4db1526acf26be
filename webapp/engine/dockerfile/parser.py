"""BuildKit's Dockerfile parser (frontend/dockerfile/parser + instructions): text -> instructions.

Two layers, as in BuildKit: `parse_nodes` turns the text into one node per instruction (directives,
comments, line continuations with the escape character, empty continuation lines, heredocs, each
instruction's argument syntax: JSON or shell form, key=value pairs, flags); `parse` turns the nodes
into typed instructions (instructions/parse.go) with BuildKit's error texts, and refuses by name what
the sandbox does not build.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from . import instructions as ins
from .errors import DockerfileError, DockerfileRefused, refused
from .shell import Lex, ShellError

MAX_DOCKERFILE = 64 * 1024  # bytes: the workspace's per-file limit
MAX_INSTRUCTIONS = 4096  # far above any learner's file; keeps a file of empty ENVs bounded

INSTRUCTIONS = ("add", "arg", "cmd", "copy", "entrypoint", "env", "expose", "from", "healthcheck",
                "label", "maintainer", "onbuild", "run", "shell", "stopsignal", "user", "volume",
                "workdir")
HEREDOC_INSTRUCTIONS = ("add", "copy", "run")

_WHITESPACE = re.compile(r"[\t\v\f\r ]+")
_HEREDOC = re.compile(r"^(\d*)<<(-?)\s*([^<]*)$")
_DIRECTIVE = re.compile(r"^([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$")
_LEADING_TABS = re.compile(r"^\t+", re.MULTILINE)
_VALID_STAGE = re.compile(r"^[a-z][a-z0-9-_.]*$")

SANDBOX = "refused by the Lifecycle Lab sandbox"


# -- errors of the lower layer -----------------------------------------------------------------------


class _NodeError(Exception):
    """An error of the line parser (parser.Parse): reported with its location only, no
    "dockerfile parse error" prefix (BuildKit's withLocation)."""

    def __init__(self, message: str, line: int):
        super().__init__(message)
        self.message = message
        self.line = line


# -- nodes ------------------------------------------------------------------------------------------


@dataclass
class Heredoc:
    """parser.Heredoc: a `<<EOF` document attached to RUN/COPY/ADD."""

    name: str
    expand: bool
    chomp: bool
    fd: int = 0
    content: str = ""


@dataclass
class Node:
    """One instruction as the line parser leaves it: `args` are nodeArgs(node) (key, value, delimiter
    triples for ENV/LABEL; the sub-instruction's keyword first for ONBUILD)."""

    value: str
    original: str
    flags: list[str]
    args: list[str]
    json: bool = False
    start: int = 0
    end: int = 0
    heredocs: list[Heredoc] = field(default_factory=list)
    sub: Node | None = None

    def dump(self) -> str:
        """Node.Dump: BuildKit's s-expression of the node (its parser tests' `result` files)."""
        from .shell import go_quote

        out = self.value.lower()
        if self.flags:
            out += " [" + " ".join(go_quote(flag) for flag in self.flags) + "]"
        if self.sub is not None:
            return f"{out} ({self.sub.dump()})".strip()
        for arg in self.args:
            out += " " + go_quote(arg)
        return out.strip()


@dataclass
class _Directives:
    escape: str = "\\"
    continuation: re.Pattern[str] = field(default_factory=lambda: _continuation_regex("\\"))
    seen: set[str] = field(default_factory=set)
    done: bool = False
    syntax: str = ""
    check: str = ""

    def set_escape(self, token: str, line: int) -> None:
        if token not in ("`", "\\"):
            raise _NodeError(f"invalid escape token '{token}' does not match ` or \\", line)
        self.escape = token
        self.continuation = _continuation_regex(token)

    def possible_directive(self, line: str, number: int) -> bool:
        """DirectiveParser.ParseLine: a `# key=value` line before anything else."""
        if self.done:
            return False
        if not line.startswith("#"):
            self.done = True
            return False
        match = _DIRECTIVE.match(line[1:].lstrip())
        if not match:
            self.done = True
            return False
        key = match.group(1).lower()
        if key not in ("syntax", "escape", "check"):
            self.done = True
            return False
        if key in self.seen:
            raise _NodeError(f"only one {key} parser directive can be used", number)
        self.seen.add(key)
        if key == "escape":
            self.set_escape(match.group(2), number)
        elif key == "syntax":
            self.syntax = match.group(2)
        else:
            self.check = match.group(2)
        return True


def _continuation_regex(token: str) -> re.Pattern[str]:
    esc = re.escape(token)
    return re.compile(r"([^" + esc + r"])" + esc + r"[ \t]*$|^" + esc + r"[ \t]*$")


def _is_comment(line: str) -> bool:
    stripped = line.lstrip()
    return stripped.startswith("#")


def _trim_continuation(line: str, d: _Directives) -> tuple[str, bool]:
    if d.continuation.search(line):
        return d.continuation.sub(lambda m: m.group(1) or "", line, count=1), False
    return line, True


def _process_line(d: _Directives, token: str, strip_left: bool, number: int) -> tuple[str, bool]:
    token = token.rstrip("\r\n")
    if strip_left:
        token = token.lstrip()
    ok = d.possible_directive(token, number)
    return ("" if _is_comment(token) else token), ok


def _split_lines(text: str) -> list[str]:
    """scanLines: lines with their "\\n" kept (only "\\n" ends a line, as in Go)."""
    parts = text.split("\n")
    lines = [part + "\n" for part in parts[:-1]]
    if parts[-1]:
        lines.append(parts[-1])
    return lines


def parse_nodes(text: str, *, escape: str = "\\") -> tuple[list[Node], _Directives,
                                                            list[ins.Warning_]]:
    """parser.Parse: the nodes, the directives found, and empty-continuation warnings. `escape` is
    the escape character before any `# escape=` directive (BuildKit's is always a backslash)."""
    d = _Directives()
    d.set_escape(escape, 0)
    lines = _split_lines(text)
    if lines and lines[0].startswith("\ufeff"):
        lines[0] = lines[0][1:]
    nodes: list[Node] = []
    warnings: list[ins.Warning_] = []
    current = 0
    i = 0
    while i < len(lines):
        raw = lines[i]
        i += 1
        # BuildKit locates a directive error at the 0-based index of its line: kept as it is
        line, _ = _process_line(d, raw, True, current)
        current += 1
        start = current
        line, end_of_line = _trim_continuation(line, d)
        if end_of_line and not line:
            continue
        buf = [line]
        empty_continuation = False
        while not end_of_line and i < len(lines):
            raw = lines[i]
            i += 1
            part, _ = _process_line(d, raw, False, current)
            current += 1
            if _is_comment(raw):
                continue
            if not part.rstrip("\r\n").lstrip():
                empty_continuation = True
                continue
            part, end_of_line = _trim_continuation(part, d)
            buf.append(part)
        joined = "".join(buf)
        if empty_continuation:
            warnings.append(ins.Warning_("NoEmptyContinuation", "Empty continuation line", current))
        try:
            node = _node_from_line(joined, d)
        except _NodeError as err:
            raise _NodeError(err.message, start) from None
        if _can_contain_heredoc(node) and "<<" in joined:
            try:
                docs = _heredocs_from_line(joined)
            except ShellError as err:
                raise _NodeError(err.message, start) from None
            for doc in docs:
                content = [doc.content]
                terminated = False
                while i < len(lines):
                    raw = lines[i]
                    i += 1
                    current += 1
                    candidate = raw.rstrip("\r\n")
                    if doc.chomp:
                        candidate = candidate.lstrip("\t")
                    if candidate == doc.name:
                        terminated = True
                        break
                    content.append(raw)
                if not terminated:
                    raise _NodeError("unterminated heredoc", start)
                doc.content = "".join(content)
                node.heredocs.append(doc)
        node.start, node.end = start, current
        nodes.append(node)
    if not nodes:
        raise _NodeError("file with no instructions", current)
    return nodes, d, warnings


def _can_contain_heredoc(node: Node) -> bool:
    target = node
    if node.value.lower() == "onbuild" and node.sub is not None:
        target = node.sub
    return target.value.lower() in HEREDOC_INSTRUCTIONS and not target.json


def _heredoc_from_match(match: re.Match[str] | None) -> Heredoc | None:
    if match is None:
        return None
    fd = int(match.group(1)) if match.group(1) else 0
    chomp = match.group(2) == "-"
    rest = match.group(3)
    if not rest:
        return None
    words = Lex("\\", skip_unset_env=True).process_words(rest, {})
    if len(words) != 1:
        return None
    raw = Lex("\\", skip_unset_env=True, raw_quotes=True).process_words(rest, {})
    if len(raw) != len(words):
        raise ShellError(f"internal lexing of heredoc produced inconsistent results: {rest}")
    word = words[0]
    quotes = word.count("'") + word.count('"')
    raw_quotes = raw[0].count("'") + raw[0].count('"')
    return Heredoc(name=word, expand=quotes == raw_quotes, chomp=chomp, fd=fd)


def parse_heredoc(src: str) -> Heredoc | None:
    """ParseHeredoc: the heredoc a word like `<<EOF` or `<<-"EOF"` opens, else None."""
    try:
        return _heredoc_from_match(_HEREDOC.match(src))
    except ShellError:
        return None


def _heredocs_from_line(line: str) -> list[Heredoc]:
    lex = Lex("\\", raw_quotes=True, raw_escapes=True, skip_unset_env=True)
    try:
        words = lex.process_words(line, {})
    except ShellError:
        words = []
    docs = []
    for word in words:
        doc = _heredoc_from_match(_HEREDOC.match(word))
        if doc is not None:
            docs.append(doc)
    return docs


def chomp_heredoc(content: str) -> str:
    """ChompHeredocContent: `<<-` strips leading tabs of every line."""
    return _LEADING_TABS.sub("", content)


# -- line parsers (line_parsers.go) --------------------------------------------------------------------


def _split_command(line: str, d: _Directives) -> tuple[str, list[str], str]:
    parts = _WHITESPACE.split(line.strip(), maxsplit=1)
    args = ""
    flags: list[str] = []
    if len(parts) == 2:
        args, flags = _extract_flags(parts[1], d)
    return parts[0], flags, args.strip()


def _extract_flags(line: str, d: _Directives) -> tuple[str, list[str]]:
    """extractBuilderFlags: leading `--name=value` words (quotes and escapes removed)."""
    words: list[str] = []
    phase = "spaces"
    buf: list[str] = []
    quote = ""
    blank_ok = False
    pos = 0
    n = len(line)
    while pos <= n:
        ch = line[pos] if pos < n else ""
        if phase == "spaces":
            if pos == n:
                break
            if ch.isspace():
                pos += 1
                continue
            if ch != "-" or pos + 1 == n or line[pos + 1] != "-":
                return line[pos:], words
            phase = "word"
        if phase in ("word", "quote") and pos == n:
            word = "".join(buf)
            if word != "--" and (blank_ok or word):
                words.append(word)
            break
        if phase == "word":
            if ch.isspace():
                word = "".join(buf)
                phase = "spaces"
                if word == "--":
                    return line[pos:], words
                if blank_ok or word:
                    words.append(word)
                buf = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = "quote"
                pos += 1
                continue
            if ch == d.escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                pos += 1
                ch = line[pos]
            buf.append(ch)
            pos += 1
            continue
        # in quote
        if ch == quote:
            phase = "word"
            pos += 1
            continue
        if ch == d.escape:
            if pos + 1 == n:
                phase = "word"
                pos += 1
                continue
            pos += 1
            ch = line[pos]
        buf.append(ch)
        pos += 1
    return "", words


def _parse_words(rest: str, d: _Directives) -> list[str]:
    """parseWords: words with quotes and escapes kept (removed later by expansion)."""
    words: list[str] = []
    phase = "spaces"
    quote = ""
    blank_ok = False
    buf: list[str] = []
    pos = 0
    n = len(rest)
    while pos <= n:
        ch = rest[pos] if pos < n else ""
        if phase == "spaces":
            if pos == n:
                break
            if ch.isspace():
                pos += 1
                continue
            phase = "word"
        if phase in ("word", "quote") and pos == n:
            if blank_ok or buf:
                words.append("".join(buf))
            break
        if phase == "word":
            if ch.isspace():
                phase = "spaces"
                if blank_ok or buf:
                    words.append("".join(buf))
                buf = []
                blank_ok = False
                pos += 1
                continue
            if ch in ("'", '"'):
                quote = ch
                blank_ok = True
                phase = "quote"
            if ch == d.escape:
                if pos + 1 == n:
                    pos += 1
                    continue
                buf.append(ch)
                pos += 1
                ch = rest[pos]
            buf.append(ch)
            pos += 1
            continue
        # in quote
        if ch == quote:
            phase = "word"
        if ch == d.escape and quote != "'":
            if pos + 1 == n:
                phase = "word"
                pos += 1
                continue
            pos += 1
            buf.append(ch)
            ch = rest[pos]
        buf.append(ch)
        pos += 1
    return words


def _parse_name_val(rest: str, key: str, d: _Directives) -> list[str]:
    words = _parse_words(rest, d)
    if not words:
        return []
    if "=" not in words[0]:
        parts = _WHITESPACE.split(rest, maxsplit=1)
        if len(parts) < 2:
            raise _NodeError(f"{key} must have two arguments", 0)
        return [parts[0], parts[1], ""]
    args: list[str] = []
    for word in words:
        if "=" not in word:
            raise _NodeError(f"Syntax error - can't find = in {_go_q(word)}. Must be of the form: "
                             "name=value", 0)
        name, _, value = word.partition("=")
        args += [name, value, "="]
    return args


def _go_q(text: str) -> str:
    from .shell import go_quote
    return go_quote(text)


def _whitespace_list(rest: str) -> list[str]:
    if rest == "":
        return []
    return _WHITESPACE.split(rest)


class _NotStrings(Exception):
    pass


def _parse_json(rest: str) -> list[str] | None:
    rest = rest.lstrip()
    if not rest.startswith("["):
        return None

    def no_constants(name: str) -> Any:
        raise ValueError(name)

    try:
        value = json.loads(rest, parse_constant=no_constants)
    except (ValueError, RecursionError):
        return None
    if not isinstance(value, list):
        return None
    if not all(isinstance(item, str) for item in value):
        raise _NotStrings()
    return value


def _maybe_json(rest: str) -> tuple[list[str], bool]:
    if rest == "":
        return [], False
    try:
        parsed = _parse_json(rest)
    except _NotStrings:
        raise _NodeError("when using JSON array syntax, arrays must be comprised of strings only",
                         0) from None
    if parsed is not None:
        return parsed, True
    return [rest], False


def _maybe_json_to_list(rest: str) -> tuple[list[str], bool]:
    try:
        parsed = _parse_json(rest)
    except _NotStrings:
        raise _NodeError("when using JSON array syntax, arrays must be comprised of strings only",
                         0) from None
    if parsed is not None:
        return parsed, True
    return _whitespace_list(rest), False


def _health_config(rest: str) -> tuple[list[str], bool]:
    sep = 0
    while sep < len(rest) and not rest[sep].isspace():
        sep += 1
    nxt = sep
    while nxt < len(rest) and rest[nxt].isspace():
        nxt += 1
    if sep == 0:
        return [], False
    cmd, is_json = _maybe_json(rest[nxt:])
    return [rest[:sep], *cmd], is_json


def _node_from_line(line: str, d: _Directives) -> Node:
    cmd, flags, rest = _split_command(line, d)
    kind = cmd.lower()
    is_json = False
    sub: Node | None = None
    args: list[str]
    if kind in ("add", "copy", "volume"):
        args, is_json = _maybe_json_to_list(rest)
    elif kind == "arg":
        args = _parse_words(rest, d)
    elif kind in ("cmd", "entrypoint", "run", "shell"):
        args, is_json = _maybe_json(rest)
    elif kind == "env":
        args = _parse_name_val(rest, "ENV", d)
    elif kind == "label":
        args = _parse_name_val(rest, "LABEL", d)
    elif kind in ("expose", "from"):
        args = _whitespace_list(rest)
    elif kind == "healthcheck":
        args, is_json = _health_config(rest)
    elif kind in ("maintainer", "stopsignal", "user", "workdir"):
        args = [rest] if rest else []
    elif kind == "onbuild":
        args = []
        if rest:
            sub = _node_from_line(rest, d)
            args = [sub.value, *sub.args]
    else:
        args = []
    return Node(value=cmd, original=line, flags=flags, args=args, json=is_json, sub=sub)


# -- instructions (instructions/parse.go) ---------------------------------------------------------------


def _levenshtein(a: str, b: str) -> int:
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i]
        for j, cb in enumerate(b, 1):
            cur.append(min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb)))
        prev = cur
    return prev[-1]


def suggest(value: str, options: list[str], case_sensitive: bool) -> str:
    """util/suggest.Search: the closest option within edit distance 2, matched to the value's case
    ("" when there is none or the value is itself an option)."""
    val = value if case_sensitive else value.lower()
    match = ""
    best = 3
    for option in sorted(options):
        opt = option if case_sensitive else option.lower()
        if val == opt:
            return ""
        dist = _levenshtein(val, opt)
        if dist < best:
            best = dist
            if case_sensitive:
                match = opt
            elif value == value.lower():
                match = opt.lower()
            elif value == value.upper():
                match = opt.upper()
            else:
                match = opt
    return match


def with_suggestion(message: str, value: str, options: list[str], case_sensitive: bool) -> str:
    """suggest.WrapError: `message (did you mean X?)` when an option is close."""
    match = suggest(value, options, case_sensitive)
    return f"{message} (did you mean {match}?)" if match else message


class _Flags:
    """BFlags: the flags an instruction declares, parsed from the node's flag words."""

    def __init__(self, words: list[str]):
        self.words = words
        self.kinds: dict[str, str] = {}
        self.values: dict[str, str] = {}
        self.lists: dict[str, list[str]] = {}
        self.used: set[str] = set()

    def add_bool(self, name: str) -> None:
        self.kinds[name] = "bool"
        self.values[name] = "false"

    def add_string(self, name: str, default: str = "") -> None:
        self.kinds[name] = "string"
        self.values[name] = default

    def add_strings(self, name: str) -> None:
        self.kinds[name] = "strings"
        self.lists[name] = []

    def parse(self) -> None:
        for word in self.words:
            if word == "--":
                return
            if not word.startswith("--"):
                raise DockerfileError(f"arg should start with -- : {word}")
            flag_name, has_value, value = word.partition("=")
            name = flag_name[2:]
            kind = self.kinds.get(name)
            if kind is None:
                raise DockerfileError(with_suggestion(f"unknown flag: {flag_name}", name,
                                                      list(self.kinds), True))
            if name in self.used and kind != "strings":
                raise DockerfileError(f"duplicate flag specified: {flag_name}")
            self.used.add(name)
            if kind == "bool":
                if has_value and value == "":
                    raise DockerfileError(f"missing a value on flag: {flag_name}")
                if value.lower() in ("true", ""):
                    self.values[name] = "true"
                elif value.lower() == "false":
                    self.values[name] = "false"
                else:
                    raise DockerfileError(f"expecting boolean value for flag {flag_name}, not: "
                                          f"{value}")
            elif kind == "string":
                if not has_value:
                    raise DockerfileError(f"missing a value on flag: {flag_name}")
                self.values[name] = value
            else:
                if not has_value:
                    raise DockerfileError(f"missing a value on flag: {flag_name}")
                self.lists[name].append(value)


def _shell_dependent(node: Node, empty_as_nil: bool = False) -> tuple[list[str], bool]:
    args = node.args
    if not args:
        return [], not node.json
    if node.json:
        return list(args), False
    return [" ".join(args)], True


def _common(node: Node) -> dict[str, Any]:
    return {"line": node.start, "end_line": node.end, "original": node.original.strip()}


_UNITS = {"ns": 1, "us": 1_000, "µs": 1_000, "μs": 1_000, "ms": 1_000_000, "s": 1_000_000_000,
          "m": 60_000_000_000, "h": 3_600_000_000_000}


def go_parse_duration(text: str) -> int:
    """time.ParseDuration (nanoseconds), with Go's error texts."""
    orig = text
    if text == "":
        raise DockerfileError(f"time: invalid duration {_go_q(orig)}")
    sign = 1
    if text[0] in "+-":
        sign = -1 if text[0] == "-" else 1
        text = text[1:]
    if text == "0":
        return 0
    if text == "":
        raise DockerfileError(f"time: invalid duration {_go_q(orig)}")
    total = 0.0
    pos = 0
    while pos < len(text):
        num = re.match(r"[0-9]*(\.[0-9]*)?", text[pos:])
        number = num.group(0) if num else ""
        if number in ("", ".", ) or not any(c.isdigit() for c in number):
            raise DockerfileError(f"time: invalid duration {_go_q(orig)}")
        pos += len(number)
        unit = re.match(r"[^0-9.]+", text[pos:])
        if unit is None:
            raise DockerfileError(f"time: missing unit in duration {_go_q(orig)}")
        name = unit.group(0)
        if name not in _UNITS:
            raise DockerfileError(f"time: unknown unit {_go_q(name)} in duration {_go_q(orig)}")
        pos += len(name)
        total += float(number) * _UNITS[name]
        if total > 2**63 - 1:
            raise DockerfileError(f"time: invalid duration {_go_q(orig)}")
    return sign * round(total)


def go_format_duration(ns: int) -> str:
    """time.Duration.String(): `30s`, `1m30s`, `1.5s`, `500ms`, `0s`."""
    if ns == 0:
        return "0s"
    neg = ns < 0
    u = -ns if neg else ns
    if u < 1_000_000_000:
        if u < 1_000:
            text = f"{u}ns"
        elif u < 1_000_000:
            text = _frac(u, 1_000) + "µs"
        else:
            text = _frac(u, 1_000_000) + "ms"
    else:
        hours, rem = divmod(u, 3_600_000_000_000)
        minutes, rem = divmod(rem, 60_000_000_000)
        seconds = _frac(rem, 1_000_000_000) + "s"
        text = ""
        if hours:
            text = f"{hours}h{minutes}m{seconds}"
        elif minutes:
            text = f"{minutes}m{seconds}"
        else:
            text = seconds
    return ("-" if neg else "") + text


def _frac(value: int, unit: int) -> str:
    whole, rest = divmod(value, unit)
    if not rest:
        return str(whole)
    digits = str(rest).rjust(len(str(unit)) - 1, "0").rstrip("0")
    return f"{whole}.{digits}"


def _opt_interval(name: str, value: str) -> str:
    """parseOptInterval: checks the text; keeps it as written ("" when not given or zero)."""
    if value == "":
        return ""
    ns = go_parse_duration(value)
    if ns == 0:
        return ""
    if ns < 1_000_000:
        raise DockerfileError(f'Interval "{name}" cannot be less than 1ms')
    return value


def _parse_int32(value: str) -> int:
    if not re.fullmatch(r"[+-]?[0-9]+", value):
        raise DockerfileError(f'strconv.ParseInt: parsing {_go_q(value)}: invalid syntax')
    number = int(value)
    if not -(2**31) <= number < 2**31:
        raise DockerfileError(f'strconv.ParseInt: parsing {_go_q(value)}: value out of range')
    return number


def _sources_and_dest(node: Node, command: str) -> tuple[list[str], str,
                                                         list[tuple[str, str, bool]]]:
    srcs, dest = node.args[:-1], node.args[-1]
    if parse_heredoc(dest) is not None:
        raise DockerfileError(f"{command} cannot accept a heredoc as a destination")
    lookup = {doc.name: doc for doc in node.heredocs}
    paths: list[str] = []
    contents: list[tuple[str, str, bool]] = []
    for src in srcs:
        doc = parse_heredoc(src)
        if doc is not None:
            found = lookup.get(doc.name)
            content = found.content if found else ""
            if doc.chomp:
                content = chomp_heredoc(content)
            contents.append((doc.name, content, doc.expand))
        else:
            paths.append(src)
    return paths, dest, contents


def _is_remote(src: str) -> bool:
    """A URL or a git reference, which BuildKit would fetch (a local `repo.git` is a file)."""
    return src.lower().startswith(("http://", "https://", "git@", "git://", "ssh://"))


_ARCHIVE = re.compile(r"\.(tar|tar\.gz|tgz|tar\.bz2|tbz2?|tar\.xz|txz|tar\.zst|gz|bz2|xz)$",
                      re.IGNORECASE)


def parse_instruction(node: Node) -> ins.Instruction:
    """ParseInstruction: one node to its typed instruction (BuildKit's checks and texts)."""
    kind = node.value.lower()
    flags = _Flags(node.flags)
    args = node.args
    common = _common(node)
    if kind == "env" or kind == "label":
        flags.parse()
        name = kind.upper()
        if not args:
            raise DockerfileError(f"{name} requires at least one argument")
        if len(args) % 3:
            raise DockerfileError(f"Bad input to {name}, too many arguments")
        pairs: list[tuple[str, str]] = []
        legacy = False
        for j in range(0, len(args), 3):
            if not args[j]:
                raise DockerfileError(f"{name} names can not be blank")
            pairs.append((args[j], args[j + 1]))
            legacy = legacy or args[j + 2] == ""
        if kind == "env":
            return ins.EnvInstruction(**common, pairs=pairs, legacy=legacy)
        return ins.LabelInstruction(**common, pairs=pairs, legacy=legacy)
    if kind == "maintainer":
        if len(args) != 1:
            raise DockerfileError("MAINTAINER requires exactly one argument")
        flags.parse()
        return ins.MaintainerInstruction(**common, maintainer=args[0])
    if kind in ("add", "copy"):
        name = kind.upper()
        if len(args) < 2:
            raise DockerfileError(f"{name} requires at least two arguments, but only one was "
                                  "provided. Destination could not be determined")
        flags.add_string("chown")
        flags.add_string("chmod")
        flags.add_bool("link")
        flags.add_strings("exclude")
        if kind == "add":
            flags.add_bool("keep-git-dir")
            flags.add_string("checksum")
            flags.add_bool("unpack")
        else:
            flags.add_string("from")
            flags.add_bool("parents")
        flags.parse()
        srcs, dest, docs = _sources_and_dest(node, name)
        for flag in ("exclude", "parents", "keep-git-dir", "checksum", "unpack"):
            if flag in flags.used:
                raise refused(f"{name} --{flag}")
        if kind == "add":
            for src in srcs:
                if _is_remote(src):
                    raise refused("ADD of a URL or git repository", src)
                if _ARCHIVE.search(src):
                    raise refused("ADD of a local archive", src)
        cls = ins.AddInstruction if kind == "add" else ins.CopyInstruction
        return cls(**common, sources=srcs, dest=dest, from_=flags.values.get("from", ""),
                   chown=flags.values["chown"], chmod=flags.values["chmod"],
                   link=flags.values["link"] == "true",
                   heredocs=[(name, content) for name, content, _ in docs],
                   heredoc_expand=[expand for _, _, expand in docs], json_form=node.json)
    if kind == "from":
        if len(args) == 3 and args[1].lower() == "as":
            stage = args[2].lower()
            if not _VALID_STAGE.match(stage):
                raise DockerfileError(f'invalid name for build stage: {_go_q(args[2])}, name '
                                      "can't start with a number or contain symbols")
        elif len(args) != 1:
            raise DockerfileError("FROM requires either one or three arguments")
        else:
            stage = ""
        flags.add_string("platform")
        flags.parse()
        if flags.values["platform"]:
            raise refused("FROM --platform")
        return ins.FromInstruction(**common, base=args[0], name=stage,
                                   as_word=args[1] if len(args) == 3 else "",
                                   keyword_text=node.value)
    if kind == "onbuild":
        if not args:
            raise DockerfileError("ONBUILD requires at least one argument")
        flags.parse()
        trigger = args[0].strip().upper()
        if trigger == "ONBUILD":
            raise DockerfileError("Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed")
        if trigger in ("MAINTAINER", "FROM"):
            raise DockerfileError(f"{trigger} isn't allowed as an ONBUILD trigger")
        expression = re.sub(r"(?i)^\s*ONBUILD\s*", "", node.original)
        for doc in node.heredocs:
            expression += "\n" + doc.content + doc.name
        return ins.OnbuildInstruction(**common, expression=expression)
    if kind == "workdir":
        if len(args) != 1:
            raise DockerfileError("WORKDIR requires exactly one argument")
        flags.parse()
        return ins.WorkdirInstruction(**common, path=args[0])
    if kind == "run":
        flags.add_strings("mount")
        flags.add_string("network", "default")
        flags.add_string("security", "sandbox")
        flags.add_strings("device")
        flags.parse()
        for flag in ("mount", "network", "security", "device"):
            if flag in flags.used:
                raise refused(f"RUN --{flag}")
        command, prepend = _shell_dependent(node)
        run_docs = [(doc.name, chomp_heredoc(doc.content) if doc.chomp else doc.content)
                    for doc in node.heredocs]
        return ins.RunInstruction(**common, command=command, prepend_shell=prepend,
                                  heredocs=run_docs)
    if kind in ("cmd", "entrypoint"):
        flags.parse()
        command, prepend = _shell_dependent(node)
        if kind == "cmd":
            return ins.CmdInstruction(**common, command=command, prepend_shell=prepend)
        return ins.EntrypointInstruction(**common, command=command, prepend_shell=prepend)
    if kind == "healthcheck":
        return _parse_healthcheck(node, flags, common)
    if kind == "expose":
        if not args:
            raise DockerfileError("EXPOSE requires at least one argument")
        flags.parse()
        return ins.ExposeInstruction(**common, ports=sorted(args))
    if kind == "user":
        if len(args) != 1:
            raise DockerfileError("USER requires exactly one argument")
        flags.parse()
        return ins.UserInstruction(**common, user=args[0])
    if kind == "volume":
        if not args:
            raise DockerfileError("VOLUME requires at least one argument")
        flags.parse()
        volumes = []
        for value in args:
            value = value.strip()
            if value == "":
                raise DockerfileError("VOLUME specified can not be an empty string")
            volumes.append(value)
        return ins.VolumeInstruction(**common, volumes=volumes)
    if kind == "stopsignal":
        if len(args) != 1:
            raise DockerfileError("STOPSIGNAL requires exactly one argument")
        return ins.StopsignalInstruction(**common, signal=args[0])
    if kind == "arg":
        if not args:
            raise DockerfileError("ARG requires at least one argument")
        pairs_opt: list[tuple[str, str | None]] = []
        for arg in args:
            if "=" in arg:
                key, _, value = arg.partition("=")
                if not key:
                    raise DockerfileError("ARG names can not be blank")
                pairs_opt.append((key, value))
            else:
                pairs_opt.append((arg, None))
        return ins.ArgInstruction(**common, args=pairs_opt)
    if kind == "shell":
        flags.parse()
        command, prepend = _shell_dependent(node)
        if not command:
            raise DockerfileError("SHELL requires at least one argument")
        if not node.json:
            raise DockerfileError("SHELL requires the arguments to be in JSON form")
        return ins.ShellInstruction(**common, shell=command)
    raise DockerfileError(with_suggestion(f"unknown instruction: {node.value}", node.value,
                                          [name.upper() for name in INSTRUCTIONS], False))


def _parse_healthcheck(node: Node, flags: _Flags, common: dict[str, Any]) -> ins.Instruction:
    args = node.args
    if not args:
        raise DockerfileError("HEALTHCHECK requires at least one argument")
    typ = args[0].upper()
    rest = args[1:]
    if typ == "NONE":
        if rest:
            raise DockerfileError("HEALTHCHECK NONE takes no arguments")
        return ins.HealthcheckInstruction(**common, test=["NONE"])
    for name in ("interval", "timeout", "start-period", "start-interval", "retries"):
        flags.add_string(name)
    flags.parse()
    if typ != "CMD":
        raise DockerfileError(f"Unknown type {_go_q(typ)} in HEALTHCHECK (try CMD)")
    if not rest:
        raise DockerfileError("Missing command after HEALTHCHECK CMD")
    command = list(rest) if node.json else [" ".join(rest)]
    test = ["CMD" if node.json else "CMD-SHELL", *command]
    interval = _opt_interval("interval", flags.values["interval"])
    timeout = _opt_interval("timeout", flags.values["timeout"])
    start_period = _opt_interval("start-period", flags.values["start-period"])
    start_interval = _opt_interval("start-interval", flags.values["start-interval"])
    retries = 0
    if flags.values["retries"] != "":
        retries = _parse_int32(flags.values["retries"])
        if retries < 0:
            raise DockerfileError(f"--retries cannot be negative ({retries})")
    return ins.HealthcheckInstruction(**common, test=test, interval=interval, timeout=timeout,
                                      start_period=start_period, start_interval=start_interval,
                                      retries=retries)


def _from_lint(node: Node, frm: ins.FromInstruction) -> list[ins.Warning_]:
    """StageNameCasing and FromAsCasing, run as BuildKit runs them while parsing FROM."""
    out: list[ins.Warning_] = []
    if len(node.args) == 3 and node.args[2] != node.args[2].lower():
        out.append(ins.Warning_("StageNameCasing",
                                f"Stage name '{node.args[2]}' should be lowercase", node.start))
    if len(node.args) >= 3:
        command, word = node.value, node.args[1]
        if command == command.lower() and word != word.lower() or (
                command == command.upper() and command != command.lower()
                and word != word.upper()):
            out.append(ins.Warning_(
                "FromAsCasing", f"'{word}' and '{command}' keywords' casing do not match",
                node.start))
    return out


def parse(text: str, *, escape: str | None = None) -> ins.Dockerfile:
    """Parse a Dockerfile as BuildKit does. `escape` overrides the default escape character
    (a `# escape=` directive in the text wins). Raises DockerfileError with BuildKit's text for what
    BuildKit rejects, DockerfileRefused for what the sandbox will not build (FROM --platform,
    RUN --mount/--network/--security/--device, ADD of a URL, git repository or archive, COPY
    --exclude/--parents)."""
    if len(text.encode("utf-8", "surrogateescape")) > MAX_DOCKERFILE:
        raise DockerfileRefused(f"the Dockerfile is larger than {MAX_DOCKERFILE // 1024} KiB")
    if text == "":
        raise DockerfileError("the Dockerfile cannot be empty", parse_error=False)
    try:
        nodes, directives, warnings = parse_nodes(text, escape=escape or "\\")
    except _NodeError as err:
        raise DockerfileError(err.message, err.line, parse_error=False) from None
    if len(nodes) > MAX_INSTRUCTIONS:
        raise DockerfileRefused(f"the Dockerfile has more than {MAX_INSTRUCTIONS} instructions, "
                                "more than the sandbox's builder takes", nodes[MAX_INSTRUCTIONS].start)
    dockerfile = ins.Dockerfile(escape=directives.escape, syntax=directives.syntax,
                                check=directives.check,
                                warnings=warnings)
    seen_from = False
    for node in nodes:
        try:
            instruction = parse_instruction(node)
        except DockerfileRefused as err:
            raise DockerfileRefused(err.message, node.start) from None
        except DockerfileError as err:
            raise DockerfileError(err.message, node.start) from None
        except _NodeError as err:
            raise DockerfileError(err.message, node.start) from None
        if isinstance(instruction, ins.FromInstruction):
            seen_from = True
            dockerfile.warnings += _from_lint(node, instruction)
        elif not seen_from and not isinstance(instruction, ins.ArgInstruction):
            raise DockerfileError("no build stage in current context", node.start,
                                  parse_error=False)
        if isinstance(instruction, ins.MaintainerInstruction):
            dockerfile.warnings.append(ins.Warning_(
                "MaintainerDeprecated",
                "Maintainer instruction is deprecated in favor of using label", node.start))
        dockerfile.instructions.append(instruction)
    if not seen_from:
        raise DockerfileError("dockerfile contains no stages to build", 0, parse_error=False)
    return dockerfile
