"""The Dockerfile shell-word lexer against BuildKit's own tables.

`dockerfile_data/envVarTest` and `dockerfile_data/wordsTest` are copied unchanged from moby/buildkit
(frontend/dockerfile/shell/, Apache-2.0); the two table tests below read them as lex_test.go does
(TestShellParser4EnvVars, TestShellParser4Words), so the port is checked case by case against the
cases BuildKit's maintainers wrote.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp.engine.dockerfile.errors import DockerfileError
from webapp.engine.dockerfile.shell import MAX_EXPANSION, Lex, go_quote, process_word

DATA = Path(__file__).parent / "dockerfile_data"


def _env_var_cases() -> list[tuple[int, str, str]]:
    cases = []
    for number, line in enumerate((DATA / "envVarTest").read_text().splitlines(), 1):
        if line.startswith("#") or not line.strip():
            continue
        platform, source, expected = (part.strip() for part in line.strip().split("|"))
        if platform in ("A", "U"):
            cases.append((number, source, expected))
    return cases


ENV = {"PWD": "/home", "SHELL": "bash", "KOREAN": "한국어", "NULL": ""}


@pytest.mark.parametrize(("number", "source", "expected"), _env_var_cases())
def test_env_var_table(number: int, source: str, expected: str) -> None:
    """Each line of BuildKit's envVarTest (Unix and all-platform rows)."""
    if expected == "error":
        with pytest.raises(DockerfileError):
            process_word(source, ENV)
    else:
        assert process_word(source, ENV) == expected, f"envVarTest line {number}"


def _words_cases() -> list[tuple[int, dict[str, str], str, list[str] | None]]:
    cases: list[tuple[int, dict[str, str], str, list[str] | None]] = []
    env: dict[str, str] = {}
    for number, line in enumerate((DATA / "wordsTest").read_text().splitlines(), 1):
        if line.startswith("#"):
            continue
        if line.startswith("ENV "):
            key, _, value = line[3:].lstrip(" ").partition("=")
            env = {**env, key: value}
            continue
        test, expected = line.split("|")
        words = expected.lstrip(" ").split(",")
        cases.append((number, env, test.strip(), None if words == ["error"] else words))
    return cases


@pytest.mark.parametrize(("number", "env", "source", "expected"), _words_cases())
def test_words_table(number: int, env: dict[str, str], source: str,
                     expected: list[str] | None) -> None:
    """Each line of BuildKit's wordsTest (ProcessWords, normal mode)."""
    if expected is None:
        with pytest.raises(DockerfileError):
            Lex().process_words(source, env)
    else:
        assert Lex().process_words(source, env) == expected, f"wordsTest line {number}"


@pytest.mark.parametrize(("word", "env", "expected"), [
    ("${A:-x}", {}, "x"), ("${A:-x}", {"A": ""}, "x"), ("${A-x}", {"A": ""}, ""),
    ("${A:+x}", {"A": "1"}, "x"), ("${A:+x}", {"A": ""}, ""), ("${A+x}", {"A": ""}, "x"),
    ("${A#*/}", {"A": "a/b/c"}, "b/c"), ("${A##*/}", {"A": "a/b/c"}, "c"),
    ("${A%/*}", {"A": "a/b/c"}, "a/b"), ("${A%%/*}", {"A": "a/b/c"}, "a"),
    ("${A/b/x}", {"A": "abab"}, "axab"), ("${A//b/x}", {"A": "abab"}, "axax"),
    ("'$A'", {"A": "1"}, "$A"), ("\"$A\"", {"A": "1"}, "1"),
])
def test_modifiers(word: str, env: dict[str, str], expected: str) -> None:
    """The ${...} modifiers BuildKit supports (lex.go processDollar)."""
    assert process_word(word, env) == expected


@pytest.mark.parametrize(("word", "message"), [
    ("${A", "failed to process \"${A\": unsupported modifier (\ufffd) in substitution"),
    ("${A:-x", "failed to process \"${A:-x\": syntax error: missing '}'"),
    ("${}", "failed to process \"${}\": syntax error: bad substitution"),
    ("${A?}", "failed to process \"${A?}\": A: is not allowed to be unset"),
    ("${A:?oops}", "failed to process \"${A:?oops}\": A: oops"),
    ("${A:#x}", "failed to process \"${A:#x}\": unsupported modifier (:#) in substitution"),
])
def test_errors(word: str, message: str) -> None:
    """Error texts as lex.go words them (wrapped by process's "failed to process %q")."""
    with pytest.raises(DockerfileError) as caught:
        process_word(word, {})
    assert str(caught.value) == message


def test_expansion_is_capped() -> None:
    """A doubling variable cannot grow without bound."""
    env = {"A": "x" * (MAX_EXPANSION // 2 + 1)}
    with pytest.raises(DockerfileError, match="longer than"):
        process_word("$A$A", env)


def test_go_quote() -> None:
    """%q as Go prints it (history texts of CMD/ENTRYPOINT use it)."""
    assert go_quote('a"b\\c\n\t') == '"a\\"b\\\\c\\n\\t"'
    assert go_quote("한국") == '"한국"'
    assert go_quote("\x01") == '"\\x01"'
