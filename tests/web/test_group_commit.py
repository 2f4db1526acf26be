"""Log entries are stored before `append` returns, several learners' in one transaction under load."""

from __future__ import annotations

import threading

import pytest

from webapp.session import GroupCommit, _Pending
from webapp.store import IntegrityError, LogEntry, SandboxRecord, Store


@pytest.fixture
def store(lab_db):
    store = Store(lab_db)
    yield store
    store.close()


def test_concurrent_appends_are_all_stored_in_order_when_append_returns(store):
    ids = [f"s{i}" for i in range(8)]
    for sandbox_id in ids:
        store.create(SandboxRecord(sandbox_id, 1, 0.0, 0.0))
    writer = GroupCommit(store)
    start = threading.Barrier(len(ids))
    stored_on_return: list[bool] = []

    def learner(sandbox_id: str) -> None:
        start.wait()
        for seq in range(25):
            writer.append(sandbox_id, seq, LogEntry(float(seq), "run", f"line {seq}"), 100.0 + seq)
            _, entries = store.load(sandbox_id)
            stored_on_return.append(len(entries) == seq + 1)

    threads = [threading.Thread(target=learner, args=(i,)) for i in ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(stored_on_return)
    for sandbox_id in ids:
        _, entries = store.load(sandbox_id)
        assert [e.data for e in entries] == [f"line {seq}" for seq in range(25)]
    assert store.idle_since(123.5) == []  # last_active followed the entries (124.0)


def test_a_failing_entry_fails_alone(store):
    store.create(SandboxRecord("a", 1, 0.0, 0.0))
    store.create(SandboxRecord("b", 1, 0.0, 0.0))
    writer = GroupCommit(store)
    writer.append("a", 0, LogEntry(0.0, "run", "first"), 1.0)
    with pytest.raises(IntegrityError):
        writer.append("a", 0, LogEntry(0.0, "run", "the same seq again"), 1.0)
    # in one batch with a good entry, the bad one costs the good one nothing
    bad, good = (_Pending(("a", 0, LogEntry(0.0, "run", "again"), 1.0)),
                 _Pending(("b", 0, LogEntry(0.0, "run", "other"), 1.0)))
    writer._write([bad, good])
    assert isinstance(bad.error, IntegrityError) and good.error is None
    assert [e.data for e in store.load("a")[1]] == ["first"]
    assert [e.data for e in store.load("b")[1]] == ["other"]
