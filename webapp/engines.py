"""Which engine the sandboxes run on, and what each kind needs around a sandbox's life.

`SimEngines` makes simulators: a sandbox is rebuilt after a server restart by replaying its command
log. `DockerEngines` makes real-daemon engines: the daemon itself keeps a sandbox's containers, so a
sandbox is re-adopted rather than replayed (its log carries on), its containers are removed when it
is reaped or reset, and at start the containers of sandboxes that no longer exist are removed.

`choose_engines(settings, store)` is what the app factory calls: for `LAB_ENGINE=docker` it checks
that the daemon answers, and otherwise fails with a clear message, or (with `LAB_FALLBACK=sim`) falls
back to the simulator and says so (`label` is what the page's `hello.engine` shows).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterable
from typing import Any

from .config import ConfigError
from .engine.base import Engine
from .engine.clock import Clock

log = logging.getLogger(__name__)


class SimEngines:
    name = "sim"
    label = "sim"
    replays = True  # a sandbox is rebuilt by replaying its log

    def make(self, sandbox_id: str, seed: int, lock: threading.RLock, clock: Clock) -> Engine:
        from .engine.sim.engine import SimEngine

        return SimEngine(clock, seed=seed, lock=lock)

    def forget(self, sandbox_ids: Iterable[str]) -> None:
        """Sandboxes dropped without an engine in memory: nothing outlives a simulator."""

    def close(self) -> None:
        pass


class DockerEngines:
    name = "docker"
    label = "docker"
    replays = False  # the daemon keeps the containers: a sandbox is re-adopted, never replayed

    def __init__(self, connection: Any, policy: Any):
        self.connection = connection
        self.policy = policy

    def make(self, sandbox_id: str, seed: int, lock: threading.RLock, clock: Clock) -> Engine:
        from .engine.docker import DockerEngine

        return DockerEngine(sandbox_id, clock=clock, lock=lock, connection=self.connection,
                            policy=self.policy)

    def forget(self, sandbox_ids: Iterable[str]) -> None:
        """Remove the containers of sandboxes dropped while not in memory (reaped from the store)."""
        from .engine.docker.connection import ApiError, DaemonUnavailable
        from .engine.docker.policy import Guard, Scope, session_label

        for sandbox_id in sandbox_ids:
            try:
                Guard(self.connection, self.policy, Scope(session_label(sandbox_id))).remove_all()
            except (ApiError, DaemonUnavailable) as err:
                log.warning("could not remove the containers of a reaped sandbox (%s); the next "
                            "server start removes them", err)

    def startup(self, live_ids: Iterable[str]) -> list[str]:
        """Remove the containers of every session that is not live (orphans); returns their IDs."""
        from .engine.docker.policy import session_label, sweep_orphans

        removed = sweep_orphans(self.connection, {session_label(i) for i in live_ids})
        if removed:
            log.info("removed %d orphaned sandbox container(s)", len(removed))
        return removed

    def close(self) -> None:
        self.connection.close()


def choose_engines(settings: dict[str, Any], store: Any) -> SimEngines | DockerEngines:
    """The engine factory for these settings (see the module docstring); raises ConfigError."""
    if settings["LAB_ENGINE"] != "docker":
        return SimEngines()
    from .engine.docker import Connection, DaemonUnavailable, Policy

    try:
        policy = Policy.from_settings(settings.get("LAB_DOCKER_IMAGES"),
                                      settings.get("LAB_DOCKER_MAX_CONTAINERS"),
                                      settings.get("LAB_DOCKER_SUBNETS"))
    except ValueError as err:
        raise ConfigError(f"LAB_DOCKER_SUBNETS: {err}") from None
    try:
        connection = Connection()
        answers = connection.ping(5.0)
    except DaemonUnavailable:
        answers = False
    if not answers:
        message = f"LAB_ENGINE=docker: {_unavailable()}"
        if (settings.get("LAB_FALLBACK") or "").strip().lower() == "sim":
            log.warning("%s; serving the simulator instead (LAB_FALLBACK=sim)", message)
            fallback = SimEngines()
            fallback.label = "sim (fallback)"
            return fallback
        raise ConfigError(f"{message} (set DOCKER_HOST, start the daemon, or set LAB_FALLBACK=sim "
                          "to serve the simulator instead)")
    engines = DockerEngines(connection, policy)
    cutoff = time.time() - float(settings["LAB_IDLE_SECONDS"])
    live = set(store.ids()) - set(store.idle_since(cutoff))
    engines.startup(live)
    return engines


def _unavailable() -> str:
    from .engine.docker.connection import docker_host, unavailable_message

    return unavailable_message(docker_host())
