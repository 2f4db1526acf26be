"""The check vocabulary: declarative conditions on an engine's containers, events and commands.

A lesson step says *what* must be true, never how to test it: checks are data (YAML in the lesson
files), compiled once by `compile_check` into small objects that `evaluate` runs against any engine
exposing the three things both engines provide (`webapp.engine.base.EngineView`):

* `containers()`: a list of dicts with `name`, `id`, `image`, `state` (a `lifecycle.STATE_IDS` id),
  `exit_code`, `status`, `restart_count` and `health` (a `lifecycle.HEALTH_IDS` id or None);
* `history`: the Docker events it emitted (`.type`, `.action`, `.actor_id`, `.attributes` with
  `name`, `image`, `exitCode`, `signal`, ...), oldest first;
* `commands`: the learner's command records (`line`, `command`, `options`, `args`, `exit_code`).

`image_present` also needs `images()` (dicts with a familiar `ref`; every `Engine` has it), and
`image` the engine's API (`engine.api.image_inspect`, both engines have it).

Kinds (lessons/README.md has the author's version, with examples):

    all: [CHECK, ...]         every one holds          any: [CHECK, ...]   at least one holds
    not: CHECK                it does not hold
    container: FILTER         some container matches   no_container: FILTER   none matches
    count: FILTER + at_least / at_most / exactly
    event: {action, type, container, image, exitCode, signal, attributes, since, at_least}
    ran: {command, options, args, image, cmd, line_matches, exit_code, since, at_least}
    image_present: REF
    image: {name, cmd, entrypoint, healthcheck, stop_signal}   (as `docker image inspect` shows it)
    stop_took: {container, image, under, at_least, since}     (the last `docker stop`, in seconds)
    goal: {containers: [FILTER + had_events], only, new, requires: [CHECK, ...]}
                              (a challenge's target state)

FILTER keys: name, image, state, exit_code, restart_count, min_restart_count, status_matches,
health.
`since` is `step` (the default: since the step became active), `lesson` (since the lesson started,
after its set-up) or `ever` (the whole history).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from ..engine.api import ApiError, DaemonUnavailable, Refused
from ..engine.base import EngineView, ListsImages
from ..engine.events import Event
from ..engine.images import normalize_ref
from ..engine.job import CommandRecord
from ..engine.lifecycle import HEALTH_IDS, STATE_IDS
from ..engine.sim.signals import InvalidSignal, parse_signal
from ..ui_text import translate

SCOPES = ("step", "lesson", "ever")
# States a listed container can be in ("image" and "removed" are graph nodes, not container states).
CONTAINER_STATES = tuple(s for s in STATE_IDS if s not in ("image", "removed"))


class CheckError(ValueError):
    """A check that does not follow the vocabulary; `path` says where (e.g. `check.all[1].event`)."""

    def __init__(self, path: str, message: str):
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


# -- marks: "since when" ---------------------------------------------------------------------------


@dataclass
class Mark:
    """A point in an engine's history: what came after it is "since" the mark.

    Counts say how many events and commands existed at the mark (they survive persistence and a
    deterministic replay); the last objects themselves, when known, make the cut exact even after
    the engine's bounded history dropped old entries.
    """

    events: int = 0
    commands: int = 0
    last_event: Event | None = field(default=None, compare=False, repr=False)
    last_command: CommandRecord | None = field(default=None, compare=False, repr=False)

    @classmethod
    def take(cls, engine: EngineView) -> Mark:
        history, commands = engine.history, engine.commands
        return cls(len(history), len(commands), history[-1] if len(history) else None,
                   commands[-1] if len(commands) else None)

    def to_data(self) -> list[int]:
        return [self.events, self.commands]

    @classmethod
    def from_data(cls, data: Any, engine: EngineView | None = None) -> Mark:
        """A persisted mark, re-anchored on `engine` (rebuilt by replaying the same log)."""
        events, commands = (int(data[0]), int(data[1])) if isinstance(data, list | tuple) else (0, 0)
        mark = cls(events, commands)
        if engine is not None:
            history, records = engine.history, engine.commands
            if 0 < events <= len(history):
                mark.last_event = history[events - 1]
            if 0 < commands <= len(records):
                mark.last_command = records[commands - 1]
        return mark

    def events_after(self, history: Sequence[Event]) -> list[Event]:
        return _after(history, self.events, self.last_event)

    def commands_after(self, commands: Sequence[CommandRecord]) -> list[CommandRecord]:
        return _after(commands, self.commands, self.last_command)


_T = TypeVar("_T")


def _after(items: Sequence[_T], count: int, last: _T | None) -> list[_T]:
    items = list(items)
    if last is not None:
        for index in range(len(items) - 1, -1, -1):
            if items[index] is last:
                return items[index + 1:]
        return items  # the marker was dropped (bounded history) or the engine was replaced
    if count > len(items):
        return items  # a new engine (sandbox reset): everything in it is new
    return items[count:]


# -- evaluation context ------------------------------------------------------------------------------


class Context:
    """One evaluation: the engine's state read once, and the `since` windows."""

    def __init__(self, engine: EngineView, since: Mark | None = None,
                 lesson_since: Mark | None = None):
        self.engine = engine
        self.since = since
        self.lesson_since = lesson_since
        self._containers: list[dict[str, Any]] | None = None
        self._history: list[Event] | None = None
        self._commands: list[CommandRecord] | None = None
        self._images: set[str] | None = None
        self._inspected: dict[str, dict[str, Any] | None] = {}

    def image_inspect(self, ref: str) -> dict[str, Any] | None:
        if ref not in self._inspected:
            self._inspected[ref] = image_inspect(self.engine, ref)
        return self._inspected[ref]

    @property
    def containers(self) -> list[dict[str, Any]]:
        if self._containers is None:
            self._containers = list(self.engine.containers())
        return self._containers

    @property
    def history(self) -> list[Event]:
        if self._history is None:
            self._history = list(self.engine.history)
        return self._history

    @property
    def command_records(self) -> list[CommandRecord]:
        if self._commands is None:
            self._commands = list(self.engine.commands)
        return self._commands

    def _mark(self, scope: str) -> Mark | None:
        if scope == "step":
            return self.since
        if scope == "lesson":
            return self.lesson_since
        return None

    def events(self, scope: str) -> list[Event]:
        mark = self._mark(scope)
        return self.history if mark is None else mark.events_after(self.history)

    def commands(self, scope: str) -> list[CommandRecord]:
        mark = self._mark(scope)
        return self.command_records if mark is None else mark.commands_after(self.command_records)

    def images(self) -> set[str] | None:
        if self._images is None:
            if not isinstance(self.engine, ListsImages):  # a view of containers and history only
                return None
            self._images = {normalize_ref(str(i.get("ref", ""))) for i in self.engine.images()}
        return self._images


# -- localized words -----------------------------------------------------------------------------------
# The sentences are webapp/ui_text.py's `check_*` entries; these two are the same in every language.

AND = "; "
ANY_COMMAND = "docker …"


def _w(locale: str, key: str) -> str:
    """The check text `key` in `locale`, its placeholders left for str.format."""
    return str(translate(locale, "check_" + key))


def _listing(values: Any) -> str:
    if isinstance(values, list | tuple):
        return " | ".join(str(v) for v in values)
    return str(values)


# -- the check objects ---------------------------------------------------------------------------------


class Check:
    """A compiled check: `holds(ctx)`, a description, and what is missing when it does not hold."""

    kind = ""

    def holds(self, ctx: Context) -> bool:
        raise NotImplementedError

    def describe(self, locale: str) -> str:
        raise NotImplementedError

    def missing(self, ctx: Context, locale: str) -> list[str]:
        """Sentences saying what is still missing (empty when the check holds)."""
        return [] if self.holds(ctx) else [self.describe(locale)]

    def walk(self) -> Iterable[Check]:
        yield self


@dataclass
class AllOf(Check):
    parts: list[Check]
    kind = "all"

    def holds(self, ctx: Context) -> bool:
        return all(p.holds(ctx) for p in self.parts)

    def describe(self, locale: str) -> str:
        return _w(locale, "all").format(AND.join(p.describe(locale) for p in self.parts))

    def missing(self, ctx: Context, locale: str) -> list[str]:
        return [m for p in self.parts for m in p.missing(ctx, locale)]

    def walk(self) -> Iterable[Check]:
        yield self
        for p in self.parts:
            yield from p.walk()


@dataclass
class AnyOf(Check):
    parts: list[Check]
    kind = "any"

    def holds(self, ctx: Context) -> bool:
        return any(p.holds(ctx) for p in self.parts)

    def describe(self, locale: str) -> str:
        return _w(locale, "one_of").format(" / ".join(p.describe(locale) for p in self.parts))

    def missing(self, ctx: Context, locale: str) -> list[str]:
        return [] if self.holds(ctx) else [self.describe(locale)]

    def walk(self) -> Iterable[Check]:
        yield self
        for p in self.parts:
            yield from p.walk()


@dataclass
class Not(Check):
    part: Check
    kind = "not"

    def holds(self, ctx: Context) -> bool:
        return not self.part.holds(ctx)

    def describe(self, locale: str) -> str:
        return _w(locale, "must_not").format(self.part.describe(locale))

    def walk(self) -> Iterable[Check]:
        yield self
        yield from self.part.walk()


# -- containers ------------------------------------------------------------------------------------

FILTER_KEYS = ("name", "image", "state", "exit_code", "restart_count", "min_restart_count",
               "status_matches", "health")


@dataclass
class ContainerFilter:
    """Which containers a check talks about; every given key must match."""

    name: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    state: tuple[str, ...] = ()
    exit_code: tuple[int, ...] = ()
    restart_count: int | None = None
    min_restart_count: int | None = None
    status_matches: re.Pattern[str] | None = None
    health: tuple[str, ...] = ()  # the health check's verdict (lifecycle.HEALTH_IDS)
    had_events: tuple[str, ...] = ()  # goals only: actions the container received since the lesson

    def matches(self, c: dict[str, Any], ctx: Context | None = None) -> bool:
        if self.name and c.get("name") not in self.name:
            return False
        if self.image and normalize_ref(str(c.get("image", ""))) not in self.image:
            return False
        if self.state and c.get("state") not in self.state:
            return False
        if self.exit_code and c.get("exit_code") not in self.exit_code:
            return False
        if self.restart_count is not None and c.get("restart_count") != self.restart_count:
            return False
        if self.min_restart_count is not None and (c.get("restart_count") or 0) < self.min_restart_count:
            return False
        if self.status_matches is not None and not self.status_matches.search(str(c.get("status", ""))):
            return False
        if self.health and c.get("health") not in self.health:
            return False
        if self.had_events and ctx is not None:
            seen = {_base_action(e.action) for e in ctx.events("lesson")
                    if e.type == "container" and e.actor_id == c.get("id")}
            if not set(self.had_events) <= seen:
                return False
        return True

    def describe(self, locale: str) -> str:
        parts = []
        for key in ("name", "image", "state", "exit_code", "health"):
            value = getattr(self, key)
            if value:
                parts.append(f"{_w(locale, key)}: {_listing(value)}")
        for key in ("restart_count", "min_restart_count"):
            value = getattr(self, key)
            if value is not None:
                parts.append(f"{_w(locale, key)}: {value}")
        if self.status_matches is not None:
            parts.append(f"{_w(locale, 'status_matches')}: /{self.status_matches.pattern}/")
        if self.had_events:
            parts.append(f"{_w(locale, 'had_events')}: {', '.join(self.had_events)}")
        if not parts:
            return _w(locale, "any_container")
        return _w(locale, "a_container").format(", ".join(parts))

    def view(self) -> dict[str, Any]:
        """JSON-friendly form (for the page's target graph)."""
        out: dict[str, Any] = {}
        for key in ("name", "image", "state", "exit_code", "health"):
            value = getattr(self, key)
            if value:
                out[key] = value[0] if len(value) == 1 else list(value)
        for key in ("restart_count", "min_restart_count"):
            if getattr(self, key) is not None:
                out[key] = getattr(self, key)
        if self.status_matches is not None:
            out["status_matches"] = self.status_matches.pattern
        if self.had_events:
            out["had_events"] = list(self.had_events)
        return out


def _current(ctx: Context, flt: ContainerFilter, locale: str) -> list[str]:
    """For a named container: where it is now (the most useful hint)."""
    notes = []
    for name in flt.name:
        found = [c for c in ctx.containers if c.get("name") == name]
        if not found:
            notes.append(_w(locale, "no_such").format(name=name))
            continue
        c = found[0]
        key = "currently" if c.get("state") in ("exited", "created", "dead") else "currently_running"
        notes.append(_w(locale, key).format(name=name, state=c.get("state"), code=c.get("exit_code"),
                                            image=c.get("image")))
    return notes


@dataclass
class ContainerExists(Check):
    filter: ContainerFilter
    kind = "container"

    def holds(self, ctx: Context) -> bool:
        return any(self.filter.matches(c, ctx) for c in ctx.containers)

    def describe(self, locale: str) -> str:
        return self.filter.describe(locale)

    def missing(self, ctx: Context, locale: str) -> list[str]:
        if self.holds(ctx):
            return []
        return [_w(locale, "no_match").format(self.describe(locale)), *_current(ctx, self.filter, locale)]


@dataclass
class NoContainer(Check):
    filter: ContainerFilter
    kind = "no_container"

    def holds(self, ctx: Context) -> bool:
        return not any(self.filter.matches(c, ctx) for c in ctx.containers)

    def describe(self, locale: str) -> str:
        return _w(locale, "none_of").format(self.filter.describe(locale))

    def missing(self, ctx: Context, locale: str) -> list[str]:
        found = [c for c in ctx.containers if self.filter.matches(c, ctx)]
        if not found:
            return []
        names = ", ".join(f"{c.get('name')} ({c.get('state')})" for c in found)
        return [_w(locale, "still_there").format(names)]


@dataclass
class Count(Check):
    filter: ContainerFilter
    at_least: int | None = None
    at_most: int | None = None
    exactly: int | None = None
    kind = "count"

    def _n(self, ctx: Context) -> int:
        return sum(1 for c in ctx.containers if self.filter.matches(c, ctx))

    def holds(self, ctx: Context) -> bool:
        n = self._n(ctx)
        if self.exactly is not None and n != self.exactly:
            return False
        if self.at_least is not None and n < self.at_least:
            return False
        return not (self.at_most is not None and n > self.at_most)

    def describe(self, locale: str) -> str:
        what = self.filter.describe(locale)
        parts = []
        if self.exactly is not None:
            parts.append(_w(locale, "count_exactly").format(n=self.exactly, what=what))
        if self.at_least is not None:
            parts.append(_w(locale, "count_at_least").format(n=self.at_least, what=what))
        if self.at_most is not None:
            parts.append(_w(locale, "count_at_most").format(n=self.at_most, what=what))
        return AND.join(parts)

    def missing(self, ctx: Context, locale: str) -> list[str]:
        if self.holds(ctx):
            return []
        return [self.describe(locale), _w(locale, "you_have").format(n=self._n(ctx))]


# -- events ----------------------------------------------------------------------------------------


def _base_action(action: str) -> str:
    """`exec_start: bash ` -> `exec_start`, `health_status: healthy` -> `health_status`."""
    return action.split(":", 1)[0].strip()


@dataclass
class EventCheck(Check):
    action: str
    type: str = "container"
    container: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    attributes: dict[str, tuple[str, ...]] = field(default_factory=dict)
    since: str = "step"
    at_least: int = 1
    kind = "event"

    def _matches(self, e: Event) -> bool:
        if e.type != self.type:
            return False
        if e.action != self.action and _base_action(e.action) != self.action:
            return False
        attrs = e.attributes or {}
        if self.container and attrs.get("name") not in self.container:
            return False
        if self.image and normalize_ref(str(attrs.get("image", e.actor_id if e.type == "image" else "")))\
                not in self.image:
            return False
        return all(str(attrs.get(k)) in values for k, values in self.attributes.items())

    def _n(self, ctx: Context) -> int:
        return sum(1 for e in ctx.events(self.since) if self._matches(e))

    def holds(self, ctx: Context) -> bool:
        return self._n(ctx) >= self.at_least

    def _attrs(self, locale: str) -> str:
        parts = []
        if self.container:
            parts.append(f"{_w(locale, 'container')}: {_listing(self.container)}")
        if self.image:
            parts.append(f"{_w(locale, 'image')}: {_listing(self.image)}")
        for key, values in self.attributes.items():
            parts.append(f"{key}: {_listing(values)}")
        if self.type != "container":
            parts.insert(0, f"{_w(locale, 'type')}: {self.type}")
        return f" ({', '.join(parts)})" if parts else ""

    def describe(self, locale: str) -> str:
        if self.at_least > 1:
            return _w(locale, "events_n").format(n=self.at_least, action=self.action,
                                                 attrs=self._attrs(locale))
        return _w(locale, "event").format(action=self.action, attrs=self._attrs(locale))

    def missing(self, ctx: Context, locale: str) -> list[str]:
        n = self._n(ctx)
        if n >= self.at_least:
            return []
        scope = _w(locale, f"since_{self.since}") if self.since != "ever" else ""
        out = [_w(locale, "not_seen").format(scope=scope, what=self.describe(locale))]
        if n:
            out.append(_w(locale, "seen_n").format(n=n))
        return out


# -- commands --------------------------------------------------------------------------------------

IMAGE_COMMANDS = ("run", "create", "pull")


@dataclass
class RanCheck(Check):
    command: tuple[str, ...] = ()
    options: dict[str, Any] = field(default_factory=dict)
    args: tuple[str, ...] | None = None
    image: tuple[str, ...] = ()
    cmd: tuple[str, ...] | None = None
    line_matches: re.Pattern[str] | None = None
    exit_code: tuple[int, ...] = ()
    since: str = "step"
    at_least: int = 1
    kind = "ran"

    def _matches(self, r: CommandRecord) -> bool:
        if self.command and r.command not in self.command:
            return False
        for key, want in self.options.items():
            if key not in r.options or r.options[key] != want:
                return False
        if self.args is not None and tuple(r.args) != self.args:
            return False
        if self.image or self.cmd is not None:
            if r.command not in IMAGE_COMMANDS or not r.args:
                return False
            if self.image and normalize_ref(r.args[0]) not in self.image:
                return False
            if self.cmd is not None and tuple(r.args[1:]) != self.cmd:
                return False
        if self.line_matches is not None and not self.line_matches.search(r.line):
            return False
        return not (self.exit_code and r.exit_code not in self.exit_code)

    def _n(self, ctx: Context) -> int:
        return sum(1 for r in ctx.commands(self.since) if self._matches(r))

    def holds(self, ctx: Context) -> bool:
        return self._n(ctx) >= self.at_least

    def describe(self, locale: str) -> str:
        if self.command or self.options or self.args is not None or self.image or self.cmd is not None:
            words = ["docker", _listing(self.command) if self.command else "…"]
            for key, value in self.options.items():
                flag = f"--{key.replace('_', '-')}"
                words.append(flag if value is True else f"{flag} {value}")
            if self.args is not None:
                words.extend(self.args)
            elif self.image:
                words.append(_listing(self.image))
            if self.cmd is not None:
                words.extend(self.cmd)
            text = _w(locale, "ran_n" if self.at_least > 1 else "ran").format(
                cmd=" ".join(words), n=self.at_least)
            if self.line_matches is not None:
                text += f" + {_w(locale, 'matching').format(re=self.line_matches.pattern)}"
        elif self.line_matches is not None:
            text = _w(locale, "matching").format(re=self.line_matches.pattern)
        else:
            text = _w(locale, "ran").format(cmd=ANY_COMMAND, n=self.at_least)
        if self.exit_code:
            text += f", {_w(locale, 'exit_is').format(code=_listing(self.exit_code))}"
        return text

    def missing(self, ctx: Context, locale: str) -> list[str]:
        if self.holds(ctx):
            return []
        scope = _w(locale, f"since_{self.since}") if self.since != "ever" else ""
        return [_w(locale, "not_run").format(scope=scope, what=self.describe(locale))]


# -- images ----------------------------------------------------------------------------------------


@dataclass
class ImagePresent(Check):
    ref: str
    kind = "image_present"

    def holds(self, ctx: Context) -> bool:
        images = ctx.images()
        return images is not None and self.ref in images

    def describe(self, locale: str) -> str:
        return _w(locale, "image_present").format(ref=self.ref)

    def missing(self, ctx: Context, locale: str) -> list[str]:
        images = ctx.images()
        if images is None:
            return [_w(locale, "no_images")]
        return [] if self.ref in images else [_w(locale, "image_missing").format(ref=self.ref)]


# -- built images ----------------------------------------------------------------------------------

_UNSET: Any = object()


def image_inspect(engine: EngineView, ref: str) -> dict[str, Any] | None:
    """`docker image inspect REF` as the learner's engine answers it (None: no such image, or an
    engine that cannot say). Both engines answer from their API without waiting on anything, so
    the coroutine is driven to its end here; one that would wait counts as "cannot say"."""
    api = getattr(engine, "api", None)
    inspect = getattr(api, "image_inspect", None)
    if inspect is None:
        return None
    coro = inspect(ref)
    try:
        coro.send(None)
    except StopIteration as done:
        return done.value if isinstance(done.value, dict) else None
    except (ApiError, DaemonUnavailable, Refused):  # 404: no such image; a daemon that went away
        return None
    coro.close()
    return None


def _signal_name(value: Any) -> str:
    try:
        return str(parse_signal(str(value)))
    except InvalidSignal:
        return str(value)


@dataclass
class ImageCheck(Check):
    """An image (typically one the learner built) whose configuration is as given: `cmd` and
    `entrypoint` exactly (as `docker image inspect` shows `.Config.Cmd` / `.Config.Entrypoint`;
    null for none), `healthcheck` (whether it has one), `stop_signal`, `user`, `workdir`."""

    ref: str
    cmd: Any = _UNSET
    entrypoint: Any = _UNSET
    healthcheck: bool | None = None
    stop_signal: str | None = None
    kind = "image"

    def _differences(self, config: dict[str, Any], locale: str) -> list[str]:
        out = []
        for key, field_name in (("cmd", "Cmd"), ("entrypoint", "Entrypoint")):
            want = getattr(self, key)
            if want is _UNSET:
                continue
            have = config.get(field_name) or None
            if (list(have) if have else None) != want:
                out.append(_w(locale, "image_field").format(
                    ref=self.ref, field=field_name, have=_json(have), want=_json(want)))
        if self.healthcheck is not None:
            test = (config.get("Healthcheck") or {}).get("Test") or []
            has = bool(test) and test[0] != "NONE"
            if has != self.healthcheck:
                out.append(_w(locale, "image_health" if self.healthcheck else "image_no_health")
                           .format(ref=self.ref))
        if self.stop_signal is not None:
            have_signal = config.get("StopSignal") or "SIGTERM"
            if _signal_name(have_signal) != _signal_name(self.stop_signal):
                out.append(_w(locale, "image_field").format(
                    ref=self.ref, field="StopSignal", have=have_signal, want=self.stop_signal))
        return out

    def _config(self, ctx: Context) -> dict[str, Any] | None:
        found = ctx.image_inspect(self.ref)
        return None if found is None else dict(found.get("Config") or {})

    def holds(self, ctx: Context) -> bool:
        config = self._config(ctx)
        return config is not None and not self._differences(config, "en")

    def describe(self, locale: str) -> str:
        parts = []
        for key, field_name in (("cmd", "Cmd"), ("entrypoint", "Entrypoint")):
            if getattr(self, key) is not _UNSET:
                parts.append(f"{field_name} {_json(getattr(self, key))}")
        if self.healthcheck is not None:
            parts.append(f"HEALTHCHECK: {'✓' if self.healthcheck else '✗'}")
        if self.stop_signal is not None:
            parts.append(f"STOPSIGNAL {self.stop_signal}")
        return _w(locale, "image_built").format(ref=self.ref, details=(
            f" ({', '.join(parts)})" if parts else ""))

    def missing(self, ctx: Context, locale: str) -> list[str]:
        config = self._config(ctx)
        if config is None:
            return [_w(locale, "image_missing").format(ref=self.ref)]
        return self._differences(config, locale)


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


# -- how long a stop took ---------------------------------------------------------------------------


@dataclass
class StopTook(Check):
    """The last finished `docker stop` of a matching container took under / at least N seconds:
    from its first `kill` event (the stop signal) to its `die`, on the events' timeNano. A stop
    whose process obeys the signal takes milliseconds; one that ignores it takes the whole grace
    period (10 s by default) before Docker sends SIGKILL."""

    container: tuple[str, ...] = ()
    image: tuple[str, ...] = ()
    under: float | None = None
    at_least: float | None = None
    since: str = "step"
    kind = "stop_took"

    def durations(self, ctx: Context) -> dict[str, tuple[str, float]]:
        """Container id -> (name, seconds its last finished stop took), for matching containers."""
        kill_at: dict[str, int] = {}
        die_at: dict[str, int] = {}
        out: dict[str, tuple[str, float]] = {}
        for e in ctx.events(self.since):
            if e.type != "container":
                continue
            attrs = e.attributes or {}
            if self.container and attrs.get("name") not in self.container:
                continue
            if self.image and normalize_ref(str(attrs.get("image", ""))) not in self.image:
                continue
            action = _base_action(e.action)
            if action == "start":
                kill_at.pop(e.actor_id, None)
                die_at.pop(e.actor_id, None)
            elif action == "kill":
                kill_at.setdefault(e.actor_id, e.time_nano)
            elif action == "die":
                die_at[e.actor_id] = e.time_nano
            elif action == "stop":
                if e.actor_id in kill_at and e.actor_id in die_at:
                    seconds = max(0, die_at[e.actor_id] - kill_at[e.actor_id]) / 1e9
                    out[e.actor_id] = (str(attrs.get("name", e.actor_id[:12])), seconds)
                kill_at.pop(e.actor_id, None)
                die_at.pop(e.actor_id, None)
        return out

    def _fits(self, seconds: float) -> bool:
        if self.under is not None and not seconds < self.under:
            return False
        return not (self.at_least is not None and seconds < self.at_least)

    def holds(self, ctx: Context) -> bool:
        return any(self._fits(seconds) for _, seconds in self.durations(ctx).values())

    def describe(self, locale: str) -> str:
        what = []
        if self.container:
            what.append(f"{_w(locale, 'container')}: {_listing(self.container)}")
        if self.image:
            what.append(f"{_w(locale, 'image')}: {_listing(self.image)}")
        limits = []
        if self.under is not None:
            limits.append(_w(locale, "stop_under").format(n=f"{self.under:g}"))
        if self.at_least is not None:
            limits.append(_w(locale, "stop_at_least").format(n=f"{self.at_least:g}"))
        return _w(locale, "stop_took").format(
            what=f" ({', '.join(what)})" if what else "", limits=", ".join(limits))

    def missing(self, ctx: Context, locale: str) -> list[str]:
        if self.holds(ctx):
            return []
        out = [_w(locale, "not_seen").format(
            scope=_w(locale, f"since_{self.since}") if self.since != "ever" else "",
            what=self.describe(locale))]
        for name, seconds in self.durations(ctx).values():
            out.append(_w(locale, "stop_last").format(name=name, s=f"{seconds:.1f}"))
        return out


# -- goals (challenges) ----------------------------------------------------------------------------------


@dataclass
class Goal(Check):
    """A target set of containers: each spec matched by a different container (a matching).

    `new`: only containers created since the lesson began count (leftovers from earlier lessons
    neither help nor hurt). `only`: no other (counted) containers may exist.
    """

    containers: list[ContainerFilter]
    only: bool = True
    new: bool = True
    requires: list[Check] = field(default_factory=list)  # more checks that must hold too
    kind = "goal"

    def _candidates(self, ctx: Context) -> list[dict[str, Any]]:
        if not self.new:
            return ctx.containers
        created = {e.actor_id for e in ctx.events("lesson")
                   if e.type == "container" and e.action == "create"}
        return [c for c in ctx.containers if c.get("id") in created]

    def _assign(self, ctx: Context) -> tuple[dict[int, int], list[dict[str, Any]]]:
        """Maximum matching spec index -> candidate index (augmenting paths; sizes are tiny)."""
        cands = self._candidates(ctx)
        fits = [[j for j, c in enumerate(cands) if spec.matches(c, ctx)] for spec in self.containers]
        owner: dict[int, int] = {}  # candidate -> spec

        def augment(i: int, seen: set[int]) -> bool:
            for j in fits[i]:
                if j in seen:
                    continue
                seen.add(j)
                if j not in owner or augment(owner[j], seen):
                    owner[j] = i
                    return True
            return False

        for i in range(len(self.containers)):
            augment(i, set())
        return {i: j for j, i in owner.items()}, cands

    def holds(self, ctx: Context) -> bool:
        assigned, cands = self._assign(ctx)
        if len(assigned) < len(self.containers):
            return False
        if self.only and len(cands) > len(self.containers):
            return False
        return all(r.holds(ctx) for r in self.requires)

    def describe(self, locale: str) -> str:
        return AND.join([f.describe(locale) for f in self.containers]
                        + [r.describe(locale) for r in self.requires])

    def walk(self) -> Iterable[Check]:
        yield self
        for r in self.requires:
            yield from r.walk()

    def missing(self, ctx: Context, locale: str) -> list[str]:
        assigned, cands = self._assign(ctx)
        out = []
        unmet = [f for i, f in enumerate(self.containers) if i not in assigned]
        if unmet:
            out.append(_w(locale, "goal_missing").format(
                AND.join(f.describe(locale) for f in unmet)))
        if self.only and len(cands) > len(self.containers):
            used = set(assigned.values())
            extra = [c for j, c in enumerate(cands) if j not in used]
            if extra:
                out.append(_w(locale, "goal_extra").format(
                    ", ".join(f"{c.get('name')} ({c.get('state')})" for c in extra)))
        for r in self.requires:
            out += r.missing(ctx, locale)
        return out

    def view(self) -> dict[str, Any]:
        return {"containers": [f.view() for f in self.containers], "only": self.only, "new": self.new}


# -- compiling data into checks ---------------------------------------------------------------------------


def _keys(data: Any, path: str, allowed: Iterable[str], required: Iterable[str] = ()) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise CheckError(path, f"expected a mapping, got {_kind(data)}")
    allowed = tuple(allowed)
    for key in data:
        if key not in allowed:
            raise CheckError(path, f"unknown key {key!r}; expected one of: {', '.join(allowed)}")
    for key in required:
        if key not in data:
            raise CheckError(path, f"missing key {key!r}")
    return data


def _kind(value: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "a string", bool: "a boolean", int: "a number",
            float: "a number", type(None): "nothing"}.get(type(value), type(value).__name__)


def _strings(value: Any, path: str) -> tuple[str, ...]:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise CheckError(path, "expected a value, got an empty list")
    out = []
    for v in values:
        if isinstance(v, bool) or not isinstance(v, str | int | float) or (isinstance(v, str) and not v):
            raise CheckError(path, f"expected a non-empty string (or a list of them), got {_kind(v)}")
        out.append(str(v))
    return tuple(out)


def _ints(value: Any, path: str) -> tuple[int, ...]:
    values = value if isinstance(value, list) else [value]
    if not values:
        raise CheckError(path, "expected a number, got an empty list")
    for v in values:
        if isinstance(v, bool) or not isinstance(v, int):
            raise CheckError(path, f"expected a whole number (or a list of them), got {_kind(v)}")
    return tuple(values)


def _count(value: Any, path: str, minimum: int = 0) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise CheckError(path, f"expected a whole number ≥ {minimum}, got {value!r}")
    return value


def _regex(value: Any, path: str) -> re.Pattern[str]:
    if not isinstance(value, str) or not value:
        raise CheckError(path, "expected a regular expression (a non-empty string)")
    try:
        return re.compile(value)
    except re.error as err:
        raise CheckError(path, f"invalid regular expression {value!r}: {err}") from None


def _scope(value: Any, path: str) -> str:
    if value not in SCOPES:
        raise CheckError(path, f"expected one of: {', '.join(SCOPES)}; got {value!r}")
    return value


def _states(value: Any, path: str) -> tuple[str, ...]:
    states = _strings(value, path)
    for state in states:
        if state not in CONTAINER_STATES:
            extra = " (use no_container for a removed one)" if state == "removed" else ""
            raise CheckError(path, f"unknown state {state!r}{extra}; expected one of: "
                             f"{', '.join(CONTAINER_STATES)}")
    return states


def compile_filter(data: Any, path: str, *, goal: bool = False) -> ContainerFilter:
    allowed = FILTER_KEYS + (("had_events",) if goal else ())
    data = _keys(data, path, allowed)
    flt = ContainerFilter()
    if "name" in data:
        flt.name = _strings(data["name"], f"{path}.name")
    if "image" in data:
        flt.image = tuple(normalize_ref(i) for i in _strings(data["image"], f"{path}.image"))
    if "state" in data:
        flt.state = _states(data["state"], f"{path}.state")
    if "exit_code" in data:
        flt.exit_code = _ints(data["exit_code"], f"{path}.exit_code")
    if "restart_count" in data:
        flt.restart_count = _count(data["restart_count"], f"{path}.restart_count")
    if "min_restart_count" in data:
        flt.min_restart_count = _count(data["min_restart_count"], f"{path}.min_restart_count")
    if "status_matches" in data:
        flt.status_matches = _regex(data["status_matches"], f"{path}.status_matches")
    if "health" in data:
        flt.health = _strings(data["health"], f"{path}.health")
        for value in flt.health:
            if value not in HEALTH_IDS:
                raise CheckError(f"{path}.health", f"unknown health {value!r}; expected one of: "
                                 f"{', '.join(HEALTH_IDS)}")
    if "had_events" in data:
        flt.had_events = _strings(data["had_events"], f"{path}.had_events")
    return flt


def _signal(value: Any, path: str) -> tuple[str, ...]:
    out = []
    for v in _strings(value, path):
        try:
            out.append(str(parse_signal(v)))
        except InvalidSignal:
            raise CheckError(path, f"unknown signal {v!r} (use a number or a name such as SIGTERM)") \
                from None
    return tuple(out)


EVENT_KEYS = ("action", "type", "container", "image", "exitCode", "signal", "attributes", "since",
              "at_least")


def _event(data: Any, path: str) -> EventCheck:
    data = _keys(data, path, EVENT_KEYS, required=("action",))
    check = EventCheck(action=_strings(data["action"], f"{path}.action")[0])
    if "type" in data:
        check.type = _strings(data["type"], f"{path}.type")[0]
    if "container" in data:
        check.container = _strings(data["container"], f"{path}.container")
    if "image" in data:
        check.image = tuple(normalize_ref(i) for i in _strings(data["image"], f"{path}.image"))
    attrs: dict[str, tuple[str, ...]] = {}
    if "exitCode" in data:
        attrs["exitCode"] = tuple(str(c) for c in _ints(data["exitCode"], f"{path}.exitCode"))
    if "signal" in data:
        attrs["signal"] = _signal(data["signal"], f"{path}.signal")
    if "attributes" in data:
        raw = data["attributes"]
        if not isinstance(raw, dict) or not raw:
            raise CheckError(f"{path}.attributes", "expected a non-empty mapping of attribute: value")
        for key, value in raw.items():
            attrs[str(key)] = _strings(value, f"{path}.attributes.{key}")
    check.attributes = attrs
    if "since" in data:
        check.since = _scope(data["since"], f"{path}.since")
    if "at_least" in data:
        check.at_least = _count(data["at_least"], f"{path}.at_least", 1)
    return check


RAN_KEYS = ("command", "options", "args", "image", "cmd", "line_matches", "exit_code", "since",
            "at_least")


def _ran(data: Any, path: str) -> RanCheck:
    data = _keys(data, path, RAN_KEYS)
    if not any(k in data for k in ("command", "line_matches")):
        raise CheckError(path, "needs 'command' or 'line_matches'")
    check = RanCheck()
    if "command" in data:
        check.command = _strings(data["command"], f"{path}.command")
    if "options" in data:
        options = data["options"]
        if not isinstance(options, dict) or not options:
            raise CheckError(f"{path}.options", "expected a mapping of long option name: value, "
                             "e.g. {all: true}")
        for key in options:
            if not isinstance(key, str) or key.startswith("-"):
                raise CheckError(f"{path}.options", f"option names are long names without dashes "
                                 f"(all, detach, name), got {key!r}")
        check.options = dict(options)
    if "args" in data:
        if not isinstance(data["args"], list):
            raise CheckError(f"{path}.args", "expected a list")
        check.args = tuple(str(a) for a in data["args"])
    if "image" in data:
        check.image = tuple(normalize_ref(i) for i in _strings(data["image"], f"{path}.image"))
    if "cmd" in data:
        if not isinstance(data["cmd"], list):
            raise CheckError(f"{path}.cmd", "expected a list (empty: the image's default command)")
        check.cmd = tuple(str(a) for a in data["cmd"])
    if "line_matches" in data:
        check.line_matches = _regex(data["line_matches"], f"{path}.line_matches")
    if "exit_code" in data:
        check.exit_code = _ints(data["exit_code"], f"{path}.exit_code")
    if "since" in data:
        check.since = _scope(data["since"], f"{path}.since")
    if "at_least" in data:
        check.at_least = _count(data["at_least"], f"{path}.at_least", 1)
    return check


def compile_goal(data: Any, path: str) -> Goal:
    data = _keys(data, path, ("containers", "only", "new", "requires"), required=("containers",))
    specs = data["containers"]
    if not isinstance(specs, list) or not specs:
        raise CheckError(f"{path}.containers", "expected a non-empty list of container filters")
    filters = [compile_filter(s, f"{path}.containers[{i}]", goal=True) for i, s in enumerate(specs)]
    for i, flt in enumerate(filters):
        if not flt.state:
            raise CheckError(f"{path}.containers[{i}]", "a goal container needs a 'state' "
                             "(the page draws it there)")
    for key in ("only", "new"):
        if key in data and not isinstance(data[key], bool):
            raise CheckError(f"{path}.{key}", "expected true or false")
    requires = _list(data["requires"], f"{path}.requires") if "requires" in data else []
    if any(c.kind == "goal" for r in requires for c in r.walk()):
        raise CheckError(f"{path}.requires", "a goal inside a goal")
    return Goal(filters, only=data.get("only", True), new=data.get("new", True), requires=requires)


def _count_check(data: Any, path: str) -> Count:
    data = _keys(data, path, FILTER_KEYS + ("at_least", "at_most", "exactly"))
    bounds = {k: _count(data[k], f"{path}.{k}") for k in ("at_least", "at_most", "exactly") if k in data}
    if not bounds:
        raise CheckError(path, "needs at_least, at_most or exactly")
    flt = compile_filter({k: v for k, v in data.items() if k in FILTER_KEYS}, path)
    return Count(flt, **bounds)


def _image(data: Any, path: str) -> ImagePresent:
    return ImagePresent(normalize_ref(_strings(data, path)[0]))


IMAGE_KEYS = ("name", "cmd", "entrypoint", "healthcheck", "stop_signal")


def _argv_or_none(value: Any, path: str) -> list[str] | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise CheckError(path, "expected a list of strings as `docker image inspect` shows it "
                         '(shell form: ["/bin/sh", "-c", "…"]), or null for none')
    return list(value)


def _image_check(data: Any, path: str) -> ImageCheck:
    data = _keys(data, path, IMAGE_KEYS, required=("name",))
    check = ImageCheck(normalize_ref(_strings(data["name"], f"{path}.name")[0]))
    if "cmd" in data:
        check.cmd = _argv_or_none(data["cmd"], f"{path}.cmd")
    if "entrypoint" in data:
        check.entrypoint = _argv_or_none(data["entrypoint"], f"{path}.entrypoint")
    if "healthcheck" in data:
        if not isinstance(data["healthcheck"], bool):
            raise CheckError(f"{path}.healthcheck", "expected true or false")
        check.healthcheck = data["healthcheck"]
    if "stop_signal" in data:
        _signal(data["stop_signal"], f"{path}.stop_signal")  # a signal it knows
        check.stop_signal = str(data["stop_signal"])
    return check


STOP_KEYS = ("container", "image", "under", "at_least", "since")


def _seconds(value: Any, path: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 600:
        raise CheckError(path, f"expected seconds between 0 and 600, got {value!r}")
    return float(value)


def _stop_took(data: Any, path: str) -> StopTook:
    data = _keys(data, path, STOP_KEYS)
    if "under" not in data and "at_least" not in data:
        raise CheckError(path, "needs under (seconds) or at_least (seconds)")
    check = StopTook()
    if "container" in data:
        check.container = _strings(data["container"], f"{path}.container")
    if "image" in data:
        check.image = tuple(normalize_ref(i) for i in _strings(data["image"], f"{path}.image"))
    if "under" in data:
        check.under = _seconds(data["under"], f"{path}.under")
    if "at_least" in data:
        check.at_least = _seconds(data["at_least"], f"{path}.at_least")
    if "since" in data:
        check.since = _scope(data["since"], f"{path}.since")
    return check


def _list(data: Any, path: str) -> list[Check]:
    if not isinstance(data, list) or not data:
        raise CheckError(path, "expected a non-empty list of checks")
    return [compile_check(item, f"{path}[{i}]") for i, item in enumerate(data)]


COMPILERS: dict[str, Callable[[Any, str], Check]] = {
    "all": lambda d, p: AllOf(_list(d, p)),
    "any": lambda d, p: AnyOf(_list(d, p)),
    "not": lambda d, p: Not(compile_check(d, p)),
    "container": lambda d, p: ContainerExists(compile_filter(d, p)),
    "no_container": lambda d, p: NoContainer(compile_filter(d, p)),
    "count": _count_check,
    "event": _event,
    "ran": _ran,
    "image_present": _image,
    "image": _image_check,
    "stop_took": _stop_took,
    "goal": compile_goal,
}
KINDS = tuple(COMPILERS)


def compile_check(data: Any, path: str = "check") -> Check:
    """Turn check data (from YAML) into a `Check`, or raise `CheckError` saying what is wrong where."""
    if isinstance(data, Check):
        return data
    if not isinstance(data, dict) or len(data) != 1:
        raise CheckError(path, f"a check is a mapping with exactly one kind ({', '.join(KINDS)}), "
                         f"got {_kind(data) if not isinstance(data, dict) else f'{len(data)} keys'}")
    (kind, body), = data.items()
    if kind not in COMPILERS:
        raise CheckError(path, f"unknown check kind {kind!r}; expected one of: {', '.join(KINDS)}")
    return COMPILERS[kind](body, f"{path}.{kind}")


# -- the public entry points -------------------------------------------------------------------------------


def evaluate(check: Check | dict[str, Any], engine: EngineView, since: Mark | None = None,
             lesson_since: Mark | None = None) -> bool:
    """Whether `check` holds on `engine` now.

    `since` starts the `step` window (None: the whole history), `lesson_since` the `lesson` window
    (None: the whole history).
    """
    return compile_check(check).holds(Context(engine, since, lesson_since))


def explain(check: Check | dict[str, Any], engine: EngineView, since: Mark | None = None,
            lesson_since: Mark | None = None, locale: str = "en") -> list[str]:
    """What is still missing for `check` to hold, as sentences for a hint (empty when it holds)."""
    return compile_check(check).missing(Context(engine, since, lesson_since), locale)
