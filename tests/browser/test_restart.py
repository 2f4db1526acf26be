"""The page across a graceful restart of its server (SIGTERM, then the server started again).

The command in flight finishes; a line typed meanwhile is refused with a retry ack and runs once,
after the page has reconnected; a page opened while the server drains is turned away (503) and
connects once the server is back. A real server process (the development server, which keeps
accepting while it drains, so the 503 is what the new page meets) and a real browser.
"""

from __future__ import annotations

import re
import signal
from pathlib import Path

import pytest

from webapp.devserver import AppServer

from .conftest import Lab
from .test_classroom import person

pytestmark = pytest.mark.browser

SECRET = "restart-secret"  # the session cookie stays valid across the restart
READY = '#console-status[data-state="idle"]'


def test_a_line_typed_during_a_graceful_restart_runs_once_after_the_reconnect(browser, tmp_path: Path):
    env = {"LAB_ENGINE": "sim", "LAB_SECRET_KEY": SECRET}
    server = AppServer(folder=tmp_path, env=env)
    again = None
    try:
        with person(browser, f"{server.url}/sandbox", READY) as bob, \
                person(browser, f"{server.url}/sandbox", READY) as ada:
            bob.wait_ready()
            ada.wait_ready()
            bob.run("docker run --name sleeper busybox sleep 3", wait=False)  # in flight
            bob.wait_busy()
            server.proc.send_signal(signal.SIGTERM)
            server.wait_until(lambda: "graceful stop:" in server.output(), timeout=15,
                              what="draining")
            # Ada's line reaches a server that is stopping: refused for now, not run.
            ada.run("docker run -d --name late busybox sleep 1000", wait=False)
            # A page opened now is turned away: the server takes no new connection.
            newcomer = ada.page.context.new_page()
            newcomer.goto(f"{server.url}/sandbox")
            newcomer.wait_for_function(  # (not the "Connecting…" it starts with)
                "() => document.querySelector('#console-status').textContent.includes('reconnecting')",
                timeout=Lab.TIMEOUT)
            assert server.proc.wait(15) == 0  # Bob's command finished; the server went
            output = server.output()
            assert "'in_flight_finished': True" in output
            refused = re.search(r"'handshakes_refused': (\d+)", output)
            assert refused and int(refused.group(1)) >= 1, output[-2000:]
            ada.page.wait_for_selector('#console-status[data-state="offline"]', timeout=Lab.TIMEOUT)
            assert not ada.page.query_selector('#lifecycle-graph [data-container="late"]')

            again = AppServer(folder=tmp_path, env=env, port=server.port)  # the same address
            ada.token("late", "running", timeout=30_000)  # sent again once reconnected
            ada.wait_idle()
            ada.run("docker ps -a --format '{{.Names}}: {{.Status}}'")
            ada.wait_screen("late: Up")
            screen = ada.screen_text()
            assert "Conflict" not in screen and "server restarting" not in screen, screen
            assert screen.count("late: Up") == 1
            bob.token("sleeper", "exited")  # finished, not cut short
            bob.wait_screen("$ docker run --name sleeper busybox sleep 3")
            # The page opened during the drain connected once the server was back.
            newcomer.wait_for_selector(READY, timeout=30_000)
            assert newcomer.get_attribute("#conn-status", "data-state") == "online"
            newcomer.close()
    finally:
        server.stop()
        if again is not None:
            again.stop()
