"""What a console line asked for, as the page needs it: the `command` message and the `parsed`
field of the `run` ack.

The page animates the lifecycle graph along the edge a command asks for, names the containers it
touches and explains a refusal ("pause needs a running container; web is exited"). It used to guess
all that by re-parsing the line with its own copy of docker's flag tables and by matching English
error text; the server's parse (a `ParsedCommand`) and the lifecycle table know better.
Pure functions: no Flask, no running engine.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from .engine import lifecycle
from .engine.cli import CliError, parse_argv
from .engine.console_line import plain_docker_argv

# Edges a learner's command can ask for (the graph's command edges), from the one lifecycle table.
COMMAND_EDGES = frozenset(t.edge for t in lifecycle.TRANSITIONS if t.trigger == "command")
# Commands whose arguments are all containers; the others name at most their first (or none).
ALL_ARGS_ARE_CONTAINERS = frozenset({
    "start", "stop", "restart", "kill", "pause", "unpause", "rm", "wait", "logs", "inspect", "top",
    "port", "stats", "update",
})
FIRST_ARG_IS_CONTAINER = frozenset({"attach", "exec", "diff", "export", "commit"})
NEW_CONTAINER = frozenset({"run", "create"})


def _edge(command: str, options: Mapping[str, Any]) -> str | None:
    """The lifecycle edge `command` asks for, or None for commands that move no container."""
    if command == "rm" and options.get("force"):
        return "rm -f"
    if command == "container prune":
        return "rm"
    return command if command in COMMAND_EDGES else None


def _attach(command: str, options: Mapping[str, Any], container: str | None) -> dict[str, Any] | None:
    """Whether the command holds the terminal (and takes keystrokes) until it ends or detaches."""
    interactive = bool(options.get("interactive"))
    if command == "run" and not options.get("detach"):
        return {"container": container, "stdin": interactive, "tty": bool(options.get("tty"))}
    if command == "start" and (options.get("attach") or interactive):
        return {"container": container, "stdin": interactive, "tty": True}
    if command == "attach":
        return {"container": container, "stdin": not options.get("no-stdin"), "tty": True}
    if command == "exec" and not options.get("detach"):
        return {"container": container, "stdin": interactive, "tty": bool(options.get("tty"))}
    return None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        return float(value)
    except (TypeError, ValueError):
        return None


def summarize(parsed: Any) -> dict[str, Any] | None:
    """The summary of a parsed docker command (None when the line was not one, did not parse, or
    asked for a help page: then it runs nothing).

    `command`: the subcommand as docker files it (`ps` for `container ls`); `targets`: the containers
    it names; `edge`: the lifecycle edge it asks for (None: it moves nothing); `attach`: the terminal
    it holds, if any; `new_container`, `name`, `image`, `restart`, `timeout` (the stop grace period it
    sets, in seconds); `refused` is added once the command has run (see `with_outcome`).
    """
    if parsed is None or getattr(parsed, "help", False):
        return None
    command = str(parsed.command)
    options: Mapping[str, Any] = parsed.options or {}
    args = [str(a) for a in parsed.args or ()]
    new = command in NEW_CONTAINER
    name = options.get("name") if new and isinstance(options.get("name"), str) else None
    if new:
        targets = [name] if name else []
    elif command in ALL_ARGS_ARE_CONTAINERS:
        targets = args
    elif command in FIRST_ARG_IS_CONTAINER:
        targets = args[:1]
    elif command == "rename":
        targets = args[:2]
    else:
        targets = []
    if command in ("stop", "restart"):
        timeout = _number(options.get("timeout", options.get("time")))
    elif new:
        timeout = _number(options.get("stop-timeout"))
    else:
        timeout = None
    restart = options.get("restart") if new else None
    return {
        "command": command,
        "targets": targets,
        "edge": _edge(command, options),
        "attach": _attach(command, options, name if new else (targets[0] if targets else None)),
        "new_container": new,
        "name": name,
        "image": args[0] if new and args else None,
        "restart": restart if isinstance(restart, str) else None,
        "timeout": timeout,
    }


def summarize_line(line: str) -> dict[str, Any] | None:
    """The summary of a console line before it runs, when the line is one docker command as typed
    (`console_line.plain_docker_argv`), parsed as the engines parse it; None otherwise (a line that
    is not a docker command, a list or a pipe whose docker commands are announced one by one as
    they start, a usage error, a help page, a line too long).
    """
    argv = plain_docker_argv(line)
    if argv is None:
        return None
    try:
        return summarize(parse_argv(argv[1:]))
    except CliError:
        return None


def _find(containers: Iterable[Mapping[str, Any]], target: str) -> Mapping[str, Any] | None:
    """The container `target` names: by name, else by an ID prefix (as docker resolves it)."""
    listed = list(containers)
    for c in listed:
        if c.get("name") == target:
            return c
    if len(target) >= 2:
        for c in listed:
            if str(c.get("id") or "").startswith(target):
                return c
    return None


def need(edge: str | None) -> list[str]:
    """The container states `edge` leaves from (empty for edges that start from an image)."""
    if edge is None:
        return []
    sources = [t.src for t in lifecycle.TRANSITIONS if t.edge == edge and t.trigger == "command"]
    if any(src is None or src == "image" for src in sources):
        return []
    return list(dict.fromkeys(s for s in sources if s is not None))


def with_outcome(summary: dict[str, Any] | None, exit_code: int,
                 containers: Iterable[Mapping[str, Any]] | None,
                 stderr: str = "") -> dict[str, Any] | None:
    """`summary` plus `refused`: the command failed because a target's state has no such edge.

    A refusal also names the container, its state, the states the edge needs and the first line
    the command printed on stderr (`refusal`). `containers` (the sandbox's `snapshot()`) is only
    read for a failed command with an edge.
    """
    if summary is None:
        return None
    out = dict(summary, refused=False)
    states = need(summary["edge"])
    if exit_code == 0 or not states or containers is None:
        return out
    listed = list(containers)
    for target in summary["targets"]:
        container = _find(listed, target)
        if container is not None and container.get("state") not in states:
            out["refused"] = True
            message = next((line.strip() for line in stderr.splitlines() if line.strip()), "")
            out["refusal"] = {"container": container.get("name"), "state": container.get("state"),
                              "need": states, "message": message}
            break
    return out
