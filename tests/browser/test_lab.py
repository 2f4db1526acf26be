"""The sandbox page end to end: console, graph, event log and narration against the real app.

Every wait is on a DOM state (a token's data-state, an event item, the console's data-busy);
nothing sleeps for a fixed time.
"""

from __future__ import annotations

import re

import pytest

pytestmark = pytest.mark.browser

EVENT_LINE = re.compile(
    r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z container (?P<action>\S+) (?P<id>[0-9a-f]{64})"
    r"(?: \((?P<attrs>.*)\))?$"
)


def test_run_shows_a_token_ending_in_exited_and_a_die_event(lab):
    lab.run("docker run ubuntu:20.04")
    die = lab.event("die")
    name = die.get_attribute("data-container")
    assert name, "the die event names its container"
    lab.token(name, "exited")
    line = die.inner_text().strip()
    match = EVENT_LINE.match(line)
    assert match, f"not a `docker events` line: {line!r}"
    attrs = match.group("attrs").split(", ")
    assert attrs == sorted(attrs), "attributes are sorted by key"
    assert "exitCode=0" in attrs and f"name={name}" in attrs and "image=ubuntu:20.04" in attrs
    # The event log holds the whole story, in order.
    actions = lab.page.eval_on_selector_all(
        f'#event-log li[data-container="{name}"]', "els => els.map(e => e.dataset.action)"
    )
    assert actions[0] == "create" and actions.index("start") < actions.index("die")
    lab.wait_narration("Running → Exited")


def test_create_start_attach_exit_moves_through_the_lifecycle(lab):
    lab.run("docker create -it --name t1 ubuntu:20.04")
    lab.token("t1", "created")
    lab.run("docker start t1")
    lab.token("t1", "running")
    lab.wait_narration("t1: Created → Running (docker start)")
    lab.run("docker attach t1", wait=False)
    lab.wait_busy()
    status = lab.page.wait_for_selector('#console-status[data-state="attached"]')
    assert status.inner_text() == "Attached to t1 · Ctrl-P Ctrl-Q detaches"
    lab.page.keyboard.type("exit")
    lab.page.keyboard.press("Enter")
    lab.wait_idle()
    lab.token("t1", "exited")
    lab.event("die", "t1")
    lab.page.wait_for_selector('#console-status[data-state="idle"]')


def test_pause_and_unpause_move_the_token(lab):
    lab.run("docker run -d --name p1 nginx")
    lab.token("p1", "running")
    lab.run("docker pause p1")
    lab.token("p1", "paused")
    lab.event("pause", "p1")
    lab.wait_narration("p1: Running → Paused (docker pause)")
    lab.run("docker unpause p1")
    lab.token("p1", "running")
    lab.event("unpause", "p1")


def test_tab_completes_a_subcommand(lab):
    lab.type("docker sta")
    lab.page.keyboard.press("Tab")
    lab.page.wait_for_function(
        "() => document.querySelector('#console').dataset.line.startsWith('docker start')"
    )
    assert lab.line().rstrip() == "docker start"


def test_tab_lists_several_candidates(lab):
    lab.type("docker st")
    lab.page.keyboard.press("Tab")
    lab.page.wait_for_function(
        "() => /start\\s+stop/.test(document.querySelector('#console .xterm-rows').textContent)"
    )
    assert lab.line() == "docker st", "the line is kept under the list"


def test_ctrl_p_ctrl_q_detaches_and_the_container_keeps_running(lab):
    lab.run("docker run -it --name d1 ubuntu:20.04", wait=False)
    lab.wait_busy()
    lab.page.wait_for_selector('#console-status[data-state="attached"]')
    lab.token("d1", "running")
    lab.page.keyboard.press("Control+p")
    lab.page.keyboard.press("Control+q")
    lab.wait_idle()
    lab.event("detach", "d1")
    assert lab.token("d1").get_attribute("data-state") == "running"
    lab.run("docker ps")
    lab.wait_screen("d1")


def test_container_output_is_text_not_html(lab):
    lab.run("docker run --name xss ubuntu:20.04 echo '<img src=x onerror=alert(1)>'")
    lab.token("xss", "exited")
    lab.wait_screen("<img src=x onerror=alert(1)>")
    assert lab.page.locator("img").count() == 0
    assert lab.page.locator("[onerror]").count() == 0
    assert not lab.problems.dialogs


def test_names_and_attributes_are_text_in_graph_and_log(lab):
    lab.run("docker run -d --name '<b>bold</b>' nginx")  # refused by docker: an invalid name
    lab.run('docker run -d --label "x=<svg onload=alert(1)>" --name lbl nginx')
    lab.token("lbl", "running")
    item = lab.event("start", "lbl")
    assert "<svg onload=alert(1)>" in item.inner_text()
    assert lab.page.locator("#event-log svg, #event-log b, #lifecycle-graph b").count() == 0
    assert not lab.problems.dialogs


def test_clicking_an_edge_puts_its_command_on_the_console_line(lab):
    lab.run("docker run -d --name web nginx")
    lab.token("web", "running")
    lab.page.click('#lifecycle-graph [data-edge="stop"][data-from="running"] .edge-label')
    lab.page.wait_for_function(
        "() => document.querySelector('#console').dataset.line === 'docker stop web'"
    )
    lab.page.keyboard.press("Enter")  # the console has the focus: Enter runs it
    lab.token("web", "exited", timeout=30_000)


def test_edge_activates_from_the_keyboard(lab):
    lab.run("docker run -d --name kb nginx")
    lab.token("kb", "running")
    edge = lab.page.locator('#lifecycle-graph [data-edge="pause"][data-from="running"]')
    edge.focus()
    lab.page.keyboard.press("Enter")
    lab.page.wait_for_function(
        "() => document.querySelector('#console').dataset.line === 'docker pause kb'"
    )


def test_a_refused_command_flashes_the_state_it_needs(lab):
    lab.run("docker run -d --name r1 nginx")
    lab.token("r1", "running")
    lab.run("docker unpause r1")
    lab.page.wait_for_selector('#lifecycle-graph .state[data-state="paused"].state--needed')
    lab.page.wait_for_selector('#lifecycle-graph [data-container="r1"] .token-badge--bad')
    lab.wait_narration("Refused: docker unpause r1")
    assert "not paused" in lab.page.inner_text("#graph-info")


def test_a_refused_command_draws_the_missing_edge(lab):
    lab.run("docker create --name r2 ubuntu:20.04")
    lab.token("r2", "created")
    lab.run("docker pause r2")
    ghost = lab.page.wait_for_selector("#lifecycle-graph .ghost-edge", state="attached")
    assert "pause" in ghost.text_content()
    lab.page.wait_for_selector(
        '#lifecycle-graph .state[data-state="running"].state--needed', state="attached"
    )


def test_stop_counts_the_grace_period_down_to_sigkill(lab):
    lab.run("docker run -d --name s1 ubuntu:20.04 sleep 1000")
    lab.token("s1", "running")
    lab.run("docker stop -t 2 s1", wait=False)
    lab.page.wait_for_selector('[data-container="s1"] .token-grace:not(.token-grace--hidden)')
    text = lab.page.text_content('[data-container="s1"] .token-grace')
    assert text.startswith("SIGKILL in")
    lab.wait_idle()
    lab.token("s1", "exited")
    die = lab.event("die", "s1")
    assert "exitCode=137" in die.inner_text()
    kills = lab.page.eval_on_selector_all(
        '#event-log li[data-action="kill"][data-container="s1"]',
        "els => els.map(e => e.textContent)",
    )
    assert any("signal=15" in k for k in kills) and any("signal=9" in k for k in kills)


def test_history_and_line_editing(lab):
    lab.run("docker ps -a")
    lab.focus_console()
    lab.page.keyboard.press("ArrowUp")
    lab.page.wait_for_function(
        "() => document.querySelector('#console').dataset.line === 'docker ps -a'"
    )
    lab.page.keyboard.press("Control+a")
    lab.page.keyboard.press("Control+k")
    assert lab.line() == ""
    lab.page.keyboard.type("docker images")
    lab.page.keyboard.press("Control+w")
    assert lab.line() == "docker "
    lab.page.keyboard.press("Control+c")
    lab.page.wait_for_function("() => document.querySelector('#console').dataset.line === ''")
    lab.wait_screen("docker ^C")


def test_multi_line_paste_runs_each_line(lab):
    lab.focus_console()
    lab.page.evaluate(
        "() => window.lifecycleLab.console.onData('docker create --name m1 ubuntu:20.04\\r"
        "docker create --name m2 ubuntu:20.04\\r')"
    )
    lab.token("m1", "created")
    lab.token("m2", "created")


def test_rewind_and_back_to_live(lab):
    lab.run("docker run -d --name w1 nginx")
    lab.token("w1", "running")
    lab.run("docker pause w1")
    lab.token("w1", "paused")
    lab.page.click('#event-log li[data-action="create"][data-container="w1"] button')
    banner = lab.page.wait_for_selector("#time-banner:not([hidden])")
    assert "Viewing the past" in banner.inner_text()
    lab.token("w1", "created")
    lab.page.click("#back-to-live")
    lab.page.wait_for_selector("#time-banner", state="hidden")
    lab.token("w1", "paused")


def test_replay_plays_the_session_again(lab):
    lab.run("docker create --name rp ubuntu:20.04")
    lab.token("rp", "created")
    lab.page.select_option("#replay-speed", "10")
    lab.page.click("#replay")
    lab.page.wait_for_selector('#time-banner[data-kind="replay"]:not([hidden])')
    lab.page.wait_for_selector("#time-banner", state="hidden", timeout=20_000)
    lab.token("rp", "created")


def test_event_filter_by_container(lab):
    lab.run("docker create --name f1 ubuntu:20.04")
    lab.run("docker create --name f2 ubuntu:20.04")
    lab.event("create", "f2")
    lab.page.select_option("#event-filter", "f1")
    visible = lab.page.eval_on_selector_all(
        "#event-log li:not([hidden])", "els => els.map(e => e.dataset.container)"
    )
    assert visible and set(visible) == {"f1"}


def test_reload_redraws_the_graph_from_history(lab):
    lab.run("docker create --name keep ubuntu:20.04")
    lab.token("keep", "created")
    lab.page.reload()
    lab.wait_ready()
    lab.token("keep", "created")
    lab.event("create", "keep")


def test_states_explain_themselves_on_focus(lab):
    lab.run("docker create --name ex ubuntu:20.04")
    lab.token("ex", "created")
    lab.page.locator('#lifecycle-graph .state[data-state="created"]').focus()
    info = lab.page.inner_text("#graph-info")
    assert "main process never started" in info and "ex" in info
    label = lab.page.get_attribute('#lifecycle-graph .state[data-state="created"]', "aria-label")
    assert label and "ex" in label


def test_tokens_differ_by_shape_as_well_as_colour(lab):
    lab.run("docker create --name s-a ubuntu:20.04")
    lab.run("docker create --name s-b ubuntu:20.04")
    lab.token("s-b", "created")
    shapes = lab.page.eval_on_selector_all(
        "#lifecycle-graph .token", "els => els.map(e => e.getAttribute('aria-label'))"
    )
    assert len(set(shapes)) == len(shapes)
    glyphs = lab.page.eval_on_selector_all(
        "#lifecycle-graph .token .token-glyph",
        "els => els.map(e => e.tagName + (e.getAttribute('points') || ''))",
    )
    assert len(set(glyphs)) == len(glyphs), "each token has its own glyph shape"


def test_layout_side_by_side_on_a_laptop_and_stacked_when_narrow(lab):
    console = lab.page.locator(".panel--console").bounding_box()
    graph = lab.page.locator(".panel--graph").bounding_box()
    events = lab.page.locator(".panel--events").bounding_box()
    assert console["x"] + console["width"] <= graph["x"] and abs(console["y"] - graph["y"]) < 2
    assert events["y"] >= graph["y"] + graph["height"] - 1 and events["y"] < 900, (
        "events visible below"
    )
    lab.page.set_viewport_size({"width": 720, "height": 900})  # 1440 wide at 200% zoom
    console = lab.page.locator(".panel--console").bounding_box()
    graph = lab.page.locator(".panel--graph").bounding_box()
    assert graph["y"] >= console["y"] + console["height"] - 1
    assert lab.page.evaluate("document.documentElement.scrollWidth") <= 720, "no sideways scrolling"


def test_reset_forgets_every_container(lab):
    lab.run("docker create --name gone ubuntu:20.04")
    lab.token("gone", "created")
    lab.page.click("#reset-sandbox")
    lab.page.click("#reset-sandbox")  # the second click confirms
    lab.page.wait_for_selector('#lifecycle-graph [data-container="gone"]', state="detached")
    lab.page.wait_for_selector("#event-log li", state="detached")


def test_the_console_does_not_trap_the_keyboard(lab):
    lab.focus_console()
    lab.page.keyboard.press("Escape")
    lab.page.keyboard.press("Tab")
    assert lab.page.evaluate("!document.activeElement.closest('#console')")
    lab.focus_console()
    lab.page.keyboard.press("Shift+Tab")
    assert lab.page.evaluate("!document.activeElement.closest('#console')")


def test_graph_states_and_edges_are_reachable_with_the_keyboard(lab):
    lab.page.locator('#lifecycle-graph .state[data-state="created"]').focus()
    lab.page.keyboard.press("ArrowRight")
    focused = lab.page.evaluate("document.activeElement.dataset.state")
    assert focused == "running"
    assert "alive" in lab.page.inner_text("#graph-info")
    lab.page.locator('#lifecycle-graph [data-edge="create"]').focus()
    lab.page.keyboard.press("ArrowRight")
    edge = lab.page.evaluate("document.activeElement.dataset.edge")
    assert edge and lab.page.evaluate(
        "document.activeElement.getAttribute('aria-label')"
    ).startswith(edge)
    tab_stops = lab.page.eval_on_selector_all(
        "#lifecycle-graph [tabindex='0']", "els => els.map(e => e.getAttribute('class'))"
    )
    assert len(tab_stops) <= 3, "one Tab stop per group (states, edges, containers)"


def test_reduced_motion_moves_tokens_at_once(browser, server):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, reduced_motion="reduce")
    try:
        page = context.new_page()
        page.goto(f"{server}/sandbox")
        page.wait_for_selector('#console-status[data-state="idle"]')
        assert page.evaluate("window.lifecycleLab.graph.moveDuration(null)") == 0
        page.click("#console")
        page.keyboard.type("docker create --name rm1 ubuntu:20.04")
        page.keyboard.press("Enter")
        page.wait_for_selector('#lifecycle-graph [data-container="rm1"][data-state="created"]')
    finally:
        context.close()
