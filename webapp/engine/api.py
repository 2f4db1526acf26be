"""The engine interface: the Docker Engine API operations the docker CLI needs, as one Protocol.

The CLI (`engine/cli/commands/`) is written once over this interface; the simulator
(`sim/api.py`) and the real daemon behind the sandbox policy (`docker/api.py`) implement it. As in
docker-py's `api/` layer, each method is one Engine API endpoint, named after it, taking its
parameters and returning its JSON shapes (`ContainerSummary`, `ContainerInspect`, `ImageSummary`,
...). Every failure the daemon answers with is an `ApiError` carrying the HTTP status and the
daemon's message; a daemon that does not answer at all is `DaemonUnavailable`; a request the sandbox
will not make is `Refused`.

Methods are coroutines. The simulator answers most of them at once and settles the slow ones
(stop, restart, wait) from its clock; the real daemon blocks on its HTTP call, or runs it on a
thread when the CLI may overlap several (`docker stop a b`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Protocol

from .events import EventLog
from .futures import Future
from .workspace import Workspace

JSON = dict[str, Any]


class ApiError(Exception):
    """The daemon answered with an error: its HTTP `status` and its `message` (what follows
    "Error response from daemon: ")."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


class DaemonUnavailable(Exception):
    """No Docker daemon answers (refused, missing socket, timed out): the docker CLI's own words."""


class Refused(Exception):
    """The sandbox will not make this request (a host path, an image outside the allow-list, a
    learner at their container cap): printed as `docker: refused by the Lifecycle Lab sandbox: …`."""

    def __init__(self, reason: str, *, exit_code: int = 1, usage_hint: bool = True):
        super().__init__(reason)
        self.reason = reason
        self.exit_code = exit_code
        self.usage_hint = usage_hint  # run/create add "Run 'docker run --help' ..." after it


class EngineApi(Protocol):
    """What a docker client may ask of a daemon (the endpoints this CLI uses)."""

    # -- containers ----------------------------------------------------------------------------------

    async def container_list(self, *, all: bool = False, limit: int | None = None,
                             size: bool = False,
                             filters: dict[str, list[str]] | None = None) -> list[JSON]:
        """`GET /containers/json`: newest first, `ContainerSummary` objects."""
        ...

    async def container_create(self, body: JSON, *, name: str | None = None) -> JSON:
        """`POST /containers/create`: `{"Id": ..., "Warnings": [...]}`; a missing image is a 404
        "No such image" (the CLI pulls it and asks again)."""
        ...

    async def container_start(self, ref: str) -> None:
        """`POST /containers/{id}/start` (a running container: 304, no error)."""
        ...

    async def container_inspect(self, ref: str, *, size: bool = False) -> JSON:
        """`GET /containers/{id}/json`."""
        ...

    async def container_stop(self, ref: str, *, timeout: int | None = None,
                             signal: str | None = None) -> None:
        """`POST /containers/{id}/stop`: returns once the container has stopped (304: no error)."""
        ...

    async def container_restart(self, ref: str, *, timeout: int | None = None,
                                signal: str | None = None) -> None:
        """`POST /containers/{id}/restart`."""
        ...

    async def container_kill(self, ref: str, *, signal: str | None = None) -> None:
        """`POST /containers/{id}/kill`."""
        ...

    async def container_pause(self, ref: str) -> None:
        """`POST /containers/{id}/pause`."""
        ...

    async def container_unpause(self, ref: str) -> None:
        """`POST /containers/{id}/unpause`."""
        ...

    async def container_wait(self, ref: str, *,
                             condition: str = "not-running") -> Future[JSON]:
        """`POST /containers/{id}/wait?condition=`. Like the docker client's ContainerWait it
        returns once the daemon holds the request (so a wait set up before a start misses no
        exit), with the future of the answer `{"StatusCode": n}`: when the container is not
        running (`not-running`), after its next exit (`next-exit`) or once removed (`removed`)."""
        ...

    async def container_attach(self, ref: str, *, stdin: bool, stdout: bool, stderr: bool,
                               detach_keys: str) -> AttachStream:
        """`POST /containers/{id}/attach?stream=1` (hijacked): the container's output from now
        until it exits, the daemon reads the detach keys on stdin, or the client closes."""
        ...

    async def container_resize(self, ref: str, *, height: int, width: int) -> None:
        """`POST /containers/{id}/resize`: the client's terminal size for the container's TTY."""
        ...

    async def container_rename(self, ref: str, name: str) -> None:
        """`POST /containers/{id}/rename`."""
        ...

    async def container_remove(self, ref: str, *, force: bool = False) -> None:
        """`DELETE /containers/{id}`."""
        ...

    async def container_top(self, ref: str, *, ps_args: str = "") -> JSON:
        """`GET /containers/{id}/top`: `{"Titles": [...], "Processes": [[...], ...]}`."""
        ...

    async def container_logs(self, ref: str, *, follow: bool = False, timestamps: bool = False,
                             tail: str = "all", since: float | None = None,
                             until: float | None = None) -> LogStream:
        """`GET /containers/{id}/logs`: the stream of (stream name, text) chunks."""
        ...

    async def containers_prune(self, *, filters: dict[str, list[str]] | None = None) -> JSON:
        """`POST /containers/prune`: `{"ContainersDeleted": [...], "SpaceReclaimed": n}`."""
        ...

    async def exec_create(self, ref: str, body: JSON) -> JSON:
        """`POST /containers/{id}/exec`: `{"Id": exec ID}`."""
        ...

    async def exec_start(self, exec_id: str, *, detach: bool = False, tty: bool = False) -> None:
        """`POST /exec/{id}/start` with `Detach`: the process runs on its own."""
        ...

    async def exec_attach(self, exec_id: str, *, tty: bool, stdin: bool,
                          detach_keys: str) -> AttachStream:
        """`POST /exec/{id}/start` without `Detach` (hijacked): the process's streams."""
        ...

    async def exec_inspect(self, exec_id: str) -> JSON:
        """`GET /exec/{id}/json` (`Running`, `ExitCode`)."""
        ...

    async def exec_resize(self, exec_id: str, *, height: int, width: int) -> None:
        """`POST /exec/{id}/resize`."""
        ...

    # -- images ------------------------------------------------------------------------------------

    async def image_list(self) -> list[JSON]:
        """`GET /images/json`: newest first, `ImageSummary` objects."""
        ...

    async def image_pull(self, ref: str, *, on_message: Callable[[JSON], None]) -> None:
        """`POST /images/create?fromImage=`: progress as the daemon's JSON messages; errors that
        come before the stream are ApiErrors, those inside it arrive as `error` messages."""
        ...

    async def image_inspect(self, ref: str) -> JSON:
        """`GET /images/{name}/json`."""
        ...

    async def image_remove(self, ref: str, *, force: bool = False) -> list[JSON]:
        """`DELETE /images/{name}`: `[{"Untagged": ref} | {"Deleted": id}, ...]`."""
        ...

    async def image_build(self, context: Workspace, *, dockerfile: str = "Dockerfile",
                          tags: list[str] | None = None,
                          build_args: dict[str, str] | None = None, target: str = "",
                          no_cache: bool = False, labels: dict[str, str] | None = None,
                          on_message: Callable[[JSON], None]) -> str:
        """`POST /build` (`labels`: `--label`, the image's extra labels): build `context` (the learner's workspace). Progress arrives as JSON
        messages through `on_message`, in BuildKit's shape where the daemon builds with BuildKit
        (`{"id": "moby.buildkit.trace", "aux": {"vertexes": [...], "statuses": [...],
        "logs": [...]}}`) or the classic builder's (`{"stream": "Step 1/2 : FROM ..."}`). Returns
        the new image's ID ("sha256:…"). A failed build raises ApiError with the builder's message
        (e.g. "dockerfile parse error on line 2: unknown instruction: FOO")."""
        ...

    async def image_history(self, ref: str) -> list[JSON]:
        """`GET /images/{name}/history`: newest layer first, `{"Id", "Created", "CreatedBy",
        "Tags", "Size", "Comment"}`."""
        ...

    async def image_tag(self, ref: str, repo: str, tag: str) -> None:
        """`POST /images/{name}/tag?repo=&tag=`."""
        ...

    async def images_prune(self) -> JSON:
        """`POST /images/prune`: `{"ImagesDeleted": [...], "SpaceReclaimed": n}`."""
        ...

    # -- system ------------------------------------------------------------------------------------

    def events(self) -> EventLog:
        """`GET /events`: the daemon's recent events (`history`) and the live ones (`subscribe`);
        the CLI filters them."""
        ...

    async def version(self) -> JSON:
        """`GET /version`."""
        ...

    async def info(self) -> JSON:
        """`GET /info` (`Containers`, `ContainersRunning`, ..., `Images`, and the host's facts)."""
        ...


class LogStream(Protocol):
    """A container's log, as `GET /containers/{id}/logs` streams it (demultiplexed)."""

    def read(self, on_chunk: Callable[[str, str], None]) -> Future[None]:
        """Deliver every (stream, text) chunk to `on_chunk`; settled at the end of the log."""
        ...

    def close(self) -> None:
        """The client goes away: end the stream now."""
        ...


class AttachStream(Protocol):
    """A hijacked attach or exec connection: output out, keystrokes in.

    `ended` settles once the output is over: "eof" (the process ended), "detached" (the detach
    keys were read on stdin) or "closed" (the client closed it). Output that arrives before
    `connect` is kept for it.
    """

    ended: Future[str]

    def connect(self, on_output: Callable[[str, str], None]) -> None:
        """Deliver every (stream, text) chunk to `on_output` from now on."""
        ...

    def write(self, data: str) -> None:
        """Keystrokes (or piped input) for the process's stdin."""
        ...

    def close_stdin(self) -> None:
        """End of input (a half-close)."""
        ...

    def close(self) -> None:
        """The client goes away; the process is not affected."""
        ...
