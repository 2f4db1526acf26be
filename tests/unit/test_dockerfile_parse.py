"""Parsing Dockerfiles as BuildKit's frontend does (frontend/dockerfile/parser + instructions).

The node-level cases are BuildKit's own: `dockerfile_data/parser/*/Dockerfile` with the `result`
s-expression BuildKit's TestParseCases expects, `parser-negative/*` (TestParseErrorCases) and
`parser-line-Dockerfile` (TestParseIncludesLineNumbers), copied unchanged from moby/buildkit
(Apache-2.0). The instruction-level texts below are read off instructions/parse.go, bflag.go,
line_parsers.go and util/suggest at buildkit master; the "20.10 daemon" notes say where the private
daemon's built-in frontend (BuildKit v0.8) words a message differently (checked live with
`DOCKER_BUILDKIT=1 /usr/bin/docker build`).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp.engine.dockerfile import DockerfileError, DockerfileRefused, parse
from webapp.engine.dockerfile import instructions as ins
from webapp.engine.dockerfile.parser import (
    MAX_DOCKERFILE,
    go_format_duration,
    go_parse_duration,
    parse_nodes,
    suggest,
)

DATA = Path(__file__).parent / "dockerfile_data"


@pytest.mark.parametrize("case", sorted(p.name for p in (DATA / "parser").iterdir()))
def test_buildkit_parse_cases(case: str) -> None:
    """BuildKit's TestParseCases: every node dumps as its `result` file says."""
    folder = DATA / "parser" / case
    nodes, _, _ = parse_nodes((folder / "Dockerfile").read_text())
    assert "".join(f"({node.dump()})\n" for node in nodes) == (folder / "result").read_text()


@pytest.mark.parametrize("case", sorted(p.name for p in (DATA / "parser-negative").iterdir()))
def test_buildkit_negative_cases(case: str) -> None:
    """BuildKit's TestParseErrorCases: each of these files is rejected."""
    with pytest.raises(DockerfileError):
        parse((DATA / "parser-negative" / case / "Dockerfile").read_text())


def test_line_numbers() -> None:
    """TestParseIncludesLineNumbers: comments, continuations and blank lines counted."""
    nodes, _, _ = parse_nodes((DATA / "parser-line-Dockerfile").read_text())
    assert [(n.start, n.end) for n in nodes] == [(5, 5), (11, 12), (17, 31)]


def test_empty_continuation_lines_warn() -> None:
    """TestParseWarnsOnEmptyContinutationLine: two instructions with empty continuation lines give
    the NoEmptyContinuation warning; comment lines inside a continuation do not."""
    text = ("\nFROM alpine:3.6\n\nRUN valid \\\n    continuation\n\nRUN something \\\n\n"
            "    following \\\n\n    more\n\nRUN another \\\n\n    thing\n\n"
            "RUN non-indented \\\n# this is a comment\n   after-comment\n\n"
            "RUN indented \\\n    # this is an indented comment\n    comment\n\t")
    df = parse(text)
    assert [(w.rule, w.message) for w in df.warnings] == [
        ("NoEmptyContinuation", "Empty continuation line")] * 2
    runs = [i for i in df.instructions if isinstance(i, ins.RunInstruction)]
    assert runs[1].command == ["something     following     more"]
    assert runs[3].command == ["non-indented    after-comment"]


# -- errors, as BuildKit words them -------------------------------------------------------------------

ERRORS = [
    # (dockerfile, message, line, parse_error)
    ("FROM busybox\nFOO bar\n", "unknown instruction: FOO (did you mean FROM?)", 2, True),
    ("FROM busybox\nSPLINE x\n", "unknown instruction: SPLINE", 2, True),
    ("FROM busybox\nRUNN echo\n", "unknown instruction: RUNN (did you mean RUN?)", 2, True),
    ("FROM busybox\ncopy a b\nruun x\n", "unknown instruction: ruun (did you mean run?)", 3, True),
    ("FROM busybox\nExpse 80\n", "unknown instruction: Expse (did you mean expose?)", 2, True),
    ("RUN echo\n", "no build stage in current context", 1, False),
    ("ARG A=1\n", "dockerfile contains no stages to build", 0, False),
    ("", "the Dockerfile cannot be empty", 0, False),
    ("# just a comment\n\n", "file with no instructions", 2, False),
    ("FROM busybox\nENV A\n", "ENV must have two arguments", 2, False),
    ("FROM busybox\nENV A=1 B\n",
     'Syntax error - can\'t find = in "B". Must be of the form: name=value', 2, False),
    ("FROM busybox\nLABEL\n", "LABEL requires at least one argument", 2, True),
    ("FROM busybox\nCOPY a\n", ("COPY requires at least two arguments, but only one was "
                                "provided. Destination could not be determined"), 2, True),
    ("FROM busybox\nCOPY --foo=1 a b\n", "unknown flag: --foo (did you mean from?)", 2, True),
    ("FROM busybox\nCOPY --quux=1 a b\n", "unknown flag: --quux", 2, True),
    ("FROM busybox\nCOPY --chownn=1 a b\n", "unknown flag: --chownn (did you mean chown?)", 2,
     True),
    ("FROM busybox\nCOPY --chown a b\n", "missing a value on flag: --chown", 2, True),
    ("FROM busybox\nCOPY --link=maybe a b\n",
     "expecting boolean value for flag --link, not: maybe", 2, True),
    ("FROM busybox\nCOPY --chown=1 --chown=2 a b\n", "duplicate flag specified: --chown", 2, True),
    ("FROM busybox\nRUN --foo echo\n", "unknown flag: --foo", 2, True),
    ("FROM busybox AS 1st\n",
     'invalid name for build stage: "1st", name can\'t start with a number or contain symbols',
     1, True),
    ("FROM busybox AS\n", "FROM requires either one or three arguments", 1, True),
    ("FROM\n", "FROM requires either one or three arguments", 1, True),
    ("FROM busybox\nWORKDIR\n", "WORKDIR requires exactly one argument", 2, True),
    ("FROM busybox\nUSER\n", "USER requires exactly one argument", 2, True),
    ("FROM busybox\nSTOPSIGNAL\n", "STOPSIGNAL requires exactly one argument", 2, True),
    ("FROM busybox\nEXPOSE\n", "EXPOSE requires at least one argument", 2, True),
    ("FROM busybox\nARG\n", "ARG requires at least one argument", 2, True),
    ("FROM busybox\nARG =x\n", "ARG names can not be blank", 2, True),
    ("FROM busybox\nMAINTAINER\n", "MAINTAINER requires exactly one argument", 2, True),
    ("FROM busybox\nSHELL /bin/bash -c\n", "SHELL requires the arguments to be in JSON form", 2,
     True),
    ("FROM busybox\nSHELL []\n", "SHELL requires at least one argument", 2, True),
    ("FROM busybox\nCMD [1, 2]\n",
     "when using JSON array syntax, arrays must be comprised of strings only", 2, False),
    ("FROM busybox\nONBUILD ONBUILD RUN x\n",
     "Chaining ONBUILD via `ONBUILD ONBUILD` isn't allowed", 2, True),
    ("FROM busybox\nONBUILD FROM x\n", "FROM isn't allowed as an ONBUILD trigger", 2, True),
    ("FROM busybox\nHEALTHCHECK\n", "HEALTHCHECK requires at least one argument", 2, True),
    ("FROM busybox\nHEALTHCHECK NONE x\n", "HEALTHCHECK NONE takes no arguments", 2, True),
    ("FROM busybox\nHEALTHCHECK CMD\n", "Missing command after HEALTHCHECK CMD", 2, True),
    ("FROM busybox\nHEALTHCHECK RUN x\n", 'Unknown type "RUN" in HEALTHCHECK (try CMD)', 2, True),
    ("FROM busybox\nHEALTHCHECK --interval=5 CMD x\n",
     'time: missing unit in duration "5"', 2, True),
    ("FROM busybox\nHEALTHCHECK --interval=5x CMD x\n",
     'time: unknown unit "x" in duration "5x"', 2, True),
    ("FROM busybox\nHEALTHCHECK --interval=soon CMD x\n",
     'time: invalid duration "soon"', 2, True),
    ("FROM busybox\nHEALTHCHECK --timeout=1us CMD x\n",
     'Interval "timeout" cannot be less than 1ms', 2, True),
    ("FROM busybox\nHEALTHCHECK --retries=-1 CMD x\n", "--retries cannot be negative (-1)", 2,
     True),
    ("FROM busybox\nHEALTHCHECK --retries=x CMD x\n",
     'strconv.ParseInt: parsing "x": invalid syntax', 2, True),
    ("FROM busybox\nHEALTHCHECK --foo=1 CMD x\n", "unknown flag: --foo", 2, True),
    ("FROM busybox\nVOLUME []\n", "VOLUME requires at least one argument", 2, True),
    ("FROM busybox\nRUN <<EOF\necho\n", "unterminated heredoc", 2, False),
    ("FROM busybox\nCOPY a <<EOF\nx\nEOF\n", "COPY cannot accept a heredoc as a destination", 2,
     True),
    # directive errors: BuildKit's location is the line's 0-based index (parser.go withLocation)
    ("# escape=x\nFROM busybox\n", "invalid escape token 'x' does not match ` or \\", 0, False),
    ("# escape=`\n# escape=`\nFROM busybox\n", "only one escape parser directive can be used", 1,
     False),
]


@pytest.mark.parametrize(("text", "message", "line", "parse_error"), ERRORS)
def test_errors(text: str, message: str, line: int, parse_error: bool) -> None:
    """Each error's message, line and kind (instruction errors carry "dockerfile parse error on
    line N:", node-level and stage errors only their location). Where two instructions are equally
    close to a typo BuildKit's suggestion depends on Go's map order; the cases avoid such ties."""
    with pytest.raises(DockerfileError) as caught:
        parse(text)
    err = caught.value
    assert not isinstance(err, DockerfileRefused)
    assert (err.message, err.line, err.parse_error) == (message, line, parse_error)
    if parse_error:
        assert str(err) == f"dockerfile parse error on line {line}: {message}"


REFUSED = [
    ("FROM --platform=linux/arm64 busybox\n", "FROM --platform"),
    ("FROM busybox\nRUN --mount=type=cache,target=/x echo\n", "RUN --mount"),
    ("FROM busybox\nRUN --network=host echo\n", "RUN --network"),
    ("FROM busybox\nRUN --security=insecure echo\n", "RUN --security"),
    ("FROM busybox\nRUN --device=x echo\n", "RUN --device"),
    ("FROM busybox\nADD https://example.com/x /x\n", "ADD of a URL or git repository"),
    ("FROM busybox\nADD git@github.com:a/b.git /x\n", "ADD of a URL or git repository"),
    ("FROM busybox\nADD site.tar.gz /x/\n", "ADD of a local archive"),
    ("FROM busybox\nCOPY --exclude=*.md . /x\n", "COPY --exclude"),
    ("FROM busybox\nCOPY --parents a/b /x\n", "COPY --parents"),
]


@pytest.mark.parametrize(("text", "name"), REFUSED)
def test_refused_by_name(text: str, name: str) -> None:
    """Valid for BuildKit, refused by the sandbox with the feature's name in the message."""
    with pytest.raises(DockerfileRefused) as caught:
        parse(text)
    assert caught.value.message.startswith(name + " is not available: ")
    assert caught.value.line >= 1


# -- directives, comments, continuations ----------------------------------------------------------------


def test_escape_directive_backtick() -> None:
    """`# escape=`` makes the backtick the continuation and escape character."""
    df = parse("# escape=`\nFROM busybox\nRUN echo a `\n  b\nCOPY a\\b c\\\n")
    run, copy = df.instructions[1], df.instructions[2]
    assert df.escape == "`"
    assert isinstance(run, ins.RunInstruction) and run.command == ["echo a   b"]
    assert isinstance(copy, ins.CopyInstruction) and copy.sources == ["a\\b"]
    assert copy.dest == "c\\"


def test_syntax_directive_is_recorded_and_ignored() -> None:
    """`# syntax=` is accepted (the sandbox has one frontend) and kept for a note."""
    df = parse("# syntax=docker/dockerfile:1\nFROM busybox\n")
    assert df.syntax == "docker/dockerfile:1"


def test_unknown_directive_is_a_comment_and_ends_directives() -> None:
    """An unknown `# key=value` is a comment, and no directive may follow it."""
    df = parse("# foo=bar\n# escape=`\nFROM busybox\nRUN a \\\n b\n")
    assert df.escape == "\\"
    run = df.instructions[1]
    assert isinstance(run, ins.RunInstruction) and run.command == ["a  b"]


def test_leading_whitespace_and_case() -> None:
    """Instructions are case-insensitive and may be indented; a BOM is dropped."""
    df = parse("\ufeff  from busybox as Build\n\trun echo hi\n")
    frm, run = df.instructions
    assert isinstance(frm, ins.FromInstruction) and frm.name == "build" and frm.base == "busybox"
    assert isinstance(run, ins.RunInstruction) and run.command == ["echo hi"]


def test_continuation_at_end_of_file() -> None:
    """A trailing escape on the last line just ends the instruction."""
    df = parse("FROM busybox\nRUN echo \\")
    run = df.instructions[1]
    assert isinstance(run, ins.RunInstruction) and run.command == ["echo"]


# -- instruction shapes --------------------------------------------------------------------------------


def _one(text: str) -> ins.Instruction:
    return parse("FROM busybox\n" + text).instructions[1]


@pytest.mark.parametrize(("line", "command", "shell_form"), [
    ('CMD ["sleep", "5"]', ["sleep", "5"], False),
    ("CMD sleep 5", ["sleep 5"], True),
    ("CMD [sleep, 5]", ["[sleep, 5]"], True),  # not JSON: falls back to the shell form
    ("CMD ['sleep', '5']", ["['sleep', '5']"], True),
    ('CMD ["sleep", "5"] x', ['["sleep", "5"] x'], True),
    ("CMD []", [], False),
    ("CMD", [], True),
    ('ENTRYPOINT ["/serve.sh"]', ["/serve.sh"], False),
    ("ENTRYPOINT exec /serve.sh", ["exec /serve.sh"], True),
    ('RUN ["echo", "$HOME"]', ["echo", "$HOME"], False),
    ("RUN echo $HOME", ["echo $HOME"], True),
])
def test_command_forms(line: str, command: list[str], shell_form: bool) -> None:
    """Exec (JSON) and shell forms; a JSON array that does not parse is the shell form's text."""
    inst = _one(line + "\n")
    assert isinstance(inst, ins.CmdInstruction | ins.EntrypointInstruction | ins.RunInstruction)
    assert (inst.command, inst.prepend_shell) == (command, shell_form)


def test_env_forms() -> None:
    """`ENV a=b c=d` (quotes kept until expansion) and the legacy `ENV a b c`."""
    env = _one('ENV A=1 B="two words" C=\n')
    assert isinstance(env, ins.EnvInstruction)
    assert env.pairs == [("A", "1"), ("B", '"two words"'), ("C", "")] and not env.legacy
    legacy = _one("ENV PATH /usr/bin:/bin  extra\n")
    assert isinstance(legacy, ins.EnvInstruction)
    assert legacy.pairs == [("PATH", "/usr/bin:/bin  extra")] and legacy.legacy


def test_arg_forms() -> None:
    """`ARG a`, `ARG a=`, `ARG a=b c`."""
    arg = _one("ARG A B= C=d\n")
    assert isinstance(arg, ins.ArgInstruction)
    assert arg.args == [("A", None), ("B", ""), ("C", "d")]


def test_expose_sorted() -> None:
    """EXPOSE keeps the words, sorted as strings (instructions/parse.go sorts them)."""
    expose = _one("EXPOSE 8080/udp 80 443\n")
    assert isinstance(expose, ins.ExposeInstruction)
    assert expose.ports == ["443", "80", "8080/udp"]


def test_copy_flags_and_sources() -> None:
    """COPY's flags and several sources; JSON form allowed."""
    copy = _one("COPY --from=build --chown=app:app --chmod=755 --link a b /dst/\n")
    assert isinstance(copy, ins.CopyInstruction)
    assert (copy.from_, copy.chown, copy.chmod, copy.link) == ("build", "app:app", "755", True)
    assert (copy.sources, copy.dest) == (["a", "b"], "/dst/")
    copy = _one('COPY ["my file", "/dst dir/"]\n')
    assert isinstance(copy, ins.CopyInstruction)
    assert (copy.sources, copy.dest, copy.json_form) == (["my file"], "/dst dir/", True)


def test_healthcheck_forms() -> None:
    """HEALTHCHECK NONE, the shell form (CMD-SHELL) and the exec form (CMD) with options."""
    none = _one("HEALTHCHECK NONE\n")
    assert isinstance(none, ins.HealthcheckInstruction) and none.test == ["NONE"]
    shell = _one("HEALTHCHECK --interval=5s --timeout=2s --start-period=1m "
                 "--start-interval=1s --retries=3 CMD wget -q -O- http://localhost/ || exit 1\n")
    assert isinstance(shell, ins.HealthcheckInstruction)
    assert shell.test == ["CMD-SHELL", "wget -q -O- http://localhost/ || exit 1"]
    assert (shell.interval, shell.timeout, shell.start_period, shell.start_interval,
            shell.retries) == ("5s", "2s", "1m", "1s", 3)
    exec_form = _one('HEALTHCHECK cmd ["/check", "-v"]\n')
    assert isinstance(exec_form, ins.HealthcheckInstruction)
    assert exec_form.test == ["CMD", "/check", "-v"] and exec_form.interval == ""


def test_onbuild_expression() -> None:
    """ONBUILD keeps the trigger's text as the image stores it."""
    onbuild = _one("ONBUILD   RUN echo built\n")
    assert isinstance(onbuild, ins.OnbuildInstruction)
    assert onbuild.expression == "RUN echo built"


def test_heredoc_run_and_copy() -> None:
    """`RUN <<EOF` and `COPY <<EOF /path` documents, `<<-` strips leading tabs."""
    df = parse("FROM busybox\nRUN <<EOF\necho one\necho two\nEOF\n"
               "COPY <<-EOT /hello.txt\n\thello\n\tEOT\nRUN echo after\n")
    run, copy, after = df.instructions[1:]
    assert isinstance(run, ins.RunInstruction)
    assert (run.command, run.heredocs) == (["<<EOF"], [("EOF", "echo one\necho two\n")])
    assert isinstance(copy, ins.CopyInstruction)
    assert (copy.sources, copy.heredocs, copy.dest) == ([], [("EOT", "hello\n")], "/hello.txt")
    assert isinstance(after, ins.RunInstruction) and after.line == 9


def test_maintainer_warns() -> None:
    """MAINTAINER is valid (sets Author) with BuildKit's MaintainerDeprecated warning."""
    df = parse("FROM busybox\nMAINTAINER Jane <jane@example.com>\n")
    maintainer = df.instructions[1]
    assert isinstance(maintainer, ins.MaintainerInstruction)
    assert maintainer.maintainer == "Jane <jane@example.com>"
    assert [w.rule for w in df.warnings] == ["MaintainerDeprecated"]


def test_size_cap() -> None:
    """A Dockerfile larger than the workspace allows is refused before parsing."""
    with pytest.raises(DockerfileRefused):
        parse("FROM busybox\n" + "# x\n" * (MAX_DOCKERFILE // 4))


def test_suggest() -> None:
    """util/suggest: edit distance below 3, case matched, exact matches suggest nothing."""
    assert suggest("CPY", ["COPY", "CMD"], False) == "CMD" or suggest("CPY", ["COPY"], False)
    assert suggest("cpoy", ["COPY"], False) == "copy"
    assert suggest("XYZZY", ["COPY"], False) == ""
    assert suggest("COPY", ["COPY"], False) == ""


@pytest.mark.parametrize(("text", "ns", "shown"), [
    ("30s", 30_000_000_000, "30s"), ("1m30s", 90_000_000_000, "1m30s"),
    ("1.5s", 1_500_000_000, "1.5s"), ("500ms", 500_000_000, "500ms"), ("2h", 7_200_000_000_000,
                                                                       "2h0m0s"),
    ("0", 0, "0s"), ("1us", 1_000, "1µs"),
])
def test_durations(text: str, ns: int, shown: str) -> None:
    """Go's time.ParseDuration and Duration.String, as HEALTHCHECK's history text shows them."""
    assert go_parse_duration(text) == ns
    assert go_format_duration(ns) == shown


def test_only_newline_ends_a_line() -> None:
    """Form feeds, vertical tabs and Unicode line separators are not line ends (Go's scanLines);
    a CR before the newline is dropped."""
    df = parse("FROM busybox\r\nRUN echo a\x0cb\u2028c\x0bd\n")
    run = df.instructions[1]
    assert isinstance(run, ins.RunInstruction) and len(df.instructions) == 2
    assert run.command == ["echo a\x0cb\u2028c\x0bd"]
