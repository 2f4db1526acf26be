"""Local real servers for tests, benchmarks and an operator's trial cluster.

Each launcher starts Debian's own binary (`redis-server`, `nginx`, PostgreSQL) on a free localhost
port in a temporary folder of its own, returns once the server answers, and `stop()` (or leaving its
`with` block) ends the process and removes the folder. A missing binary raises `ServiceUnavailable`,
which tests turn into a skip (or a failure when `REQUIRE_…=1`).
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence

from ..devserver import ServerError, ServerProcess, free_port

__all__ = ["ServerError", "ServerProcess", "ServiceUnavailable", "find_binary", "free_port"]


class ServiceUnavailable(RuntimeError):
    """The server's binary (or its Python client) is not installed on this machine."""


def find_binary(name: str, fallbacks: Sequence[str] = (), package: str = "") -> str:
    """`name` on PATH, else the first executable of `fallbacks` (sbin is often not on PATH)."""
    found = shutil.which(name)
    if found:
        return found
    for path in fallbacks:
        if os.access(path, os.X_OK):
            return path
    hint = f" (apt-get install {package})" if package else ""
    raise ServiceUnavailable(f"{name} is not installed{hint}")
