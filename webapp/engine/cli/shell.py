"""Split a line into words the way bash does for a simple command (a lesson's solution line, a
plain docker line the page summarizes before it runs).

Quotes and backslashes follow bash: '...' is literal, "..." keeps backslash only before
$ ` " \\ and newline, a backslash outside quotes escapes the next character (a trailing one
stays), and `#` at the start of a word begins a comment.  Nothing is expanded or executed here:
`$VAR`, globs, `|`, `;` and `>` stay literal characters of their word, and backquoted text is kept
as typed; the console's shell (`engine/console_shell.py`) is what runs a line.  Unbalanced quotes
give bash's own error.
"""

from __future__ import annotations

from .parsed import CliError

_BLANKS = " \t\n"


def _unbalanced(quote: str) -> CliError:
    return CliError(f"bash: unexpected EOF while looking for matching `{quote}'\n", 2)


def _backquoted(line: str, i: int) -> int:
    """Index just past the backquote closing the one at `i`."""
    j = i + 1
    while j < len(line):
        if line[j] == "\\":
            j += 2
            continue
        if line[j] == "`":
            return j + 1
        j += 1
    raise _unbalanced("`")


def split_line(line: str) -> list[str]:
    """Words of `line`; raises CliError (exit 2) for an unbalanced quote, as bash does."""
    words: list[str] = []
    word: list[str] = []
    in_word = False
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in _BLANKS:
            if in_word:
                words.append("".join(word))
                word, in_word = [], False
            i += 1
        elif c == "#" and not in_word:
            nl = line.find("\n", i)
            i = n if nl < 0 else nl
        elif c == "\\":
            in_word = True
            if i + 1 >= n:
                word.append("\\")
            elif line[i + 1] != "\n":
                word.append(line[i + 1])
            i += 2
        elif c == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise _unbalanced("'")
            word.append(line[i + 1:end])
            in_word = True
            i = end + 1
        elif c == '"':
            i = _double_quoted(line, i + 1, word)
            in_word = True
        elif c == "`":
            end = _backquoted(line, i)
            word.append(line[i:end])
            in_word = True
            i = end
        else:
            word.append(c)
            in_word = True
            i += 1
    if in_word:
        words.append("".join(word))
    return words


def _double_quoted(line: str, i: int, word: list[str]) -> int:
    """Append the body of a "..." starting at `i` to `word`; return the index past the quote."""
    n = len(line)
    while i < n:
        c = line[i]
        if c == '"':
            return i + 1
        if c == "\\" and i + 1 < n and line[i + 1] in '$`"\\\n':
            if line[i + 1] != "\n":
                word.append(line[i + 1])
            i += 2
        elif c == "`":
            end = _backquoted(line, i)
            word.append(line[i:end])
            i = end
        else:
            word.append(c)
            i += 1
    raise _unbalanced('"')
