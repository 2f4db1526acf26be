"""Progress files: export from one server, import on another; merge rules; every malformed file;
and progress that outlives a server restart (the course map reads it back from LAB_DB)."""

from __future__ import annotations

import io
import json
import re
from dataclasses import replace
from html import unescape as html_unescape

import pytest

from tests.web.conftest import LabClient
from webapp.engine.clock import VirtualClock
from webapp.engine.sim.engine import SimEngine
from webapp.lessons import LESSONS_DIR, LessonProgress, LessonTracker, load_lesson, load_lessons
from webapp.lessons.runner import run_setup
from webapp.lessons.transfer import (
    FILENAME,
    MAX_BYTES,
    ImportedLesson,
    TransferError,
    export_progress,
    merge_live,
    merge_stored,
    parse_progress_file,
)
from webapp.live import NAMESPACE
from webapp.store import Store
from webapp.ui_text import strings

from .conftest import write_lesson

EN, KO = strings("en"), strings("ko")
LESSONS = {lesson.id: lesson for lesson in load_lessons(LESSONS_DIR)}
WHY_EXIT = LESSONS["why-exit"]
ORIGIN = {"Origin": "http://localhost"}


def console(app, http, page: str) -> LabClient:
    http.get(page)
    client = LabClient(app, flask_test_client=http)
    assert client.is_connected(NAMESPACE)
    return client


def card(html: str, lesson_id: str) -> str:
    """One lesson's card on the course map."""
    found = re.search(rf'<li [^>]*data-lesson-card="{lesson_id}".*?</li>', html, re.DOTALL)
    assert found, f"no card for {lesson_id}"
    return found.group(0)


def started(http, lesson_id: str, lang: str = "en") -> str | None:
    """The course map's "3 of 10 steps" for a lesson, or None when it shows no progress."""
    html = http.get(f"/?lang={lang}").get_data(as_text=True)
    meter = re.search(r'<progress max="(\d+)" value="(\d+)">', card(html, lesson_id))
    return f"{meter.group(2)} of {meter.group(1)}" if meter else None


def message(html: str) -> tuple[str, str] | None:
    """The one message the course map shows about an import (kind, text), or None."""
    box = re.search(r'<div id="progress-messages".*?</div>', html, re.DOTALL)
    if box is None:
        return None
    found = re.findall(r'data-kind="(\w+)"[^>]*>([^<]*)<', box.group(0))
    assert len(found) == 1, found
    return found[0][0], html_unescape(found[0][1])


def document(lessons: dict, **top) -> dict:
    return {"format": "lifecycle-lab-progress", "version": 1, "exported": "2026-01-01T00:00:00Z",
            "lessons": lessons} | top


def upload(http, raw: bytes | dict, *, headers=ORIGIN, lang: str | None = None, name="p.json"):
    body = json.dumps(raw).encode() if isinstance(raw, dict) else raw
    url = "/progress/import" + (f"?lang={lang}" if lang else "")
    return http.post(url, data={"file": (io.BytesIO(body), name)}, headers=headers,
                     content_type="multipart/form-data")


# -- across servers --------------------------------------------------------------------------------


@pytest.mark.backends
def test_export_then_import_on_another_server_restores_the_course_map(make_app, tmp_path):
    first = make_app(LAB_DB=str(tmp_path / "first.db"))
    http = first.test_client()
    lab = console(first, http, "/lessons/why-exit")
    for step in WHY_EXIT.steps[:3]:
        for line in step.commands:
            lab.run(line)
    assert lab.events("progress")[-1]["done"] == [s.id for s in WHY_EXIT.steps[:3]]
    assert started(http, "why-exit") == f"3 of {len(WHY_EXIT.steps)}"

    exported = http.get("/progress/export")
    assert exported.status_code == 200 and exported.mimetype == "application/json"
    assert exported.headers["Content-Disposition"] == f"attachment; filename={FILENAME}"
    data = exported.get_json()
    assert data["format"] == "lifecycle-lab-progress" and data["version"] == 1
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", data["exported"])
    saved = data["lessons"]["why-exit"]
    assert list(saved["done"]) == [s.id for s in WHY_EXIT.steps[:3]]
    assert all(isinstance(t, float) for t in saved["done"].values())
    assert saved["hints"] == 0 and saved["result"] is None
    assert set(data["lessons"]) == {"why-exit"}, "lessons never worked on are left out"
    lab.disconnect(namespace=NAMESPACE)

    other = make_app(LAB_DB=str(tmp_path / "other.db"))  # another server, its own database
    fresh = other.test_client()
    assert started(fresh, "why-exit") is None
    answer = upload(fresh, exported.get_data())
    assert answer.status_code == 303 and answer.headers["Location"].endswith("/")
    page = fresh.get("/").get_data(as_text=True)
    assert message(page) == ("ok", EN["import_done_one"])
    assert started(fresh, "why-exit") == f"3 of {len(WHY_EXIT.steps)}"
    assert message(fresh.get("/").get_data(as_text=True)) is None, "said once"

    # Opening the lesson there carries on at step 4 (its hidden set-up runs then, once).
    lab2 = console(other, fresh, "/lessons/why-exit")
    progress = lab2.events("progress")[-1]
    assert progress["done"] == [s.id for s in WHY_EXIT.steps[:3]]
    assert progress["active"] == WHY_EXIT.steps[3].id
    assert fresh.get("/progress/export").get_json()["lessons"]["why-exit"]["done"] == saved["done"]


@pytest.mark.backends
def test_import_into_a_sandbox_in_use_updates_it_at_once(make_app):
    app = make_app()
    http = app.test_client()
    lab = console(app, http, "/lessons/why-exit")
    lab.run("docker run ubuntu:20.04")
    lab.received()
    done = {s.id: 100.0 for s in WHY_EXIT.steps[:4]}
    assert upload(http, document({"why-exit": {"done": done}})).status_code == 303
    # The lesson tab open on that sandbox is told at once, without a command of its own.
    assert [p["done"] for p in lab.events("progress")] == [[s.id for s in WHY_EXIT.steps[:4]]]
    payload = http.get("/api/lessons/why-exit/progress").get_json()
    assert payload["done"] == [s.id for s in WHY_EXIT.steps[:4]]
    assert payload["active"] == WHY_EXIT.steps[4].id
    # The live sandbox goes on from there: the next solution completes the next step.
    lab.run(WHY_EXIT.steps[4].commands[0])
    assert lab.events("progress")[-1]["done"] == [s.id for s in WHY_EXIT.steps[:5]]


@pytest.mark.backends
def test_progress_survives_a_server_restart_on_the_same_database(make_app):
    app = make_app()
    http = app.test_client()
    lab = console(app, http, "/lessons/why-exit")
    for step in WHY_EXIT.steps[:2]:
        for line in step.commands:
            lab.run(line)
    assert started(http, "why-exit") == f"2 of {len(WHY_EXIT.steps)}"
    lab.disconnect(namespace=NAMESPACE)
    cookie = http.get_cookie("lab_session").value

    restarted = make_app()  # a new server on the same LAB_DB
    again = restarted.test_client()
    again.set_cookie("lab_session", cookie)
    assert started(again, "why-exit") == f"2 of {len(WHY_EXIT.steps)}"
    assert started(restarted.test_client(), "why-exit") is None, "another learner sees none"


# -- the page --------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang,words", [("en", EN), ("ko", KO)])
def test_the_course_map_offers_export_and_import_in_both_languages(make_app, lang, words):
    http = make_app().test_client()
    html = http.get(f"/?lang={lang}").get_data(as_text=True)
    assert re.search(r'<a id="export-progress"[^>]*href="/progress/export"[^>]*>'
                     + re.escape(words["export_progress"]) + "</a>", html)
    form = re.search(r'<form id="import-progress"[^>]*>', html).group(0)
    assert 'method="post"' in form and 'enctype="multipart/form-data"' in form
    assert f'action="/progress/import?lang={lang}"' in form
    assert words["import_progress"] in html and 'type="file" name="file"' in html
    answer = upload(http, document({"why-exit": {"done": {"run-default": 1.0}},
                                    "lifecycle": {"done": {"list-images": 2.0}}}), lang=lang)
    assert answer.status_code == 303
    ok = message(http.get("/").get_data(as_text=True))
    assert ok == ("ok", words["import_done"].replace("{n}", "2"))
    bad = upload(http, b"{not json", lang=lang)
    assert bad.status_code == 400
    assert message(bad.get_data(as_text=True)) == (
        "error", f"{words['import_failed']} {words['import_not_json']}")
    # The language switch on that answer leads back to the course map.
    switch = http.get(f"/progress/import?lang={'ko' if lang == 'en' else 'en'}")
    assert switch.status_code == 303 and "/?lang=" in switch.headers["Location"]


def test_unknown_lessons_and_steps_are_skipped_and_reported(make_app):
    http = make_app().test_client()
    answer = upload(http, document({
        "why-exit": {"done": {"run-default": 5.0, "no-such-step": 6.0}},
        "gone-lesson": {"done": {"a": 1.0}},
    }))
    assert answer.status_code == 303
    kind, text = message(http.get("/").get_data(as_text=True))
    assert kind == "ok"
    assert text == " ".join([
        EN["import_done_one"],
        EN["import_unknown_lessons"].replace("{n}", "1").replace("{names}", "gone-lesson"),
        EN["import_unknown_steps"].replace("{n}", "1").replace("{names}", "why-exit/no-such-step"),
    ])
    assert http.get("/progress/export").get_json()["lessons"] == {
        "why-exit": {"done": {"run-default": 5.0}, "hints": 0, "result": None}}


# -- malformed files -------------------------------------------------------------------------------

BAD_FILES = [
    (b"", "import_empty", ""),
    (b"   \n", "import_empty", ""),
    (b"\xff\xfe not utf-8", "import_not_json", ""),
    (b"<html>nope</html>", "import_not_json", ""),
    (b"[1, 2, 3]", "import_not_progress", ""),
    (json.dumps({"version": 1, "lessons": {}}).encode(), "import_not_progress", ""),
    (json.dumps(document({}, format="something-else")).encode(), "import_not_progress", ""),
    (json.dumps(document({}, version=2)).encode(), "import_wrong_version", "2"),
    (json.dumps(document({}, version="1")).encode(), "import_wrong_version", "1"),
    (json.dumps(document({}, version=True)).encode(), "import_wrong_version", "True"),
    (json.dumps(document([])).encode(), "import_bad_shape", "lessons: expected an object"),
    (json.dumps(document({"why-exit": []})).encode(), "import_bad_shape",
     "lessons.why-exit: expected an object"),
    (json.dumps(document({"why-exit": {"done": ["run-default"]}})).encode(), "import_bad_shape",
     "lessons.why-exit.done: expected an object of step times"),
    (json.dumps(document({"why-exit": {"done": {"run-default": "yesterday"}}})).encode(),
     "import_bad_shape", "lessons.why-exit.done.run-default: expected a time in seconds"),
    (json.dumps(document({"why-exit": {"done": {"run-default": -1}}})).encode(),
     "import_bad_shape", "lessons.why-exit.done.run-default: expected a time in seconds"),
    (b'{"format": "lifecycle-lab-progress", "version": 1, '
     + b'"lessons": {"why-exit": {"done": {"run-default": NaN}}}}',
     "import_bad_shape", "lessons.why-exit.done.run-default: expected a time in seconds"),
    (json.dumps(document({"why-exit": {"done": {}, "hints": 1.5}})).encode(), "import_bad_shape",
     "lessons.why-exit.hints: expected a whole number ≥ 0"),
    (json.dumps(document({"why-exit": {"done": {}, "hints": True}})).encode(), "import_bad_shape",
     "lessons.why-exit.hints: expected a whole number ≥ 0"),
    (json.dumps(document({"why-exit": {"done": {}, "result": 3}})).encode(), "import_bad_shape",
     "lessons.why-exit.result: expected an object or null"),
    (json.dumps(document({"why-exit": {"done": {}, "result": {"commands": -2}}})).encode(),
     "import_bad_shape", "lessons.why-exit.result.commands: expected a whole number ≥ 0"),
]


@pytest.mark.parametrize("raw,reason,detail", BAD_FILES)
def test_a_malformed_file_is_refused_whole_with_a_clear_message(make_app, raw, reason, detail):
    with pytest.raises(TransferError) as caught:
        parse_progress_file(raw)
    assert (caught.value.reason, caught.value.detail) == (reason, detail)

    http = make_app().test_client()
    upload(http, document({"why-exit": {"done": {"run-default": 1.0}}}))
    assert message(http.get("/").get_data(as_text=True))[0] == "ok"
    before = http.get("/progress/export").get_json()["lessons"]
    answer = upload(http, raw)
    assert answer.status_code == 400
    expected = f"{EN['import_failed']} {EN[reason].replace('{detail}', detail)}"
    assert message(answer.get_data(as_text=True)) == ("error", expected)
    assert http.get("/progress/export").get_json()["lessons"] == before, "nothing changed"


def test_a_file_too_large_is_refused(make_app):
    http = make_app().test_client()
    padding = " " * MAX_BYTES
    raw = json.dumps(document({"why-exit": {"done": {"run-default": 1.0}}})).encode() + \
        padding.encode()
    with pytest.raises(TransferError) as caught:
        parse_progress_file(raw)
    assert caught.value.reason == "import_too_large"
    answer = upload(http, raw)
    assert answer.status_code == 413
    expected = f"{EN['import_failed']} {EN['import_too_large'].replace('{detail}', '64')}"
    assert message(answer.get_data(as_text=True)) == ("error", expected)
    huge = upload(http, raw + b" " * (64 * 1024))  # refused from its Content-Length alone
    assert huge.status_code == 413
    assert http.get("/progress/export").get_json()["lessons"] == {}


def test_no_file_chosen(make_app):
    http = make_app().test_client()
    answer = http.post("/progress/import", data={}, headers=ORIGIN,
                       content_type="multipart/form-data")
    assert answer.status_code == 400
    assert message(answer.get_data(as_text=True)) == ("error", EN["import_no_file"])


@pytest.mark.parametrize("headers", [
    {},  # a script without a browser's headers
    {"Origin": "https://evil.example"},
    {"Origin": "null"},
    {"Referer": "https://evil.example/page"},
    {"Origin": "http://localhost.evil.example"},
])
def test_an_import_from_another_site_is_refused(make_app, headers):
    http = make_app().test_client()
    answer = upload(http, document({"why-exit": {"done": {"run-default": 1.0}}}), headers=headers)
    assert answer.status_code == 403
    assert message(answer.get_data(as_text=True)) == ("error", EN["import_cross_site"])
    assert http.get("/progress/export").get_json()["lessons"] == {}


def test_a_same_origin_referer_is_enough(make_app):
    http = make_app().test_client()
    answer = upload(http, document({"why-exit": {"done": {"run-default": 1.0}}}),
                    headers={"Referer": "http://localhost/?lang=en"})
    assert answer.status_code == 303


# -- merge rules -----------------------------------------------------------------------------------


@pytest.fixture
def tiny(lessons_root):
    return load_lesson(write_lesson(lessons_root))


def test_a_step_done_on_either_side_stays_done_at_the_earlier_time(tiny):
    ours = LessonProgress(tiny, done={"make-box": 200.0})
    assert ours.merge({"make-box": 100.0}) is False  # the same active step
    assert ours.done == {"make-box": 100.0}
    assert ours.merge({"make-box": 300.0}) is False
    assert ours.done == {"make-box": 100.0}, "a later time never replaces an earlier one"
    assert ours.merge({}) is False and ours.done == {"make-box": 100.0}, "nothing is undone"
    assert ours.merge({"list-all": 400.0}) is True and ours.completed
    assert ours.done == {"make-box": 100.0, "list-all": 400.0}
    assert ours.result == {"finished": 400.0}


def test_steps_done_out_of_order_elsewhere_are_kept(tiny):
    ours = LessonProgress(tiny)
    assert ours.merge({"list-all": 50.0}) is False  # the first step is still to do
    assert ours.active == "make-box" and ours.done == {"list-all": 50.0}


def test_hints_carry_over_only_on_the_same_active_step(tiny):
    ours = LessonProgress(tiny, hints=0)
    ours.merge({}, hints=1)
    assert ours.hints == 1
    ours.merge({}, hints=5)
    assert ours.hints == ours.hints_total() == 1, "never more than the step has"
    theirs_ahead = LessonProgress(tiny, hints=1)
    assert theirs_ahead.merge({"make-box": 1.0}, hints=0) is True
    assert theirs_ahead.hints == 0, "a new active step starts without hints"


def test_a_challenge_keeps_the_better_result():
    challenge = LESSONS["three-states"]
    ours = LessonProgress(challenge, done={"goal": 10.0}, result={"commands": 6, "finished": 10.0})
    ours.merge({"goal": 20.0}, result={"commands": 4, "finished": 20.0})
    assert ours.result == {"commands": 4, "finished": 20.0} and ours.done == {"goal": 10.0}
    ours.merge({"goal": 5.0}, result={"commands": 9, "finished": 5.0})
    assert ours.result == {"commands": 4, "finished": 20.0}


def test_merging_into_the_store_keeps_windows_unless_the_active_step_moved(tiny, tmp_path):
    store = Store(tmp_path / "lab.db")
    other = replace(tiny, id="other")
    store.save_progress("me", "tiny", LessonProgress(tiny, done={"make-box": 9.0}).to_data()
                        | {"engine": 42}, wall=1.0)
    report = merge_stored(store, "me", [tiny, other], {
        "tiny": ImportedLesson({"make-box": 5.0}),
        "other": ImportedLesson({"make-box": 7.0}),
        "nope": ImportedLesson({}),
    }, wall=2.0)
    assert report.lessons == ["tiny", "other"] and report.unknown_lessons == ["nope"]
    stored = store.load_progress("me")
    assert stored["tiny"]["done"] == {"make-box": 5.0} and stored["tiny"]["engine"] == 42
    assert stored["other"]["pending"] is True and stored["other"]["engine"] is None

    merge_stored(store, "me", [tiny], {"tiny": ImportedLesson({"list-all": 8.0})}, wall=3.0)
    stored = store.load_progress("me")["tiny"]
    assert stored["engine"] is None, "the active step moved: windows reopen on the next engine"
    assert stored["done"] == {"make-box": 5.0, "list-all": 8.0}
    store.close()


def test_a_pending_lesson_runs_its_setup_at_the_first_open_and_keeps_its_steps(tiny, tmp_path):
    store = Store(tmp_path / "lab.db")
    engine = SimEngine(VirtualClock(), seed=3)
    engine.run("docker create --name tiny-box ubuntu:20.04")  # a leftover the set-up removes
    engine.run("docker ps -a")
    tracker = LessonTracker("me", [tiny], store, engine, stamp=1)
    with engine.lock:
        report = merge_live(tracker, {"tiny": ImportedLesson({"make-box": 1.0})}, engine)
    assert report.lessons == ["tiny"] and tracker.get("tiny").pending
    setups = []

    def setup(entries):
        setups.append([e.line for e in entries])
        run_setup(engine, entries)

    progress = tracker.open("tiny", engine, setup)
    assert setups == [["docker rm -f tiny-box"]] and engine.containers() == []
    assert not progress.pending and progress.done == {"make-box": 1.0}
    assert progress.active == "list-all", "the `docker ps -a` before the import does not count"
    assert tracker.open("tiny", engine, setup) is progress and len(setups) == 1
    engine.run("docker ps -a")
    tracker.update(engine, ["tiny"])
    assert progress.completed
    reloaded = LessonTracker("me", [tiny], store, engine, stamp=1).get("tiny")
    assert reloaded.completed and not reloaded.pending
    store.close()


def test_the_export_lists_lessons_in_course_order_with_steps_in_order(tiny):
    progress = {
        "tiny": LessonProgress(tiny, done={"list-all": 2.0, "make-box": 1.0}, hints=0),
        "why-exit": LessonProgress(WHY_EXIT, hints=1),
        "lifecycle": LessonProgress(LESSONS["lifecycle"]),  # opened, nothing done: left out
    }
    out = export_progress(progress, wall=0.0)
    assert out["exported"] == "1970-01-01T00:00:00Z"
    assert list(out["lessons"]) == ["tiny", "why-exit"]
    assert list(out["lessons"]["tiny"]["done"]) == ["make-box", "list-all"]
    assert out["lessons"]["why-exit"] == {"done": {}, "hints": 1, "result": None}
    again = parse_progress_file(json.dumps(out).encode())
    assert again["tiny"] == ImportedLesson({"make-box": 1.0, "list-all": 2.0}, 0, None)
