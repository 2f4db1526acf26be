"""The simulator's `docker build`: BuildKit's solve of a resolved Dockerfile, on the daemon's images.

The Dockerfile frontend (`engine/dockerfile`) parses and resolves; this module executes: each stage
starts from a daemon image (or an earlier stage), COPY/ADD put workspace files into the stage's file
tree, WORKDIR creates folders, RUN runs the simulator's shell in a temporary build container (not a
lifecycle container: no events, not in `docker ps -a`), and the result becomes an image whose ID is
the sha256 of its config. Progress goes out as BuildKit's solve status (vertexes, statuses, logs)
through `on_message`, which `cli/buildprogress.py` renders as buildx does.

Bounded: a RUN has a wall-clock budget (BUILD_RUN_TIMEOUT on the daemon's clock, BUILD_TIMEOUT for
all of a build's RUN steps) on top of the sandbox's work budget, a build adds at most
MAX_ADDED_BYTES, its output and files are capped like a container's, the cache holds at most
CACHE_BYTES of layer contents, and the daemon caps the number of images.
"""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from ..api import JSON, ApiError, Refused
from ..cli.buildprogress import BuildCancelled
from ..dockerfile import DockerfileError, DockerfileRefused, ImageConfig, parse, resolve
from ..dockerfile import instructions as ins
from ..futures import Future
from ..images import Image, normalize_ref, unavailable_image
from ..workspace import Workspace
from .container import Config, Container, HostConfig, normpath
from .process import NullStream, Proc
from .resources import DEFAULT_MEMORY
from .signals import SIGKILL
from .users import UnknownUser
from .users import resolve as resolve_user

if TYPE_CHECKING:
    from .daemon import Daemon

BUILD_RUN_TIMEOUT = 120.0  # seconds a RUN may take before the build gives up on it
BUILD_TIMEOUT = 600.0  # seconds all the RUN steps of one build may take together
MAX_ADDED_BYTES = 8 << 20  # what one build may add to its base (files COPY and RUN write)
RUN_LOG_LIMIT = 64 * 1024  # characters of one RUN's output shown in the progress
CACHE_BYTES = 4 << 20  # layer contents the build cache keeps per sandbox
CACHE_ENTRIES = 512
COMMENT = "buildkit.dockerfile.v0"
TRACE_ID = "moby.buildkit.trace"
IMAGE_ID = "moby.image.id"


class BuildFailed(ApiError):
    """A build that failed: `message` is what buildx prints after `ERROR: failed to build: `
    (e.g. `failed to solve: process "/bin/sh -c exit 3" did not complete successfully: exit code:
    3`). `source` is (file name, Dockerfile text, first line, last line) when the failure has a
    place in the Dockerfile (buildx prints those lines), else None."""

    def __init__(self, message: str, source: tuple[str, str, int, int] | None = None):
        super().__init__(400, message)
        self.source = source


@dataclass(frozen=True)
class HistoryEntry:
    """One line of `docker history`: when, by what, how many bytes (0 for metadata)."""

    created: float
    created_by: str
    size: int = 0
    empty_layer: bool = False
    comment: str = ""


@dataclass(frozen=True)
class BuiltImage(Image):
    """An image `docker build` made: the catalogue record plus what only built images have."""

    history: tuple[HistoryEntry, ...] = ()
    shell: tuple[str, ...] | None = None
    onbuild: tuple[str, ...] = ()
    author: str = ""
    installed: dict[str, str] = field(default_factory=dict)  # path -> program, from RUN installs
    own_bytes: int = 0  # what the build added (charged to the sandbox's memory)
    created_at: float = 0.0


SCRATCH = Image(repository="scratch", tag="", id="sha256:" + "0" * 64, digest="",
                created="0001-01-01T00:00:00Z", size=0, layers=(), env=(), shell_name="sh")
"""`FROM scratch`: no files at all."""


def rfc3339(when: float) -> str:
    return datetime.fromtimestamp(when, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"


def base_history(image: Image) -> list[HistoryEntry]:
    """History of a catalogue image, as `docker history` shows a pulled image: its layers, then
    its CMD."""
    try:
        created = datetime.fromisoformat(image.created).timestamp()
    except ValueError:
        created = 0.0
    if isinstance(image, BuiltImage):
        return list(image.history)
    if image is SCRATCH:
        return []
    entries = []
    for n, layer in enumerate(image.layers or ("0" * 12,)):
        digest = hashlib.sha256(f"{image.id}/{layer}".encode()).hexdigest()
        entries.append(HistoryEntry(created, f"/bin/sh -c #(nop) ADD file:{digest} in / ",
                                    image.size if n == 0 else 0))
    if image.cmd:
        entries.append(HistoryEntry(created, "/bin/sh -c #(nop)  CMD " + json.dumps(
            list(image.cmd), separators=(",", ":")), 0, True))
    return entries


# -- the progress stream ---------------------------------------------------------------------------


class Trace:
    """BuildKit's solve status as JSON messages (`{"id": "moby.buildkit.trace", "aux": {...}}`).

    A vertex: {"digest", "name", "started", "completed", "cached", "error"} (times: Unix seconds,
    None until then); a status: {"id", "vertex", "current", "total", "started", "completed",
    "timestamp"}; a log: {"vertex", "stream", "data", "timestamp"}."""

    def __init__(self, clock: Any, on_message: Callable[[JSON], None]):
        self.clock = clock
        self.on_message = on_message
        self.count = 0
        self.cancelled = False  # the client went away (BuildCancelled from on_message)

    def _send(self, **aux: list[JSON]) -> None:
        if self.cancelled:
            raise BuildCancelled()
        try:
            self.on_message({"id": TRACE_ID, "aux": {k: v for k, v in aux.items() if v}})
        except BuildCancelled:
            self.cancelled = True
            raise

    def vertex(self, name: str) -> JSON:
        self.count += 1
        digest = "sha256:" + hashlib.sha256(f"{self.count}/{name}".encode()).hexdigest()
        v: JSON = {"digest": digest, "name": name, "started": self.clock.now(), "completed": None,
                   "cached": False, "error": ""}
        self._send(vertexes=[dict(v)])
        return v

    def done(self, v: JSON, *, cached: bool = False, error: str = "") -> None:
        v["completed"] = self.clock.now()
        v["cached"] = cached
        v["error"] = error
        self._send(vertexes=[dict(v)])

    def status(self, v: JSON, text: str, current: int = 0, total: int = 0) -> None:
        now = self.clock.now()
        self._send(statuses=[{"id": text, "vertex": v["digest"], "current": current,
                              "total": total, "started": now, "completed": now,
                              "timestamp": now}])

    def warn(self, v: JSON, short: str) -> None:
        self._send(warnings=[{"vertex": v["digest"], "level": 1, "short": short}])

    def log(self, v: JSON, data: str, stream: int = 1) -> None:
        """A step's output (from inside a process: a gone client is noted, not raised here)."""
        try:
            self._send(logs=[{"vertex": v["digest"], "stream": stream, "data": data,
                              "timestamp": self.clock.now()}])
        except BuildCancelled:
            pass


# -- the file tree of a stage ---------------------------------------------------------------------


@dataclass
class State:
    """A stage after some steps: the image it would be (its file tree), what RUN installed, its
    history and layers, and the cache key of the chain so far."""

    image: Image
    installed: dict[str, str]
    history: list[HistoryEntry]
    layers: list[str]
    key: str
    own_bytes: int = 0

    def derive(self, image: Image, key: str, entry: HistoryEntry, *,
               installed: dict[str, str] | None = None) -> State:
        layers = list(self.layers)
        if not entry.empty_layer:
            layers.append(hashlib.sha256(f"{key}/layer".encode()).hexdigest())
        return State(image, dict(installed if installed is not None else self.installed),
                     [*self.history, entry], layers, key, self.own_bytes + entry.size)


def _with_file(image: Image, path: str, text: str, mode: int) -> Image:
    """`image` with a regular file at `path` (a script when an x bit is set)."""
    files = dict(image.files)
    scripts = dict(image.scripts)
    modes = dict(image.modes)
    files.pop(path, None)
    scripts.pop(path, None)
    modes.pop(path, None)
    if mode & 0o111:
        scripts[path] = text
        if mode != 0o755:
            modes[path] = mode
    else:
        files[path] = text
        if mode != 0o644:
            modes[path] = mode
    executables = image.executables
    if path in executables:
        executables = {k: v for k, v in executables.items() if k != path}
    return dataclasses.replace(image, files=files, scripts=scripts, modes=modes,
                               executables=executables)


def _with_dir(image: Image, path: str) -> Image:
    if path == "/" or path in image.dirs:
        return image
    return dataclasses.replace(image, dirs=(*image.dirs, path))


def _kind(image: Image, path: str) -> str | None:
    if path in image.files or path in image.scripts or path in image.executables:
        return "file"
    prefix = path.rstrip("/") + "/"
    if path == "/" or path in image.dirs or any(
            p.startswith(prefix) for p in (*image.dirs, *image.files, *image.scripts,
                                            *image.executables)):
        return "dir"
    return None


# -- .dockerignore ---------------------------------------------------------------------------------


def ignored_paths(context: Workspace) -> set[str]:
    """The context files `.dockerignore` excludes (patterns and `!` exceptions, last match wins;
    a pattern also excludes what is below a matching folder)."""
    text = context.read(".dockerignore")
    if text is None:
        return set()
    rules = []
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        keep = line.startswith("!")
        pattern = line[1:].strip() if keep else line
        pattern = normpath(pattern).lstrip("/")
        if pattern:
            rules.append((keep, pattern))
    out = set()
    for name in context.names():
        excluded = False
        for keep, pattern in rules:
            parts = name.split("/")
            if any(fnmatch.fnmatchcase("/".join(parts[:i]), pattern)
                   for i in range(1, len(parts) + 1)) or _doublestar(name, pattern):
                excluded = not keep
        if excluded:
            out.add(name)
    return out


def _doublestar(name: str, pattern: str) -> bool:
    if "**" not in pattern:
        return False
    return fnmatch.fnmatchcase(name, pattern.replace("**/", "*").replace("**", "*"))


# -- the build ---------------------------------------------------------------------------------------


class Builder:
    """One `docker build` on a daemon."""

    def __init__(self, daemon: Daemon, context: Workspace, *, dockerfile: str, tags: list[str],
                 build_args: dict[str, str], target: str, no_cache: bool,
                 labels: dict[str, str], on_message: Callable[[JSON], None]):
        self.daemon = daemon
        self.clock = daemon.clock
        self.context = context
        self.dockerfile = dockerfile
        self.tags = tags
        self.build_args = build_args
        self.target = target
        self.no_cache = no_cache
        self.labels = labels
        self.trace = Trace(daemon.clock, on_message)
        self.on_message = on_message
        self.ignored = ignored_paths(context)
        self.text = ""
        self.multi = False
        self.results: dict[int, State] = {}
        self._names: dict[int, str] = {}
        self.uses_context = False
        self.definition: JSON = {}
        self.plan: Any = None
        self.deadline = self.clock.now() + BUILD_TIMEOUT

    def fail(self, message: str, line: int = 0, end: int = 0) -> BuildFailed:
        source = (self.dockerfile, self.text, line, end or line) if line else None
        return BuildFailed(message, source)

    async def run(self) -> str:
        trace = self.trace
        text = self.context.read(self.dockerfile)
        v = self.definition = trace.vertex(
            f"[internal] load build definition from {self.dockerfile}")
        # fsutil's transfer: each file costs its bytes plus a header (27 bytes and its name's
        # length, as measured on the daemon); nothing transferred is 2B
        trace.status(v, "transferring dockerfile:", _transfer([(self.dockerfile, text)]))
        if text is None:
            trace.done(v)
            raise BuildFailed(f"failed to solve: failed to read dockerfile: open {self.dockerfile}:"
                              " no such file or directory")
        self.text = text
        try:
            parsed = parse(text)
        except DockerfileRefused as err:
            trace.done(v)
            raise Refused(err.message) from None
        except DockerfileError as err:
            trace.done(v)
            raise self.fail("failed to solve: " + err.text, err.line) from None
        bases: dict[str, Image] = {}
        missing: list[str] = []

        def base_config(ref: str) -> ImageConfig:
            image = self.daemon.images.find(ref)
            if image is None:
                missing.append(ref)
                return ImageConfig()
            bases[ref] = image
            config = ImageConfig.from_image(image)
            if isinstance(image, BuiltImage):  # its ONBUILD triggers run, its SHELL carries on
                config.onbuild = list(image.onbuild)
                config.shell = list(image.shell) if image.shell else None
            return config

        try:
            plan = resolve(parsed, base_config=base_config, build_args=self.build_args,
                           target=self.target)
        except DockerfileRefused as err:
            trace.done(v)
            raise Refused(err.message) from None
        except DockerfileError as err:
            trace.done(v)
            raise self.fail("failed to solve: " + err.text, err.line) from None
        self.plan = plan
        self.multi = sum(isinstance(i, ins.FromInstruction) for i in parsed.instructions) > 1
        for warning in [*parsed.warnings, *plan.warnings]:
            short = f"{warning.rule}: {warning.message}" if warning.rule else warning.message
            trace.warn(self.definition, short + (f" (line {warning.line})" if warning.line else ""))
        trace.done(v)  # the frontend's lint warnings belong to the definition's vertex
        self._names = {s.index: s.name for s in plan.stages if s.name}
        bases["scratch"] = SCRATCH
        for ref in dict.fromkeys(s.base for s in plan.stages
                                 if s.base_stage is None and s.base != "scratch"):
            meta = trace.vertex(f"[internal] load metadata for {_canonical(ref)}")
            if ref in missing:
                reason = unavailable_image(normalize_ref(ref), list(self.daemon.images.by_ref))
                error = (f"{_canonical(ref)}: failed to resolve source metadata for "
                         f"{_canonical(ref)}: {reason}")
                trace.done(meta, error=error)
                stage = next(s for s in plan.stages if s.base == ref and s.base_stage is None)
                raise self.fail("failed to solve: " + error, stage.from_instruction.line)
            trace.done(meta)
        ignore = self.context.read(".dockerignore")
        v = trace.vertex("[internal] load .dockerignore")
        trace.status(v, "transferring context:", _transfer([(".dockerignore", ignore)]))
        trace.done(v)
        self.uses_context = any(isinstance(step.instruction, ins.CopyInstruction)
                                and not step.instruction.from_
                                for s in plan.stages for step in s.steps)
        for stage in plan.stages:
            self.results[stage.index] = await self._stage(stage, bases)
        final = self.results[plan.target.index]
        return self._export(final, plan.target.config)

    def _load_context(self) -> None:
        """BuildKit's `load build context` (once, after the first FROM, as it shows)."""
        if not self.uses_context:
            return
        self.uses_context = False
        wanted = set()
        for stage in self.plan.stages:
            for step in stage.steps:
                if isinstance(step.instruction, ins.CopyInstruction) and not step.instruction.from_:
                    for _source, files in self._sources(step.instruction):
                        wanted.update(files)
        size = _transfer([(name, self.context.read(name)) for name in sorted(wanted)])
        v = self.trace.vertex("[internal] load build context")
        self.trace.status(v, "transferring context:", size)
        self.trace.done(v)

    async def _stage(self, stage: Any, bases: dict[str, Image]) -> State:
        trace = self.trace
        counted = [s for s in stage.steps if isinstance(
            s.instruction, ins.RunInstruction | ins.CopyInstruction | ins.WorkdirInstruction)]
        total = len(counted) + 1
        width = len(str(total))
        name = stage.name or (f"stage-{stage.index}" if self.multi else "")
        index = 0

        def prefix(text: str) -> str:
            nonlocal index
            index += 1
            return f"[{name + ' ' if name else ''}{index:>{width}}/{total}] {text}"

        if stage.base_stage is not None:
            state = self.results[stage.base_stage]
            index += 1
        else:
            image = bases[stage.base]
            state = State(image, dict(getattr(image, "installed", {}) or {}), base_history(image),
                          list(_layers(image)), "sha256:" + hashlib.sha256(
                              f"FROM {image.id}".encode()).hexdigest())
            if stage.base == "scratch":  # nothing to fetch: BuildKit shows no vertex for it
                index += 1
                self._load_context()
                for step in stage.steps:
                    state = await self._step(state, step, prefix)
                return state
            from_v = trace.vertex(prefix(f"FROM {_canonical(stage.base)}"))
            seen = state.key in self.daemon.build_cache  # a base an earlier build used: CACHED
            if not seen:
                self._remember(state.key, state)
            trace.done(from_v, cached=seen and not self.no_cache)
        self._load_context()
        for step in stage.steps:
            state = await self._step(state, step, prefix)
        return state

    async def _step(self, state: State, step: Any, prefix: Callable[[str], str]) -> State:
        instruction = step.instruction
        if isinstance(instruction, ins.RunInstruction | ins.CopyInstruction |
                      ins.WorkdirInstruction):
            return await self._layer_step(state, step, prefix(_display(instruction)))
        key = _key(state.key, step.created_by)
        entry = HistoryEntry(self.clock.now(), step.created_by, 0, True, COMMENT)
        cached = self.daemon.build_cache.get(key)
        if cached is not None and not self.no_cache:
            entry = cached.history[-1]
        return state.derive(state.image, key, entry)

    async def _layer_step(self, state: State, step: Any, label: str) -> State:
        trace = self.trace
        instruction = step.instruction
        inputs = ""
        if isinstance(instruction, ins.CopyInstruction):
            inputs = self._copy_inputs(instruction)
        elif isinstance(instruction, ins.RunInstruction):
            inputs = "\0".join(step.run_env) + "\0" + step.config.user + step.config.workdir
        key = _key(state.key, step.created_by, inputs)
        v = trace.vertex(label)
        cache = self.daemon.build_cache
        cached = cache.get(key)
        if cached is not None and not self.no_cache:
            cache.move_to_end(key)
            trace.done(v, cached=True)
            return cached
        if isinstance(instruction, ins.CopyInstruction):
            image, size = self._copy(state, step, v)
            entry = HistoryEntry(self.clock.now(), step.created_by, size, False, COMMENT)
            new = state.derive(image, key, entry)
        elif isinstance(instruction, ins.WorkdirInstruction):
            path = normpath(step.config.workdir or instruction.path)
            entry = HistoryEntry(self.clock.now(), step.created_by, 0, False, COMMENT)
            new = state.derive(_with_dir(state.image, path), key, entry)
        else:
            image, installed, size = await self._run(state, step, v)
            entry = HistoryEntry(v["started"], step.created_by, size, False, COMMENT)
            new = state.derive(image, key, entry, installed=installed)
        if new.own_bytes > MAX_ADDED_BYTES:
            raise self._step_error(v, step, "the sandbox's images hold at most "
                                   f"{MAX_ADDED_BYTES >> 20} MiB of files added by a build")
        trace.done(v)
        self._remember(key, new)
        return new

    def _remember(self, key: str, state: State) -> None:
        cache = self.daemon.build_cache
        cache[key] = state
        while len(cache) > CACHE_ENTRIES or sum(_cost(s) for s in cache.values()) > CACHE_BYTES:
            if len(cache) <= 1:
                break
            cache.popitem(last=False)

    # -- COPY / ADD -------------------------------------------------------------------------------

    def _sources(self, instruction: ins.CopyInstruction) -> list[tuple[str, list[str]]]:
        """Each source with the context files it names (relative paths)."""
        names = [n for n in self.context.names() if n not in self.ignored]
        out = []
        for source in instruction.sources:
            rel = normpath(source).lstrip("/")
            if rel == "":
                out.append((source, names))
                continue
            matched = [n for n in names if n == rel or n.startswith(rel + "/")
                       or fnmatch.fnmatchcase(n, rel)]
            out.append((source, matched))
        return out

    def _copy_inputs(self, instruction: ins.CopyInstruction) -> str:
        if instruction.from_:
            return "from:" + instruction.from_
        digest = hashlib.sha256()
        for _source, files in self._sources(instruction):
            for name in files:
                found = self.context.get(name)
                if found is not None:
                    digest.update(f"{name}\0{found.mode}\0{found.text}\0".encode())
        for name, body in instruction.heredocs:
            digest.update(f"{name}\0{body}".encode())
        return digest.hexdigest()

    def _copy(self, state: State, step: Any, v: JSON) -> tuple[Image, int]:
        instruction: ins.CopyInstruction = step.instruction
        image = state.image
        dest = instruction.dest
        mode_override = None
        if instruction.chmod:
            try:
                mode_override = int(instruction.chmod, 8)
            except ValueError:
                raise self._step_error(v, step, f"invalid chmod parameter: {instruction.chmod}")
        if instruction.chown:
            user = instruction.chown
            try:
                resolve_user(user, _read(image, "/etc/passwd"), _read(image, "/etc/group"))
            except UnknownUser:
                name = user.split(":")[0]
                raise self._step_error(
                    v, step, f"unable to convert uid/gid chown string to host mapping: can't find "
                    f"uid for user {name}: no such user: {name}") from None
        items: list[tuple[str, str, int]] = []  # (relative name under the copy, text, mode)
        programs: list[tuple[str, Any]] = []  # a base's programs COPY --from takes along
        several = len(instruction.sources) + len(instruction.heredocs) > 1
        if instruction.from_:
            src_state = self._from_state(instruction.from_, v, step)
            for source in instruction.sources:
                path = normpath(source)
                kind = _kind(src_state.image, path)
                if kind is None:
                    raise self._step_error(v, step, f'failed to calculate checksum of ref '
                                           f'{_ref_id(src_state.key)}: "{path}": not found',
                                           prefix="failed to compute cache key: ")
                for p, text, mode in _tree_files(src_state.image, path):
                    rel = p[len(path):].lstrip("/") if kind == "dir" else p.rsplit("/", 1)[-1]
                    items.append((rel, text, mode))
                for p, program in src_state.image.executables.items():
                    if p == path or p.startswith(path.rstrip("/") + "/"):
                        rel = p[len(path):].lstrip("/") if kind == "dir" else p.rsplit("/", 1)[-1]
                        programs.append((rel, program))
                if kind == "dir":
                    several = True
        else:
            for source, files in self._sources(instruction):
                if not files:
                    raise self._step_error(
                        v, step, f'failed to calculate checksum of ref {_ref_id(self.text)}: '
                        f'"{normpath(source)}": not found', prefix="failed to compute cache key: ")
                rel_root = normpath(source).lstrip("/")
                is_dir = rel_root == "" or any(n.startswith(rel_root + "/") for n in files)
                if is_dir or any(c in source for c in "*?["):
                    several = True
                for name in files:
                    found = self.context.get(name)
                    assert found is not None
                    if is_dir:
                        rel = name[len(rel_root):].lstrip("/") if rel_root else name
                    else:
                        rel = name.rsplit("/", 1)[-1]
                    items.append((rel, found.text, found.mode))
            for name, body in instruction.heredocs:
                items.append((name, body, 0o644))
        to_dir = dest.endswith("/") or several or _kind(image, normpath(dest)) == "dir"
        dest_path = normpath(dest)
        size = 0
        for rel, text, mode in items:
            path = normpath(f"{dest_path}/{rel}") if to_dir else dest_path
            image = _with_file(image, path, text, mode_override if mode_override is not None
                               else mode)
            size += len(text.encode())
        for rel, program in programs:
            path = normpath(f"{dest_path}/{rel}") if to_dir else dest_path
            image = dataclasses.replace(image, executables={**image.executables, path: program})
            size += 4096
        if to_dir:
            image = _with_dir(image, dest_path)
        return image, size

    def _from_state(self, ref: str, v: JSON, step: Any) -> State:
        for index, state in self.results.items():
            names = {str(index)}
            if index in self._names:
                names.add(self._names[index])
            if ref.lower() in names:
                return state
        image = self.daemon.images.find(ref)
        if image is None:
            reason = unavailable_image(normalize_ref(ref), list(self.daemon.images.by_ref))
            raise self._step_error(v, step, f"{_canonical(ref)}: failed to resolve source "
                                   f"metadata for {_canonical(ref)}: {reason}")
        return State(image, {}, [], [], "sha256:" + hashlib.sha256(image.id.encode()).hexdigest())

    def _step_error(self, v: JSON, step: Any, message: str, *, prefix: str = "") -> BuildFailed:
        self.trace.done(v, error=message)
        instruction = step.instruction
        return self.fail(f"failed to solve: {prefix}{message}", instruction.line,
                         instruction.end_line)

    # -- RUN --------------------------------------------------------------------------------------

    async def _run(self, state: State, step: Any, v: JSON) -> tuple[Image, dict[str, str], int]:
        daemon = self.daemon
        config = step.config
        env = dict(item.partition("=")[::2] for item in step.run_env)
        env.setdefault("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        env.setdefault("HOME", "/root")
        box = Container(self.clock, id=daemon.new_id(), name="buildkit", image=state.image,
                        config=Config(image=state.image.id, cmd=None, entrypoint=None,
                                      env=step.run_env, workdir=config.workdir,
                                      user=config.user),
                        host_config=HostConfig(memory=DEFAULT_MEMORY, memory_swap=DEFAULT_MEMORY),
                        created=self.clock.now(), on_main_exit=lambda c: None,
                        host_meter=daemon.meter)
        box.pacer = daemon.pacer
        box.installed.update(state.installed)
        argv = list(step.argv)
        shown = {"chars": 0}

        def output(text: str, stream: str) -> None:
            if shown["chars"] >= RUN_LOG_LIMIT:
                return
            text = text[:RUN_LOG_LIMIT - shown["chars"]]
            shown["chars"] += len(text)
            self.trace.log(v, text, 2 if stream == "stderr" else 1)

        try:
            ident = resolve_user(config.user, box.read_file(None, "/etc/passwd"),
                                 box.read_file(None, "/etc/group"))
        except UnknownUser as err:
            raise self._step_error(v, step, f"unable to find user {config.user}: {err}") from None
        workdir = config.workdir or "/"
        if box.path_kind(None, workdir) is None:
            box.written[workdir.rstrip("/") + "/.keep"] = ""
        program, code, reason = box.resolve(None, argv, env.get("PATH", ""), workdir)
        if program is None:
            detail = (f'exec: "{argv[0]}": executable file not found in $PATH'
                      if reason == "not found" else
                      f'runc run failed: unable to start container process: exec: "{argv[0]}": '
                      f"stat {argv[0]}: no such file or directory" if reason == "no such file"
                      else f'runc run failed: unable to start container process: exec: '
                      f'"{argv[0]}": {reason}')
            raise self._step_error(v, step, "process \"" + " ".join(argv) + "\" did not "
                                   f"complete successfully: {detail}")
        finished: Future[int] = Future()
        main = Proc(box, argv, env=env, cwd=workdir, out=output, stdin=NullStream(), tty=False,
                    pid1=True, user=ident.name or str(ident.uid), ident=ident)
        box.main = main
        main.listeners.append(lambda p: finished.set_result(p.exit_code or 0))
        timed_out = {"yes": False}

        def give_up() -> None:
            if main.alive:
                timed_out["yes"] = True
                for proc in list(box.procs.values()):
                    proc.signal(SIGKILL)

        budget = min(BUILD_RUN_TIMEOUT, max(self.deadline - self.clock.now(), 0.0))
        timer = self.clock.call_later(budget, give_up)
        main.start(program)
        code = await finished
        timer.cancel()
        for proc in list(box.procs.values()):
            proc.exit(128 + SIGKILL)
        if self.trace.cancelled:
            box.forget_contents()
            raise BuildCancelled()
        command = " ".join(argv)
        if timed_out["yes"]:
            box.forget_contents()
            raise self._step_error(v, step, f'process "{command}" did not complete successfully: '
                                   f"the sandbox stopped it after {round(budget)}s (a build "
                                   f"step must finish within {int(BUILD_RUN_TIMEOUT)}s, a "
                                   f"build's steps within {int(BUILD_TIMEOUT)}s)")
        if code != 0:
            box.forget_contents()
            raise self._step_error(v, step, f'process "{command}" did not complete successfully: '
                                   f"exit code: {code}")
        image = state.image
        size = 0
        modes = getattr(box, "modes", {}) or {}
        for path, text in box.written.items():
            if path.endswith("/.keep") and text == "":
                image = _with_dir(image, path.rsplit("/", 1)[0] or "/")
                continue
            mode = modes.get(path, 0o644)
            image = _with_file(image, path, text, mode)
            size += len(text.encode())
        for path, mode in modes.items():  # a chmod of a file the image already had
            if path in box.written:
                continue
            kept = image.scripts.get(path, image.files.get(path))
            if kept is not None:
                image = _with_file(image, path, kept, mode)
        installed = dict(state.installed)
        for path, program_name in box.installed.items():
            if installed.get(path) != program_name:
                size += 4096
            installed[path] = program_name
        box.forget_contents()
        return image, installed, size

    # -- export -------------------------------------------------------------------------------------

    def _export(self, final: State, config: ImageConfig) -> str:
        daemon = self.daemon
        trace = self.trace
        labels = dict(config.labels)
        labels.update(self.labels)
        history = final.history
        created = history[-1].created if history else self.clock.now()
        base = final.image
        doc = {
            "architecture": "amd64", "os": "linux", "created": rfc3339(created),
            "config": {"Env": config.env, "Cmd": config.cmd, "Entrypoint": config.entrypoint,
                       "WorkingDir": config.workdir, "User": config.user, "Labels": labels,
                       "ExposedPorts": config.exposed_ports, "StopSignal": config.stop_signal,
                       "Healthcheck": config.healthcheck.to_json() if config.healthcheck else None,
                       "Shell": config.shell, "OnBuild": config.onbuild},
            "rootfs": {"type": "layers", "diff_ids": final.layers},
            "history": [[h.created, h.created_by, h.size, h.empty_layer] for h in history],
        }
        image_id = "sha256:" + hashlib.sha256(json.dumps(doc, sort_keys=True).encode()).hexdigest()
        v = trace.vertex("exporting to image")
        trace.status(v, "exporting layers")
        size = sum(h.size for h in history)
        image = BuiltImage(
            repository="<none>", tag="<none>", id=image_id, digest="", created=rfc3339(created),
            size=size, layers=tuple(final.layers),
            cmd=tuple(config.cmd) if config.cmd is not None else None,
            entrypoint=tuple(config.entrypoint) if config.entrypoint is not None else None,
            env=tuple(config.env), workdir=config.workdir, user=config.user,
            stop_signal=config.stop_signal, exposed_ports=tuple(config.exposed_ports),
            labels=labels, os_release=base.os_release, dirs=base.dirs, files=base.files,
            executables=base.executables, shell_name=base.shell_name, symlinks=base.symlinks,
            healthcheck=config.healthcheck, scripts=base.scripts, modes=base.modes,
            history=tuple(history), shell=tuple(config.shell) if config.shell else None,
            onbuild=tuple(config.onbuild), author=config.author, installed=dict(final.installed),
            own_bytes=final.own_bytes, created_at=created)
        try:
            daemon.store_built(image)
        except ApiError as err:
            trace.done(v, error=err.message)
            raise BuildFailed("failed to solve: " + err.message) from None
        trace.status(v, f"writing image {image_id}")
        for tag in self.tags:
            daemon.tag_image(image, tag)
            trace.status(v, f"naming to {_canonical(tag)}")
        trace.done(v)
        self.on_message({"id": IMAGE_ID, "aux": {"ID": image_id}})
        return image_id


async def build(daemon: Daemon, context: Workspace, *, dockerfile: str, tags: list[str],
                build_args: dict[str, str], target: str, no_cache: bool,
                labels: dict[str, str], on_message: Callable[[JSON], None]) -> str:
    """Build `context` on `daemon`; the new image's ID, or BuildFailed / Refused."""
    builder = Builder(daemon, context, dockerfile=dockerfile, tags=tags, build_args=build_args,
                      target=target, no_cache=no_cache, labels=labels, on_message=on_message)
    return await builder.run()


def _cost(state: State) -> int:
    """What a cache entry holds of its own: the bytes its step added (a base holds none)."""
    last = state.history[-1] if state.history else None
    return last.size if last is not None and last.comment == COMMENT else 0


def _transfer(files: list[tuple[str, str | None]]) -> int:
    """Bytes BuildKit reports for sending these files (absent ones: none), 2 for nothing."""
    sent = [(name, text) for name, text in files if text is not None]
    if not sent:
        return 2
    return sum(len(text.encode()) + 27 + len(name) for name, text in sent)


def _key(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\0".join(parts).encode()).hexdigest()


def _ref_id(seed: str) -> str:
    digest = hashlib.sha256(seed.encode()).hexdigest()
    alphabet = "abcdefghijklmnopqrstuvwxyz0123456789"
    return "moby::" + "".join(alphabet[int(digest[i:i + 2], 16) % 36] for i in range(0, 50, 2))


def _layers(image: Image) -> list[str]:
    if isinstance(image, BuiltImage):
        return list(image.layers)
    return [hashlib.sha256(f"{image.id}/{layer}".encode()).hexdigest() for layer in image.layers]


def _read(image: Image, path: str) -> str | None:
    return image.files.get(path)


def _tree_files(image: Image, path: str) -> list[tuple[str, str, int]]:
    """Every regular file at or below `path` in `image`: (path, text, mode)."""
    out = []
    prefix = path.rstrip("/") + "/"
    for p, text in image.files.items():
        if p == path or p.startswith(prefix):
            out.append((p, text, image.modes.get(p, 0o644)))
    for p, text in image.scripts.items():
        if p == path or p.startswith(prefix):
            out.append((p, text, image.modes.get(p, 0o755)))
    return out


def _canonical(ref: str) -> str:
    familiar = normalize_ref(ref)
    name = familiar.rsplit(":", 1)[0]
    if "/" not in name:
        return "docker.io/library/" + familiar
    if "." not in name.split("/")[0] and ":" not in name.split("/")[0]:
        return "docker.io/" + familiar
    return familiar


def _display(instruction: ins.Instruction) -> str:
    """The vertex name of a step: its instruction as written, continuations joined."""
    return " ".join(instruction.original.split()) if "\n" in instruction.original \
        else instruction.original.strip()
