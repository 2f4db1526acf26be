"""Differential fuzzing against the real daemon: generated command sequences on both engines.

`FUZZ_SEED` fixes the seed (random otherwise), `FUZZ_SEQUENCES` the number of sequences (default 100),
`FUZZ_JOBS` how many run at once (default 6). A failure prints the seed and every failing sequence as
a scenario to replay (`lifecycle-lab replay`, or `lifecycle-lab fuzz --seed N --only INDEX`); each
failing sequence and its two transcripts are also saved to artifacts/conformance/fuzz/.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from webapp.conformance import fuzz
from webapp.conformance.compare import load_allowlist, parse_allowlist

HERE = Path(__file__).parent
ALLOWLIST = HERE / "fuzz_allowlist.json"
ARTIFACTS = HERE.parents[1] / "artifacts" / "conformance" / "fuzz"


@pytest.mark.docker
def test_simulator_matches_docker_on_generated_sequences(lookalike_images: str) -> None:
    seed, count = fuzz.seed_from_env(), fuzz.sequences_from_env()
    jobs = int(os.environ.get("FUZZ_JOBS") or fuzz.DEFAULT_JOBS)
    header = (f"fuzz seed {seed}, {count} sequences: replay with FUZZ_SEED={seed} "
              f"FUZZ_SEQUENCES={count}, or `lifecycle-lab fuzz --seed {seed} --sequences {count}`")
    print(header)
    started = time.monotonic()
    outcomes = fuzz.fuzz_scenarios(fuzz.generate_all(seed, count), docker=lookalike_images,
                                   jobs=jobs, allow=load_allowlist(ALLOWLIST))
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "seed.txt").write_text(f"{header}\n", encoding="utf-8")
    fuzz.write_artifacts(outcomes, ARTIFACTS)
    failing = [o for o in outcomes if not o.report.ok]
    steps = sum(len(o.scenario["steps"]) for o in outcomes)
    print(f"{len(outcomes)} sequences, {steps} steps in {time.monotonic() - started:.0f} s; "
          f"{len(failing)} differ")
    assert len(outcomes) == count >= 1
    assert not failing, header + "\n\n" + "\n\n".join(fuzz.replay_hint(o) for o in failing)


def test_fuzz_allowlist_entries_have_reasons_and_commands() -> None:
    entries = load_allowlist(ALLOWLIST)
    parse_allowlist(entries)  # raises without a reason
    for entry in entries:
        assert entry["scenario"].startswith("fuzz-"), entry
        assert entry.get("cmd", "*") != "*", f"name the command it tolerates: {entry}"
        assert len(entry["reason"]) >= 20, f"explain the reason: {entry}"
