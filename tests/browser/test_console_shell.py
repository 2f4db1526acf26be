"""The console is a small shell: a list typed in the browser runs each docker command in turn."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_a_list_runs_the_container_and_shows_the_table_and_the_token(lab):
    lab.run("docker run -d --name web nginx && docker ps")
    lab.token("web", "running")
    lab.event("start", "web")
    lab.wait_screen("CONTAINER ID")
    flat = lab.screen_text().replace("\n", "")  # the table's rows wrap in a narrow terminal
    assert '"/docker-entrypoint.…"' in flat and "80/tcp    web" in flat
    assert "&& docker ps" not in flat.partition("CONTAINER ID")[2]  # not the container's command
    lab.wait_narration("web")
    lab.run("docker stop $(docker ps -q)")
    lab.token("web", "exited")
