"""Containment on a real daemon: a learner's fork bomb fills its own container's process table and
nothing else. The limit is the policy's (`Policy.pids`); the count is read the way `docker stats`
reads it, and, when the daemon runs on this machine, from the container's pids cgroup too (its
high-water mark and the forks it refused, so a sample cannot miss a moment above the limit)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from webapp.engine.docker import Connection
from webapp.engine.docker.policy import Policy

from .conftest import labelled_containers

pytestmark = pytest.mark.docker

# The classic shell fork bomb (busybox sh has no `:` functions); the shell then becomes a long
# sleep, so the container stays up while its descendants fork.
BOMB = "docker run -d --name bomb ubuntu:20.04 sh -c 'f(){ f | f & }; f; exec sleep 1000'"
DEADLINE = 30.0


def pids_cgroup(pid: int) -> Path | None:
    """The pids cgroup folder of a process on this machine (cgroup v1 or v2), or None."""
    try:
        lines = Path(f"/proc/{pid}/cgroup").read_text().splitlines()
    except OSError:
        return None
    for line in lines:
        _, controllers, path = line.split(":", 2)
        if "pids" in controllers.split(","):
            folder = Path("/sys/fs/cgroup/pids") / path.lstrip("/")
            break
    else:
        unified = [line.split(":", 2)[2] for line in lines if line.startswith("0::")]
        if not unified:
            return None
        folder = Path("/sys/fs/cgroup") / unified[0].lstrip("/")
    return folder if (folder / "pids.max").is_file() else None


def stats_pids(daemon: Connection, cid: str) -> int | None:
    """`docker stats`' PIDS column: the daemon's reading of the container's process count."""
    stats = daemon.get("/containers/{0}/stats", cid, params={"stream": False, "one-shot": True})
    current = (stats.get("pids_stats") or {}).get("current")
    return None if current is None else int(current)


def test_a_fork_bomb_is_held_at_the_pids_limit(make_engine, daemon) -> None:
    limit = Policy().pids
    engine = make_engine()
    assert engine.run(BOMB).exit_code == 0
    cid = labelled_containers(daemon, engine.session)[0]["Id"]
    data = daemon.get("/containers/{0}/json", cid)
    assert data["HostConfig"]["PidsLimit"] == limit
    cgroup = pids_cgroup(int(data["State"]["Pid"]))
    if cgroup is not None:  # the kernel's own limit, not only the daemon's record of it
        assert cgroup.joinpath("pids.max").read_text().strip() == str(limit)

    def forks_refused() -> int:
        """How often the kernel refused a fork at the limit (pids.events' `max`; 0 unknown)."""
        if cgroup is None:
            return 0
        lines = cgroup.joinpath("pids.events").read_text().splitlines()
        return int(dict(line.split() for line in lines).get("max", 0))

    # The bomb's processes come and go (a shell whose fork is refused exits), so the daemon's
    # sampled count may miss the moment it touched the limit; the kernel's own count of refused
    # forks says it did.
    samples: list[int] = []
    deadline = time.monotonic() + DEADLINE
    while time.monotonic() < deadline:
        current = stats_pids(daemon, cid)
        if current is not None:
            samples.append(current)
        if (current is not None and current >= limit) or forks_refused():
            break
        time.sleep(0.05)
    assert samples and (max(samples) == limit or forks_refused()), (
        f"the bomb never reached {limit}: {samples[-10:]}")
    for _ in range(10):  # held there: it keeps trying, the kernel keeps refusing
        samples.append(stats_pids(daemon, cid) or 0)
    assert max(samples) <= limit, samples
    assert engine.container_state("bomb") == "running"
    if cgroup is not None:
        peak = cgroup / "pids.peak"
        if peak.is_file():
            assert int(peak.read_text()) == limit
        events = dict(line.split() for line in cgroup.joinpath("pids.events").read_text().splitlines())
        assert int(events["max"]) > 0, "no fork was ever refused"

    # the machine and the daemon still serve everyone else
    other = make_engine()
    alive = other.run("docker run --rm ubuntu:20.04 echo alive", timeout=DEADLINE)
    assert (alive.exit_code, alive.stdout) == (0, "alive\n")
    assert engine.run("docker ps --format '{{.Names}} {{.State}}'").stdout == "bomb running\n"

    removed = engine.run("docker rm -f bomb", timeout=DEADLINE)
    assert (removed.exit_code, removed.stdout) == (0, "bomb\n")
    assert labelled_containers(daemon, engine.session) == []
    if cgroup is not None:  # every process of the bomb is gone with its cgroup
        deadline = time.monotonic() + DEADLINE
        while cgroup.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not cgroup.exists()
