"""Fixtures for the conformance suite: the look-alike images, built once per session."""

from __future__ import annotations

import subprocess
import time

import pytest

from webapp.conformance.lookalike import build_all
from webapp.conformance.scenario import version_tuple


@pytest.fixture(scope="session")
def lookalike_images(require_docker: str) -> str:
    """Build (or confirm up to date) the look-alike of every catalogue image on the daemon."""
    started = time.monotonic()
    lines: list[str] = []
    build_all(require_docker, log=lines.append)
    print(f"\nlook-alike images ready in {time.monotonic() - started:.1f} s "
          f"({sum(line.startswith('built') for line in lines)} built)")
    return require_docker


@pytest.fixture(scope="session")
def docker_client_version(require_docker: str) -> tuple[int, ...]:
    proc = subprocess.run([require_docker, "version", "--format", "{{.Client.Version}}"],
                          capture_output=True, text=True, timeout=30, check=False)
    return version_tuple(proc.stdout.strip())
