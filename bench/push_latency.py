"""Push latency: from a container's own death on the engine to its `die` event reaching a client.

Run: `.venv/bin/python bench/push_latency.py` (`--runs 20`, `--sleep 1`). Starts the app on the
simulator under gunicorn (real clock) in a subprocess; one python-socketio client runs
`docker run -d ubuntu:20.04 sleep 1` again and again and notes when the container's `die`
`engine_event` arrives. Server and client share this machine's clock, so two delays are printed:
"engine -> client", from the event's own `timeNano` (when the engine applied the death) to receipt,
and "due -> client", from when the death was due (the `start` event's time plus the sleep) to
receipt, which adds how late the engine's clock woke up.
"""

from __future__ import annotations

import argparse
import queue
import time

import socketio
from _server import NAMESPACE, percentile, session_cookie, start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--sleep", type=float, default=1.0, help="seconds each container sleeps")
    args = parser.parse_args()
    server = start("app", "gunicorn")
    arrivals: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("engine_event", lambda event: arrivals.put((time.time(), event)), namespace=NAMESPACE)
    engine_ms: list[float] = []
    due_ms: list[float] = []
    try:
        client.connect(server.url, namespaces=[NAMESPACE], transports=["websocket"],
                       headers={"Cookie": f"lab_session={session_cookie(server.url)}"},
                       wait_timeout=10)
        for run in range(args.runs):
            name = f"p{run}"
            result = client.call("run", {"line": f"docker run -d --name {name} ubuntu:20.04 "
                                                 f"sleep {args.sleep:g}"},
                                 namespace=NAMESPACE, timeout=10)
            if result.get("exit_code") != 0:
                raise SystemExit(f"run failed: {result}")
            started = None
            while True:
                received, event = arrivals.get(timeout=args.sleep + 10)
                if event["Actor"]["Attributes"].get("name") != name:
                    continue
                if event["Action"] == "start":
                    started = event["timeNano"] / 1e9
                elif event["Action"] == "die":
                    break
            if started is None:
                raise SystemExit(f"no start event for {name}")
            engine_ms.append((received - event["timeNano"] / 1e9) * 1000)
            due_ms.append((received - started - args.sleep) * 1000)
            client.call("run", {"line": f"docker rm {name}"}, namespace=NAMESPACE, timeout=10)
    finally:
        if client.connected:
            client.disconnect()
        server.stop()
    print(f"\n{'delay':<16} {'median ms':>9} {'p95 ms':>7} {'max ms':>7}  ({args.runs} containers)")
    for label, values in (("engine -> client", engine_ms), ("due -> client", due_ms)):
        print(f"{label:<16} {percentile(values, 50):>9.2f} {percentile(values, 95):>7.2f} "
              f"{max(values):>7.2f}")


if __name__ == "__main__":
    main()
