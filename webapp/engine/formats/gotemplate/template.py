"""A parsed template and the helpers to run it (Go's text/template/template.go, helper.go)."""

from __future__ import annotations

from typing import Any

from ..gofmt import GoFunc, quote
from .errors import MAX_OUTPUT, ExecError, ParseError, TemplateError
from .exec import _Break, _Continue, _ExecPanic, _State
from .funcs import _BUILTINS, DOCKER_FUNCS
from .parse import _ParsePanic, _Tree


class Template:
    """A parsed template. ``Template(text)`` raises :class:`ParseError` on bad syntax."""

    def __init__(self, text: str, funcs: dict[str, GoFunc] | None = None, name: str = "") -> None:
        self.name = name
        self.text = text
        self.funcs: dict[str, GoFunc] = {**_BUILTINS, **(DOCKER_FUNCS if funcs is None else funcs)}
        self.trees: dict[str, _Tree] = {}
        tree = _Tree(name, text, frozenset(self.funcs), self.trees, parse_name=name)
        try:
            tree.parse()
        except _ParsePanic as e:
            raise ParseError(str(e)) from None
        except RecursionError:
            raise ParseError(f"template: {name}:1: max expression depth exceeded") from None
        if name not in self.trees:
            self.trees[name] = tree

    def execute(self, data: Any, *, funcs: dict[str, GoFunc] | None = None,
                missingkey: str = "default", limit: int = MAX_OUTPUT) -> str:
        """Run the template on ``data``; raises :class:`ExecError` with Go's message.

        ``funcs`` replaces functions by name for this run (docker's header functions);
        ``missingkey`` is Go's option: "default", "zero" or "error".
        """
        st, err = self._run(data, funcs, missingkey, limit)
        if err is not None:
            raise ExecError(err)
        return "".join(st.out)

    def execute_partial(self, data: Any, *, funcs: dict[str, GoFunc] | None = None,
                        missingkey: str = "default", limit: int = MAX_OUTPUT) -> tuple[str, str | None]:
        """Like :meth:`execute` but return (output so far, error message or None).

        Go writes as it goes, so a failing template has already produced some output; docker
        prints that partial output for table headers.
        """
        st, err = self._run(data, funcs, missingkey, limit)
        return "".join(st.out), err

    def _run(self, data: Any, funcs: dict[str, GoFunc] | None, missingkey: str,
             limit: int) -> tuple[_State, str | None]:
        all_funcs = {**self.funcs, **(funcs or {})}
        tree = self.trees[self.name]
        st = _State(self, tree, all_funcs, missingkey, limit)
        st.vars = [["$", data]]
        try:
            if tree.root is None:
                st.errorf(f"{quote(self.name)} is an incomplete or empty template")
            st.walk(data, tree.root)
        except _ExecPanic as e:
            return st, str(e)
        except (_Break, _Continue):  # pragma: no cover - parser forbids these outside range
            return st, None
        except RecursionError:
            raise TemplateError("template nesting is too deep") from None
        return st, None


def parse(text: str, funcs: dict[str, GoFunc] | None = None) -> Template:
    """Parse ``text`` with Go's builtins plus Docker's functions (or ``funcs`` instead)."""
    return Template(text, funcs)


def render(text: str, data: Any, **kwargs: Any) -> str:
    """Parse and execute in one go (convenience for callers and tests)."""
    return Template(text).execute(data, **kwargs)
