"""The console shell on the simulator: a small bash whose one program is docker.

Each operator, pipes into the text tools, substitutions, xargs, variables, the console's builtins,
its refusals, bash's `command not found`, exit statuses, Ctrl-C on a list, and the bounds.
"""

from __future__ import annotations

import pytest

from webapp.engine.console_line import MAX_LINE, plain_docker_argv
from webapp.engine.console_shell import BOUNDS, Bounds
from webapp.engine.console_tools import CLEAR, HELP
from webapp.engine.job import Result
from webapp.engine.sim.engine import SimEngine


@pytest.fixture
def engine() -> SimEngine:
    return SimEngine(seed=7)


def run(engine: SimEngine, line: str, stdin: str | None = None) -> Result:
    return engine.run(line, stdin=stdin)


def names(engine: SimEngine) -> dict[str, str]:
    return {c["name"]: c["state"] for c in engine.containers()}


# -- lists ---------------------------------------------------------------------------------------------

def test_and_runs_the_second_command_after_the_first(engine: SimEngine) -> None:
    result = run(engine, "docker run -d --name web nginx && docker ps")
    assert result.exit_code == 0
    first, header, row = result.stdout.splitlines()
    assert len(first) == 64
    assert header.startswith("CONTAINER ID")
    assert row.endswith(" web") and '"/docker-entrypoint.…"' in row
    inspect = run(engine, "docker inspect -f '{{json .Config.Cmd}}' web")
    assert inspect.stdout == '["nginx","-g","daemon off;"]\n'  # not "&& docker ps"
    assert [(c.command, c.line) for c in engine.commands][:2] == [
        ("run", "docker run -d --name web nginx"), ("ps", "docker ps")]


def test_and_stops_at_a_failure_or_runs_on(engine: SimEngine) -> None:
    result = run(engine, "docker start nope && docker ps")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "No such container: nope" in result.stderr
    result = run(engine, "docker start nope || echo fallback")
    assert (result.exit_code, result.stdout) == (0, "fallback\n")
    result = run(engine, "docker start nope; echo $?")
    assert (result.exit_code, result.stdout) == (0, "1\n")
    result = run(engine, "docker start nope || echo $?")
    assert (result.exit_code, result.stdout) == (0, "1\n")


def test_the_status_of_a_line_is_its_last_command_and_dollar_question_lasts(engine: SimEngine) -> None:
    assert run(engine, "docker ps; docker start nope").exit_code == 1
    assert run(engine, "echo $?").stdout == "1\n"
    assert run(engine, "! docker start nope 2>/dev/null").exit_code == 0


# -- pipes ---------------------------------------------------------------------------------------------

def test_pipes_into_the_text_tools(engine: SimEngine) -> None:
    run(engine, "docker run -d --name web nginx; docker run -d --name api httpd")
    assert run(engine, "docker ps | grep nginx").stdout.split()[-1] == "web"
    assert run(engine, "docker ps | grep -c httpd").stdout == "1\n"
    assert run(engine, "docker ps | tail -n +2 | wc -l").stdout == "2\n"
    assert run(engine, "docker ps -q | head -n 1").stdout.strip() in \
        {c["id"][:12] for c in engine.containers()}
    assert run(engine, "docker ps --format '{{.Names}}' | sort").stdout == "api\nweb\n"
    assert run(engine, "docker ps | awk '{print $1}'").stdout.splitlines()[0] == "CONTAINER"
    assert run(engine, "docker ps | awk 'NR > 1 {print $NF}' | sort -r").stdout == "web\napi\n"
    awk = run(engine, """docker ps -a | awk '$2 == "nginx" { printf "%s is %s\\n", $NF, $2 }'""")
    assert awk.stdout == "web is nginx\n"
    grep = run(engine, "docker ps | grep nothing-here")
    assert (grep.exit_code, grep.stdout) == (1, "")


def test_a_docker_command_reads_the_pipe_when_it_reads_stdin(engine: SimEngine) -> None:
    result = run(engine, "echo hello | docker run -i --rm ubuntu:20.04 cat")
    assert (result.exit_code, result.stdout) == (0, "hello\n")
    result = run(engine, "echo hello | docker run --rm ubuntu:20.04 cat")  # no -i: no stdin
    assert (result.exit_code, result.stdout) == (0, "")


def test_the_status_of_a_pipeline_is_its_last_command(engine: SimEngine) -> None:
    result = run(engine, "docker start nope | wc -l")
    assert (result.exit_code, result.stdout) == (0, "0\n")
    assert "No such container" in result.stderr  # stderr is not piped


# -- substitutions and xargs ------------------------------------------------------------------------

def test_docker_stop_of_docker_ps_q(engine: SimEngine) -> None:
    run(engine, "docker run -d --name one nginx; docker run -d --name two nginx")
    ids = run(engine, "docker ps -q").stdout.split()
    result = run(engine, "docker stop $(docker ps -q)")
    assert result.exit_code == 0
    assert sorted(result.stdout.split()) == sorted(ids)
    assert names(engine) == {"one": "exited", "two": "exited"}
    assert engine.commands[-1].command == "stop"
    assert sorted(engine.commands[-1].args) == sorted(ids)
    result = run(engine, "docker stop $(docker ps -q)")  # none left: as bash, `docker stop` alone
    assert result.exit_code == 1
    assert "'docker stop' requires at least 1 argument" in result.stderr


def test_backquotes_substitute_too(engine: SimEngine) -> None:
    run(engine, "docker run -d --name web nginx")
    assert run(engine, "docker inspect -f '{{.Name}}' `docker ps -q`").stdout == "/web\n"
    assert run(engine, 'echo "running: $(docker ps -q | wc -l)"').stdout == "running: 1\n"


def test_xargs_docker_rm(engine: SimEngine) -> None:
    run(engine, "docker run --name a1 ubuntu:20.04 true; docker run --name a2 ubuntu:20.04 true")
    ids = run(engine, "docker ps -aq").stdout.split()
    result = run(engine, "docker ps -aq | xargs docker rm")
    assert result.exit_code == 0
    assert result.stdout.split() == ids
    assert names(engine) == {}
    result = run(engine, "docker ps -aq | xargs docker rm")  # GNU xargs runs it once, with no args
    assert result.exit_code == 123
    assert "'docker rm' requires at least 1 argument" in result.stderr
    assert run(engine, "docker ps -aq | xargs -r docker rm").exit_code == 0
    assert run(engine, "echo a b c | xargs -n 1 echo x").stdout == "x a\nx b\nx c\n"
    assert run(engine, "echo a | xargs nothing").exit_code == 127


# -- variables -------------------------------------------------------------------------------------

def test_variables_export_and_prefix(engine: SimEngine) -> None:
    assert run(engine, "NAME=web; docker run -d --name $NAME nginx").exit_code == 0
    assert "web" in names(engine)
    run(engine, "export IMAGE=httpd")
    assert run(engine, 'docker run -d --name "${IMAGE}-1" $IMAGE').exit_code == 0
    assert names(engine)["httpd-1"] == "running"
    assert run(engine, "X=1 echo done").stdout == "done\n"
    assert run(engine, "echo $NAME $IMAGE").stdout == "web httpd\n"


def test_quoting_as_bash(engine: SimEngine) -> None:
    assert run(engine, """echo 'a  $HOME' "b  \\$x" c\\ d""").stdout == "a  $HOME b  $x c d\n"
    result = run(engine, "docker run --rm ubuntu:20.04 sh -c 'echo one; echo two'")
    assert result.stdout == "one\ntwo\n"


# -- the console's own commands ---------------------------------------------------------------------

def test_history_clear_help_echo(engine: SimEngine) -> None:
    run(engine, "docker ps")
    run(engine, "echo hi")
    assert run(engine, "history").stdout == "    1  docker ps\n    2  echo hi\n    3  history\n"
    assert run(engine, "history 1").stdout == "    4  history 1\n"
    assert run(engine, "clear").stdout == CLEAR
    assert run(engine, "help").stdout == HELP
    assert run(engine, "echo -n a b").stdout == "a b"


def test_history_is_bounded(engine: SimEngine) -> None:
    for i in range(BOUNDS.history + 5):
        run(engine, f"echo {i}")
    assert len(engine.console.history) == BOUNDS.history
    assert run(engine, "history 1").stdout == f"{BOUNDS.history + 6:5d}  history 1\n"


def test_exit_explains_that_the_console_stays(engine: SimEngine) -> None:
    result = run(engine, "exit")
    assert result.exit_code == 1
    assert "cannot be exited" in result.stderr
    assert run(engine, "echo still here").stdout == "still here\n"


# -- refusals and bash's answers ---------------------------------------------------------------------

@pytest.mark.parametrize("line", ["docker ps > out.txt", "docker ps >> log", "cat < input",
                                  "docker logs web 2> errors"])
def test_files_are_refused_clearly(engine: SimEngine, line: str) -> None:
    result = run(engine, line)
    assert result.exit_code == 1
    assert "the console has no files" in result.stderr
    assert result.stdout == ""


def test_dev_null_and_stream_merges_work(engine: SimEngine) -> None:
    result = run(engine, "docker start nope 2>/dev/null; docker start nope 2>&1 | grep -c nope")
    assert (result.stdout, result.stderr) == ("2\n", "")  # both lines it prints name it


def test_background_jobs_are_refused(engine: SimEngine) -> None:
    result = run(engine, "docker run -d nginx & docker ps")
    assert result.exit_code == 1
    assert "`&`" in result.stderr
    assert engine.containers() == []  # nothing of the line ran


@pytest.mark.parametrize("word", ["ls", "bash", "sudo", "vim", "apt-get"])
def test_anything_else_is_command_not_found(engine: SimEngine, word: str) -> None:
    result = run(engine, f"{word} -x")
    assert (result.exit_code, result.stdout, result.stderr) == (127, "", f"bash: {word}: command not found\n")


def test_syntax_errors_are_bash_s(engine: SimEngine) -> None:
    result = run(engine, "docker ps |")
    assert (result.exit_code, result.stderr) == (2, "bash: syntax error: unexpected end of file\n")
    result = run(engine, "docker ps && && docker ps")
    assert (result.exit_code, result.stderr) == (2, "bash: syntax error near unexpected token `&&'\n")
    result = run(engine, "echo 'open")
    assert result.exit_code == 2
    assert result.stderr == "bash: unexpected EOF while looking for matching `''\n"


def test_a_line_too_long_and_an_empty_line(engine: SimEngine) -> None:
    result = run(engine, "echo " + "x" * MAX_LINE)
    assert result.exit_code == 2
    assert "too long" in result.stderr
    assert run(engine, "   ").exit_code == 0


# -- Ctrl-C --------------------------------------------------------------------------------------------

def test_ctrl_c_in_the_first_command_of_a_list_stops_the_list(engine: SimEngine) -> None:
    run(engine, "docker run -d --name web nginx")
    job = engine.execute("docker wait web; docker run -d --name after nginx", tty=True)
    engine.settle(1)
    assert not job.done
    with engine.lock:
        job.send("\x03")
    assert job.done and job.exit_code == 130
    assert "after" not in names(engine)
    assert engine.console.status == 130


def test_ctrl_c_ends_a_busy_loop(engine: SimEngine) -> None:
    job = engine.execute("while :; do echo x; done", tty=True)
    engine.settle(0.01)
    assert not job.done
    with engine.lock:
        job.send("\x03")
    assert job.exit_code == 130


def test_ctrl_c_ends_a_loop_of_docker_commands_between_two_of_them(engine: SimEngine) -> None:
    job = engine.execute("while :; do docker ps -q; done; docker run -d --name after nginx", tty=True)
    engine.settle(0.003)  # a pause every 100 commands lets time pass: some hundreds have run
    assert not job.done
    ran = sum(1 for c in engine.commands if c.command == "ps")
    assert 0 < ran < BOUNDS.docker_commands
    with engine.lock:
        job.send("\x03")
    assert job.exit_code == 130
    assert "after" not in names(engine)


def test_ctrl_c_in_a_container_s_terminal_goes_to_the_container(engine: SimEngine) -> None:
    job = engine.execute("docker run -it --name box ubuntu:20.04 bash; echo after", tty=True)
    engine.settle(0.5)
    with engine.lock:
        job.send("\x03")  # the container's bash gets ^C and stays
        job.send("exit\r")
    engine.wait(job, 5)
    assert job.exit_code == 0
    assert job.stdout.endswith("after\n")


def test_an_interactive_docker_run_in_a_list_gets_the_keys(engine: SimEngine) -> None:
    job = engine.execute("docker run -it --name box ubuntu:20.04 bash && docker ps -a --format "
                         "'{{.Names}} {{.Status}}'", tty=True)
    engine.settle(0.5)
    with engine.lock:
        job.send("exit 3\r")
    engine.wait(job, 5)
    assert job.exit_code == 3  # `&&` does not run ps after a failure
    assert "box" in names(engine)
    job = engine.execute("docker start -ai box || echo failed", tty=True)
    engine.settle(0.5)
    with engine.lock:
        job.send("\x10\x11")  # detach: Ctrl-P Ctrl-Q
    engine.wait(job, 5)
    assert job.exit_code == 0
    assert names(engine)["box"] == "running"


# -- bounds -------------------------------------------------------------------------------------------

def test_a_loop_of_docker_commands_is_bounded(engine: SimEngine) -> None:
    result = run(engine, "while :; do docker ps -q; done")
    assert result.exit_code == 1
    assert f"after {BOUNDS.docker_commands} docker commands" in result.stderr
    assert sum(1 for c in engine.commands if c.command == "ps") == BOUNDS.docker_commands


def test_a_loop_of_builtins_is_bounded(engine: SimEngine) -> None:
    result = run(engine, "while :; do :; done")
    assert result.exit_code == 1
    assert f"after {BOUNDS.steps} commands" in result.stderr


def test_variables_are_bounded(engine: SimEngine) -> None:
    result = run(engine, "x=ab; while :; do x=$x$x; done")
    assert result.exit_code == 1
    assert "variables of at most" in result.stderr
    assert len(run(engine, "echo $x").stdout) <= BOUNDS.variable + 1


def test_every_docker_command_of_a_line_is_recorded_and_announced(engine: SimEngine) -> None:
    seen: list[tuple[str, str, bool]] = []
    job = engine.execute("docker run -d --name web nginx && docker ps | grep web",
                         on_command=lambda text, parsed, plain: seen.append((text, parsed.command, plain)))
    assert job.exit_code == 0
    assert seen == [("docker run -d --name web nginx", "run", False), ("docker ps", "ps", False)]
    job = engine.execute("docker ps -a", on_command=lambda t, p, plain: seen.append((t, p.command, plain)))
    assert seen[-1] == ("docker ps -a", "ps", True)
    assert job.parsed is not None and job.parsed.command == "ps"


def test_a_line_without_docker_is_recorded_as_itself(engine: SimEngine) -> None:
    run(engine, "echo hi")
    assert [(c.line, c.command, c.exit_code) for c in engine.commands] == [("echo hi", None, 0)]


@pytest.mark.parametrize(("line", "argv"), [
    ("docker ps -a", ["docker", "ps", "-a"]),
    ("docker run -e 'A=$x' alpine", ["docker", "run", "-e", "A=$x", "alpine"]),
    ("docker ps --format '{{.Names}}'", ["docker", "ps", "--format", "{{.Names}}"]),
    ("docker ps # all", ["docker", "ps"]),
    ("docker ps && docker ps", None), ("docker ps | grep x", None), ("echo x", None),
    ("docker run -e A=$HOME alpine", None), ('docker run -e "A=$HOME" alpine', None),
    ("docker inspect `docker ps -q`", None), ("X=1 docker ps", None), ("docker ps > f", None),
])
def test_plain_docker_lines(line: str, argv: list[str] | None) -> None:
    assert plain_docker_argv(line) == argv


def test_completion_starts_after_the_shell_s_operators(engine: SimEngine) -> None:
    from webapp.completion import complete

    run(engine, "docker run -d --name web nginx")
    line = "docker ps -q && docker st"
    assert complete(line, len(line), engine) == (["start", "stop"], 23)
    line = "docker stop $(docker ps -q); docker rm w"
    assert complete(line, len(line), engine) == (["web"], len(line) - 1)
    assert complete("docker ps | g", 13, engine) == (["grep"], 12)
    assert complete("docker ps '|' st", 16, engine) == ([], 14)  # quoted: no operator
    assert complete("dock", 4, engine) == (["docker"], 0)


AWK = [
    ("{print $1}", "a b\nc d\n", "a\nc\n"),
    ("{print $NF, NF}", "a b c\n", "c 3\n"),
    ("NR > 1", "h\nx\ny\n", "x\ny\n"),
    ("/web/ {print $2}", "1 web\n2 db\n", "web\n"),
    ('$2 ~ /^d/ {print "db:" $1}', "1 web\n2 db\n", "db:2\n"),
    ("{n += $1} END {print n}", "1\n2\n3\n", "6\n"),
    ('BEGIN {print "start"} {print toupper($0)}', "x\n", "start\nX\n"),
    ('{printf "%-4s|%3d\\n", $1, $2}', "ab 7\n", "ab  |  7\n"),
    ("{ if ($1 > 1) print $1; else print \"small\" }", "1\n5\n", "small\n5\n"),
    ("{print length($1), substr($1, 2, 2)}", "hello\n", "5 el\n"),
]


@pytest.mark.parametrize(("program", "text", "out"), AWK, ids=[a[0] for a in AWK])
def test_awk(engine: SimEngine, program: str, text: str, out: str) -> None:
    import shlex

    lines = " ".join(shlex.quote(line) for line in text.splitlines())
    result = run(engine, f"for l in {lines}; do echo \"$l\"; done | awk {shlex.quote(program)}")
    assert (result.exit_code, result.stdout, result.stderr) == (0, out, "")


def test_awk_field_separator_and_its_refusals(engine: SimEngine) -> None:
    assert run(engine, "echo a:b:c | awk -F: '{print $2}'").stdout == "b\n"
    result = run(engine, "echo x | awk '{ while (1) print }'")
    assert result.exit_code == 2 and "`while` is not supported" in result.stderr
    result = run(engine, "echo x | awk '{print $1'")
    assert result.exit_code == 2 and result.stderr.startswith("awk: line 1: syntax error")
    result = run(engine, "echo x | awk '{print > \"f\"}'")
    assert result.exit_code == 2 and "no files" in result.stderr


def test_xargs_replace(engine: SimEngine) -> None:
    run(engine, "docker create --name one nginx; docker create --name two nginx")
    result = run(engine, "docker ps -a --format '{{.Names}}' | sort | xargs -I X docker rename X X-old")
    assert result.exit_code == 0, result.stderr
    assert sorted(names(engine)) == ["one-old", "two-old"]


def test_a_bound_reached_inside_xargs_after_a_waiting_docker_command_ends_the_line(
        engine: SimEngine) -> None:
    from dataclasses import replace

    run(engine, "for n in s1 s2 s3; do docker run -d --name $n ubuntu:20.04 sleep 1000; done")
    engine.console.bounds = replace(BOUNDS, docker_commands=2)
    result = run(engine, "echo s1 s2 s3 | xargs -n 1 docker stop -t 5")  # each waits 5 s
    assert result.exit_code == 1
    assert result.stdout == "s1\ns2\n"  # the third stop is past the bound: never sent
    assert "after 2 docker commands" in result.stderr
    assert names(engine) == {"s1": "exited", "s2": "exited", "s3": "running"}


def test_all_variables_together_are_bounded(engine: SimEngine) -> None:
    engine.console.bounds = Bounds(variables=3 * 1000, variable=1200)
    result = run(engine, "a=$(echo " + "y" * 1000 + "); b=$a; c=$a; d=$a")
    assert result.exit_code == 1
    assert "at most 3000 characters of variables" in result.stderr
    result = run(engine, "export E=" + "z" * 1300)
    assert result.exit_code == 1 and "at most 1200 characters" in result.stderr


def test_the_history_is_bounded_in_characters_too(engine: SimEngine) -> None:
    engine.console.bounds = Bounds(history_chars=100)
    for i in range(10):
        run(engine, f"echo {i:020d}")  # 25 characters each
    assert len(engine.console.history) == 4
