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
from . import build, policy
from .attach import DaemonAttach, exec_settled
from .connection import demux_chunks, shutdown_response
from .images import daemon_pull, pull_path, stream_messages
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
        if "ancestor" in by_key:  # the learner's image names mean nothing to the daemon: by ID
            by_key["ancestor"] = [found[0]["Id"] if (found := self.images.find(value)) else value
                                  for value in by_key["ancestor"]]
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
        elif self.images.own_tag(found[0], image):
            config["Image"] = self.scope.scoped(image)  # as typed, scoped; shown bare again
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
        own = [t for t in tags if self.images.own_tag(image, t)]
        if (not by_id and normalize_ref(ref) in (normalize_ref(t) for t in own)) or (
                by_id and self.images.is_built(image["Id"])):
            # the learner's own image or tag: removed for real, by the daemon, in its words
            target = self.scope.image_tag(normalize_ref(ref)) if not by_id else image["Id"]
            try:
                answer = self.conn.delete("/images/{0}", target, params={"force": force}) or []
            except ApiError as err:
                raise ApiError(err.status, self.scope.text(err.message)) from None
            return self._shown_removal(answer, image["Id"])
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
        """The workspace built by the daemon's classic builder under the sandbox policy, its
        progress in BuildKit's shape (see build.py); returns the image's ID."""
        text = context.read(dockerfile)
        if text is None:
            raise ApiError(400, f"failed to solve: failed to read dockerfile: open {dockerfile}: "
                                "no such file or directory")
        shown = [normalize_ref(t) for t in tags or []]
        for key in labels or {}:
            if key.startswith(policy.RESERVED_LABEL_PREFIX):
                raise Refused(f"labels starting with {policy.RESERVED_LABEL_PREFIX!r} are reserved "
                              "for the sandbox", usage_hint=False)
        for tag in shown:
            refusal = self._tag_refusal(tag)
            if refusal is not None:
                raise Refused(refusal, usage_hint=False)
        new = [t for t in dict.fromkeys(shown) if self.images.find(t) is None
               or not self.images.own_tag(self.images.find(t)[0], t)]  # type: ignore[index]
        have = self.images.own_count()
        if have + max(len(new), 0 if shown else 1) > self.policy.max_images:
            raise Refused(f"this sandbox already has {have} images of your own, its limit is "
                          f"{self.policy.max_images}: remove some first (docker rmi, docker image "
                          "prune)", usage_hint=False)
        build_plan = build.plan(text, build_args=dict(build_args or {}), target=target,
                                resolve=self._base_id, refuse_image=self._base_refusal,
                                allow_network=self.policy.build_network, dockerfile=dockerfile)
        files = Workspace(context.snapshot())
        files.write(dockerfile, build_plan.dockerfile)
        body = files.to_tar()
        translator = build.BuildkitTranslator(build_plan, dockerfile=dockerfile,
                                              context_bytes=len(body), tags=shown, emit=on_message)
        params = build.build_params(
            self.policy, dockerfile=dockerfile, tags=[self.scope.image_tag(t) for t in shown],
            labels={**(labels or {}), policy.LABEL: self.scope.session}, build_args=dict(build_args or {}),
            target=target, no_cache=no_cache)
        replaced = {t: self.images.find(t) for t in shown}
        try:
            await in_thread(lambda: self._run_build(body, params, translator))
        except ApiError as err:  # refused before the build began (a parse error)
            message = build.buildkit_error(self.scope.text(err.message))
            raise ApiError(err.status, f"failed to solve: {message}") from None
        if translator.error or not translator.image_id:
            message = build.buildkit_error(self.scope.text(translator.error or "the build failed"))
            failure = ApiError(500, f"failed to solve: {message}")
            if translator.line:  # the CLI shows the Dockerfile around the failing line
                failure.source = (dockerfile, text, translator.line,  # type: ignore[attr-defined]
                                  translator.line)
            raise failure
        translator.finish(shown)
        for tag in shown:
            self.engine.publish_local("image", "tag", translator.image_id, {"name": tag})
            self.images.hidden.discard(tag)
        self._drop_replaced(replaced, translator.image_id)
        return translator.image_id

    def _run_build(self, body: bytes, params: dict[str, Any],
                   translator: build.BuildkitTranslator) -> None:
        """`POST /build`, its stream read to the end (or cut at the policy's time limit, which
        cancels the build on the daemon)."""
        response = self.conn.request("POST", "/build", params=params, body=None, stream=True,
                                     timeout=self.policy.build_timeout, data=body,
                                     headers={"Content-Type": "application/x-tar"})
        deadline = time.monotonic() + self.policy.build_timeout
        timer = threading.Timer(self.policy.build_timeout, lambda: shutdown_response(response))
        timer.daemon = True
        timer.start()
        try:
            for msg in stream_messages(response.iter_content(chunk_size=None)):
                translator.message(msg)
        except (requests.exceptions.RequestException, OSError):
            pass
        finally:
            timer.cancel()
            response.close()
        if not translator.image_id and not translator.error and time.monotonic() >= deadline:
            translator.error = (f"the build took longer than this sandbox allows "
                                f"({self.policy.build_timeout:g} s) and was cancelled")

    def _drop_replaced(self, replaced: dict[str, tuple[JSON, list[str]] | None],
                       new_id: str) -> None:
        """A learner's image whose last tag a rebuild took is removed (it would count against the
        cap as a dangling image the learner never asked to keep)."""
        for found in replaced.values():
            if found is None or found[0]["Id"] == new_id:
                continue
            image = found[0]
            if self._is_built(image["Id"]):
                try:
                    self.conn.delete("/images/{0}", image["Id"], params={"noprune": False})
                except ApiError:
                    pass  # still tagged, or used by a container: the learner's to remove

    def _is_built(self, image_id: str) -> bool:
        try:
            data = self.conn.get("/images/{0}/json", image_id)
        except ApiError:
            return False
        return self.scope.owns_image(data) and not [
            t for t in data.get("RepoTags") or [] if t != "<none>:<none>"]

    def _tag_refusal(self, familiar: str) -> str | None:
        """A learner's image name must be a plain one (no registry host: nothing is pushed)."""
        name = familiar.rsplit(":", 1)[0]
        first = name.split("/", 1)[0]
        if "/" in name and ("." in first or ":" in first or first == "localhost"):
            return (f"image name {familiar!r}: names with a registry host are not allowed in this "
                    "sandbox (nothing is pushed); use a plain name such as myapp:1")
        return None

    def _base_id(self, ref: str) -> str | None:
        """The ID of an image the learner may build from: their own, or an allowed one (even one
        they removed from their view: a build fetches its base as a pull would)."""
        found = self.images.find(ref)
        if found is not None:
            return str(found[0]["Id"])
        if policy.check_image(self.policy, ref) is None:
            image = self.images.present(ref)
            if image is not None:
                return str(image["Id"])
        return None

    def _base_refusal(self, ref: str) -> str:
        refusal = policy.check_image(self.policy, ref)
        return str(refusal) if refusal is not None else f"image '{normalize_ref(ref)}' is not here"

    async def image_history(self, ref: str) -> list[JSON]:
        found = self.images.find(ref)
        if found is None:
            raise ApiError(404, f"No such image: {ref}")
        image, tags = found
        layers = self.conn.get("/images/{0}/history", image["Id"]) or []
        if self.images.is_built(image["Id"]):
            layers = build.buildkit_history(layers, image["Id"])
        out = []
        for layer in layers:
            shown = dict(layer)
            shown["Tags"] = tags if layer.get("Id") == image["Id"] else None
            out.append(shown)
        return out

    async def image_tag(self, ref: str, repo: str, tag: str) -> None:
        found = self.images.find(ref)
        if found is None:
            raise ApiError(404, f"No such image: {ref}")
        familiar = normalize_ref(f"{repo}:{tag or 'latest'}")
        refusal = self._tag_refusal(familiar)
        if refusal is not None:
            raise Refused(refusal, usage_hint=False)
        existing = self.images.find(familiar)
        if existing is None or not self.images.own_tag(existing[0], familiar):
            have = self.images.own_count()
            if have + 1 > self.policy.max_images:
                raise Refused(f"this sandbox already has {have} images of your own, its limit is "
                              f"{self.policy.max_images}: remove some first (docker rmi)",
                              usage_hint=False)
        daemon_repo, daemon_tag = self.scope.image_tag(familiar).rsplit(":", 1)
        self.conn.post("/images/{0}/tag", found[0]["Id"],
                       params={"repo": daemon_repo, "tag": daemon_tag})
        self.images.hidden.discard(familiar)
        self.engine.publish_local("image", "tag", found[0]["Id"], {"name": familiar})

    async def images_prune(self) -> JSON:
        """The learner's own dangling images (untagged builds); the shared ones are nobody's to
        prune."""
        deleted: list[JSON] = []
        for image in self.images.listing():
            if image["RepoTags"] or not self.images.is_built(image["Id"]):
                continue
            try:
                answer = self.conn.delete("/images/{0}", image["Id"]) or []
            except ApiError:
                continue  # used by a container: kept, as the daemon's prune keeps it
            deleted.extend(self._shown_removal(answer, image["Id"]))
        self.engine.publish_local("image", "prune", "", {"reclaimed": "0"})
        return {"ImagesDeleted": deleted or None, "SpaceReclaimed": 0}

    def _shown_removal(self, answer: list[JSON], image_id: str | None = None) -> list[JSON]:
        """The daemon's `DELETE /images` answer with the learner's names, and its events (the
        daemon logs `untag` and `delete` with the image's ID as actor and name). The classic
        builder's intermediate images, removed with the image, are not shown: a BuildKit build has
        none (its answer names the image alone)."""
        out = []
        for item in answer:
            if "Untagged" in item:
                name = self.scope.text(str(item["Untagged"]))
                out.append({"Untagged": name})
                if image_id is not None:
                    self.engine.publish_local("image", "untag", image_id, {"name": image_id})
            elif "Deleted" in item and (image_id is None or item["Deleted"] == image_id):
                out.append({"Deleted": item["Deleted"]})
                self.engine.publish_local("image", "delete", str(item["Deleted"]),
                                          {"name": str(item["Deleted"])})
        return out

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
