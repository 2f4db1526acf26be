"""The lab in Korean end to end: the graph's state names, the narration, the console's own words.

A lesson page opened with `?lang=ko`; a container started from the console. Every wait is on a DOM
state (a token's data-state, the narration's text, the terminal's text); the stable hooks
(data-state, data-edge) stay in English while the words a learner reads are Korean. Expected words
come from webapp/ui_text.py, not from copies.
"""

from __future__ import annotations

import pytest

from webapp.ui_text import strings

pytestmark = pytest.mark.browser

EN = strings("en")
KO = strings("ko")


def test_a_lesson_page_in_korean_names_states_and_narrates_in_korean(lab):
    page = lab.page
    page.goto(f"{lab.base}/lessons/lifecycle?lang=ko")
    lab.wait_ready()
    assert page.get_attribute("html", "lang") == "ko"

    # The graph: Korean state names, Docker's own word beside them; the hooks unchanged.
    running = '#lifecycle-graph .state[data-state="running"]'
    assert page.text_content(f"{running} .state-label") == KO["state_running"] + "Running"
    assert page.text_content(f"{running} .state-label-docker") == "Running"
    assert KO["state_running"] in page.get_attribute(running, "aria-label")
    assert page.text_content('#lifecycle-graph .state[data-state="removed"] .state-label') == (
        KO["state_removed"]
    )
    assert page.text_content('#lifecycle-graph [data-edge="stop"] text') == "stop"  # a command
    event_edge = page.text_content('#lifecycle-graph [data-edge="remove failed"] text')
    assert event_edge == KO["edge_remove_failed"]

    # The console greets in Korean.
    lab.wait_screen("Lifecycle Lab 콘솔")

    lab.run("docker run -d --name web httpd")
    lab.token("web", "running")
    lab.event("start", "web")
    lab.wait_narration(
        KO["narrate_move"].format(name="web", **{"from": KO["state_image"]},
                                  to=KO["state_running"], cause="docker run")
    )
    narration = page.text_content("#narration")
    assert "상태가 되었습니다" in narration and "Running →" not in narration
    token = page.get_attribute('#lifecycle-graph [data-container="web"]', "aria-label")
    assert token.startswith("컨테이너 web") and f"{KO['state_running']} (Running)" in token

    # The state's explanation in Korean, with what `docker ps` calls it.
    page.locator(running).focus()
    info = page.inner_text("#graph-info")
    assert KO["state_running_about"] in info and "“running”" in info and "web" in info

    # `help` is the console's own: Korean. Docker's answers stay Docker's.
    lab.run("help")
    lab.wait_screen("콘솔 전용 명령")
    lab.run("docker stop nosuch")
    lab.wait_screen("No such container: nosuch")

    # A refused command is explained in Korean.
    lab.run("docker unpause web")
    lab.wait_narration("거부됨: docker unpause web")
    assert KO["refused_title"] in page.inner_text("#graph-info")
