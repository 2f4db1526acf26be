"""Classes: an instructor's console mirrored to learners, and a dashboard of the learners' sandboxes.

`model` holds the classes, learners and stores (no Flask), `hub` ties the `/lab` consoles to classes,
`live` is the `/class` Socket.IO namespace and `views` the pages; `init_app` wires them to an app.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # imported when an app is built: `webapp.classroom.model` stays light to import
    from flask import Flask

    from ..session import SandboxManager
    from .hub import ClassHub


def init_app(app: Flask, socketio: Any, manager: SandboxManager, lab: Any, catalog: Any) -> ClassHub:
    """Build the class store, bus and hub for `app`; register `/class` and the pages; the hub hears `lab`."""
    from ..config import ConfigError
    from .hub import ClassHub
    from .live import ClassNamespace
    from .model import (
        ClassStore,
        LocalBus,
        RedisBus,
        SQLClassStore,
        StuckRule,
        is_redis_url,
    )
    from .start_limit import StartLimit
    from .views import bp

    settings = app.config
    url = settings.get("LAB_MESSAGE_QUEUE") or None
    # the lab's own database (the app's, when it opened one); Redis only carries messages
    store: ClassStore = SQLClassStore(app.extensions.get("lab.db") or settings["LAB_DB"])
    bus = RedisBus(url) if is_redis_url(url) else LocalBus()
    seconds, errors = settings.get("LAB_CLASS_STUCK_SECONDS"), settings.get("LAB_CLASS_STUCK_ERRORS")
    rule = StuckRule(seconds=300.0 if seconds is None else float(seconds),
                     errors=3 if errors is None else max(1, int(errors)))

    def emit(event: str, data: Any, *, to: str, namespace: str) -> None:
        socketio.server.emit(event, data, to=to, namespace=namespace)

    hub = ClassHub(store, bus, manager, lab, catalog, emit, rule)
    hub.listen(lab)
    # A class member's console opens their sandbox as it connects, so the dashboard sees them.
    lab.open_at_connect.append(lambda sandbox_id: store.membership(sandbox_id) is not None)
    socketio.on_namespace(ClassNamespace(hub, settings))
    app.extensions["lab.classroom"] = hub
    try:
        app.extensions["lab.class_starts"] = StartLimit(settings["LAB_CLASS_RATE"])
    except ValueError:
        raise ConfigError(f"LAB_CLASS_RATE={settings['LAB_CLASS_RATE']!r}: expected limits such as "
                          "10/minute;30/hour") from None
    app.register_blueprint(bp)
    return hub
