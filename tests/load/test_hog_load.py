"""The load test of issue 14, over the real web server and Socket.IO: 50 learners running ordinary
commands while another runs a memory hog, a busy loop and endless output. The others' p95 stays
under 100 ms, the server's RSS under 600 MiB, and nothing raises (bench/hog_load.py measures)."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BENCH = Path(__file__).resolve().parents[2] / "bench"
sys.path.insert(0, str(BENCH))

from hog_load import TARGET_P95_MS, TARGET_RSS_MB, measure


def test_a_hog_does_not_starve_fifty_learners_nor_grow_the_server() -> None:
    # On a thread of its own: measure() runs its own asyncio loop, and a test run earlier in the
    # session (the browser's sync API) may leave one running on this thread.
    with ThreadPoolExecutor(1) as pool:
        row = pool.submit(measure, learners=50, seconds=12).result()
    assert row["errors"] == 0, row["first_error"]
    assert row["calls"] > 50 * 8  # every learner kept working
    assert row["p95"] < TARGET_P95_MS, row
    assert row["peak_rss_mb"] < TARGET_RSS_MB, row
    assert row["internal_errors"] == 0, row["server_log"].read_text()[-3000:]
    # the hog really ran: OOM-killed again and again, the flood streamed, the loop started
    assert row["hog_started"] == [0, 0] and not row["hog_errors"], row
    assert row["hog_oom_events"] >= 2 and row["hog_inspect"].startswith("true "), row
    assert row["flood_chars"] > 100_000, row
