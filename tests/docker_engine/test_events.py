"""The learner's events come from the daemon's event stream: filtered, shown bare, and complete
across a broken stream (re-opened from the last event: nothing lost, nothing twice)."""

from __future__ import annotations

import json
import time

import pytest

from webapp.engine.docker.events import nano_to_since

pytestmark = pytest.mark.docker


def _until(condition, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def _daemon_record(engine, since: int) -> list[tuple[int, str, str]]:
    """The daemon's own record of the sandbox's container events since `since` (ns)."""
    response = engine.conn.request(
        "GET", "/events", params={"since": nano_to_since(since),
                                  "until": nano_to_since(time.time_ns()),
                                  "filters": engine.scope.filters({"type": ["container"]})},
        stream=True, timeout=10)
    events = [json.loads(line) for line in response.iter_lines() if line.strip()]
    response.close()
    return [(e["timeNano"], e["Action"], e["Actor"]["ID"]) for e in events]


def test_events_are_the_daemon_s_own_filtered_and_shown_bare(make_engine) -> None:
    engine, other = make_engine(), make_engine()
    seen = []
    engine.subscribe(seen.append)
    other.run("docker run --name noise ubuntu:20.04 true")
    engine.run("docker run --name hello ubuntu:20.04 sh -c 'exit 3'")
    engine.settle()
    assert [(e.action, e.name, e.attributes.get("exitCode")) for e in seen] == [
        ("create", "hello", None), ("attach", "hello", None), ("start", "hello", None),
        ("die", "hello", "3")]
    assert list(engine.history) == seen
    assert all("lifecycle-lab.session" not in e.attributes for e in seen)
    assert seen[0].to_dict()["Actor"]["Attributes"]["image"] == "ubuntu:20.04"
    assert seen[-1].time_nano > seen[0].time_nano


def test_a_broken_event_stream_is_reopened_without_loss_or_duplicates(make_engine) -> None:
    engine = make_engine()
    started = time.time_ns() - 1_000_000_000
    assert engine.run("docker run -d --name ev ubuntu:20.04 sleep 100").exit_code == 0
    engine.settle(0.2)
    assert [e.action for e in engine.history] == ["create", "start"]
    opens = engine.feed.opens

    # The stream breaks and stays down while the container lives on.
    engine.feed.hold.set()
    engine.feed.break_stream()
    assert _until(lambda: not engine.feed.connected.is_set())
    for line in ("docker pause ev", "docker unpause ev", "docker kill ev", "docker start ev",
                 "docker rename ev ev2", "docker exec ev2 true"):
        assert engine.run(line).exit_code == 0, line
    time.sleep(0.3)
    assert [e.action for e in engine.history] == ["create", "start"]  # really missed, so far

    engine.feed.hold.clear()  # re-opened with `since` just before the last event delivered
    assert _until(lambda: engine.feed.opens > opens and engine.feed.connected.is_set())
    assert _until(lambda: len(engine.history) >= 11)
    engine.settle(0.2)
    ours = [(e.time_nano, e.action, e.actor_id) for e in engine.history]
    assert ours == _daemon_record(engine, started)
    assert len(set(ours)) == len(ours)
    assert [e.action.split(":")[0] for e in engine.history] == [
        "create", "start", "pause", "unpause", "kill", "die", "start", "rename", "exec_create",
        "exec_start", "exec_die"]
    assert engine.history[7].attributes["name"] == "ev2"
    assert engine.history[7].attributes["oldName"] == "/ev"

    # Broken again with nothing missed: the replayed events are not delivered twice.
    for _ in range(3):
        before = engine.feed.opens
        engine.feed.break_stream()
        assert _until(lambda before=before: engine.feed.opens > before
                      and engine.feed.connected.is_set())
    engine.settle(0.2)
    assert [(e.time_nano, e.action, e.actor_id) for e in engine.history] == ours
    # ... and the stream still works
    engine.run("docker kill ev2")
    engine.settle(0.2)
    assert [e.action for e in engine.history][-2:] == ["kill", "die"]
