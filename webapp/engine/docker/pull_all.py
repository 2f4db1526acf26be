"""`lifecycle-lab images pull`: the real images of the catalogue, pulled through the daemon.

For a machine that can reach a registry (the offline alternative is `lifecycle-lab images build`,
the look-alikes). Progress is shown as `docker pull` shows it. When the registry cannot be reached
the first failure says so and stops: every other image would fail the same way, slowly.
"""

from __future__ import annotations

import sys
import threading
import time
from typing import TextIO

from ..cli.jsonmessage import PullDisplay
from ..images import CATALOGUE, normalize_ref
from .connection import ApiError, Connection, DaemonUnavailable, shutdown_response
from .images import daemon_pull

# Words of the daemon's errors when the registry itself is out of reach (DNS, TCP, TLS, proxy).
UNREACHABLE = ("dial tcp", "no such host", "lookup ", "i/o timeout", "connection refused",
               "network is unreachable", "TLS handshake", "Client.Timeout", "context deadline",
               "proxyconnect", "certificate", "server misbehaving", "temporary failure")


def pull_catalogue(only: list[str] | None = None, *, timeout: float = 30.0,
                   connection: Connection | None = None, out: TextIO | None = None,
                   err: TextIO | None = None) -> int:
    """Pull the catalogue's images (or `only` these); returns the exit status."""
    out = out or sys.stdout
    err = err or sys.stderr
    refs = [normalize_ref(r) for r in only] if only else list(CATALOGUE)
    unknown = [r for r in refs if r not in CATALOGUE]
    if unknown:
        print(f"lifecycle-lab images pull: not in the catalogue: {', '.join(unknown)} (it has: "
              f"{', '.join(CATALOGUE)})", file=err)
        return 2
    conn = connection or Connection(timeout=timeout)
    if not conn.ping(5.0):
        print(f"lifecycle-lab images pull: {conn.unavailable}", file=err)
        return 1
    tty = hasattr(out, "isatty") and out.isatty()

    def write(text: str) -> None:
        out.write(text)
        out.flush()

    failed = []
    for ref in refs:
        started = time.monotonic()
        print(f"{ref}:", file=out, flush=True)
        display = PullDisplay(write, tty=tty)
        watchdog = _Watchdog(timeout)
        try:
            error = daemon_pull(conn, ref, _Watched(display, watchdog), timeout=timeout,
                                on_response=watchdog.watch)
        except (ApiError, DaemonUnavailable) as problem:
            error = str(problem)
        finally:
            watchdog.stop()
        if watchdog.fired and error is None:
            error = f"no progress for {timeout:g} s"
        if error is None:
            print(f"  pulled in {time.monotonic() - started:.1f} s", file=out)
            continue
        failed.append(ref)
        if any(word in error for word in UNREACHABLE) or watchdog.fired:
            print(f"lifecycle-lab images pull: cannot reach the registry for {ref}: {error}\n"
                  "No registry is reachable from the Docker daemon, so no image can be pulled. "
                  "Build the offline look-alikes instead: lifecycle-lab images build", file=err)
            return 1
        print(f"lifecycle-lab images pull: {ref}: {error}", file=err)
    if failed:
        print(f"lifecycle-lab images pull: {len(failed)} of {len(refs)} image(s) failed: "
              f"{', '.join(failed)}", file=err)
        return 1
    print(f"pulled {len(refs)} image(s)", file=out)
    return 0


class _Watchdog:
    """Closes the pull stream when no message arrived for `timeout` seconds."""

    def __init__(self, timeout: float):
        self.timeout = timeout
        self.last = time.monotonic()
        self.fired = False
        self._response = None
        self._stop = threading.Event()
        threading.Thread(target=self._run, daemon=True).start()

    def watch(self, response) -> None:
        self._response = response
        self.last = time.monotonic()

    def tick(self) -> None:
        self.last = time.monotonic()

    def _run(self) -> None:
        while not self._stop.wait(0.5):
            if time.monotonic() - self.last > self.timeout and self._response is not None:
                self.fired = True
                shutdown_response(self._response)
                return

    def stop(self) -> None:
        self._stop.set()


class _Watched(PullDisplay):
    def __init__(self, display: PullDisplay, watchdog: _Watchdog):
        super().__init__(display.write, tty=display.tty)
        self.watchdog = watchdog

    def message(self, msg: dict) -> None:
        self.watchdog.tick()
        super().message(msg)
