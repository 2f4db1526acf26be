"""spf13/pflag's FlagSet.Parse, rule for rule, with its error texts.

pflag is not getopt: `-abc` is a run of bools until one takes a value (the rest of the word, or
the next word), `-f=v` works for short flags, `--` ends flags, a lone `-` is an argument, and
with interspersing off (run, create, exec) the first positional argument ends all flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .gostrconv import quote, quote_byte
from .spec import FlagSpec
from .values import convert

HELP_DEPRECATION = "Flag shorthand -h has been deprecated, use --help\n"
# The help flag every command inherits from the root; its -h shorthand is deprecated.
PERSISTENT_HELP = FlagSpec(long="help", short="h", type="bool", hidden=True)


class FlagError(Exception):
    """A pflag parse error; `str()` is pflag's message."""


@dataclass
class FlagSet:
    """The flags one command accepts, plus the values parsed so far."""

    flags: dict[str, FlagSpec]
    shorts: dict[int, FlagSpec]
    interspersed: bool = True
    deprecated_shorts: frozenset[str] = frozenset()
    values: dict[str, object] = field(default_factory=dict)
    notices: list[str] = field(default_factory=list)
    positional: list[str] = field(default_factory=list)

    @classmethod
    def for_flags(cls, flags: tuple[FlagSpec, ...], interspersed: bool = True) -> FlagSet:
        """A flag set with the persistent --help/-h added where the command has no own."""
        longs, shorts, deprecated = _flag_tables(flags)
        return cls(longs, shorts, interspersed, deprecated)

    def lookup(self, long: str) -> FlagSpec | None:
        return self.flags.get(long)

    def has_no_opt_default(self, long: str) -> bool:
        """cobra's hasNoOptDefVal: is it a flag that needs no value (a bool)?"""
        spec = self.flags.get(long)
        return spec is not None and spec.is_bool

    def short_has_no_opt_default(self, short: str) -> bool:
        spec = self.shorts.get(ord(short[0])) if short else None
        return spec is not None and spec.is_bool

    def _display(self, spec: FlagSpec) -> str:
        if spec.long in self.deprecated_shorts:
            return f"--{spec.long}"
        return spec.display

    def _set(self, spec: FlagSpec, value: str) -> None:
        try:
            self.values[spec.key] = convert(spec.long, spec.type, value, self.values.get(spec.key))
        except ValueError as err:
            raise FlagError(f"invalid argument {quote(value)} for {quote(self._display(spec))} "
                            f"flag: {err}") from None

    def parse(self, args: list[str]) -> None:
        """FlagSet.Parse; positional arguments accumulate in `positional`."""
        args = list(args)
        while args:
            s = args.pop(0)
            if len(s) == 0 or s[0] != "-" or len(s) == 1:
                self.positional.append(s)
                if not self.interspersed:
                    self.positional.extend(args)
                    return
                continue
            if s[1] == "-":
                if len(s) == 2:
                    self.positional.extend(args)
                    return
                args = self._parse_long(s, args)
            else:
                args = self._parse_short(s, args)

    def _parse_long(self, s: str, args: list[str]) -> list[str]:
        name = s[2:]
        if name[0] in "-=":
            raise FlagError(f"bad flag syntax: {s}")
        name, has_value, value = name.partition("=")
        spec = self.flags.get(name)
        if spec is None:
            raise FlagError(f"unknown flag: --{name}")
        if has_value:
            pass
        elif spec.is_bool:
            value = "true"
        elif args:
            value = args.pop(0)
        else:
            raise FlagError(f"flag needs an argument: {s}")
        self._set(spec, value)
        return args

    def _parse_short(self, s: str, args: list[str]) -> list[str]:
        # pflag works on bytes: `-é` reports the byte 0xc3 as the unknown shorthand.
        shorthands = s[1:].encode("utf-8", "surrogatepass")
        rest = args
        while shorthands:
            if shorthands.startswith(b"test."):  # pflag skips go-test flags silently
                break
            c = shorthands[0]
            spec = self.shorts.get(c)
            if spec is None:
                raise FlagError(f"unknown shorthand flag: {quote_byte(c)} in -{_text(shorthands)}")
            if len(shorthands) > 2 and shorthands[1:2] == b"=":
                value, shorthands = _text(shorthands[2:]), b""
            elif spec.is_bool:
                value, shorthands = "true", shorthands[1:]
            elif len(shorthands) > 1:
                value, shorthands = _text(shorthands[1:]), b""
            elif args:
                value, rest, shorthands = args[0], args[1:], b""
            else:
                raise FlagError(f"flag needs an argument: {quote_byte(c)} in -{_text(shorthands)}")
            if spec.long in self.deprecated_shorts:
                self.notices.append(HELP_DEPRECATION)
            self._set(spec, value)
        return rest


def _text(b: bytes) -> str:
    return b.decode("utf-8", "surrogatepass")


_Tables = tuple[dict[str, FlagSpec], dict[int, FlagSpec], frozenset[str]]
_TABLES: dict[int, tuple[tuple[FlagSpec, ...], _Tables]] = {}


def _flag_tables(flags: tuple[FlagSpec, ...]) -> _Tables:
    """A command's flags by long name and by short letter, built once per command: every console
    line builds several flag sets, and the tables are never changed (only `values` are). Keyed by
    identity, as hashing `run`'s hundred specs would cost what building them does; the entry keeps
    its tuple alive, so the id cannot be reused."""
    entry = _TABLES.get(id(flags))
    if entry is not None and entry[0] is flags:
        return entry[1]
    longs = {f.long: f for f in flags}
    shorts = {ord(f.short): f for f in flags if f.short}
    deprecated: frozenset[str] = frozenset()
    if "help" not in longs:
        longs["help"] = PERSISTENT_HELP
        if ord("h") not in shorts:
            shorts[ord("h")] = PERSISTENT_HELP
            deprecated = frozenset({"help"})
    tables = (longs, shorts, deprecated)
    if len(_TABLES) < 1024:  # the command tree's nodes; never more unless flags are built per call
        _TABLES[id(flags)] = (flags, tables)
    return tables
