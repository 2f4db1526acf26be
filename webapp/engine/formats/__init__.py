"""Everything Docker prints, as pure functions over Docker Engine API JSON shapes.

Both engines (the simulator and the real-daemon engine) feed API-shaped dicts into these
functions, so ``docker ps``, ``images``, ``inspect`` and ``events`` look the same whichever
engine runs, and the same as the real docker CLI. No I/O and no clock: the current time is
always passed in.

Errors from user-supplied templates are raised as :class:`TemplateError`: print its ``stdout``
to stdout, then its ``stderr`` and ``message`` (plus a newline) to stderr, and exit with its
``exit_code``.
"""

from .containers import (
    ContainerContext,
    command_string,
    display_command,
    display_image,
    display_ports,
    ellipsis,
    format_containers,
    ps_wants_size,
    truncate_id,
)
from .durations import human_duration
from .events import event_template, format_event, format_events, pretty_event
from .gojson import dumps
from .gotemplate import ExecError, ParseError, Template, TemplateError, render
from .images import ImageContext, format_images
from .inspect import format_inspect
from .sizes import human_size, human_size_with_precision
from .table import display_width, tabwrite, tabwriter_format

__all__ = [
    "ContainerContext",
    "ExecError",
    "ImageContext",
    "ParseError",
    "Template",
    "TemplateError",
    "command_string",
    "display_command",
    "display_image",
    "display_ports",
    "display_width",
    "dumps",
    "ellipsis",
    "event_template",
    "format_containers",
    "format_event",
    "format_events",
    "format_images",
    "format_inspect",
    "human_duration",
    "human_size",
    "human_size_with_precision",
    "pretty_event",
    "ps_wants_size",
    "render",
    "tabwrite",
    "tabwriter_format",
    "truncate_id",
]
