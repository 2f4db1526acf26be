"""split_line: bash's quoting rules, and bash's error for an unbalanced quote."""

from __future__ import annotations

import shutil
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from webapp.engine.cli import CliError, split_line

SPLITS = [
    ("docker ps -a", ["docker", "ps", "-a"]),
    ("  docker\tps  ", ["docker", "ps"]),
    ("", []),
    ("   ", []),
    ('docker run -e "A=b c" alpine', ["docker", "run", "-e", "A=b c", "alpine"]),
    ("docker run alpine sh -c 'echo $HOME; exit 3'",
     ["docker", "run", "alpine", "sh", "-c", "echo $HOME; exit 3"]),
    ('echo "a\\"b" "c\\d" "e\\\\f" "\\$x"', ["echo", 'a"b', "c\\d", "e\\f", "$x"]),
    ("echo a\\ b \\'c\\' \\\\", ["echo", "a b", "'c'", "\\"]),
    ("echo x\\", ["echo", "x\\"]),
    ("echo a\\\nb", ["echo", "ab"]),
    ('echo "" \'\' x""y', ["echo", "", "", "xy"]),
    ("echo 'it'\\''s'", ["echo", "it's"]),
    ("docker ps # list them", ["docker", "ps"]),
    ("docker ps a#b", ["docker", "ps", "a#b"]),
    ("docker ps '#x'", ["docker", "ps", "#x"]),
    ("echo `date` \"`x y`\"", ["echo", "`date`", "`x y`"]),
    ("echo $HOME | grep x; ls > f", ["echo", "$HOME", "|", "grep", "x;", "ls", ">", "f"]),
    ("docker run --name ünï alpine", ["docker", "run", "--name", "ünï", "alpine"]),
    ("a\nb", ["a", "b"]),
]


@pytest.mark.parametrize(("line", "words"), SPLITS, ids=[repr(s[0]) for s in SPLITS])
def test_split(line: str, words: list[str]) -> None:
    assert split_line(line) == words


UNBALANCED = [
    ('docker "x', '"'), ("docker 'x", "'"), ('docker "x\'', '"'), ('docker "a\\"b', '"'),
    ("docker `x", "`"), ('docker "a`b"', "`"), ("docker x'", "'"),
]


@pytest.mark.parametrize(("line", "quote"), UNBALANCED, ids=[repr(u[0]) for u in UNBALANCED])
def test_unbalanced_quote(line: str, quote: str) -> None:
    with pytest.raises(CliError) as info:
        split_line(line)
    assert info.value.exit_code == 2
    assert info.value.stderr == f"bash: unexpected EOF while looking for matching `{quote}'\n"
    assert info.value.stdout == ""


def test_long_line_is_fast() -> None:
    line = "docker run " + " ".join(f"'a{i}' \"b\\\"{i}\" c\\ {i}" for i in range(1500))
    assert len(line) > 10_000
    assert len(split_line(line)) == 2 + 3 * 1500


_BASH = shutil.which("bash")


def _bash_words(line: str) -> list[str] | str:
    proc = subprocess.run(["bash", "-c", "printf '%s\\0' " + line], executable=_BASH,
                          capture_output=True, timeout=10, check=False)
    if proc.returncode:
        return proc.stderr.decode().replace("bash: -c: line 1: ", "bash: ", 1)
    return proc.stdout.decode().split("\0")[:-1]


@pytest.mark.skipif(_BASH is None, reason="needs bash")
@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab '\"\\#\t", max_size=14))
def test_agrees_with_bash(line: str) -> None:
    try:
        mine: list[str] | str = split_line("x " + line)[1:]
    except CliError as err:
        mine = err.stderr
    if mine == []:
        mine = [""]  # printf with no arguments still prints its format once
    assert mine == _bash_words(line)
