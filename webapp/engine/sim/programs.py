"""Turning the image catalogue's declarative programs into running simulated programs."""

from __future__ import annotations

import re
import time as _time
from collections.abc import Callable, Generator
from typing import Any

from ..images import Program as ProgramSpec
from .applets import APPLETS, true
from .process import INTERRUPTED, Exec, Forever, Proc, ReadLine, WaitPid
from .shell import shell_program
from .signals import SIGCHLD_LIKE, SIGKILL, parse_signal, signal_name

Gen = Generator[Any, Any, int]
Program = Callable[[Proc], Gen]

_PLACEHOLDER = re.compile(r"\{(hostname|ip|pid|signal|signum|now:[^}]*)\}")


def render(line: str, proc: Proc, sig: int | None = None) -> str:
    """Fill a catalogue output line's placeholders for this process (see webapp.engine.images)."""

    def fill(match: re.Match[str]) -> str:
        key = match.group(1)
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


def server_program(spec: ProgramSpec) -> Program:
    def program(proc: Proc) -> Gen:
        if spec.requires_env and not any(proc.env.get(name) for name in spec.requires_env):
            _write_lines(proc, spec.missing_env, "stderr")
            return 1
        _write_lines(proc, spec.stdout, "stdout")
        _write_lines(proc, spec.stderr, "stderr")

        def graceful(p: Proc, sig: int) -> int:
            _write_lines(p, spec.shutdown, spec.shutdown_stream, sig)
            return spec.graceful_exit

        for name in spec.graceful:
            proc.handlers[parse_signal(name)] = graceful
        while True:
            result = yield Forever()
            if result is not INTERRUPTED:
                return 0

    return program


def repl_program(spec: ProgramSpec) -> Program:
    def program(proc: Proc) -> Gen:
        if proc.tty:
            _write_lines(proc, spec.banner, "stdout")
            proc.write(spec.prompt)

            def on_int(p: Proc, sig: int) -> None:
                p.write("\n" + spec.prompt)

            proc.handlers[2] = on_int
        while True:
            line = yield ReadLine()
            if line is INTERRUPTED:
                continue
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
        return shell_program("bash" if base == "bash" else "sh")
    if spec.kind == "applet":
        return applet_program(path)
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
