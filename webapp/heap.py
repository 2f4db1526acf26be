"""Garbage-collector settings for a serving process.

A server holds hundreds of sandboxes, connections and threads. CPython's full collection walks every
tracked object while holding the GIL, so each one stalled every console at once: 40-120 ms pauses a
few times a minute with 200 learners, the whole of the class benchmark's p99. What the process loads
at start (modules, templates, lesson texts, the lifecycle table) lives as long as it does, and the
engine's objects are freed by reference counting, not by the collector, so collecting start-up
objects never and the rest less often costs little memory.
"""

from __future__ import annotations

import gc

# gen0 allocations before a young collection, then young collections per middle one, middle per full
THRESHOLDS = (5000, 20, 100)


def settle() -> None:
    """Call once the app is built: start-up objects leave the collector's sight, collections thin out."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
