"""The console's shell: a small bash whose one program is `docker`, the same on both engines.

A console line is a script in the simulator's own shell language (`sim/shell_parse.py`), run by the
simulator's interpreter (`sim/shell.py`) as a process of a `ConsoleBox`: a box with no files and no
programs but `docker`, a few text tools and the console's builtins. So `;`, `&&`, `||`, pipes,
`$(…)`, backquotes, quoting, `$VAR`, `export`, `if`/`while`/`for` behave as bash's, and anything
else gets bash's own `command not found` (exit 127). The console never reaches a host shell.

Each `docker …` the script runs is a job of its own (`Job`), dispatched to the engine as a typed
line would be: announced (`Job.command_listeners`), recorded for lesson checks, fed the pipe as its
stdin when it reads one, its output going where the script sends it. While one runs in the
foreground it gets the console's keystrokes, so `docker run -it`, Ctrl-P Ctrl-Q and Ctrl-C keep
working; a docker command that Ctrl-C ends (exit 130) ends the whole line, as bash ends a list whose
foreground job died of SIGINT. A docker job that waits (on the clock or a worker thread) suspends
the script, which resumes when that job finishes.

Everything is bounded per line (`Bounds`): docker commands, simple commands, the pause the script
gives the clock now and then so a `while :` loop never holds the sandbox, and the console's history.
"""

from __future__ import annotations

import logging
import shlex
from collections import deque
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from typing import Any, cast

from .cli import CliError, ParsedCommand, parse_argv
from .clock import Clock
from .console_tools import CONSOLE_BUILTINS, TOOLS
from .job import Job
from .sim.process import NullStream, Proc, Program, Sleep, Stream
from .sim.resources import Meter, Pacer
from .sim.shell import IO, LoopControl, Shell, ShellExit
from .sim.shell_parse import Command, For, Group, If, Loop, Seq, ShellSyntaxError, parse
from .sim.signals import SIGINT, SIGKILL

log = logging.getLogger(__name__)

Gen = Generator[Any, Any, int]
Dispatch = Callable[[Job, ParsedCommand], None]
Record = Callable[[Job, float], None]

NO_FILES = ("lifecycle-lab: the console has no files: `{op} {target}` is not supported "
            "(pipe into grep, head, wc … instead)\n")
NO_BACKGROUND = ("lifecycle-lab: the console runs one command at a time: `&` (a background job) is "
                 "not supported; `docker run -d` runs a container in the background\n")
NO_EXIT = ("lifecycle-lab: this console cannot be exited: it is the lab's own shell (close the page "
           "to leave). `exit` leaves a container's shell, after `docker run -it … bash`.\n")
INTERNAL_ERROR = ("lifecycle-lab: internal error: {kind}; the sandbox is unharmed, please report "
                  "this command\n")


@dataclass(frozen=True)
class Bounds:
    """What one console line may cost; `docker_commands` and `steps` end a runaway loop."""

    docker_commands: int = 1000  # docker invocations in one line
    steps: int = 20_000  # simple commands (builtins, tools, docker) in one line
    pause_every: int = 100  # simple commands between two pauses that let the clock and keys in
    pause: float = 0.001  # seconds each pause lasts (virtual on a virtual clock)
    history: int = 1000  # lines `history` keeps
    variable: int = 64 << 10  # characters in one variable's value
    variables: int = 256 << 10  # characters in all variables (names and values) together
    history_chars: int = 256 << 10  # characters in all the lines `history` keeps
    typeahead: int = 64 << 10  # characters typed ahead while no docker command reads them


BOUNDS = Bounds()
#: What one console line's processes may hold (variables, `$(...)` and pipe buffers).
CONSOLE_MEMORY = 16 << 20


@dataclass
class ConsoleState:
    """What outlives a line: the shell's variables, `$?` and the history, per sandbox."""

    env: dict[str, str] = field(default_factory=lambda: {"HOME": "/root", "PATH": "/usr/bin:/bin"})
    vars: dict[str, str] = field(default_factory=dict)
    status: int = 0
    history: deque[str] = field(default_factory=lambda: deque(maxlen=BOUNDS.history))
    history_count: int = 0  # lines added since the history was last cleared (bash's numbering)
    history_size: int = 0  # characters the history holds
    bounds: Bounds = BOUNDS

    def remember(self, line: str) -> None:
        """Add a typed line to the history, as bash does before running it."""
        if line.strip():
            if len(self.history) == self.history.maxlen:
                self.history_size -= len(self.history[0])  # the deque drops it
            kept = line.rstrip("\n")
            self.history.append(kept)
            self.history_size += len(kept)
            self.history_count += 1
            while self.history_size > self.bounds.history_chars and len(self.history) > 1:
                self.history_size -= len(self.history.popleft())


class LineStopped(Exception):
    """A bound ended the line (the message is printed on stderr)."""


class ConsoleBox:
    """The box console processes live in: a clock and PIDs, programs by name, no files at all."""

    hostname = "lifecycle-lab"
    ip = ""
    flavour = "gnu"

    def __init__(self, clock: Clock, programs: Callable[[str], Program | None]):
        self.clock = clock
        self.meter = Meter(CONSOLE_MEMORY)  # what the line's variables and captures may hold
        self.pacer = Pacer(clock)  # the same share of the server's time as a container's shell
        self.procs: dict[int, Proc] = {}
        self._next_pid = 1
        self.programs = programs

    def allocate_pid(self) -> int:
        pid, self._next_pid = self._next_pid, self._next_pid + 1
        return pid

    def resolve(self, proc: Proc | None, argv: list[str], path_env: str | None = None,
                cwd: str | None = None) -> tuple[Program | None, int, str]:
        program = self.programs(argv[0]) if argv else None
        if program is not None:
            return program, 0, ""
        return None, 127, "no such file" if "/" in (argv[0] if argv else "") else "not found"

    def path_kind(self, proc: Proc | None, path: str) -> str | None:
        return None

    def list_dir(self, proc: Proc | None, path: str) -> list[str]:
        return []

    def read_file(self, proc: Proc | None, path: str) -> str | None:
        return None

    def write_file(self, proc: Proc | None, path: str, text: str, append: bool = False) -> bool:
        return False

    def process_table(self, proc: Proc | None) -> list[dict[str, object]]:
        return []

    def out_of_memory(self, proc: Proc) -> None:
        """The line went past `CONSOLE_MEMORY`: its shell is killed, as a container's would be."""
        proc.write(f"bash: out of memory: a console line may hold at most "
                       f"{CONSOLE_MEMORY >> 20} MiB\n", "stderr")

    def on_exit(self, proc: Proc) -> None:
        """Nothing to tidy: the box goes with its line."""


class ConsoleShell(Shell):
    """The simulator's bash with the console's builtins, bounds and refusals."""

    def __init__(self, proc: Proc, line: ConsoleLine):
        super().__init__(proc, "bash", [])
        self.line = line
        self.steps = 0

    def builtins(self) -> dict[str, Callable[[Shell, list[str], IO], Gen]]:
        return CONSOLE_BUILTINS

    def run_simple(self, cmd: Any, io: IO) -> Gen:
        self.steps += 1
        bounds = self.line.state.bounds
        if self.steps > bounds.steps:
            raise LineStopped(f"lifecycle-lab: the console stopped this line after {bounds.steps} "
                              "commands (a loop that does not end?)\n")
        if self.steps % bounds.pause_every == 0:
            yield Sleep(bounds.pause)  # the clock, Ctrl-C and other learners get their turn
        return (yield from super().run_simple(cmd, io))

    def redirected(self, io: IO, cmd: Any, words: list[str]) -> IO | None:
        for redirect in cmd.redirects:
            if redirect.op in (">", ">>", "&>", "2>", "<") and redirect.target != "/dev/null":
                io.write(NO_FILES.format(op=redirect.op, target=redirect.target), "stderr")
                return None
        return super().redirected(io, cmd, words)

    def set_var(self, name: str, value: str) -> None:
        super().set_var(name, self.line.bounded(name, value))
        self.line.check_variables()


def _background(seq: Seq) -> bool:
    """Whether the script puts anything in the background (`&`), anywhere."""

    def command(cmd: Command) -> bool:
        if isinstance(cmd, Group):
            return _background(cmd.body)
        if isinstance(cmd, If):
            return any(_background(c) or _background(b) for c, b in cmd.branches) or (
                cmd.otherwise is not None and _background(cmd.otherwise))
        if isinstance(cmd, Loop):
            return _background(cmd.cond) or _background(cmd.body)
        if isinstance(cmd, For):
            return _background(cmd.body)
        return False

    for and_or, background in seq.items:
        if background:
            return True
        for pipeline in [and_or.first] + [p for _, p in and_or.rest]:
            if any(command(c) for c in pipeline.commands):
                return True
    return False


class ConsoleLine:
    """One console line in flight: its shell process, its docker jobs, the keys it is typed."""

    def __init__(self, job: Job, text: str, *, clock: Clock, state: ConsoleState, dispatch: Dispatch,
                 record: Record | None, plain: bool):
        self.job = job
        self.text = text
        self.clock = clock
        self.state = state
        self.dispatch = dispatch
        self.record = record
        self.plain = plain  # the line is one docker command as typed: its record keeps the line
        self.docker_jobs = 0
        self.foreground: Job | None = None  # the docker command that reads the console's keys
        self.interrupted = False  # Ctrl-C reached the foreground docker command
        self.running: set[Job] = set()  # docker jobs not finished yet (xargs' too)
        self.cancelled = False
        self.terminal = Stream()  # the console's keys while no docker command reads them
        self.box = ConsoleBox(clock, self._program)
        self.stopped: int | None = None  # the exit code a bound or an internal error ended it with
        self.root = Proc(cast(Any, self.box), ["bash"], env=state.env, cwd="/root", out=self._write,
                         stdin=self.terminal, tty=job.tty)
        self._shell: ConsoleShell | None = None

    @property
    def shell(self) -> ConsoleShell:
        """The interpreter, made for a script (a plain docker line needs none)."""
        if self._shell is None:
            self._shell = ConsoleShell(self.root, self)
            self._shell.vars = dict(self.state.vars)
            self._shell.status = self.state.status
        return self._shell

    def _program(self, name: str) -> Program | None:
        """What runs for a command word: docker, or one of the console's tools."""
        program = self._docker if name == "docker" else TOOLS.get(name)
        return self._guarded(program) if program is not None else None

    # -- the line's job ---------------------------------------------------------------------------

    def start(self, tree: Seq) -> None:
        """Run the script on the shell's process."""
        self._hook()
        self.root.start(self._main(tree))

    def start_plain(self, argv: list[str]) -> None:
        """Run one plain docker command: the shell would only fork it, so the process is docker."""
        self._hook()
        self.root.argv = list(argv)
        self.root.start(self._guarded(self._docker))

    def _hook(self) -> None:
        job = self.job
        job.input_handler = self._keys
        job.eof_handler = self._eof
        job.cancel_handler = self._cancel
        job.resize_handler = self._resize
        self.root.listeners.append(self._ended)

    def _main(self, tree: Seq) -> Callable[[Proc], Gen]:
        def script(proc: Proc) -> Gen:
            try:
                return (yield from self.shell.run_seq(tree, self.shell.default_io()))
            except ShellExit as done:
                return done.code
            except LoopControl:
                return self.shell.status

        return self._guarded(script)

    def _guarded(self, program: Program) -> Program:
        """`program`, whose bound or internal error stops the whole line with a message, from
        whichever process and callback it runs in (a tool resumed by a docker job's end too)."""

        def guarded(proc: Proc) -> Gen:
            try:
                return (yield from program(proc))
            except LineStopped as stop:
                self.stop(str(stop))
            except Exception as err:  # nothing a learner types may crash the engine
                log.exception("internal error in the console shell running %r", self.text[:200])
                self.stop(INTERNAL_ERROR.format(kind=type(err).__name__))
            return 1

        return guarded

    def stop(self, message: str) -> None:
        """End the line now with `message` on stderr and exit status 1."""
        if self.stopped is None and self.root.alive:
            self.job.write_err(message)
            self.stopped = 1
            self.root.signal(SIGKILL)

    def _write(self, text: str, stream: str) -> None:
        if stream == "stdout":
            self.job.write_out(text)
        else:
            self.job.write_err(text)

    def _ended(self, root: Proc) -> None:
        """The shell is done (or was stopped): keep its state, end every process, finish the job."""
        code = 130 if self.cancelled else self.stopped if self.stopped is not None else \
            root.exit_code if root.exit_code is not None else 0
        if self._shell is not None:
            self.state.env = dict(root.env)
            self.state.vars = dict(self._shell.vars)
        self.state.status = code
        for proc in list(self.box.procs.values()):
            proc.signal(SIGKILL)
        self.foreground = None
        for job in list(self.running):
            job.cancel()  # the docker client goes away; its containers keep running
        self.job.finish(code)

    def _keys(self, data: str) -> None:
        fg = self.foreground
        if fg is not None and not fg.done:
            if "\x03" in data:
                self.interrupted = True
            fg.send(data)
            return
        if "\x03" in data:  # no docker command holds the terminal: SIGINT to the shell's job
            self.root.signal(SIGINT)
            return
        if len(self.terminal.pending()) + len(data) <= self.state.bounds.typeahead:
            self.terminal.feed(data)

    def _eof(self) -> None:
        fg = self.foreground
        self.terminal.close()
        if fg is not None and not fg.done:
            fg.close_stdin()

    def _cancel(self) -> None:
        """The console went away: stop the line (containers keep running)."""
        self.cancelled = True
        self.root.signal(SIGKILL)

    def _resize(self, rows: int, cols: int) -> None:
        fg = self.foreground
        if fg is not None and not fg.done:
            fg.resize(rows, cols)

    def bounded(self, name: str, value: str) -> str:
        limit = self.state.bounds.variable
        if len(value) > limit:
            raise LineStopped(f"lifecycle-lab: the console keeps variables of at most {limit} "
                              f"characters; ${name} would hold {len(value)}\n")
        return value

    def check_variables(self) -> None:
        """All the variables together stay within their bound (`export` sets them too)."""
        limit = self.state.bounds.variables
        total = sum(len(k) + len(v) for k, v in self.shell.vars.items()) + \
            sum(len(k) + len(v) for k, v in self.root.env.items())
        if total > limit:
            raise LineStopped(f"lifecycle-lab: the console keeps at most {limit} characters of "
                              "variables; `unset` some\n")

    # -- docker -------------------------------------------------------------------------------------

    def _docker(self, proc: Proc) -> Gen:
        """The `docker` program: one docker CLI invocation as a job of its own."""
        argv = proc.argv
        try:
            cmd = parse_argv(argv[1:])
        except CliError as err:
            proc.write(err.stdout)
            proc.write(err.stderr, "stderr")
            return err.exit_code
        bounds = self.state.bounds
        self.docker_jobs += 1
        if self.docker_jobs > bounds.docker_commands:
            raise LineStopped(f"lifecycle-lab: the console stopped this line after "
                              f"{bounds.docker_commands} docker commands (a loop that does not end?)\n")
        outer = self.job
        text = self.text if self.plain else shlex.join(argv)
        child = Job(text, tty=outer.tty)
        child.parsed = cmd
        child.tty_size = outer.tty_size
        child.output_listeners.append(lambda out, stream: proc.write(out, stream))
        outer.invocations += 1
        if outer.invocations == 1 and self.plain:
            outer.parsed = cmd
        for listener in list(outer.command_listeners):
            listener(text, cmd, self.plain)
        if self.record is not None:
            record, started = self.record, self.clock.now()
            child.done_listeners.append(lambda done: record(done, started))
        from_terminal = proc.stdin is self.terminal
        if from_terminal:
            self.foreground, self.interrupted = child, False
        try:
            self.dispatch(child, cmd)
        except Exception as err:  # nothing a learner types may crash the engine
            log.exception("internal error running %r", text[:200])
            if not child.done:
                child.write_err(INTERNAL_ERROR.format(kind=type(err).__name__))
                child.finish(1)
        if from_terminal:
            self._hand_terminal(child)
        else:
            self._hand_pipe(child, proc.stdin)
        if not child.done:
            self.running.add(child)
            child.done_listeners.append(self.running.discard)
            child.done_listeners.append(lambda done: proc._resume(done.exit_code))
            yield _AwaitJob(child)
        if self.foreground is child:
            self.foreground = None
        code = child.exit_code if child.exit_code is not None else 1
        if from_terminal and self.interrupted and code == 130 and self.root.alive:
            self.root.signal(SIGINT)  # the foreground job died of Ctrl-C: so does the list
        return code

    def _hand_terminal(self, child: Job) -> None:
        """What was typed ahead, then the end of input if the console closed it."""
        pending = []
        while True:
            ready, chunk = self.terminal.take_chunk()
            if not ready or chunk is None:
                break
            pending.append(chunk)
        if pending and not child.done:
            self._keys("".join(pending))
        if self.terminal.closed and not child.done:
            child.close_stdin()

    @staticmethod
    def _hand_pipe(child: Job, stdin: Stream) -> None:
        """A docker command in a pipeline reads the pipe (it is complete: stages run in turn)."""
        if child.done or isinstance(stdin, NullStream):
            if not child.done:
                child.close_stdin()
            return
        data = stdin.pending()
        if data and child.input_handler is not None:
            child.send(data)
        if not child.done:
            child.close_stdin()


@dataclass
class _AwaitJob:
    """A console process waits for a docker job (resumed by the job's end, never by the clock)."""

    job: Job


def run_line(job: Job, text: str, *, clock: Clock, state: ConsoleState, dispatch: Dispatch,
             record: Record | None, argv: list[str] | None = None, tree: Seq | None = None) -> None:
    """Run a console line on `job` (under the engine's lock); the job finishes now or when its
    last docker command does. `argv`: the line is one plain docker command with these words (it
    runs without the interpreter, as the shell would run it); `tree`: the line already parsed."""
    line = ConsoleLine(job, text, clock=clock, state=state, dispatch=dispatch, record=record,
                       plain=argv is not None)
    if argv is not None:
        line.start_plain(argv)
        return
    try:
        tree = tree if tree is not None else parse(text)
    except ShellSyntaxError as err:
        job.write_err(f"bash: {err}\n")
        state.status = 2
        job.finish(2)
        return
    if _background(tree):
        job.write_err(NO_BACKGROUND)
        state.status = 1
        job.finish(1)
        return
    line.start(tree)


__all__ = ["BOUNDS", "Bounds", "ConsoleState", "run_line"]
