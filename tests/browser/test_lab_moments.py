"""The lab page when things happen out of step: events while the graph shows the past, an arrow
clicked with nothing to act on, a command put on the line, a server with no room left."""

from __future__ import annotations

import pytest

from webapp.devserver import AppServer

from .conftest import Lab
from .test_classroom import person

pytestmark = pytest.mark.browser


def banner(lab: Lab) -> str:
    return lab.page.inner_text("#time-banner-text")


def test_events_that_arrive_while_viewing_the_past_are_counted_and_shown_on_return(lab):
    lab.run("docker run -d --name w1 nginx")
    lab.token("w1", "running")
    lab.page.click('#event-log li[data-action="create"][data-container="w1"] button')
    lab.page.wait_for_selector("#time-banner:not([hidden])")
    lab.token("w1", "created")
    assert "new event" not in banner(lab)

    lab.run("docker pause w1")  # the present moves on; the graph keeps showing the past
    lab.page.wait_for_selector('#time-banner[data-new-events="1"]', timeout=Lab.TIMEOUT)
    assert "1 new event since" in banner(lab) and "back to live" in banner(lab)
    lab.wait_narration("New events are arriving while you look at the past")
    lab.token("w1", "created")
    lab.run("docker run -d --name w2 nginx")  # create and start: two more
    lab.page.wait_for_selector('#time-banner[data-new-events="3"]', timeout=Lab.TIMEOUT)
    assert "3 new events since" in banner(lab)
    assert "of 5" in banner(lab)  # the count of events in the banner follows too
    assert lab.page.locator('#lifecycle-graph [data-container="w2"]').count() == 0

    lab.page.click("#back-to-live")
    lab.page.wait_for_selector("#time-banner", state="hidden")
    lab.token("w1", "paused")  # the present, with what happened meanwhile
    lab.token("w2", "running")
    assert lab.page.get_attribute("#time-banner", "data-new-events") == "0"


def test_an_arrow_with_no_container_to_act_on_explains_instead_of_typing(lab):
    lab.page.click('#lifecycle-graph [data-edge="pause"][data-from="running"] .edge-label')
    info = "#graph-info"
    lab.page.wait_for_function(
        "() => document.querySelector('#graph-info').textContent.includes('No container is Running')")
    text = lab.page.inner_text(info)
    assert "nothing to pause" in text and "docker run" in text and "docker start" in text
    lab.wait_narration("No container is Running")
    assert lab.line() == ""
    lab.type("docker ps")  # what the learner types is the whole line
    assert lab.line() == "docker ps"


def test_an_arrow_picks_a_container_where_it_starts(lab):
    lab.run("docker run -d --name web nginx")
    lab.token("web", "running")
    lab.run("docker create --name fresh nginx")  # now selected, but it is Created
    lab.token("fresh", "created")
    lab.page.click('#lifecycle-graph [data-edge="pause"][data-from="running"] .edge-label')
    lab.page.wait_for_function("() => document.querySelector('#console').dataset.line === "
                               "'docker pause web'")
    assert lab.page.input_value("#container-select") == "web"


def test_a_command_put_on_the_line_is_replaced_by_what_is_typed(lab):
    lab.run("docker run -d --name web nginx")
    lab.token("web", "running")
    stop = '#lifecycle-graph [data-edge="stop"][data-from="running"] .edge-label'
    lab.page.click(stop)
    lab.page.wait_for_selector('#console[data-line="docker stop web"][data-suggested="true"]')
    assert "type to replace it" in lab.page.inner_text("#graph-info")
    lab.page.keyboard.type("docker ps")  # the console has the focus
    assert lab.line() == "docker ps"
    assert lab.page.get_attribute("#console", "data-suggested") == "false"

    lab.page.click(stop)  # an arrow key keeps it, to edit
    lab.page.wait_for_selector('#console[data-line="docker stop web"][data-suggested="true"]')
    lab.page.keyboard.press("ArrowLeft")
    lab.page.keyboard.type("x")
    assert lab.line() == "docker stop wexb"

    lab.page.click(stop)  # Backspace clears it
    lab.page.wait_for_selector('#console[data-line="docker stop web"][data-suggested="true"]')
    lab.page.keyboard.press("Backspace")
    assert lab.line() == ""

    lab.page.click(stop)  # Enter runs it as it stands
    lab.page.wait_for_selector('#console[data-line="docker stop web"][data-suggested="true"]')
    lab.page.keyboard.press("Enter")
    lab.token("web", "exited", timeout=30_000)


def test_the_korean_page_explains_an_arrow_in_korean(lab):
    lab.page.goto(f"{lab.base}/sandbox?lang=ko")
    lab.wait_ready()
    lab.page.click('#lifecycle-graph [data-edge="unpause"][data-from="paused"] .edge-label')
    lab.page.wait_for_function(
        "() => document.querySelector('#graph-info').textContent.includes('상태인 컨테이너가 없어서')")
    assert "docker pause" in lab.page.inner_text("#graph-info")
    assert lab.line() == ""


def test_a_full_server_says_so_on_the_page(browser, tmp_path):
    env = {"LAB_ENGINE": "sim", "LAB_MAX_SANDBOXES": "1"}
    ready = '#console-status[data-state="idle"]'
    with AppServer(folder=tmp_path, env=env) as server, \
            person(browser, f"{server.url}/sandbox", ready) as first, \
            person(browser, f"{server.url}/sandbox", ready) as second:
        first.wait_ready()
        second.wait_ready()
        first.run("docker run -d --name web nginx")  # the one sandbox, in use
        first.token("web", "running")
        second.run("docker ps")
        second.page.wait_for_selector('#console-status[data-state="full"]', timeout=Lab.TIMEOUT)
        assert "server is full" in second.page.inner_text("#console-status")
        assert "server is full" in second.page.inner_text("#toasts")
        assert second.page.get_attribute("#conn-status", "data-state") == "online"


def test_a_learner_refused_at_connect_by_a_full_server_is_told_and_not_left_offline(browser, tmp_path):
    env = {"LAB_ENGINE": "sim", "LAB_MAX_SANDBOXES": "1"}
    ready = '#console-status[data-state="idle"]'
    with AppServer(folder=tmp_path, env=env) as server, \
            person(browser, f"{server.url}/sandbox", ready) as ada:
        ada.wait_ready()
        ada.run("docker run -d --name web nginx")
        ada.token("web", "running")
        context = ada.page.context
        ada.page.close()  # ada leaves; her sandbox is kept (and may leave memory)
        with person(browser, f"{server.url}/sandbox", ready) as bob:
            bob.run("docker ps")  # takes the one place: ada's sandbox leaves memory
            bob.wait_idle()
            page = context.new_page()  # ada comes back while bob works
            page.goto(f"{server.url}/sandbox")
            page.wait_for_selector('#console-status[data-state="full"]', timeout=Lab.TIMEOUT)
            status = page.inner_text("#console-status")
            assert "Server full" in status and "trying again in" in status
            page.wait_for_function(
                "() => document.querySelector('#console .xterm-rows').textContent"
                ".includes('The server is full right now')", timeout=Lab.TIMEOUT)
            assert "reconnecting" not in status
