"""THE container lifecycle, as data: its states and every transition between them.

The simulator moves containers only along these edges (anything else raises `IllegalTransition`), the
page draws its graph from `as_json()`, and lesson checks name these states. Adding a transition is one
edit here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass


@dataclass(frozen=True)
class State:
    """A node of the graph; `docker` is the word `docker ps`/`inspect` uses for it (None: not shown)."""

    id: str
    label: str
    docker: str | None
    summary: str


@dataclass(frozen=True)
class Transition:
    """An edge: `edge` is the command or event that causes it, as the graph labels it.

    trigger: "command" (a learner's docker command), "event" (the engine on its own: a process dying,
    a restart policy firing) or "internal" (a side effect inside another command).
    events: the Docker events the move emits, in order (a command may emit more around it).
    """

    edge: str
    src: str | None
    dst: str
    trigger: str
    command: str
    events: tuple[str, ...]
    summary: str


STATES: tuple[State, ...] = (
    State("image", "Image", None, "An image on disk: a read-only template. Nothing runs yet."),
    State("created", "Created", "created",
          "The container exists (file system, config, name) but its main process never started."),
    State("running", "Running", "running", "Its main process (PID 1) is alive."),
    State("paused", "Paused", "paused",
          "Every process is frozen by the cgroup freezer; memory is kept, no CPU is used."),
    State("restarting", "Restarting", "restarting",
          "The main process exited and a restart policy waits out its back-off before starting it again."),
    State("exited", "Exited", "exited",
          "The main process ended; its exit code is kept. The file system stays until removal."),
    State("dead", "Dead", "dead", "Removal failed half-way; the container can only be removed."),
    State("removed", "Removed", None, "Gone: its file system and name are freed."),
)

STATE_IDS: tuple[str, ...] = tuple(s.id for s in STATES)

TRANSITIONS: tuple[Transition, ...] = (
    Transition("pull", None, "image", "command", "docker pull IMAGE", (),
               "Download the image's layers from a registry."),
    Transition("create", "image", "created", "command", "docker create IMAGE", ("create",),
               "Make a container from the image without starting it."),
    Transition("run", "image", "running", "command", "docker run IMAGE", ("create", "start"),
               "Create and start in one go."),
    Transition("start", "created", "running", "command", "docker start NAME", ("start",),
               "Start the main process for the first time."),
    Transition("start", "exited", "running", "command", "docker start NAME", ("start",),
               "Start the main process again, in the same file system."),
    Transition("start", "restarting", "running", "event", "(restart policy)", ("start",),
               "The back-off is over: the restart policy starts the process again."),
    Transition("die", "running", "exited", "event", "(the main process exits)", ("die",),
               "The main process ended on its own, or was killed."),
    Transition("die", "paused", "exited", "event", "(SIGKILL)", ("die",),
               "SIGKILL ends even a frozen process: kill or rm -f of a paused container."),
    Transition("die", "running", "restarting", "event", "(the main process exits)", ("die",),
               "The main process ended and the restart policy will start it again."),
    Transition("stop", "running", "exited", "command", "docker stop NAME", ("kill", "die", "stop"),
               "Send the stop signal (SIGTERM by default), wait the grace period, then SIGKILL."),
    Transition("stop", "paused", "exited", "command", "docker stop NAME", ("kill", "die", "stop"),
               "A paused container is thawed right after the signal, so it stops too."),
    Transition("stop", "restarting", "exited", "command", "docker stop NAME", ("stop",),
               "Cancels the pending restart; no signal is sent."),
    Transition("kill", "running", "exited", "command", "docker kill NAME", ("kill", "die"),
               "Send SIGKILL (or -s SIGNAL) at once."),
    Transition("kill", "paused", "exited", "command", "docker kill NAME", ("kill", "die"),
               "SIGKILL reaches even frozen processes."),
    Transition("kill", "restarting", "exited", "command", "docker kill NAME", (),
               "Cancels the pending restart; there is no process to signal."),
    Transition("pause", "running", "paused", "command", "docker pause NAME", ("pause",),
               "Freeze every process of the container."),
    Transition("unpause", "paused", "running", "command", "docker unpause NAME", ("unpause",),
               "Thaw the processes; they carry on where they were."),
    Transition("restart", "running", "running", "command", "docker restart NAME",
               ("kill", "die", "stop", "start", "restart"), "Stop, then start again."),
    Transition("restart", "exited", "running", "command", "docker restart NAME", ("start", "restart"),
               "Start a stopped container."),
    Transition("restart", "created", "running", "command", "docker restart NAME", ("start", "restart"),
               "Start a container that never ran."),
    Transition("rm", "created", "removed", "command", "docker rm NAME", ("destroy",),
               "Delete the container and free its name."),
    Transition("rm", "exited", "removed", "command", "docker rm NAME", ("destroy",),
               "Delete the container and free its name (also done by --rm when it exits)."),
    Transition("rm", "dead", "removed", "command", "docker rm NAME", ("destroy",),
               "Finish removing a dead container."),
    Transition("rm -f", "running", "removed", "command", "docker rm -f NAME", ("kill", "die", "destroy"),
               "SIGKILL, then delete."),
    Transition("rm -f", "paused", "removed", "command", "docker rm -f NAME", ("kill", "die", "destroy"),
               "SIGKILL, then delete."),
    Transition("rm -f", "restarting", "removed", "command", "docker rm -f NAME", ("destroy",),
               "Cancel the pending restart and delete."),
    Transition("unpause", "paused", "running", "internal", "(docker stop)", ("unpause",),
               "stop thaws a paused container right after the stop signal, so it can exit."),
    Transition("remove failed", "exited", "dead", "event", "(removal error)", (),
               "The daemon could not finish deleting the container's files."),
)

@dataclass(frozen=True)
class HealthStatus:
    """A verdict of a container's health check (`.State.Health.Status`). Health is not a state of
    its own: Docker reports it on a running container (`docker ps` shows it only on `Up`), so the
    graph shows it on `HEALTH_STATE`; events `health_status: <id>` announce a change."""

    id: str
    summary: str


HEALTH_STATE = "running"
HEALTH: tuple[HealthStatus, ...] = (
    HealthStatus("starting", "Every start resets the check: no verdict until a probe passes or "
                             "enough fail in a row."),
    HealthStatus("healthy", "The last probe passed (exit code 0)."),
    HealthStatus("unhealthy", "The probe failed `retries` times in a row; the container keeps "
                              "running. Stopping or pausing it also leaves it unhealthy."),
)
HEALTH_IDS: tuple[str, ...] = tuple(h.id for h in HEALTH)

_INDEX: dict[tuple[str, str | None], Transition] = {}
for _t in TRANSITIONS:
    if _t.trigger != "internal":
        _INDEX.setdefault((_t.edge, _t.src), _t)
_INDEX_ANY: dict[tuple[str, str | None, str], Transition] = {(t.edge, t.src, t.dst): t for t in TRANSITIONS}


class IllegalTransition(RuntimeError):
    """The engine tried a move the lifecycle table does not have: a bug, never a learner error."""


def transition(edge: str, src: str | None, dst: str | None = None) -> Transition:
    """The transition taking `edge` from `src` (to `dst` when an edge has several targets)."""
    if dst is not None:
        found = _INDEX_ANY.get((edge, src, dst))
    else:
        found = _INDEX.get((edge, src))
    if found is None:
        raise IllegalTransition(f"no transition {edge!r} from {src!r}" + (f" to {dst!r}" if dst else ""))
    return found


def edges_from(state: str) -> list[Transition]:
    """What can happen to a container in `state` (commands first), for hints and the graph."""
    return [t for t in TRANSITIONS if t.src == state and t.trigger != "internal"]


def as_json() -> dict:
    """The table as the page and lesson tools read it."""
    return {
        "states": [asdict(s) for s in STATES],
        "transitions": [asdict(t) | {"events": list(t.events)} for t in TRANSITIONS],
        "health": {"state": HEALTH_STATE, "statuses": [asdict(h) for h in HEALTH]},
    }
