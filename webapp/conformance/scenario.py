"""Scenarios: loading and step normalisation shared by the real runner, the simulator runner and the
comparison (see the transcript format in the conformance notes).

A scenario is `{"name": "...", "steps": [STEP, ...]}`, where a STEP is a command line string, or
`{"cmd": "...", "stdin": "text", "sleep": seconds, "timing": true}`. Command lines are typed as a
learner types them, starting with `docker`. Optional scenario keys: `description`, and `min_client`
(the oldest docker CLI version, e.g. "23.0", whose flags the scenario uses; older clients skip it),
and `files`: the workspace, `{"Dockerfile": "FROM ...", "serve.sh": "#!/bin/sh ..."}`, the folder
every step runs in (a file whose text starts with `#!` is executable), so `docker build .` builds it.
Its names and sizes follow the learner's workspace (`engine/workspace.py`): what a scenario can hold,
a learner can type.
"""

from __future__ import annotations

import json
import shlex
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Step:
    cmd: str
    stdin: str | None = None
    sleep: float = 0.0
    timing: bool = False

    @property
    def argv(self) -> list[str]:
        """The docker CLI arguments, without the leading `docker`."""
        words = shlex.split(self.cmd)
        if words and words[0] == "docker":
            words = words[1:]
        return words


def steps_of(scenario: dict) -> list[Step]:
    steps: list[Step] = []
    for index, raw in enumerate(scenario.get("steps", [])):
        if isinstance(raw, str):
            steps.append(Step(raw))
            continue
        if not isinstance(raw, dict) or not isinstance(raw.get("cmd"), str):
            raise TypeError(f"scenario {scenario.get('name')!r} step {index}: bad step {raw!r}")
        unknown = set(raw) - {"cmd", "stdin", "sleep", "timing"}
        if unknown:
            raise ValueError(f"scenario {scenario.get('name')!r} step {index}: unknown keys "
                             f"{sorted(unknown)}")
        steps.append(Step(raw["cmd"], raw.get("stdin"), float(raw.get("sleep", 0)),
                          bool(raw.get("timing", False))))
    for index, step in enumerate(steps):
        if not step.cmd.startswith("docker ") and step.cmd != "docker":
            raise ValueError(f"scenario {scenario.get('name')!r} step {index}: commands start with "
                             f"`docker`: {step.cmd!r}")
    return steps


SCENARIO_KEYS = {"name", "description", "steps", "min_client", "files"}


def files_of(scenario: dict) -> dict[str, str]:
    """The scenario's workspace (path -> text), checked as the learner's workspace checks it."""
    from ..engine.workspace import Workspace

    files = scenario.get("files") or {}
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise TypeError(f"scenario {scenario.get('name')!r}: files is an object of path -> text")
    return Workspace(files).snapshot()  # raises WorkspaceError (a ValueError) when it refuses


def load_scenario(path: str | Path) -> dict:
    scenario = json.loads(Path(path).read_text(encoding="utf-8"))
    if not isinstance(scenario, dict) or not isinstance(scenario.get("name"), str):
        raise TypeError(f"{path}: a scenario is an object with a name and steps")
    unknown = set(scenario) - SCENARIO_KEYS
    if unknown:
        raise ValueError(f"{path}: unknown scenario keys {sorted(unknown)}")
    steps_of(scenario)  # validate
    files_of(scenario)
    return scenario


def version_tuple(version: str) -> tuple[int, ...]:
    """'28.2.2' -> (28, 2, 2); '20.10.24+dfsg1' -> (20, 10, 24)."""
    parts = []
    for part in version.split("+")[0].split("-")[0].split("."):
        digits = "".join(ch for ch in part if ch.isdigit())
        if not digits:
            break
        parts.append(int(digits))
    return tuple(parts)


def load_scenarios(folder: str | Path) -> list[dict]:
    return [load_scenario(p) for p in sorted(Path(folder).glob("*.json"))]
