"""Go-compatible value parsing behind flag errors (strconv, time.ParseDuration, go-units, quoting)."""

from __future__ import annotations

import pytest

from webapp.engine.cli.gostrconv import (
    GoError,
    parse_bool,
    parse_duration,
    parse_int,
    parse_uint,
    quote,
    quote_byte,
    quote_rune,
)
from webapp.engine.cli.values import convert

QUOTES = [
    ("abc", '"abc"'), ('a"b\\c', '"a\\"b\\\\c"'), ("\x00\x07\t\n\x7f", '"\\x00\\a\\t\\n\\x7f"'),
    ("é😀", '"é😀"'), ("\u00a0\u200b", '"\\u00a0\\u200b"'), ("\ud800", '"\\xed\\xa0\\x80"'),
]


@pytest.mark.parametrize(("text", "quoted"), QUOTES)
def test_quote(text: str, quoted: str) -> None:
    assert quote(text) == quoted


def test_quote_to_ascii_and_quote_rune() -> None:
    assert quote("é😀\n", ascii_only=True) == '"\\u00e9\\U0001f600\\n"'
    assert [quote_rune(r) for r in (ord("é"), 0xD800, -1, 0x110000)] == ["'é'"] + ["'\ufffd'"] * 3
    assert quote_rune(ord("é"), ascii_only=True) == "'\\u00e9'"


def test_quote_byte() -> None:
    assert [quote_byte(c) for c in (ord("x"), ord("'"), 1, 0xC3, 0x85, 0xA0)] == [
        "'x'", "'\\''", "'\\x01'", "'Ã'", "'\\u0085'", "'\\u00a0'"]


INTS = [("42", 42), ("-7", -7), ("+7", 7), ("0x1F", 31), ("0o17", 15), ("017", 15),
        ("0b101", 5), ("1_000", 1000), ("0", 0), ("-9223372036854775808", -(1 << 63))]


@pytest.mark.parametrize(("text", "value"), INTS)
def test_parse_int(text: str, value: int) -> None:
    assert parse_int(text) == value


INT_ERRORS = [
    ("abc", 'strconv.ParseInt: parsing "abc": invalid syntax'),
    ("", 'strconv.ParseInt: parsing "": invalid syntax'),
    ("08", 'strconv.ParseInt: parsing "08": invalid syntax'),
    ("1.5", 'strconv.ParseInt: parsing "1.5": invalid syntax'),
    ("_1", 'strconv.ParseInt: parsing "_1": invalid syntax'),
    ("1__0", 'strconv.ParseInt: parsing "1__0": invalid syntax'),
    ("9223372036854775808", 'strconv.ParseInt: parsing "9223372036854775808": value out of range'),
    ("99999999999999999999x",
     'strconv.ParseInt: parsing "99999999999999999999x": value out of range'),
]


@pytest.mark.parametrize(("text", "message"), INT_ERRORS)
def test_parse_int_errors(text: str, message: str) -> None:
    with pytest.raises(GoError, match="^" + message.replace("(", r"\(").replace(")", r"\)")
                       .replace(".", r"\.") + "$"):
        parse_int(text)


def test_parse_uint() -> None:
    assert parse_uint("65535", 16) == 65535
    with pytest.raises(GoError, match="value out of range"):
        parse_uint("65536", 16)
    with pytest.raises(GoError, match='parsing "-1": invalid syntax'):
        parse_uint("-1", 16)


def test_parse_bool() -> None:
    assert [parse_bool(s) for s in ("1", "t", "TRUE", "True", "0", "f", "false", "F")] == [
        True, True, True, True, False, False, False, False]
    with pytest.raises(GoError, match='^strconv.ParseBool: parsing "yes": invalid syntax$'):
        parse_bool("yes")


DURATIONS = [("0", 0), ("1h30m", 5_400_000_000_000), (".5s", 500_000_000), ("-1.5h",
             -5_400_000_000_000), ("1µs", 1000), ("1μs", 1000), ("10ms5ns", 10_000_005)]


@pytest.mark.parametrize(("text", "nanos"), DURATIONS)
def test_parse_duration(text: str, nanos: int) -> None:
    assert parse_duration(text) == nanos


DURATION_ERRORS = [
    ("5", 'time: missing unit in duration "5"'),
    ("5x", 'time: unknown unit "x" in duration "5x"'),
    ("", 'time: invalid duration ""'),
    (".s", 'time: invalid duration ".s"'),
    ("5µx", 'time: unknown unit "\\xc2\\xb5x" in duration "5\\xc2\\xb5x"'),
    ("9999999999h", 'time: invalid duration "9999999999h"'),
]


@pytest.mark.parametrize(("text", "message"), DURATION_ERRORS)
def test_parse_duration_errors(text: str, message: str) -> None:
    with pytest.raises(GoError) as info:
        parse_duration(text)
    assert str(info.value) == message


CONVERSIONS = [
    ("memory", "bytes", "1.5GiB", "1.5GiB"), ("memory-swap", "bytes", "-1", "-1"),
    ("cpus", "decimal", "1/2", "1/2"), ("cpus", "decimal", "0.000000001", "0.000000001"),
    ("filter", "filter", "a=b", ["a=b"]), ("filter", "filter", "", []),
    ("attach", "list", "StdErr", ["stderr"]), ("add-host", "list", "h:1.2.3.4", ["h:1.2.3.4"]),
    ("add-host", "list", "h=[::1]", ["h:::1"]), ("dns-search", "list", "example.com.",
                                                 ["example.com"]),
]


@pytest.mark.parametrize(("name", "ftype", "text", "value"), CONVERSIONS)
def test_convert(name: str, ftype: str, text: str, value: object) -> None:
    assert convert(name, ftype, text, None) == value


CONVERT_ERRORS = [
    ("memory", "bytes", "abc", "invalid size: 'abc'"),
    ("memory", "bytes", "-1", "invalid size: '-1'"),
    ("memory", "bytes", "1.2.3", 'strconv.ParseFloat: parsing "1.2.3": invalid syntax'),
    ("memory", "bytes", "5KBB", "invalid suffix: 'kbb'"),
    ("memory", "bytes", "5kx", "invalid suffix: 'kx'"),
    ("memory-swap", "bytes", "-2", "invalid size: '-2'"),
    ("cpus", "decimal", "1.0000000001", "value is too precise"),
    ("cpus", "decimal", "", "failed to parse  as a rational number"),
    ("label", "list", " =x", "invalid label ' =x': empty name"),
    ("dns", "list", "x", "IP address is not correctly formatted: x"),
    ("add-host", "list", "x", 'bad format for add-host: "x"'),
    ("add-host", "list", "a:b", 'invalid IP address in add-host: "b"'),
    ("link", "list", "a:b:c", "bad format for links: a:b:c"),
    ("dns-search", "list", "123", "123 is not a valid domain"),
    ("device-cgroup-rule", "list", "x", "invalid device cgroup format 'x'"),
    ("sysctl", "map", "kernel.foo=1", "sysctl 'kernel.foo=1' is not allowed"),
]


@pytest.mark.parametrize(("name", "ftype", "text", "message"), CONVERT_ERRORS)
def test_convert_errors(name: str, ftype: str, text: str, message: str) -> None:
    with pytest.raises(ValueError) as info:
        convert(name, ftype, text, None)
    assert str(info.value) == message
