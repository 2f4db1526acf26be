"""A throwaway PostgreSQL server: `initdb` into a temporary folder, `postgres` on a free port.

For tests, benchmarks and a trial cluster, never for keeping data: durability is switched off
(`fsync=off`), and `stop()` removes the folder. The server binds 127.0.0.1 only, and connections need
the password made up for this cluster (in `url`); its unix socket sits in its own folder.

PostgreSQL refuses to run as root, so as root the server runs as the `postgres` user (Debian's
packages create it) in a folder that user owns. The binaries come from `LAB_PG_BIN`, else `pg_config
--bindir`, else the newest /usr/lib/postgresql/*/bin, else PATH.

    with PostgresServer() as pg:
        url = pg.url                      # postgresql://lab:...@127.0.0.1:PORT/lab
        other = pg.create_database()      # a fresh, empty database on the same server
"""

from __future__ import annotations

import glob
import os
import pwd
import secrets
import shutil
import signal
import subprocess
import tempfile
import time
from pathlib import Path
from types import TracebackType
from typing import IO, Any, Self

from webapp.devserver import LOG_TAIL, ServerError, free_port

USER = "lab"  # the cluster's superuser (and the owner of its databases)
DATABASE = "lab"
SYSTEM_USER = "postgres"  # who runs the server when we are root


class PostgresUnavailable(RuntimeError):
    """No PostgreSQL server binaries here, or no user to run them as."""


def find_bindir() -> Path:
    """The folder holding `initdb` and `postgres` (raises PostgresUnavailable)."""
    candidates: list[str] = []
    if os.environ.get("LAB_PG_BIN"):
        candidates.append(os.environ["LAB_PG_BIN"])
    pg_config = shutil.which("pg_config")
    if pg_config:
        try:
            out = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True,
                                 check=True, timeout=10).stdout.strip()
            candidates.append(out)
        except (OSError, subprocess.SubprocessError):
            pass

    def version(path: str) -> tuple[int, ...]:
        name = Path(path).parent.name
        return tuple(int(p) for p in name.split(".") if p.isdigit()) or (0,)

    candidates += sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=version, reverse=True)
    initdb = shutil.which("initdb")
    if initdb:
        candidates.append(str(Path(initdb).parent))
    for folder in candidates:
        if all(os.access(Path(folder) / tool, os.X_OK) for tool in ("initdb", "postgres")):
            return Path(folder)
    raise PostgresUnavailable("no PostgreSQL server binaries (initdb, postgres) found: install "
                              "Debian's `postgresql` package or set LAB_PG_BIN")


def _run_as() -> pwd.struct_passwd | None:
    """The account to run the server as: `postgres` when we are root, else ourselves (None)."""
    if os.geteuid() != 0:
        return None
    try:
        return pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        raise PostgresUnavailable(f"PostgreSQL will not run as root and there is no "
                                  f"{SYSTEM_USER!r} user to run it as") from None


def available() -> str | None:
    """Why a PostgresServer cannot start here, or None when it can."""
    try:
        find_bindir()
        _run_as()
        import psycopg  # noqa: F401
    except PostgresUnavailable as err:
        return str(err)
    except ImportError:
        return "the psycopg package is not installed"
    return None


class PostgresServer:
    """A PostgreSQL cluster of its own, answering once the constructor returns.

    `url` is a SQLAlchemy/libpq URL of the database `lab`; `create_database()` makes more.
    """

    def __init__(self, *, timeout: float = 60.0, settings: dict[str, str] | None = None):
        self.bindir = find_bindir()
        self._account = _run_as()
        self.folder = Path(tempfile.mkdtemp(prefix="lab-postgres-"))
        self.data = self.folder / "data"
        self.socket_dir = self.folder / "socket"
        self.log_path = self.folder / "postgres.log"
        self.port = free_port()
        self.password = secrets.token_urlsafe(18)
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[str] | None = None
        try:
            self._init()
            self._start(settings or {})
            self._wait(timeout)
            self.url = self.create_database(DATABASE)
        except BaseException:
            self.stop()
            raise

    # -- start ------------------------------------------------------------------------------------

    def _popen_user(self) -> dict[str, Any]:
        if self._account is None:
            return {}
        return {"user": self._account.pw_uid, "group": self._account.pw_gid, "extra_groups": []}

    def _init(self) -> None:
        self.socket_dir.mkdir(mode=0o700)
        pwfile = self.folder / "pwfile"
        pwfile.write_text(self.password + "\n", encoding="utf-8")
        self.log_path.touch()
        if self._account is not None:
            for path in (self.folder, self.socket_dir, pwfile, self.log_path):
                os.chown(path, self._account.pw_uid, self._account.pw_gid)
        self.folder.chmod(0o700)
        pwfile.chmod(0o600)
        argv = [str(self.bindir / "initdb"), "-D", str(self.data), "-U", USER, "--pwfile",
                str(pwfile), "--auth-host=scram-sha-256", "--auth-local=scram-sha-256",
                "-E", "UTF8", "--locale=C", "--no-sync"]
        proc = subprocess.run(argv, capture_output=True, text=True, cwd=self.folder,
                              stdin=subprocess.DEVNULL, check=False, timeout=120,
                              env=self._environ(), **self._popen_user())
        pwfile.unlink()
        if proc.returncode != 0:
            raise ServerError(f"initdb failed (status {proc.returncode}):\n"
                              f"{(proc.stdout + proc.stderr)[-LOG_TAIL:]}")

    def _environ(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["LC_ALL"] = "C"
        if self._account is not None:
            env.update(HOME=str(self.folder), USER=SYSTEM_USER, LOGNAME=SYSTEM_USER)
        return env

    def _start(self, settings: dict[str, str]) -> None:
        options = {"listen_addresses": "127.0.0.1", "port": str(self.port),
                   "unix_socket_directories": str(self.socket_dir), "fsync": "off",
                   "synchronous_commit": "off", "full_page_writes": "off",
                   "max_connections": "200", "shared_buffers": "32MB", "logging_collector": "off",
                   **settings}
        argv = [str(self.bindir / "postgres"), "-D", str(self.data)]
        for key, value in options.items():
            argv += ["-c", f"{key}={value}"]
        self._log = open(self.log_path, "a", encoding="utf-8")  # noqa: SIM115 (closed in stop)
        self.proc = subprocess.Popen(argv, cwd=self.folder, env=self._environ(), stdout=self._log,
                                     stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                     start_new_session=True, **self._popen_user())

    def _connect(self, database: str = "postgres") -> Any:
        import psycopg

        return psycopg.connect(host="127.0.0.1", port=self.port, user=USER, password=self.password,
                               dbname=database, autocommit=True, connect_timeout=5)

    def _wait(self, timeout: float) -> None:
        import psycopg

        deadline = time.monotonic() + timeout
        while True:
            assert self.proc is not None
            try:
                self._connect().close()
                return
            except psycopg.OperationalError:
                pass
            code = self.proc.poll()
            if code is not None:
                problem = f"exited with status {code} before it answered"
            elif time.monotonic() > deadline:
                problem = f"did not answer within {timeout:g} s"
            else:
                time.sleep(0.05)
                continue
            raise ServerError(f"postgres {problem}; its output:\n{self.output()}")

    # -- use --------------------------------------------------------------------------------------

    def url_for(self, database: str) -> str:
        return f"postgresql://{USER}:{self.password}@127.0.0.1:{self.port}/{database}"

    def create_database(self, name: str | None = None) -> str:
        """A new empty database (a made-up name unless given); returns its URL."""
        name = name or f"lab_{secrets.token_hex(6)}"
        if not name.replace("_", "").isalnum():
            raise ValueError(f"not a plain database name: {name!r}")
        with self._connect() as conn:
            conn.execute(f'CREATE DATABASE "{name}" OWNER "{USER}"')
        return self.url_for(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, ending its sessions first."""
        if not name.replace("_", "").isalnum():
            raise ValueError(f"not a plain database name: {name!r}")
        with self._connect() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    def output(self, limit: int = LOG_TAIL) -> str:
        """The end of the server's log."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-limit:]
        except OSError:
            return ""

    @property
    def pid(self) -> int | None:
        return self.proc.pid if self.proc is not None else None

    # -- stop -------------------------------------------------------------------------------------

    def stop(self, timeout: float = 20.0) -> int | None:
        """Fast shutdown (SIGINT: sessions are ended), SIGKILL if that hangs; then remove the
        folder. Safe to call twice."""
        code = None
        if self.proc is not None:
            if self.proc.poll() is None:
                self.proc.send_signal(signal.SIGINT)
                try:
                    self.proc.wait(timeout)
                except subprocess.TimeoutExpired:
                    os.killpg(self.proc.pid, signal.SIGKILL)  # the postmaster and its children
                    self.proc.wait(timeout)
            code = self.proc.returncode
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.folder, ignore_errors=True)
        return code

    def __enter__(self) -> Self:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()
