"""A class at once: N learners sending console commands, against the app and against the floor.

Run: `.venv/bin/python bench/class_load.py` (`--learners 50 200`, `--seconds 10`). For each N (50,
200 and 500 by default) and stack (`--stacks`: gunicorn's gevent worker, the production default, and
its gthread worker, `gunicorn`, `-w 1 --threads N+50`) it starts the app on the simulator and a bare
Flask-SocketIO app on the same stack whose `run` handler acknowledges at once (the floor), each in a
subprocess; the calls ask for the page's ack (`"streamed": true, "inline": true`: the messages a
command sends its console travel in the ack). N python-socketio AsyncClients, each with a session
cookie of its own (so a sandbox of its own), connect over websockets and repeat `run -d`, `ps`,
`stop -t 0`, `rm`, `run --rm ... echo` with a think time of 0.2-0.8 s between commands, for
`--seconds`.

Printed per server and N: acknowledgement latency p50/p95/p99 (ms), errors (a call that timed out or
was refused, or a command that failed), the serving process's RSS growth per learner from before the
learners connected to the end, and its CPU use (% of one core); and the CPU use of the clients
(this process): near 100 % the clients, not the server, are what the latency measures.

The machine has two cores and the clients cost CPU too (all of them run in this one process, on
asyncio). With `--pin` (the default on a machine with two or more cores) the server is pinned to CPU
0 and this process to CPU 1, so the two do not steal each other's core and the app and the floor are
compared on equal terms: each server gets one core. Other load on the machine still shows in the
numbers. Target: at 500 learners the app's p95 within 2x the floor's, and no errors.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import time
from dataclasses import dataclass, field

import aiohttp
import socketio
from _server import NAMESPACE, Server, percentile, start

THINK = (0.2, 0.8)  # seconds between one learner's commands


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    error_events: int = 0
    first_error: str = ""

    def fail(self, message: str) -> None:
        self.errors += 1
        self.first_error = self.first_error or message


def script(learner: int, step: int) -> list[str]:
    """One round of a learner's commands; names are unique per round."""
    name = f"c{learner}-{step}"
    return [f"docker run -d --name {name} ubuntu:20.04 sleep 100000", "docker ps",
            f"docker stop -t 0 {name}", f"docker rm {name}", "docker run --rm ubuntu:20.04 echo hi"]


async def cookie(http: aiohttp.ClientSession, url: str) -> str:
    async with http.get(f"{url}/") as response:
        await response.read()
        morsel = response.cookies.get("lab_session")
        return morsel.value if morsel is not None else ""


async def learner(index: int, url: str, session_cookie: str, tally: Tally, ready: asyncio.Event,
                  go: asyncio.Event, stop_at: list[float]) -> None:
    client = socketio.AsyncClient(reconnection=False)

    @client.on("error", namespace=NAMESPACE)
    async def on_error(data: object) -> None:
        tally.error_events += 1

    headers = {"Cookie": f"lab_session={session_cookie}"} if session_cookie else {}
    try:
        await client.connect(url, namespaces=[NAMESPACE], headers=headers, transports=["websocket"],
                             wait_timeout=60)
    except Exception as err:  # noqa: BLE001 - counted, the run goes on
        tally.fail(f"connect: {err!r}")
        ready.set()
        return
    ready.set()
    await go.wait()
    rng = random.Random(index)
    await asyncio.sleep(rng.uniform(*THINK))  # learners do not type in step
    step = 0
    try:
        while time.monotonic() < stop_at[0]:
            for line in script(index, step):
                started = time.perf_counter()
                try:
                    result = await client.call("run", {"line": line, "streamed": True, "inline": True},
                                               namespace=NAMESPACE, timeout=30)
                except Exception as err:  # noqa: BLE001 - a timeout is an error to count
                    tally.fail(f"{line}: {err!r}")
                    continue
                tally.latencies.append((time.perf_counter() - started) * 1000)
                if not isinstance(result, dict) or result.get("exit_code") != 0:
                    tally.fail(f"{line}: {result!r}"[:300])
                await asyncio.sleep(rng.uniform(*THINK))
            step += 1
    finally:
        await client.disconnect()


async def drive(server: Server, learners: int, seconds: float) -> dict[str, float | int | str]:
    tally = Tally()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as http:
        cookies = []
        for _ in range(learners):
            cookies.append(await cookie(http, server.url))
    rss_before = server.rss_kb()
    go = asyncio.Event()
    stop_at = [0.0]
    readies = [asyncio.Event() for _ in range(learners)]
    tasks = [asyncio.create_task(learner(i, server.url, cookies[i], tally, readies[i], go, stop_at))
             for i in range(learners)]
    await asyncio.gather(*(ready.wait() for ready in readies))
    cpu_before, wall_before = server.cpu_seconds(), time.monotonic()
    clients_before = time.process_time()
    stop_at[0] = wall_before + seconds
    go.set()
    await asyncio.gather(*tasks)
    wall = time.monotonic() - wall_before
    cpu = (server.cpu_seconds() - cpu_before) / wall * 100
    client_cpu = (time.process_time() - clients_before) / wall * 100
    rss_after = server.rss_kb()
    return {"p50": percentile(tally.latencies, 50), "p95": percentile(tally.latencies, 95),
            "p99": percentile(tally.latencies, 99), "calls": len(tally.latencies),
            "errors": tally.errors + tally.error_events, "first_error": tally.first_error,
            "kb_per_learner": (rss_after - rss_before) / learners, "cpu": cpu,
            "client_cpu": client_cpu}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--learners", type=int, nargs="+", default=[50, 200, 500])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured time per run")
    parser.add_argument("--pin", action=argparse.BooleanOptionalAction,
                        default=(os.cpu_count() or 1) >= 2,
                        help="server on CPU 0, clients on CPU 1 (default: with 2+ cores)")
    parser.add_argument("--stacks", nargs="+", choices=("gevent", "gunicorn"),
                        default=["gevent", "gunicorn"],
                        help="gunicorn: gthread worker, N+50 threads; gevent: gunicorn's gevent "
                             "worker (both one worker)")
    args = parser.parse_args()
    server_cpus = {0} if args.pin else None
    if args.pin:
        os.sched_setaffinity(0, {1})
    rows = []
    for stack in args.stacks:
        for learners in args.learners:
            for kind in ("floor", "app"):
                env = {"LAB_MAX_SANDBOXES": str(learners + 50)}
                server = start(kind, stack, threads=learners + 50, cpus=server_cpus, env=env)
                try:
                    row = asyncio.run(drive(server, learners, args.seconds))
                finally:
                    server.stop()
                rows.append((stack, learners, kind, row))
                if row["first_error"]:
                    print(f"{kind}/{stack} at {learners}: first error: {row['first_error']}")
    print(f"\n{'stack':<8} {'learners':>8} {'server':<6} {'calls':>6} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} "
          f"{'errors':>6} {'KB/learner':>10} {'CPU %':>6} {'clients CPU %':>13}")
    for stack, learners, kind, row in rows:
        print(f"{stack:<8} {learners:>8} {kind:<6} {row['calls']:>6} {row['p50']:>7.1f} {row['p95']:>7.1f} "
              f"{row['p99']:>7.1f} {row['errors']:>6} {row['kb_per_learner']:>10.1f} "
              f"{row['cpu']:>6.0f} {row['client_cpu']:>13.0f}")
    floors = {(stack, n): row for stack, n, kind, row in rows if kind == "floor"}
    for stack, learners, kind, row in rows:
        if kind == "app":
            ratio = float(row["p95"]) / float(floors[stack, learners]["p95"])
            print(f"{stack} {learners} learners: app p95 / floor p95 = {ratio:.2f}x "
                  f"(target: at most 2x at 500)")


if __name__ == "__main__":
    main()
