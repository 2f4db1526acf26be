"""Reading lessons from `lessons/<id>/` and validating them strictly.

Each folder holds `lesson.yaml` (the data: order, images, set-up, steps with checks and solutions,
or a challenge's goal) and one Markdown file per locale (`en.md`, `ko.md`) with the words. Anything
unexpected (an unknown key, state, check kind or image, a missing locale, a step without text or
hints, hints that differ in number between locales) is an error naming the file and the place, so a
broken lesson fails at start-up and in `lifecycle-lab lessons check`, never in front of a learner.
See lessons/README.md for the format.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from ..engine.cli import CliError, parse_argv, split_line
from ..engine.images import CATALOGUE, normalize_ref
from ..engine.workspace import Workspace, WorkspaceError
from ..ui_text import translate
from .checks import CheckError, compile_check, compile_goal
from .markdown import commands_in, render_inline, render_markdown
from .model import (
    DEFAULT_LOCALE,
    GOAL_STEP,
    KINDS,
    LOCALES,
    Entry,
    Lesson,
    LessonText,
    Step,
    StepText,
)

LESSON_FILE = "lesson.yaml"
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
LESSON_KEYS = ("id", "order", "kind", "images", "files", "setup", "steps")
CHALLENGE_KEYS = ("id", "order", "kind", "images", "files", "setup", "goal", "best", "solution")
STEP_KEYS = ("id", "check", "solution")
ENTRY_KEYS = ("line", "input", "sleep", "file", "text")
FRONT_KEYS = ("title", "summary")

STEP_HEADING = re.compile(r"^##\s+(?P<title>.*?)\s*\{#(?P<id>[^}\s]*)\}\s*$")
OUTRO_HEADING = re.compile(r"^##\s+(?P<title>.*?)\s*\{\.outro\}\s*$")
HINT_HEADING = re.compile(r"^###\s+(?P<title>.*?)\s*\{\.hint\}\s*$")
FENCE = re.compile(r"^ {0,3}(?P<fence>`{3,}|~{3,})")


class LessonError(ValueError):
    """One or more problems in lesson files; `errors` lists them, each naming its file."""

    def __init__(self, errors: list[str]):
        self.errors = list(errors)
        super().__init__("\n".join(self.errors))


class _StrictLoader(yaml.SafeLoader):
    """safe_load that refuses duplicate keys (YAML would silently keep the last one)."""


def _mapping(loader: _StrictLoader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_StrictLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def _yaml(text: str) -> Any:
    return yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects


# -- Markdown files ------------------------------------------------------------------------------------


class _Section:
    def __init__(self, title: str, sid: str | None):
        self.title = title
        self.id = sid
        self.body: list[str] = []
        self.hints: list[list[str]] = []

    def add(self, line: str) -> None:
        (self.hints[-1] if self.hints else self.body).append(line)


def parse_markdown(text: str, where: str) -> tuple[dict[str, str], _Section, list[_Section],
                                                    _Section | None, list[str]]:
    """Split a locale file into front matter, intro, step sections and outro; collect errors."""
    errors: list[str] = []
    front: dict[str, str] = {}
    lines = text.replace("\r\n", "\n").split("\n")
    if not lines or lines[0].strip() != "---":
        errors.append(f"{where}: must start with front matter: a line '---', then title: and "
                      "summary:, then '---'")
        body_start = 0
    else:
        try:
            end = next(i for i in range(1, len(lines)) if lines[i].strip() == "---")
        except StopIteration:
            errors.append(f"{where}: the front matter is not closed by a line '---'")
            end = len(lines) - 1
        try:
            data = _yaml("\n".join(lines[1:end])) or {}
        except yaml.YAMLError as err:
            errors.append(f"{where}: front matter: {err}")
            data = {}
        if not isinstance(data, dict):
            errors.append(f"{where}: front matter must be a mapping with title: and summary:")
            data = {}
        for key in data:
            if key not in FRONT_KEYS:
                errors.append(f"{where}: front matter: unknown key {key!r}; expected: "
                              f"{', '.join(FRONT_KEYS)}")
        for key in FRONT_KEYS:
            value = data.get(key)
            if not isinstance(value, str) or not value.strip():
                errors.append(f"{where}: front matter: {key!r} must be a non-empty string")
            else:
                front[key] = value.strip()
        body_start = end + 1

    intro = _Section("", None)
    sections: list[_Section] = []
    outro: _Section | None = None
    current = intro
    fence: str | None = None
    for number, line in enumerate(lines[body_start:], start=body_start + 1):
        match = FENCE.match(line)
        if fence is not None:
            if match and match.group("fence")[0] == fence[0] and len(match.group("fence")) >= len(fence) \
                    and not line.strip().strip(fence[0]):
                fence = None
            current.add(line)
            continue
        if match:
            fence = match.group("fence")
            current.add(line)
            continue
        if line.startswith("## "):
            step = STEP_HEADING.match(line)
            end_part = OUTRO_HEADING.match(line)
            if step:
                if outro is not None:
                    errors.append(f"{where}:{number}: a step section after the {{.outro}} section")
                if not ID_RE.match(step.group("id")):
                    errors.append(f"{where}:{number}: bad step id {step.group('id')!r} (lower-case "
                                  "letters, digits and dashes)")
                if not step.group("title"):
                    errors.append(f"{where}:{number}: the step heading needs a title before {{#id}}")
                current = _Section(step.group("title"), step.group("id"))
                sections.append(current)
            elif end_part:
                if outro is not None:
                    errors.append(f"{where}:{number}: a second {{.outro}} section")
                current = outro = _Section(end_part.group("title"), None)
            else:
                errors.append(f"{where}:{number}: a '## ' heading must end with {{#step-id}} (a "
                              "step) or {.outro} (the closing section)")
            continue
        if line.startswith("# "):
            errors.append(f"{where}:{number}: no '# ' headings: the title comes from the front matter")
            continue
        if line.startswith("### ") and HINT_HEADING.match(line):
            if current is outro:
                errors.append(f"{where}:{number}: hints belong to a step, not to the {{.outro}} section")
            current.hints.append([])
            continue
        current.add(line)
    if fence is not None:
        errors.append(f"{where}: a fenced code block is not closed")
    return front, intro, sections, outro, errors


def _md(lines: list[str]) -> str:
    return "\n".join(lines).strip("\n") + ("\n" if any(s.strip() for s in lines) else "")


# -- entries ---------------------------------------------------------------------------------------------


def _entry(data: Any, where: str, errors: list[str], *, interactive: bool = True) -> Entry | None:
    if isinstance(data, str):
        data = {"line": data}
    if not isinstance(data, dict):
        errors.append(f"{where}: expected a command line, or a mapping with line:/input:, sleep: or "
                      "file:/text:")
        return None
    unknown = [k for k in data if k not in ENTRY_KEYS]
    if unknown:
        errors.append(f"{where}: unknown key {unknown[0]!r}; expected: {', '.join(ENTRY_KEYS)}")
        return None
    if "file" in data or "text" in data:
        if not interactive:
            errors.append(f"{where}: set-up has command lines only (seed files with files:)")
            return None
        others = [k for k in data if k not in ("file", "text")]
        if others or "file" not in data or "text" not in data:
            errors.append(f"{where}: a file entry has exactly file: (a workspace name) and text:")
            return None
        return _file_entry(data["file"], data["text"], where, errors)
    if ("line" in data) == ("sleep" in data):
        errors.append(f"{where}: give either line: (a console line) or sleep: (seconds)")
        return None
    if "sleep" in data:
        if not interactive:
            errors.append(f"{where}: set-up has command lines only (no sleep:)")
            return None
        seconds = data["sleep"]
        if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not 0 < seconds <= 600:
            errors.append(f"{where}: sleep: expected seconds between 0 and 600, got {seconds!r}")
            return None
        if "input" in data:
            errors.append(f"{where}: input: belongs with line:, not sleep:")
        return Entry(sleep=float(seconds))
    line = data["line"]
    if not isinstance(line, str) or not (line == "docker" or line.startswith("docker ")):
        errors.append(f"{where}: line: expected a console line starting with 'docker ', got {line!r}")
        return None
    keys: tuple[str, ...] = ()
    if "input" in data:
        if not interactive:
            errors.append(f"{where}: set-up commands cannot take input: (they must return at once)")
            return None
        raw = data["input"]
        raw = [raw] if isinstance(raw, str) else raw
        if not isinstance(raw, list) or not raw or not all(isinstance(k, str) and k for k in raw):
            errors.append(f"{where}: input: expected keystrokes (a string, or a list of strings)")
            return None
        keys = tuple(raw)
    return Entry(line=line, input=keys)


def _file_entry(name: Any, text: Any, where: str, errors: list[str]) -> Entry | None:
    """A workspace file as the editor would write it: the workspace's own rules say if it may."""
    if not isinstance(text, str):
        errors.append(f"{where}: {name!r}: text: expected the file's text (a string)")
        return None
    try:
        Workspace().write(name, text)
    except WorkspaceError as err:
        errors.append(f"{where}: {err}")
        return None
    return Entry(file=name, text=text)


def _files(data: Any, where: str, errors: list[str]) -> tuple[Entry, ...]:
    """`files:` (name: text), validated together: the seeded workspace must fit its limits."""
    if data is None:
        return ()
    if not isinstance(data, dict) or not data:
        errors.append(f"{where}: expected a mapping of file name: text")
        return ()
    out = []
    together = Workspace()
    for name, text in data.items():
        entry = _file_entry(name, text, f"{where}: {name}", errors)
        if entry is None:
            continue
        try:
            together.write(name, text)
        except WorkspaceError as err:
            errors.append(f"{where}: {err}")
            continue
        out.append(entry)
    return tuple(out)


def _entries(data: Any, where: str, errors: list[str], *, interactive: bool = True,
             required: bool = True) -> tuple[Entry, ...]:
    if data is None and not required:
        return ()
    if not isinstance(data, list) or (required and not data):
        errors.append(f"{where}: expected a {'non-empty ' if required else ''}list of command lines")
        return ()
    out = []
    for i, item in enumerate(data):
        entry = _entry(item, f"{where}[{i}]", errors, interactive=interactive)
        if entry is not None:
            out.append(entry)
    return tuple(out)


def images_used(line: str) -> list[str]:
    """The images a console line runs, creates or pulls (familiar refs); [] if it does not parse."""
    try:
        argv = split_line(line)
        if not argv or argv[0] != "docker":
            return []
        cmd = parse_argv(argv[1:])
    except CliError:
        return []
    if cmd.help or cmd.command not in ("run", "create", "pull") or not cmd.args:
        return []
    return [normalize_ref(cmd.args[0])]


def built_tags(line: str) -> list[str]:
    """The tags a `docker build` line gives its image (`-t`/`--tag`), in familiar form."""
    try:
        argv = split_line(line)
    except CliError:
        return []
    if argv[:2] != ["docker", "build"] and argv[:3] not in (["docker", "image", "build"],
                                                            ["docker", "buildx", "build"]):
        return []
    tags = []
    for i, arg in enumerate(argv):
        if arg in ("-t", "--tag") and i + 1 < len(argv):
            tags.append(argv[i + 1])
        elif arg.startswith("--tag="):
            tags.append(arg.removeprefix("--tag="))
        elif arg.startswith("-t") and len(arg) > 2 and not arg.startswith("--"):
            tags.append(arg[2:].removeprefix("="))
    return [normalize_ref(t) for t in tags if t]


FROM_LINE = re.compile(r"^[ \t]*FROM[ \t]+(?:--\S+[ \t]+)*(?P<ref>[^\s#]+)(?:[ \t]+AS[ \t]+(?P<stage>\S+))?",
                       re.IGNORECASE | re.MULTILINE)


def base_images(text: str) -> list[str]:
    """The images a Dockerfile's FROM lines start from (not `scratch`, not earlier stages)."""
    stages: set[str] = set()
    out = []
    for match in FROM_LINE.finditer(text):
        ref = match.group("ref")
        if ref.lower() != "scratch" and ref.lower() not in stages and "$" not in ref:
            out.append(normalize_ref(ref))
        if match.group("stage"):
            stages.add(match.group("stage").lower())
    return out


# -- one lesson ------------------------------------------------------------------------------------------


def load_lesson(folder: Path, *, catalogue: dict[str, Any] | None = None) -> Lesson:
    """Load and validate `folder`; raise `LessonError` listing every problem found."""
    catalogue = CATALOGUE if catalogue is None else catalogue
    errors: list[str] = []
    yaml_path = folder / LESSON_FILE
    where = _rel(yaml_path)
    try:
        data = _yaml(yaml_path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise LessonError([f"{_rel(folder)}: no {LESSON_FILE}"]) from None
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as err:
        raise LessonError([f"{where}: {err}"]) from None
    if not isinstance(data, dict):
        raise LessonError([f"{where}: expected a mapping (id:, order:, steps:, ...)"])

    kind = data.get("kind", "lesson")
    if kind not in KINDS:
        errors.append(f"{where}: kind: expected one of {', '.join(KINDS)}, got {kind!r}")
        kind = "lesson"
    allowed = LESSON_KEYS if kind == "lesson" else CHALLENGE_KEYS
    for key in data:
        if key not in allowed:
            errors.append(f"{where}: unknown key {key!r}; a {kind} has: {', '.join(allowed)}")

    lesson_id = data.get("id")
    if not isinstance(lesson_id, str) or not ID_RE.match(lesson_id):
        errors.append(f"{where}: id: expected lower-case letters, digits and dashes, got {lesson_id!r}")
        lesson_id = folder.name
    elif lesson_id != folder.name:
        errors.append(f"{where}: id {lesson_id!r} must be the folder's name ({folder.name!r})")
    order = data.get("order")
    if isinstance(order, bool) or not isinstance(order, int) or order < 1:
        errors.append(f"{where}: order: expected a whole number ≥ 1, got {order!r}")
        order = 0

    images: list[str] = []
    raw_images = data.get("images")
    if not isinstance(raw_images, list) or not raw_images:
        errors.append(f"{where}: images: expected the list of images the lesson uses")
    else:
        for i, ref in enumerate(raw_images):
            if not isinstance(ref, str) or not ref:
                errors.append(f"{where}: images[{i}]: expected an image reference")
                continue
            norm = normalize_ref(ref)
            if norm not in catalogue:
                errors.append(f"{where}: images[{i}]: unknown image {ref!r}; the catalogue has: "
                              f"{', '.join(sorted(catalogue))}")
            images.append(norm)

    files = _files(data.get("files"), f"{where}: files", errors)
    setup = files + _entries(data.get("setup"), f"{where}: setup", errors, interactive=False,
                             required=False)

    steps: list[Step] = []
    goal = None
    best = None
    if kind == "lesson":
        raw_steps = data.get("steps")
        if not isinstance(raw_steps, list) or not raw_steps:
            errors.append(f"{where}: steps: expected a non-empty list")
            raw_steps = []
        seen: set[str] = set()
        for i, raw in enumerate(raw_steps):
            step = _step(raw, f"{where}: steps[{i}]", errors)
            if step is None:
                continue
            if step.id in seen:
                errors.append(f"{where}: steps[{i}]: duplicate step id {step.id!r}")
            seen.add(step.id)
            steps.append(step)
    else:
        for key in ("goal", "best", "solution"):
            if key not in data:
                errors.append(f"{where}: a challenge needs {key}:")
        try:
            goal = compile_goal(data.get("goal"), "goal") if "goal" in data else None
        except CheckError as err:
            errors.append(f"{where}: {err}")
        best = data.get("best")
        if "best" in data and (isinstance(best, bool) or not isinstance(best, int) or best < 1):
            errors.append(f"{where}: best: expected the best known number of commands (≥ 1)")
            best = None
        solution = _entries(data.get("solution"), f"{where}: solution", errors)
        if goal is not None:
            steps.append(Step(GOAL_STEP, goal, data.get("goal"), solution))

    text: dict[str, LessonText] = {}
    step_ids = [s.id for s in steps]
    for path in sorted(folder.glob("*.md")):
        if path.stem not in LOCALES:
            errors.append(f"{_rel(path)}: unknown locale {path.stem!r}; lessons are written in: "
                          f"{', '.join(LOCALES)} (notes for authors belong in lessons/README.md)")
    for locale in LOCALES:
        path = folder / f"{locale}.md"
        if not path.is_file():
            errors.append(f"{_rel(folder)}: missing {locale}.md (every lesson exists in "
                          f"{', '.join(LOCALES)})")
            continue
        loaded = _locale_text(path, locale, kind, step_ids, errors)
        if loaded is not None:
            text[locale] = loaded

    if len(text) == len(LOCALES):
        for step_id in step_ids:
            counts = {loc: len(text[loc].steps[step_id].hints) for loc in LOCALES
                      if step_id in text[loc].steps}
            if len(set(counts.values())) > 1:
                detail = ", ".join(f"{loc}: {n}" for loc, n in counts.items())
                errors.append(f"{_rel(folder)}: step {step_id!r} has different numbers of hints per "
                              f"locale ({detail})")

    used = [(e.line, f"{where}: setup") for e in setup if e.line] + [
        (e.line, f"{where}: step {s.id!r} solution") for s in steps for e in s.solution if e.line]
    for locale, lt in text.items():
        texts = [lt.intro, lt.outro] + [st.body for st in lt.steps.values()] + [
            h for st in lt.steps.values() for h in st.hints]
        used += [(line, f"{_rel(folder / (locale + '.md'))}") for t in texts for line in commands_in(t)]
    built = {tag for line, _ in used for tag in built_tags(line or "")}
    for line, place in used:
        for ref in images_used(line or ""):
            if images and ref not in images and ref not in built:
                errors.append(f"{place}: {line!r} uses {ref}, which is not in images: (add it, so "
                              "the real-daemon engine has it)")
    written = [(e.file, e.text, f"{where}: files") for e in setup if e.file is not None] + [
        (e.file, e.text, f"{where}: step {s.id!r} solution") for s in steps for e in s.solution
        if e.file is not None]
    for name, content, place in written:
        for ref in base_images(content):
            if images and ref not in images and ref not in built:
                errors.append(f"{place}: {name} starts FROM {ref}, which is not in images: (add "
                              "it, so the real-daemon engine has it)")

    if errors:
        raise LessonError(errors)
    return Lesson(id=lesson_id, order=order, kind=kind, images=tuple(images), setup=setup,
                  steps=tuple(steps), text=text, goal=goal, best=best, path=_rel(folder),
                  files=tuple((e.file, e.text) for e in files if e.file is not None))


def _step(raw: Any, where: str, errors: list[str]) -> Step | None:
    if not isinstance(raw, dict):
        errors.append(f"{where}: expected a mapping with id:, check: and solution:")
        return None
    for key in raw:
        if key not in STEP_KEYS:
            errors.append(f"{where}: unknown key {key!r}; a step has: {', '.join(STEP_KEYS)}")
    step_id = raw.get("id")
    if not isinstance(step_id, str) or not ID_RE.match(step_id):
        errors.append(f"{where}: id: expected lower-case letters, digits and dashes, got {step_id!r}")
        return None
    where = f"{where} ({step_id})"
    if "check" not in raw:
        errors.append(f"{where}: missing check:")
        return None
    try:
        check = compile_check(raw["check"], "check")
    except CheckError as err:
        errors.append(f"{where}: {err}")
        return None
    if any(c.kind == "goal" for c in check.walk()):
        errors.append(f"{where}: goal: checks are for challenges (kind: challenge)")
    solution = _entries(raw.get("solution"), f"{where}: solution", errors)
    return Step(step_id, check, raw["check"], solution)


def _locale_text(path: Path, locale: str, kind: str, step_ids: list[str],
                 errors: list[str]) -> LessonText | None:
    where = _rel(path)
    try:
        raw = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as err:
        errors.append(f"{where}: {err}")
        return None
    front, intro, sections, outro, problems = parse_markdown(raw, where)
    errors.extend(problems)
    steps: dict[str, StepText] = {}
    if kind == "challenge":
        if sections:
            errors.append(f"{where}: a challenge has no step sections: state the goal in the text, "
                          "and give hints as '### Hint {.hint}' sections")
        if not intro.hints:
            errors.append(f"{where}: a challenge needs at least one '### … {{.hint}}' section")
        if not _md(intro.body).strip():
            errors.append(f"{where}: the challenge's goal text is empty")
        hints = tuple(_md(h) for h in intro.hints)
        steps[GOAL_STEP] = StepText(translate(locale, "goal"), "", hints, "",
                                    tuple(render_markdown(h, locale) for h in hints))
    else:
        if intro.hints:
            errors.append(f"{where}: hints before the first step: put them under their step")
        found = [s.id for s in sections]
        if found != step_ids:
            missing = [s for s in step_ids if s not in found]
            extra = [s for s in found if s not in step_ids]
            detail = []
            if missing:
                detail.append(f"missing sections for {', '.join(missing)}")
            if extra:
                detail.append(f"sections for unknown steps {', '.join(extra)}")
            if not detail:
                detail.append(f"sections out of order: expected {', '.join(step_ids)}")
            errors.append(f"{where}: the step sections must match lesson.yaml's steps, in order: "
                          + "; ".join(detail))
        for section in sections:
            assert section.id is not None
            if not _md(section.body).strip():
                errors.append(f"{where}: step {section.id!r} has no text")
            if not section.hints:
                errors.append(f"{where}: step {section.id!r} needs at least one '### … {{.hint}}' "
                              "section")
            body = _md(section.body)
            hints = tuple(_md(h) for h in section.hints)
            for i, hint in enumerate(hints):
                if not hint.strip():
                    errors.append(f"{where}: step {section.id!r}: hint {i + 1} is empty")
            steps[section.id] = StepText(section.title, body, hints, render_markdown(body, locale),
                                         tuple(render_markdown(h, locale) for h in hints))
    intro_md = _md(intro.body)
    outro_md = _md(outro.body) if outro is not None else ""
    return LessonText(front.get("title", ""), front.get("summary", ""), intro_md, outro_md, steps,
                      render_markdown(intro_md, locale), render_markdown(outro_md, locale))


def _rel(path: Path) -> str:
    """A path for messages: from the lessons root's parent (e.g. lessons/why-exit/en.md)."""
    parts = path.resolve().parts
    if "lessons" in parts:
        i = len(parts) - 1 - parts[::-1].index("lessons")
        return "/".join(parts[i:])
    return "/".join(parts[-2:])


# -- all lessons -----------------------------------------------------------------------------------------


def load_lessons(root: Path | str, *, catalogue: dict[str, Any] | None = None) -> list[Lesson]:
    """Every lesson under `root` (one folder each), by order; `LessonError` lists all problems."""
    root = Path(root)
    if not root.is_dir():
        raise LessonError([f"{root}: no such lessons folder"])
    lessons: list[Lesson] = []
    errors: list[str] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))):
        try:
            lessons.append(load_lesson(folder, catalogue=catalogue))
        except LessonError as err:
            errors.extend(err.errors)
    orders: dict[int, str] = {}
    for lesson in lessons:
        if lesson.order in orders:
            errors.append(f"{lesson.path}: order {lesson.order} is also used by {orders[lesson.order]}")
        orders[lesson.order] = lesson.id
    if errors:
        raise LessonError(errors)
    return sorted(lessons, key=lambda lesson: lesson.order)


class Catalog:
    """The loaded lessons, by id and in order, with locale-aware views for the pages."""

    def __init__(self, lessons: list[Lesson]):
        self.lessons = sorted(lessons, key=lambda lesson: lesson.order)
        self.by_id = {lesson.id: lesson for lesson in self.lessons}

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self.lessons)

    def __len__(self) -> int:
        return len(self.lessons)

    def get(self, lesson_id: str) -> Lesson | None:
        return self.by_id.get(lesson_id)

    def number(self, lesson_id: str) -> int | None:
        for i, lesson in enumerate(self.lessons, start=1):
            if lesson.id == lesson_id:
                return i
        return None

    def next_id(self, lesson_id: str) -> str | None:
        ids = [lesson.id for lesson in self.lessons]
        i = ids.index(lesson_id) if lesson_id in ids else -1
        return ids[i + 1] if 0 <= i < len(ids) - 1 else None

    def view(self, lesson_id: str, locale: str = DEFAULT_LOCALE,
             done: set[str] | frozenset[str] = frozenset()) -> dict[str, Any] | None:
        lesson = self.get(lesson_id)
        if lesson is None:
            return None
        return lesson.view(locale, done, self.number(lesson_id), self.next_id(lesson_id))

    def listing(self, locale: str = DEFAULT_LOCALE,
                completed: set[str] | frozenset[str] = frozenset()) -> list[dict[str, Any]]:
        return [{"id": lesson.id, "order": lesson.order, "kind": lesson.kind,
                 "title": lesson.title(locale), "summary": lesson.summary(locale),
                 "title_html": render_inline(lesson.t(locale).title, locale),
                 "summary_html": render_inline(lesson.t(locale).summary, locale),
                 "steps": len(lesson.steps), "done": lesson.id in completed,
                 **({"best": lesson.best} if lesson.kind == "challenge" else {})}
                for lesson in self.lessons]
