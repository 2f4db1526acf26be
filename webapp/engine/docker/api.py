"""The real daemon as `EngineApi`, seen through the sandbox policy.

Every request goes through `policy.Guard` (only this learner's labelled containers, their names
scoped on the daemon and shown bare here) and the learner's `ImageView` (only allowed images, minus
the ones this learner removed). The daemon's messages come back with the learner's names, so the one
CLI prints them as the docker CLI prints any daemon's. Requests the CLI may overlap (stop, restart,
wait) run on threads of their own; the others block the command's thread, as the CLI's HTTP calls do.
"""

from __future__ import annotations

import codecs
import functools
import json
import re
import threading
import time
from collections.abc import Callable, Coroutine
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

import requests

from ..api import JSON, ApiError, Refused
from ..cli.jsonmessage import PullDisplay
from ..events import EventLog
from ..futures import Future, in_thread, resolved
from ..healthcheck import probe_rate_refusal
from ..images import normalize_ref
from ..workspace import Workspace
from . import policy
from .attach import DaemonAttach, exec_settled
from .connection import demux_chunks, shutdown_response
from .images import daemon_pull, pull_path
from .policy import Guard, LimitReached, Owned, Scope

if TYPE_CHECKING:
    from .engine import DockerEngine

P = ParamSpec("P")
R = TypeVar("R")

PS_ARGS = re.compile(r"[A-Za-z0-9 ,=-]{1,100}")
DIE_EVENT_WAIT = 1.0  # seconds an ended attach waits for the `die` event before the CLI returns


def keys_spec(keys: str) -> str:
    """The detach keys as the daemon's `detachKeys` parameter wants them."""
    special = {0: "ctrl-@", 27: "ctrl-[", 28: "ctrl-\\", 29: "ctrl-]", 30: "ctrl-^", 31: "ctrl-_"}
    out = []
    for ch in keys:
        code = ord(ch)
        out.append("ctrl-" + chr(code + 96) if 1 <= code <= 26 else special.get(code, ch))
    return ",".join(out)


def learner_words(method: Callable[P, Coroutine[Any, Any, R]]) -> Callable[P, Coroutine[Any, Any, R]]:
    """The daemon's error messages with the learner's own (bare) container names."""

    @functools.wraps(method)
    async def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return await method(*args, **kwargs)
        except ApiError as err:
            scope: Scope = args[0].scope  # type: ignore[attr-defined]
            raise ApiError(err.status, scope.text(err.message)) from None

    return wrapper


class DockerApi:
    """One learner's part of a real Docker daemon behind the Engine API."""

    def __init__(self, engine: DockerEngine):
        self.engine = engine
        self.inline = 0  # > 0 while a command runs inside execute(), holding the engine's lock
        self.conn = engine.conn
        self.guard: Guard = engine.guard
        self.scope: Scope = engine.scope
        self.images = engine.image_view
        self.policy = engine.policy

    def _resolve(self, ref: str, prefix: str = "") -> Owned:
        try:
            return self.guard.resolve(ref)
        except ApiError as err:
            if not prefix:
                raise
            raise ApiError(err.status, prefix + err.message) from None

    def _stop_params(self, timeout: int | None, signal: str | None) -> dict[str, Any]:
        params: dict[str, Any] = {}
        if timeout is not None:
            params["t"] = timeout
        if signal is not None and self.conn.version_at_least("1.42"):
            params["signal"] = signal  # older APIs have no such parameter: the CLI drops it
        return params

    # -- containers ----------------------------------------------------------------------------------

    @learner_words
    async def container_list(self, *, all: bool = False, limit: int | None = None,
                             size: bool = False,
                             filters: dict[str, list[str]] | None = None) -> list[JSON]:
        by_key = {key: list(values) for key, values in (filters or {}).items()}
        names = by_key.pop("name", [])  # the daemon sees scoped names: matched here, on bare ones
        listing = None
        for key in ("before", "since"):
            if key in by_key:
                listing = listing if listing is not None else self.guard.listing()
                by_key[key] = [self.guard.resolve(value, listing).id for value in by_key[key]]
        wanted = limit if limit is not None and limit > 0 else None
        containers = self.guard.listing(all=all or (bool(names) and wanted is not None),
                                        filters=by_key, limit=wanted if not names else None,
                                        size=size)
        summaries = [self.scope.summary(c) for c in containers]
        if names:
            from ..cli.client_side import regex_match

            summaries = [s for s in summaries if any(
                regex_match(v, n.lstrip("/")) or regex_match(v, n) for v in names
                for n in s["Names"])]
            if wanted is not None:
                summaries = summaries[:wanted]
        return summaries

    @learner_words
    async def container_create(self, body: JSON, *, name: str | None = None) -> JSON:
        """Only an image this learner sees (by ID, so exactly that one), with the sandbox's label,
        limits and network; the learner's own choices are read from the HostConfig."""
        config = {key: value for key, value in body.items() if key != "HostConfig"}
        refusal = probe_rate_refusal(config.get("Healthcheck"))
        if refusal is not None:
            raise Refused(refusal)
        image = str(config.get("Image") or "")
        found = self.images.find(image)
        if found is None:
            raise ApiError(404, f"No such image: {normalize_ref(image)}")
        if normalize_ref(image) not in (normalize_ref(t) for t in found[1]):
            config["Image"] = found[0]["Id"]
        host = body.get("HostConfig") or {}
        restart = host.get("RestartPolicy") or {}
        try:
            owned, warnings = self.guard.create(
                config, name, restart=str(restart.get("Name") or "no"),
                retries=int(restart.get("MaximumRetryCount") or 0),
                auto_remove=bool(host.get("AutoRemove")), init=host.get("Init"),
                network=host.get("NetworkMode"), memory=int(host.get("Memory") or 0),
                memory_swap=int(host.get("MemorySwap") or 0))
        except LimitReached as err:
            raise Refused(err.message, usage_hint=False) from None
        return {"Id": owned.id, "Warnings": warnings}

    @learner_words
    async def container_start(self, ref: str) -> None:
        self.guard.post(self._resolve(ref), "start")

    @learner_words
    async def container_inspect(self, ref: str, *, size: bool = False) -> JSON:
        owned = self.guard.resolve(ref)
        params = {"size": True} if size else None
        return self.scope.inspect(self.conn.get("/containers/{0}/json", owned.id, params=params))

    @learner_words
    async def container_stop(self, ref: str, *, timeout: int | None = None,
                             signal: str | None = None) -> None:
        params = self._stop_params(timeout, signal)
        await in_thread(lambda: self.guard.post(self._resolve(ref), "stop", params=params,
                                                timeout=None))

    @learner_words
    async def container_restart(self, ref: str, *, timeout: int | None = None,
                                signal: str | None = None) -> None:
        params = self._stop_params(timeout, signal)
        await in_thread(lambda: self.guard.post(
            self._resolve(ref, f"Cannot restart container {ref}: "), "restart", params=params,
            timeout=None))

    @learner_words
    async def container_kill(self, ref: str, *, signal: str | None = None) -> None:
        owned = self._resolve(ref, f"cannot kill container: {ref}: ")
        self.guard.post(owned, "kill", params={"signal": signal} if signal is not None else None)

    @learner_words
    async def container_pause(self, ref: str) -> None:
        self.guard.post(self._resolve(ref), "pause")

    @learner_words
    async def container_unpause(self, ref: str) -> None:
        self.guard.post(self._resolve(ref), "unpause")

    @learner_words
    async def container_wait(self, ref: str, *,
                             condition: str = "not-running") -> Future[JSON]:
        """The request is sent and its headers read here (the daemon holds the wait from then);
        the answer is read on a thread of its own."""
        owned = self._resolve(ref)
        params = {"condition": condition} if condition != "not-running" else None
        response = self.conn.request("POST", "/containers/{0}/wait", owned.id, params=params,
                                     stream=True, timeout=None)
        answer: Future[JSON] = Future()

        def read() -> None:
            try:
                body = response.content
                data = json.loads(body) if body else {}
            except (ValueError, OSError, requests.exceptions.RequestException,
                    AttributeError) as err:  # the stream was closed, or the daemon went away
                answer.set_exception(ApiError(500, f"waiting for the container failed: {err}"))
                return
            answer.set_result(dict(data))

        threading.Thread(target=read, name="lab-docker-wait", daemon=True).start()
        return answer

    @learner_words
    async def container_attach(self, ref: str, *, stdin: bool, stdout: bool, stderr: bool,
                               detach_keys: str) -> DaemonAttach:
        owned = self._resolve(ref)
        tty = bool((self.guard.inspect(owned).get("Config") or {}).get("Tty"))
        params = {"stream": True, "stdin": stdin, "stdout": stdout, "stderr": stderr,
                  "detachKeys": keys_spec(detach_keys)}
        raw = self.guard.attach(owned, params)
        return DaemonAttach(raw, tty=tty, stdin=stdin, keys=detach_keys, client_escape=False,
                            name="attach", settled=lambda: self._await_die(owned.id))

    def _await_die(self, container_id: str) -> None:
        """Let the daemon's `die` event reach the history before the CLI returns (the daemon ends
        the stream a moment before it logs the event). A command run inline holds the engine's
        lock, which the event feed needs: there the engine catches up itself afterwards."""
        if self.inline:
            return
        history = self.engine.history
        deadline = time.monotonic() + DIE_EVENT_WAIT
        mark = len(history)
        while time.monotonic() < deadline:
            recent = list(history)[max(0, mark - 20):]
            if any(e.actor_id == container_id and e.action == "die" for e in recent):
                return
            time.sleep(0.02)
        self.engine.feed.catch_up()

    @learner_words
    async def container_resize(self, ref: str, *, height: int, width: int) -> None:
        self.guard.post(self._resolve(ref), "resize", params={"h": height, "w": width})

    @learner_words
    async def container_rename(self, ref: str, name: str) -> None:
        self.guard.rename(self._resolve(ref), name)

    @learner_words
    async def container_remove(self, ref: str, *, force: bool = False) -> None:
        self.guard.remove(self._resolve(ref), force=force)

    @learner_words
    async def container_top(self, ref: str, *, ps_args: str = "") -> JSON:
        if ps_args and not PS_ARGS.fullmatch(ps_args):
            # the daemon runs `ps` on the server with these options: only plain ones
            raise Refused(f"docker top: ps options {ps_args!r} are not allowed; use letters, "
                          "digits, '-', ',' and '=' (e.g. docker top NAME -o pid,args)")
        owned = self._resolve(ref)
        return dict(self.guard.top(owned, {"ps_args": ps_args} if ps_args else None) or {})

    @learner_words
    async def container_logs(self, ref: str, *, follow: bool = False, timestamps: bool = False,
                             tail: str = "all", since: float | None = None,
                             until: float | None = None) -> DaemonLogStream:
        owned = self._resolve(ref)
        inspect = self.guard.inspect(owned)
        params: dict[str, Any] = {"stdout": True, "stderr": True, "timestamps": timestamps,
                                  "follow": follow, "tail": tail}
        for key, value in (("since", since), ("until", until)):
            if value is not None:
                params[key] = f"{value:.9f}"
        tty = bool((inspect.get("Config") or {}).get("Tty"))
        return DaemonLogStream(self.guard.logs(owned, params), tty=tty)

    @learner_words
    async def containers_prune(self, *, filters: dict[str, list[str]] | None = None) -> JSON:
        report = dict(self.guard.prune(filters))
        # the daemon's own `prune` event carries no label, so the learner's feed never sees it
        self.engine.publish_local("container", "prune", "",
                                  {"reclaimed": str(report.get("SpaceReclaimed") or 0)})
        return report

    @learner_words
    async def exec_create(self, ref: str, body: JSON) -> JSON:
        return {"Id": self.guard.exec_create(self._resolve(ref), dict(body, Privileged=False))}

    @learner_words
    async def exec_start(self, exec_id: str, *, detach: bool = False, tty: bool = False) -> None:
        self.conn.post("/exec/{0}/start", exec_id, body={"Detach": detach, "Tty": tty})

    @learner_words
    async def exec_attach(self, exec_id: str, *, tty: bool, stdin: bool,
                          detach_keys: str) -> DaemonAttach:
        raw = self.conn.hijack("/exec/{0}/start", exec_id, body={"Detach": False, "Tty": tty})
        return DaemonAttach(raw, tty=tty, stdin=stdin, keys=detach_keys, client_escape=True,
                            name="exec", settled=exec_settled(lambda: self._exec_info(exec_id)))

    def _exec_info(self, exec_id: str) -> JSON:
        try:
            return dict(self.conn.get("/exec/{0}/json", exec_id) or {})
        except ApiError:
            return {}

    @learner_words
    async def exec_inspect(self, exec_id: str) -> JSON:
        return dict(self.conn.get("/exec/{0}/json", exec_id) or {})

    @learner_words
    async def exec_resize(self, exec_id: str, *, height: int, width: int) -> None:
        self.conn.post("/exec/{0}/resize", exec_id, params={"h": height, "w": width})

    # -- images: the learner's view of the shared ones -----------------------------------------------

    async def image_list(self) -> list[JSON]:
        return self.images.listing()

    async def image_pull(self, ref: str, *, on_message: Callable[[JSON], None]) -> None:
        """An allowed image: from the daemon's own store when it has it (no registry traffic),
        else pulled for real through the daemon."""
        refusal = policy.check_image(self.policy, ref)
        if refusal is not None:
            raise Refused(str(refusal))
        familiar = normalize_ref(ref)
        name, tag = familiar.rsplit(":", 1)
        image = self.images.present(familiar)
        if image is not None:
            was_hidden = familiar in self.images.hidden
            on_message({"status": f"Pulling from {pull_path(familiar)}", "id": tag})
            status = "Downloaded newer image" if was_hidden else "Image is up to date"
        else:
            display = _Relay(on_message)
            error = daemon_pull(self.conn, familiar, display)
            if error is not None:
                raise ApiError(500, error)
            image = self.images.present(familiar) or {}
            status = "Downloaded newer image"
        self.images.hidden.discard(familiar)
        digests = [d for d in image.get("RepoDigests") or [] if "@" in d]
        if digests:
            on_message({"status": f"Digest: {digests[0].split('@', 1)[1]}"})
        on_message({"status": f"Status: {status} for {familiar}"})
        labels = dict((image.get("Config") or {}).get("Labels") or {})
        self.engine.publish_local("image", "pull", familiar, {"name": name} | labels)

    async def image_inspect(self, ref: str) -> JSON:
        found = self.images.inspect(ref)
        if found is None:
            raise ApiError(404, f"No such image: {ref}")
        return found

    async def image_remove(self, ref: str, *, force: bool = False) -> list[JSON]:
        """Images are shared: `rmi` removes them from this learner's view only (see images.py)."""
        found = self.images.find(ref)
        if found is None:
            raise ApiError(404, f"No such image: {normalize_ref(ref)}")
        image, tags = found
        by_id = normalize_ref(ref) not in (normalize_ref(t) for t in tags)
        short = image["Id"].removeprefix("sha256:")[:12]
        users = [c for c in self.guard.listing() if c.get("ImageID") == image["Id"]]
        if users and not force:
            user = users[0]
            if by_id:
                running = user.get("State") == "running"
                kind = "running" if running else "stopped"
                forced = "cannot be forced" if running else "must be forced"
                raise ApiError(409, f"conflict: unable to delete {short} ({forced}) - image is "
                                    f"being used by {kind} container {user['Id'][:12]}")
            raise ApiError(409, f'conflict: unable to remove repository reference "{ref}" (must '
                                f"force) - container {user['Id'][:12]} is using its referenced "
                                f"image {short}")
        if users and force and by_id and any(u.get("State") == "running" for u in users):
            raise ApiError(409, f"conflict: unable to delete {short} (cannot be forced) - image is "
                                f"being used by running container {users[0]['Id'][:12]}")
        removed: list[JSON] = []
        targets = [normalize_ref(t) for t in tags] if by_id else [normalize_ref(ref)]
        for tag in targets:
            self.images.hidden.add(tag)
            removed.append({"Untagged": tag})
            for digest in image.get("RepoDigests") or []:
                if normalize_ref(digest.split("@")[0]).rsplit(":", 1)[0] == tag.rsplit(":", 1)[0]:
                    removed.append({"Untagged": digest})
            self.engine.publish_local("image", "untag", image["Id"], {"name": image["Id"]})
        remaining = [t for t in tags if normalize_ref(t) not in self.images.hidden]
        if not remaining and not users:
            removed.append({"Deleted": image["Id"]})
            self.engine.publish_local("image", "delete", image["Id"], {"name": image["Id"]})
        return removed

    async def image_build(self, context: Workspace, *, dockerfile: str = "Dockerfile",
                          tags: list[str] | None = None,
                          build_args: dict[str, str] | None = None, target: str = "",
                          no_cache: bool = False, labels: dict[str, str] | None = None,
                          on_message: Callable[[JSON], None]) -> str:
        raise Refused("building images is not available yet")

    async def image_history(self, ref: str) -> list[JSON]:
        raise Refused("image history is not available yet")

    async def image_tag(self, ref: str, repo: str, tag: str) -> None:
        raise Refused("tagging images is not available yet")

    async def images_prune(self) -> JSON:
        # Images are shared by every learner: none of them is this learner's to prune.
        self.engine.publish_local("image", "prune", "", {"reclaimed": "0"})
        return {"ImagesDeleted": None, "SpaceReclaimed": 0}

    # -- system --------------------------------------------------------------------------------------

    def events(self) -> EventLog:
        return self.engine.events

    async def version(self) -> JSON:
        return dict(self.conn.get("/version") or {})

    async def info(self) -> JSON:
        """The daemon's facts, with this learner's containers and images, and the sandbox's limits
        (the host's own name and init binary are not the learner's business)."""
        data = {key: value for key, value in (self.conn.get("/info") or {}).items()
                if key not in ("Name", "InitBinary")}
        containers = self.guard.listing()
        running = sum(1 for c in containers if c.get("State") == "running")
        paused = sum(1 for c in containers if c.get("State") == "paused")
        data.update(Containers=len(containers), ContainersRunning=running, ContainersPaused=paused,
                    ContainersStopped=len(containers) - running - paused,
                    Images=len(self.images.listing()),
                    LabSandbox=f"Lifecycle Lab ({self.policy.limits_text()} per container, at most "
                               f"{self.policy.max_containers} containers)")
        return data


class _Relay(PullDisplay):
    """Hands the daemon's pull messages on as they come: the CLI displays them."""

    def __init__(self, on_message: Callable[[JSON], None]):
        super().__init__(lambda text: None, tty=False)
        self.on_message = on_message

    def message(self, msg: JSON) -> None:
        if msg.get("errorDetail") or msg.get("error"):
            detail = msg.get("errorDetail") or {}
            self.error = str(detail.get("message") or msg.get("error"))
            return
        self.on_message(msg)


class DaemonLogStream:
    """`GET /containers/{id}/logs` as it streams: demultiplexed unless the container has a TTY."""

    def __init__(self, response: Any, *, tty: bool):
        self._response = response
        self._tty = tty

    def read(self, on_chunk: Callable[[str, str], None]) -> Future[None]:
        decoders = {1: codecs.getincrementaldecoder("utf-8")("replace"),
                    2: codecs.getincrementaldecoder("utf-8")("replace")}
        response = self._response
        try:
            chunks = response.iter_content(chunk_size=None)
            frames = ((1, c) for c in chunks) if self._tty else demux_chunks(chunks)
            for kind, data in frames:
                kind = 2 if kind == 2 else 1
                on_chunk("stderr" if kind == 2 else "stdout", decoders[kind].decode(data))
        except (requests.exceptions.RequestException, OSError, AttributeError):
            pass  # the stream was closed (Ctrl-C, hang-up) or broke
        finally:
            response.close()
        return resolved(None)

    def close(self) -> None:
        shutdown_response(self._response)
