"""The `/lab` console's signals (webapp.signals): what other layers hear, and that they cannot break it."""

from __future__ import annotations

from typing import Any

import pytest

from webapp import signals

from .conftest import LabClient

HEARD = (signals.console_connected, signals.command_started, signals.command_output,
         signals.command_finished, signals.sandbox_reset, signals.console_closed,
         signals.lesson_progress, signals.engine_attached)


@pytest.fixture
def heard(app) -> Any:
    """Every signal of this app's console namespace, in order: (signal name, fields)."""
    lab = app.extensions["lab.namespace"]
    log: list[tuple[str, dict[str, Any]]] = []
    receivers = []
    for signal in HEARD:
        def receiver(sender: Any, _name: str = signal.name, **fields: Any) -> None:
            assert sender is lab
            log.append((_name, fields))
        receivers.append(receiver)  # blinker holds receivers weakly
        signal.connect(receiver, sender=lab)
    yield log
    for signal, receiver in zip(HEARD, receivers, strict=True):
        signal.disconnect(receiver)


def test_a_command_is_heard_from_start_to_finish(app, http, heard):
    http.get("/sandbox")
    lab = LabClient(app, flask_test_client=http)
    ack = lab.run("docker ps")
    lab.request("reset")
    lab.disconnect(namespace="/lab")
    names = [name for name, _ in heard]
    assert names[:2] == ["engine-attached", "console-connected"]
    assert names[2:6] == ["command-started", "command-output", "command-finished",
                          "engine-attached"]
    assert names[6:] == ["sandbox-reset", "console-closed"]
    sid = heard[1][1]["sid"]
    started, output, finished = (fields for _, fields in heard[2:5])
    assert started["line"] == "docker ps" and started["sid"] == sid
    assert output["text"] == ack["stdout"] and output["stream"] == "stdout"
    assert finished["result"]["exit_code"] == 0 and finished["line"] == "docker ps"


def test_lesson_progress_names_the_console_and_its_sandbox(lab, app, heard):
    progress = lab.request("lesson", {"id": "why-exit"})
    [(_, fields)] = [item for item in heard if item[0] == "lesson-progress"]
    assert fields["progress"] == progress
    assert fields["sandbox"].id == lab.request("reset")["sandbox"]


def test_another_apps_consoles_are_not_heard(make_app, app, heard):
    other = make_app()
    other.test_client().get("/sandbox")
    LabClient(other).run("docker ps")
    assert heard == []


def test_a_failing_receiver_never_breaks_the_console(lab, app, heard):
    def broken(sender: Any, **fields: Any) -> None:
        raise RuntimeError("a broken listener")

    for signal in (signals.command_started, signals.command_output, signals.command_finished):
        signal.connect(broken, sender=app.extensions["lab.namespace"])
    try:
        ack = lab.run("docker ps")
    finally:
        for signal in (signals.command_started, signals.command_output, signals.command_finished):
            signal.disconnect(broken)
    assert ack["exit_code"] == 0 and ack["stdout"].startswith("CONTAINER ID")
    # The console's sandbox opens with its first command: other layers hear it first.
    assert [name for name, _ in heard] == ["engine-attached", "console-connected",
                                           "command-started", "command-output", "command-finished"]
