"""A local cluster: a database, Redis, N app processes (`serve --production`) and nginx in front.

For the failover test, the scale benchmark, and an operator who wants to see the deployment of
`deploy/` work on one machine (`lifecycle-lab cluster`). Every process shares one `LAB_SECRET_KEY`
(cookies signed by one process are read by all), one `LAB_DB` and one `LAB_MESSAGE_QUEUE`; nginx
routes with the rules of `deploy/nginx.conf`. The database is PostgreSQL when this build has its
launcher and the binaries are installed, else one SQLite file (fine for processes on one machine).
"""

from __future__ import annotations

import secrets
import shutil
import signal
import tempfile
from collections.abc import Mapping
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from ..devserver import AppServer, free_port
from . import ServiceUnavailable
from .nginx import NginxServer
from .redis import RedisServer

APP_TIMEOUT = 60.0  # a production server on a busy machine takes a few seconds to answer
DATABASES = ("auto", "postgres", "sqlite")


def _start_postgres() -> Any:
    """PostgreSQL from `webapp/services/postgres.py` (ServiceUnavailable if it cannot run here)."""
    try:
        from . import postgres  # type: ignore[attr-defined]
    except ImportError:
        raise ServiceUnavailable("this build has no PostgreSQL launcher") from None
    try:
        return postgres.PostgresServer()
    except postgres.PostgresUnavailable as err:
        raise ServiceUnavailable(f"PostgreSQL: {err}") from None


class Cluster:
    """`processes` app processes behind nginx (`url`), sharing a database and Redis.

    `database`: "postgres", "sqlite", or "auto" (PostgreSQL when it can run here). `env` adds
    `LAB_*` settings for every process. Each app process has a fixed port, so `start(i)` after
    `kill(i)` or `terminate(i)` brings it back where nginx expects it. Everything lives in `folder`
    (default: a temporary one, removed by `stop()`).
    """

    def __init__(self, processes: int = 2, *, folder: Path | None = None, database: str = "auto",
                 env: Mapping[str, str] | None = None, threads: int | None = None,
                 secret: str | None = None, port: int | None = None):
        if database not in DATABASES:
            raise ValueError(f"database={database!r}: expected one of {', '.join(DATABASES)}")
        if processes < 1:
            raise ValueError("a cluster needs at least one app process")
        self._tmp = None if folder is not None else tempfile.mkdtemp(prefix="lab-cluster-")
        self.folder = Path(folder if folder is not None else self._tmp)  # type: ignore[arg-type]
        self.folder.mkdir(parents=True, exist_ok=True)
        self.threads = threads
        self.database: Any = None
        self.redis: RedisServer | None = None
        self.nginx: NginxServer | None = None
        self.apps: list[AppServer | None] = [None] * processes
        self.ports = [free_port() for _ in range(processes)]
        try:
            self.db_kind, self.db_url = self._start_database(database)
            self.redis = RedisServer(self.folder / "redis")
            self.env = {"LAB_SECRET_KEY": secret or secrets.token_hex(32), "LAB_DB": self.db_url,
                        "LAB_MESSAGE_QUEUE": self.redis.url, "LAB_ENGINE": "sim",
                        "LAB_PROXIES": "1",
                        **(env or {})}
            for index in range(processes):
                self.start(index)
            self.nginx = NginxServer([f"127.0.0.1:{p}" for p in self.ports], self.folder / "nginx",
                                     port=port)
        except BaseException:
            self.stop()
            raise
        self.url = self.nginx.url

    def _start_database(self, kind: str) -> tuple[str, str]:
        if kind in ("auto", "postgres"):
            try:
                self.database = _start_postgres()  # in a temporary folder of its own
                return "postgres", str(self.database.url)
            except ServiceUnavailable:
                if kind == "postgres":
                    raise
        return "sqlite", str(self.folder / "lab.db")

    def process_of(self, response_headers: Mapping[str, str]) -> int | None:
        """Which app process (index) answered a request through nginx (its `X-Lab-Upstream`)."""
        answered = response_headers.get("X-Lab-Upstream", "")
        for index, port in enumerate(self.ports):
            if answered.endswith(f":{port}"):
                return index
        return None

    def app_folder(self, index: int) -> Path:
        return self.folder / f"app{index + 1}"

    def start(self, index: int) -> AppServer:
        """Start app process `index` (again) on its port; returns once it answers /healthz."""
        if self.apps[index] is not None and self.apps[index].proc.poll() is None:  # type: ignore[union-attr]
            raise RuntimeError(f"app process {index + 1} is running")
        folder = self.app_folder(index)
        folder.mkdir(parents=True, exist_ok=True)
        log = folder / "server.log"
        if log.exists():  # keep the log of the process that ended
            log.rename(folder / f"server.{sum(1 for _ in folder.glob('server.*.log')) + 1}.log")
        self.apps[index] = AppServer(folder=folder, env=self.env, production=True,
                                     threads=self.threads, port=self.ports[index],
                                     timeout=APP_TIMEOUT, name=f"app process {index + 1}",
                                     new_session=True)
        return self.apps[index]  # type: ignore[return-value]

    def kill(self, index: int) -> int:
        """SIGKILL app process `index` and its worker: a crash, nothing finishes."""
        app = self._app(index)
        return app.kill()

    def terminate(self, index: int, timeout: float = 60.0) -> int:
        """SIGTERM app process `index` and wait until it has exited (a graceful restart's stop)."""
        app = self._app(index)
        app.proc.send_signal(signal.SIGTERM)
        return app.stop(timeout)

    def _app(self, index: int) -> AppServer:
        app = self.apps[index]
        if app is None:
            raise RuntimeError(f"app process {index + 1} was never started")
        return app

    def logs(self, limit: int = 4000) -> str:
        """The end of every app process's output (also of those that ended) and of nginx's, for a
        failing test's message."""
        parts = []
        for index in range(len(self.apps)):
            for log in sorted(self.app_folder(index).glob("server*.log")):
                try:
                    text = log.read_text(encoding="utf-8", errors="replace")[-limit:]
                except OSError:
                    continue
                parts.append(f"--- app process {index + 1}: {log.name}\n{text}")
        if self.nginx is not None:
            parts.append(f"--- nginx\n{self.nginx.output()}")
        return "\n".join(parts)

    def stop(self) -> None:
        """Stop everything (apps first, so they close their database connections) and clean up."""
        for app in self.apps:
            if app is not None:
                app.stop()
        for server in (self.nginx, self.redis, self.database):
            if server is not None:
                server.stop()
        if self._tmp is not None:
            shutil.rmtree(self._tmp, ignore_errors=True)
            self._tmp = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
