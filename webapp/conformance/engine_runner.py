"""Replay a scenario through the real-daemon engine (`DockerEngine`) in the conformance format.

It mirrors the other runners step for step: run the command with its stdin (then end of input, as a
pipe gives, and no terminal), let `sleep` plus 0.3 s pass (real time), make sure the daemon's events
up to now have arrived, then record the step's container events and every container's state as
`docker inspect` reports it. The scenario runs in a sandbox of its own (a fresh session label), so it
needs no empty daemon and may run beside other sandboxes; its containers (and the images it built)
are removed at the end, even when a step fails. The scenario's `files` are the engine's workspace.
"""

from __future__ import annotations

import secrets
from typing import Any

from ..engine.docker import DockerEngine
from ..engine.events import Event
from .scenario import files_of, steps_of
from .sim_runner import event_record, state_record


def run_scenario_engine(scenario: dict, *, settle: float = 0.3, step_timeout: float = 30,
                        session: str | None = None, **engine_options: Any) -> dict:
    """Run `scenario` through a fresh `DockerEngine` sandbox; return its transcript."""
    steps = steps_of(scenario)
    engine = DockerEngine(session or f"replay-{secrets.token_hex(8)}", **engine_options)
    for path, text in files_of(scenario).items():
        engine.workspace.write(path, text)
    seen: list[Event] = []
    engine.subscribe(seen.append)
    results = []
    try:
        for step in steps:
            mark = len(seen)
            result = engine.run(step.cmd, stdin=step.stdin, tty=False, timeout=step_timeout)
            engine.settle(step.sleep + settle)
            with engine.lock:
                events = [event_record(e) for e in seen[mark:] if e.type == "container"]
            states = {data["Name"].lstrip("/"): state_record(data) for data in engine.inspect_all()}
            record: dict[str, Any] = {"cmd": step.cmd, "stdin": step.stdin, "stdout": result.stdout,
                                      "stderr": result.stderr, "exit": result.exit_code,
                                      "events": events, "states": states}
            if step.timing:
                record["timing"] = True
            if result.exit_code == -1:
                record["note"] = f"killed after blocking for more than {step_timeout:g} s"
            results.append(record)
    finally:
        engine.close()
    return {"name": scenario.get("name", ""), "steps": results}
