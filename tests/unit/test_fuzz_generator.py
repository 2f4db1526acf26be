"""The differential fuzzer's generator and its simulator side (no daemon needed)."""

from __future__ import annotations

import json
import re
import shlex
from collections import Counter

import pytest

from webapp.cli import main as cli_main
from webapp.conformance import fuzz
from webapp.conformance.compare import compare
from webapp.conformance.scenario import steps_of
from webapp.conformance.sim_runner import run_scenario_sim


@pytest.fixture(scope="module")
def scenarios() -> list[dict]:
    return fuzz.generate_all(20261205, 200)


def commands(scenario: dict) -> list[str]:
    return [step.cmd for step in steps_of(scenario)]


def test_generation_is_reproducible_from_the_seed() -> None:
    assert fuzz.generate_all(7, 20) == fuzz.generate_all(7, 20)
    assert fuzz.generate_all(7, 20) != fuzz.generate_all(8, 20)
    assert fuzz.generate(7, 3) == fuzz.generate_all(7, 20)[3]


def test_sequences_are_5_to_10_commands_on_their_own_containers(scenarios) -> None:
    for scenario in scenarios:
        prefix = fuzz.scenario_prefix(scenario)
        cmds = commands(scenario)
        assert 5 <= len(cmds) <= 10, scenario
        for cmd in cmds:
            words = shlex.split(cmd)
            if words[1] == "ps":  # another sequence's containers would show
                assert f"name={prefix}" in words, cmd
            if "--name" in words:
                assert words[words.index("--name") + 1].startswith(prefix), cmd
            if words[1] in ("stop", "restart"):
                assert words[2:4] in (["-t", "0"], ["-t", "1"], ["-t", "3"]), cmd


def test_sequences_cover_the_lifecycle_commands_and_flags(scenarios) -> None:
    seen: Counter[str] = Counter()
    for scenario in scenarios:
        for cmd in commands(scenario):
            words = shlex.split(cmd)
            seen[words[1]] += 1
            seen.update(f"{words[1]} {w}" for w in words[2:] if w.startswith("-"))
    wanted = ["run -d", "run -di", "run -dit", "run --rm", "run --init", "run --restart",
              "run --stop-signal", "run -m", "create --rm", "create -it", "start", "start -a",
              "stop -t", "kill -s", "pause", "unpause", "restart -t", "rm", "rm -f", "exec",
              "exec -i", "wait", "rename", "logs", "logs --tail", "ps --filter", "ps --format",
              "ps -q", "inspect -f"]
    missing = [w for w in wanted if seen[w] < 3]
    assert not missing, f"rarely or never generated: {missing}"


def test_sequences_include_errors_of_every_kind(scenarios) -> None:
    """Error answers are compared too: missing and removed containers, wrong states, conflicts."""
    errors: Counter[str] = Counter()
    for scenario in scenarios[:80]:
        for step in run_scenario_sim(scenario)["steps"]:
            if step["exit"] == 0:
                continue
            for kind in ("No such container", "is already in use", "is not running",
                         "is paused", "is not paused", "Conflicting options"):
                if kind in step["stderr"]:
                    errors[kind] += 1
    assert all(errors[kind] >= 2 for kind in ("No such container", "is already in use",
                                              "is not running", "is paused")), errors


def test_the_simulator_answers_every_generated_step(scenarios) -> None:
    """Nothing blocks (`wait` only where it returns), nothing raises out of the engine."""
    for scenario in scenarios:
        for step in run_scenario_sim(scenario, step_timeout=60)["steps"]:
            assert step["exit"] != -1, (scenario["name"], step["cmd"])
            assert "internal error" not in step["stderr"], (scenario["name"], step)


def test_a_generated_sequence_compares_equal_with_itself(scenarios) -> None:
    transcript = run_scenario_sim(scenarios[0])
    assert compare(transcript, run_scenario_sim(scenarios[0])).ok


def test_allowlist_entries_can_name_a_command() -> None:
    expected = {"name": "fuzz-1-000", "steps": [
        {"cmd": "docker rm -f fz000-x", "stdout": "", "stderr": "No such container\n", "exit": 0,
         "events": [], "states": {}}]}
    actual = json.loads(json.dumps(expected))
    actual["steps"][0]["stderr"] = ""
    entry = {"scenario": "fuzz-*", "step": "*", "field": "stderr", "reason": "a reason, long enough"}
    assert compare(expected, actual, [{**entry, "cmd": "docker rm -f *"}]).ok
    assert not compare(expected, actual, [{**entry, "cmd": "docker kill *"}]).ok


def test_cli_shows_the_sequences_of_a_seed(capsys) -> None:
    assert cli_main(["fuzz", "--seed", "42", "--sequences", "3", "--only", "1", "--show"]) == 0
    out = capsys.readouterr().out
    assert "seed 42" in out
    scenario = json.loads(out[out.index("{"):])
    assert scenario == fuzz.generate(42, 1)
    assert re.fullmatch(r"fuzz-42-001", scenario["name"])
