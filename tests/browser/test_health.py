"""The health check on the graph: the Running token's badge (`data-health`) and the narration follow
Docker's verdicts. Every wait is on a DOM state; the simulator probes on the server's real clock."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_the_running_token_shows_its_health_from_starting_to_healthy(lab):
    lab.run('docker run -d --name doc --health-cmd "test -e /tmp/ok" --health-interval 3s '
            "--health-retries 1 ubuntu:20.04 sleep 300")
    token = lab.page.wait_for_selector('#lifecycle-graph [data-container="doc"][data-state="running"]'
                                       '[data-health="starting"]', timeout=lab.TIMEOUT)
    badge = token.query_selector(".token-health")
    assert badge is not None and badge.is_visible()
    assert badge.get_attribute("class") == "token-health token-health--starting"
    lab.page.wait_for_selector('[data-container="doc"][data-health="unhealthy"]', timeout=lab.TIMEOUT)
    lab.wait_narration("doc: unhealthy")
    lab.event("health_status: unhealthy", "doc")
    lab.run("docker exec doc touch /tmp/ok")
    token = lab.page.wait_for_selector('[data-container="doc"][data-health="healthy"]',
                                       timeout=lab.TIMEOUT)
    assert token.query_selector(".token-health--healthy").text_content() == "✓healthy: its health check passes"
    lab.wait_narration("doc: healthy")
    lab.run("docker stop -t 0 doc")
    token = lab.token("doc", "exited")
    assert not token.query_selector(".token-health").is_visible()  # Docker shows health on Up only
    lab.run("docker start doc")
    lab.page.wait_for_selector('[data-container="doc"][data-state="running"][data-health="starting"]',
                               timeout=lab.TIMEOUT)
