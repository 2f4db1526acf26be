"""What the server benchmarks share: start the app or the bare floor server, measure its process.

Two apps on the same stack: the real one (`webapp.wsgi:app` or `lifecycle-lab serve`) on the simulator,
and the floor, a bare Flask-SocketIO app in threading mode whose `run` handler acknowledges at once.
The difference between the two is what our own code costs. Each runs in a subprocess on a free port
(started and stopped by webapp.devserver), either under gunicorn (`-w 1 --threads`, the production
command) or on the development server.

Run as a script, this module serves the floor on the development server:
`.venv/bin/python bench/_server.py --port 5001`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from webapp.devserver import AppServer, ServerError, serve_command

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NAMESPACE = "/lab"
STACKS = ("gunicorn", "dev")  # and "gevent": gunicorn's gevent worker (not in the default runs)
TICKS = os.sysconf("SC_CLK_TCK")
RESULT = {"exit_code": 0, "stdout": "", "stderr": ""}


def floor_app() -> Any:
    """The floor: the same Flask-SocketIO set-up as the app, with handlers that do nothing."""
    from flask import Flask, jsonify
    from flask_socketio import SocketIO

    from webapp import async_mode, heap

    app = Flask("floor")
    sio = SocketIO(app, async_mode=async_mode(), channel="lifecycle-lab")

    @app.get("/")
    def index() -> Any:
        return "floor"

    @app.get("/healthz")
    def healthz() -> Any:
        return jsonify({"ok": True})

    @sio.on("connect", namespace=NAMESPACE)
    def connect(auth: Any = None) -> None:
        pass

    @sio.on("run", namespace=NAMESPACE)
    def run(payload: Any = None) -> dict[str, Any]:
        return dict(RESULT)

    app.extensions["floor.socketio"] = sio
    heap.settle()  # the app's collector settings (webapp/heap.py), so only the handlers differ
    return app


@dataclass
class Server:
    """A server subprocess; `pid` is the process that serves (gunicorn's worker, not its master)."""

    name: str
    process: AppServer
    url: str
    pid: int = 0

    def rss_kb(self) -> int:
        """Resident memory of the serving process (VmRSS), in KB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
        raise RuntimeError(f"no VmRSS for process {self.pid}")

    def cpu_seconds(self) -> float:
        """User plus system CPU time the serving process has used so far."""
        stat = Path(f"/proc/{self.pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime (fields 14 and 15)

    def threads(self) -> int:
        return len(os.listdir(f"/proc/{self.pid}/task"))

    def stop(self) -> None:
        self.process.stop()


def command(kind: str, stack: str, port: int, threads: int) -> list[str]:
    """The command line serving `kind` ("app" or "floor") on `stack` ("gunicorn" or "dev")."""
    if stack in ("gunicorn", "gevent"):
        target = "webapp.wsgi:app" if kind == "app" else "_server:floor_app()"
        worker = (["-k", "gevent", "--worker-connections", str(max(1000, threads))]
                  if stack == "gevent" else ["-k", "gthread", "--threads", str(threads)])
        return [str(BIN / "gunicorn"), "-w", "1", *worker,
                "--bind", f"127.0.0.1:{port}", "--no-control-socket", "--log-level", "warning",
                "--pythonpath", str(ROOT / "bench"), target]
    if kind == "app":
        return serve_command(port)
    return [sys.executable, str(ROOT / "bench" / "_server.py"), "--port", str(port)]


def start(kind: str, stack: str = "gunicorn", *, threads: int = 100, cpus: set[int] | None = None,
          env: dict[str, str] | None = None, timeout: float = 30.0) -> Server:
    """Start a server on a free port with its own database; returns once it answers /healthz."""
    settings = {"LAB_SECRET_KEY": "bench", "LAB_ENGINE": "sim", "LAB_CLOCK": "real", **(env or {})}
    mine = os.sched_getaffinity(0)
    if cpus:  # the child inherits the mask, and so does every thread it starts
        os.sched_setaffinity(0, cpus)
    try:
        process = AppServer(argv=lambda port: command(kind, stack, port, threads), env=settings,
                            timeout=timeout, name=f"{kind}/{stack}")
    except ServerError as err:
        raise SystemExit(str(err)) from None
    finally:
        os.sched_setaffinity(0, mine)
    server = Server(f"{kind}/{stack}", process, process.url, process.pid)
    if stack in ("gunicorn", "gevent"):  # the worker does the serving; the master only watches it
        children = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()
        server.pid = int(children[0])
    return server


def percentile(values: list[float], q: float) -> float:
    """The q-th percentile (0-100) of `values`, interpolated; NaN when there are none."""
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[min(98, max(0, round(q) - 1))]


def session_cookie(url: str) -> str:
    """A fresh `lab_session` cookie from the app's front page: a learner of its own."""
    with urllib.request.urlopen(f"{url}/", timeout=30) as response:
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() == "lab_session":
                return rest.split(";", 1)[0]
    return ""


def main() -> None:
    parser = argparse.ArgumentParser(description="serve the floor app on the development server")
    parser.add_argument("--port", type=int, default=5001)
    args = parser.parse_args()
    from webapp.cli import no_delay_handler  # the same server set-up as `lifecycle-lab serve`

    app = floor_app()
    app.extensions["floor.socketio"].run(app, host="127.0.0.1", port=args.port,
                                         allow_unsafe_werkzeug=True, use_reloader=False,
                                         request_handler=no_delay_handler())


if __name__ == "__main__":
    main()
