"""BuildKit's shell-word lexer (frontend/dockerfile/shell/lex.go): `$VAR`, `${VAR}`,
`${VAR:-x}`, `${VAR:+x}`, `${VAR-x}`, `${VAR+x}`, quotes and the escape character, as the
instructions that BuildKit expands (FROM, ENV, ARG, LABEL, EXPOSE, WORKDIR, USER, STOPSIGNAL,
COPY/ADD, ONBUILD? no) see them. Output is capped (`MAX_EXPANSION`) so expansion cannot blow up."""

from __future__ import annotations

from collections.abc import Mapping

MAX_EXPANSION = 64 * 1024  # characters one word may expand to


def process_word(word: str, env: Mapping[str, str], *, escape: str = "\\") -> str:
    """Expand one word as BuildKit's ProcessWord: variables substituted, quotes removed, no word
    splitting (`"a b"` and `a b` both give one string)."""
    raise NotImplementedError


def process_words(word: str, env: Mapping[str, str], *, escape: str = "\\") -> list[str]:
    """Expand and split into words as BuildKit's ProcessWords (used for EXPOSE, VOLUME and
    the exec forms' legacy split)."""
    raise NotImplementedError
