"""The simulator against the real Docker Engine: every scenario runs on both and must match.

The real transcript is recorded live on the daemon (never from checked-in files), once per test
session (the docker engine's comparison shares it), and saved to
artifacts/conformance/<scenario>.json (the simulator's to <scenario>.sim.json) for reading.
Differences are tolerated only when tests/conformance/allowlist.json lists them with a reason.
"""

from __future__ import annotations

import fnmatch
import json
from pathlib import Path

import pytest

from webapp.conformance.compare import compare, load_allowlist, parse_allowlist
from webapp.conformance.scenario import load_scenarios, steps_of, version_tuple
from webapp.conformance.sim_runner import run_scenario_sim
from webapp.engine.cli import CliError, parse_argv
from webapp.engine.images import lookup

HERE = Path(__file__).parent
SCENARIOS = load_scenarios(HERE / "scenarios")
ALLOWLIST = HERE / "allowlist.json"
ARTIFACTS = HERE.parents[1] / "artifacts" / "conformance"


def _save(name: str, transcript: dict) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / name).write_text(json.dumps(transcript, indent=2, ensure_ascii=False) + "\n",
                                  encoding="utf-8")


@pytest.mark.docker
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_simulator_matches_docker(scenario: dict, lookalike_images: str,
                                  docker_client_version: tuple[int, ...],
                                  conformance_reference) -> None:
    minimum = scenario.get("min_client")
    if minimum and docker_client_version < version_tuple(minimum):
        pytest.skip(f"needs a docker CLI >= {minimum} "
                    f"(this one is {'.'.join(map(str, docker_client_version))})")
    real = conformance_reference(scenario)  # recorded live, once per session (tests/conftest.py)
    _save(f"{scenario['name']}.json", real)
    sim = run_scenario_sim(scenario)
    _save(f"{scenario['name']}.sim.json", sim)
    report = compare(real, sim, load_allowlist(ALLOWLIST))
    assert report.ok, report.summary()


# --------------------------------------------------------------------------------------------------
# The suite's own data (no daemon needed)
# --------------------------------------------------------------------------------------------------


def test_scenarios_are_many_and_well_formed() -> None:
    names = [s["name"] for s in SCENARIOS]
    assert len(names) >= 30
    assert len(set(names)) == len(names)
    for path in (HERE / "scenarios").glob("*.json"):
        assert json.loads(path.read_text())["name"] == path.stem
    for scenario in SCENARIOS:
        assert steps_of(scenario), scenario["name"]


def test_scenarios_use_catalogue_images() -> None:
    """Every image a scenario runs exists in the catalogue, or was built or tagged by the scenario
    itself (nosuchimage excepted, on purpose)."""
    for scenario in SCENARIOS:
        made: set[str] = set()
        for step in steps_of(scenario):
            try:
                cmd = parse_argv(step.argv)
            except CliError:
                continue  # a usage error on purpose: nothing runs
            if cmd.command == "build":
                made.update(cmd.values("tag"))
            if cmd.command == "tag" and len(cmd.args) == 2:
                made.add(cmd.args[1])
            if cmd.command not in ("run", "create") or not cmd.args or cmd.args[0].startswith("nosuch"):
                continue
            assert lookup(cmd.args[0]) is not None or cmd.args[0] in made, \
                f"{scenario['name']}: {step.cmd}"


def test_scenarios_with_files_build_from_catalogue_images() -> None:
    """A scenario's workspace is one a learner could have (the workspace's limits), and every FROM
    in its Dockerfiles names a catalogue image (or a stage)."""
    from webapp.engine.docker.build import instructions

    for scenario in SCENARIOS:
        for path, text in (scenario.get("files") or {}).items():
            if not path.endswith("Dockerfile"):
                continue
            stages: set[str] = set()
            for ins in instructions(text):
                if ins.cmd != "from":
                    continue
                words = ins.args.split()
                assert words[0].lower() in stages or lookup(words[0]) is not None, \
                    f"{scenario['name']} {path}: FROM {words[0]}"
                if len(words) == 3:
                    stages.add(words[2].lower())


def test_allowlist_entries_have_reasons_and_targets() -> None:
    entries = load_allowlist(ALLOWLIST)
    parse_allowlist(entries)  # raises without a reason
    by_name = {s["name"]: s for s in SCENARIOS}
    for entry in entries:
        matched = [n for n in by_name if fnmatch.fnmatchcase(n, entry["scenario"])]
        assert matched, f"allow-list entry matches no scenario: {entry}"
        if entry["step"] != "*":
            for name in matched:
                assert entry["step"] < len(steps_of(by_name[name])), entry
        assert len(entry["reason"]) >= 20, f"explain the reason: {entry}"
