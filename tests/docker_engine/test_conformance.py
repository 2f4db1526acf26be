"""The real-daemon engine against the docker CLI: every conformance scenario, on the same daemon.

Each scenario is replayed through `DockerEngine` (its own sandbox; several at once, since sandboxes
cannot see each other, except those racing real time, which run on a quiet daemon first) and compared with the docker CLI's transcript under the conformance suite's
rules and allow-list, plus tests/docker_engine/allowlist.json for what the sandbox policy itself
changes. Transcripts are saved under artifacts/docker_engine/ for reading.
"""

from __future__ import annotations

import fnmatch
import json
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pytest

from webapp.conformance.compare import compare, load_allowlist, parse_allowlist
from webapp.conformance.engine_runner import run_scenario_engine
from webapp.conformance.scenario import load_scenarios, steps_of, version_tuple

from .conftest import ARTIFACTS, new_session

HERE = Path(__file__).parent
SCENARIOS = load_scenarios(HERE.parent / "conformance" / "scenarios")
ALLOWLISTS = [HERE.parent / "conformance" / "allowlist.json", HERE / "allowlist.json"]
PARALLEL = 6


def _timed(scenario: dict) -> bool:
    return any(step.timing for step in steps_of(scenario))


@pytest.fixture(scope="module")
def engine_transcripts(daemon) -> dict[str, Future]:
    """Every scenario through the engine (all done before any CLI recording starts, so the CLI
    reference never sees an engine's containers); a failure is raised by its own test. Scenarios
    whose steps race real time (restart back-offs) run first, on a quiet daemon; then the others,
    six at a time."""
    futures: dict[str, Future] = {}
    for batch, workers in (([s for s in SCENARIOS if _timed(s)], 2),
                           ([s for s in SCENARIOS if not _timed(s)], PARALLEL)):
        with ThreadPoolExecutor(workers) as pool:
            for scenario in batch:
                futures[scenario["name"]] = pool.submit(
                    run_scenario_engine, scenario, session=new_session(), connection=daemon)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for name, future in futures.items():
        if future.exception() is None:
            (ARTIFACTS / f"{name}.engine.json").write_text(
                json.dumps(future.result(), indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    return futures


def _allow() -> list[dict]:
    entries: list[dict] = []
    for path in ALLOWLISTS:
        entries += load_allowlist(path)
    return entries


@pytest.mark.docker
@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s["name"] for s in SCENARIOS])
def test_engine_matches_the_docker_cli(scenario: dict, engine_transcripts, reference,
                                       docker_client_version: tuple[int, ...]) -> None:
    minimum = scenario.get("min_client")
    if minimum and docker_client_version < version_tuple(minimum):
        pytest.skip(f"needs a docker CLI >= {minimum}")
    actual = engine_transcripts[scenario["name"]].result()
    real = reference(scenario)
    report = compare(real, actual, _allow())
    assert report.ok, report.summary()


def test_engine_allowlist_entries_have_reasons_and_targets() -> None:
    entries = load_allowlist(HERE / "allowlist.json")
    parse_allowlist(entries)
    by_name = {s["name"]: s for s in SCENARIOS}
    for entry in entries:
        matched = [n for n in by_name if fnmatch.fnmatchcase(n, entry["scenario"])]
        assert matched, f"allow-list entry matches no scenario: {entry}"
        if entry["step"] != "*":
            for name in matched:
                assert entry["step"] < len(steps_of(by_name[name])), entry
        assert len(entry["reason"]) >= 20, f"explain the reason: {entry}"
