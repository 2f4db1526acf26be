"""The executor (Go's text/template/exec.go): walks a tree over data, writing output."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NoReturn

from ..gofmt import (
    NO_VALUE,
    CallError,
    FormatTooLarge,
    GoFunc,
    GoInt,
    GoMap,
    GoNilPtr,
    GoPtr,
    GoSlice,
    GoStruct,
    assignable,
    indirect,
    is_true,
    kind,
    map_sort_key,
    quote,
    sprint_value,
    type_name,
    utf8_bytes,
)
from .errors import GO_MAX_EXEC_DEPTH, MAX_STEPS, MAX_TEMPLATE_DEPTH, MISSING, TemplateError
from .funcs import _BUILTIN_NAMES, _indirect_interface, _truth
from .node import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommentNode,
    ContinueNode,
    DotNode,
    FieldNode,
    IdentifierNode,
    IfNode,
    ListNode,
    NilNode,
    NumberNode,
    PipeNode,
    RangeNode,
    StringNode,
    TemplateNode,
    TextNode,
    VariableNode,
    WithNode,
)

if TYPE_CHECKING:
    from .node import BranchNode, CommandNode, Node
    from .parse import _Tree
    from .template import Template


class _ExecPanic(Exception):
    pass


class _Break(Exception):
    pass


class _Continue(Exception):
    pass


def _can_be_nil(typ: str) -> bool:
    return typ in ("any", "value") or typ.startswith(("*", "[]", "map["))


def _zero(typ: str) -> Any:
    if typ == "any":
        return None
    if typ == "value":
        return NO_VALUE
    if typ.startswith("[]"):
        return GoSlice(gotype=typ, nil=True)
    if typ.startswith("map["):
        return GoMap(gotype=typ, nil=True)
    return GoNilPtr(typ)


def _go_type(typ: str) -> str:
    return {"any": "interface {}", "value": "reflect.Value"}.get(typ, typ)


class _State:
    """Execution state for one ``Execute`` call."""

    def __init__(self, tmpl: Template, tree: _Tree, funcs: dict[str, GoFunc], missingkey: str,
                 limit: int) -> None:
        self.tmpl = tmpl
        self.tree = tree
        self.funcs = funcs
        self.missingkey = missingkey
        self.node: Node | None = None
        self.vars: list[list[Any]] = []
        self.out: list[str] = []
        self.size = 0
        self.limit = limit
        self.steps = 0
        self.depth = 0

    # -- helpers
    def at(self, node: Node) -> None:
        self.node = node

    def errorf(self, msg: str) -> NoReturn:
        name = self.tree.name
        if self.node is None:
            raise _ExecPanic(f"template: {name}: {msg}")
        location, context = _error_context(self.node)
        raise _ExecPanic(f"template: {location}: executing {quote(name)} at <{context}>: {msg}")

    def write(self, s: str) -> None:
        self.size += len(s)
        if self.size > self.limit:
            raise TemplateError(f"template output exceeds {self.limit} bytes")
        self.out.append(s)

    def tick(self) -> None:
        self.steps += 1
        if self.steps > MAX_STEPS:
            raise TemplateError("template execution takes too many steps")

    def mark(self) -> int:
        return len(self.vars)

    def pop(self, mark: int) -> None:
        del self.vars[mark:]

    def push(self, name: str, value: Any) -> None:
        self.vars.append([name, value])

    def set_var(self, name: str, value: Any) -> None:
        for v in reversed(self.vars):
            if v[0] == name:
                v[1] = value
                return
        self.errorf(f"undefined variable: {name}")

    def set_top_var(self, n: int, value: Any) -> None:
        self.vars[len(self.vars) - n][1] = value

    def var_value(self, name: str) -> Any:
        for v in reversed(self.vars):
            if v[0] == name:
                return v[1]
        self.errorf(f"undefined variable: {name}")

    # -- walking
    def walk(self, dot: Any, node: Node) -> None:
        self.tick()
        self.at(node)
        if isinstance(node, ActionNode):
            val = self.eval_pipeline(dot, node.pipe)
            if not node.pipe.decl:
                self.print_value(node, val)
        elif isinstance(node, BreakNode):
            raise _Break
        elif isinstance(node, ContinueNode):
            raise _Continue
        elif isinstance(node, CommentNode):
            pass
        elif isinstance(node, IfNode):
            self.walk_if_or_with(False, dot, node)
        elif isinstance(node, ListNode):
            for n in node.nodes:
                self.walk(dot, n)
        elif isinstance(node, RangeNode):
            self.walk_range(dot, node)
        elif isinstance(node, TemplateNode):
            self.walk_template(dot, node)
        elif isinstance(node, TextNode):
            self.write(node.text)
        elif isinstance(node, WithNode):
            self.walk_if_or_with(True, dot, node)
        else:
            self.errorf(f"unknown node: {node}")

    def walk_if_or_with(self, is_with: bool, dot: Any, node: BranchNode) -> None:
        mark = self.mark()
        try:
            val = self.eval_pipeline(dot, node.pipe)
            truth, ok = is_true(_indirect_interface(val))
            if not ok:
                self.errorf(f"if/with can't use {sprint_value(val)}")
            if truth:
                self.walk(val if is_with else dot, node.list)
            elif node.else_list is not None:
                self.walk(dot, node.else_list)
        finally:
            self.pop(mark)

    def walk_range(self, dot: Any, r: RangeNode) -> None:
        self.at(r)
        outer = self.mark()
        try:
            val, _ = indirect(self.eval_pipeline(dot, r.pipe))
            mark = self.mark()

            def one(index: Any, elem: Any) -> None:
                self.tick()
                decl = r.pipe.decl
                if decl:
                    if r.pipe.is_assign:
                        self.set_var(decl[0].ident[0], index if len(decl) > 1 else elem)
                    else:
                        self.set_top_var(1, elem)
                if len(decl) > 1:
                    if r.pipe.is_assign:
                        self.set_var(decl[1].ident[0], elem)
                    else:
                        self.set_top_var(2, index)
                try:
                    self.walk(elem, r.list)
                except _Continue:
                    pass
                finally:
                    self.pop(mark)

            k = kind(val)
            try:
                if k == "slice":
                    if len(val):
                        for i, e in enumerate(list(val)):
                            one(i, e)
                        return
                elif k == "map":
                    if len(val):
                        for key in sorted(val, key=map_sort_key):
                            one(key, val[key])
                        return
                elif k in ("int", "uint"):
                    if len(r.pipe.decl) > 1:
                        self.errorf(f"can't use {sprint_value(val)} to iterate over more than "
                                    "one variable")
                    if val > 0:
                        for i in range(int(val)):
                            one(NO_VALUE, i)
                        return
                elif k == "invalid":
                    pass
                else:
                    self.errorf(f"range can't iterate over {sprint_value(val)}")
            except _Break:
                return
            if r.else_list is not None:
                self.walk(dot, r.else_list)
        finally:
            self.pop(outer)

    def walk_template(self, dot: Any, t: TemplateNode) -> None:
        self.at(t)
        tree = self.tmpl.trees.get(t.name)
        if tree is None or tree.root is None:
            self.errorf(f"template {quote(t.name)} not defined")
        if self.depth >= MAX_TEMPLATE_DEPTH:
            # Only runaway recursion gets this deep; report it as Go does.
            self.errorf(f"exceeded maximum template depth ({GO_MAX_EXEC_DEPTH})")
        dot = self.eval_pipeline(dot, t.pipe)
        saved = (self.tree, self.vars, self.depth)
        self.tree = tree
        self.vars = [["$", dot]]
        self.depth += 1
        try:
            self.walk(dot, tree.root)
        finally:
            self.tree, self.vars, self.depth = saved

    # -- evaluation
    def eval_pipeline(self, dot: Any, pipe: PipeNode | None) -> Any:
        if pipe is None:
            return NO_VALUE
        self.at(pipe)
        value: Any = MISSING
        for cmd in pipe.cmds:
            value = self.eval_command(dot, cmd, value)
            if value is None:  # a nil interface{} unwraps to "no value"
                value = NO_VALUE
        for var in pipe.decl:
            if pipe.is_assign:
                self.set_var(var.ident[0], value)
            else:
                self.push(var.ident[0], value)
        return value

    def not_a_function(self, args: list[Node], final: Any) -> None:
        if len(args) > 1 or final is not MISSING:
            self.errorf(f"can't give argument to non-function {args[0]}")

    def eval_command(self, dot: Any, cmd: CommandNode, final: Any) -> Any:
        self.tick()
        first = cmd.args[0]
        if isinstance(first, FieldNode):
            return self.eval_field_node(dot, first, cmd.args, final)
        if isinstance(first, ChainNode):
            return self.eval_chain_node(dot, first, cmd.args, final)
        if isinstance(first, IdentifierNode):
            return self.eval_function(dot, first, cmd, cmd.args, final)
        if isinstance(first, PipeNode):
            self.not_a_function(cmd.args, final)
            return self.eval_pipeline(dot, first)
        if isinstance(first, VariableNode):
            return self.eval_variable_node(dot, first, cmd.args, final)
        self.at(first)
        self.not_a_function(cmd.args, final)
        if isinstance(first, BoolNode):
            return first.value
        if isinstance(first, DotNode):
            return dot
        if isinstance(first, NilNode):
            self.errorf("nil is not a command")
        if isinstance(first, NumberNode):
            return self.ideal_constant(first)
        if isinstance(first, StringNode):
            return first.text
        self.errorf(f"can't evaluate command {quote(str(first))}")

    def ideal_constant(self, c: NumberNode) -> Any:
        self.at(c)
        if c.is_complex:
            return c.complex128
        if (c.is_float and not _is_hex_int(c.text) and not c.text.startswith("'")
                and any(ch in c.text for ch in ".eEpP")):
            return c.float64
        if c.is_int:
            return c.int64
        if c.is_uint:
            self.errorf(f"{c.text} overflows int")
        return NO_VALUE

    def eval_field_node(self, dot: Any, field: FieldNode, args: list[Node] | None,
                        final: Any) -> Any:
        self.at(field)
        return self.eval_field_chain(dot, dot, field, field.ident, args, final)

    def eval_chain_node(self, dot: Any, chain: ChainNode, args: list[Node] | None,
                        final: Any) -> Any:
        self.at(chain)
        if not chain.field:
            self.errorf("internal error: no fields in evalChainNode")
        if isinstance(chain.node, NilNode):
            self.errorf(f"indirection through explicit nil in {chain}")
        self.at(chain.node)
        if isinstance(chain.node, PipeNode):
            pipe = self.eval_pipeline(dot, chain.node)
        elif isinstance(chain.node, IdentifierNode):
            pipe = self.eval_function(dot, chain.node, chain.node, None, MISSING)
        else:
            pipe = self.eval_empty_interface(dot, chain.node)
        return self.eval_field_chain(dot, pipe, chain, chain.field, args, final)

    def eval_variable_node(self, dot: Any, var: VariableNode, args: list[Node] | None,
                           final: Any) -> Any:
        self.at(var)
        value = self.var_value(var.ident[0])
        if len(var.ident) == 1:
            self.not_a_function(args or [], final)
            return value
        return self.eval_field_chain(dot, value, var, var.ident[1:], args, final)

    def eval_field_chain(self, dot: Any, receiver: Any, node: Node, ident: list[str],
                         args: list[Node] | None, final: Any) -> Any:
        # A value read from map[string]interface{} is an interface: Go names its type
        # "interface {}" in errors about the next field.
        iface = False
        for name in ident[:-1]:
            from_iface_map = type(receiver) is dict
            receiver = self.eval_field(dot, name, node, None, MISSING, receiver, iface)
            iface = from_iface_map
        return self.eval_field(dot, ident[-1], node, args, final, receiver, iface)

    def eval_function(self, dot: Any, node: IdentifierNode, cmd: Node, args: list[Node] | None,
                      final: Any) -> Any:
        self.at(node)
        name = node.ident
        fn = self.funcs.get(name)
        if fn is None:
            self.errorf(f"{quote(name)} is not a defined function")
        return self.eval_call(dot, fn, name in _BUILTIN_NAMES, cmd, name, args, final)

    def eval_field(self, dot: Any, name: str, node: Node, args: list[Node] | None, final: Any,
                   receiver: Any, iface: bool = False) -> Any:
        if receiver is NO_VALUE:
            if self.missingkey == "error":
                self.errorf(f"nil data; no entry for key {quote(name)}")
            return NO_VALUE
        typ = "interface {}" if iface else type_name(receiver)
        receiver, is_nil = indirect(receiver)
        if receiver is None:
            self.errorf(f"nil pointer evaluating {typ}.{name}")
        methods = getattr(receiver, "methods", None) or {}
        if name in methods:
            return self.eval_call(dot, methods[name], False, node, name, args, final)
        has_args = (args is not None and len(args) > 1) or final is not MISSING
        k = kind(receiver)
        if k == "struct":
            try:
                found, value = receiver.lookup(name)
            except CallError as e:
                self.errorf(str(e))
            if found:
                if has_args:
                    self.errorf(f"{name} has arguments but cannot be invoked as function")
                return value
        elif k == "map":
            if has_args:
                self.errorf(f"{name} is not a method but has arguments")
            if name in receiver:
                return receiver[name]
            if self.missingkey == "error":
                self.errorf(f"map has no entry for key {quote(name)}")
            if self.missingkey == "zero":
                return receiver.elem_zero if isinstance(receiver, GoMap) else None
            return NO_VALUE
        elif k == "ptr" and is_nil and name in receiver.field_names:
            self.errorf(f"nil pointer evaluating {typ}.{name}")
        self.errorf(f"can't evaluate field {name} in type {typ}")

    def eval_call(self, dot: Any, fn: GoFunc, builtin: bool, node: Node, name: str,
                  args: list[Node] | None, final: Any) -> Any:
        if args is not None:
            args = args[1:]
        else:
            args = []
        params = fn.params
        num_in = len(args) + (0 if final is MISSING else 1)
        num_fixed = len(args)
        if fn.variadic:
            num_fixed = len(params) - 1
            if num_in < num_fixed:
                self.errorf(f"wrong number of args for {name}: want at least {len(params) - 1} "
                            f"got {len(args)}")
        elif num_in != len(params):
            self.errorf(f"wrong number of args for {name}: want {len(params)} got {num_in}")
        if builtin and name in ("and", "or"):
            v: Any = NO_VALUE
            for a in args:
                v = self.eval_arg(dot, "value", a)
                if _truth(v) == (name == "or"):
                    return v
            if final is not MISSING:
                v = self.validate_type(final, "value")
            return v
        argv: list[Any] = []
        i = 0
        while i < num_fixed and i < len(args):
            argv.append(self.eval_arg(dot, params[i], args[i]))
            i += 1
        if fn.variadic:
            elem = params[-1]
            while i < len(args):
                argv.append(self.eval_arg(dot, elem, args[i]))
                i += 1
        if final is not MISSING:
            t = params[-1] if params else "any"
            if fn.variadic and num_in - 1 < num_fixed:
                t = params[num_in - 1]
            argv.append(self.validate_type(final, t))
        if builtin and name == "call":
            argv.insert(0, str(args[0]) if args else "")
        try:
            return fn.fn(*argv)
        except CallError as e:
            self.at(node)
            self.errorf(f"error calling {name}: {e}")
        except FormatTooLarge as e:
            raise TemplateError(str(e)) from None

    def validate_type(self, value: Any, typ: str) -> Any:
        if value is NO_VALUE:
            if _can_be_nil(typ):
                return _zero(typ)
            self.errorf(f"invalid value; expected {_go_type(typ)}")
        if typ in ("any", "value"):
            return value
        if assignable(value, typ):
            return value
        if value is not None and isinstance(value, GoStruct) and value.pointer \
                and value.gotype == typ:
            return value.deref()
        if isinstance(value, GoStruct) and not value.pointer and typ == "*" + value.gotype:
            return value.addr()
        self.errorf(f"wrong type for value; expected {_go_type(typ)}; got {type_name(value)}")

    def eval_arg(self, dot: Any, typ: str, n: Node) -> Any:
        self.at(n)
        if isinstance(n, DotNode):
            return self.validate_type(dot, typ)
        if isinstance(n, NilNode):
            if _can_be_nil(typ):
                return _zero(typ)
            self.errorf(f"cannot assign nil to {_go_type(typ)}")
        if isinstance(n, FieldNode):
            return self.validate_type(self.eval_field_node(dot, n, [n], MISSING), typ)
        if isinstance(n, VariableNode):
            return self.validate_type(self.eval_variable_node(dot, n, None, MISSING), typ)
        if isinstance(n, PipeNode):
            return self.validate_type(self.eval_pipeline(dot, n), typ)
        if isinstance(n, IdentifierNode):
            return self.validate_type(self.eval_function(dot, n, n, None, MISSING), typ)
        if isinstance(n, ChainNode):
            return self.validate_type(self.eval_chain_node(dot, n, None, MISSING), typ)
        if typ == "bool":
            if isinstance(n, BoolNode):
                return n.value
            self.errorf(f"expected bool; found {n}")
        if typ in ("float64", "float32"):
            if isinstance(n, NumberNode) and n.is_float:
                return n.float64
            self.errorf(f"expected float; found {n}")
        if typ in ("int", "int64", "int32", "int16", "int8"):
            if isinstance(n, NumberNode) and n.is_int:
                return n.int64 if typ == "int" else GoInt(n.int64, typ)
            self.errorf(f"expected integer; found {n}")
        if typ.startswith("uint"):
            if isinstance(n, NumberNode) and n.is_uint:
                return GoInt(n.uint64, typ)
            self.errorf(f"expected unsigned integer; found {n}")
        if typ in ("any", "value"):
            return self.eval_empty_interface(dot, n)
        if typ == "string":
            if isinstance(n, StringNode):
                return n.text
            self.errorf(f"expected string; found {n}")
        self.errorf(f"can't handle {n} for arg of type {_go_type(typ)}")

    def eval_empty_interface(self, dot: Any, n: Node) -> Any:
        self.at(n)
        if isinstance(n, BoolNode):
            return n.value
        if isinstance(n, DotNode):
            return dot
        if isinstance(n, FieldNode):
            return self.eval_field_node(dot, n, None, MISSING)
        if isinstance(n, IdentifierNode):
            return self.eval_function(dot, n, n, None, MISSING)
        if isinstance(n, NilNode):
            self.errorf("evalEmptyInterface: nil (can't happen)")
        if isinstance(n, NumberNode):
            return self.ideal_constant(n)
        if isinstance(n, StringNode):
            return n.text
        if isinstance(n, VariableNode):
            return self.eval_variable_node(dot, n, None, MISSING)
        if isinstance(n, PipeNode):
            return self.eval_pipeline(dot, n)
        self.errorf(f"can't handle assignment of {n} to empty interface argument")

    def print_value(self, node: Node, v: Any) -> None:
        self.at(node)
        v, _ = indirect(v) if isinstance(v, (GoStruct, GoPtr)) else (v, False)
        if v is NO_VALUE:
            self.write("<no value>")
            return
        self.write(sprint_value(v))


def _is_hex_int(s: str) -> bool:
    return len(s) > 2 and s[0] == "0" and s[1] in "xX" and not any(c in s for c in "pP")


def _error_context(node: Node) -> tuple[str, str]:
    """Go's ``ErrorContext``: "name:line:col" (byte column) and the node's text."""
    tree = node.tree
    text = tree.text[:node.pos]
    nl = text.rfind("\n")
    if nl == -1:
        col = len(utf8_bytes(text))
    else:
        col = len(utf8_bytes(text[nl + 1:]))
    line = 1 + text.count("\n")
    return f"{tree.parse_name}:{line}:{col}", str(node)
