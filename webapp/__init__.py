"""Lifecycle Lab: the Flask app factory.

Extensions are created unbound here and bound in `create_app`, so tests build as many apps as they
like with their own settings. Flask-SocketIO keeps the *last* bound server on its one module-level
object, so one process serves one app at a time (tests create them one after another).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask import Flask, Response
from flask_compress import Compress
from flask_socketio import SocketIO

from .config import PROJECT_ROOT, instance_secret_key, load_config

socketio = SocketIO()
compress = Compress()


def async_mode() -> str:
    """"gevent" in a process whose standard library gevent has patched (gunicorn's `-k gevent`
    worker does so before it loads the app), else "threading" (the development server, tests).

    The app's own threads (the sandbox clocks, the reaper, the Redis bus, the docker SDK's reads)
    use the standard library, so they become greenlets with it; Flask-SocketIO must then be in
    gevent mode too, and in threading mode otherwise.
    """
    import sys

    monkey = sys.modules.get("gevent.monkey")
    if monkey is not None and monkey.is_module_patched("socket"):
        return "gevent"
    return "threading"

CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' ws: wss:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}


def create_app(config: dict[str, Any] | None = None) -> Flask:
    """Build the app: settings from `LAB_*` variables, then `config` (tests), then the sandboxes."""
    from . import classroom, message_limit
    from .db import Database
    from .drain import Drain
    from .engines import choose_engines
    from .lessons import LESSONS_DIR
    from .live import LabNamespace
    from .outbox import install_after_ack
    from .session import SandboxManager
    from .store import Store
    from .views import bp

    settings = load_config(config)
    instance = Path(settings["LAB_INSTANCE"] or PROJECT_ROOT / "instance")
    app = Flask(__name__, instance_path=str(instance.resolve()),
                template_folder=str(PROJECT_ROOT / "templates"),
                static_folder=str(PROJECT_ROOT / "static"))
    app.config.update(
        SESSION_COOKIE_NAME="lab_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        PERMANENT_SESSION_LIFETIME=30 * 24 * 3600,
    )
    app.config.update(settings)
    app.config["SECRET_KEY"] = (settings.get("SECRET_KEY") or settings["LAB_SECRET_KEY"]
                                or instance_secret_key(instance))
    db = settings["LAB_DB"] or str(instance / "lab.db")
    app.config["LAB_DB"] = db

    catalog = load_catalog(settings["LAB_LESSONS"] or LESSONS_DIR)
    app.extensions["lab.lessons"] = catalog

    # refused, or migrated to this build's schema, before serving
    database = Database.open(db, pool_size=max(1, settings["LAB_DB_POOL"]))
    store = Store(database)
    try:  # LAB_ENGINE=docker: the daemon must answer (or LAB_FALLBACK=sim); orphans are removed
        engines = choose_engines(settings, store)
    except Exception:
        database.dispose()
        raise
    app.config["LAB_ENGINE"] = engines.name
    app.config["LAB_ENGINE_LABEL"] = engines.label  # "docker", "sim", or "sim (fallback)"
    app.extensions["lab.engines"] = engines
    manager = SandboxManager(
        store, clock=settings["LAB_CLOCK"], idle_seconds=settings["LAB_IDLE_SECONDS"],
        max_sandboxes=settings["LAB_MAX_SANDBOXES"], max_log=settings["LAB_MAX_LOG"],
        rate=settings["LAB_RATE"], engines=engines, evict_seconds=settings["LAB_EVICT_SECONDS"])
    app.extensions["lab"] = manager
    app.extensions["lab.store"] = store
    app.extensions["lab.db"] = database

    if settings["LAB_PROXIES"]:  # behind nginx: the client's address, not the proxy's (rate limits)
        from werkzeug.middleware.proxy_fix import ProxyFix

        proxies = int(settings["LAB_PROXIES"])
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=proxies, x_proto=proxies)  # type: ignore[method-assign]
    app.register_blueprint(bp)
    app.after_request(_security_headers)
    # Pages, our JS/CSS and the npm files leave compressed (xterm.js: 337 KB, 88 KB gzipped).
    # Files are streamed responses: gzip joins the streaming encodings (clients and proxies that
    # offer only gzip exist), and conditional requests are evaluated against the encoded ETag on
    # both file routes so a revalidation still ends in 304.
    app.config.setdefault("COMPRESS_ALGORITHM_STREAMING", ["zstd", "br", "gzip", "deflate"])
    app.config.setdefault("COMPRESS_STREAMING_ENDPOINT_CONDITIONAL", ["static", "views.vendor"])
    compress.init_app(app)

    # Processes share rooms (classes) through a message queue; without one, this process is alone.
    socketio.server_options.pop("client_manager", None)  # not the queue of an earlier app (tests)
    socketio.init_app(app, async_mode=async_mode(), message_queue=settings["LAB_MESSAGE_QUEUE"],
                      channel="lifecycle-lab", max_http_buffer_size=message_bound(settings))
    message_limit.install(app, socketio.server)  # an oversized message gets an `error`, not a hang-up
    lab = LabNamespace(manager, app.config, lessons=catalog)
    drain = Drain()  # graceful stop (SIGTERM): see webapp/drain.py
    install_after_ack(socketio.server)  # a console's held messages go out after its ack
    drain.install(socketio.server)
    app.wsgi_app = drain.wsgi(app.wsgi_app)  # type: ignore[method-assign]
    lab.drain = drain
    app.extensions["lab.drain"] = drain
    socketio.on_namespace(lab)
    app.extensions["lab.namespace"] = lab
    classroom.init_app(app, socketio, manager, lab, catalog)
    app.extensions["lab.sio_server"] = socketio.server
    manager.start_reaper(settings["LAB_REAP_INTERVAL"])
    return app


def message_bound(settings: dict[str, Any]) -> int:
    """The largest Socket.IO message read whole. Anything over `LAB_MAX_PAYLOAD` is refused by the
    namespaces anyway; a larger message is read and thrown away, and answered (message_limit).
    A workspace file is the exception: `file_write` carries up to a whole file's text."""
    from .live import FILE_MESSAGE_CHARS

    return max(64 * 1024, 8 * int(settings["LAB_MAX_PAYLOAD"]), FILE_MESSAGE_CHARS)


_CATALOGS: dict[tuple[str, tuple[tuple[str, int], ...]], Any] = {}


def load_catalog(folder: str | Path) -> Any:
    """The lessons under `folder`, validated (a problem is a ConfigError); cached while unchanged."""
    from .config import ConfigError
    from .lessons import Catalog, LessonError, load_lessons

    root = Path(folder)
    files = sorted(root.glob("*/*")) if root.is_dir() else []
    key = (str(root.resolve()), tuple((str(f), f.stat().st_mtime_ns) for f in files if f.is_file()))
    catalog = _CATALOGS.get(key)
    if catalog is None:
        try:
            catalog = Catalog(load_lessons(root))
        except LessonError as err:
            raise ConfigError("the lessons have problems:\n  " + "\n  ".join(err.errors)) from None
        _CATALOGS.clear()
        _CATALOGS[key] = catalog
    return catalog


def close_app(app: Flask) -> None:
    """Stop the reaper and every sandbox clock and close the database (logs stay for a restart)."""
    app.extensions["lab"].close()
    app.extensions["lab.store"].close()
    engines = app.extensions.get("lab.engines")
    if engines is not None:
        engines.close()
    hub = app.extensions.get("lab.classroom")
    if hub is not None:
        hub.close()
    app.extensions["lab.db"].dispose()


def _security_headers(response: Response) -> Response:
    for name, value in SECURITY_HEADERS.items():
        response.headers.setdefault(name, value)
    return response
