"""Stage resolution, ARG/ENV scoping and the image config of each stage (dockerfile2llb/convert.go
up to, not including, execution)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from . import instructions as ins
from .config import (
    ImageConfig,
    apply_metadata,
    created_by_copy,
    created_by_run,
    normalize_workdir,
    with_shell,
)
from .errors import DockerfileError, DockerfileRefused, refused
from .parser import (
    _NodeError,
    parse_heredoc,
    parse_instruction,
    parse_nodes,
    suggest,
    with_suggestion,
)
from .shell import Budget, Lex, go_quote


@dataclass
class Step:
    """One instruction of a stage, ready for the builder.

    instruction: the instruction with ARG/ENV expanded where BuildKit expands (RUN/CMD/ENTRYPOINT
                 words verbatim; COPY sources/dest, WORKDIR, ENV... expanded). For COPY/ADD the
                 `dest` is made absolute against the WORKDIR (a trailing "/" kept).
    created_by:  the history CreatedBy text (`RUN /bin/sh -c echo hi # buildkit`); "" when BuildKit
                 records no history entry (ONBUILD).
    empty_layer: True for metadata-only steps (history shows 0B); RUN, COPY, ADD and a WORKDIR
                 other than / are False.
    run_env:     for RUN: the environment the command sees ("K=V": the config's ENV plus ARGs in
                 scope, ARGs not overriding ENV); empty otherwise.
    argv:        for RUN: the argv to execute (shell form: SHELL or /bin/sh -c + the command).
    config:      a snapshot of the stage's config after this step (workdir and user for RUN/COPY).
    """

    instruction: ins.Instruction
    created_by: str
    empty_layer: bool
    config: ImageConfig
    run_env: list[str] = field(default_factory=list)
    argv: list[str] = field(default_factory=list)
    from_stage: int | None = None  # COPY --from=<stage>: that stage's index (None: the context,
    #                                 or an image named by `instruction.from_`)


@dataclass
class Stage:
    """One build stage. `base` is the FROM reference expanded with the global ARGs; `base_stage` is
    the index (into BuildPlan.stages' *source order* numbering, `Stage.index`) of an earlier stage
    when FROM names one (by name or number), else None (an image the builder must find: an unknown
    one is the builder's pull failure). `config` is the final image config of the stage."""

    index: int
    name: str
    base: str
    base_stage: int | None
    from_instruction: ins.FromInstruction
    steps: list[Step] = field(default_factory=list)
    config: ImageConfig = field(default_factory=ImageConfig)


@dataclass
class BuildPlan:
    """Stages to build, in build order (dependencies first; only those the target needs, as
    BuildKit). The last is the target. `warnings`: the lint warnings found while resolving, in
    BuildKit's order; those found while parsing stay in `Dockerfile.warnings` and come first (print
    both: parsed, then these). A `# check=skip=...` directive has filtered both lists."""

    stages: list[Stage]
    warnings: list[ins.Warning_] = field(default_factory=list)

    @property
    def target(self) -> Stage:
        """The stage whose image the build produces."""
        return self.stages[-1]


BaseConfig = Callable[[str], ImageConfig]

DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
SCRATCH = "scratch"
MAX_STEPS = 4096  # ONBUILD triggers can add steps; bounded like the instructions themselves
MAX_BUILD_TEXT = 8 * 1024 * 1024  # characters a build may produce (see shell.Budget)


def default_args(target: str) -> dict[str, str]:
    """defaultArgs (platform.go): the predefined global ARGs of a linux/amd64 build."""
    return {"BUILDPLATFORM": "linux/amd64", "BUILDOS": "linux", "BUILDOSVERSION": "",
            "BUILDARCH": "amd64", "BUILDVARIANT": "", "TARGETPLATFORM": "linux/amd64",
            "TARGETOS": "linux", "TARGETOSVERSION": "", "TARGETARCH": "amd64",
            "TARGETVARIANT": "", "TARGETSTAGE": target or "default"}


@dataclass
class _State:
    """dispatchState: one stage while it is resolved."""

    index: int
    frm: ins.FromInstruction
    base: str
    name: str
    base_stage: int | None
    commands: list[ins.Instruction]
    copy_from: dict[int, int | None] = field(default_factory=dict)  # command position -> stage
    stage: Stage | None = None
    env: dict[str, str] = field(default_factory=dict)  # the LLB state's env: ENV and ARG values
    build_args: list[tuple[str, str | None]] = field(default_factory=list)
    dispatched: bool = False
    workdir_set: bool = False  # a WORKDIR ran in this build (lint: WorkdirRelativePath)

    @property
    def display_name(self) -> str:
        return self.name or f"stage-{self.index}"


def _located(err: DockerfileError, line: int) -> DockerfileError:
    if isinstance(err, DockerfileRefused):
        return DockerfileRefused(err.message, err.line or line)
    return DockerfileError(err.message, err.line or line, parse_error=err.parse_error)


_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_DOMAIN = (r"(?:(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)"
           r"(?:\.(?:[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?))*|\[[0-9a-fA-F:]+\])(?::[0-9]+)?")
_REFERENCE = re.compile(
    rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*"
    r"(?::[\w][\w.-]{0,127})?"
    r"(?:@[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,})?")


def reference_problem(ref: str) -> str:
    """What reference.ParseNormalizedNamed says of an image reference ("" when it is valid):
    `invalid reference format` or `invalid reference format: repository name must be
    lowercase`."""
    if _REFERENCE.fullmatch(ref) and len(ref.split("@")[0].rsplit(":", 1)[0]) <= 255:
        return ""
    name = ref.split("@", 1)[0]
    last = name.rsplit("/", 1)[-1]
    if ":" in last:
        name = name[: len(name) - len(last)] + last.split(":", 1)[0]
    if name != name.lower() and _REFERENCE.fullmatch(ref.replace(name, name.lower(), 1)):
        return "invalid reference format: repository name must be lowercase"
    return "invalid reference format"


def _check_reference(ref: str, line: int) -> None:
    problem = reference_problem(ref)
    if problem:
        raise DockerfileError(f"failed to parse stage name {go_quote(ref)}: {problem}", line,
                              parse_error=False)


_SYMBOLIC_MODE = re.compile(r"[ugoa]*[-+=][rwxXst]*(?:[-+=][rwxXst]*)*"
                            r"(?:,[ugoa]*[-+=][rwxXst]*(?:[-+=][rwxXst]*)*)*")


def _check_chmod(value: str) -> None:
    if re.fullmatch(r"[0-7]+", value):
        if int(value, 8) > 0o7777:
            raise DockerfileError(f"invalid chmod parameter: '{value}'. it should be octal string "
                                  "and between 0 and 07777", parse_error=False)
        return
    if value.isdigit() or not _SYMBOLIC_MODE.fullmatch(value):
        raise DockerfileError(f"invalid chmod parameter: '{value}'. it should be octal string and "
                              "between 0 and 07777", parse_error=False)


def copy_destination(workdir: str, dest: str) -> str:
    """pathRelativeToWorkingDir: COPY/ADD's destination made absolute against the WORKDIR, a
    trailing slash (a directory) kept."""
    if dest in ("", "."):
        dest = "./"
    keep_slash = dest.endswith(("/", "/."))
    joined = dest if dest.startswith("/") else posixpath.join(workdir or "/", dest)
    cleaned = posixpath.normpath(joined)
    if cleaned.startswith("//"):
        cleaned = "/" + cleaned.lstrip("/")
    if keep_slash and cleaned != "/":
        cleaned += "/"
    return cleaned


def _keyword(instruction: ins.Instruction) -> str:
    """The instruction's name as written (BuildKit's Name(), used in lint messages)."""
    return instruction.original.split(None, 1)[0] if instruction.original else instruction.keyword


def _parse_trigger(expression: str, line: int) -> ins.Instruction:
    try:
        nodes, _, _ = parse_nodes(expression)
    except _NodeError as err:
        raise DockerfileError(err.message, line, parse_error=False) from None
    if len(nodes) != 1:
        raise DockerfileError("onbuild trigger should be a single expression", line,
                              parse_error=False)
    node = nodes[0]
    node.start = node.end = line
    try:
        return parse_instruction(node)
    except DockerfileError as err:
        raise _located(err, line) from None


def resolve(dockerfile: ins.Dockerfile, *, base_config: BaseConfig,
            build_args: Mapping[str, str] | None = None, target: str = "") -> BuildPlan:
    """Resolve stages, ARG scoping and each step's expanded instruction and config.

    base_config(ref) gives the config of an image named in FROM (not a stage, not `scratch`); it
    may raise the builder's own error for an unknown image (left to the caller: the simulator
    reports a pull failure). Raises DockerfileError for `target stage "x" could not be found`,
    expansion errors (`failed to process "${A": ...`), bad ports, signals, chmod; and
    DockerfileRefused for VOLUME and the other features refused by name.

    What BuildKit does, and so this: global ARGs (before the first FROM, plus the predefined
    BUILDPLATFORM/TARGETARCH/...) expand FROM lines only, unless a stage declares `ARG NAME`
    again; `--build-arg` values override defaults; ARG values are in the environment of later RUNs
    and expansions of the stage (and of stages built FROM it) but not in the image's ENV; only the
    target and the stages it needs (FROM a stage, COPY --from) are resolved, in source order.
    Unused build args produce no warning (BuildKit prints none)."""
    build_args = dict(build_args or {})
    lex = Lex(dockerfile.escape, budget=Budget(MAX_BUILD_TEXT))
    warnings: list[ins.Warning_] = []
    check = _check_options(dockerfile.check)

    meta: list[ins.ArgInstruction] = []
    groups: list[tuple[ins.FromInstruction, list[ins.Instruction]]] = []
    for instruction in dockerfile.instructions:
        if isinstance(instruction, ins.FromInstruction):
            groups.append((instruction, []))
        elif not groups:
            if isinstance(instruction, ins.ArgInstruction):
                meta.append(instruction)
            else:
                raise DockerfileError("no build stage in current context", instruction.line,
                                      parse_error=False)
        else:
            groups[-1][1].append(instruction)
    if not groups:
        raise DockerfileError("dockerfile contains no stages to build", parse_error=False)

    target_name = target or groups[-1][0].name
    global_args = default_args(target_name)
    for key in list(global_args):
        if key in build_args:
            global_args[key] = build_args[key]
    for arg in meta:
        for key, value in arg.args:
            if key in build_args:
                global_args[key] = build_args[key]
            elif value is not None:
                try:
                    global_args[key] = lex.process_word(value, global_args)
                except DockerfileError as err:
                    raise _located(err, arg.line) from None

    states: list[_State] = []
    by_name: dict[str, int] = {}
    for index, (frm, commands) in enumerate(groups):
        try:
            base = lex.process_word(frm.base, global_args)
        except DockerfileError as err:
            raise _located(err, frm.line) from None
        if base == "":
            raise DockerfileError(f"base name ({frm.base}) should not be blank", frm.line,
                                  parse_error=False)
        base_stage = by_name.get(base)
        state = _State(index=index, frm=frm, base=base, name=frm.name, base_stage=base_stage,
                       commands=list(commands))
        states.append(state)
        if frm.name:
            by_name[frm.name] = index

    _lint_stages(groups, warnings)
    _lint_default_bases(groups, meta, warnings, dockerfile.escape)
    declared = set(global_args) | {key for arg in meta for key, _ in arg.args}
    for frm, _ in groups:
        for name in sorted(lex.process(frm.base, global_args, split=False).unmatched - declared):
            warnings.append(ins.Warning_(
                "UndefinedArgInFrom", f"FROM argument '{name}' is not declared"
                + _did_you_mean(name, sorted(declared), "", True), frm.line))

    if target:
        found = by_name.get(target.lower())
        if found is None:
            names = [s.display_name for s in states]
            raise DockerfileError(with_suggestion(f"target stage {go_quote(target)} could not be "
                                                  "found", target, names, True),
                                  parse_error=False)
        target_state = states[found]
    else:
        target_state = states[-1]

    def dependencies(state: _State) -> None:
        """toCommand: COPY --from of a stage name or index."""
        for position, command in enumerate(state.commands):
            if isinstance(command, ins.CopyInstruction) and command.from_:
                state.copy_from[position] = _copy_from(command, states, by_name, lex)

    for state in states:
        dependencies(state)
    _check_cycles(states)

    # ONBUILD triggers of a base stage run first in the stage built FROM it.
    for state in states:
        if state.base_stage is not None:
            triggers = [c for c in states[state.base_stage].commands
                        if isinstance(c, ins.OnbuildInstruction)]
            if triggers:
                parsed = [_parse_trigger(t.expression, state.frm.line) for t in triggers]
                state.commands = parsed + state.commands
                state.copy_from = {}
                dependencies(state)

    reachable: set[int] = set()

    def reach(index: int) -> None:
        if index in reachable:
            return
        reachable.add(index)
        state = states[index]
        if state.base_stage is not None:
            reach(state.base_stage)
        for dep in state.copy_from.values():
            if dep is not None:
                reach(dep)

    reach(target_state.index)

    plan = BuildPlan(stages=[], warnings=warnings)
    for state in states:
        if state.index not in reachable:
            continue
        _dispatch(state, states, lex, global_args, build_args, base_config, plan)
    _apply_check(check, dockerfile, plan)
    plan.stages.sort(key=lambda s: s.index)
    # the target last, the others in source order before it
    plan.stages = [s for s in plan.stages if s.index != target_state.index] + [
        s for s in plan.stages if s.index == target_state.index]
    return plan


_SECRET = re.compile(r"(?i)(?:_|^)(?:apikey|auth|credential|credentials|key|password|pword|"
                     r"passwd|secret|token)(?:_|$)")
_NOT_SECRET = re.compile(r"(?i)(?:_|^)(?:public|file|version)(?:_|$)")
RESERVED_STAGE_NAMES = ("context", "scratch")


def _did_you_mean(value: str, options: list[str], prefix: str, case_sensitive: bool) -> str:
    match = suggest(value, options, case_sensitive)
    return f" (did you mean {prefix}{match}?)" if match else ""


def _lint_default_bases(groups: list[tuple[ins.FromInstruction, list[ins.Instruction]]],
                        meta: list[ins.ArgInstruction], warnings: list[ins.Warning_],
                        escape: str) -> None:
    """validateBaseImagesWithDefaultArgs: FROM lines that name no valid image when no build args
    are given (InvalidDefaultArgInFrom)."""
    lex = Lex(escape)
    args = default_args("")
    try:
        for arg in meta:
            for key, value in arg.args:
                if value is not None:
                    args[key] = lex.process_word(value, args)
        for frm, _ in groups:
            if reference_problem(lex.process_word(frm.base, args)):
                warnings.append(ins.Warning_(
                    "InvalidDefaultArgInFrom",
                    f"Default value for ARG {frm.base} results in empty or invalid base image "
                    "name", frm.line))
    except DockerfileError:
        return  # BuildKit abandons this check; the build fails later with the error


def _check_options(text: str) -> tuple[set[str], bool, bool]:
    """linter.ParseLintOptions of a `# check=skip=A,B;error=true` directive: (rules skipped,
    all skipped, error on a warning)."""
    skip: set[str] = set()
    skip_all = error = False
    text = text.strip()
    if not text:
        return skip, skip_all, error
    for part in text.split(";", 2):
        key, eq, value = part.partition("=")
        if not eq:
            raise DockerfileError(f"invalid check option {go_quote(part)}", parse_error=False)
        key, value = key.strip(), value.strip()
        if key == "skip":
            if value == "all":
                skip_all = True
            else:
                skip |= {rule.strip() for rule in value.split(",")}
        elif key == "error":
            if value not in ("1", "t", "T", "TRUE", "true", "True", "0", "f", "F", "FALSE",
                             "false", "False"):
                raise DockerfileError(f"failed to parse check option {go_quote(part)}: "
                                      f"strconv.ParseBool: parsing {go_quote(value)}: invalid "
                                      "syntax", parse_error=False)
            error = value in ("1", "t", "T", "TRUE", "true", "True")
        elif key != "experimental":
            raise DockerfileError(f"invalid check option {go_quote(part)}", parse_error=False)
    return skip, skip_all, error


def _apply_check(check: tuple[set[str], bool, bool], dockerfile: ins.Dockerfile,
                 plan: BuildPlan) -> None:
    """Drop skipped rules; with `error=true`, fail as BuildKit does when any rule fired."""
    skip, skip_all, error = check
    for warnings in (dockerfile.warnings, plan.warnings):
        warnings[:] = [w for w in warnings
                       if not w.rule or not (skip_all or w.rule in skip)]
    if error:
        fired = sorted({w.rule for w in [*dockerfile.warnings, *plan.warnings] if w.rule})
        if fired:
            raise DockerfileError(f"lint violation found for rules: {', '.join(fired)}",
                                  parse_error=False)


def _lint_stages(groups: list[tuple[ins.FromInstruction, list[ins.Instruction]]],
                 warnings: list[ins.Warning_]) -> None:
    """validateStageNames and validateCommandCasing (dockerfile2llb/validations.go)."""
    seen: set[str] = set()
    for frm, _ in groups:
        if frm.name:
            if frm.name in RESERVED_STAGE_NAMES:
                warnings.append(ins.Warning_(
                    "ReservedStageName", "Stage name should not use the same name as reserved "
                    f"stage {go_quote(frm.name)}", frm.line))
            if frm.name in seen:
                warnings.append(ins.Warning_(
                    "DuplicateStageName",
                    f"Duplicate stage name {go_quote(frm.name)}, stage names should be unique",
                    frm.line))
            seen.add(frm.name)
    named: list[tuple[str, int]] = []
    for frm, commands in groups:
        named.append((frm.keyword_text, frm.line))
        named += [(_keyword(c), c.line) for c in commands]
    lower = sum(1 for name, _ in named if name == name.lower())
    upper = sum(1 for name, _ in named if name != name.lower() and name == name.upper())
    majority_lower = lower > upper
    for name, line in named:
        wanted = ""
        if majority_lower and name.lower() != name:
            wanted = "lowercase"
        elif not majority_lower and name.upper() != name:
            wanted = "uppercase"
        if wanted:
            warnings.append(ins.Warning_(
                "ConsistentInstructionCasing",
                f"Command '{name}' should match the case of the command majority ({wanted})",
                line))


def _secret_check(kind: str, key: str, line: int, plan: BuildPlan) -> None:
    if _SECRET.search(key) and not _NOT_SECRET.search(key):
        plan.warnings.append(ins.Warning_(
            "SecretsUsedInArgOrEnv",
            f"Do not use ARG or ENV instructions for sensitive data ({kind} {go_quote(key)})", line))


def _check_cycles(states: list[_State]) -> None:
    """validateCircularDependency: stages that COPY --from each other (or themselves)."""
    visited: set[int] = set()

    def visit(index: int, path: list[int], via: list[int]) -> list[int] | None:
        if index in visited:
            return None
        visited.add(index)
        path.append(index)
        state = states[index]
        for position, dep in state.copy_from.items():
            if dep is None:
                continue
            line = state.commands[position].line
            if dep in path:
                return [*via, line]
            found = visit(dep, path, [*via, line])
            if found is not None:
                return found
        path.pop()
        return None

    for state in states:
        lines = visit(state.index, [], [])
        if lines is not None:
            raise DockerfileError(f"circular dependency detected on stage: {state.display_name}",
                                  lines[0], parse_error=False)


def _copy_from(command: ins.CopyInstruction, states: list[_State], by_name: dict[str, int],
               lex: Lex) -> int | None:
    try:
        expanded = lex.process_word(command.from_, {})
    except DockerfileError as err:
        raise _located(err, command.line) from None
    if expanded != command.from_:
        raise DockerfileError("variable expansion is not supported for --from, define a new stage "
                              "with FROM using ARG from global scope as a workaround",
                              command.line, parse_error=False)
    if command.from_.lstrip("+-").isdigit() and re.fullmatch(r"[+-]?[0-9]+", command.from_):
        number = int(command.from_)
        if number < 0 or number >= len(states):
            raise DockerfileError(f"invalid stage index {number}", command.line,
                                  parse_error=False)
        return number
    return by_name.get(command.from_.lower())


def _dispatch(state: _State, states: list[_State], lex: Lex, global_args: dict[str, str],
              build_args: dict[str, str], base_config: BaseConfig, plan: BuildPlan) -> None:
    """dispatchStages for one stage: its config, environment and steps."""
    line = state.frm.line
    triggers: list[str] = []
    if state.base_stage is not None:
        parent = states[state.base_stage]
        assert parent.stage is not None, "a base stage is dispatched before the stages FROM it"
        config = parent.stage.config.copy()
        config.onbuild = []
        config.cmd_set = False
        env = dict(parent.env)
        state.build_args = list(parent.build_args)
        state.workdir_set = parent.workdir_set
    elif state.base == SCRATCH:
        config = ImageConfig(env=[DEFAULT_PATH], workdir="/")  # emptyImage (image.go)
        env = {}
    else:
        _check_reference(state.base, line)
        config = base_config(state.base).copy()
        config.cmd_set = False
        triggers = list(config.onbuild)
        config.onbuild = []
        env = {}
    if not any(item.partition("=")[0] == "PATH" for item in config.env):
        config.env.append(DEFAULT_PATH)
    env.update(config.env_dict())
    if config.workdir:
        config.workdir = normalize_workdir("", config.workdir)
    commands = [_parse_trigger(t, line) for t in triggers] + state.commands
    copy_from = {position + len(triggers): dep for position, dep in state.copy_from.items()}
    if triggers:
        for position, command in enumerate(commands[: len(triggers)]):
            if isinstance(command, ins.CopyInstruction) and command.from_:
                copy_from[position] = _copy_from(command, states,
                                                 {s.name: s.index for s in states if s.name}, lex)
    if len(commands) > MAX_STEPS:
        raise DockerfileRefused(f"more than {MAX_STEPS} steps in one stage", line)
    stage = Stage(index=state.index, name=state.name, base=state.base,
                  base_stage=state.base_stage, from_instruction=state.frm, config=config)
    state.stage = stage
    used_once: dict[str, int] = {}
    for position, command in enumerate(commands):
        try:
            step = _step(state, command, config, env, lex, global_args, build_args, plan,
                         copy_from.get(position), states, used_once)
        except DockerfileError as err:
            raise _located(err, command.line) from None
        stage.steps.append(step)
    state.env = env
    state.dispatched = True
    plan.stages.append(stage)


class _Expander:
    """The expander dispatch hands an instruction: ProcessWord against the stage's environment,
    reporting variables that are neither set nor declared ARGs (UndefinedVar)."""

    def __init__(self, lex: Lex, env: dict[str, str], state: _State, plan: BuildPlan, line: int):
        self.lex, self.env, self.state, self.plan, self.line = lex, env, state, plan, line

    def __call__(self, word: str, lex: Lex | None = None) -> str:
        result = (lex or self.lex).process(word, self.env, split=False)
        unmatched = result.unmatched - {key for key, _ in self.state.build_args}
        for name in sorted(unmatched):
            self.plan.warnings.append(ins.Warning_(
                "UndefinedVar", f"Usage of undefined variable '${name}'"
                + _did_you_mean(name, list(self.env), "$", True), self.line))
        return result.result


def _step(state: _State, command: ins.Instruction, config: ImageConfig, env: dict[str, str],
          lex: Lex, global_args: dict[str, str], build_args: dict[str, str], plan: BuildPlan,
          from_stage: int | None, states: list[_State], used_once: dict[str, int]) -> Step:
    """One instruction: expand it where BuildKit expands, apply it, say what history records."""
    expand = _Expander(lex, env, state, plan, command.line)
    if isinstance(command, ins.VolumeInstruction):
        raise refused("VOLUME", line=command.line)
    if lex.budget is not None:  # the config snapshot each step keeps
        lex.budget.spend(16 + 4 * (len(config.env) + len(config.labels)
                                   + len(config.exposed_ports)))
    if isinstance(command, ins.CmdInstruction | ins.EntrypointInstruction |
                  ins.HealthcheckInstruction):
        kind = command.keyword
        if kind in used_once:
            plan.warnings.append(ins.Warning_(
                "MultipleInstructionsDisallowed",
                f"Multiple {_keyword(command)} instructions should not be used in the same stage "
                "because only the last one will be used", used_once[kind]))
        used_once[kind] = command.line
    if (isinstance(command, ins.CmdInstruction | ins.EntrypointInstruction)
            and command.prepend_shell and not config.shell):
        plan.warnings.append(ins.Warning_(
            "JSONArgsRecommended",
            f"JSON arguments recommended for {_keyword(command)} to prevent unintended "
            "behavior related to OS signals", command.line))

    if isinstance(command, ins.ArgInstruction):
        resolved: list[tuple[str, str | None]] = []
        for key, default in command.args:
            _secret_check("ARG", key, command.line, plan)
            value: str | None = default
            has_value = key in build_args
            if default is None and not has_value and key in global_args:
                value = global_args[key]
            if has_value:
                value = build_args[key]
            elif default is not None:
                value = expand(default)
            if value is not None:
                env[key] = value
            state.build_args.append((key, value))
            resolved.append((key, value))
        expanded = replace(command, args=resolved)
        created_by = apply_metadata(config, expanded)
        return Step(expanded, created_by, True, config.copy())

    if isinstance(command, ins.EnvInstruction | ins.LabelInstruction):
        pairs = [(expand(k), expand(v)) for k, v in command.pairs]
        for key, _ in pairs:
            if command.legacy:
                plan.warnings.append(ins.Warning_(
                    "LegacyKeyValueFormat",
                    f'"{_keyword(command)} key=value" should be used instead of legacy '
                    f'"{_keyword(command)} key value" format', command.line))
            if isinstance(command, ins.EnvInstruction):
                _secret_check("ENV", key, command.line, plan)
        expanded_kv = replace(command, pairs=pairs)
        created_by = apply_metadata(config, expanded_kv)
        if isinstance(command, ins.EnvInstruction):
            for key, value in pairs:
                env[key] = value
        return Step(expanded_kv, created_by, True, config.copy())

    if isinstance(command, ins.WorkdirInstruction):
        expanded_wd = replace(command, path=expand(command.path))
        if not state.workdir_set and not expanded_wd.path.startswith("/"):
            plan.warnings.append(ins.Warning_(
                "WorkdirRelativePath", f"Relative workdir {go_quote(expanded_wd.path)} can have "
                "unexpected results if the base image changes", command.line))
        state.workdir_set = True
        created_by = apply_metadata(config, expanded_wd)
        return Step(expanded_wd, created_by, config.workdir == "/", config.copy())

    if isinstance(command, ins.UserInstruction):
        expanded_user = replace(command, user=expand(command.user))
        return Step(expanded_user, apply_metadata(config, expanded_user), True, config.copy())

    if isinstance(command, ins.StopsignalInstruction):
        expanded_sig = replace(command, signal=expand(command.signal))
        return Step(expanded_sig, apply_metadata(config, expanded_sig), True, config.copy())

    if isinstance(command, ins.ExposeInstruction):
        ports: list[str] = []
        for word in command.ports:
            ports += lex.process_words(word, env)
        expanded_ports = replace(command, ports=ports)
        return Step(expanded_ports, apply_metadata(config, expanded_ports), True, config.copy())

    if isinstance(command, ins.CopyInstruction):
        chown = expand(command.chown)
        chmod = expand(command.chmod)
        if chmod:
            _check_chmod(chmod)
        sources = [expand(src) for src in command.sources]
        dest = expand(command.dest)
        raw = Lex("\\", skip_process_quotes=True, budget=lex.budget)
        heredocs = [(name, expand(body, raw) if wanted else body)
                    for (name, body), wanted in zip(command.heredocs, command.heredoc_expand,
                                                    strict=False)]
        written = replace(command, chown=chown, chmod=chmod, sources=sources, dest=dest,
                          heredocs=heredocs)
        created_by = created_by_copy(written)
        if command.from_ and from_stage is not None:
            source = states[from_stage]
            if not source.dispatched:
                raise DockerfileError(f"cannot copy from stage {go_quote(command.from_)}, it "
                                      "needs to be defined before current stage "
                                      f"{go_quote(state.display_name)}", parse_error=False)
        absolute = replace(written, dest=copy_destination(config.workdir, dest))
        return Step(absolute, created_by, False, config.copy(), from_stage=from_stage)

    if isinstance(command, ins.RunInstruction):
        argv = _run_argv(command, config)
        history_args = [(key, env.get(key, value or "")) for key, value in
                        _dedupe(state.build_args)]
        created_by = created_by_run(argv, history_args)
        run_env = [f"{k}={v}" for k, v in env.items()]
        if lex.budget is not None:
            lex.budget.spend(len(created_by) + sum(len(item) for item in run_env))
        return Step(command, created_by, False, config.copy(), run_env=run_env, argv=argv)

    created_by = apply_metadata(config, command)
    return Step(command, created_by, True, config.copy())


def _dedupe(args: list[tuple[str, str | None]]) -> list[tuple[str, str | None]]:
    """runCommandString keeps one entry per key, at its first place, with the last value."""
    out: dict[str, str | None] = {}
    for key, value in args:
        out[key] = value
    return list(out.items())


def _run_argv(command: ins.RunInstruction, config: ImageConfig) -> list[str]:
    """dispatchRun's argv: heredocs folded in as BuildKit does, the shell form wrapped."""
    args = list(command.command)
    if command.heredocs:
        if len(args) != 1 or not command.prepend_shell:
            raise DockerfileError(f"parsing produced an invalid run command: [{' '.join(args)}]",
                                  parse_error=False)
        if parse_heredoc(args[0]) is not None:
            data = command.heredocs[0][1]
            if data.startswith("#!"):
                raise refused("RUN of a heredoc starting with #!", line=command.line)
            args = [data]
        else:
            text = args[0]
            for name, data in command.heredocs:
                text += "\n" + data + name
            args = [text]
    if command.prepend_shell:
        return with_shell(config, args)
    return args


@dataclass
class ImageReference:
    """An image a Dockerfile names outside its own stages: `kind` "from" (a FROM line) or
    "copy-from" (`COPY --from=<image>`), `ref` as written after ARG expansion."""

    ref: str
    line: int
    kind: str


def referenced_images(dockerfile: ins.Dockerfile, *, build_args: Mapping[str, str] | None = None,
                      ) -> list[ImageReference]:
    """Every image the build may read, for a policy that checks them before a build is sent: the
    bases of all stages (the classic builder builds every stage; BuildKit only those the target
    needs, a subset) and COPY --from sources that are not stages. FROM lines are expanded with the
    global ARGs and build args as BuildKit expands them; `scratch` and stage names are left out.
    Raises DockerfileError where BuildKit would (an ARG expansion error, a blank base name)."""
    build_args = dict(build_args or {})
    lex = Lex(dockerfile.escape)
    global_args = default_args("")
    for key in list(global_args):
        if key in build_args:
            global_args[key] = build_args[key]
    names: set[str] = set()
    out: list[ImageReference] = []
    seen_from = False
    for instruction in dockerfile.instructions:
        if isinstance(instruction, ins.ArgInstruction) and not seen_from:
            for key, value in instruction.args:
                if key in build_args:
                    global_args[key] = build_args[key]
                elif value is not None:
                    try:
                        global_args[key] = lex.process_word(value, global_args)
                    except DockerfileError as err:
                        raise _located(err, instruction.line) from None
        elif isinstance(instruction, ins.FromInstruction):
            seen_from = True
            try:
                base = lex.process_word(instruction.base, global_args)
            except DockerfileError as err:
                raise _located(err, instruction.line) from None
            if base == "":
                raise DockerfileError(f"base name ({instruction.base}) should not be blank",
                                      instruction.line, parse_error=False)
            if base != SCRATCH and base not in names:
                out.append(ImageReference(base, instruction.line, "from"))
            if instruction.name:
                names.add(instruction.name)
        elif isinstance(instruction, ins.CopyInstruction) and instruction.from_:
            value = instruction.from_
            if value.isdigit() or value.lower() in names:
                continue
            out.append(ImageReference(value, instruction.line, "copy-from"))
    return out
