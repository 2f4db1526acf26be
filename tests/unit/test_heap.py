"""The serving process's collector settings."""

from __future__ import annotations

import gc

import pytest

from webapp import heap


@pytest.fixture
def restore_gc():
    thresholds = gc.get_threshold()
    yield
    gc.unfreeze()
    gc.set_threshold(*thresholds)


def test_settle_freezes_the_start_up_heap_and_thins_out_collections(restore_gc):
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    heap.settle()
    assert gc.get_freeze_count() > 1000  # this test process's modules, at least
    assert gc.get_threshold() == heap.THRESHOLDS
    assert heap.THRESHOLDS[0] > 700 and heap.THRESHOLDS[2] > 10  # rarer than CPython's defaults
