"""Fixtures for the real-daemon engine's tests (they need a Docker daemon: `require_docker`).

Every engine a test makes gets a session of its own (`pytest-...`) and is closed when the test ends,
which removes its containers and network; at the end of the test session every container of every
such session is removed again, so nothing is ever left on the daemon, even after a failure (the
conformance suite refuses to run while the daemon holds containers it did not create).

`DaemonProxy` stands between an engine and the daemon (a unix socket of its own): `cut()` makes the
daemon vanish for that engine, `restore()` brings it back, so daemon loss is tested without
touching the real daemon.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import socket
import subprocess
import threading
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from webapp.engine.docker import Connection, DockerEngine
from webapp.engine.docker.connection import ApiError, DaemonUnavailable, docker_host
from webapp.engine.docker.policy import LABEL, Guard, Policy, Scope, session_label
from webapp.engine.images import CATALOGUE

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "artifacts" / "docker_engine"
_SESSIONS: set[str] = set()


def new_session() -> str:
    session = f"pytest-{secrets.token_hex(6)}"
    _SESSIONS.add(session)
    return session


def remove_sessions(conn: Connection, sessions: set[str]) -> None:
    for session in sessions:
        try:
            Guard(conn, Policy(), Scope(session_label(session))).remove_all()
        except (ApiError, DaemonUnavailable):
            pass


@pytest.fixture(scope="session")
def daemon(require_docker: str) -> Iterator[Connection]:
    """A connection to the daemon, with the look-alike images built."""
    from webapp.conformance.lookalike import build_all

    build_all(require_docker, log=lambda line: None)
    conn = Connection()
    yield conn
    remove_sessions(conn, _SESSIONS)


@pytest.fixture
def make_engine(daemon: Connection) -> Iterator[Callable[..., DockerEngine]]:
    """`make_engine(**options)`: a fresh sandbox on the daemon, closed (emptied) after the test."""
    made: list[DockerEngine] = []

    def make(session: str | None = None, **options: object) -> DockerEngine:
        session = session or new_session()
        _SESSIONS.add(session)
        options.setdefault("connection", daemon)
        engine = DockerEngine(session, **options)  # type: ignore[arg-type]
        made.append(engine)
        return engine

    yield make
    for engine in made:
        engine.close()
    remove_sessions(daemon, {engine.session for engine in made})


def labelled_containers(conn: Connection, session: str) -> list[dict]:
    return conn.get("/containers/json", params={
        "all": True, "filters": {"label": [f"{LABEL}={session_label(session)}"]}}) or []


# --------------------------------------------------------------------------------------------------
# The CLI reference, shared with tests/conformance, and kept on disk with a fingerprint
# --------------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def docker_client_version(require_docker: str) -> tuple[int, ...]:
    from webapp.conformance.scenario import version_tuple

    proc = subprocess.run([require_docker, "version", "--format", "{{.Client.Version}}"],
                          capture_output=True, text=True, timeout=30, check=False)
    return version_tuple(proc.stdout.strip())


@pytest.fixture(scope="session")
def reference(conformance_reference, require_docker: str, daemon: Connection):
    """`reference(scenario)`: the docker CLI's transcript of the scenario.

    From this session's recording when the conformance suite made one; else from an earlier run's
    recording under artifacts/docker_engine/ when its fingerprint (the scenario, the docker CLI and
    daemon versions, the images' IDs) still matches, so running this suite alone does not record
    50 scenarios again; else recorded now (LAB_RERECORD=1 always records).
    """
    proc = subprocess.run([require_docker, "version", "--format", "{{json .}}"],
                          capture_output=True, text=True, timeout=30, check=False)
    versions = proc.stdout.strip()
    images = {}
    for ref in sorted(CATALOGUE):
        try:
            images[ref] = daemon.get("/images/{0}/json", ref)["Id"]
        except ApiError:
            images[ref] = None
    rerecord = os.environ.get("LAB_RERECORD", "").strip() not in ("", "0")

    def fingerprint(scenario: dict) -> str:
        data = json.dumps([scenario, versions, images], sort_keys=True)
        return hashlib.sha256(data.encode()).hexdigest()

    def get(scenario: dict) -> dict:
        name = scenario["name"]
        path = ARTIFACTS / f"{name}.reference.json"
        stamp = fingerprint(scenario)
        if name not in conformance_reference.recorded and not rerecord and path.exists():
            try:
                saved = json.loads(path.read_text(encoding="utf-8"))
                if saved.get("fingerprint") == stamp:
                    return saved["transcript"]
            except (OSError, ValueError, KeyError):
                pass
        transcript = conformance_reference(scenario)
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"fingerprint": stamp, "transcript": transcript}, indent=1,
                                   ensure_ascii=False) + "\n", encoding="utf-8")
        return transcript

    return get


# --------------------------------------------------------------------------------------------------
# A daemon that can vanish
# --------------------------------------------------------------------------------------------------


class DaemonProxy:
    """A unix socket forwarding to the daemon; `cut()` drops it and every connection through it."""

    def __init__(self, path: Path):
        self.path = path
        target = urlsplit(docker_host())
        self.upstream = ((socket.AF_UNIX, target.path) if target.scheme == "unix"
                         else (socket.AF_INET, (target.hostname, target.port or 2375)))
        self._server: socket.socket | None = None
        self._conns: list[socket.socket] = []
        self._lock = threading.Lock()

    @property
    def host(self) -> str:
        return f"unix://{self.path}"

    def start(self) -> None:
        if self.path.exists():
            self.path.unlink()
        server = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        server.bind(str(self.path))
        server.listen(64)
        self._server = server
        threading.Thread(target=self._accept, args=(server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            family, address = self.upstream
            upstream = socket.socket(family, socket.SOCK_STREAM)
            try:
                upstream.connect(address)
            except OSError:
                client.close()
                continue
            with self._lock:
                if self._server is not server:  # cut while this one was being connected
                    client.close()
                    upstream.close()
                    return
                self._conns += [client, upstream]
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(a, b), daemon=True).start()

    @staticmethod
    def _pump(src: socket.socket, dst: socket.socket) -> None:
        try:
            while True:
                data = src.recv(65536)
                if not data:
                    break
                dst.sendall(data)
        except OSError:
            pass
        try:
            dst.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def cut(self) -> None:
        """The daemon is gone: no new connections, every open one dropped."""
        with self._lock:
            server, self._server = self._server, None
            conns, self._conns = self._conns, []
        if server is not None:
            server.close()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            conn.close()
        if self.path.exists():
            self.path.unlink()

    def restore(self) -> None:
        self.start()


@pytest.fixture
def proxy(daemon: Connection, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DaemonProxy]:
    folder = tmp_path_factory.mktemp("proxy")
    proxy = DaemonProxy(folder / "docker.sock")
    proxy.start()
    yield proxy
    proxy.cut()
