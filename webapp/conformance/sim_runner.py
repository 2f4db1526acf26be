"""Replay a scenario on the simulator, on a virtual clock, in the conformance transcript format.

It mirrors the real runner step for step: run the command with its stdin (then end of input, as a
pipe gives), let `sleep` plus 0.3 s pass, then record the events of the step and every container's
state as `docker inspect` would report it. The scenario's `files` are the engine's workspace (the
folder `docker build .` reads).
"""

from __future__ import annotations

from ..engine.clock import VirtualClock
from ..engine.events import Event
from ..engine.sim.engine import SimEngine
from ..engine.sim.views import container_inspect
from .scenario import files_of, steps_of

KEPT_ATTRS = ("exitCode", "signal", "image", "name", "execID", "oldName")


def event_record(event: Event) -> dict:
    return {
        "type": event.type,
        "action": event.action,
        "name": event.attributes.get("name", ""),
        "attrs": {key: event.attributes[key] for key in KEPT_ATTRS if key in event.attributes},
    }


def state_record(data: dict) -> dict:
    state = data["State"]
    config = data["Config"]
    return {
        "status": state["Status"], "exit_code": state["ExitCode"], "running": state["Running"],
        "paused": state["Paused"], "restarting": state["Restarting"],
        "restart_count": data["RestartCount"], "image": config["Image"], "cmd": config["Cmd"],
        "tty": config["Tty"], "open_stdin": config["OpenStdin"],
        "health": (state.get("Health") or {}).get("Status"),
    }


def run_scenario_sim(scenario: dict, *, settle: float = 0.3, step_timeout: float = 30,
                     seed: int = 1) -> dict:
    """Run `scenario` on a fresh simulator; return its transcript."""
    steps = steps_of(scenario)
    engine = SimEngine(VirtualClock(), seed=seed)
    for path, text in files_of(scenario).items():
        engine.workspace.write(path, text)
    seen: list[Event] = []
    engine.subscribe(seen.append)
    results = []
    for step in steps:
        mark = len(seen)
        result = engine.run(step.cmd, stdin=step.stdin, tty=False, timeout=step_timeout)
        with engine.lock:
            assert isinstance(engine.clock, VirtualClock)
            engine.clock.advance(step.sleep + settle)
            events = [event_record(e) for e in seen[mark:] if e.type == "container"]
            states = {}
            for container in sorted(engine.daemon.containers.values(), key=lambda c: c.created):
                states[container.name] = state_record(container_inspect(engine.daemon, container))
        record = {"cmd": step.cmd, "stdin": step.stdin, "stdout": result.stdout, "stderr": result.stderr,
                  "exit": result.exit_code, "events": events, "states": states}
        if step.timing:
            record["timing"] = True
        if result.exit_code == -1:
            record["note"] = f"killed after blocking for more than {step_timeout:g} s"
        results.append(record)
    return {"name": scenario.get("name", ""), "steps": results}
