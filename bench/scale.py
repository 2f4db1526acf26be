"""Learners against latency for 1, 2 and 4 app processes behind nginx, and where errors start.

Run: `.venv/bin/python bench/scale.py` (`--processes 1 2 4`, `--learners 250 500 1000 1500`,
`--seconds 10`). For each process count it starts a local cluster (`webapp.services.cluster`:
PostgreSQL when it can run here, else one shared SQLite file, Redis as the message queue, N app
processes with `lifecycle-lab serve --production`, nginx in front with the sticky `lab_route` hash)
and drives it with more and more learners, each a python-socketio client of its own: a GET of
`/sandbox` through nginx for the cookies (`lab_session` and `lab_route`, so nginx pins the learner
to one process), then a websocket through nginx, then class_load's commands (`run -d`, `ps`,
`stop -t 0`, `rm`, `run --rm ... echo`, 0.2-0.8 s apart) for `--seconds`, asking for the ack the
page asks for (`streamed` and `inline`). A step with errors ends the ramp for that process count: the point
where errors start.

The clients run in `--client-processes` processes (asyncio each), not pinned: on this 2-core machine
they share the cores with the app processes, nginx and the database, as a real test rig would not.
Printed per step: acknowledgement latency p50/p95/p99 (ms), errors (a call or connection that failed
or timed out, a command that failed, an `error` event), the CPU of the app processes (% of one core,
summed) and of the clients.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import aiohttp
import socketio
from _server import NAMESPACE, TICKS, percentile
from class_load import THINK, script

from webapp.services.cluster import Cluster


def start_database(kind: str) -> tuple[str, Any]:
    """PostgreSQL (`webapp.services.postgres`) for "postgres", and for "auto" when it can run
    here; else ("sqlite", None): the cluster's one shared SQLite file."""
    if kind == "sqlite":
        return "sqlite", None
    try:
        from webapp.services.postgres import PostgresServer, PostgresUnavailable
    except ImportError:
        if kind == "postgres":
            raise
        return "sqlite", None
    try:
        return "postgres", PostgresServer()
    except PostgresUnavailable:
        if kind == "postgres":
            raise
        return "sqlite", None


@dataclass
class Share:
    """What one client process measured."""

    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    first_error: str = ""
    cpu: float = 0.0  # the client process's CPU seconds while measuring

    def fail(self, message: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or message


async def cookies(http: aiohttp.ClientSession, url: str) -> str:
    """A new learner's Cookie header: what /sandbox sets (lab_session, lab_route) through nginx."""
    async with http.get(f"{url}/sandbox") as response:
        await response.read()
        if response.status != 200:
            raise RuntimeError(f"GET /sandbox: {response.status}")
        return "; ".join(f"{name}={morsel.value}" for name, morsel in response.cookies.items())


async def learner(index: int, url: str, cookie: str, share: Share, connected: asyncio.Event,
                  go: asyncio.Event, stop_at: list[float]) -> None:
    client = socketio.AsyncClient(reconnection=False)

    @client.on("error", namespace=NAMESPACE)
    async def on_error(data: object) -> None:
        share.fail(f"error event: {data!r}"[:300])

    try:
        await client.connect(url, namespaces=[NAMESPACE], headers={"Cookie": cookie},
                             transports=["websocket"], wait_timeout=60)
    except Exception as err:  # noqa: BLE001 - counted, the run goes on
        share.fail(f"connect: {err!r}")
        connected.set()
        return
    connected.set()
    await go.wait()
    rng = random.Random(index)
    await asyncio.sleep(rng.uniform(*THINK))
    step = 0
    try:
        while time.monotonic() < stop_at[0]:
            for line in script(index, step):
                started = time.perf_counter()
                try:
                    result = await client.call("run", {"line": line, "streamed": True, "inline": True},
                                               namespace=NAMESPACE, timeout=30)
                except Exception as err:  # noqa: BLE001 - a timeout is an error to count
                    share.fail(f"{line}: {err!r}")
                    continue
                share.latencies.append((time.perf_counter() - started) * 1000)
                if not isinstance(result, dict) or result.get("exit_code") != 0:
                    share.fail(f"{line}: {result!r}"[:300])
                await asyncio.sleep(rng.uniform(*THINK))
            step += 1
    finally:
        await client.disconnect()


async def drive_share(url: str, first: int, count: int, seconds: float,
                      barrier: Any) -> Share:
    share = Share()
    connector = aiohttp.TCPConnector(limit=20)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar(),
                                     connector=connector) as http:
        jars = await asyncio.gather(*(cookies(http, url) for _ in range(count)),
                                    return_exceptions=True)
    go, stop_at = asyncio.Event(), [0.0]
    connected = [asyncio.Event() for _ in range(count)]
    tasks = []
    for i, jar in enumerate(jars):
        if isinstance(jar, BaseException):
            share.fail(f"cookies: {jar!r}")
            connected[i].set()
            continue
        tasks.append(asyncio.create_task(
            learner(first + i, url, jar, share, connected[i], go, stop_at)))
    await asyncio.gather(*(event.wait() for event in connected))
    loop = asyncio.get_running_loop()
    await loop.run_in_executor(None, barrier.wait)  # every client process has connected
    cpu_before = time.process_time()
    stop_at[0] = time.monotonic() + seconds
    go.set()
    await asyncio.gather(*tasks)
    share.cpu = time.process_time() - cpu_before
    return share


def client_process(url: str, first: int, count: int, seconds: float, barrier: Any,
                   results: Any) -> None:
    share = asyncio.run(drive_share(url, first, count, seconds, barrier))
    results.put((share.latencies, share.errors, share.first_error, share.cpu))


def worker_pids(cluster: Cluster) -> list[int]:
    """The serving processes: each app process's gunicorn worker (or the process itself)."""
    pids = []
    for app in cluster.apps:
        if app is None:
            continue
        children = Path(f"/proc/{app.pid}/task/{app.pid}/children").read_text().split()
        pids += [int(pid) for pid in children] or [app.pid]
    return pids


def cpu_seconds(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        stat = Path(f"/proc/{pid}/stat").read_text()
        fields = stat[stat.rindex(")") + 2:].split()
        total += (int(fields[11]) + int(fields[12])) / TICKS
    return total


def step(cluster: Cluster, learners: int, seconds: float, clients: int) -> dict[str, Any]:
    """One measurement: `learners` new learners on the cluster for `seconds`."""
    context = multiprocessing.get_context("spawn")
    clients = max(1, min(clients, learners))
    barrier = context.Barrier(clients + 1)
    results = context.Queue()
    sizes = [learners // clients + (1 if i < learners % clients else 0) for i in range(clients)]
    processes, first = [], 0
    for size in sizes:
        process = context.Process(target=client_process,
                                  args=(cluster.url, first, size, seconds, barrier, results))
        process.start()
        processes.append(process)
        first += size
    barrier.wait(timeout=600)  # everyone connected: the measured time starts
    pids = worker_pids(cluster)
    cpu_before, wall_before = cpu_seconds(pids), time.monotonic()
    shares = [results.get(timeout=seconds + 300) for _ in processes]
    wall = time.monotonic() - wall_before
    server_cpu = (cpu_seconds(pids) - cpu_before) / wall * 100
    for process in processes:
        process.join(timeout=60)
    latencies = [ms for share in shares for ms in share[0]]
    errors = sum(share[1] for share in shares)
    first_error = next((share[2] for share in shares if share[2]), "")
    return {"calls": len(latencies), "p50": percentile(latencies, 50),
            "p95": percentile(latencies, 95), "p99": percentile(latencies, 99), "errors": errors,
            "first_error": first_error, "cpu": server_cpu,
            "client_cpu": sum(share[3] for share in shares) / wall * 100}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--processes", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--learners", type=int, nargs="+", default=[250, 500, 1000, 1500],
                        help="the ramp, per process count (stops at the first step with errors)")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per step")
    parser.add_argument("--client-processes", type=int, default=2)
    parser.add_argument("--database", choices=("auto", "postgres", "sqlite"), default="auto")
    parser.add_argument("--keep-going", action="store_true",
                        help="run every step of the ramp even after errors")
    args = parser.parse_args()
    rows = []
    kinds = set()
    for processes in args.processes:
        most = max(args.learners)
        env = {"LAB_MAX_SANDBOXES": str(most + 100), "LAB_CLOCK": "real"}
        kind, database = start_database(args.database)
        if database is not None:  # a database of its own for each cluster
            env["LAB_DB"] = database.create_database()
        kinds.add(kind)
        try:
            with Cluster(processes, database="sqlite", env=env, threads=most + 50) as cluster:
                for learners in sorted(args.learners):
                    row = step(cluster, learners, args.seconds, args.client_processes)
                    rows.append((processes, learners, row))
                    print(f"{processes} process(es), {learners} learners: p95 {row['p95']:.1f} "
                          f"ms, {row['errors']} errors", flush=True)
                    if row["first_error"]:
                        print(f"  first error: {row['first_error']}", flush=True)
                    if row["errors"] and not args.keep_going:
                        break
        finally:
            if database is not None:
                database.stop()
    print(f"\ndatabase: {', '.join(sorted(kinds))}; app processes: `lifecycle-lab serve "
          f"--production` behind nginx; {os.cpu_count()} CPUs")
    print(f"{'processes':>9} {'learners':>8} {'calls':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6} {'app CPU %':>9} {'clients CPU %':>13}")
    for processes, learners, row in rows:
        print(f"{processes:>9} {learners:>8} {row['calls']:>6} {row['p50']:>7.1f} "
              f"{row['p95']:>7.1f} {row['p99']:>7.1f} {row['errors']:>6} {row['cpu']:>9.0f} "
              f"{row['client_cpu']:>13.0f}")
    for processes in args.processes:
        failing = [learners for p, learners, row in rows if p == processes and row["errors"]]
        clean = [learners for p, learners, row in rows if p == processes and not row["errors"]]
        where = f"errors start at {failing[0]} learners" if failing else "no errors"
        print(f"{processes} process(es): {where} (clean up to {max(clean) if clean else 0})")
    print("(targets: 1,000 learners over two processes with no errors)")


if __name__ == "__main__":
    main()
