"""A docker console on the simulator in the local terminal (what `make run` offers before the web app).

The same console shell as the web page's (`engine/console_shell.py`): lists, pipes, `$(…)`,
variables, `history`, `clear` and `help` are answered by the engine, not by this terminal.

Lines are read with readline; while a command is attached to a container's terminal (`run -it`,
`attach`, `exec -it`) the terminal goes raw so every keystroke, Ctrl-P Ctrl-Q included, reaches it.
"""

from __future__ import annotations

import os
import select
import sys
import threading

from .engine.clock import RealClock
from .engine.job import Job
from .engine.sim.engine import SimEngine

PROMPT = "$ "


def _write(text: str, stream: str) -> None:
    target = sys.stdout if stream == "stdout" else sys.stderr
    target.write(text)
    target.flush()


def _wait(engine: SimEngine, job: Job) -> None:
    """Wait for the job, forwarding raw keystrokes when stdin is a terminal."""
    finished = threading.Event()
    job.done_listeners.append(lambda _: finished.set())
    if job.done:
        return
    interactive = sys.stdin.isatty()
    if not interactive:
        finished.wait()
        return
    import termios
    import tty

    fd = sys.stdin.fileno()
    saved = termios.tcgetattr(fd)
    try:
        tty.setraw(fd)
        while not finished.is_set():
            ready, _, _ = select.select([fd], [], [], 0.05)
            if ready:
                data = os.read(fd, 1024).decode(errors="replace")
                with engine.lock:
                    job.send(data)
    finally:
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


def run_console() -> int:
    lock = threading.RLock()
    engine = SimEngine(RealClock(lock), lock=lock)
    try:
        import readline  # noqa: F401  (line editing and history for input())
    except ImportError:
        pass
    print("Lifecycle Lab console: type docker commands (the simulator answers); Ctrl-D to quit.")
    while True:
        try:
            line = input(PROMPT)
        except EOFError:
            print()
            return 0
        except KeyboardInterrupt:
            print()
            continue
        with lock:
            job = engine.execute(line, tty=sys.stdin.isatty())
            job.output_listeners.append(_write)
            _write(job.stdout, "stdout")
            _write(job.stderr, "stderr")
        _wait(engine, job)
