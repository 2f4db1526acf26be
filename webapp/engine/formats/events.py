"""``docker events`` lines, from event objects in the Engine API schema.

Input is one ``GET /events`` object: ``Type``, ``Action``, ``Actor{ID, Attributes}``,
``scope``, ``time``, ``timeNano`` and optionally the legacy ``status``, ``id``, ``from``.
Without ``--format`` the line is ``<time> <type> <action> <actor id> (k=v, ...)`` with a
fixed nine-digit fraction and attributes sorted by key (docker/cli
``cli/command/system/events.go``). With ``--format`` the template sees Go's
``events.Message`` struct: ``.Type``/``.Action`` are named string types (so ``lower .Type`` is
a type error, as in Docker), ``{{json .}}`` keeps the struct's field order.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo
from typing import Any

from .gofmt import GoInt, GoMap, GoStruct, JsonField
from .gotemplate import ExecError, ParseError, Template, TemplateError

_MESSAGE_JSON = [
    JsonField("Status", "status", True),
    JsonField("ID", "id", True),
    JsonField("From", "from", True),
    JsonField("Type", "Type"),
    JsonField("Action", "Action"),
    JsonField("Actor", "Actor"),
    JsonField("Scope", "scope", True),
    JsonField("Time", "time", True),
    JsonField("TimeNano", "timeNano", True),
]
_ACTOR_JSON = [JsonField("ID", "ID"), JsonField("Attributes", "Attributes")]


class _NamedString(str):
    """A Go named string type such as ``events.Type``."""

    gotype = "string"


def _named(value: str, gotype: str) -> _NamedString:
    s = _NamedString(value)
    s.gotype = gotype  # type: ignore[misc]
    return s


def event_struct(event: dict[str, Any] | None, pointer: bool = False) -> GoStruct:
    """The ``events.Message`` value a ``--format`` template is executed on."""
    e = event or {}
    actor = e.get("Actor") or {}
    attrs = actor.get("Attributes")
    actor_struct = GoStruct("events.Actor", {
        "ID": actor.get("ID") or "",
        "Attributes": GoMap(attrs or {}, gotype="map[string]string", nil=attrs is None),
    }, json=_ACTOR_JSON)
    fields = {
        "Status": e.get("status") or "",
        "ID": e.get("id") or "",
        "From": e.get("from") or "",
        "Type": _named(e.get("Type") or "", "events.Type"),
        "Action": _named(e.get("Action") or "", "events.Action"),
        "Actor": actor_struct,
        "Scope": e.get("scope") or "",
        "Time": GoInt(int(e.get("time") or 0), "int64"),
        "TimeNano": GoInt(int(e.get("timeNano") or 0), "int64"),
    }
    return GoStruct("events.Message", fields, pointer=pointer, json=_MESSAGE_JSON)


def event_time(event: dict[str, Any], tz: tzinfo = UTC) -> str:
    """``2006-01-02T15:04:05.000000000Z07:00`` of the event's timeNano (or time)."""
    nano = int(event.get("timeNano") or 0)
    if nano == 0:
        nano = int(event.get("time") or 0) * 1_000_000_000
    secs, frac = divmod(nano, 1_000_000_000)
    dt = datetime.fromtimestamp(secs, tz)
    off = dt.utcoffset()
    total = int(off.total_seconds()) if off is not None else 0
    if total == 0:
        zone = "Z"
    else:
        sign = "+" if total > 0 else "-"
        hh, mm = divmod(abs(total) // 60, 60)
        zone = f"{sign}{hh:02d}:{mm:02d}"
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + f".{frac:09d}" + zone


def pretty_event(event: dict[str, Any], tz: tzinfo = UTC) -> str:
    """The default ``docker events`` line, with its trailing newline."""
    out = ""
    if int(event.get("timeNano") or 0) != 0 or int(event.get("time") or 0) != 0:
        out = event_time(event, tz) + " "
    actor = event.get("Actor") or {}
    out += f"{event.get('Type') or ''} {event.get('Action') or ''} {actor.get('ID') or ''}"
    attrs = actor.get("Attributes") or {}
    if attrs:
        out += " (" + ", ".join(f"{k}={attrs[k]}" for k in sorted(attrs)) + ")"
    return out + "\n"


def event_template(fmt: str) -> Template:
    """Parse a ``--format`` value and check it on an empty message, as the CLI does first.

    Failures are ``Error parsing format: ...`` with exit status 64.
    """
    source = "{{json .}}" if fmt == "json" else fmt
    try:
        tmpl = Template(source)
        tmpl.execute(event_struct(None, pointer=True))
    except (ParseError, ExecError) as e:
        raise TemplateError("Error parsing format: " + e.message, exit_code=64) from None
    return tmpl


def format_event(event: dict[str, Any], fmt: str | None = None,
                 tz: tzinfo = UTC) -> str:
    """What ``docker events`` prints for one event, including the trailing newline.

    A template that fails on this particular event raises :class:`TemplateError` (exit 1)
    whose ``stdout`` is what Docker had already printed for it (the partial output and the
    newline it always writes).
    """
    if not fmt:
        return pretty_event(event, tz)
    tmpl = event_template(fmt)
    out, err = tmpl.execute_partial(event_struct(event))
    if err is not None:
        raise TemplateError(err, exit_code=1, stdout=out + "\n")
    return out + "\n"


def format_events(events: list[dict[str, Any]], fmt: str | None = None,
                  tz: tzinfo = UTC) -> str:
    """All lines for a list of events; on a failing event the error carries everything
    printed so far in ``stdout``."""
    if fmt:
        event_template(fmt)
    out: list[str] = []
    for e in events:
        try:
            out.append(format_event(e, fmt, tz))
        except TemplateError as err:
            err.stdout = "".join(out) + err.stdout
            raise
    return "".join(out)
