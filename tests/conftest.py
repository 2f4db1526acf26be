"""Shared test fixtures: availability of a Docker daemon, of Chromium and of PostgreSQL.

Tests that need a real Docker daemon use the `require_docker` fixture (or the `docker` marker); tests
that need a browser use `require_browser` (or the `browser` marker). A test that reaches either
fixture, directly or through another (`daemon`, `chromium`, `browser`, …), gets the marker as well. Without the resource they are
skipped, unless the environment demands it: with REQUIRE_DOCKER=1 (REQUIRE_BROWSER=1) a missing
daemon (browser) is a test failure, so CI cannot pass by silently skipping them.

`postgres_server` is one throwaway PostgreSQL server for the whole run (webapp/services/postgres.py),
and `postgres_url` a fresh empty database on it for one test; without PostgreSQL they skip, unless
REQUIRE_POSTGRES=1. `lab_db` runs a test once per backend (a SQLite file, a PostgreSQL database);
the apps of a test marked `backends` are built on each backend in turn (`app_db`).
"""

from __future__ import annotations

import functools
import os
import subprocess
from collections.abc import Iterator

import pytest

try:  # without Playwright the browser fixtures skip (or fail when a browser is required)
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - depends on the environment
    sync_playwright = None  # type: ignore[assignment]

CHROMIUM = os.environ.get("LAB_CHROMIUM", "/usr/bin/chromium")
DOCKER = os.environ.get("LAB_DOCKER_CLI", "docker")


def _required(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() not in ("", "0", "false", "no")


@functools.cache
def docker_problem(docker: str = DOCKER) -> str | None:
    """Why the Docker daemon cannot be used, or None when it answers."""
    try:
        proc = subprocess.run([docker, "version", "--format", "{{.Server.Version}}"],
                              capture_output=True, text=True, timeout=30, check=False,
                              stdin=subprocess.DEVNULL)
    except FileNotFoundError:
        return f"no `{docker}` command on PATH"
    except subprocess.TimeoutExpired:
        return "the Docker daemon did not answer within 30 s"
    if proc.returncode != 0 or not proc.stdout.strip():
        detail = (proc.stderr.strip().splitlines() or ["no answer"])[-1]
        return f"no Docker daemon answers ({detail})"
    return None


@functools.cache
def browser_problem(path: str = CHROMIUM) -> str | None:
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        return f"Chromium not found at {path}"
    return None


def _gate(problem: str | None, variable: str) -> None:
    if problem is None:
        return
    if _required(variable):
        pytest.fail(f"{variable}=1 but {problem}", pytrace=False)
    pytest.skip(problem)


@pytest.fixture(scope="session")
def require_docker() -> str:
    """The docker CLI to use, once a daemon answers (skip without one; fail if REQUIRE_DOCKER=1)."""
    _gate(docker_problem(), "REQUIRE_DOCKER")
    return DOCKER


@pytest.fixture(scope="session")
def require_browser() -> str:
    """Chromium's path (skip without it; fail if REQUIRE_BROWSER=1)."""
    _gate(browser_problem(), "REQUIRE_BROWSER")
    return CHROMIUM


@pytest.fixture(scope="session")
def postgres_server() -> Iterator:
    """One PostgreSQL server for the run (skip without PostgreSQL; fail if REQUIRE_POSTGRES=1)."""
    from webapp.services.postgres import PostgresServer, available

    _gate(available(), "REQUIRE_POSTGRES")
    with PostgresServer() as server:
        yield server


@pytest.fixture
def postgres_url(postgres_server) -> Iterator[str]:
    """A fresh, empty database for one test; dropped afterwards."""
    url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(url.rsplit("/", 1)[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def lab_db(request, tmp_path) -> str:
    """`LAB_DB` for one test on each backend: a SQLite file, then a fresh PostgreSQL database."""
    if request.param == "sqlite":
        return str(tmp_path / "lab.db")
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def backend(request) -> str:
    """The database of the apps a test builds: sqlite, or each of BACKENDS in turn for a test
    marked `backends` (a representative set of web tests runs on both)."""
    return getattr(request, "param", "sqlite")


@pytest.fixture
def app_db(backend: str, tmp_path, request) -> str:
    """`LAB_DB` of the test's apps (every app of one test shares it: a second one is a restart)."""
    if backend == "sqlite":
        return str(tmp_path / "lab.db")
    return request.getfixturevalue("postgres_url")


BACKENDS = ("sqlite", "postgresql")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if metafunc.definition.get_closest_marker("backends") and "backend" in metafunc.fixturenames:
        metafunc.parametrize("backend", BACKENDS, indirect=True)


@pytest.hookimpl(tryfirst=True)  # before `-m` selects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that needs the daemon or the browser through a fixture carries its marker too, so
    `-m "not docker"` and `-m "not browser"` leave it out even where its file forgot to say so."""
    for item in items:
        needs = getattr(item, "fixturenames", ())
        for fixture, marker in (("require_docker", "docker"), ("require_browser", "browser")):
            if fixture in needs and item.get_closest_marker(marker) is None:
                item.add_marker(marker)


def pytest_runtest_setup(item: pytest.Item) -> None:
    """The `docker` and `browser` markers gate tests like the fixtures do."""
    if item.get_closest_marker("docker") is not None:
        _gate(docker_problem(), "REQUIRE_DOCKER")
    if item.get_closest_marker("browser") is not None:
        _gate(browser_problem(), "REQUIRE_BROWSER")


@pytest.fixture(scope="session")
def conformance_reference(require_docker: str):
    """`reference(scenario)`: the scenario's transcript recorded with the docker CLI on the daemon,
    once per test session, shared by the simulator's comparison (tests/conformance) and the docker
    engine's (tests/docker_engine), so a full run records each scenario once."""
    from webapp.conformance.lookalike import build_all
    from webapp.conformance.real_runner import run_scenario_real

    build_all(require_docker, log=lambda line: None)
    recorded: dict[str, dict] = {}

    def reference(scenario: dict) -> dict:
        name = scenario["name"]
        if name not in recorded:
            recorded[name] = run_scenario_real(scenario, docker=require_docker)
        return recorded[name]

    reference.recorded = recorded  # type: ignore[attr-defined]
    return reference


@pytest.fixture(scope="session")
def chromium(require_browser: str) -> str:
    """Chromium's path; also checks Playwright is importable (skip, or fail when required)."""
    if sync_playwright is None:
        _gate("the playwright package is not installed", "REQUIRE_BROWSER")
    return require_browser


@pytest.fixture(scope="session")
def browser(chromium: str) -> Iterator:
    """One Chromium for the whole run: Playwright's sync API allows one driver per thread."""
    from .browser.conftest import CHROMIUM_ARGS

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()
