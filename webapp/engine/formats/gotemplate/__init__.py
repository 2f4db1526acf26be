"""A Go ``text/template`` interpreter for Docker's ``--format`` and ``inspect -f``.

It follows Go 1.24's lexer, parser and executor closely (actions, pipelines, variables,
``if/else if/range/with/define/template/block/break/continue``, trim markers, comments, all the
builtin functions plus Docker's ``json split join title lower upper pad truncate``) because
learners see the exact error text: ``template: :1:2: executing "" at <.Foo>: can't evaluate
field Foo in type *formatter.ContainerContext``. Positions in messages are byte offsets, as Go
counts them.

Nothing here evaluates Python: the input is lexed and interpreted. Output, intermediate string
sizes, nesting depth and execution steps are bounded so a hostile format string cannot exhaust
memory or time; going over a bound raises :class:`TemplateError`.
"""

from .errors import (
    GO_MAX_EXEC_DEPTH,
    MAX_NESTING,
    MAX_OUTPUT,
    MAX_STEPS,
    MAX_STRING,
    MAX_TEMPLATE_DEPTH,
    MISSING,
    ExecError,
    ParseError,
    TemplateError,
)
from .funcs import DOCKER_FUNCS, HEADER_FUNCS
from .template import Template, parse, render

__all__ = [
    "DOCKER_FUNCS", "GO_MAX_EXEC_DEPTH", "HEADER_FUNCS", "MAX_NESTING", "MAX_OUTPUT", "MAX_STEPS",
    "MAX_STRING", "MAX_TEMPLATE_DEPTH", "MISSING", "ExecError", "ParseError", "Template",
    "TemplateError", "parse", "render",
]
