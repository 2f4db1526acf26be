"""Memory per idle simulator sandbox in the served app (target: under 100 KB).

Run: `.venv/bin/python bench/sandbox_memory.py` (`--sandboxes 200`). Two measurements:

- served (the sandbox with a container): the app under gunicorn in a subprocess. K learners, one
  after another, take a session cookie from the front page, connect a python-socketio client, run
  `docker run -d ubuntu:20.04 sleep 100000`, and disconnect: their sandboxes stay in memory, idle,
  until reaped. The serving process's RSS growth (and thread count growth) divided by K. Before the
  baseline, K learners without a cookie do the same (their sandboxes go when they disconnect), so
  memory the connections themselves leave behind is not counted as the sandboxes'.
- in process (an empty sandbox, and one with that container): the app built in this process; K
  sandboxes opened through the `/lab` namespace with Flask-SocketIO's test client, Python heap
  growth measured with tracemalloc (threads' stacks and memory outside Python are not seen).
"""

from __future__ import annotations

import argparse
import gc
import math
import tempfile
import time
import tracemalloc

import socketio
from _server import NAMESPACE, Server, session_cookie, start

COMMAND = "docker run -d ubuntu:20.04 sleep 100000"


def visit(server: Server, count: int, *, keep: bool, command: bool) -> None:
    """`count` learners connect one after another, maybe run a command, and leave."""
    for _ in range(count):
        cookie = session_cookie(server.url) if keep else ""
        client = socketio.Client(reconnection=False)
        headers = {"Cookie": f"lab_session={cookie}"} if cookie else {}
        client.connect(server.url, namespaces=[NAMESPACE], headers=headers,
                       transports=["websocket"], wait_timeout=10)
        if command:
            result = client.call("run", {"line": COMMAND}, namespace=NAMESPACE, timeout=10)
            if result.get("exit_code") != 0:
                raise SystemExit(f"{COMMAND!r} failed: {result}")
        client.disconnect()


def settle(server: Server, threads: int) -> tuple[int, int]:
    """RSS (KB) and threads once the connections' threads are gone (back to `threads`).

    Engine.IO keeps a thread per connection asleep until its next ping was due (up to 25 s after
    the disconnect); their stacks are not the sandboxes'. Waits 30 s at most.
    """
    deadline = time.monotonic() + 30
    time.sleep(0.5)
    while server.threads() > threads and time.monotonic() < deadline:
        time.sleep(0.5)
    return server.rss_kb(), server.threads()


def served(count: int, command: bool) -> tuple[float, float]:
    server = start("app", "gunicorn", env={"LAB_MAX_SANDBOXES": str(count + 10)})
    try:
        idle = server.threads()
        visit(server, count, keep=False, command=command)
        rss, threads = settle(server, idle)
        visit(server, count, keep=True, command=command)
        rss_after, threads_after = settle(server, idle)
    finally:
        server.stop()
    return (rss_after - rss) / count, (threads_after - threads) / count


def in_process(count: int, command: bool) -> float:
    from flask_socketio import SocketIOTestClient

    from webapp import close_app, create_app
    from webapp import socketio as lab_socketio

    with tempfile.TemporaryDirectory(prefix="lab-bench-") as tmp:
        app = create_app({"LAB_DB": f"{tmp}/lab.db", "LAB_INSTANCE": f"{tmp}/inst",
                          "LAB_SECRET_KEY": "bench", "LAB_ENGINE": "sim", "LAB_CLOCK": "real",
                          "LAB_MAX_SANDBOXES": count + 10, "LAB_REAP_INTERVAL": 0})
        try:
            def learner() -> None:
                http = app.test_client()
                http.get("/")
                client = lab_socketio.test_client(app, namespace=NAMESPACE, flask_test_client=http)
                if command:
                    result = client.emit("run", {"line": COMMAND}, namespace=NAMESPACE,
                                         callback=True)
                    if result.get("exit_code") != 0:
                        raise SystemExit(f"{COMMAND!r} failed: {result}")
                client.disconnect(namespace=NAMESPACE)
                # the test client keeps itself and what it was sent: not the sandbox's memory
                SocketIOTestClient.clients.pop(client.eio_sid, None)

            learner()  # first use: lazy imports and caches are not the sandboxes'
            gc.collect()
            tracemalloc.start()
            before = tracemalloc.take_snapshot()
            for _ in range(count):
                learner()
            gc.collect()
            after = tracemalloc.take_snapshot()
            tracemalloc.stop()
            grown = sum(stat.size_diff for stat in after.compare_to(before, "filename"))
        finally:
            close_app(app)
    return grown / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sandboxes", type=int, default=200, help="K idle sandboxes")
    args = parser.parse_args()
    rows = []
    for command in (False, True):
        rss, threads = served(args.sandboxes, command) if command else (float("nan"),) * 2
        heap = in_process(args.sandboxes, command)
        rows.append(("one container" if command else "empty", rss, threads, heap))
    print(f"\n{'idle sandbox':<14} {'served RSS KB':>13} {'threads':>7} {'in-process heap KB':>18}"
          f"  ({args.sandboxes} sandboxes)")
    for label, rss, threads, heap in rows:
        served_rss = f"{rss:>13.1f} {threads:>7.2f}" if not math.isnan(rss) else f"{'-':>13} {'-':>7}"
        print(f"{label:<14} {served_rss} {heap / 1024:>18.1f}")
    print("(per sandbox; target: under 100 KB)")


if __name__ == "__main__":
    main()
