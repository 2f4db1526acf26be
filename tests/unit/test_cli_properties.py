"""Robustness: for ANY input, only a ParsedCommand or a CliError comes out.

`parse_core` is parse_argv without its last-resort safety net, so these tests prove the net is
never needed.
"""

from __future__ import annotations

import time

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from webapp.engine.cli import COMMANDS, CliError, ParsedCommand, parse_argv, split_line
from webapp.engine.cli.parser import parse_core

# Words that steer the parser into interesting places, mixed with arbitrary text.
_COMMAND_WORDS = sorted({w for spec in COMMANDS.values() for p in spec.paths for w in
                         p.split()[1:]} | {"help", "completion", "foo", ""})
_FLAG_WORDS = sorted({f"--{f.long}" for spec in COMMANDS.values() for f in spec.flags}
                     | {f"-{f.short}" for spec in COMMANDS.values() for f in spec.flags
                        if f.short}
                     | {"-", "--", "-h", "--help", "-=", "--=x", "-a=", "---", "-test.v", "-v"})
_word = st.one_of(st.sampled_from(_COMMAND_WORDS), st.sampled_from(_FLAG_WORDS),
                  st.text(max_size=12),
                  st.builds(lambda f, v: f"{f}={v}", st.sampled_from(_FLAG_WORDS),
                            st.text(max_size=6)),
                  st.builds(lambda f, v: f + v, st.sampled_from(_FLAG_WORDS),
                            st.text(max_size=4)))
_argv = st.lists(_word, max_size=8)


def _check(result_or_error) -> None:
    if isinstance(result_or_error, CliError):
        err = result_or_error
        assert isinstance(err.stderr, str) and err.stderr.endswith("\n")
        assert isinstance(err.stdout, str) and isinstance(err.exit_code, int)
        assert err.exit_code in (1, 2, 125)
        return
    parsed = result_or_error
    assert isinstance(parsed, ParsedCommand)
    assert isinstance(parsed.command, str) and isinstance(parsed.args, list)
    assert all(isinstance(a, str) for a in parsed.args)
    for key, value in parsed.options.items():
        assert isinstance(key, str) and not key.startswith("-")
        assert isinstance(value, (bool, int, float, str, list))
    if parsed.help:
        out, err = parsed.help_output()
        assert (out + err).count("Usage:") >= 1


def _outcome(argv: list[str]):
    try:
        return parse_core(argv)
    except CliError as err:
        return err


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_argv)
def test_any_argv(argv: list[str]) -> None:
    _check(_outcome(argv))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(), max_size=6))
def test_any_text_argv(argv: list[str]) -> None:
    _check(_outcome(argv))


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_any_line(line: str) -> None:
    try:
        words = split_line(line)
    except CliError as err:
        assert err.exit_code == 2 and err.stderr.startswith("bash: unexpected EOF")
        return
    assert all(isinstance(w, str) for w in words)
    _check(_outcome(words[1:]))


@settings(max_examples=200, deadline=None)
@given(st.sampled_from(sorted(COMMANDS)), _argv)
def test_any_argv_after_a_real_command(name: str, rest: list[str]) -> None:
    _check(_outcome([*COMMANDS[name].path.split()[1:], *rest]))


EDGE_CASES = [[], [""], ["-"], ["--"], ["--=x"], ["-="], ["---"], ["-\x00"], ["\x00"],
              ["run", "\x00"], ["run", "-\udcff"], ["ps", "-\U0001F600"], ["ps", "--\x00=\x00"],
              ["run", "-e"], ["run", "-e", "\ud800"], ["ps", "-f", "\u2028"], ["help", "-"],
              ["container", "--"], ["container", "--", "--"], ["-h", "-h", "-h"],
              ["run", "-a=", "x"], ["run", "-ah"], ["stop", "-t", "-1", "x"],
              [0, None, b"x"]]  # non-str items (defensive: coerced to str)


def test_edge_cases() -> None:
    for argv in EDGE_CASES:
        _check(_outcome(argv))  # type: ignore[arg-type]


def test_huge_inputs_are_fast() -> None:
    start = time.perf_counter()
    line = "docker run " + "-e A=" + "x" * 10_000 + " " + " ".join(["-p", "1:1"] * 500) + " img"
    _check(_outcome(split_line(line)[1:]))
    _check(_outcome(["ps", "-" + "a" * 10_000]))
    _check(_outcome(["run", "--" + "x" * 10_000]))
    _check(_outcome(["x" * 10_000]))
    _check(_outcome(["-a"] * 2_000))
    try:
        split_line('"' + "\\" * 10_000)
    except CliError:
        pass
    assert time.perf_counter() - start < 2


def test_public_parse_argv_only_raises_cli_error() -> None:
    for argv in EDGE_CASES:
        try:
            assert isinstance(parse_argv(argv), ParsedCommand)  # type: ignore[arg-type]
        except CliError:
            pass
