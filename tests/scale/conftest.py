"""The scale tests start a whole local cluster (webapp/services): PostgreSQL, Redis, nginx and app
processes. Without one of those on this machine they skip, unless the matching REQUIRE_…=1 says the
machine must have it (CI sets them)."""

from __future__ import annotations

import os

import pytest

from webapp.services import ServiceUnavailable
from webapp.services.cluster import Cluster

REQUIRES = {"nginx": "REQUIRE_NGINX", "redis": "REQUIRE_REDIS", "postgres": "REQUIRE_POSTGRES"}


def required(variable: str) -> bool:
    return os.environ.get(variable, "").strip().lower() not in ("", "0", "false", "no")


def start_cluster(**options: object) -> Cluster:
    """A cluster, or a skip naming what is missing (a failure when REQUIRE_… asks for it).

    PostgreSQL when this build can start it (else one shared SQLite file), unless REQUIRE_POSTGRES=1
    insists on it."""
    database = "postgres" if required("REQUIRE_POSTGRES") else "auto"
    try:
        return Cluster(database=database, **options)  # type: ignore[arg-type]
    except ServiceUnavailable as err:
        needed = [var for name, var in REQUIRES.items()
                  if name in str(err).lower() and required(var)]
        if needed:
            pytest.fail(f"{needed[0]}=1 but {err}", pytrace=False)
        pytest.skip(str(err))

