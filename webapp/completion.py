"""Tab completion for the console: subcommands, flags, container names and image names.

Commands and flags come from the parser's command table (captured from the real docker client), so
completion never offers what the parser would reject; names come from the learner's own engine.
Only commands the simulator implements are offered, so a learner is never led to a dead end.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .engine.base import Engine

# What the console's shell offers after a `|`, `;` or `&&` besides docker (console_tools.py).
CONSOLE_TOOLS = ("awk", "echo", "grep", "head", "sort", "tail", "wc", "xargs")
MANAGEMENT = ("container", "image")  # the management commands whose sub-commands we complete
RESTART_POLICIES = ("no", "always", "on-failure", "unless-stopped")
SIGNALS = ("SIGTERM", "SIGKILL", "SIGINT", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGWINCH")
FLAG_VALUES = {"restart": RESTART_POLICIES, "signal": SIGNALS, "stop-signal": SIGNALS}

# Which containers each command's positional arguments name, by the states that make sense.
RUNNING = ("running", "paused", "restarting")
CONTAINER_ARGS: dict[str, tuple[str, ...] | None] = {
    "start": ("created", "exited"), "stop": RUNNING, "kill": RUNNING, "pause": ("running",),
    "unpause": ("paused",), "restart": None, "rm": None, "logs": None, "inspect": None,
    "attach": RUNNING, "exec": ("running",), "wait": None, "rename": None, "top": ("running",),
}
# Commands whose *first* positional argument only is a container (the rest is free text).
FIRST_ONLY = {"exec", "rename"}
IMAGE_ARGS = {"run", "create", "rmi", "pull"}  # first positional is an image (rmi: all of them)


@dataclass(frozen=True)
class Flag:
    long: str
    short: str
    takes_value: bool


@dataclass(frozen=True)
class Command:
    """A command path ("container ls", "" for `docker` itself) as completion sees it."""

    path: str
    handler: str  # the canonical command the simulator runs ("ps" for "container ls"), or ""
    subcommands: tuple[str, ...] = ()
    flags: tuple[Flag, ...] = ()
    interspersed: bool = True  # False: after the first argument come the container's own words


@functools.lru_cache(maxsize=1)
def command_table() -> dict[str, Command]:
    """Every command path of the parser's table, with its visible flags and its sub-commands."""
    from .engine.cli import COMMANDS
    from .engine.cli.commands import handles

    table: dict[str, Command] = {}
    for spec in COMMANDS.values():
        handler = spec.name if handles(spec.name) else ""
        flags = tuple(Flag(f.long, f.short, not f.is_bool) for f in spec.flags if not f.hidden)
        for path in spec.paths:
            key = path.removeprefix("docker").strip()
            table[key] = Command(key, handler, (), flags, spec.interspersed)
    children: dict[str, set[str]] = {}
    for key in list(table):
        words = key.split()
        for depth in range(len(words)):
            children.setdefault(" ".join(words[:depth]), set()).add(words[depth])
    for group, subs in children.items():
        known = table.get(group, Command(group, ""))
        table[group] = Command(group, known.handler, tuple(sorted(subs)), known.flags,
                               known.interspersed)
    return table


def _supported(table: dict[str, Command], path: str) -> bool:
    """The simulator runs it, or it is `container`/`image` with something the simulator runs."""
    command = table.get(path)
    if command is None:
        return False
    if command.handler:
        return True
    return path in MANAGEMENT and any(_supported(table, f"{path} {sub}")
                                      for sub in command.subcommands)


@dataclass
class Word:
    text: str  # unquoted
    start: int  # index in the line where the word begins


def split_words(text: str) -> list[Word]:
    """Split like a shell would, tolerating an unfinished quote (the word being typed)."""
    words: list[Word] = []
    current: list[str] | None = None
    start = 0
    quote = ""
    i = 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"' and i + 1 < len(text):
                i += 1
                current.append(text[i])  # type: ignore[union-attr]
            else:
                current.append(ch)  # type: ignore[union-attr]
        elif ch.isspace():
            if current is not None:
                words.append(Word("".join(current), start))
                current = None
        else:
            if current is None:
                current, start = [], i
            if ch in "'\"":
                quote = ch
            elif ch == "\\" and i + 1 < len(text):
                i += 1
                current.append(text[i])
            else:
                current.append(ch)
        i += 1
    if current is not None:
        words.append(Word("".join(current), start))
    return words


def command_start(text: str) -> int:
    """Where the command under the cursor begins: after the last `;`, `&&`, `||`, `|`, `(`, `$(` or
    backquote outside quotes (the console is a shell: `docker ps -q && docker st` completes `st`)."""
    start, quote, i = 0, "", 0
    while i < len(text):
        ch = text[i]
        if quote:
            if ch == quote:
                quote = ""
            elif ch == "\\" and quote == '"':
                i += 1
        elif ch == "\\":
            i += 1
        elif ch in "'\"":
            quote = ch
        elif ch in ";&|(`":
            start = i + 1
        i += 1
    return start


def container_names(engine: Engine, states: tuple[str, ...] | None) -> list[str]:
    return [c["name"] for c in engine.containers() if states is None or c["state"] in states]


def image_names(engine: Engine, *, catalogue: bool = False) -> list[str]:
    """Local images as `repo:tag` (and bare `repo` for `:latest`); `catalogue`: what pull can get."""
    if catalogue:
        from .engine.images import CATALOGUE

        refs: Iterable[str] = CATALOGUE
    else:  # the images this learner sees
        refs = [image["ref"] for image in engine.images()]
    names = []
    for ref in refs:
        names.append(ref)
        if ref.endswith(":latest"):
            names.append(ref.removesuffix(":latest"))
    return names


def _value_flag(command: Command, word: str) -> Flag | None:
    """The flag whose value is the *next* word, if `word` is one (`--name`, `-e`, `-ite`)."""
    if word.startswith("--"):
        flag = next((f for f in command.flags if f.long == word[2:]), None)
        return flag if flag is not None and flag.takes_value else None
    for i, ch in enumerate(word[1:], start=1):
        flag = next((f for f in command.flags if f.short == ch), None)
        if flag is None:
            return None
        if flag.takes_value:  # `-p80:80` carries its value; `-p` takes the next word
            return flag if i == len(word) - 1 else None
    return None


def _is_flag(word: str) -> bool:
    return word.startswith("-") and word not in ("-", "--")


def _matching(candidates: Iterable[str], prefix: str) -> list[str]:
    return sorted({c for c in candidates if c.startswith(prefix)})


def complete(line: str, cursor: int, engine: Engine) -> tuple[list[str], int]:
    """Candidates for the word under the cursor, and where in `line` that word starts."""
    cursor = max(0, min(cursor, len(line)))
    text = line[:cursor]
    offset = command_start(text)
    words = [Word(w.text, w.start + offset) for w in split_words(text[offset:])]
    if not words or text[-1:].isspace() or offset == len(text):
        words.append(Word("", cursor))
    current, before = words[-1], words[:-1]
    prefix, start = current.text, current.start
    if not before:
        return _matching(["docker"] if offset == 0 else ["docker", *CONSOLE_TOOLS], prefix), start
    if before[0].text != "docker":
        return [], start

    table = command_table()
    path = ""
    command = table[""]
    positionals: list[str] = []
    expect_value: Flag | None = None
    for word in before[1:]:
        if expect_value is not None:
            expect_value = None
            continue
        if _is_flag(word.text) and (not positionals or command.interspersed):
            expect_value = _value_flag(command, word.text)
            continue
        if not positionals and word.text in command.subcommands:
            path = f"{path} {word.text}".strip()
            command = table.get(path, command)
            continue
        positionals.append(word.text)

    if expect_value is not None:
        return _matching(FLAG_VALUES.get(expect_value.long, ()), prefix), start
    if prefix.startswith("-") and (not positionals or command.interspersed):
        longs = [f"--{f.long}" for f in command.flags if f.long]
        shorts = [f"-{f.short}" for f in command.flags if f.short] if len(prefix) <= 2 else []
        if prefix.startswith("--") and "=" in prefix:  # --restart=al
            name, _, _ = prefix[2:].partition("=")
            values = FLAG_VALUES.get(name, ()) if any(f.long == name for f in command.flags) else ()
            return _matching((f"--{name}={v}" for v in values), prefix), start
        return _matching(longs + shorts, prefix), start
    if not positionals and command.subcommands:
        subs = [s for s in command.subcommands if _supported(table, f"{path} {s}".strip())]
        return _matching(subs, prefix), start
    handler = command.handler
    if handler in IMAGE_ARGS and not positionals:
        return _matching(image_names(engine, catalogue=handler == "pull"), prefix), start
    if handler == "rmi":
        return _matching(image_names(engine), prefix), start
    if handler in CONTAINER_ARGS and not (handler in FIRST_ONLY and positionals):
        return _matching(container_names(engine, CONTAINER_ARGS[handler]), prefix), start
    return [], start
