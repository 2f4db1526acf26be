"""parse_argv: parsed results and the exact usage errors of the real docker client (v28.2.2 text,
which v29 shares for all of these)."""

from __future__ import annotations

import pytest

from webapp.engine.cli import CliError, ParsedCommand, parse_argv

RUN_USAGE = "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]"
HELP_DEPRECATED = "Flag shorthand -h has been deprecated, use --help\n"


def flag_error(message: str, usage: str, path: str) -> str:
    return f"{message}\n\nUsage:  {usage}\n\nRun '{path} --help' for more information\n"


def error_of(argv: list[str]) -> CliError:
    with pytest.raises(CliError) as info:
        parse_argv(argv)
    return info.value


# --- successful parses -------------------------------------------------------------------------

PARSES = [
    # argv, command, options, args, invoked_as
    (["run", "-dit", "--name", "web", "-p8080:80", "-eFOO=bar", "nginx", "sh", "-c", "echo hi",
      "-d"], "run",
     {"detach": True, "interactive": True, "tty": True, "name": "web", "publish": ["8080:80"],
      "env": ["FOO=bar"]}, ["nginx", "sh", "-c", "echo hi", "-d"], "docker run"),
    (["container", "run", "--rm", "-p", "80:80", "-p", "443:443", "nginx"], "run",
     {"rm": True, "publish": ["80:80", "443:443"]}, ["nginx"], "docker container run"),
    (["run", "--rm=false", "--restart", "on-failure:3", "alpine"], "run",
     {"rm": False, "restart": "on-failure:3"}, ["alpine"], "docker run"),
    (["run", "--net", "host", "--dns-opt", "x", "alpine"], "run",
     {"network": ["host"], "dns-option": ["x"]}, ["alpine"], "docker run"),
    (["run", "-a", "STDIN", "--attach=stdout", "alpine"], "run",
     {"attach": ["stdin", "stdout"]}, ["alpine"], "docker run"),
    (["run", "--stop-timeout", "0x10", "--pids-limit=-1", "-m", "512m", "--cpus", "1.5", "alpine"],
     "run", {"stop-timeout": 16, "pids-limit": -1, "memory": "512m", "cpus": "1.5"}, ["alpine"],
     "docker run"),
    (["run", "--health-cmd", "true", "--health-interval", "1m30s", "alpine"], "run",
     {"health-cmd": "true", "health-interval": "1m30s"}, ["alpine"], "docker run"),
    (["run", "-e", "A", "-e", "B=", "--env=C=1", "alpine", "env"], "run",
     {"env": ["A", "B=", "C=1"]}, ["alpine", "env"], "docker run"),
    (["run", "-h", "box", "-w/tmp", "-u", "1000:1000", "alpine"], "run",
     {"hostname": "box", "workdir": "/tmp", "user": "1000:1000"}, ["alpine"], "docker run"),
    (["run", "--", "alpine", "--rm"], "run", {}, ["alpine", "--rm"], "docker run"),
    (["run", "alpine", "-", "x"], "run", {}, ["alpine", "-", "x"], "docker run"),
    (["create", "--name", "c1", "-it", "busybox"], "create",
     {"name": "c1", "interactive": True, "tty": True}, ["busybox"], "docker create"),
    (["start", "-ai", "c1"], "start", {"attach": True, "interactive": True}, ["c1"],
     "docker start"),
    (["start", "c1", "--detach-keys", "ctrl-x", "c2"], "start", {"detach-keys": "ctrl-x"},
     ["c1", "c2"], "docker start"),
    (["stop", "-t", "5", "a", "b"], "stop", {"timeout": 5}, ["a", "b"], "docker stop"),
    (["stop", "--time=7", "a"], "stop", {"timeout": 7}, ["a"], "docker stop"),
    (["stop", "a", "-s", "SIGINT"], "stop", {"signal": "SIGINT"}, ["a"], "docker stop"),
    (["kill", "-s", "HUP", "a"], "kill", {"signal": "HUP"}, ["a"], "docker kill"),
    (["restart", "-t0", "a"], "restart", {"timeout": 0}, ["a"], "docker restart"),
    (["pause", "a"], "pause", {}, ["a"], "docker pause"),
    (["container", "unpause", "a"], "unpause", {}, ["a"], "docker container unpause"),
    (["rm", "-fv", "a", "b"], "rm", {"force": True, "volumes": True}, ["a", "b"], "docker rm"),
    (["container", "remove", "-f", "a"], "rm", {"force": True}, ["a"], "docker container rm"),
    (["ps", "-a", "--filter", "status=exited", "-f", "name=web", "-n", "3"], "ps",
     {"all": True, "filter": ["status=exited", "name=web"], "last": 3}, [], "docker ps"),
    (["ps", "-qa=false", "--no-trunc", "--format", "{{.Names}}", "-s"], "ps",
     {"quiet": True, "all": False, "no-trunc": True, "format": "{{.Names}}", "size": True}, [],
     "docker ps"),
    (["ps", "-l"], "ps", {"latest": True}, [], "docker ps"),
    (["ps", "-f", ""], "ps", {"filter": []}, [], "docker ps"),
    (["container", "ls", "-a"], "ps", {"all": True}, [], "docker container ls"),
    (["container", "ps"], "ps", {}, [], "docker container ls"),
    (["container", "list"], "ps", {}, [], "docker container ls"),
    (["attach", "--no-stdin", "--sig-proxy=false", "--detach-keys", "ctrl-a", "c"], "attach",
     {"no-stdin": True, "sig-proxy": False, "detach-keys": "ctrl-a"}, ["c"], "docker attach"),
    (["exec", "-it", "-e", "X=1", "-w", "/", "-u", "root", "c", "sh", "-c", "ls -l"], "exec",
     {"interactive": True, "tty": True, "env": ["X=1"], "workdir": "/", "user": "root"},
     ["c", "sh", "-c", "ls -l"], "docker exec"),
    (["exec", "-d", "--privileged", "c", "top", "-b"], "exec",
     {"detach": True, "privileged": True}, ["c", "top", "-b"], "docker exec"),
    (["logs", "-f", "--tail", "10", "-t", "--since", "5m", "--until", "1m", "--details", "c"],
     "logs", {"follow": True, "tail": "10", "timestamps": True, "since": "5m", "until": "1m",
              "details": True}, ["c"], "docker logs"),
    (["logs", "c", "-n", "all"], "logs", {"tail": "all"}, ["c"], "docker logs"),
    (["inspect", "-f", "{{.State.Status}}", "--type", "container", "-s", "c"], "inspect",
     {"format": "{{.State.Status}}", "type": "container", "size": True}, ["c"], "docker inspect"),
    (["container", "inspect", "c"], "container inspect", {}, ["c"], "docker container inspect"),
    (["image", "inspect", "alpine"], "image inspect", {}, ["alpine"], "docker image inspect"),
    (["wait", "a", "b"], "wait", {}, ["a", "b"], "docker wait"),
    (["rename", "a", "b"], "rename", {}, ["a", "b"], "docker rename"),
    (["top", "c", "-eo", "pid,comm"], "top", {}, ["c", "-eo", "pid,comm"], "docker top"),
    (["pull", "-q", "--platform", "linux/amd64", "alpine:3"], "pull",
     {"quiet": True, "platform": "linux/amd64"}, ["alpine:3"], "docker pull"),
    (["pull", "-a", "alpine"], "pull", {"all-tags": True}, ["alpine"], "docker pull"),
    (["image", "pull", "alpine"], "pull", {}, ["alpine"], "docker image pull"),
    (["images", "-aq", "--no-trunc", "--digests", "-f", "dangling=true", "--format", "x"],
     "images", {"all": True, "quiet": True, "no-trunc": True, "digests": True,
                "filter": ["dangling=true"], "format": "x"}, [], "docker images"),
    (["images", "alpine"], "images", {}, ["alpine"], "docker images"),
    (["image", "ls"], "images", {}, [], "docker image ls"),
    (["image", "list"], "images", {}, [], "docker image ls"),
    (["rmi", "-f", "--no-prune", "alpine"], "rmi", {"force": True, "no-prune": True},
     ["alpine"], "docker rmi"),
    (["image", "rm", "alpine"], "rmi", {}, ["alpine"], "docker image rm"),
    (["container", "prune", "-f", "--filter", "until=1h"], "container prune",
     {"force": True, "filter": ["until=1h"]}, [], "docker container prune"),
    (["image", "prune", "-a", "-f"], "image prune", {"all": True, "force": True}, [],
     "docker image prune"),
    (["events", "--since", "1m", "--until", "0s", "-f", "type=container", "--format", "json"],
     "events", {"since": "1m", "until": "0s", "filter": ["type=container"], "format": "json"}, [],
     "docker events"),
    (["system", "events"], "events", {}, [], "docker system events"),
    (["version"], "version", {}, [], "docker version"),
    (["version", "-f", "{{.Client.Version}}"], "version", {"format": "{{.Client.Version}}"}, [],
     "docker version"),
    (["info"], "info", {}, [], "docker info"),
    (["system", "info"], "info", {}, [], "docker system info"),
    (["network", "ls"], "network ls", {}, [], "docker network ls"),
    (["--", "ps"], "ps", {}, [], "docker ps"),
    (["-test.v", "ps", "-test.x"], "ps", {}, [], "docker ps"),
]


@pytest.mark.parametrize(("argv", "command", "options", "args", "invoked_as"), PARSES,
                         ids=[repr(p[0]) for p in PARSES])
def test_parses(argv, command, options, args, invoked_as) -> None:
    parsed = parse_argv(argv)
    assert isinstance(parsed, ParsedCommand)
    assert (parsed.command, parsed.options, parsed.args, parsed.invoked_as) == (
        command, options, args, invoked_as)
    assert not parsed.help
    assert parsed.notice_stdout == parsed.notice_stderr == ""


def test_get_and_given() -> None:
    parsed = parse_argv(["run", "--rm=false", "alpine"])
    assert parsed.given("rm") and parsed.get("rm") is False
    assert not parsed.given("detach") and parsed.get("detach", "dflt") == "dflt"


def test_global_options() -> None:
    parsed = parse_argv(["-D", "-H", "unix:///x.sock", "--log-level", "DEBUG", "ps"])
    assert parsed.global_options == {"debug": True, "host": ["unix:///x.sock"],
                                     "log-level": "DEBUG"}
    assert parsed.command == "ps" and parsed.options == {}


def test_version_flag() -> None:
    for argv in (["-v"], ["--version"]):
        parsed = parse_argv(argv)
        assert (parsed.command, parsed.invoked_as, parsed.is_version_flag) == (
            "version", "docker", True)
    assert not parse_argv(["version"]).is_version_flag
    assert parse_argv(["--version", "ps"]).command == "ps"  # only honoured without a command


# --- help ----------------------------------------------------------------------------------------

HELPS = [
    # argv, command, invoked_as, to_stderr, notice_stdout, notice_stderr
    ([], "help", "docker", True, "", ""),
    (["--help"], "help", "docker", False, "", ""),
    (["help"], "help", "docker", False, "", ""),
    (["-h"], "help", "docker", False, "", HELP_DEPRECATED),
    (["foo", "--help"], "help", "docker", False, "", ""),
    (["run", "--help"], "run", "docker run", False, "", ""),
    (["run", "alpine", "--help"], None, None, None, None, None),  # goes to the container
    (["help", "run"], "run", "docker run", False, "", ""),
    (["help", "container", "ls"], "ps", "docker container ls", False, "", ""),
    (["ps", "-h"], "ps", "docker ps", False, HELP_DEPRECATED, ""),
    (["ps", "-hh"], "ps", "docker ps", False, HELP_DEPRECATED * 2, ""),
    (["-h", "ps"], "ps", "docker ps", False, "", HELP_DEPRECATED),
    (["container", "ps", "--help"], "ps", "docker container ls", False, "", ""),
    (["container", "--help", "ls"], "ps", "docker container ls", False, "", ""),
    (["container", "-h", "ls"], "ps", "docker container ls", False, HELP_DEPRECATED * 3, ""),
    (["container"], "help", "docker container", True, "", ""),
    (["container", "--help"], "help", "docker container", False, "", ""),
    (["container", "foo", "--help"], "help", "docker container", False, "", ""),
    (["help", "container"], "help", "docker container", False, "", ""),
    (["image"], "help", "docker image", True, "", ""),
    (["system"], "help", "docker system", True, "", ""),
    (["completion", "foo"], "help", "docker completion", False, "", ""),
    (["stop", "--help", "-t", "5"], "stop", "docker stop", False, "", ""),
]


@pytest.mark.parametrize(("argv", "command", "invoked_as", "to_stderr", "out", "err"), HELPS,
                         ids=[repr(h[0]) for h in HELPS])
def test_help(argv, command, invoked_as, to_stderr, out, err) -> None:
    parsed = parse_argv(argv)
    if command is None:
        assert not parsed.help
        return
    assert parsed.help
    assert (parsed.command, parsed.invoked_as, parsed.help_to_stderr) == (
        command, invoked_as, to_stderr)
    assert (parsed.notice_stdout, parsed.notice_stderr) == (out, err)


def test_help_output_streams() -> None:
    out, err = parse_argv([]).help_output()
    assert out == "" and err.startswith("Usage:  docker [OPTIONS] COMMAND\n")
    out, err = parse_argv(["ps", "-h"]).help_output()
    assert out.startswith(HELP_DEPRECATED + "Usage:  docker ps [OPTIONS]\n") and err == ""
    out, _ = parse_argv(["container", "ps", "--help"]).help_output()
    assert out.startswith("Usage:  docker container ls [OPTIONS]\n")


# --- errors --------------------------------------------------------------------------------------

ERRORS = [
    # flag errors: usage block, exit 125
    (["run", "--x"], flag_error("unknown flag: --x", RUN_USAGE, "docker run"), 125),
    (["run", "-x"], flag_error("unknown shorthand flag: 'x' in -x", RUN_USAGE, "docker run"), 125),
    (["run", "--name"], flag_error("flag needs an argument: --name", RUN_USAGE, "docker run"),
     125),
    (["run", "-h"], flag_error("flag needs an argument: 'h' in -h", RUN_USAGE, "docker run"), 125),
    (["run", "-dh"], flag_error("flag needs an argument: 'h' in -h", RUN_USAGE, "docker run"),
     125),
    (["run", "--rm=maybe", "i"],
     flag_error('invalid argument "maybe" for "--rm" flag: strconv.ParseBool: parsing "maybe": '
                "invalid syntax", RUN_USAGE, "docker run"), 125),
    (["run", "--help=maybe"],
     flag_error('invalid argument "maybe" for "--help" flag: strconv.ParseBool: parsing "maybe": '
                "invalid syntax", RUN_USAGE, "docker run"), 125),
    (["run", "-a", "x", "i"],
     flag_error('invalid argument "x" for "-a, --attach" flag: valid streams are STDIN, STDOUT '
                "and STDERR", RUN_USAGE, "docker run"), 125),
    (["run", "-e", "=x", "i"],
     flag_error('invalid argument "=x" for "-e, --env" flag: invalid environment variable: =x',
                RUN_USAGE, "docker run"), 125),
    (["run", "-m", "1x", "i"],
     flag_error("invalid argument \"1x\" for \"-m, --memory\" flag: invalid suffix: 'x'",
                RUN_USAGE, "docker run"), 125),
    (["run", "--cpus", "x", "i"],
     flag_error('invalid argument "x" for "--cpus" flag: failed to parse x as a rational number',
                RUN_USAGE, "docker run"), 125),
    (["run", "--health-interval", "5", "i"],
     flag_error('invalid argument "5" for "--health-interval" flag: time: missing unit in '
                'duration "5"', RUN_USAGE, "docker run"), 125),
    (["stop", "-t", "abc", "x"],
     flag_error('invalid argument "abc" for "-t, --timeout" flag: strconv.ParseInt: parsing '
                '"abc": invalid syntax', "docker stop [OPTIONS] CONTAINER [CONTAINER...]",
                "docker stop"), 125),
    (["ps", "-f", "x"],
     flag_error('invalid argument "x" for "-f, --filter" flag: bad format of filter (expected '
                "name=value)", "docker ps [OPTIONS]", "docker ps"), 125),
    (["ps", "-n", "99999999999999999999"],
     flag_error('invalid argument "99999999999999999999" for "-n, --last" flag: '
                'strconv.ParseInt: parsing "99999999999999999999": value out of range',
                "docker ps [OPTIONS]", "docker ps"), 125),
    (["ps", "-a="], flag_error("unknown shorthand flag: '=' in -=", "docker ps [OPTIONS]",
                               "docker ps"), 125),
    (["ps", "-é"], flag_error("unknown shorthand flag: 'Ã' in -é", "docker ps [OPTIONS]",
                              "docker ps"), 125),
    (["ps", "-\x01"], flag_error("unknown shorthand flag: '\\x01' in -\x01",
                                 "docker ps [OPTIONS]", "docker ps"), 125),
    (["ps", "-h", "-x"], flag_error("unknown shorthand flag: 'x' in -x", "docker ps [OPTIONS]",
                                    "docker ps"), 125),
    (["container", "ls", "-x"],
     flag_error("unknown shorthand flag: 'x' in -x", "docker container ls [OPTIONS]",
                "docker container ls"), 125),
    (["container", "-x"],
     flag_error("unknown shorthand flag: 'x' in -x", "docker container", "docker container"),
     125),
    (["--foo", "ps"],
     flag_error("unknown flag: --foo", "docker [OPTIONS] COMMAND [ARG...]", "docker"), 125),
    (["-H"], flag_error("flag needs an argument: 'H' in -H", "docker [OPTIONS] COMMAND [ARG...]",
                        "docker"), 125),
    (["--=x"], flag_error("bad flag syntax: --=x", "docker [OPTIONS] COMMAND [ARG...]",
                          "docker"), 125),
    (["---x"], flag_error("bad flag syntax: ---x", "docker [OPTIONS] COMMAND [ARG...]",
                          "docker"), 125),
    (["help", "--foo"],
     flag_error("unknown flag: --foo", "docker help [command]", "docker help"), 125),
    # a group's flag error before its subcommand is printed bare, exit 1
    (["container", "--foo=1", "ls"], "unknown flag: --foo\n", 1),
    # argument counts: exit 1
    (["run"], ("docker: 'docker run' requires at least 1 argument\n\nUsage:  " + RUN_USAGE
      + "\n\nSee 'docker run --help' for more information\n"), 1),
    (["container", "run"], ("docker: 'docker container run' requires at least 1 argument\n\n"
      "Usage:  docker container run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
      "See 'docker container run --help' for more information\n"), 1),
    (["ps", "foo"], ("docker: 'docker ps' accepts no arguments\n\nUsage:  docker ps [OPTIONS]\n\n"
      "Run 'docker ps --help' for more information\n"), 1),
    (["container", "ps", "foo"], ("docker: 'docker container ls' accepts no arguments\n\n"
      "Usage:  docker container ls [OPTIONS]\n\n"
      "Run 'docker container ls --help' for more information\n"), 1),
    (["rename", "a"], ("docker: 'docker rename' requires 2 arguments\n\n"
      "Usage:  docker rename CONTAINER NEW_NAME\n\n"
      "Run 'docker rename --help' for more information\n"), 1),
    (["exec", "c"], ("docker: 'docker exec' requires at least 2 arguments\n\n"
      "Usage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\n"
      "See 'docker exec --help' for more information\n"), 1),
    (["logs", "a", "b"], ("docker: 'docker logs' requires 1 argument\n\n"
      "Usage:  docker logs [OPTIONS] CONTAINER\n\n"
      "Run 'docker logs --help' for more information\n"), 1),
    (["attach"], ("docker: 'docker attach' requires 1 argument\n\n"
      "Usage:  docker attach [OPTIONS] CONTAINER\n\n"
      "Run 'docker attach --help' for more information\n"), 1),
    (["pull"], ("docker: 'docker pull' requires 1 argument\n\n"
      "Usage:  docker pull [OPTIONS] NAME[:TAG|@DIGEST]\n\n"
      "Run 'docker pull --help' for more information\n"), 1),
    (["top"], ("docker: 'docker top' requires at least 1 argument\n\n"
      "Usage:  docker top CONTAINER [ps OPTIONS]\n\n"
      "See 'docker top --help' for more information\n"), 1),
    (["images", "a", "b"], ("docker: 'docker images' requires at most 1 argument\n\n"
      "Usage:  docker images [OPTIONS] [REPOSITORY[:TAG]]\n\n"
      "SRun 'docker images --help' for more information\n"), 1),
    (["container", "prune", "x"], ("docker: 'docker container prune' accepts no arguments\n\n"
      "Usage:  docker container prune [OPTIONS]\n\n"
      "Run 'docker container prune --help' for more information\n"), 1),
    (["events", "x"], ("docker: 'docker events' accepts no arguments\n\n"
      "Usage:  docker events [OPTIONS]\n\nRun 'docker events --help' for more information\n"), 1),
    (["context", "use"], "accepts 1 arg(s), received 0\n", 1),
    # unknown commands and help topics: exit 1
    (["foo"], "docker: unknown command: docker foo\n\nRun 'docker --help' for more information\n",
     1),
    ([""], "docker: unknown command: docker \n\nRun 'docker --help' for more information\n", 1),
    (["-"], "docker: unknown command: docker -\n\nRun 'docker --help' for more information\n", 1),
    (["compose", "up"], ("docker: unknown command: docker compose\n\n"
      "Run 'docker --help' for more information\n"), 1),
    (["container", "foo"], ("docker: unknown command: docker container foo\n\n"
      "Usage:  docker container\n\nRun 'docker container --help' for more information\n"), 1),
    (["container", "--", "ls"], ("docker: unknown command: docker container ls\n\n"
      "Usage:  docker container\n\nRun 'docker container --help' for more information\n"), 1),
    (["help", "foo"], "unknown help topic: foo\n", 1),
    (["help", "run", "extra"], "unknown help topic: extra\n", 1),
    (["help", "foo", "bar"], "unknown help topic: foo bar\n", 1),
    (["--log-level=foo", "ps"], "Unable to parse logging level: foo\n", 1),
]


@pytest.mark.parametrize(("argv", "stderr", "code"), ERRORS, ids=[repr(e[0]) for e in ERRORS])
def test_errors(argv, stderr, code) -> None:
    err = error_of(argv)
    assert (err.stderr, err.exit_code, err.stdout) == (stderr, code, "")


def test_error_after_help_notice_keeps_notice_on_stdout() -> None:
    err = error_of(["container", "-h", "rm", "--help=false"])
    assert err.stdout == HELP_DEPRECATED and err.exit_code == 1
    assert err.stderr.startswith("docker: 'docker container rm' requires at least 1 argument")


def test_root_notice_goes_to_stderr_even_on_error() -> None:
    err = error_of(["-h", "--foo"])
    assert err.stderr.startswith(HELP_DEPRECATED + "unknown flag: --foo\n")


def test_local_help_is_not_the_persistent_one() -> None:
    # `docker --help run`: run has its own --help, so the root's does not reach it.
    err = error_of(["--help", "run"])
    assert err.stderr.startswith("docker: 'docker run' requires at least 1 argument")
