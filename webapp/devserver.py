"""Servers in subprocesses for tests, benchmarks and scripts: start, wait until ready, stop.

`AppServer` runs `lifecycle-lab serve` (or `serve --production`, or any command that serves HTTP)
on a free localhost port with its own database and instance folder, and returns once the server
answers. `ServerProcess` is the part that is not about HTTP (redis-server uses it too).

The server's output goes to a log file rather than a pipe (a full pipe would block it), and when it
dies or does not answer in time the error carries the end of that log. Inherited `LAB_*` variables
are dropped: a test's server gets exactly the settings its caller gives, whatever the shell holds.
Standard library only, so the app, the tests, the benchmarks and the scripts can all import it.
"""

from __future__ import annotations

import http.client
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Self

ROOT = Path(__file__).resolve().parent.parent
LOG_TAIL = 4000  # characters of the server's log quoted in an error


class ServerError(RuntimeError):
    """A server exited before it was ready, or did not become ready in time."""


LOWEST_PORT = 10_000  # free ports are picked from here up to the kernel's ephemeral range
_handed_out: set[int] = set()  # never the same port twice from one process


def ephemeral_ports() -> range:
    """The ports the kernel gives outgoing connections (Linux's `ip_local_port_range`)."""
    try:
        low, high = map(int, Path("/proc/sys/net/ipv4/ip_local_port_range").read_text().split())
    except (OSError, ValueError):
        return range(32768, 61000)  # Linux's default
    return range(low, high + 1)


def free_port(host: str = "127.0.0.1") -> int:
    """A port nobody uses right now, for a server that binds it a moment later (or again after a
    restart, as a cluster's app processes do).

    Chosen below the ephemeral range: a port the kernel picks itself (`bind(("", 0))`) comes from
    that range, so until the server binds it, any outgoing connection of a busy test (a client to
    nginx, nginx to an app process) may take it as its own local port, and the server's bind then
    fails with "Address already in use" (seen in CI).
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    top = min(ephemeral_ports().start, 65536)
    candidates = [p for p in range(LOWEST_PORT, top) if p not in _handed_out]
    random.shuffle(candidates)
    for port in candidates[:200]:
        with socket.socket(family) as sock:
            try:
                sock.bind((host, port))
            except OSError:
                continue
            port = int(sock.getsockname()[1])
        _handed_out.add(port)
        return port
    with socket.socket(family) as sock:  # nothing free below the ephemeral range: the kernel's pick
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


def serve_command(port: int, *, host: str = "127.0.0.1", production: bool = False,
                  threads: int | None = None) -> list[str]:
    """`lifecycle-lab serve` with this interpreter (the console script may not be on PATH)."""
    argv = [sys.executable, "-m", "webapp.cli", "serve", "--host", host, "--port", str(port)]
    if production:
        argv.append("--production")
    if threads is not None:
        argv += ["--threads", str(threads)]
    return argv


def server_environ(env: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without `LAB_*` settings, unbuffered, plus `env`."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("LAB_")}
    environ["PYTHONUNBUFFERED"] = "1"
    environ.update(env or {})
    return environ


class ServerProcess:
    """A command running in the background, its stdout and stderr in `log_path`.

    `new_session` puts it in a process group of its own, so `kill()` ends its children too (gunicorn's
    worker), as a crash of the machine's process would."""

    def __init__(self, argv: Sequence[str], *, log_path: Path, env: Mapping[str, str] | None = None,
                 cwd: Path = ROOT, name: str | None = None, new_session: bool = False):
        self.name = name or Path(argv[0]).name
        self.log_path = log_path
        self._new_session = new_session
        self._log: IO[str] = open(log_path, "w", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        try:
            self.proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env or os.environ),
                                         stdout=self._log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL,
                                         start_new_session=new_session)
        except BaseException:
            self._log.close()
            raise

    @property
    def pid(self) -> int:
        return self.proc.pid

    def output(self, limit: int = LOG_TAIL) -> str:
        """The end of what the server printed so far."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-limit:]
        except OSError:
            return ""

    def wait_until(self, ready: Callable[[], bool], *, timeout: float, what: str = "ready",
                   errors: tuple[type[BaseException], ...] = (OSError,),
                   interval: float = 0.05) -> None:
        """Poll `ready()` (an exception in `errors` counts as not yet) until it is true.

        Raises ServerError, quoting the log, if the process exits first or `timeout` passes; the
        process is then stopped.
        """
        deadline = time.monotonic() + timeout
        while True:
            try:
                if ready():
                    return
            except errors:
                pass
            code = self.proc.poll()
            if code is not None:
                problem = f"exited with status {code} before it was {what}"
            elif time.monotonic() > deadline:
                problem = f"was not {what} within {timeout:g} s"
            else:
                time.sleep(interval)
                continue
            message = f"{self.name} {problem}; its output:\n{self.output()}"
            self.stop()  # after reading the log: stopping may remove it
            raise ServerError(message)

    _tmp: str | None = None  # a temporary folder of ours (`own_folder`), removed by stop()

    def own_folder(self, folder: Path | None, prefix: str) -> Path:
        """`folder` (made if missing), or a new temporary folder that `stop()` removes."""
        if folder is None:
            self._tmp = tempfile.mkdtemp(prefix=prefix)
            folder = Path(self._tmp)
        folder.mkdir(parents=True, exist_ok=True)
        return folder

    def _remove_folder(self) -> None:
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def stop(self, timeout: float = 10.0) -> int:
        """Terminate (then kill, after `timeout`); returns the exit status. Safe to call twice."""
        try:
            if self.proc.poll() is None:
                self.proc.terminate()
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    self.proc.kill()
                    self.proc.wait(timeout)
            self._log.close()
            return self.proc.returncode
        finally:
            self._remove_folder()

    def kill(self) -> int:
        """SIGKILL, no goodbye (with `new_session`: the whole group); returns the exit status."""
        if self.proc.poll() is None:
            try:
                if self._new_session:
                    os.killpg(self.proc.pid, signal.SIGKILL)
                else:
                    self.proc.kill()
            except ProcessLookupError:
                pass
        self.proc.wait()
        self._log.close()
        return self.proc.returncode

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()


def http_ok(url: str, timeout: float = 2.0) -> bool:
    """True when `url` answers 200 (connection errors raise OSError, which waits treat as not yet)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status == 200
    except http.client.HTTPException as err:  # a half-started server's garbled answer
        raise ConnectionError(str(err)) from err


class AppServer(ServerProcess):
    """The app in a subprocess on a free port; constructing it returns once it answers.

    `folder` holds the database (`lab.db`), the instance folder (`instance/`) and `server.log`; by
    default a temporary folder, removed by `stop()`. `env` adds settings (`LAB_ENGINE`, …) to the
    environment of `server_environ`. `argv` replaces `lifecycle-lab serve` with another command
    (given the port) that serves `ready_path`; `production` serves with gunicorn. `port` pins the
    port (a process started again behind a proxy that knows its address).
    """

    def __init__(self, *, folder: Path | None = None, env: Mapping[str, str] | None = None,
                 production: bool = False, threads: int | None = None, host: str = "127.0.0.1",
                 argv: Callable[[int], Sequence[str]] | None = None, ready_path: str = "/healthz",
                 timeout: float = 30.0, name: str | None = None, port: int | None = None,
                 new_session: bool = False):
        self.folder = self.own_folder(folder, "lab-server-")
        self.host = host
        self.port = port if port is not None else free_port(host)
        self.url = f"http://{f'[{host}]' if ':' in host else host}:{self.port}"
        command = (argv(self.port) if argv is not None
                   else serve_command(self.port, host=host, production=production, threads=threads))
        environ = server_environ({"LAB_DB": str(self.folder / "lab.db"),
                                  "LAB_INSTANCE": str(self.folder / "instance"), **(env or {})})
        try:
            super().__init__(command, log_path=self.folder / "server.log", env=environ,
                             name=name or ("the production server" if production
                                           else "the app server"),
                             new_session=new_session)
        except BaseException:
            self._remove_folder()
            raise
        try:
            self.wait_until(lambda: http_ok(f"{self.url}{ready_path}"), timeout=timeout,
                            what=f"answering {self.url}{ready_path}")
        except BaseException:
            self.stop()
            raise

