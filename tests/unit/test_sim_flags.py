"""Never silently ignore: every flag the parser accepts is modelled by the simulator or refused by name.

The walk goes over the parser's own table (engine/cli/commands.json), so a flag added there fails
here until it is put in `sim/flags.py`'s table, with a proof of its effect below, or is refused.
"""

from __future__ import annotations

import pytest

from webapp.engine.cli.commands import COMMANDS as IMPLEMENTED
from webapp.engine.cli.spec import COMMANDS, ROOT
from webapp.engine.clock import VirtualClock
from webapp.engine.refusals import CLI_UNMODELLED
from webapp.engine.sim import flags
from webapp.engine.sim.engine import SimEngine

SETUP = ("docker run -d --name web nginx",
         "docker run --name done ubuntu:20.04 sh -c 'echo one; echo two'")

# (command, flag) -> (line without the flag, line with it): their transcripts must differ.
PROOFS: dict[tuple[str, str], tuple[str, str]] = {}


def _proof(commands: tuple[str, ...], flag: str, without: str, with_: str) -> None:
    for command in commands:
        pair = [without.replace("{c}", command), with_.replace("{c}", command)]
        if command == "create":  # what create recorded shows once the container runs
            pair = [_then_start(line) for line in pair]
        PROOFS[(command, flag)] = (pair[0], pair[1])


def _then_start(line: str) -> str:
    first, sep, rest = line.partition(" && ")
    if "--name " in first:
        return line
    return first.replace("docker create ", "docker create --name pp ", 1) + \
        " && docker start -a pp" + (sep + rest if sep else "")


R = ("run", "create")
_proof(R, "attach", "docker {c} ubuntu:20.04 echo hi", "docker {c} -a stderr ubuntu:20.04 echo hi")
_proof(R, "detach-keys", "docker {c} ubuntu:20.04 true", "docker {c} --detach-keys x-y ubuntu:20.04 true")
_proof(R, "domainname", "docker {c} --name d ubuntu:20.04", "docker {c} --domainname ex.org --name d "
       "ubuntu:20.04 && docker inspect -f '{{.Config.Domainname}}' d")
_proof(R, "entrypoint", "docker {c} ubuntu:20.04 hi", "docker {c} --entrypoint echo ubuntu:20.04 hi")
_proof(R, "env", "docker {c} ubuntu:20.04 printenv X", "docker {c} -e X=1 ubuntu:20.04 printenv X")
_proof(R, "expose", "docker {c} ubuntu:20.04 true", "docker {c} --expose 99 ubuntu:20.04 true")
_proof(R, "help", "docker {c} ubuntu:20.04 true", "docker {c} --help")
_proof(R, "hostname", "docker {c} ubuntu:20.04 hostname", "docker {c} -h box ubuntu:20.04 hostname")
_proof(R, "init", "docker {c} ubuntu:20.04 ps", "docker {c} --init ubuntu:20.04 ps")
_proof(R, "interactive", "docker {c} ubuntu:20.04 true", "docker {c} -i ubuntu:20.04 true")
_proof(R, "label", "docker {c} ubuntu:20.04 true", "docker {c} -l a=b ubuntu:20.04 true")
_proof(R, "name", "docker {c} ubuntu:20.04 true", "docker {c} --name n ubuntu:20.04 true")
_proof(R, "network", "docker {c} ubuntu:20.04 true", "docker {c} --network nosuchnet ubuntu:20.04 true")
_proof(R, "publish", "docker {c} ubuntu:20.04 true", "docker {c} -p 80 ubuntu:20.04 true")
_proof(R, "publish-all", "docker {c} nginx", "docker {c} -P nginx")
_proof(R, "pull", "docker {c} ubuntu:20.04 true", "docker {c} --pull always ubuntu:20.04 true")
_proof(R, "quiet", "docker rmi -f ubuntu:22.04 && docker {c} ubuntu:22.04 true",
       "docker rmi -f ubuntu:22.04 && docker {c} -q ubuntu:22.04 true")
_proof(R, "restart", "docker {c} ubuntu:20.04 true", "docker {c} --restart always ubuntu:20.04 true")
_proof(R, "rm", "docker {c} ubuntu:20.04 true", "docker {c} --rm ubuntu:20.04 true")
_proof(R, "sig-proxy", "docker {c} ubuntu:20.04 true", "docker {c} --sig-proxy=false -d ubuntu:20.04 true")
_proof(R, "stop-signal", "docker {c} ubuntu:20.04 true", "docker {c} --stop-signal BOGUS ubuntu:20.04 true")
_proof(R, "stop-timeout", "docker {c} --name t ubuntu:20.04 true", "docker {c} --stop-timeout 3 --name t "
       "ubuntu:20.04 true && docker inspect -f '{{.Config.StopTimeout}}' t")
_proof(R, "tty", "docker {c} ubuntu:20.04 true", "docker {c} -t ubuntu:20.04 true")
_proof(R, "user", "docker {c} ubuntu:20.04 id", "docker {c} -u 33 ubuntu:20.04 id")
_proof(R, "workdir", "docker {c} ubuntu:20.04 pwd", "docker {c} -w /tmp ubuntu:20.04 pwd")
_proof(("run",), "detach", "docker run ubuntu:20.04 true", "docker run -d ubuntu:20.04 true")
_proof(("exec",), "detach", "docker exec web echo hi", "docker exec -d web echo hi")
_proof(("exec",), "detach-keys", "docker exec web true", "docker exec --detach-keys x-y -i web true")
_proof(("exec",), "env", "docker exec web printenv X", "docker exec -e X=1 web printenv X")
_proof(("exec",), "interactive", "docker exec web cat", "docker exec -i web cat")
_proof(("exec",), "tty", "docker exec web echo hi", "docker exec -t web echo hi")
_proof(("exec",), "user", "docker exec web id", "docker exec -u 33 web id")
_proof(("exec",), "workdir", "docker exec web pwd", "docker exec -w /tmp web pwd")
_proof(("start",), "attach", "docker start done", "docker start -a done")
_proof(("start",), "detach-keys", "docker start -a done", "docker start -a --detach-keys x-y done")
_proof(("start",), "interactive", "docker start done", "docker start -i done")
_proof(("attach",), "detach-keys", "docker attach web", "docker attach --detach-keys x-y web")
_proof(("attach",), "no-stdin", "docker run -di --name cc ubuntu:20.04 cat && docker attach cc",
       "docker run -di --name cc ubuntu:20.04 cat && docker attach --no-stdin cc")
_proof(("attach",), "sig-proxy", "docker attach web", "docker attach --sig-proxy=false web")
_proof(("stop",), "signal", "docker stop web", "docker stop -s BOGUS web")
_proof(("stop",), "timeout", "docker run -d --name ss ubuntu:20.04 sleep 99 && docker stop ss",
       "docker run -d --name ss ubuntu:20.04 sleep 99 && docker stop -t 0 ss")
_proof(("restart",), "signal", "docker restart web", "docker restart -s BOGUS web")
_proof(("restart",), "timeout", "docker restart web", "docker restart -t 0 web")
_proof(("kill",), "signal", "docker kill web", "docker kill -s HUP web")
_proof(("rm",), "force", "docker rm web", "docker rm -f web")
_proof(("ps",), "all", "docker ps", "docker ps -a")
_proof(("ps",), "filter", "docker ps -a", "docker ps -a -f name=web")
_proof(("ps",), "format", "docker ps", "docker ps --format '{{.Names}}'")
_proof(("ps",), "last", "docker ps", "docker ps -n 1")
_proof(("ps",), "latest", "docker ps", "docker ps -l")
_proof(("ps",), "no-trunc", "docker ps", "docker ps --no-trunc")
_proof(("ps",), "quiet", "docker ps", "docker ps -q")
_proof(("ps",), "size", "docker ps", "docker ps -s")
_proof(("logs",), "follow", "docker logs web", "docker logs -f done")
_proof(("logs",), "since", "docker logs done", "docker logs --since 2099-01-01T00:00:00 done")
_proof(("logs",), "tail", "docker logs done", "docker logs --tail 1 done")
_proof(("logs",), "timestamps", "docker logs done", "docker logs -t done")
_proof(("logs",), "until", "docker logs done", "docker logs --until 2000-01-01T00:00:00 done")
_proof(("images",), "digests", "docker images", "docker images --digests")
_proof(("images",), "filter", "docker images", "docker images -f reference=ubuntu*")
_proof(("images",), "format", "docker images", "docker images --format '{{.Repository}}'")
_proof(("images",), "no-trunc", "docker images", "docker images --no-trunc")
_proof(("images",), "quiet", "docker images", "docker images -q")
_proof(("rmi",), "force", "docker rmi nginx", "docker rmi -f nginx")
_proof(("pull",), "quiet", "docker pull ubuntu:22.04", "docker pull -q ubuntu:22.04")
_proof(("inspect",), "format", "docker inspect web", "docker inspect -f '{{.Name}}' web")
_proof(("inspect",), "size", "docker inspect -f '{{.SizeRw}}' web", "docker inspect -s -f '{{.SizeRw}}' web")
_proof(("inspect",), "type", "docker inspect nginx", "docker inspect --type container nginx")
_proof(("container inspect",), "format", "docker container inspect web",
       "docker container inspect -f '{{.Name}}' web")
_proof(("container inspect",), "size", "docker container inspect -f '{{.SizeRw}}' web",
       "docker container inspect -s -f '{{.SizeRw}}' web")
_proof(("image inspect",), "format", "docker image inspect nginx", "docker image inspect -f '{{.Id}}' nginx")
_proof(("events",), "filter", "docker events --since 0 --until 2099-01-01T00:00:00",
       "docker events --since 0 --until 2099-01-01T00:00:00 -f container=web")
_proof(("events",), "format", "docker events --since 0 --until 2099-01-01T00:00:00",
       "docker events --since 0 --until 2099-01-01T00:00:00 --format '{{.Action}}'")
_proof(("events",), "since", "docker events --until 2099-01-01T00:00:00",
       "docker events --since 0 --until 2099-01-01T00:00:00")
_proof(("events",), "until", "docker events --since 0 --until 2099-01-01T00:00:00",
       "docker events --since 0 --until 2000-01-01T00:00:00")
_proof(("container prune",), "force", "docker container prune", "docker container prune -f")
_proof(("container prune",), "filter", "docker container prune -f",
       "docker container prune -f --filter label=nosuch")
_proof(("image prune",), "force", "docker image prune", "docker image prune -f")
B = ("build",)
_proof(B, "build-arg", "docker build .", "docker build --build-arg A=1 .")
_proof(B, "file", "docker build .", "docker build -f Other.dockerfile .")
_proof(B, "label", "docker build -q .", "docker build -q --label a=b .")
_proof(B, "no-cache", "docker build . && docker build .", "docker build . && docker build --no-cache .")
_proof(B, "progress", "docker build .", "docker build --progress=quiet .")
_proof(B, "quiet", "docker build .", "docker build -q .")
_proof(B, "tag", "docker build .", "docker build -t built .")
_proof(B, "target", "docker build .", "docker build --target other .")
_proof(("history",), "format", "docker history busybox", "docker history --format '{{.Size}}' busybox")
_proof(("history",), "human", "docker history busybox", "docker history -H=false busybox")
_proof(("history",), "no-trunc", "docker history busybox", "docker history --no-trunc busybox")
_proof(("history",), "quiet", "docker history busybox", "docker history -q busybox")

# The workspace every transcript starts with (the build context of the build proofs).
FILES = {"Dockerfile": 'FROM busybox AS other\nRUN echo other\n\nFROM busybox\nARG A=none\n'
                       'RUN echo "arg $A"\nCMD ["echo", "built"]\n',
         "Other.dockerfile": "FROM busybox\nRUN echo the other file\n"}


def _transcript(line: str) -> tuple:
    engine = SimEngine(VirtualClock(), seed=3)
    for path, text in FILES.items():
        engine.workspace.write(path, text)
    for setup in SETUP:
        assert engine.run(setup).exit_code == 0, setup
    out = []
    for part in line.split(" && "):
        ctrl_c = part.startswith("docker attach") and part.endswith(" web")
        result = engine.run(part, stdin="\x03" if ctrl_c else "hello\n", timeout=5)
        out.append((result.exit_code, result.stdout, result.stderr))
    events = [(e.action, dict(e.attributes)) for e in list(engine.history)][4:]
    ids = engine.run("docker ps -aq").stdout.split()
    recorded = engine.run("docker inspect " + " ".join(ids)).stdout  # what the daemon recorded
    return tuple(out), len(events), [c["state"] for c in engine.containers()], recorded


def _all_flags(command: str) -> set[str]:
    return {f.key for f in COMMANDS[command].flags}


VALUES = {"bool": "", "int": "1", "uint": "1", "uint16": "1", "uint32": "1", "decimal": "1",
          "float": "1", "bytes": "1m", "duration": "1s", "ulimit": "nofile=1:1", "map": "a=b",
          "stringToString": "a=b", "port": "80", "gpu-request": "all", "mount": "type=volume,dst=/x",
          "network": "x", "filter": "a=b"}

FLAG_VALUES = {"dns": "1.1.1.1", "add-host": "a:1.2.3.4", "sysctl": "net.ipv4.ip_forward=1",
               "device-cgroup-rule": "'c 1:3 mr'", "ip": "10.0.0.9", "ip6": "fe80::9",
               "link-local-ip": "fe80::9", "mac-address": "02:42:ac:11:00:09"}

WALK = [(command, flag) for command in sorted(IMPLEMENTED) if command != "help"
        for flag in sorted(_all_flags(command))]


@pytest.mark.parametrize(("command", "flag"), WALK, ids=[f"{c}--{f}" for c, f in WALK])
def test_every_parsed_flag_is_modelled_or_refused(command: str, flag: str) -> None:
    modelled = flag in flags.MODELLED.get(command, ())
    elsewhere = flag in flags.MODELLED_ELSEWHERE.get(command, ())
    inert = flag in flags.INERT.get(command, {})
    unmodelled = flag in CLI_UNMODELLED.get(command, {})
    assert modelled + elsewhere + inert + unmodelled <= 1, (command, flag)
    if modelled:
        without, with_ = PROOFS[(command, flag)]  # a modelled flag has a proof of its effect
        assert _transcript(without) != _transcript(with_), (command, flag)
        return
    if elsewhere or inert:
        return
    spec = COMMANDS[command].flag(flag)
    assert spec is not None
    value = FLAG_VALUES.get(flag, VALUES.get(spec.type, "x"))
    args = {"run": " ubuntu:20.04 true", "create": " ubuntu:20.04", "exec": " web true",
            "pull": " nginx", "rmi": " nginx", "image inspect": " nginx"}.get(
        command, " web" if command not in ("images", "events", "version", "info",
                                           "container prune", "image prune") else "")
    option = f"--{flag}" + (f"={value}" if value else "")
    line = f"docker {COMMANDS[command].path.removeprefix('docker ')} {option}{args}"
    engine = SimEngine(VirtualClock(), seed=3)
    engine.run("docker run -d --name web nginx")
    result = engine.run(line, timeout=5)
    assert result.exit_code != 0, line
    assert "refused by the Lifecycle Lab sandbox" in result.stderr, (line, result.stderr)
    assert (f"--{flag}" in result.stderr or f"-{spec.short}" in result.stderr
            or _named(command, flag, result.stderr)), (line, result.stderr)


def _named(command: str, flag: str, stderr: str) -> bool:
    """Refusals that name what the flag is for rather than its spelling (volumes, DNS, ...)."""
    words = {"volume": "volumes", "mount": "volumes", "dns": "DNS", "dns-option": "DNS",
             "dns-search": "DNS", "log-driver": "logging", "log-opt": "logging",
             "volume-driver": "volumes", "publish": "-p", "publish-all": "-P",
             "use-api-socket": "Docker socket", "disable-content-trust": "content trust",
             "ip": "addresses", "ip6": "addresses", "link-local-ip": "addresses",
             "mac-address": "addresses"}
    return words.get(flag, "\0") in stderr


def test_the_walk_covers_every_command_the_simulator_runs() -> None:
    assert len(WALK) > 150
    for command in flags.MODELLED:
        assert command in IMPLEMENTED, command


@pytest.mark.parametrize("name", sorted(f.long for f in ROOT.flags))
def test_every_global_option_is_modelled_or_refused(name: str) -> None:
    if name in flags.GLOBAL_MODELLED or name in flags.GLOBAL_INERT:
        return
    spec = next(f for f in ROOT.flags if f.long == name)
    option = f"--{name}" if spec.is_bool else f"--{name}=x"
    result = SimEngine(VirtualClock(), seed=3).run(f"docker {option} ps")
    assert result.exit_code == 1
    assert f"global option --{name} is not allowed" in result.stderr


def test_inert_global_options_change_nothing() -> None:
    plain = SimEngine(VirtualClock(), seed=3).run("docker ps -a")
    for option in ("-D", "--log-level=debug"):
        result = SimEngine(VirtualClock(), seed=3).run(f"docker {option} ps -a")
        assert (result.exit_code, result.stdout, result.stderr) == (
            plain.exit_code, plain.stdout, plain.stderr)


def test_version_flag_prints_the_one_line_on_the_simulator() -> None:
    for line in ("docker --version", "docker -v"):
        result = SimEngine(VirtualClock(), seed=3).run(line)
        assert result.stdout.startswith("Docker version ") and result.stdout.count("\n") == 1
        assert ", build " in result.stdout
