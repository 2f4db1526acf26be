"""The simulator's public face: take a console line, answer like Docker, publish events.

Headless and framework-free: the web layer, replay, lesson checks, tests and benchmarks all use this
same object. With a `VirtualClock`, `run()` drives time forward until the command finishes, so a
10-second `docker stop` returns instantly.
"""

from __future__ import annotations

import random
import threading
from typing import Any

from ..base import EngineBase
from ..cli import ParsedCommand
from ..clock import Clock, VirtualClock
from ..job import Job
from .api import SIMULATOR_VERSION, SimApi, simulator_info
from .commands import SimCli
from .daemon import Daemon, Limits
from .views import container_summary


class SimEngine(EngineBase):
    """One learner's simulated Docker host."""

    name = "sim"

    def __init__(self, clock: Clock | None = None, *, seed: int | None = None,
                 images: list[str] | None = None, limits: Limits | None = None,
                 lock: threading.RLock | None = None):
        super().__init__(clock or VirtualClock(), lock or threading.RLock())
        self.rng = random.Random(seed)
        self.daemon = Daemon(self.clock, emit=self._publish, rng=self.rng, images=images, limits=limits)
        self.api = SimApi(self.daemon, self.events, self.clock, version=SIMULATOR_VERSION,
                          info=lambda: simulator_info(self.daemon))
        self.cli = SimCli(self)

    def _dispatch(self, job: Job, cmd: ParsedCommand, *, inline: bool) -> None:
        """Every command starts here, under the lock, and what waits, waits on the clock: running
        `inline` needs nothing more."""
        self.cli.dispatch(job, cmd)

    # -- state ------------------------------------------------------------------------------------

    def containers(self) -> list[dict[str, Any]]:
        """A snapshot of every container for the page: name, id, image, state, exit code, status,
        health (`starting`, `healthy`, `unhealthy`; None without a health check)."""
        with self.lock:
            now = self.clock.now()
            out = []
            for c in self.daemon.listing():
                summary = container_summary(self.daemon, c, now)
                out.append({
                    "name": c.name, "id": c.id, "image": c.config.image, "state": c.state,
                    "exit_code": c.exit_code, "status": summary["Status"],
                    "restart_count": c.restart_count, "created": c.created,
                    "health": c.health.status if c.health is not None else None,
                })
            return out

    def images(self) -> list[dict[str, Any]]:
        """The images present, as lesson checks see them: familiar `ref` ("ubuntu:20.04") and `id`."""
        with self.lock:
            return [{"ref": ref, "id": image.id} for ref, image in self.daemon.images.by_ref.items()]

    def container_state(self, name: str) -> str | None:
        """The lifecycle state of the container with this name, or None if there is none (looked up
        by name, not by listing every container)."""
        with self.lock:
            cid = self.daemon.names.get(name)
            return self.daemon.containers[cid].state if cid else None
