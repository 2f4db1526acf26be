"""The command table (COMMANDS), help pages and usage lines."""

from __future__ import annotations

import pytest

from webapp.engine.cli import COMMANDS, CommandSpec, help_text, usage_line

LAB_COMMANDS = ["run", "create", "start", "stop", "kill", "restart", "pause", "unpause", "rm",
                "ps", "attach", "exec", "logs", "inspect", "wait", "rename", "top", "pull",
                "images", "rmi", "container prune", "image prune", "events", "version", "info"]


@pytest.mark.parametrize("name", LAB_COMMANDS)
def test_every_lab_command_is_in_the_table(name: str) -> None:
    spec = COMMANDS[name]
    assert isinstance(spec, CommandSpec) and spec.name == name
    assert spec.usage.startswith(spec.path)
    assert spec.short


def test_paths_and_aliases() -> None:
    assert COMMANDS["ps"].paths == ("docker ps", "docker container ls")
    assert COMMANDS["ps"].aliases == (
        "docker container ls, docker container list, docker container ps, docker ps")
    assert COMMANDS["images"].paths == ("docker images", "docker image ls")
    assert COMMANDS["rmi"].paths == ("docker rmi", "docker image rm")
    assert COMMANDS["events"].paths == ("docker events", "docker system events")
    assert COMMANDS["container prune"].paths == ("docker container prune",)


FLAGS = [
    # command, long, short, type, repeatable
    ("run", "detach", "d", "bool", False), ("run", "env", "e", "list", True),
    ("run", "publish", "p", "list", True), ("run", "attach", "a", "list", True),
    ("run", "hostname", "h", "string", False), ("run", "memory", "m", "bytes", False),
    ("run", "stop-timeout", "", "int", False), ("run", "health-interval", "", "duration", False),
    ("run", "network", "", "network", True), ("run", "label", "l", "list", True),
    ("start", "attach", "a", "bool", False), ("stop", "timeout", "t", "int", False),
    ("stop", "signal", "s", "string", False), ("ps", "filter", "f", "filter", True),
    ("ps", "last", "n", "int", False), ("logs", "tail", "n", "string", False),
    ("rm", "link", "l", "bool", False), ("exec", "env", "e", "list", True),
]


@pytest.mark.parametrize(("command", "long", "short", "ftype", "repeatable"), FLAGS)
def test_flags(command: str, long: str, short: str, ftype: str, repeatable: bool) -> None:
    flag = COMMANDS[command].flag(long)
    assert flag is not None
    assert (flag.short, flag.type, flag.repeatable) == (short, ftype, repeatable)


def test_hidden_aliases() -> None:
    net = COMMANDS["run"].flag("net")
    assert net is not None and net.hidden and net.key == "network"
    assert COMMANDS["stop"].flag("time").key == "timeout"


def test_arg_rules_and_interspersing() -> None:
    rules = {name: (COMMANDS[name].args.kind, COMMANDS[name].args.min, COMMANDS[name].args.max)
             for name in ("run", "exec", "rename", "logs", "ps", "images", "top")}
    assert rules == {"run": ("min", 1, 0), "exec": ("min", 2, 0), "rename": ("exact", 2, 2),
                     "logs": ("exact", 1, 1), "ps": ("none", 0, 0), "images": ("max", 0, 1),
                     "top": ("min", 1, 0)}
    assert [n for n in ("run", "create", "exec", "top", "ps", "start") if
            not COMMANDS[n].interspersed] == ["run", "create", "exec", "top"]


def test_help_text() -> None:
    text = help_text("run")
    assert text.startswith("Usage:  docker run [OPTIONS] IMAGE [COMMAND] [ARG...]\n\n"
                           "Create and run a new container from an image\n\nAliases:\n"
                           "  docker container run, docker run\n\nOptions:\n")
    assert text.endswith("\n") and not text.endswith("\n\n")
    assert help_text("docker container ps").startswith("Usage:  docker container ls [OPTIONS]\n")
    assert help_text("ps").startswith("Usage:  docker ps [OPTIONS]\n")
    assert help_text("help") == help_text("docker")
    assert help_text("docker").startswith("Usage:  docker [OPTIONS] COMMAND\n")
    assert help_text("container").startswith("Usage:  docker container COMMAND\n")
    with pytest.raises(KeyError):
        help_text("nope")


def test_usage_line() -> None:
    assert usage_line("run") == "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]"
    assert usage_line("docker container ls") == "docker container ls [OPTIONS]"
    assert usage_line("rename") == "docker rename CONTAINER NEW_NAME"
    assert usage_line("container") == "docker container COMMAND"


def test_help_pages_use_the_neutral_home() -> None:
    # generate_table captures the pages with HOME set to a neutral learner home
    assert '(default "/home/learner/.docker")' in " ".join(help_text("docker").split())
    assert all("/root/" not in help_text(path) for spec in COMMANDS.values()
               for path in spec.paths)
