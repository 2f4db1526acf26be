"""Classes without Flask: nicknames, dashboard rows, who is stuck, the heat map, the snapshot, and
the class store on both backends (SQLite, and PostgreSQL when it is installed) held to one contract,
and the Redis bus between processes."""

from __future__ import annotations

import threading

import pytest

from tests.classroom_helpers import RedisServer
from webapp.classroom.model import (
    HISTORY_MAX,
    SCREEN_MAX,
    ClassError,
    ClassRecord,
    LocalBus,
    RedisBus,
    Snapshot,
    SQLClassStore,
    StuckRule,
    apply_activity,
    clean_name,
    dashboard,
    hash_secret,
    heatmap,
    learner_view,
    new_code,
    new_learner,
    normalize_code,
)


def test_codes_and_nicknames():
    code = new_code()
    assert len(code) == 6 and normalize_code(code.lower()) == code
    assert normalize_code(" ab-c 23k ") == "ABC23K"
    assert clean_name("  Ada \t Lovelace ") == "Ada Lovelace"
    for good in ("O'Brien", "O’Brien", "Jean-Luc Picard", "김민준", "Zoë d'Arc", 'Ada "A." L.', "R&D"):
        assert clean_name(good) == good
    for bad in ("", "   ", "x" * 25, "<script>", "a>b", None, 3):
        with pytest.raises(ClassError):
            clean_name(bad)


@pytest.mark.parametrize("raw, key", [
    ("   ", "join_err_empty"), ("x" * 25, "join_err_long"), ("<b>", "join_err_chars"),
])
def test_a_refused_nickname_names_its_label(raw, key):
    """Pages translate the error by its key; the key's English is the message itself."""
    from webapp.ui_text import translate

    with pytest.raises(ClassError) as caught:
        clean_name(raw)
    assert caught.value.key == key
    assert translate("en", key, **caught.value.params) == str(caught.value)
    assert translate("ko", key, **caught.value.params) != str(caught.value)


def test_the_secret_is_checked_not_stored():
    record = ClassRecord("ABC234", hash_secret("s3cret"), "box", 0.0)
    assert record.check("s3cret")
    assert not record.check("guess") and not record.check("") and not record.check(None)
    assert "s3cret" not in record.to_json()
    assert ClassRecord.from_json(record.to_json()) == record


def test_a_row_follows_what_the_learner_does():
    row = new_learner("ada", now=100.0)
    apply_activity(row, "connected", {"sid": "s1", "pid": "p1"}, 101)
    apply_activity(row, "containers", {"containers": [{"state": "running"}, {"state": "running"},
                                                      {"state": "exited"}]}, 102)
    rule = StuckRule(seconds=60, errors=2)
    view = learner_view(row, 103, {"p1"}, rule)
    assert view["connected"] and view["containers"] == {"running": 2, "exited": 1}
    assert not view["stuck"]
    assert not learner_view(row, 103, {"other-process"}, rule)["connected"]  # its process died
    for _ in range(2):
        apply_activity(row, "command", {"line": "docker start x", "failed": True,
                                        "message": "No such container: x"}, 104)
    view = learner_view(row, 105, {"p1"}, rule)
    assert view["stuck"] and view["stuck_reason"] == "2 failed commands in a row"
    apply_activity(row, "command", {"line": "docker ps", "failed": False}, 106)
    assert not learner_view(row, 107, {"p1"}, rule)["stuck"]
    # A lesson open with no step done for a minute: stuck; a step done starts the clock again.
    apply_activity(row, "progress", {"lesson": "why-exit", "active": "a", "done": [],
                                     "steps": [{}, {}]}, 110)
    assert not learner_view(row, 169, {"p1"}, rule)["stuck"]
    assert learner_view(row, 171, {"p1"}, rule)["stuck_reason"] == "no progress for 1 min"
    apply_activity(row, "progress", {"lesson": "why-exit", "active": "b", "done": ["a"],
                                     "steps": [{}, {}]}, 172)
    view = learner_view(row, 173, {"p1"}, rule)
    assert not view["stuck"] and view["step"] == "b" and view["steps_done"] == 1
    apply_activity(row, "disconnected", {"sid": "s1"}, 180)
    assert not learner_view(row, 1000, {"p1"}, rule)["connected"]
    assert not learner_view(row, 1000, {"p1"}, rule)["stuck"]  # offline learners are not "stuck"


def test_the_heat_map_counts_learners_not_containers():
    views = [{"containers": {"running": 3}}, {"containers": {"running": 1, "paused": 1}},
             {"containers": {}}]
    counts = heatmap(views)
    assert counts["running"] == 2 and counts["paused"] == 1 and counts["exited"] == 0


def test_the_snapshot_keeps_the_recent_past():
    snap = Snapshot()
    snap.apply("output", "x" * (SCREEN_MAX + 10))
    assert len(snap.screen) == SCREEN_MAX
    for i in range(HISTORY_MAX + 5):
        snap.apply("event", {"n": i})
    assert len(snap.history) == HISTORY_MAX and snap.history[-1] == {"n": HISTORY_MAX + 4}
    snap.apply("hello", {"history": [], "containers": [{"name": "web"}]})
    assert snap.history == [] and snap.containers == [{"name": "web"}] and snap.screen
    assert Snapshot.from_json(snap.to_json()) == snap


# -- the stores --------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def redis_url(tmp_path_factory):
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        yield server.url
    finally:
        server.stop()


@pytest.fixture
def store(lab_db):
    made = SQLClassStore(lab_db)
    yield made
    made.close()


def test_store_contract(store):
    record = ClassRecord(new_code(), hash_secret("s"), "teacher-box", 1.0, "Intro")
    store.create_class(record)
    assert store.get_class(record.code) == record
    assert store.get_class("NOPE") is None
    store.update_class(record.code, lambda r: setattr(r, "focus", {"lesson": "x", "step": "y"}))
    assert store.get_class(record.code).focus == {"lesson": "x", "step": "y"}
    # Nicknames are unique per class, case-blind; a learner may rename themselves.
    assert store.claim_name(record.code, "Ada", "box-1")
    assert not store.claim_name(record.code, "ada", "box-2")
    assert store.claim_name(record.code, "Ada", "box-1")
    assert store.claim_name(record.code, "Bob", "box-2")
    assert store.claim_name(record.code, "Ada L", "box-1")
    assert store.claim_name(record.code, "Ada", "box-3")  # the old nickname is free again
    rows = store.learners(record.code)
    assert set(rows) == {"box-1", "box-2", "box-3"} and rows["box-1"]["name"] == "Ada L"
    row = store.update_learner(record.code, "box-1",
                               lambda r: apply_activity(r, "connected", {"sid": "a", "pid": "p"}, 2))
    assert row["sids"] == {"a": "p"} and store.get_learner(record.code, "box-1")["sids"] == {"a": "p"}
    assert store.update_learner(record.code, "nobody", lambda r: None) is None
    store.set_membership("box-1", record.code, "learn", "Ada L")
    assert store.membership("box-1") == (record.code, "learn", "Ada L")
    assert store.membership("box-9") is None
    snap = Snapshot(seq=3, screen="$ ", history=[{"Action": "start"}], containers=[])
    store.put_snapshot(record.code, snap)
    assert store.get_snapshot(record.code) == snap
    assert store.get_snapshot("NOPE") == Snapshot()
    store.heartbeat("p", 100.0)
    assert "p" in store.alive(100.0)
    # Concurrent updates of one row lose nothing.
    def bump() -> None:
        for _ in range(20):
            store.update_learner(record.code, "box-2",
                                 lambda r: r.__setitem__("commands", r["commands"] + 1))
    threads = [threading.Thread(target=bump) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert store.get_learner(record.code, "box-2")["commands"] == 80


def test_dashboard_of_a_class(store):
    record = ClassRecord("DASH22", hash_secret("s"), "t", 0.0)
    store.create_class(record)
    store.claim_name(record.code, "zed", "b1")
    store.claim_name(record.code, "amy", "b2")
    data = dashboard(record, store.learners(record.code).values(), 10.0, set(), StuckRule())
    assert [v["name"] for v in data["learners"]] == ["amy", "zed"]
    assert data["connected"] == 0 and data["class"]["code"] == "DASH22"


def test_buses_deliver_to_every_process(redis_url):
    got: list[tuple[str, dict]] = []
    local = LocalBus()
    local.start(lambda kind, data: got.append((kind, data)))
    local.publish("reset", {"code": "X"})
    assert got == [("reset", {"code": "X"})]
    first, second = RedisBus(redis_url, channel="t-bus"), RedisBus(redis_url, channel="t-bus")
    heard: list[str] = []
    done = threading.Event()

    def hear(name: str):
        def handler(kind: str, data: dict) -> None:
            heard.append(name)
            if len(heard) == 2:
                done.set()
        return handler

    assert not first.wait_ready(0)  # not subscribed before it starts
    first.start(hear("first"))
    second.start(hear("second"))
    try:
        assert first.wait_ready(5) and second.wait_ready(5)
        first.publish("end", {"code": "X"})
        assert done.wait(5)
        assert sorted(heard) == ["first", "second"]
    finally:
        first.close()
        second.close()
