"""Settings from `LAB_*` environment variables, with `create_app(config)` overrides for tests.

All knobs live here, parsed and checked once at startup, so a typo in the environment fails loudly
before the server accepts a learner instead of misbehaving later.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from pathlib import Path
from typing import Any

# name: (parser, default). Defaults of None are filled in from the instance folder by `load_config`.
_SETTINGS: dict[str, tuple[type, Any]] = {
    "LAB_ENGINE": (str, "sim"),  # sim | docker (a real daemon: DOCKER_HOST or the default socket)
    "LAB_CLOCK": (str, "real"),  # real | virtual (tests drive time themselves)
    "LAB_DB": (str, None),  # the database: a SQLite path or a postgresql:// URL (webapp/db.py)
    "LAB_DB_POOL": (int, 10),  # PostgreSQL: connections a process keeps open (as many again in
    # bursts): processes x 2 x this must stay under the server's max_connections (100 by default)
    "LAB_INSTANCE": (str, None),  # instance folder (secret key, default database)
    "LAB_SECRET_KEY": (str, None),  # signs the session cookie; else a key kept in the instance folder
    "LAB_IDLE_SECONDS": (float, 3600.0),  # a sandbox nobody used for this long is removed
    "LAB_EVICT_SECONDS": (float, 300.0),  # a sandbox with no console open and idle this long
    # leaves memory; it stays in the database and is rebuilt from its log when used again
    "LAB_REAP_INTERVAL": (float, 60.0),  # how often the reaper looks (0: no reaper thread)
    "LAB_MAX_LINE": (int, 4096),  # longest console line accepted
    "LAB_MAX_PAYLOAD": (int, 8192),  # largest Socket.IO payload accepted (characters of JSON)
    "LAB_RATE": (float, 20.0),  # console commands per second per learner
    "LAB_MAX_SANDBOXES": (int, 200),  # sandboxes held in memory at once
    "LAB_MAX_LOG": (int, 20_000),  # log entries (commands and keystrokes) per sandbox
    "LAB_NODE_MODULES": (str, None),  # where npm put the front-end packages
    "LAB_LESSONS": (str, None),  # the lessons folder (default: lessons/ in the project)
    "LAB_FALLBACK": (str, ""),  # "sim": with LAB_ENGINE=docker and no daemon, serve the simulator
    "LAB_DOCKER_IMAGES": (str, None),  # docker engine: allowed images, comma-separated (default: all
    # of the catalogue)
    "LAB_DOCKER_MAX_CONTAINERS": (int, 20),  # docker engine: containers per learner
    "LAB_DOCKER_SUBNETS": (str, "10.213.0.0/16"),  # docker engine: pool of the learners' networks
    "LAB_MESSAGE_QUEUE": (str, None),  # redis://host:port/0: processes share classes and rooms
    "LAB_CLASS_STUCK_SECONDS": (float, 300.0),  # a learner in a lesson with no step done this long
    "LAB_CLASS_STUCK_ERRORS": (int, 3),  # ... or this many failed commands in a row: stuck
    "LAB_CLASS_RATE": (str, "10/minute;30/hour"),  # classes one client address may start
    "LAB_PROXIES": (int, 0),  # reverse proxies in front (nginx: 1) whose X-Forwarded-For/-Proto
    # name the client; 0 trusts no such header
}

ENGINES = ("sim", "docker")
CLOCKS = ("real", "virtual")
PROJECT_ROOT = Path(__file__).resolve().parent.parent


class ConfigError(ValueError):
    """A setting is malformed or names something this build cannot do."""


def _parse(name: str, raw: Any) -> Any:
    kind, _ = _SETTINGS[name]
    if raw is None:
        return None
    try:
        value = kind(raw)
    except (TypeError, ValueError):
        raise ConfigError(f"{name}={raw!r}: expected a {kind.__name__}") from None
    if kind in (int, float) and value < 0:
        raise ConfigError(f"{name}={raw!r}: must not be negative")
    return value


def load_config(overrides: Mapping[str, Any] | None = None,
                environ: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Defaults, then `LAB_*` environment variables, then `overrides` (non-LAB keys pass through)."""
    environ = os.environ if environ is None else environ
    overrides = dict(overrides or {})
    config: dict[str, Any] = {}
    for name, (_, default) in _SETTINGS.items():
        raw = overrides.get(name, environ.get(name, default))
        config[name] = _parse(name, raw)
    for key, value in overrides.items():
        if key not in _SETTINGS:
            config[key] = value
    if config["LAB_ENGINE"] not in ENGINES:
        raise ConfigError(f"LAB_ENGINE={config['LAB_ENGINE']!r}: expected one of {', '.join(ENGINES)}")
    if config["LAB_ENGINE"] == "docker" and config["LAB_CLOCK"] != "real":
        raise ConfigError("LAB_ENGINE=docker runs on real time: LAB_CLOCK must be real")
    if (config["LAB_FALLBACK"] or "").strip().lower() not in ("", "sim"):
        raise ConfigError(f"LAB_FALLBACK={config['LAB_FALLBACK']!r}: expected sim (or nothing)")
    if config["LAB_CLOCK"] not in CLOCKS:
        raise ConfigError(f"LAB_CLOCK={config['LAB_CLOCK']!r}: expected one of {', '.join(CLOCKS)}")
    for name in ("LAB_RATE", "LAB_MAX_LINE", "LAB_MAX_PAYLOAD", "LAB_MAX_SANDBOXES", "LAB_MAX_LOG"):
        if not config[name]:
            raise ConfigError(f"{name} must be positive")
    if config["LAB_NODE_MODULES"] is None:
        config["LAB_NODE_MODULES"] = str(PROJECT_ROOT / "node_modules")
    return config


def instance_secret_key(instance: Path) -> str:
    """A random key kept in the instance folder, so session cookies survive a server restart."""
    path = instance / "secret_key"
    try:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
    except FileNotFoundError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first
        return path.read_text(encoding="ascii").strip()
    try:
        os.write(fd, key.encode("ascii"))
    finally:
        os.close(fd)
    return key
