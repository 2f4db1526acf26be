"""The parser against the real docker client: same stdout, stderr and exit code.

Runs only where a docker client of the version commands.json was captured from is installed.  Every
case is a usage error or a help request, and the client runs with DOCKER_HOST pointing at a socket
that does not exist, so nothing reaches a daemon even if a case were to parse.  For cases our parser
accepts, the check is that the real client got past parsing too (it then fails to connect).
Only the help pages need a daemon (they are captured against a live one): those tests carry the
`docker` marker; the usage errors need the client alone.
"""

from __future__ import annotations

import atexit
import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor

import pytest

from webapp.engine.cli import CLIENT_VERSION, CliError, parse_argv

_DOCKER = shutil.which("docker")


def _client_version() -> str:
    if not _DOCKER:
        return ""
    proc = subprocess.run([_DOCKER, "--version"], capture_output=True, text=True, check=False)
    return proc.stdout.split(",")[0].removeprefix("Docker version ").strip()


if _client_version() != CLIENT_VERSION:
    pytest.skip(f"needs docker client {CLIENT_VERSION} (regenerate commands.json for another)",
                allow_module_level=True)

_HOME = tempfile.mkdtemp(prefix="cli-test-home-")
atexit.register(shutil.rmtree, _HOME, True)
_ENV = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": _HOME, "LANG": "C.UTF-8",
        "DOCKER_CONFIG": os.path.join(_HOME, ".docker"),
        "DOCKER_HOST": "unix:///nonexistent/lifecycle-lab/docker.sock"}


# Help pages depend on the daemon (flags for other OSes and newer APIs are hidden), so they are
# compared the way generate_table captured them: live daemon, pinned API version, neutral HOME.
_HELP_ENV = {"PATH": _ENV["PATH"], "HOME": "/home/learner", "LANG": "C.UTF-8",
             "DOCKER_API_VERSION": "1.50"}


def _run(argv: tuple[str, ...], help_env: bool) -> tuple[str, str, int]:
    proc = subprocess.run([_DOCKER, *argv], stdin=subprocess.DEVNULL, capture_output=True,
                          env=_HELP_ENV if help_env else _ENV, timeout=20, check=False)
    return (proc.stdout.decode("utf-8", "surrogateescape"),
            proc.stderr.decode("utf-8", "surrogateescape"), proc.returncode)


_results: dict[tuple[tuple[str, ...], bool], tuple[str, str, int]] = {}


def real(argv: list[str], help_env: bool = False) -> tuple[str, str, int]:
    """The real client's (stdout, stderr, exit code); all cases run at once, in parallel."""
    if not _results:
        jobs = [(tuple(a), False) for a in ERROR_CASES + ACCEPTED_CASES]
        jobs += [(tuple(a), True) for a in HELP_CASES]
        with ThreadPoolExecutor(max_workers=8) as pool:
            _results.update(zip(jobs, pool.map(lambda job: _run(*job), jobs)))
    key = (tuple(argv), help_env)
    if key not in _results:
        _results[key] = _run(*key)
    return _results[key]


_CANNOT_CONNECT = "Cannot connect to the Docker daemon"

ERROR_CASES = [
    ["run", "--x"], ["run"], ["run", "-x"], ["run", "--name"], ["run", "-h"], ["create"],
    ["foo"], ["foo", "-x"], ["foo", "--debug"], [""], ["-"], ["--foo", "ps"], ["-x", "ps"],
    ["-H"], ["-l"], ["--", "-x"], ["--=x"], ["-="], ["---x"], ["--log-level=foo", "ps"],
    ["ps", "foo"], ["ps", "-f", "x"], ["ps", "--all=maybe"], ["ps", "-a="], ["ps", "-n", "x"],
    ["ps", "--last=99999999999999999999"], ["ps", "-h", "-x"], ["ps", "--format"],
    ["ps", "-é"], ["ps", "-\x01"], ["ps", "-'"], ["ps", "--über"], ["ps", '-"'],
    ["container", "ls", "foo"], ["container", "ps", "foo"], ["container", "list", "-x"],
    ["container", "foo"], ["container", "-x"], ["container", "--foo", "ls"],
    ["container", "--foo=1", "ls"], ["container", "-D", "ls"], ["container", "--", "ls"],
    ["container", "help"], ["system", "foo"], ["image", "foo"],
    ["rename", "a"], ["rename", "a", "b", "c"], ["stop"], ["stop", "-t", "abc", "x"],
    ["stop", "--time=x", "a"], ["restart", "-t", "1.5", "a"], ["kill"], ["kill", "-s"],
    ["start"], ["pause"], ["unpause"], ["rm"], ["rm", "-l=x", "a"], ["wait"], ["attach"],
    ["attach", "a", "b"], ["exec", "a"], ["exec"], ["logs"], ["logs", "a", "b"],
    ["logs", "--tail"], ["inspect"], ["container", "inspect"], ["image", "inspect"], ["top"],
    ["pull"], ["pull", "a", "b"], ["images", "a", "b"], ["image", "ls", "a", "b"], ["rmi"],
    ["image", "rm"], ["image", "remove"], ["container", "remove"],
    ["container", "prune", "a"], ["image", "prune", "x"], ["events", "x"],
    ["system", "events", "x"], ["version", "x"], ["info", "x"], ["system", "info", "x"],
    ["events", "--since"], ["help", "foo"], ["help", "run", "extra"], ["help", "--foo"],
    ["help", "container", "foo"], ["help", "--", "-x"], ["context", "use"],
    ["run", "--memory", "1x", "i"], ["run", "-m", "1.2.3", "i"], ["run", "--memory=-1", "i"],
    ["run", "--memory=", "i"], ["run", "-m", "5kbb", "i"], ["run", "-m", "1éé", "i"],
    ["run", "--cpus", "x", "i"], ["run", "--cpus", "1.0000000001", "i"],
    ["run", "--cpus", "1/0", "i"], ["run", "--health-interval", "5", "i"],
    ["run", "--health-interval", "5x", "i"], ["run", "--health-interval=", "i"],
    ["run", "--health-timeout", "1.5.5s", "i"], ["run", "--health-timeout", "5µx", "i"],
    ["run", "--stop-timeout", "08", "i"], ["run", "--stop-timeout", "0x", "i"],
    ["run", "--stop-timeout", "1__0", "i"], ["run", "--blkio-weight", "70000", "i"],
    ["run", "--blkio-weight", "-1", "i"], ["run", "-e", "=x", "i"], ["run", "-e", "", "i"],
    ["run", "-l", "=x", "i"], ["run", "--label", " =x", "i"], ["run", "--dns", "x", "i"],
    ["run", "--add-host", "x", "i"], ["run", "--add-host", "a:b", "i"],
    ["run", "--add-host", "a:[::1", "i"], ["run", "--link", "a:b:c", "i"],
    ["run", "--link=", "i"], ["run", "--dns-search", "-x", "i"],
    ["run", "--dns-search", "123", "i"], ["run", "--device-cgroup-rule", "x", "i"],
    ["run", "--sysctl", "x", "i"], ["run", "--sysctl", "kernel.foo=1", "i"],
    ["run", "-a", "x", "i"], ["run", "--rm=maybe", "i"], ["run", "-dit=x", "i"],
    ["run", "--attach"], ["exec", "-e", "=a", "c", "sh"], ["ps", "--filter", "a"],
    ["run", "--pull"], ["run", "-p"], ["start", "--detach-keys"], ["logs", "-n", "x", "c"],
    ["images", "-f", "dangling"], ["container", "prune", "--filter", "until"],
]

HELP_CASES = [
    [], ["--help"], ["-h"], ["help"], ["run", "--help"], ["help", "run"], ["ps", "-h"],
    ["ps", "-hh"], ["container", "-h", "ls"], ["container", "--help", "ls"],
    ["container", "-h", "-h", "ls"], ["container", "ls", "--help"], ["container", "ps", "--help"],
    ["container"], ["image"], ["system"], ["container", "--help"], ["container", "-h"],
    ["foo", "--help"], ["container", "foo", "--help"], ["help", "container", "ls"],
    ["help", "help"], ["completion"], ["completion", "foo"], ["-h", "ps"],
    ["-h", "container", "-h", "ls"], ["run", "--help=true"],
    ["rmi", "--help"], ["image", "remove", "--help"], ["events", "--help"], ["exec", "--help"],
    ["container", "-h", "rm", "--help=false"], ["container", "--help", "run"],
    ["-h", "run"], ["container", "-h", "run"], ["-v"], ["--version"],
]


def ours(argv: list[str]) -> tuple[str, str, int] | None:
    """Our output for a case; None when it parsed into a command to run."""
    try:
        cmd = parse_argv(argv)
    except CliError as err:
        return err.stdout, err.stderr, err.exit_code
    if cmd.help:
        out, err = cmd.help_output()
        return out, err, 0
    if cmd.is_version_flag:
        return cmd.notice_stdout + "VERSION\n", cmd.notice_stderr, 0
    return None


@pytest.mark.parametrize("argv", ERROR_CASES, ids=repr)
def test_same_error_as_real_client(argv: list[str]) -> None:
    mine = ours(argv)
    theirs = real(argv)
    if mine is None:  # both must have got past parsing
        assert _CANNOT_CONNECT in theirs[1], theirs
        return
    assert mine == theirs


@pytest.mark.docker  # help pages are captured against a live daemon
@pytest.mark.parametrize("argv", HELP_CASES, ids=repr)
def test_same_help_as_real_client(argv: list[str]) -> None:
    mine = ours(argv)
    theirs = real(argv, help_env=True)
    assert mine is not None
    if mine[0].endswith("VERSION\n"):
        assert theirs[0].startswith("Docker version ") and theirs[2] == 0
        return
    assert mine == theirs


ACCEPTED_CASES = [
    ["run", "-dit", "--name", "web", "-p8080:80", "-eFOO=bar", "nginx", "sh", "-c", "x", "-d"],
    ["ps", "-a", "--filter", "status=exited", "-n", "3"], ["stop", "-t", "0x10", "a"],
    ["run", "--rm=false", "--net", "host", "-a", "STDIN", "--stop-timeout", "1_0", "i"],
    ["run", "-m", "1.5GiB", "--cpus", "1/2", "--health-interval", "1h2m3.5s", "i"],
    ["-D", "ps"], ["--", "ps"], ["-test.v", "ps", "-test.x"], ["exec", "-it", "c", "sh", "-x"],
    ["logs", "-f", "--tail", "10", "c"], ["rm", "-fv", "a", "b"], ["kill", "-s", "HUP", "a"],
]


@pytest.mark.parametrize("argv", ACCEPTED_CASES, ids=repr)
def test_accepted_by_both(argv: list[str]) -> None:
    assert ours(argv) is None
    assert _CANNOT_CONNECT in real(argv)[1]
