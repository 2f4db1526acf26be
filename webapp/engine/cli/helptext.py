"""Help pages and usage lines, as the real client prints them (captured into commands.json)."""

from __future__ import annotations

from .spec import COMMANDS, NODES, ROOT, Node


def _node(command: str) -> Node:
    """Resolve a canonical name ("ps", "container prune"), "help", or a path ("docker container ps")."""
    if command in ("help", "docker", ""):
        return ROOT
    if command.startswith("docker ") or command == "docker":
        node: Node | None = ROOT
        for word in command.split()[1:]:
            node = node.find_child(word) if node else None
        if node is not None:
            return node
    elif command in COMMANDS:
        return NODES[COMMANDS[command].path]
    elif "docker " + command in NODES:  # a group: "container", "image", "system"
        return NODES["docker " + command]
    raise KeyError(f"no such docker command: {command!r}")


def help_text(command: str) -> str:
    """The `docker <cmd> --help` text (stdout).

    `command` is a canonical name ("run", "ps") or a command path as in ParsedCommand.invoked_as
    ("docker container ls"): the usage line names the path, so pass invoked_as when you have it.
    "help" or "docker" gives the top-level page.
    """
    return _node(command).help


def usage_line(command: str) -> str:
    """The usage line without "Usage:  ", e.g. "docker run [OPTIONS] IMAGE [COMMAND] [ARG...]"."""
    node = _node(command)
    first = node.help.split("\n", 1)[0]
    return first.removeprefix("Usage:").strip() if node.is_group else node.use_line
