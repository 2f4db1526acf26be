"""The parser (Go's text/template/parse/parse.go): items to a tree of nodes."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..gofmt import quote
from .errors import MAX_NESTING
from .lex import (
    ASSIGN,
    BLOCK,
    BOOL,
    BREAK,
    CHAR,
    CHAR_CONSTANT,
    COMPLEX,
    CONTINUE,
    DECLARE,
    DEFINE,
    DOT,
    ELSE,
    END,
    EOF,
    ERROR,
    FIELD,
    IDENTIFIER,
    IF,
    LEFT_DELIM,
    LEFT_PAREN,
    NIL,
    NUMBER,
    PIPE,
    RANGE,
    RAW_STRING,
    RIGHT_DELIM,
    RIGHT_PAREN,
    SPACE,
    STRING,
    TEMPLATE,
    TEXT,
    VARIABLE,
    WITH,
    Item,
    _Lexer,
)
from .node import (
    ActionNode,
    BoolNode,
    BreakNode,
    ChainNode,
    CommandNode,
    CommentNode,
    ContinueNode,
    DotNode,
    ElseNode,
    EndNode,
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
    _make_number,
    _SyntaxError,
    _unquote,
)

if TYPE_CHECKING:
    from .node import Node


class _ParsePanic(Exception):
    pass


class _Tree:
    """One parsed template (Go's ``parse.Tree``)."""

    def __init__(self, name: str, text: str, funcs: frozenset[str], tree_set: dict[str, _Tree],
                 parse_name: str = "") -> None:
        self.name = name
        self.parse_name = parse_name
        self.text = text
        self.funcs = funcs
        self.tree_set = tree_set
        self.root: ListNode | None = None
        self.lex: _Lexer | None = None
        self.token: list[Item] = [Item(EOF, 0, "", 1)] * 3
        self.peek_count = 0
        self.vars: list[str] = ["$"]
        self.action_line = 0
        self.range_depth = 0
        self.depth = 0

    # -- token plumbing (three-token lookahead, as Go)
    def next(self) -> Item:
        if self.peek_count > 0:
            self.peek_count -= 1
        else:
            assert self.lex is not None
            self.token[0] = self.lex.next_item()
        return self.token[self.peek_count]

    def backup(self) -> None:
        self.peek_count += 1

    def backup2(self, t1: Item) -> None:
        self.token[1] = t1
        self.peek_count = 2

    def backup3(self, t2: Item, t1: Item) -> None:
        self.token[1] = t1
        self.token[2] = t2
        self.peek_count = 3

    def peek(self) -> Item:
        if self.peek_count > 0:
            return self.token[self.peek_count - 1]
        self.peek_count = 1
        assert self.lex is not None
        self.token[0] = self.lex.next_item()
        return self.token[0]

    def next_non_space(self) -> Item:
        while True:
            tok = self.next()
            if tok.typ != SPACE:
                return tok

    def peek_non_space(self) -> Item:
        tok = self.next_non_space()
        self.backup()
        return tok

    # -- errors
    def errorf(self, msg: str) -> None:
        self.root = None
        raise _ParsePanic(f"template: {self.parse_name}:{self.token[0].line}: {msg}")

    def expect(self, typ: int, context: str) -> Item:
        tok = self.next_non_space()
        if tok.typ != typ:
            self.unexpected(tok, context)
        return tok

    def expect_one_of(self, t1: int, t2: int, context: str) -> Item:
        tok = self.next_non_space()
        if tok.typ not in (t1, t2):
            self.unexpected(tok, context)
        return tok

    def unexpected(self, tok: Item, context: str) -> None:
        if tok.typ == ERROR:
            extra = ""
            if self.action_line != 0 and self.action_line != tok.line:
                extra = f" in action started at {self.parse_name}:{self.action_line}"
                if tok.val.endswith(" action"):
                    extra = extra[len(" in action"):]
            self.errorf(f"{tok}{extra}")
        self.errorf(f"unexpected {tok} in {context}")

    def _enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            self.errorf("max expression depth exceeded")

    def _leave(self) -> None:
        self.depth -= 1

    # -- grammar
    def parse(self) -> None:
        self.lex = _Lexer(self.text)
        self.root = ListNode(self, self.peek().pos)
        while self.peek().typ != EOF:
            if self.peek().typ == LEFT_DELIM:
                delim = self.next()
                if self.next_non_space().typ == DEFINE:
                    new = _Tree("definition", self.text, self.funcs, self.tree_set,
                                self.parse_name)
                    new.lex = self.lex
                    new.depth = self.depth
                    new.parse_definition()
                    continue
                self.backup2(delim)
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                self.errorf(f"unexpected {n}")
            else:
                self.root.nodes.append(n)
        self.add()

    def add(self) -> None:
        tree = self.tree_set.get(self.name)
        if tree is None or _is_empty_tree(tree.root):
            self.tree_set[self.name] = self
            return
        if not _is_empty_tree(self.root):
            self.errorf(f"template: multiple definition of template {quote(self.name)}")

    def parse_definition(self) -> None:
        context = "define clause"
        name = self.expect_one_of(STRING, RAW_STRING, context)
        try:
            self.name = _unquote(name.val)
        except _SyntaxError:
            self.errorf("invalid syntax")
        self.expect(RIGHT_DELIM, context)
        self.root, end = self.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        self.add()

    def item_list(self) -> tuple[ListNode, Node]:
        lst = ListNode(self, self.peek_non_space().pos)
        while self.peek_non_space().typ != EOF:
            n = self.text_or_action()
            if isinstance(n, (EndNode, ElseNode)):
                return lst, n
            lst.nodes.append(n)
        self.errorf("unexpected EOF")
        raise AssertionError("unreachable")

    def text_or_action(self) -> Node:
        tok = self.next_non_space()
        if tok.typ == TEXT:
            return TextNode(self, tok.pos, tok.val)
        if tok.typ == LEFT_DELIM:
            self.action_line = tok.line
            try:
                return self.action()
            finally:
                self.action_line = 0
        self.unexpected(tok, "input")
        raise AssertionError("unreachable")

    def action(self) -> Node:
        tok = self.next_non_space()
        t = tok.typ
        if t == BLOCK:
            return self.block_control()
        if t == BREAK:
            return self.break_control(tok.pos, tok.line)
        if t == CONTINUE:
            return self.continue_control(tok.pos, tok.line)
        if t == ELSE:
            return self.else_control()
        if t == END:
            return EndNode(self, self.expect(RIGHT_DELIM, "end").pos)
        if t == IF:
            return IfNode(self, *self.parse_control("if"))
        if t == RANGE:
            return RangeNode(self, *self.parse_control("range"))
        if t == TEMPLATE:
            return self.template_control()
        if t == WITH:
            return WithNode(self, *self.parse_control("with"))
        self.backup()
        tok = self.peek()
        return ActionNode(self, tok.pos, tok.line, self.pipeline("command", RIGHT_DELIM))

    def break_control(self, pos: int, line: int) -> Node:
        tok = self.next_non_space()
        if tok.typ != RIGHT_DELIM:
            self.unexpected(tok, "{{break}}")
        if self.range_depth == 0:
            self.errorf("{{break}} outside {{range}}")
        return BreakNode(self, pos, line)

    def continue_control(self, pos: int, line: int) -> Node:
        tok = self.next_non_space()
        if tok.typ != RIGHT_DELIM:
            self.unexpected(tok, "{{continue}}")
        if self.range_depth == 0:
            self.errorf("{{continue}} outside {{range}}")
        return ContinueNode(self, pos, line)

    def pipeline(self, context: str, end: int) -> PipeNode:
        tok = self.peek_non_space()
        pipe = PipeNode(self, tok.pos, tok.line)
        while True:  # declarations
            v = self.peek_non_space()
            if v.typ != VARIABLE:
                break
            self.next()
            token_after = self.peek()
            nxt = self.peek_non_space()
            if nxt.typ in (ASSIGN, DECLARE):
                pipe.is_assign = nxt.typ == ASSIGN
                self.next_non_space()
                pipe.decl.append(VariableNode(self, v.pos, v.val))
                self.vars.append(v.val)
            elif nxt.typ == CHAR and nxt.val == ",":
                self.next_non_space()
                pipe.decl.append(VariableNode(self, v.pos, v.val))
                self.vars.append(v.val)
                if context == "range" and len(pipe.decl) < 2:
                    if self.peek_non_space().typ in (VARIABLE, RIGHT_DELIM, RIGHT_PAREN):
                        continue
                    self.errorf("range can only initialize variables")
                self.errorf(f"too many declarations in {context}")
            elif token_after.typ == SPACE:
                self.backup3(v, token_after)
            else:
                self.backup2(v)
            break
        while True:
            tok = self.next_non_space()
            if tok.typ == end:
                self.check_pipeline(pipe, context)
                return pipe
            if tok.typ in (BOOL, CHAR_CONSTANT, COMPLEX, DOT, FIELD, IDENTIFIER, NUMBER, NIL,
                           RAW_STRING, STRING, VARIABLE, LEFT_PAREN):
                self.backup()
                pipe.cmds.append(self.command())
            else:
                self.unexpected(tok, context)

    def check_pipeline(self, pipe: PipeNode, context: str) -> None:
        if not pipe.cmds:
            self.errorf(f"missing value for {context}")
        for i, c in enumerate(pipe.cmds[1:]):
            if isinstance(c.args[0], (BoolNode, DotNode, NilNode, NumberNode, StringNode)):
                self.errorf(f"non executable command in pipeline stage {i + 2}")

    def parse_control(self, context: str) -> tuple[int, int, PipeNode, ListNode, ListNode | None]:
        mark = len(self.vars)
        self._enter()
        try:
            pipe = self.pipeline(context, RIGHT_DELIM)
            if context == "range":
                self.range_depth += 1
            lst, nxt = self.item_list()
            if context == "range":
                self.range_depth -= 1
            else_list = None
            if isinstance(nxt, ElseNode):
                if context == "if" and self.peek().typ == IF:
                    self.next()
                    else_list = ListNode(self, nxt.pos)
                    else_list.nodes.append(IfNode(self, *self.parse_control("if")))
                elif context == "with" and self.peek().typ == WITH:
                    self.next()
                    else_list = ListNode(self, nxt.pos)
                    else_list.nodes.append(WithNode(self, *self.parse_control("with")))
                else:
                    else_list, nxt = self.item_list()
                    if not isinstance(nxt, EndNode):
                        self.errorf(f"expected end; found {nxt}")
            return pipe.pos, pipe.line, pipe, lst, else_list
        finally:
            del self.vars[mark:]
            self._leave()

    def else_control(self) -> Node:
        peek = self.peek_non_space()
        if peek.typ in (IF, WITH):
            return ElseNode(self, peek.pos, peek.line)
        tok = self.expect(RIGHT_DELIM, "else")
        return ElseNode(self, tok.pos, tok.line)

    def block_control(self) -> Node:
        context = "block clause"
        tok = self.next_non_space()
        name = self.parse_template_name(tok, context)
        pipe = self.pipeline(context, RIGHT_DELIM)
        block = _Tree(name, self.text, self.funcs, self.tree_set, self.parse_name)
        block.lex = self.lex
        block.depth = self.depth
        block._enter()
        block.root, end = block.item_list()
        if not isinstance(end, EndNode):
            self.errorf(f"unexpected {end} in {context}")
        block.add()
        return TemplateNode(self, tok.pos, tok.line, name, pipe)

    def template_control(self) -> Node:
        context = "template clause"
        tok = self.next_non_space()
        name = self.parse_template_name(tok, context)
        pipe = None
        if self.next_non_space().typ != RIGHT_DELIM:
            self.backup()
            pipe = self.pipeline(context, RIGHT_DELIM)
        return TemplateNode(self, tok.pos, tok.line, name, pipe)

    def parse_template_name(self, tok: Item, context: str) -> str:
        if tok.typ in (STRING, RAW_STRING):
            try:
                return _unquote(tok.val)
            except _SyntaxError:
                self.errorf("invalid syntax")
        self.unexpected(tok, context)
        raise AssertionError("unreachable")

    def command(self) -> CommandNode:
        cmd = CommandNode(self, self.peek_non_space().pos)
        while True:
            self.peek_non_space()
            operand = self.operand()
            if operand is not None:
                cmd.args.append(operand)
            tok = self.next()
            if tok.typ == SPACE:
                continue
            if tok.typ in (RIGHT_DELIM, RIGHT_PAREN):
                self.backup()
            elif tok.typ == PIPE:
                pass
            else:
                self.unexpected(tok, "operand")
            break
        if not cmd.args:
            self.errorf("empty command")
        return cmd

    def operand(self) -> Node | None:
        node = self.term()
        if node is None:
            return None
        if self.peek().typ == FIELD:
            chain = ChainNode(self, self.peek().pos, node)
            while self.peek().typ == FIELD:
                chain.add(self.next().val)
            if isinstance(node, FieldNode):
                return FieldNode(self, chain.pos, str(chain))
            if isinstance(node, VariableNode):
                return VariableNode(self, chain.pos, str(chain))
            if isinstance(node, (BoolNode, StringNode, NumberNode, NilNode, DotNode)):
                self.errorf(f"unexpected . after term {quote(str(node))}")
            return chain
        return node

    def term(self) -> Node | None:
        tok = self.next_non_space()
        t = tok.typ
        if t == IDENTIFIER:
            if tok.val not in self.funcs:
                self.errorf(f"function {quote(tok.val)} not defined")
            return IdentifierNode(self, tok.pos, tok.val)
        if t == DOT:
            return DotNode(self, tok.pos)
        if t == NIL:
            return NilNode(self, tok.pos)
        if t == VARIABLE:
            v = VariableNode(self, tok.pos, tok.val)
            if v.ident[0] not in self.vars:
                self.errorf(f"undefined variable {quote(v.ident[0])}")
            return v
        if t == FIELD:
            return FieldNode(self, tok.pos, tok.val)
        if t == BOOL:
            return BoolNode(self, tok.pos, tok.val == "true")
        if t in (CHAR_CONSTANT, COMPLEX, NUMBER):
            try:
                return _make_number(self, tok.pos, tok.val, t)
            except ValueError as e:
                self.errorf(str(e))
        if t == LEFT_PAREN:
            self._enter()
            try:
                return self.pipeline("parenthesized pipeline", RIGHT_PAREN)
            finally:
                self._leave()
        if t in (STRING, RAW_STRING):
            try:
                return StringNode(self, tok.pos, tok.val, _unquote(tok.val))
            except _SyntaxError:
                self.errorf("invalid syntax")
        self.backup()
        return None


def _is_empty_tree(n: Node | None) -> bool:
    if n is None:
        return True
    if isinstance(n, CommentNode):
        return True
    if isinstance(n, ListNode):
        return all(_is_empty_tree(x) for x in n.nodes)
    if isinstance(n, TextNode):
        return n.text.strip(" \t\n\r\v\f") == ""
    return False
