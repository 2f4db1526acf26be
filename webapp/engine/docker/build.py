"""`docker build` on the real daemon: the learner's workspace built by the daemon's classic builder,
under the sandbox policy, its progress told in BuildKit's shape.

Why the classic builder: a BuildKit build through the Engine API (`POST /build?version=2`) needs a
session (gRPC over a hijacked `/session` connection) that serves the context and the Dockerfile to
the daemon; the docker SDK cannot provide one. The classic builder (`POST /build`, version 1) takes
the context as the request body (`Workspace.to_tar()`), which is all this engine needs.

The policy, applied before the daemon sees the request (`plan`):
- every `FROM` (and `COPY --from=`) names a build stage, `scratch`, an image this learner built, or
  an allowed image; the Dockerfile the daemon receives names that image by its ID, so the daemon
  never pulls (and `pull=False`) and never resolves a name outside the learner's view;
- `ADD` of a URL (the daemon would download it) is refused unless the policy allows the network;
  `ONBUILD` triggers are checked the same way; `LABEL lifecycle-lab.…` is reserved;
- no host paths are possible: the context is the workspace's tar, nothing else, and the classic
  builder has no `RUN --mount`.
The request itself (`build_params`): `networkmode=none` for RUN (unless the policy allows the
network), memory and CPU limits, `rm`/`forcerm` (no intermediate container is left behind), the
learner's label on the image (`labels`), and the learner's scoped tags. The Build API has no
process-count limit nor capability options: RUN steps have the daemon's default capabilities, their
memory (which bounds a fork bomb) and time (`Policy.build_timeout`: the request is cut, which
cancels the build) are limited.

Progress: the classic builder's JSON stream (`{"stream": "Step 2/4 : RUN ..."}`, output lines,
`{"aux": {"ID": ...}}`, `{"errorDetail": ...}`) becomes the messages BuildKit's build sends
(`BuildkitTranslator`), one message per change:

    {"id": "moby.buildkit.trace", "aux": {"vertexes": [VERTEX...], "statuses": [STATUS...],
                                          "logs": [LOG...]}}
    VERTEX: {"digest": "sha256:…", "name": "[2/3] RUN echo hi", "started": t, "completed": t|None,
             "cached": bool, "error": ""}
    STATUS: {"id": "writing image sha256:…", "vertex": digest, "started": t, "completed": t|None}
    LOG:    {"vertex": digest, "stream": 1|2, "data": "text", "timestamp": t}

(BuildKit's own `client.SolveStatus` field names, times as Unix seconds, `data` as text), so the
CLI renders one kind of progress whichever engine built. Only the instructions BuildKit shows as
steps (FROM, RUN, COPY, ADD, WORKDIR) get a vertex; the others (CMD, ENV, ...) are metadata.
"""

from __future__ import annotations

import hashlib
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..api import JSON, ApiError, Refused
from ..images import normalize_ref

#: Instructions BuildKit shows as steps of a stage (the others only change the image's config).
STEP_INSTRUCTIONS = {"from", "run", "copy", "add", "workdir"}
RESERVED_LABEL = re.compile(r"""(?:^|\s)["']?lifecycle-lab\.""")
URL = re.compile(r"^(?:https?://|git@|git://)", re.IGNORECASE)
_VAR = re.compile(r"\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|([A-Za-z_][A-Za-z0-9_]*))")


# --------------------------------------------------------------------------------------------------
# Reading the Dockerfile (only what the policy needs)
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    """One instruction: its keyword (lower case), its arguments' text, its first line (1-based)."""

    cmd: str
    args: str
    line: int


def instructions(text: str) -> list[Instruction]:
    """The Dockerfile's instructions, with line continuations joined and comments dropped.

    A minimal reading (parser directives `# escape=`, comments, continuation lines), enough for the
    policy's checks: the daemon parses the Dockerfile itself, and reports its errors in its words.
    The project's Dockerfile parser (BuildKit's rules) can take its place: only `plan` calls this.
    """
    escape = "\\"
    lines = text.split("\n")
    index = 0
    for index, raw in enumerate(lines):  # parser directives: only at the very top
        match = re.fullmatch(r"\s*#\s*([A-Za-z]+)\s*=\s*(\S+)\s*", raw)
        if not match:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("`", "\\"):
            escape = match.group(2)
    out: list[Instruction] = []
    current: list[str] = []
    start = 0
    for number, raw in enumerate(lines[index:], start=index + 1):
        stripped = raw.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if current and stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if not current:
            start = number
        body = raw.rstrip()
        if body.endswith(escape):
            current.append(body[:-1])
            continue
        current.append(body)
        joined = " ".join(part.strip() for part in current if part.strip())
        current = []
        word, _, rest = joined.partition(" ")
        out.append(Instruction(word.lower(), rest.strip(), start))
    if current:
        joined = " ".join(part.strip() for part in current if part.strip())
        word, _, rest = joined.partition(" ")
        out.append(Instruction(word.lower(), rest.strip(), start))
    return out


def substitute(text: str, values: dict[str, str]) -> str:
    """`$NAME`, `${NAME}`, `${NAME:-default}`, `${NAME:+alt}` as the Dockerfile expands them."""

    def one(match: re.Match[str]) -> str:
        value = values.get(match.group(1) or match.group(4), "")
        if match.group(2) == "+":
            return match.group(3) if value else ""
        if match.group(2) == "-":
            return value or match.group(3)
        return value

    return _VAR.sub(one, text)


def _flags(args: str) -> tuple[dict[str, str], str]:
    """Leading `--name=value` flags, and the rest."""
    flags: dict[str, str] = {}
    rest = args
    while rest.startswith("--"):
        word, _, after = rest.partition(" ")
        name, _, value = word[2:].partition("=")
        flags[name.lower()] = value
        rest = after.strip()
    return flags, rest


@dataclass
class Stage:
    base: str  # as written (after ARG expansion)
    name: str  # `AS name`, lower case, or ""
    line: int
    steps: list[Instruction] = field(default_factory=list)  # every instruction but the FROM


@dataclass
class Plan:
    """What the daemon is asked to build: the Dockerfile naming its bases by ID, and the stages."""

    dockerfile: str
    stages: list[Stage]
    bases: dict[str, str]  # external base as written -> image ID
    order: list[Instruction]  # every instruction the classic builder counts as a step, in order


def plan(text: str, *, build_args: dict[str, str], target: str,
         resolve: Callable[[str], str | None], refuse_image: Callable[[str], str],
         allow_network: bool = False, dockerfile: str = "Dockerfile") -> Plan:
    """Check the Dockerfile against the policy and name its bases by image ID.

    `resolve(ref)` gives the ID of an image the learner may build from (None: not theirs to use);
    `refuse_image(ref)` the words for one they may not. Raises Refused, or ApiError where the
    builder would fail anyway (no FROM)."""
    frontend_check(text, build_args, resolve, refuse_image, dockerfile)
    found = instructions(text)
    meta: dict[str, str] = {}
    stages: list[Stage] = []
    for ins in found:
        if ins.cmd == "arg" and not stages:
            for word in ins.args.split():
                name, eq, default = word.partition("=")
                meta[name] = build_args.get(name, default.strip("\"'") if eq else "")
            continue
        if ins.cmd == "from":
            _, rest = _flags(ins.args)
            words = substitute(rest, meta).split()
            if not words:
                raise ApiError(400, f"dockerfile parse error on line {ins.line}: FROM requires "
                                    "either one or three arguments")
            name = words[2].lower() if len(words) == 3 and words[1].lower() == "as" else ""
            stages.append(Stage(words[0], name, ins.line))
            continue
        if stages:
            stages[-1].steps.append(ins)
        _check(ins, allow_network)
    if not stages:
        return Plan(text, [], {}, found)  # the daemon says what is wrong, in its words
    names = set()
    bases: dict[str, str] = {}

    def base_id(ref: str, line: int) -> str | None:
        """None for a stage name or scratch; else the image's ID (Refused when not allowed)."""
        if ref.lower() in names or ref == "scratch":
            return None
        if ref in bases:
            return bases[ref]
        image_id = resolve(ref)
        if image_id is None:
            raise Refused(f"FROM {ref} (line {line}): {refuse_image(ref)}", usage_hint=False)
        bases[ref] = image_id
        return image_id

    for index, stage in enumerate(stages):
        base_id(stage.base, stage.line)
        for ins in stage.steps:
            if ins.cmd in ("copy", "add"):
                flags, _ = _flags(ins.args)
                source = flags.get("from")
                if source is not None and not source.isdigit():
                    base_id(source, ins.line)
        if stage.name:
            names.add(stage.name)
        names.add(str(index))
    if target and target.lower() not in names:
        raise ApiError(400, f"failed to reach build target {target} in Dockerfile")
    order: list[Instruction] = []
    kept = stages
    if target:
        kept = stages[:next(i for i, s in enumerate(stages) if s.name == target.lower()) + 1]
    for stage in kept:
        order.append(Instruction("from", stage.base, stage.line))
        order.extend(stage.steps)
    rewritten = _rewrite(text, found, stages, bases)
    _verify(rewritten, {s.name for s in stages if s.name} | {str(i) for i in range(len(stages))})
    return Plan(rewritten, stages, bases, order)


def _verify(text: str, stage_names: set[str]) -> None:
    """The safety net: in the Dockerfile the daemon gets, every FROM and COPY --from names an image
    by ID, a stage or scratch, so the daemon never looks a name up (nor pulls one). A base the
    rewriting could not place (written on a continuation line, say) is refused."""
    for ins in instructions(text):
        refs: list[str] = []
        if ins.cmd == "from":
            _, rest = _flags(ins.args)
            refs = rest.split()[:1]
        elif ins.cmd in ("copy", "add"):
            flags, _ = _flags(ins.args)
            refs = [flags["from"]] if "from" in flags else []
        for ref in refs:
            if ref.startswith("sha256:") or ref == "scratch" or ref.lower() in stage_names:
                continue
            raise Refused(f"line {ins.line}: write the image of FROM (or COPY --from) on the "
                          f"instruction's first line, with no variables the sandbox cannot "
                          f"expand ({ref!r})", usage_hint=False)


def frontend_check(text: str, build_args: dict[str, str], resolve: Callable[[str], str | None],
                   refuse_image: Callable[[str], str], dockerfile: str = "Dockerfile") -> None:
    """The project's Dockerfile frontend (`engine/dockerfile`, BuildKit's parser), where it is
    installed: BuildKit's parse errors and the sandbox's refusals by name before the daemon sees
    the file, and every image the build may read (its expansion of ARGs) checked. Without it the
    daemon's classic builder reports parse errors, in its words, and `instructions` does the rest."""
    try:
        from .. import dockerfile as frontend  # type: ignore[attr-defined,unused-ignore]
    except ImportError:
        return
    try:
        parsed = frontend.parse(text)
        refs = frontend.referenced_images(parsed, build_args=build_args)
    except frontend.DockerfileRefused as err:
        raise Refused(str(err.message), usage_hint=False) from None
    except frontend.DockerfileError as err:
        failure = ApiError(400, f"failed to solve: {err}")
        if err.line:
            failure.source = (dockerfile, text, err.line, err.line)  # type: ignore[attr-defined]
        raise failure from None
    for ref in refs:
        if resolve(ref.ref) is None:
            raise Refused(f"FROM {ref.ref} (line {ref.line}): {refuse_image(ref.ref)}",
                          usage_hint=False)


def _check(ins: Instruction, allow_network: bool) -> None:
    if ins.cmd == "onbuild":
        word, _, rest = ins.args.partition(" ")
        _check(Instruction(word.lower(), rest.strip(), ins.line), allow_network)
        return
    if ins.cmd == "add" and not allow_network:
        _, rest = _flags(ins.args)
        sources = _sources(rest)[:-1]
        for source in sources:
            if URL.match(source):
                raise Refused(f"ADD {source} (line {ins.line}): downloading during a build is not "
                              "allowed in this sandbox (no network); put the file in your "
                              "workspace and COPY it", usage_hint=False)
    if ins.cmd == "label" and RESERVED_LABEL.search(ins.args):
        raise Refused(f"LABEL (line {ins.line}): labels starting with 'lifecycle-lab.' are "
                      "reserved for the sandbox", usage_hint=False)


def _sources(rest: str) -> list[str]:
    if rest.startswith("["):
        try:
            value = json.loads(rest)
            if isinstance(value, list):
                return [str(v) for v in value]
        except ValueError:
            pass
    return rest.split()


def _rewrite(text: str, found: list[Instruction], stages: list[Stage],
             bases: dict[str, str]) -> str:
    """The Dockerfile with each external base (FROM, COPY --from=) replaced by its image ID, on the
    same lines (so the daemon's line numbers in errors stay the learner's). The keyword and the base
    are on an instruction's first line in any Dockerfile worth building; a base on a continuation
    line is left as written, and the daemon, which cannot find it, says so."""
    if not bases:
        return text
    lines = text.split("\n")
    by_line = {stage.line: stage for stage in stages}
    for ins in found:
        number = ins.line - 1
        line = lines[number]
        if ins.cmd == "from" and ins.line in by_line:
            base = by_line[ins.line].base
            match = re.match(r"(\s*\S+\s+(?:--\S+\s+)*)(\S+)(.*)$", line)
            if match and base in bases:
                lines[number] = match.group(1) + bases[base] + match.group(3)
        elif ins.cmd in ("copy", "add"):
            def swap(m: re.Match[str]) -> str:
                value = m.group(2)
                return m.group(1) + bases[value] if value in bases else m.group(0)

            lines[number] = re.sub(r"(--from=)(\S+)", swap, line, flags=re.IGNORECASE)
    return "\n".join(lines)


# --------------------------------------------------------------------------------------------------
# The classic builder's stream in BuildKit's shape
# --------------------------------------------------------------------------------------------------


def buildkit_ref(ref: str) -> str:
    """A base as BuildKit names it in progress: `busybox` -> `docker.io/library/busybox`."""
    name = ref
    first = name.split("/", 1)[0]
    if "/" not in name:
        return f"docker.io/library/{name}"
    if "." not in first and ":" not in first and first != "localhost":
        return f"docker.io/{name}"
    return name


def _digest(*parts: str) -> str:
    return "sha256:" + hashlib.sha256("\x00".join(parts).encode()).hexdigest()


class BuildkitTranslator:
    """Turns the classic builder's messages into BuildKit-shaped progress (see the module docs)."""

    def __init__(self, plan_: Plan, *, dockerfile: str, context_bytes: int, tags: list[str],
                 emit: Callable[[JSON], None], clock: Callable[[], float] = time.time):
        self.plan = plan_
        self.emit = emit
        self.clock = clock
        self.tags = tags
        self.nonce = str(clock())
        self.current: JSON | None = None  # the vertex being run
        self.line = 0  # the Dockerfile line of the step being run
        self.image_id = ""
        self.error = ""
        self.pending = ""  # a Step line split across messages
        self._names = self._step_names()
        self._start_internal(dockerfile, context_bytes)

    # -- naming ------------------------------------------------------------------------------------

    def _step_names(self) -> list[str | None]:
        """Per classic step (in order): the BuildKit vertex name, or None for metadata."""
        stages = self.plan.stages
        multi = len(stages) > 1
        names: list[str | None] = []
        stage_index = -1
        count = 0
        total = 0
        prefix = ""
        for ins in self.plan.order:
            if ins.cmd == "from":
                stage_index += 1
                stage = stages[stage_index]
                total = 1 + sum(1 for s in stage.steps if s.cmd in STEP_INSTRUCTIONS)
                count = 0
                label = stage.name or (f"stage-{stage_index}" if multi else "")
                prefix = f"{label} " if label else ""
            if ins.cmd not in STEP_INSTRUCTIONS:
                names.append(None)
                continue
            count += 1
            if ins.cmd == "from":
                base = stages[stage_index].base
                shown = base if base.lower() in {s.name for s in stages if s.name} \
                    else buildkit_ref(base)
                names.append(f"[{prefix}{count}/{total}] FROM {shown}")
            else:
                names.append(f"[{prefix}{count}/{total}] {ins.cmd.upper()} {ins.args}")
        return names

    # -- messages ----------------------------------------------------------------------------------

    def _send(self, vertexes: list[JSON] = (), statuses: list[JSON] = (),  # type: ignore[assignment]
              logs: list[JSON] = ()) -> None:  # type: ignore[assignment]
        self.emit({"id": "moby.buildkit.trace",
                   "aux": {"vertexes": [dict(v) for v in vertexes], "statuses": list(statuses),
                           "logs": list(logs)}})

    def _vertex(self, name: str) -> JSON:
        return {"digest": _digest(self.nonce, name), "name": name, "started": self.clock(),
                "completed": None, "cached": False, "error": ""}

    def _done(self, vertex: JSON, *, statuses: list[JSON] = ()) -> None:  # type: ignore[assignment]
        """The vertex's statuses (while it runs), then its end: BuildKit's order."""
        if statuses:
            self._send(statuses=statuses)
        vertex["completed"] = self.clock()
        self._send([vertex])

    def _status(self, vertex: JSON, text: str, current: int = 0) -> JSON:
        now = self.clock()
        return {"id": text, "vertex": vertex["digest"], "current": current, "total": 0,
                "started": now, "completed": now, "timestamp": now}

    def _start_internal(self, dockerfile: str, context_bytes: int) -> None:
        definition = self._vertex(f"[internal] load build definition from {dockerfile}")
        self._send([definition])
        self._done(definition, statuses=[self._status(definition, "transferring dockerfile:",
                                                      len(self.plan.dockerfile.encode()))])
        ignore = self._vertex("[internal] load .dockerignore")
        self._send([ignore])
        self._done(ignore, statuses=[self._status(ignore, "transferring context:", 2)])
        stage_names = {s.name for s in self.plan.stages if s.name}
        for base in dict.fromkeys(s.base for s in self.plan.stages):
            if base.lower() in stage_names or base == "scratch":
                continue
            familiar = normalize_ref(base)
            meta = self._vertex(f"[internal] load metadata for {buildkit_ref(familiar)}")
            self._send([meta])
            self._done(meta)
        self.context_bytes = context_bytes
        self.context_sent = False

    def _finish_current(self) -> None:
        if self.current is not None and self.current["completed"] is None:
            self._done(self.current)
        self.current = None

    def message(self, msg: JSON) -> None:
        """One message of the classic builder's stream."""
        if msg.get("errorDetail") or msg.get("error"):
            detail = msg.get("errorDetail") or {}
            self.error = str(detail.get("message") or msg.get("error") or "")
            if self.current is not None:
                self.current["error"] = buildkit_error(self.error)
                self.current["completed"] = self.clock()
                self._send([self.current])
                self.current = None
            return
        aux = msg.get("aux")
        if isinstance(aux, dict) and aux.get("ID"):
            self.image_id = str(aux["ID"])
            return
        text = msg.get("stream")
        if isinstance(text, str):
            self._stream(text)

    def _stream(self, text: str) -> None:
        text = self.pending + text
        self.pending = ""
        if text.startswith("Step ") and not text.endswith("\n"):
            self.pending = text  # the classic builder sends the newline of a Step line apart
            return
        for line in text.splitlines(keepends=True):
            self._line(line)

    def _line(self, line: str) -> None:
        step = re.match(r"Step (\d+)/(\d+) : ", line)
        if step:
            self._finish_current()
            index = int(step.group(1)) - 1
            name = self._names[index] if index < len(self._names) else None
            self.line = self.plan.order[index].line if index < len(self.plan.order) else 0
            if name is not None:
                if not self.context_sent and (" COPY " in name or " ADD " in name):
                    self._context()
                self.current = self._vertex(name)
                self._send([self.current])
            return
        stripped = line.strip()
        if stripped == "---> Using cache":
            if self.current is not None:
                self.current["cached"] = True
            return
        if stripped.startswith(("---> ", "Removing intermediate container", "Successfully built ",
                                "Successfully tagged ")):
            return
        if self.current is None:
            return
        stream = 1
        if "\x1b[91m" in line:
            stream = 2
        data = line.replace("\x1b[91m", "").replace("\x1b[0m", "")
        if not data:
            return
        self._send(logs=[{"vertex": self.current["digest"], "stream": stream, "data": data,
                          "timestamp": self.clock()}])

    def _context(self) -> None:
        self.context_sent = True
        vertex = self._vertex("[internal] load build context")
        self._send([vertex])
        self._done(vertex, statuses=[self._status(vertex, "transferring context:",
                                                  self.context_bytes)])

    def finish(self, shown_tags: list[str]) -> None:
        """The build succeeded: the last step ends, then `exporting to image`."""
        self._finish_current()
        vertex = self._vertex("exporting to image")
        self._send([vertex])
        statuses = [self._status(vertex, "exporting layers"),
                    self._status(vertex, f"writing image {self.image_id}")]
        statuses += [self._status(vertex, f"naming to {buildkit_ref(normalize_ref(t))}")
                     for t in shown_tags]
        self._done(vertex, statuses=statuses)
        self.emit({"id": "moby.image.id", "aux": {"ID": self.image_id}})


def buildkit_error(message: str) -> str:
    """The classic builder's failure in the words BuildKit uses for the same failure."""
    run = re.match(r"The command '(.*)' returned a non-zero code: (\d+)$", message, re.DOTALL)
    if run:
        command = run.group(1)
        return f'process "{command}" did not complete successfully: exit code: {run.group(2)}'
    message = re.sub(r"^dockerfile parse error line (\d+)", r"dockerfile parse error on line \1",
                     message)
    return message


def build_params(policy: Any, *, dockerfile: str, tags: list[str], labels: dict[str, str],
                 build_args: dict[str, str], target: str, no_cache: bool) -> dict[str, Any]:
    """`POST /build` query parameters: the sandbox's limits around the learner's choices."""
    params: dict[str, Any] = {
        "dockerfile": dockerfile,
        "t": tags or None,
        "q": False,
        "nocache": no_cache,
        "rm": True,
        "forcerm": True,
        "pull": False,
        "memory": policy.memory,
        "memswap": policy.memory,  # no swap
        "cpuperiod": 100_000,
        "cpuquota": int(policy.nano_cpus / 1e9 * 100_000),
        "networkmode": "default" if policy.build_network else "none",
        "labels": json.dumps(labels),
        "buildargs": json.dumps(build_args) if build_args else None,
        "target": target or None,
    }
    return params


def buildkit_history(layers: list[JSON], image_id: str) -> list[JSON]:
    """`GET /images/{id}/history` of an image the classic builder made, as BuildKit's would read:
    the sandbox's own LABEL step (the learner's label) is not shown, metadata steps lose the
    classic builder's `/bin/sh -c #(nop) ` and steps say `# buildkit`, and, as for an image whose
    layers are not images, every row but the newest is `<missing>`."""
    out: list[JSON] = []
    rows = list(layers)
    if rows and "LABEL lifecycle-lab." in str(rows[0].get("CreatedBy", "")) \
            and " lifecycle-lab.session=" in str(rows[0].get("CreatedBy", "")):
        top = rows.pop(0)
        if rows:
            rows[0] = dict(rows[0], Id=top.get("Id"), Tags=top.get("Tags"))
    built = True
    for index, layer in enumerate(rows):
        row = dict(layer)
        created_by = str(row.get("CreatedBy") or "")
        if built and not created_by.startswith("/bin/sh -c "):
            built = False  # the base image's own history starts here
        if built:
            if created_by.startswith("/bin/sh -c #(nop) "):
                created_by = created_by.removeprefix("/bin/sh -c #(nop) ").strip()
                if created_by.startswith(("COPY ", "ADD ")):
                    created_by += " # buildkit"
            else:
                created_by = f"RUN {created_by} # buildkit"
            row["CreatedBy"] = created_by
            row["Comment"] = "buildkit.dockerfile.v0"
        if index > 0:
            row["Id"] = "<missing>"
        out.append(row)
    if out:
        out[0]["Id"] = image_id
    return out
