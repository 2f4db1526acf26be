"""Turning the image catalogue's declarative programs into running simulated programs."""

from __future__ import annotations

import re
import time as _time
from collections.abc import Callable, Generator, Mapping
from typing import Any

from ..images import Program as ProgramSpec
from ..images import Reaction
from .applets import APPLETS, true
from .packages import PROGRAMS as PACKAGE_PROGRAMS
from .process import INTERRUPTED, Exec, Forever, Proc, ReadLine, WaitPid
from .shell import shell_program
from .signals import SIGCHLD_LIKE, SIGINT, SIGKILL, parse_signal, signal_name

Gen = Generator[Any, Any, int]
Program = Callable[[Proc], Gen]

_PLACEHOLDER = re.compile(r"\{(hostname|ip|pid|signal|signum|from|now:[^}]*)\}")


def render(line: str, proc: Proc, sig: int | None = None) -> str:
    """Fill a catalogue output line's placeholders for this process (see webapp.engine.images)."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
        if key == "from":
            return f" from {proc.signal_from}" if sig is not None and proc.signal_from else ""
        if key == "hostname":
            return proc.box.hostname
        if key == "ip":
            return proc.box.ip or "127.0.0.1"
        if key == "pid":
            return str(proc.pid)
        if key == "signal":
            return signal_name(sig) if sig is not None else match.group(0)
        if key == "signum":
            return str(sig) if sig is not None else match.group(0)
        now = proc.box.clock.now()
        micro = f"{int((now % 1) * 1_000_000):06d}"
        fmt = (key[4:].replace("%f", micro).replace("%L", micro[:3]).replace("%N", micro + "000")
               .replace("%s", str(int(now))))
        return _time.strftime(fmt, _time.gmtime(now))

    return _PLACEHOLDER.sub(fill, line)


def _write_lines(proc: Proc, lines: tuple[str, ...], stream: str, sig: int | None = None) -> None:
    if lines:
        proc.write("".join(render(line, proc, sig) + "\n" for line in lines), stream)


def message_program(spec: ProgramSpec) -> Program:
    def program(proc: Proc) -> Gen:
        _write_lines(proc, spec.stdout, "stdout")
        _write_lines(proc, spec.stderr, "stderr")
        return spec.exit_code
        yield  # pragma: no cover

    return program


def _env_ok(env: Mapping[str, str], item: str) -> bool:
    """`VAR` is set and not empty, or `VAR=value` holds (a `requires_env` item)."""
    name, eq, value = item.partition("=")
    return env.get(name, "") == value if eq else bool(env.get(name))


def _reaction_handler(spec: ProgramSpec, reaction: Reaction) -> Callable[[Proc, int], int | None]:
    def handle(p: Proc, sig: int) -> int | None:
        _write_lines(p, reaction.lines, reaction.stream, sig)
        p.signal_from = None
        if reaction.exit is not None and spec.pid_file:
            p.box.remove_file(p, spec.pid_file)
        return reaction.exit

    return handle


def install_reactions(proc: Proc, spec: ProgramSpec) -> None:
    """The program's signal dispositions: its handlers and the signals it sets to SIG_IGN."""
    for name in spec.ignores:
        proc.ignored.add(parse_signal(name))
    for name, reaction in spec.reactions().items():
        proc.handlers[parse_signal(name)] = _reaction_handler(spec, reaction)


def server_program(spec: ProgramSpec) -> Program:
    def program(proc: Proc) -> Gen:
        args = proc.argv[1:]
        if spec.control and "-s" in args:
            return control(spec, proc, args)
        if spec.requires_env and not any(_env_ok(proc.env, item) for item in spec.requires_env):
            _write_lines(proc, spec.missing_env, "stderr")
            return 1
        _write_lines(proc, spec.stdout, "stdout")
        _write_lines(proc, spec.stderr, "stderr")
        if spec.pid_file:
            proc.box.write_file(proc, spec.pid_file, f"{proc.pid}\n")
        install_reactions(proc, spec)
        while True:
            result = yield Forever()
            if result is not INTERRUPTED:
                return 0

    return program


def control(spec: ProgramSpec, proc: Proc, args: list[str]) -> int:
    """`nginx -s reload`: signal the running master through its pid file, as nginx does."""
    index = args.index("-s")
    name = args[index + 1] if index + 1 < len(args) else ""
    if name not in spec.control:
        proc.write(f'nginx: invalid option: "-s {name}"\n' if name else
                   'nginx: option "-s" requires parameter\n', "stderr")
        return 1
    _write_lines(proc, spec.control_started, "stderr")
    text = proc.box.read_file(proc, spec.pid_file)
    if text is None:
        _write_lines(proc, spec.control_no_pid, "stderr")
        return 1
    pid_text = text.strip()
    target = proc.box.procs.get(int(pid_text)) if pid_text.isdigit() else None
    if target is None:
        when = render("{now:%Y/%m/%d %H:%M:%S}", proc)
        proc.write(f"{when} [alert] {proc.pid}#{proc.pid}: kill({pid_text}, "
                   f"{parse_signal(spec.control[name])}) failed (3: No such process)\n", "stderr")
        proc.write(f"nginx: [alert] kill({pid_text}, {parse_signal(spec.control[name])}) failed "
                   "(3: No such process)\n", "stderr")
        return 1
    sig = parse_signal(spec.control[name])

    def deliver(_: Proc) -> None:  # once this process has exited: kill() returns before the
        target.signal_from = proc.pid  # master acts, so `nginx -s quit` itself ends with 0
        target.signal(sig)

    proc.listeners.append(deliver)
    return 0


def refuse_code(proc: Proc) -> str:
    """What an interpreter given code or a script says: the simulator cannot run it."""
    name = proc.argv[0].rsplit("/", 1)[-1]
    return (f"{name}: Lifecycle Lab: the simulator runs this interpreter only interactively "
            f"(docker run -it IMAGE {name}); it cannot run code or scripts\n")


def repl_program(spec: ProgramSpec) -> Program:
    def program(proc: Proc) -> Gen:
        args = proc.argv[1:]
        if args and args[0] in ("--version", "-V") and spec.version:
            proc.write(spec.version + "\n")
            return 0
        if args and args[0] not in ("-i", "-q"):
            proc.write(refuse_code(proc), "stderr")
            return 2
        pressed = [False]  # the last key was ^C (node's REPL ends on a second one)
        if proc.tty:
            _write_lines(proc, spec.banner, "stdout")
            proc.write(spec.prompt)

            def on_int(p: Proc, sig: int) -> int | None:
                if spec.interrupt_twice_exits and pressed[0]:
                    p.write("\n")
                    return 0
                pressed[0] = True
                p.write("\n" + "".join(line + "\n" for line in spec.interrupt) + spec.prompt)
                return None

            proc.handlers[SIGINT] = on_int
        else:
            install_reactions(proc, spec)
        while True:
            line = yield ReadLine()
            if line is INTERRUPTED:
                continue
            if proc.tty:
                pressed[0] = False
            if line is None:
                if proc.tty:
                    proc.write("\n")
                return 0
            if line.strip() in ("exit()", "quit()", ".exit", "exit", "quit"):
                return 0
            if proc.tty:
                proc.write(spec.prompt)

    return program


def entrypoint_program(spec: ProgramSpec) -> Program:
    def program(proc: Proc) -> Gen:
        args = proc.argv[1:]
        if args and args[0] in spec.triggers:
            _write_lines(proc, spec.stdout, "stdout")
            _write_lines(proc, spec.stderr, "stderr")
        if not args:
            return 0
        yield Exec(args)
        return 0

    return program


def daemonize_program(spec: ProgramSpec) -> Program:
    def program(proc: Proc) -> Gen:
        _write_lines(proc, spec.stdout, "stdout")
        if spec.spawns:
            argv = spec.spawns.split()
            found, _, _ = proc.box.resolve(proc, argv)
            if found is not None:
                child = Proc(proc.box, argv, env=proc.env, cwd=proc.cwd, out=lambda t, s: None,
                             parent=proc)
                child.start(found)
        return 0
        yield  # pragma: no cover

    return program


def applet_program(path: str) -> Program:
    return APPLETS.get(path.rsplit("/", 1)[-1], true)


def program_for(path: str, spec: ProgramSpec, shell_name: str = "bash") -> Program:
    """The runnable program for an executable of the catalogue."""
    base = path.rsplit("/", 1)[-1]
    if spec.kind == "shell":
        return shell_program("bash" if base == "bash" else "sh", spec.exec_last)
    if spec.kind == "applet":
        return applet_program(path)
    if spec.kind == "packages":
        return PACKAGE_PROGRAMS[base]
    builder = {
        "message": message_program, "server": server_program, "repl": repl_program,
        "entrypoint": entrypoint_program, "daemonize": daemonize_program,
    }.get(spec.kind)
    if builder is None:
        return true
    return builder(spec)


def init_program(proc: Proc) -> Gen:
    """docker-init (tini) as PID 1 for `--init`: runs the command as a child and forwards signals.

    The child is not PID 1, so an unhandled SIGTERM kills it, and tini exits 128+signal: 143.
    """
    argv = proc.argv[1:]
    if argv and argv[0] == "--":
        argv = argv[1:]
    program, code, _ = proc.box.resolve(proc, argv)
    if program is None:
        proc.write(f"[FATAL tini (7)] exec {argv[0] if argv else ''} failed: "
                   f"{'No such file or directory' if code == 127 else 'Permission denied'}\n", "stderr")
        return code
    child = Proc(proc.box, argv, env=proc.env, cwd=proc.cwd, out=proc.out, stdin=proc.stdin,
                 tty=proc.tty, parent=proc, user=proc.user, ident=proc.ident)

    def forward(p: Proc, sig: int) -> None:
        child.signal(sig)

    for sig in range(1, 32):
        if sig != SIGKILL and sig not in SIGCHLD_LIKE:
            proc.handlers[sig] = forward
    proc.forwards_to = child
    proc.foreground = child
    child.start(program)
    result = yield WaitPid(child)
    while result is INTERRUPTED:
        result = yield WaitPid(child)
    return child.exit_code if child.exit_code is not None else 0


def interpreter_line(text: str) -> tuple[str, str] | None:
    """The `#!` line of a script as the kernel reads it: (interpreter, optional argument), or None
    when the file does not start with `#!` (exec then fails with ENOEXEC). Linux passes everything
    after the interpreter's name, trimmed, as one argument."""
    if not text.startswith("#!"):
        return None
    line = text[2:].split("\n", 1)[0].strip(" \t\r")
    interp, _, arg = line.replace("\t", " ").partition(" ")
    return interp, arg.strip(" ")


def script_program(path: str, text: str) -> Program:
    """An executable text file run by the kernel (`execve` of `path`, as it was called): a `#!`
    line runs `interp [arg] path args...`; without one, or with an interpreter that does not exist,
    the exec fails. That failure is what runc prints for PID 1 and `docker exec` (the container
    then exits 1); shells check scripts themselves before they get here (sim.shell)."""

    def program(proc: Proc) -> Gen:
        line = interpreter_line(text)
        if line is None:
            proc.write(f"exec {path}: exec format error\n", "stderr")
            return 1
        interp, arg = line
        found, _, _ = proc.box.resolve(proc, [interp], "") if "/" in interp else (None, 0, "")
        if found is None:
            proc.write(f"exec {path}: no such file or directory\n", "stderr")
            return 1
        proc.argv = [interp, *([arg] if arg else []), path, *proc.argv[1:]]
        return (yield from found(proc))

    return program
