"""The launchers of webapp/services on their own: each answers, and leaves nothing behind; and the
operator's `lifecycle-lab cluster` command."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from webapp.devserver import ROOT, server_environ
from webapp.services import ServiceUnavailable
from webapp.services.nginx import NginxServer
from webapp.services.redis import RedisServer

from .conftest import REQUIRES, required

pytestmark = pytest.mark.scale


def launch(factory):  # type: ignore[no-untyped-def]
    try:
        return factory()
    except ServiceUnavailable as err:
        needed = [var for name, var in REQUIRES.items()
                  if name in str(err).lower() and required(var)]
        if needed:
            pytest.fail(f"{needed[0]}=1 but {err}", pytrace=False)
        pytest.skip(str(err))


def test_redis_answers_and_leaves_no_folder():
    import redis

    server = launch(RedisServer)
    folder = server.folder
    with server:
        client = redis.Redis.from_url(server.url)
        assert client.ping()
        client.close()
    assert server.proc.poll() is not None
    assert not Path(folder).exists()


def test_nginx_passes_requests_on_and_answers_502_without_a_backend():
    server = launch(lambda: NginxServer(["127.0.0.1:9"]))  # the discard port: nobody listens
    folder = server.folder
    with server:
        res = requests.get(f"{server.url}/healthz", timeout=10)
        assert res.status_code == 502
    assert server.proc.poll() is not None
    assert not folder.exists()


def test_the_cluster_command_serves_through_nginx_until_interrupted():
    launch(lambda: RedisServer().stop())  # skip early without redis-server
    launch(lambda: NginxServer(["127.0.0.1:9"]).stop())
    proc = subprocess.Popen([sys.executable, "-m", "webapp.cli", "cluster", "--processes", "2",
                             "--database", "sqlite"], cwd=ROOT, env=server_environ(),
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        assert proc.stdout is not None
        banner = ""
        deadline = time.monotonic() + 120
        while "Lifecycle Lab on" not in banner and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            banner += line
        found = re.search(r"on (http://127\.0\.0\.1:\d+)/ .*files in (\S+);", banner)
        assert found, banner
        url, folder = found.group(1), Path(found.group(2))
        http = requests.Session()
        page = http.get(f"{url}/sandbox", timeout=10)
        assert page.ok and "lab_route" in http.cookies
        assert page.headers["X-Lab-Upstream"].startswith("127.0.0.1:")
        proc.send_signal(signal.SIGINT)
        assert proc.wait(60) == 0
        assert not folder.exists()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
