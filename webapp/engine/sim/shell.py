"""The simulated shell (bash, or busybox/dash `sh`): runs `-c` scripts and interactive sessions.

External commands run as child processes, so `ps` shows them, ^C reaches the foreground job, and a
shell that is PID 1 keeps ignoring SIGTERM while its `sleep` child would not. `trap` works the POSIX
way: a trapped signal interrupts `wait` at once and otherwise runs after the current command.

Except the last command of a `-c` string, which some shells exec instead of forking (the shell
process becomes that command: same PID, so PID 1's rules and `docker stop`'s signal apply to it);
which one they exec depends on the shell and its version (images.Program.exec_last, `exec_tails`).
A script without a `#!` line is run by the shell itself, as POSIX says; one whose interpreter is
missing gets the shell's own error.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Generator, Mapping
from typing import Any

from .arith import ArithError, evaluate
from .process import INTERRUPTED, Proc, ReadLine, Sleep, Stream, WaitPid
from .resources import TEXT_PER_UNIT, Account, MeteredVars, join_cost, split_cost
from .shell_parse import (
    AndOr,
    Command,
    For,
    Group,
    If,
    Loop,
    Pipeline,
    Seq,
    ShellSyntaxError,
    Simple,
    parse,
)
from .signals import SIGINT, SIGQUIT, SIGTERM, InvalidSignal, parse_signal

Gen = Generator[Any, Any, int]
MAX_CAPTURE = 1 << 20


class ShellExit(Exception):
    def __init__(self, code: int):
        self.code = code


class LoopControl(Exception):
    def __init__(self, kind: str, depth: int = 1):
        self.kind, self.depth = kind, depth


class IO:
    """Where a command's output goes and where its input comes from."""

    def __init__(self, write: Callable[[str, str], None], stdin: Stream):
        self.sink = write
        self.stdin = stdin

    def write(self, text: str, stream: str = "stdout") -> None:
        self.sink(text, stream)


class Capture:
    """Collects output (for pipes and `$(...)`), bounded so a runaway loop cannot eat memory."""

    def __init__(self, passthrough: Callable[[str, str], None] | None = None,
                 account: Account | None = None):
        self.parts: list[str] = []
        self.size = 0
        self.passthrough = passthrough
        self.account = account  # the reading process's memory holds the buffer

    def write(self, text: str, stream: str = "stdout") -> None:
        if stream == "stdout":
            if self.size < MAX_CAPTURE:
                self.parts.append(text)
                self.size += len(text)
                if self.account is not None:
                    self.account.charge(len(text), force=True)
        elif self.passthrough is not None:
            self.passthrough(text, stream)

    def close(self) -> None:
        """The buffer has been read: its memory is free again."""
        if self.account is not None:
            self.account.release(self.size)
            self.account = None

    @property
    def text(self) -> str:
        return "".join(self.parts)


class Shell:
    """One shell process's interpreter state."""

    def __init__(self, proc: Proc, name: str, args: list[str], exec_last: str = "none"):
        self.proc = proc
        self.name = name  # "bash" or "sh"
        self.bash = name == "bash"
        self.exec_last = exec_last  # images.Program.exec_last
        self.tails: set[int] = set()  # ids of the Simple commands this shell would exec, not fork
        self.ever_trapped = False  # busybox ash's `may_have_traps`
        self.exit_trap = ""
        self.ignoring: set[int] = set()  # `trap '' SIG`: ignored, and so in what it runs (POSIX)
        self.arg0: str | None = None  # $0: the -c string's name, or the script's path
        self._vars = MeteredVars(proc.account)
        self.params = args
        self.status = 0
        self.jobs: list[Proc] = []
        self.last_bg: int | None = None
        self.pending_traps: list[int] = []
        self.traps: dict[int, str] = {}
        self.in_trap = False
        self.interactive = False

    # -- entry points -----------------------------------------------------------------------------

    def main(self) -> Gen:
        """Run as `sh [-c script [name args...]] | [-i]`, per argv."""
        argv = self.proc.argv[1:]
        script = None
        force_interactive = False
        while argv and argv[0].startswith("-") and argv[0] != "-":
            flag = argv.pop(0)
            if flag == "--":
                break
            if "c" in flag[1:]:
                if not argv:
                    self.proc.write(f"{self.name}: -c: option requires an argument\n", "stderr")
                    return 2
                script = argv.pop(0)
            if "i" in flag[1:]:
                force_interactive = True
        if script is not None:
            self.arg0 = argv[0] if argv else (self.proc.argv[0] if self.proc.argv else self.name)
            self.params = argv[1:]
            return (yield from self.run_script(script, oneshot=True))
        if argv:
            path = argv[0]
            content = self.proc.box.read_file(self.proc, path)
            if content is None:
                self.proc.write(f"{self.name}: {path}: No such file or directory\n", "stderr")
                return 127
            self.arg0 = path
            self.params = argv[1:]
            return (yield from self.run_script(content))
        self.interactive = force_interactive or self.proc.tty
        return (yield from self.repl())

    def run_script(self, script: str, oneshot: bool = False) -> Gen:
        """Run a script; `oneshot`: it is the `-c` string, whose last command may be exec'd."""
        try:
            tree = parse(script)
        except ShellSyntaxError as err:
            self.syntax_error(err, "-c")
            return 2
        if oneshot:
            self.tails = {id(cmd) for cmd in exec_tails(tree, self.exec_last)}
        try:
            yield from self.run_seq(tree, self.default_io())
        except ShellExit as done:
            self.status = done.code
        except LoopControl:
            pass
        return (yield from self.on_exit())

    def on_exit(self) -> Gen:
        """The EXIT trap, if one is set; the shell's exit status unless the trap exits."""
        action, self.exit_trap = self.exit_trap, ""
        if action:
            status = self.status
            try:
                yield from self.run_script_inline(action)
            except ShellExit as done:
                return done.code
            except LoopControl:
                pass
            self.status = status
        return self.status

    def may_exec(self) -> bool:
        """No trap stands in the way of exec'ing the last command: busybox ash remembers that a
        trap was ever set; dash and bash look at the traps set now (and an EXIT trap)."""
        if self.traps or self.exit_trap:
            return False
        return not (self.ever_trapped and getattr(self.proc.box, "flavour", "") == "busybox")

    def repl(self) -> Gen:
        if self.interactive:
            self.proc.ignored.update({SIGTERM, SIGQUIT})
            self.proc.handlers[SIGINT] = self._on_sigint
        io = self.default_io()
        buffer = ""
        while True:
            if self.interactive:
                self.proc.write(self.prompt() if not buffer else "> ")
            line = yield ReadLine()
            if line is INTERRUPTED:
                continue
            if line is None:
                if self.interactive and buffer == "":
                    self.proc.write("exit\n")
                return self.status
            buffer = f"{buffer}\n{line}" if buffer else line
            try:
                tree = parse(buffer)
            except ShellSyntaxError as err:
                if err.incomplete:
                    continue
                self.syntax_error(err, None)
                self.status = 2
                buffer = ""
                continue
            buffer = ""
            try:
                yield from self.run_seq(tree, io)
            except ShellExit as done:
                if self.interactive:
                    self.proc.write("exit\n")
                return done.code
            except LoopControl:
                pass

    # -- helpers ----------------------------------------------------------------------------------

    def builtins(self) -> dict[str, Callable[[Shell, list[str], IO], Gen]]:
        """The builtins of this shell (a subclass may offer others)."""
        return BUILTINS

    @property
    def vars(self) -> MeteredVars:
        """The shell's variables, their size charged to the container's memory."""
        return self._vars

    @vars.setter
    def vars(self, values: Mapping[str, str]) -> None:
        self._vars.release_all()
        self._vars = MeteredVars(self.proc.account, values)

    def pace(self) -> Gen:
        """Sleep off work done beyond the sandbox's share of the CPU (see `resources.Pacer`), so a
        busy loop takes its turn with everyone else's."""
        delay = self.proc.owed()
        if delay > 0:
            yield Sleep(delay)
        return 0

    def joined(self, parts: list[str]) -> str:
        """`"".join(parts)`, once the container's memory has room for the result."""
        if len(parts) > 1 or (parts and len(parts[0]) > TEXT_PER_UNIT):
            cost = join_cost(parts)
            self.proc.account.meter.check(cost)
            self.proc.spend(cost / TEXT_PER_UNIT)
        return "".join(parts)

    def default_io(self) -> IO:
        return IO(self.proc.write, self.proc.stdin)

    def prompt(self) -> str:
        cwd = self.proc.cwd
        if self.bash:
            home = self.proc.env.get("HOME", "/root")
            shown = "~" + cwd[len(home):] if home != "/" and (cwd == home or cwd.startswith(home + "/")) else cwd
            return f"root@{self.proc.box.hostname}:{shown}# "
        return f"{cwd} # "

    def _on_sigint(self, proc: Proc, sig: int) -> int | None:
        proc.write("\n" + self.prompt())
        return None

    def syntax_error(self, err: ShellSyntaxError, where: str | None) -> None:
        if self.bash:
            prefix = "bash: -c: line 1: " if where else "bash: "
        else:
            prefix = "sh: -c: line 1: " if where else "sh: "
        self.proc.write(f"{prefix}{err}\n", "stderr")

    def not_found(self, word: str, reason: str, io: IO) -> int:
        if self.bash:
            texts = {
                "not found": f"bash: {word}: command not found",
                "no such file": f"bash: {word}: No such file or directory",
                "permission denied": f"bash: {word}: Permission denied",
                "is a directory": f"bash: {word}: Is a directory",
            }
        else:
            texts = {
                "not found": f"sh: {word}: not found",
                "no such file": f"sh: {word}: not found",
                "permission denied": f"sh: {word}: Permission denied",
                "is a directory": f"sh: {word}: Permission denied",
            }
        io.write(texts.get(reason, texts["not found"]) + "\n", "stderr")
        return 126 if reason in ("permission denied", "is a directory") else 127

    def run_traps(self) -> Gen:
        while self.pending_traps and not self.in_trap:
            sig = self.pending_traps.pop(0)
            action = self.traps.get(sig)
            if not action:
                continue
            saved = self.status
            self.in_trap = True
            try:
                yield from self.run_script_inline(action)
            finally:
                self.in_trap = False
            self.status = saved
        return 0

    def run_script_inline(self, script: str) -> Gen:
        try:
            tree = parse(script)
        except ShellSyntaxError as err:
            self.syntax_error(err, None)
            return 2
        yield from self.run_seq(tree, self.default_io())
        return self.status

    def _trap_handler(self, proc: Proc, sig: int) -> int | None:
        self.pending_traps.append(sig)
        proc.interrupt_wait()
        return None

    # -- execution --------------------------------------------------------------------------------

    def run_seq(self, seq: Seq, io: IO) -> Gen:
        for node, background in seq.items:
            if background:
                self.start_background(node, io)
                self.status = 0
            else:
                self.status = yield from self.run_and_or(node, io)
            if self.pending_traps:
                yield from self.run_traps()
            yield from self.pace()
        return self.status

    def run_and_or(self, node: AndOr, io: IO) -> Gen:
        status = self.status = yield from self.run_pipeline(node.first, io)
        for op, pipeline in node.rest:
            if (op == "&&" and status == 0) or (op == "||" and status != 0):
                status = self.status = yield from self.run_pipeline(pipeline, io)  # `a || echo $?`
        return status

    def run_pipeline(self, pipe: Pipeline, io: IO) -> Gen:
        stdin = io.stdin
        status = 0
        for index, cmd in enumerate(pipe.commands):
            last = index == len(pipe.commands) - 1
            if last:
                status = yield from self.run_command(cmd, io if stdin is io.stdin else
                                                     IO(io.sink, stdin))
            else:
                capture = Capture(passthrough=io.write, account=self.proc.account)
                yield from self.run_command(cmd, IO(capture.write, stdin))
                stdin = Stream()
                stdin.feed(capture.text)
                stdin.close()
                capture.close()
        if pipe.negate:
            status = 0 if status else 1
        return status

    def run_command(self, cmd: Command, io: IO) -> Gen:
        if isinstance(cmd, Simple):
            return (yield from self.run_simple(cmd, io))
        if isinstance(cmd, Group):
            if cmd.subshell:
                saved = (dict(self.vars), dict(self.proc.env), self.proc.cwd)
                try:
                    yield from self.run_seq(cmd.body, io)
                except ShellExit as done:
                    self.status = done.code
                finally:
                    self.vars, self.proc.env, self.proc.cwd = saved[0], saved[1], saved[2]
                return self.status
            return (yield from self.run_seq(cmd.body, io))
        if isinstance(cmd, If):
            for cond, body in cmd.branches:
                if (yield from self.run_seq(cond, io)) == 0:
                    return (yield from self.run_seq(body, io))
            if cmd.otherwise is not None:
                return (yield from self.run_seq(cmd.otherwise, io))
            return 0
        if isinstance(cmd, Loop):
            return (yield from self.run_loop(cmd, io))
        if isinstance(cmd, For):
            words: list[str] = []
            for word in cmd.words:
                words.extend((yield from self.expand(word, io)))
            status = 0
            for value in words:
                self.vars[cmd.var] = value
                yield from self.pace()
                try:
                    status = yield from self.run_seq(cmd.body, io)
                except LoopControl as ctl:
                    if ctl.depth > 1:
                        raise LoopControl(ctl.kind, ctl.depth - 1) from None
                    if ctl.kind == "break":
                        break
            return status
        return 0

    def run_loop(self, loop: Loop, io: IO) -> Gen:
        status = 0
        while True:
            cond = yield from self.run_seq(loop.cond, io)
            if (cond == 0) == loop.until:
                break
            try:
                status = yield from self.run_seq(loop.body, io)
            except LoopControl as ctl:
                if ctl.depth > 1:
                    raise LoopControl(ctl.kind, ctl.depth - 1) from None
                if ctl.kind == "break":
                    break
            # A loop that never waits burns its CPU share: time passes, so signals and stop reach it.
            self.proc.spend(1)
            yield from self.pace()
        return status

    def start_background(self, node: AndOr, io: IO) -> None:
        from .process import NullStream

        def program(proc: Proc) -> Gen:
            sub = Shell(proc, self.name, self.params, self.exec_last)
            sub.ignoring = set(self.ignoring)
            proc.ignored.update(self.ignoring)
            sub.vars = dict(self.vars)
            sub.status = self.status
            # The forked child execs a lone simple command (every shell); ash and dash also the
            # last command of a list it runs.
            lone = not node.rest and len(node.first.commands) == 1
            if self.exec_last == "last" or lone:
                sub.tails = {id(cmd) for cmd in _last_tails(Seq([(node, False)], [""]))}
            try:
                return (yield from sub.run_and_or(node, IO(proc.write, proc.stdin)))
            except ShellExit as done:
                return done.code

        child = Proc(
            self.proc.box, self.proc.argv, env=self.proc.env, cwd=self.proc.cwd, out=io.write,
            stdin=NullStream() if not self.interactive else io.stdin, tty=self.proc.tty, parent=self.proc,
        )
        self.jobs.append(child)
        self.last_bg = child.pid
        child.start(program)
        if self.interactive:
            self.proc.write(f"[{len(self.jobs)}] {child.pid}\n")

    # -- simple commands --------------------------------------------------------------------------

    def run_simple(self, cmd: Simple, io: IO) -> Gen:
        self.proc.spend(1)
        words: list[str] = []
        for word in cmd.words:
            words.extend((yield from self.expand(word, io)))
        assigns = {}
        for assign in cmd.assigns:
            name, _, raw = assign.partition("=")
            expanded = yield from self.expand(raw, io, split=False)
            assigns[name] = "".join(expanded)
        tail = (id(cmd) in self.tails and bool(words) and words[0] not in self.builtins()
                and io.sink == self.proc.write and io.stdin is self.proc.stdin and self.may_exec())
        if tail:  # redirections of an exec'd command go straight to the process's own output
            io = IO(self.proc.out, self.proc.stdin)
        redirected = self.redirected(io, cmd, words)
        if redirected is None:
            return 1
        io = redirected
        if tail:
            env = dict(self.proc.env)
            env.update(assigns)
            return (yield from self.exec_in_place(words, env, io, bool(cmd.redirects)))
        if not words:
            for name, value in assigns.items():
                self.set_var(name, value)
            return 0
        builtin = self.builtins().get(words[0])
        if builtin is not None:
            saved = {k: self.proc.env.get(k) for k in assigns}
            self.proc.env.update(assigns)
            try:
                return (yield from builtin(self, words, io))
            finally:
                for key, old in saved.items():
                    if old is None:
                        self.proc.env.pop(key, None)
                    else:
                        self.proc.env[key] = old
        env = dict(self.proc.env)
        env.update(assigns)
        return (yield from self.run_external(words, env, io))

    def exec_in_place(self, argv: list[str], env: dict[str, str], io: IO, redirected: bool) -> Gen:
        """The shell replaces itself with its last command (see `exec_tails`), unless that command
        cannot be exec'd as it is (not found; a script the shell must run or refuse itself)."""
        from .process import Exec

        box = self.proc.box
        program, _, _ = box.resolve(self.proc, argv, env.get("PATH"))
        if program is None or self.script_problem(argv, env) is not None:
            return (yield from self.run_external(argv, env, io))
        yield Exec(argv, env=env, out=io.sink if redirected else None,
                   stdin=io.stdin if redirected else None, ignored=frozenset(self.ignoring))
        return 0  # pragma: no cover (the generator is closed by the exec)

    def script_problem(self, argv: list[str], env: Mapping[str, str]
                       ) -> tuple[str, str, str] | None:
        """("noexec", path, "") for an executable file without `#!` (the shell runs it itself),
        ("interp", path, interpreter) for one whose interpreter does not exist; None otherwise."""
        find = getattr(self.proc.box, "script_for", None)
        found = find(self.proc, argv[0], env.get("PATH")) if find is not None else None
        if found is None:
            return None
        path, text = found
        from .programs import interpreter_line

        line = interpreter_line(text)
        if line is None:
            return "noexec", path, ""
        interp = line[0]
        if "/" not in interp or self.proc.box.resolve(self.proc, [interp], "")[0] is None:
            return "interp", path, interp
        return None

    def run_external(self, argv: list[str], env: dict[str, str], io: IO) -> Gen:
        box = self.proc.box
        program, _, reason = box.resolve(self.proc, argv, env.get("PATH"))
        if program is None:
            return self.not_found(argv[0], reason, io)
        problem = self.script_problem(argv, env)
        if problem is not None and problem[0] == "interp":
            if self.bash:
                io.write(f"bash: {argv[0]}: {problem[2]}: bad interpreter: No such file or "
                         "directory\n", "stderr")
                return 126
            return self.not_found(argv[0], "no such file", io)
        if problem is not None:  # no `#!`: a child of this shell runs it as a shell script
            program = shell_program(self.name, self.exec_last)
            argv = [self.name, problem[1], *argv[1:]]
        child = Proc(box, argv, env=env, cwd=self.proc.cwd, out=io.write, stdin=io.stdin,
                     tty=self.proc.tty, parent=self.proc)
        child.ignored.update(self.ignoring)  # SIG_IGN survives fork and exec
        self.proc.foreground = child
        child.start(program)
        result = yield WaitPid(child)
        while result is INTERRUPTED and child.alive:
            # POSIX: a trapped signal that arrives while a foreground command runs is handled
            # after that command completes (run_seq runs the pending traps then); only `wait`
            # is interrupted by it.
            result = yield WaitPid(child)
        self.proc.foreground = None
        if result is INTERRUPTED:
            result = child.exit_code
        if self.interactive and child.killed_by in (SIGINT, SIGQUIT):
            self.proc.write("\n")
        return int(result if result is not None else 0)

    def redirected(self, io: IO, cmd: Simple, words: list[str]) -> IO | None:
        write = io.sink
        stdin = io.stdin
        box = self.proc.box
        for redirect in cmd.redirects:
            target = redirect.target
            if redirect.op in (">", ">>", "&>", "2>"):
                if target == "/dev/null":
                    sink: Callable[[str, str], None] = _discard
                else:
                    path = target if target.startswith("/") else _join(self.proc.cwd, target)
                    if box.write_denied(self.proc, path):  # bash, busybox sh, dash
                        flavour = getattr(box, "flavour", "gnu")
                        io.write(f"bash: {target}: Permission denied\n" if self.name == "bash" else
                                 f"sh: can't create {target}: Permission denied\n"
                                 if flavour == "busybox" else
                                 f"sh: 1: cannot create {target}: Permission denied\n", "stderr")
                        return None
                    if not box.write_file(self.proc, path, "", append=redirect.op == ">>"):
                        io.write(f"{self.name}: {target}: No such file or directory\n", "stderr")
                        return None

                    def sink(text: str, stream: str, path: str = path) -> None:
                        box.write_file(self.proc, path, text, append=True)

                if redirect.op == "&>":
                    write = sink
                else:
                    write = _split(write, sink, "stderr" if redirect.op == "2>" else "stdout")
            elif redirect.op in ("2>&1", ">&2"):
                write = _merge(write, "stdout" if redirect.op == "2>&1" else "stderr")
            elif redirect.op == "<":
                content = box.read_file(self.proc, _join(self.proc.cwd, target))
                if content is None:
                    io.write(f"{self.name}: {target}: No such file or directory\n", "stderr")
                    return None
                stdin = Stream()
                stdin.feed(content)
                stdin.close()
        return IO(write, stdin)

    def set_var(self, name: str, value: str) -> None:
        if name in self.proc.env:
            self.proc.env[name] = value
        else:
            self.vars[name] = value

    def get_var(self, name: str) -> str | None:
        if name == "?":
            return str(self.status)
        if name == "$":
            return str(self.proc.pid)
        if name == "!":
            return str(self.last_bg) if self.last_bg is not None else ""
        if name == "#":
            return str(len(self.params))
        if name == "0":
            return self.arg0 or self.name
        if name == "@" or name == "*":
            return " ".join(self.params)
        if name.isdigit():
            index = int(name)
            return self.params[index - 1] if 0 < index <= len(self.params) else ""
        if name in self.vars:
            return self.vars[name]
        if name == "PWD":
            return self.proc.cwd
        return self.proc.env.get(name)

    # -- word expansion ---------------------------------------------------------------------------

    def expand(self, word: str, io: IO, split: bool = True) -> Generator[Any, Any, list[str]]:
        """Quote removal, parameter and command substitution, field splitting (no globbing)."""
        if split and word in ('"$@"', '"${@}"'):
            return list(self.params)  # no parameters: no field at all
        fields: list[str] = []
        current: list[str] = []
        have = False
        i, n = 0, len(word)
        while i < n:
            ch = word[i]
            if ch == "\\" and i + 1 < n:
                current.append(word[i + 1])
                have = True
                i += 2
            elif ch == "'":
                end = word.index("'", i + 1)
                current.append(word[i + 1:end])
                have = True
                i = end + 1
            elif ch == '"':
                i += 1
                have = True
                while i < n and word[i] != '"':
                    if word[i] == "\\" and i + 1 < n and word[i + 1] in '"\\$`':
                        current.append(word[i + 1])
                        i += 2
                    elif split and word.startswith(("$@", "${@}"), i):
                        # "$@": one field per positional parameter (`exec "$@"` in entrypoints)
                        i += 2 if word.startswith("$@", i) else 4
                        for index, param in enumerate(self.params):
                            if index:
                                fields.append(self.joined(current))
                                current = []
                            current.append(param)
                    elif word[i] in "$`":
                        value, i = yield from (self.dollar(word, i, io) if word[i] == "$"
                                               else self.backquote(word, i, io))
                        current.append(value)
                    else:
                        current.append(word[i])
                        i += 1
                i += 1
            elif ch in "$`":
                value, i = yield from (self.dollar(word, i, io) if ch == "$" else self.backquote(word, i, io))
                if split:
                    if len(value) > TEXT_PER_UNIT:
                        self.proc.account.meter.check(split_cost(value))
                    parts = value.split()
                    if parts and value[:1].isspace() and (current or have):
                        fields.append(self.joined(current))
                        current, have = [], False
                    for index, part in enumerate(parts):
                        if index:
                            fields.append(self.joined(current))
                            current = []
                        current.append(part)
                        have = True
                    if parts and value[-1:].isspace():
                        fields.append(self.joined(current))
                        current, have = [], False
                else:
                    current.append(value)
                    have = have or bool(value)
            else:
                current.append(ch)
                have = True
                i += 1
        if current or have:
            fields.append(self.joined(current))
        return fields

    def substitute(self, inner: str, io: IO) -> Generator[Any, Any, str]:
        """Command substitution: what `inner` prints, less its trailing newlines (bounded). An
        `exit` in it ends the substitution only, as in the subshell bash runs it in."""
        capture = Capture(passthrough=io.write, account=self.proc.account)
        try:
            yield from self.run_seq(parse(inner), IO(capture.write, io.stdin))
        except ShellSyntaxError as err:
            self.syntax_error(err, None)
        except ShellExit as done:
            self.status = done.code
        finally:
            text = capture.text.rstrip("\n")
            capture.close()  # its size leaves the container's memory
        return text

    def backquote(self, word: str, i: int, io: IO) -> Generator[Any, Any, tuple[str, int]]:
        """`...`: the old form of $(...); inside it a backslash escapes only $, ` and \\."""
        j, n, inner = i + 1, len(word), []
        while j < n and word[j] != "`":
            if word[j] == "\\" and j + 1 < n and word[j + 1] in "$`\\":
                j += 1
            inner.append(word[j])
            j += 1
        return (yield from self.substitute("".join(inner), io)), j + 1

    def arithmetic(self, word: str, i: int, io: IO) -> Generator[Any, Any, tuple[str, int] | None]:
        """`$((expr))` at `i`: its value and where it ends, or None when the parentheses do not
        close as `))` (then it is a command substitution of a subshell, as shells read it)."""
        depth, j, n = 0, i + 1, len(word)
        while j < n:
            if word[j] == "(":
                depth += 1
            elif word[j] == ")":
                depth -= 1
                if depth == 0:
                    break
            j += 1
        if j >= n or word[j - 1] != ")":
            return None
        inner, k, expanded = word[i + 3:j - 1], 0, []
        while k < len(inner):  # parameters and substitutions first, as POSIX says
            if inner[k] == "$":
                text, k = yield from self.dollar(inner, k, io)
                expanded.append(text)
            else:
                expanded.append(inner[k])
                k += 1
        try:
            value = evaluate("".join(expanded), self.get_var, self.set_var)
        except ArithError as err:
            self.proc.write(f"{self.name}: {err}\n", "stderr")
            raise ShellExit(2) from None
        return str(value), j + 1

    def dollar(self, word: str, i: int, io: IO) -> Generator[Any, Any, tuple[str, int]]:
        n = len(word)
        if word.startswith("$((", i):
            found = yield from self.arithmetic(word, i, io)
            if found is not None:
                return found
        if word.startswith("$(", i):
            depth, j = 1, i + 2
            while j < n and depth:
                if word[j] == "(":
                    depth += 1
                elif word[j] == ")":
                    depth -= 1
                j += 1
            return (yield from self.substitute(word[i + 2:j - 1], io)), j
        if word.startswith("${", i):
            end = word.find("}", i)
            if end < 0:
                return "$", i + 1
            expr = word[i + 2:end]
            # A name (or special parameter), then an optional operator and its word.
            parsed = re.match(r"([A-Za-z_][A-Za-z0-9_]*|[0-9?$#!@*])(:?[-=+]?)(.*)", expr)
            name, op, default = parsed.groups() if parsed else (expr, "", "")
            value = self.get_var(name)
            if op in (":-", "-") and (value is None or (op == ":-" and value == "")):
                value = default
            elif op in (":=", "=") and (value is None or (op == ":=" and value == "")):
                value = default
                self.set_var(name, value)
            elif op in (":+", "+"):
                value = default if value else ""
            return value or "", end + 1
        match = re.match(r"[A-Za-z_][A-Za-z0-9_]*|[0-9?$#!@*]", word[i + 1:])
        if not match:
            return "$", i + 1
        return self.get_var(match.group(0)) or "", i + 1 + len(match.group(0))


def _split(rest: Callable[[str, str], None], sink: Callable[[str, str], None], stream: str
           ) -> Callable[[str, str], None]:
    """Send one stream to `sink` (a redirection) and the other where it went before."""

    def write(text: str, where: str) -> None:
        (sink if where == stream else rest)(text, where)

    return write


def _merge(target: Callable[[str, str], None], stream: str) -> Callable[[str, str], None]:
    """Send both streams to one (2>&1, >&2)."""

    def write(text: str, where: str) -> None:
        target(text, stream)

    return write


def _discard(text: str, stream: str) -> None:
    return None


def _join(cwd: str, path: str) -> str:
    if path.startswith("/"):
        return path
    parts = [p for p in (cwd.rstrip("/") + "/" + path).split("/") if p and p != "."]
    out: list[str] = []
    for part in parts:
        if part == "..":
            if out:
                out.pop()
        else:
            out.append(part)
    return "/" + "/".join(out)


# -- builtins -------------------------------------------------------------------------------------

def b_exit(sh: Shell, argv: list[str], io: IO) -> Gen:
    code = sh.status
    if len(argv) > 1:
        try:
            code = int(argv[1]) & 0xFF
        except ValueError:
            io.write(f"{sh.name}: exit: {argv[1]}: numeric argument required\n", "stderr")
            code = 2
    raise ShellExit(code)
    yield  # pragma: no cover


def b_true(sh: Shell, argv: list[str], io: IO) -> Gen:
    return 0
    yield  # pragma: no cover


def b_false(sh: Shell, argv: list[str], io: IO) -> Gen:
    return 1
    yield  # pragma: no cover


def b_echo(sh: Shell, argv: list[str], io: IO) -> Gen:
    from .applets import echo_text

    io.write(echo_text(argv[1:]))
    return 0
    yield  # pragma: no cover


def b_pwd(sh: Shell, argv: list[str], io: IO) -> Gen:
    io.write(sh.proc.cwd + "\n")
    return 0
    yield  # pragma: no cover


def b_cd(sh: Shell, argv: list[str], io: IO) -> Gen:
    target = argv[1] if len(argv) > 1 else sh.proc.env.get("HOME", "/")
    path = _join(sh.proc.cwd, target)
    kind = sh.proc.box.path_kind(sh.proc, path)
    if kind != "dir":
        why = "Not a directory" if kind == "file" else "No such file or directory"
        io.write(f"{sh.name}: cd: {target}: {why}\n", "stderr")
        return 1
    sh.proc.cwd = path
    return 0
    yield  # pragma: no cover


def b_export(sh: Shell, argv: list[str], io: IO) -> Gen:
    for arg in argv[1:]:
        if arg == "-p":
            continue
        name, eq, value = arg.partition("=")
        if eq:
            sh.proc.env[name] = value
            sh.vars.pop(name, None)
        elif name in sh.vars:
            sh.proc.env[name] = sh.vars.pop(name)
    if len(argv) == 1:
        for key in sorted(sh.proc.env):
            io.write(f'declare -x {key}="{sh.proc.env[key]}"\n' if sh.bash else f"export {key}='{sh.proc.env[key]}'\n")
    return 0
    yield  # pragma: no cover


def b_unset(sh: Shell, argv: list[str], io: IO) -> Gen:
    for name in argv[1:]:
        sh.vars.pop(name, None)
        sh.proc.env.pop(name, None)
    return 0
    yield  # pragma: no cover


def b_exec(sh: Shell, argv: list[str], io: IO) -> Gen:
    from .process import Exec

    if len(argv) == 1:
        return 0
    program, code, reason = sh.proc.box.resolve(sh.proc, argv[1:])
    if program is None:
        sh.not_found(argv[1], reason, io)
        raise ShellExit(code)
    yield Exec(argv[1:], ignored=frozenset(sh.ignoring))
    return 0


def b_wait(sh: Shell, argv: list[str], io: IO) -> Gen:
    status = 0
    targets = [j for j in sh.jobs if j.alive or len(argv) > 1]
    if len(argv) > 1:
        wanted = {a for a in argv[1:]}
        targets = [j for j in sh.jobs if str(j.pid) in wanted]
    for job in targets:
        result = yield WaitPid(job)
        if result is INTERRUPTED:
            sig = sh.pending_traps[0] if sh.pending_traps else SIGTERM
            yield from sh.run_traps()
            return 128 + sig
        status = int(result or 0)
    sh.jobs = [j for j in sh.jobs if j.alive]
    return status


def b_trap(sh: Shell, argv: list[str], io: IO) -> Gen:
    if len(argv) < 3:
        for sig, action in sorted(sh.traps.items()):
            from .signals import signal_name

            io.write(f"trap -- '{action}' {signal_name(sig)}\n")
        return 0
    action = argv[1]
    for spec in argv[2:]:
        if spec in ("0", "EXIT"):
            sh.exit_trap = "" if action == "-" else action
            sh.ever_trapped = sh.ever_trapped or bool(action) and action != "-"
            continue
        try:
            sig = parse_signal(spec)
        except InvalidSignal:
            io.write(f"{sh.name}: trap: {spec}: invalid signal specification\n", "stderr")
            return 1
        if action == "-":
            sh.traps.pop(sig, None)
            sh.proc.handlers.pop(sig, None)
            sh.proc.ignored.discard(sig)
            sh.ignoring.discard(sig)
        elif action == "":
            sh.traps.pop(sig, None)
            sh.proc.handlers.pop(sig, None)
            sh.proc.ignored.add(sig)
            sh.ignoring.add(sig)
        else:
            sh.traps[sig] = action
            sh.proc.handlers[sig] = sh._trap_handler
            sh.ignoring.discard(sig)
            sh.ever_trapped = True
    return 0
    yield  # pragma: no cover


def b_read(sh: Shell, argv: list[str], io: IO) -> Gen:
    names = [a for a in argv[1:] if not a.startswith("-")] or ["REPLY"]
    if io.stdin is sh.proc.stdin:
        line = yield ReadLine()
    else:
        _, line = io.stdin.take_line()
    if line is None or line is INTERRUPTED:
        return 1
    parts = line.split(None, len(names) - 1)
    for index, name in enumerate(names):
        sh.set_var(name, parts[index] if index < len(parts) else "")
    return 0


def b_loopctl(sh: Shell, argv: list[str], io: IO) -> Gen:
    depth = int(argv[1]) if len(argv) > 1 and argv[1].isdigit() else 1
    raise LoopControl(argv[0], depth)
    yield  # pragma: no cover


def b_test(sh: Shell, argv: list[str], io: IO) -> Gen:
    args = argv[1:]
    if argv[0] == "[":
        if not args or args[-1] != "]":
            io.write(f"{sh.name}: [: missing `]'\n", "stderr")
            return 2
        args = args[:-1]
    return 0 if _test(sh, args) else 1
    yield  # pragma: no cover


def _test(sh: Shell, args: list[str]) -> bool:
    if not args:
        return False
    if args[0] == "!":
        return not _test(sh, args[1:])
    if len(args) == 1:
        return args[0] != ""
    if len(args) == 2:
        op, value = args
        box = sh.proc.box
        kind = box.path_kind(sh.proc, _join(sh.proc.cwd, value))
        return {
            "-z": value == "", "-n": value != "", "-e": kind is not None, "-f": kind == "file",
            "-d": kind == "dir", "-x": kind == "exec",
        }.get(op, False)
    left, op, right = args[0], args[1], args[2]
    if op in ("=", "=="):
        return left == right
    if op == "!=":
        return left != right
    try:
        a, b = int(left), int(right)
    except ValueError:
        return False
    return {"-eq": a == b, "-ne": a != b, "-lt": a < b, "-le": a <= b, "-gt": a > b, "-ge": a >= b}.get(op, False)


BUILTINS: dict[str, Callable[[Shell, list[str], IO], Gen]] = {
    "exit": b_exit, "true": b_true, ":": b_true, "false": b_false, "echo": b_echo, "pwd": b_pwd,
    "cd": b_cd, "export": b_export, "unset": b_unset, "exec": b_exec, "wait": b_wait, "trap": b_trap,
    "read": b_read, "break": b_loopctl, "continue": b_loopctl, "test": b_test, "[": b_test,
}


def shell_program(name: str, exec_last: str = "none") -> Callable[[Proc], Gen]:
    """A Program running this shell flavour (`exec_last`: images.Program.exec_last)."""

    def program(proc: Proc) -> Gen:
        return (yield from Shell(proc, name, [], exec_last).main())

    return program


def exec_tails(tree: Seq, mode: str) -> list[Simple]:
    """The simple commands of a `-c` string that the shell would exec instead of forking, when it
    gets to them with no trap set (see images.Program.exec_last for the modes).

    bash reads the string a line at a time; only the last line's command is a candidate: a simple
    command without redirections, alone ("single"), at the end of an &&/|| list ("andor"), or also
    after a `;` ("list"; not after `&`). busybox ash and dash hand "exit after this" down to the
    last command they reach, through `;`, &&/||, `if` branches, `{ }` and `( )` ("last")."""
    if mode == "none" or not tree.items:
        return []
    if mode == "last":
        return _last_tails(tree)
    start = 0
    for index, sep in enumerate(tree.seps[:-1]):
        if sep == "\n":
            start = index + 1
    line = tree.items[start:]
    andor, background = line[-1]
    if background:
        return []
    if len(line) > 1:
        if mode != "list" or tree.seps[len(tree.items) - 2] != ";" or andor.rest:
            return []
        pipe = andor.first
    elif andor.rest:
        if mode == "single":
            return []
        pipe = andor.rest[-1][1]
    else:
        pipe = andor.first
    cmd = pipe.commands[0] if len(pipe.commands) == 1 and not pipe.negate else None
    return [cmd] if isinstance(cmd, Simple) and not cmd.redirects else []


def _last_tails(seq: Seq) -> list[Simple]:
    andor, background = seq.items[-1]
    if background:
        return []
    pipe = andor.rest[-1][1] if andor.rest else andor.first
    if len(pipe.commands) != 1 or pipe.negate:
        return []
    cmd = pipe.commands[0]
    if isinstance(cmd, Simple):
        return [cmd]
    if isinstance(cmd, Group):
        return _last_tails(cmd.body) if cmd.body.items else []
    if isinstance(cmd, If):
        tails: list[Simple] = []
        for _, body in cmd.branches:
            tails.extend(_last_tails(body) if body.items else [])
        if cmd.otherwise is not None and cmd.otherwise.items:
            tails.extend(_last_tails(cmd.otherwise))
        return tails
    return []
