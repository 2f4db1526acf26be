"""The lifecycle table is the one definition the simulator, graph and lessons share."""

import pytest

from webapp.engine import lifecycle


def test_every_transition_joins_known_states():
    for t in lifecycle.TRANSITIONS:
        assert t.dst in lifecycle.STATE_IDS
        assert t.src is None or t.src in lifecycle.STATE_IDS


def test_states_are_the_documented_ones():
    assert lifecycle.STATE_IDS == (
        "image", "created", "running", "paused", "restarting", "exited", "dead", "removed")


@pytest.mark.parametrize(("edge", "src", "dst"), [
    ("start", "created", "running"),
    ("die", "running", "exited"),
    ("pause", "running", "paused"),
    ("unpause", "paused", "running"),
    ("rm", "exited", "removed"),
    ("stop", "restarting", "exited"),
])
def test_known_moves(edge, src, dst):
    assert lifecycle.transition(edge, src).dst == dst


@pytest.mark.parametrize(("edge", "src"), [
    ("unpause", "exited"), ("pause", "exited"), ("start", "paused"), ("rm", "running"), ("die", "created"),
])
def test_moves_the_table_lacks_are_refused(edge, src):
    with pytest.raises(lifecycle.IllegalTransition):
        lifecycle.transition(edge, src)


def test_die_has_two_targets_chosen_explicitly():
    assert lifecycle.transition("die", "running", "restarting").dst == "restarting"
    assert lifecycle.transition("die", "running", "exited").dst == "exited"


def test_json_export_lists_every_edge():
    data = lifecycle.as_json()
    assert len(data["transitions"]) == len(lifecycle.TRANSITIONS)
    assert {s["id"] for s in data["states"]} == set(lifecycle.STATE_IDS)


def test_edges_from_running_offer_stop_kill_pause():
    edges = {t.edge for t in lifecycle.edges_from("running")}
    assert {"stop", "kill", "pause", "restart", "rm -f", "die"} <= edges
