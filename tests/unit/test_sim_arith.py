"""Shell arithmetic, mkdir and id as Dockerfile RUN lines use them (the same lines run on the real
daemon in the `shell-arith-mkdir` conformance scenario)."""

from __future__ import annotations

import pytest

from webapp.engine.sim.arith import ArithError, evaluate
from webapp.engine.sim.engine import SimEngine


def value(expression: str, env: dict[str, str] | None = None) -> int:
    variables = env if env is not None else {}
    return evaluate(expression, variables.get, variables.__setitem__)


@pytest.mark.parametrize(("expression", "expected"), [
    ("1+2*3", 7), ("(1+2)*3", 9), ("10/3", 3), ("-7/2", -3), ("-7%2", -1), ("7%-2", 1),
    ("1<<4", 16), ("256>>4", 16), ("3<4", 1), ("3>=4", 0), ("2==2", 1), ("2!=2", 0),
    ("6&3", 2), ("6|3", 7), ("6^3", 5), ("!0", 1), ("!7", 0), ("~0", -1), ("-(-3)", 3),
    ("1&&0", 0), ("1||0", 1), ("0?2:3", 3), ("1?2:3", 2), ("0x10", 16), ("010", 8),
    ("9223372036854775807+1", -9223372036854775808), ("  ", 0), ("i", 0), ("i+1", 1),
])
def test_values_follow_c_and_posix(expression: str, expected: int) -> None:
    assert value(expression) == expected


def test_variables_assignments_and_nested_values() -> None:
    env = {"a": "4", "b": "a*2", "empty": ""}
    assert value("a+b", env) == 12  # a variable's value is itself an expression
    assert value("empty+1", env) == 1
    assert value("c=a*3", env) == 12 and env["c"] == "12"
    assert value("c+=1", env) == 13 and env["c"] == "13"
    assert value("c<<=1", env) == 26


@pytest.mark.parametrize(("expression", "message"), [
    ("1/0", "divide by zero"), ("1%0", "divide by zero"), ("1+", "arithmetic syntax error"),
    ("(1", "arithmetic syntax error"), ("1 2", "arithmetic syntax error"), ("08", "invalid number"),
    ("x" * 5000, "too long"),
])
def test_errors(expression: str, message: str) -> None:
    with pytest.raises(ArithError, match=message):
        value(expression)


def test_self_reference_is_bounded() -> None:
    with pytest.raises(ArithError, match="recursion"):
        value("a", {"a": "a+1"})


def run(line: str) -> tuple[int, str, str]:
    result = SimEngine().run(line)
    return result.exit_code, result.stdout, result.stderr


def test_arithmetic_in_a_container_shell_and_its_error_ends_the_shell() -> None:
    assert run("docker run --rm alpine sh -c 'i=0; while [ $i -lt 3 ]; do i=$((i+1)); done; "
               "echo $i $(( $(echo 6) * 7 ))'")[:2] == (0, "3 42\n")
    assert run("docker run --rm alpine sh -c 'echo $((1/0)); echo after'") == \
        (2, "", "sh: divide by zero\n")
    assert run("docker run --rm alpine sh -c 'echo $( (echo sub) )'")[1] == "sub\n"


def test_mkdir_makes_folders_and_parents() -> None:
    code, out, err = run("docker run --rm busybox sh -c 'mkdir /data && echo ok > /data/x && "
                         "cat /data/x; mkdir /data; mkdir -p /data/a/b && ls /data /data/a; "
                         "mkdir /no/such'")
    assert out == "ok\n/data:\na\nx\n\n/data/a:\nb\n"
    assert err == ("mkdir: can't create directory '/data': File exists\n"
                   "mkdir: can't create directory '/no/such': No such file or directory\n")
    assert code == 1
    code, out, err = run("docker run --rm -u nobody ubuntu:22.04 sh -c 'mkdir /x; mkdir /tmp/y && ls /tmp'")
    assert (out, err) == ("y\n", "mkdir: cannot create directory '/x': Permission denied\n")


def test_id_fields() -> None:
    assert run("docker run --rm alpine sh -c 'id -u; id -un; id -g; id -gn'")[1] == "0\nroot\n0\nroot\n"
    assert run("docker run --rm -u nobody ubuntu:22.04 id -un")[1] == "nobody\n"
    assert run("docker run --rm alpine id -z")[:3:2] == (1, "id: invalid option -- 'z'\n")
