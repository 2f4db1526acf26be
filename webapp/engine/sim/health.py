"""Health checks as the daemon runs them (moby daemon/health.go), on the simulator's clock.

A container whose config has a probe gets a `Health` record at its first start. Each start
resets it to `starting` with a fresh monitor; the monitor waits an interval (the start interval
while the container is still starting inside its start period), runs the probe as an exec in the
container (`exec_create` / `exec_start` / `exec_die` events, like any exec), and records the
result: exit 0 makes it `healthy`, a failure counts towards `retries` (not inside the start period
while it is still `starting`), and a probe that outlives its timeout fails with exit -1. Only a
change of status emits `health_status: <status>`. Pausing or stopping closes the monitor, which
leaves the status `unhealthy` (Docker does that for compatibility); unpausing opens a new one.
No real timer is involved: every wait is a timer of the daemon's clock.

A sandbox rebuilt from its log replays its probes too, but not hours of them: while the clock
replays (a `HybridClock` before it goes live), a monitor whose status has not changed for
`STEADY_REPLAY` probes in a row stops probing until the container does something (an event) or the
clock goes live, and then carries on from there. The verdict is the same; only the repeats of a
steady state are left out of the rebuilt history.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..healthcheck import NANOS, go_duration, probe_command
from ..lifecycle import HEALTH_IDS
from .signals import SIGKILL

if TYPE_CHECKING:
    from ..clock import Timer
    from .container import Container, ExecInstance
    from .daemon import Daemon

MAX_OUTPUT = 4096  # bytes of a probe's output kept (moby maxOutputLen); more is cut with "..."
MAX_LOG = 5  # results kept in .State.Health.Log (moby maxLogEntries)
DEFAULT_INTERVAL = 30 * NANOS
DEFAULT_TIMEOUT = 30 * NANOS
DEFAULT_START_PERIOD = 0
DEFAULT_START_INTERVAL = 5 * NANOS  # since Docker 29 (before: the interval)
DEFAULT_RETRIES = 3

STARTING, HEALTHY, UNHEALTHY = HEALTH_IDS  # the lifecycle table's health statuses
STEADY_REPLAY = 10  # unchanged results after which a replaying clock stops probing until needed


@dataclass
class HealthResult:
    """One probe's outcome, as `.State.Health.Log` lists it."""

    start: float
    end: float
    exit_code: int
    output: str


@dataclass
class Health:
    """`.State.Health`: the status, the failing streak and the last results."""

    status: str = STARTING
    failing_streak: int = 0
    log: list[HealthResult] = field(default_factory=list)
    monitor: Monitor | None = None


def _ns(config: dict, key: str, default: int) -> int:
    value = config.get(key) or 0
    return int(value) if value else default


class Monitor:
    """One container's probe loop from a start (or an unpause) until it stops or pauses."""

    def __init__(self, daemon: Daemon, container: Container, argv: list[str]):
        self.daemon = daemon
        self.container = container
        self.argv = argv
        config = container.config.healthcheck or {}
        self.interval = _ns(config, "Interval", DEFAULT_INTERVAL) / NANOS
        self.timeout_ns = _ns(config, "Timeout", DEFAULT_TIMEOUT)
        self.start_period = _ns(config, "StartPeriod", DEFAULT_START_PERIOD) / NANOS
        self.start_interval = _ns(config, "StartInterval", DEFAULT_START_INTERVAL) / NANOS
        self.retries = int(config.get("Retries") or 0) or DEFAULT_RETRIES
        self.started = container.started_at or daemon.clock.now()
        self.stopped = False
        self.suspended = False  # waiting out a rebuild's catch-up (see the module docstring)
        self.steady = 0  # results in a row that left the status as it was
        self.probe: ExecInstance | None = None
        self.timer: Timer | None = daemon.clock.call_later(self.next_interval(), self.run_probe)
        self.deadline: Timer | None = None
        self.output: list[str] = []
        self.output_len = 0
        self.truncated = False
        self.probe_start = 0.0

    def next_interval(self) -> float:
        """moby's getInterval: the start interval while starting inside the start period."""
        now = self.daemon.clock.now()
        health = self.container.health
        if now - self.started >= self.start_period:
            return self.interval
        if health is not None and health.status == STARTING:
            return self.start_interval
        return self.interval

    # -- one probe ----------------------------------------------------------------------------------

    def run_probe(self) -> None:
        self.timer = None
        if self.stopped:
            return
        from .daemon import DaemonError

        daemon, container = self.daemon, self.container
        self.probe_start = daemon.clock.now()
        self.output, self.output_len, self.truncated = [], 0, False
        try:
            instance = daemon.exec_create(container, container.id, self.argv, tty=False,
                                          interactive=False, detach=False, env=[],
                                          workdir=container.config.workdir,
                                          user=container.config.user)
        except DaemonError as err:
            self.finish(HealthResult(self.probe_start, daemon.clock.now(), -1, err.message))
            return
        instance.probe = True
        self.probe = instance
        instance.listeners.append(self.on_output)
        self.deadline = daemon.clock.call_later(self.timeout_ns / NANOS, self.on_timeout)
        daemon.exec_start(instance)

    def on_output(self, text: str, stream: str) -> None:
        instance = self.probe
        if instance is None:
            return
        if stream == "exit":
            self.probe = None
            if self.deadline is not None:
                self.deadline.cancel()
                self.deadline = None
            self.daemon.forget_exec(instance)
            if self.stopped:
                return
            if instance.proc is None:  # it never started: the runtime's error, as moby reports it
                result = HealthResult(self.probe_start, self.daemon.clock.now(), -1,
                                      self.text().strip())
            else:
                result = HealthResult(self.probe_start, self.daemon.clock.now(),
                                      instance.exit_code or 0, self.text())
            self.finish(result)
            return
        room = MAX_OUTPUT - self.output_len
        if room > 0:
            self.output.append(text[:room])
            self.output_len += min(room, len(text))
        if len(text) > room:
            self.truncated = True

    def text(self) -> str:
        return "".join(self.output) + ("..." if self.truncated else "")

    def on_timeout(self) -> None:
        """The probe outlived its timeout: it fails at once (-1) and is killed; its exec_die
        follows the status change, with the 127 the daemon reports for an exec it gave up on."""
        self.deadline = None
        instance = self.probe
        if instance is None or self.stopped:
            return
        self.probe = None
        out = self.text()
        message = f"Health check exceeded timeout ({go_duration(self.timeout_ns)})"
        self.finish(HealthResult(self.probe_start, self.daemon.clock.now(), -1,
                                 f"{message}: {out}" if out else message), schedule=False)
        self.daemon.exec_finished(instance, 127)
        self.kill(instance)
        self.daemon.forget_exec(instance)
        self.schedule()

    def kill(self, instance: ExecInstance) -> None:
        """SIGKILL the probe's process and whatever it started."""
        proc = instance.proc
        if proc is None:
            return
        doomed = [p for p in list(self.container.procs.values()) if _descends(p, proc)]
        for p in doomed:
            p.signal(SIGKILL)

    # -- results ------------------------------------------------------------------------------------

    def finish(self, result: HealthResult, *, schedule: bool = True) -> None:
        """moby handleProbeResult, then wait for the next probe."""
        health = self.container.health
        if health is None or self.stopped:
            return
        old = health.status
        health.log.append(result)
        del health.log[:-MAX_LOG]
        if result.exit_code == 0:
            health.failing_streak = 0
            health.status = HEALTHY
        else:
            counts = True
            if health.status == STARTING and result.start - self.started < self.start_period:
                counts = False  # still inside the start period: failures do not count yet
            if counts:
                health.failing_streak += 1
                if health.failing_streak >= self.retries:
                    health.status = UNHEALTHY
        self.steady = self.steady + 1 if health.status == old else 0
        if health.status != old:
            self.daemon.emit(self.container, f"health_status: {health.status}")
        if schedule:
            self.schedule()

    def schedule(self) -> None:
        if self.stopped:
            return
        clock = self.daemon.clock
        when_live = getattr(clock, "when_live", None)
        if self.steady >= STEADY_REPLAY and when_live is not None and not getattr(clock, "live", True):
            self.suspended = True
            when_live(self.resume)
            return
        self.timer = clock.call_later(self.next_interval(), self.run_probe)

    def resume(self) -> None:
        """Probe again after a suspension (the container did something, or the clock is live)."""
        if self.stopped or not self.suspended:
            return
        self.suspended = False
        self.steady = 0
        self.timer = self.daemon.clock.call_later(self.next_interval(), self.run_probe)

    def stop(self) -> None:
        """Close the monitor: no more probes; one under way is killed and its result dropped."""
        self.stopped = True
        if self.timer is not None:
            self.timer.cancel()
            self.timer = None
        if self.deadline is not None:
            self.deadline.cancel()
            self.deadline = None
        instance, self.probe = self.probe, None
        if instance is not None:
            if instance.running:
                self.kill(instance)
            self.daemon.forget_exec(instance)


def _descends(proc: object, ancestor: object) -> bool:
    while proc is not None:
        if proc is ancestor:
            return True
        proc = getattr(proc, "parent", None)
    return False


# -- the daemon's calls ---------------------------------------------------------------------------------


def init_monitor(daemon: Daemon, container: Container) -> None:
    """On every start (moby initHealthMonitor): `starting`, streak 0, a new monitor."""
    argv = probe_command(container.config.healthcheck)
    if argv is None:
        return
    stop_monitor(container)
    health = container.health
    if health is None:
        health = container.health = Health()
    health.status = STARTING
    health.failing_streak = 0
    update_monitor(daemon, container)


def update_monitor(daemon: Daemon, container: Container) -> None:
    """moby updateHealthMonitor: a monitor while running and not paused, none otherwise."""
    health = container.health
    if health is None:
        return
    argv = probe_command(container.config.healthcheck)
    want = container.running and not container.paused and not container.restarting and argv
    if want and argv is not None:
        if health.monitor is None:
            health.monitor = Monitor(daemon, container, argv)
    else:
        stop_monitor(container)


def stop_monitor(container: Container) -> None:
    """moby CloseMonitorChannel: an open monitor is stopped and the status becomes `unhealthy`."""
    health = container.health
    if health is None or health.monitor is None:
        return
    monitor, health.monitor = health.monitor, None
    monitor.stop()
    health.status = UNHEALTHY


def status_suffix(container: Container) -> str:
    """What `docker ps` STATUS adds for a running container with a health check."""
    health = container.health
    if health is None:
        return ""
    return " (health: starting)" if health.status == STARTING else f" ({health.status or UNHEALTHY})"


def filter_value(container: Container) -> str:
    """The container's `health` for `ps --filter health=`: `none` without a health record."""
    health = container.health
    return "none" if health is None else (health.status or UNHEALTHY)
