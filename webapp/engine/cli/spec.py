"""The command table: docker's command tree, flags and argument rules, loaded from commands.json.

The JSON is captured from the real client by `generate_table.py`; this module only turns it into
typed, read-only objects.  Two views exist:

* `Node`: one per command *path* ("docker container ls", "docker ps"), the way cobra sees the tree.
  Usage lines, help texts and error messages depend on the path.
* `CommandSpec`: one per canonical command ("ps"), the way the engines see it; `COMMANDS` maps
  canonical names to specs.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from .values import INT_BITS, UINT_BITS, is_repeatable

DATA_FILE = Path(__file__).with_name("commands.json")


@dataclass(frozen=True)
class FlagSpec:
    """One flag: `long` without dashes, `short` one letter or "", pflag `type` ("bool", "int", ...)."""

    long: str
    short: str
    type: str
    default: str = ""
    usage: str = ""
    hidden: bool = False
    alias_of: str = ""  # hidden spellings (--net) store their value under the visible name

    @property
    def key(self) -> str:
        """The options key a value is stored under."""
        return self.alias_of or self.long

    @property
    def is_bool(self) -> bool:
        return self.type == "bool"

    @property
    def repeatable(self) -> bool:
        return is_repeatable(self.type)

    @property
    def is_int(self) -> bool:
        return self.type in INT_BITS or self.type in UINT_BITS

    @property
    def display(self) -> str:
        """How pflag names the flag in "invalid argument" errors."""
        return f"-{self.short}, --{self.long}" if self.short else f"--{self.long}"


@dataclass(frozen=True)
class ArgRule:
    """How many positional arguments a command takes.

    kind: "none", "min", "max", "exact", "range" (docker/cli's validators, with usage block),
    "cobra_exact" etc. (cobra's plain validators), or "any".
    """

    kind: str = "any"
    min: int = 0
    max: int = 0


@dataclass(frozen=True)
class CommandSpec:
    """A canonical command: its flags, argument rule, usage and description, and every path to it."""

    name: str  # canonical name: "ps", "run", "container prune", "network ls"
    path: str  # primary path: "docker ps"
    paths: tuple[str, ...]  # every path reaching it: ("docker ps", "docker container ls")
    usage: str  # usage line for the primary path
    short: str  # one-line description
    aliases: str  # the "Aliases:" line of the help, "" if none
    flags: tuple[FlagSpec, ...]
    args: ArgRule
    interspersed: bool = True  # False: flags end at the first positional argument (run, exec)

    def flag(self, name: str) -> FlagSpec | None:
        """Look a flag up by long name (without dashes)."""
        for f in self.flags:
            if f.long == name:
                return f
        return None


@dataclass
class Node:
    """One command path in cobra's tree."""

    path: str
    use_line: str  # cobra UseLine(), printed after "Usage:  " in errors
    help: str
    canonical: str
    names: tuple[str, ...]  # cobra name followed by its aliases
    flags: tuple[FlagSpec, ...]
    args: ArgRule
    interspersed: bool
    children: list[Node] = field(default_factory=list)
    parent: Node | None = None
    bare_help_stream: str = "stderr"  # groups: where `docker <group>` prints its help
    unknown_sub: str = "error"  # groups: "error" or "help" for an unknown subcommand

    @property
    def is_group(self) -> bool:
        return bool(self.children) or self.parent is None

    @cached_property
    def by_long(self) -> dict[str, FlagSpec]:
        return {f.long: f for f in self.flags}

    @cached_property
    def by_short(self) -> dict[int, FlagSpec]:
        return {ord(f.short): f for f in self.flags if f.short}

    @property
    def local_help(self) -> bool:
        """True when the command defines its own --help (run/create, where -h is --hostname)."""
        return "help" in self.by_long

    def find_child(self, word: str) -> Node | None:
        """cobra findNext: exact name or alias."""
        for child in self.children:
            if word in child.names:
                return child
        return None


def _flag(raw: dict) -> FlagSpec:
    return FlagSpec(long=raw["long"], short=raw.get("short", ""), type=raw["type"],
                    default=raw.get("default", ""), usage=raw.get("usage", ""),
                    hidden=raw.get("hidden", False), alias_of=raw.get("alias_of", ""))


def _canonical(path: str, aliases: str) -> str:
    """ "docker container ls" -> "ps": the top-level alias if there is one, else the path."""
    words = path.split()[1:]
    for alias in (a.strip() for a in aliases.split(",")):
        parts = alias.split()
        if len(parts) == 2 and parts[0] == "docker":
            return parts[1]
    return " ".join(words) if words else "help"


def _names(path: str, aliases: str) -> tuple[str, ...]:
    words = path.split()
    parent = " ".join(words[:-1])
    names = [words[-1]]
    for alias in (a.strip() for a in aliases.split(",")):
        head, _, last = alias.rpartition(" ")
        if head == parent and last and last not in names:
            names.append(last)
    return tuple(names)


def _load() -> tuple[dict, Node, dict[str, Node], dict[str, CommandSpec]]:
    table = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    pages: dict = table["commands"]
    nodes: dict[str, Node] = {}
    for path in sorted(pages, key=lambda p: len(p.split())):
        page = pages[path]
        words = path.split()
        rule = page.get("args") or {}
        if len(words) == 1:
            use_line = "docker [OPTIONS] COMMAND [ARG...]"
        elif page["subcommands"]:
            use_line = path
        else:
            use_line = page["usage"]
        node = Node(path=path, use_line=use_line, help=page["help"],
                    canonical=_canonical(path, page["aliases"]) if len(words) > 1 else "help",
                    names=_names(path, page["aliases"]) if len(words) > 1 else ("docker",),
                    flags=tuple(_flag(f) for f in page["flags"]),
                    args=ArgRule(rule.get("kind", "any"), rule.get("min", 0), rule.get("max", 0)),
                    interspersed=page.get("interspersed", True),
                    bare_help_stream=page.get("bare_help_stream", "stderr"),
                    unknown_sub=page.get("unknown_sub", "error"))
        nodes[path] = node
        parent = nodes.get(" ".join(words[:-1]))
        if parent is not None:
            node.parent = parent
            parent.children.append(node)
    commands: dict[str, CommandSpec] = {}
    for node in nodes.values():
        if node.is_group:
            continue
        spec = commands.get(node.canonical)
        page = pages[node.path]
        if spec is None or len(node.path.split()) < len(spec.path.split()):
            paths = (spec.paths if spec else ()) + (node.path,)
            commands[node.canonical] = CommandSpec(
                name=node.canonical, path=node.path, paths=tuple(sorted(set(paths), key=len)),
                usage=node.use_line, short=page["short"], aliases=page["aliases"],
                flags=node.flags, args=node.args, interspersed=node.interspersed)
        else:
            commands[node.canonical] = CommandSpec(**{**spec.__dict__,
                                                      "paths": spec.paths + (node.path,)})
    return table, nodes["docker"], nodes, commands


TABLE, ROOT, NODES, COMMANDS = _load()
CLIENT_VERSION: str = TABLE["client_version"]
VERSION_LINE: str = TABLE["version_line"]
