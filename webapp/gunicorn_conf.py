"""gunicorn settings of `lifecycle-lab serve --production` (`--config <this file>`; it imports
nothing of the app at load, so the gevent worker patches the standard library before Flask loads).

The worker's SIGTERM (gunicorn's master sends it on its own SIGTERM: `docker stop`, a deploy) starts a
graceful stop instead of gunicorn's own: new console commands get a retry ack, the ones in flight
finish and are acknowledged, the sockets close, and only then does the worker stop (webapp/drain.py).
gunicorn's own stop would wait for open websockets until `graceful_timeout` and then kill them.
"""

from __future__ import annotations

import signal
import sys
import threading
from typing import Any

# Longer than the drain's wait for in-flight commands, so gunicorn's master never kills a draining
# worker.
graceful_timeout = 30


def in_background(target: Any) -> None:
    """Run `target` beside the worker's loop: in a thread, or under the gevent worker in a greenlet
    (there the signal handler runs in gevent's event loop, where starting a thread, which waits
    until it has started, is refused)."""
    from webapp import async_mode

    if async_mode() == "gevent":
        import gevent

        gevent.spawn(target)
    else:
        threading.Thread(target=target, name="graceful-stop", daemon=True).start()


def post_worker_init(worker: Any) -> None:
    """Replace the worker's SIGTERM handler (installed before this hook runs) with a drain."""
    from webapp import async_mode

    app = worker.wsgi
    drain = getattr(app, "extensions", {}).get("lab.drain")
    sio_server = getattr(app, "extensions", {}).get("lab.sio_server")
    if drain is None or sio_server is None:
        return
    started = threading.Event()

    def stop_accepting() -> None:
        # The gthread worker's loop stops accepting while it counts itself full; the loop keeps
        # serving the open connections until the drain has closed them. Its count of open
        # connections drifts below zero with websockets (seen: -145), so "full" must be lower still.
        if hasattr(worker, "worker_connections") and hasattr(worker, "method_queue"):
            worker.worker_connections = -sys.maxsize
            worker.method_queue.defer(lambda: None)  # wake the loop to notice
        elif async_mode() == "gevent":
            # The gevent worker's loop notices within a second, closes its listening servers and
            # waits for the open connections (up to graceful_timeout) before the worker exits.
            worker.alive = False

    def stop_gracefully() -> None:
        try:
            drain.shutdown(sio_server, stop_accepting=stop_accepting)
        finally:
            # gunicorn's own stop from here: the worker exits once its connections have ended
            worker.handle_exit(signal.SIGTERM, None)

    def on_term(signum: int, frame: Any) -> None:
        if started.is_set():  # a second SIGTERM: gunicorn's own stop, at once
            worker.handle_exit(signum, frame)
            return
        started.set()
        # Not in the signal handler: the worker's main thread is its event loop.
        in_background(stop_gracefully)

    signal.signal(signal.SIGTERM, on_term)
