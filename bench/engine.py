"""Simulator throughput and memory: commands per second for a run/ps/stop/rm mix with 100 containers.

Run: `.venv/bin/python bench/engine.py` (add `--containers 10` for the smaller case). Prints a table;
its numbers go into the README. Single-threaded, so it measures one core.
"""

from __future__ import annotations

import argparse
import gc
import time
import tracemalloc

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine


def fill(engine: SimEngine, count: int) -> None:
    for index in range(count):
        engine.run(f"docker run -d --name c{index} ubuntu:20.04 sleep 100000")


def throughput(containers: int, rounds: int) -> tuple[float, int]:
    engine = SimEngine(VirtualClock(), seed=7)
    fill(engine, containers)
    mix = []
    for index in range(rounds):
        name = f"m{index}"
        mix += [f"docker run -d --name {name} ubuntu:20.04 sleep 100000", "docker ps",
                f"docker stop -t 0 {name}", f"docker rm {name}"]
    start = time.perf_counter()
    for line in mix:
        result = engine.run(line)
        if result.exit_code != 0:
            raise SystemExit(f"{line!r} failed: {result.stderr}")
    elapsed = time.perf_counter() - start
    return len(mix) / elapsed, len(mix)


def memory(containers: int) -> tuple[float, float]:
    """Bytes a sandbox holds with this many containers: idle, and after a `docker ps` (which keeps
    each container's summary, STATUS text and table row for the next listing)."""
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.take_snapshot()
    engine = SimEngine(VirtualClock(), seed=7)
    fill(engine, containers)
    gc.collect()
    idle = tracemalloc.take_snapshot()
    engine.run("docker ps")
    gc.collect()
    listed = tracemalloc.take_snapshot()
    tracemalloc.stop()
    sizes = tuple(sum(stat.size_diff for stat in after.compare_to(before, "filename"))
                  for after in (idle, listed))
    del engine
    return sizes[0], sizes[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=500, help="run/ps/stop/rm rounds")
    args = parser.parse_args()
    print(f"{'containers':>10}  {'commands':>8}  {'commands/s':>10}  {'sandbox memory':>14}  {'after ps':>8}")
    for containers in (0, 10, 100):
        rate, count = throughput(containers, args.rounds)
        idle, listed = memory(containers)
        print(f"{containers:>10}  {count:>8}  {rate:>10,.0f}  {idle / 1024:>11,.0f} KB  {listed / 1024:>5,.0f} KB")


if __name__ == "__main__":
    main()
