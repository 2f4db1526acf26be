"""Round trip of one acknowledged `run` over a real Socket.IO connection: the app against the floor.

Run: `.venv/bin/python bench/roundtrip.py` (`--calls 500`, `--stacks gevent` for the production
server only). In the same run it starts the app on the simulator and a bare Flask-SocketIO app whose
`run` handler acknowledges at once (the floor), on the same server (gunicorn's gevent worker, its
gthread worker as `gunicorn`, and the development server), each in a subprocess. The calls ask for
the ack the page asks for (`"streamed": true, "inline": true`). One python-socketio client per
server sends the calls one after another over a websocket and times each acknowledgement. The client
is the asyncio one: the threaded `socketio.Client` starts a thread for every message it receives,
which would charge the app, whose commands push their output, Docker events and state before the
acknowledgement, some 0.15 ms per message that a browser does not spend. Two workloads: `run -d` of
a sleeping container followed by its `rm -f` (two calls), and an attached `run ... echo hi`. The app
runs with a high `LAB_RATE` so the per-learner command limit does not refuse the calls. Prints
median and p95 in ms for both and the app/floor ratio (target: at most 1.3).

Then, with `--alone` (the default), the same workloads without any transport: the sandbox layer in
this process (`SandboxManager` over a store on a SQLite file, the real clock), each line logged
and run exactly as a `run` event does, timed on its own. That is the part of a command no transport
change can remove; the target leaves the app 0.3 times the floor for it.
"""

from __future__ import annotations

import argparse
import asyncio
import tempfile
import time
from collections.abc import Callable

import socketio
from _server import NAMESPACE, STACKS, percentile, session_cookie, start

WORKLOADS: dict[str, Callable[[int], list[str]]] = {
    "run -d + rm -f": lambda i: [f"docker run -d --name r{i} ubuntu:20.04 sleep 1000",
                                 f"docker rm -f r{i}"],
    "run echo": lambda i: ["docker run --rm ubuntu:20.04 echo hi"],
}


def measure(url: str, lines: Callable[[int], list[str]], calls: int, warmup: int) -> list[float]:
    """Milliseconds per acknowledged `run`, one after another on one connection."""
    return asyncio.run(_measure(url, lines, calls, warmup))


async def _measure(url: str, lines: Callable[[int], list[str]], calls: int,
                   warmup: int) -> list[float]:
    cookie = session_cookie(url)
    client = socketio.AsyncClient(reconnection=False)
    headers = {"Cookie": f"lab_session={cookie}"} if cookie else {}
    await client.connect(url, namespaces=[NAMESPACE], headers=headers, transports=["websocket"],
                         wait_timeout=10)
    times: list[float] = []
    try:
        index = 0
        while len(times) < calls:
            for line in lines(index):
                started = time.perf_counter()
                result = await client.call("run", {"line": line, "streamed": True, "inline": True},
                                           namespace=NAMESPACE, timeout=10)
                elapsed = (time.perf_counter() - started) * 1000
                if result.get("exit_code") != 0:
                    raise SystemExit(f"{line!r} failed: {result}")
                if index >= warmup:
                    times.append(elapsed)
            index += 1
    finally:
        await client.disconnect()
    return times[:calls]


def alone(lines: Callable[[int], list[str]], calls: int, warmup: int) -> list[float]:
    """Milliseconds per line logged and run by a sandbox in this process: no Socket.IO at all."""
    from webapp.session import SandboxManager
    from webapp.store import Store

    with tempfile.TemporaryDirectory() as folder:
        store = Store(f"{folder}/lab.db")
        manager = SandboxManager(store, rate=1e9)
        try:
            sandbox = manager.open()
            times: list[float] = []
            index = 0
            while len(times) < calls:
                for line in lines(index):
                    started = time.perf_counter()
                    job = sandbox.run(line)
                    elapsed = (time.perf_counter() - started) * 1000
                    if not job.done or job.result().exit_code != 0:
                        raise SystemExit(f"{line!r} failed alone")
                    if index >= warmup:
                        times.append(elapsed)
                index += 1
        finally:
            manager.close()
            store.close()
    return times[:calls]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--calls", type=int, default=400, help="timed calls per workload and server")
    parser.add_argument("--warmup", type=int, default=30, help="untimed rounds first")
    parser.add_argument("--stacks", nargs="+", choices=("gevent", *STACKS),
                        default=["gevent", *STACKS])
    parser.add_argument("--alone", action=argparse.BooleanOptionalAction, default=True,
                        help="also time the app's own work per command, without a transport")
    args = parser.parse_args()
    rows = []
    for stack in args.stacks:
        servers = {kind: start(kind, stack, env={"LAB_RATE": "100000"}) for kind in ("floor", "app")}
        try:
            for workload, lines in WORKLOADS.items():
                got = {kind: measure(server.url, lines, args.calls, args.warmup)
                       for kind, server in servers.items()}
                rows.append((stack, workload, got["floor"], got["app"]))
        finally:
            for server in servers.values():
                server.stop()
    print(f"\n{'server':<9} {'workload':<15} {'floor p50':>9} {'floor p95':>9} {'app p50':>8} "
          f"{'app p95':>8} {'ratio p50':>9} {'ratio p95':>9}")
    for stack, workload, floor, app in rows:
        f50, f95, a50, a95 = (percentile(floor, 50), percentile(floor, 95), percentile(app, 50),
                              percentile(app, 95))
        print(f"{stack:<9} {workload:<15} {f50:>9.2f} {f95:>9.2f} {a50:>8.2f} {a95:>8.2f} "
              f"{a50 / f50:>8.2f}x {a95 / f95:>8.2f}x")
    print("(milliseconds per acknowledged call; target: app within 1.3x the floor)")
    if args.alone:
        print(f"\n{'workload':<15} {'alone p50':>9} {'alone p95':>9}")
        for workload, lines in WORKLOADS.items():
            took = alone(lines, args.calls, args.warmup)
            print(f"{workload:<15} {percentile(took, 50):>9.3f} {percentile(took, 95):>9.3f}")
        print("(milliseconds per command logged and run in this process, no transport)")


if __name__ == "__main__":
    main()
