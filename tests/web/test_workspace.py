"""The learner's files over `/lab`: `file_write` / `file_remove` in, `files` out; logged like commands,
so a reload, a server restart and a reset treat them as they treat containers."""

from __future__ import annotations

import json

import pytest

from tests.web.conftest import LabClient
from webapp.engine.workspace import MAX_FILE_BYTES, MAX_FILES
from webapp.engines import SimEngines
from webapp.live import NAMESPACE
from webapp.session import SandboxManager
from webapp.store import Store

DOCKERFILE = 'FROM busybox\nCMD ["sleep", "3600"]\n'


def files_of(client: LabClient) -> dict[str, str]:
    """The last `files` the console received (everything since the last look)."""
    found = client.events("files")
    assert found, "no files message"
    return found[-1]["files"]


def second_tab(app, http) -> LabClient:
    """Another console on the same sandbox. Acks reach only the newest test client, so requests
    go through the tab opened last."""
    client = LabClient(app, flask_test_client=http)
    assert client.is_connected(NAMESPACE)
    return client


def test_a_new_console_is_told_it_has_no_files(app, http):
    http.get("/sandbox")
    client = second_tab(app, http)
    assert files_of(client) == {}


def test_a_write_is_acked_and_every_tab_of_the_sandbox_sees_it(app, http, lab):
    other = second_tab(app, http)
    other.received()
    assert other.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE}) == {"ok": True}
    assert files_of(other) == {"Dockerfile": DOCKERFILE}
    assert files_of(lab) == {"Dockerfile": DOCKERFILE}
    assert other.request("file_write", {"path": "serve.sh", "text": "#!/bin/sh\nexec httpd -f\n"}) \
        == {"ok": True}
    assert list(files_of(lab)) == ["Dockerfile", "serve.sh"]
    assert other.request("file_remove", {"path": "serve.sh"}) == {"ok": True}
    assert files_of(lab) == {"Dockerfile": DOCKERFILE}


def test_the_files_are_the_docker_clients_folder(app, manager, lab):
    lab.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE})
    sandbox = manager.all()[0]
    assert sandbox.engine.workspace.read("Dockerfile") == DOCKERFILE
    assert sandbox.engine.workspace.get("Dockerfile").mode == 0o644


def test_the_same_text_again_is_not_logged(app, manager, lab):
    lab.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE})
    sandbox = manager.all()[0]
    length = sandbox.log_length
    assert lab.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE}) == {"ok": True}
    assert sandbox.log_length == length


def test_refusals_are_acked_with_the_workspaces_reason_and_not_logged(app, manager, lab):
    lab.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE})
    sandbox = manager.all()[0]
    length = sandbox.log_length
    lab.received()
    cases = [
        ({"path": "../etc/passwd", "text": "x"}, "is not a file name the workspace accepts"),
        ({"path": "", "text": "x"}, "a file needs a name"),
        ({"path": "big.txt", "text": "x" * (MAX_FILE_BYTES + 1)}, "a file holds at most 64 KiB"),
        ({"path": "Dockerfile/x", "text": "x"}, "Dockerfile is in the way"),
    ]
    for payload, reason in cases:
        ack = lab.request("file_write", payload)
        assert reason in ack["error"], (payload["path"], ack)
        errors = lab.events("error")
        assert errors and reason in errors[-1]["message"]
    assert lab.request("file_remove", {"path": "nothing.txt"}) == {
        "error": "no file 'nothing.txt' in the workspace"}
    assert sandbox.log_length == length
    assert sandbox.engine.workspace.snapshot() == {"Dockerfile": DOCKERFILE}


def test_the_count_limit(app, lab):
    for n in range(MAX_FILES):
        assert lab.request("file_write", {"path": f"f{n}.txt", "text": "x"}) == {"ok": True}
    ack = lab.request("file_write", {"path": "one-more.txt", "text": "x"})
    assert ack == {"error": f"the workspace holds at most {MAX_FILES} files"}


def test_a_whole_file_fits_in_one_message(app, lab):
    text = ("가" * 100 + "\n") * ((MAX_FILE_BYTES - 1) // 301)  # Korean: 3 bytes a character
    assert len(text.encode("utf-8")) <= MAX_FILE_BYTES
    assert len(json.dumps({"path": "ko.txt", "text": text})) > 6 * len(text) - 1000
    assert lab.request("file_write", {"path": "ko.txt", "text": text}) == {"ok": True}


def test_malformed_payloads_get_the_guarded_error(app, lab):
    for event, payload, wanted in [
        ("file_write", {"path": "Dockerfile"}, "'file_write' needs a str field 'text'"),
        ("file_write", {"text": "x"}, "'file_write' needs a str field 'path'"),
        ("file_write", "Dockerfile", "'file_write' expects one object"),
        ("file_remove", {"path": 3}, "'file_remove' needs a str field 'path'"),
        ("file_remove", None, "'file_remove' expects one object"),
    ]:
        ack = lab.request(event, payload)
        assert wanted in ack["error"], (event, payload, ack)
        assert wanted in lab.events("error")[-1]["message"]
    assert lab.run("docker ps")["exit_code"] == 0  # the connection stays up


def test_file_changes_are_rate_limited(make_app):
    app = make_app(LAB_RATE=2.0)
    client = app.test_client()
    client.get("/sandbox")
    lab = LabClient(app, flask_test_client=client)
    acks = [lab.request("file_write", {"path": "a.txt", "text": str(n)}) for n in range(5)]
    assert {"ok": True} in acks
    assert {"error": "too many file changes: at most 2 per second"} in acks


def test_a_reload_finds_the_files(app, http, lab):
    lab.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE})
    lab.disconnect(namespace=NAMESPACE)
    again = second_tab(app, http)
    assert files_of(again) == {"Dockerfile": DOCKERFILE}


@pytest.mark.backends
def test_a_server_restart_rebuilds_the_files_from_the_log(make_app, tmp_path):
    first = make_app()
    http = first.test_client()
    http.get("/sandbox")
    lab = LabClient(first, flask_test_client=http)
    lab.request("file_write", {"path": "Dockerfile", "text": "FROM alpine\n"})
    lab.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE})
    lab.request("file_write", {"path": "old.sh", "text": "#!/bin/sh\n"})
    lab.request("file_remove", {"path": "old.sh"})
    lab.request("file_write", {"path": "serve.sh", "text": "#!/bin/sh\nexec sleep 1\n"})
    lab.disconnect(namespace=NAMESPACE)
    first.extensions["lab"].close()

    second = make_app()
    http2 = second.test_client()
    with http.session_transaction() as old, http2.session_transaction() as new:
        new.update(old)
    again = LabClient(second, flask_test_client=http2)
    files = files_of(again)
    assert files == {"Dockerfile": DOCKERFILE, "serve.sh": "#!/bin/sh\nexec sleep 1\n"}
    sandbox = second.extensions["lab"].all()[0]
    assert sandbox.engine.workspace.get("serve.sh").mode == 0o755


def test_the_log_holds_file_entries(tmp_path):
    store = Store(tmp_path / "lab.db")
    manager = SandboxManager(store, clock="virtual")
    try:
        sandbox = manager.open("s1")
        sandbox.write_file("Dockerfile", DOCKERFILE)
        sandbox.remove_file("Dockerfile")
        _, entries = store.load("s1")
        assert [(e.kind, json.loads(e.data)) for e in entries] == [
            ("file", {"path": "Dockerfile", "text": DOCKERFILE}),
            ("file", {"path": "Dockerfile", "remove": True}),
        ]
    finally:
        manager.close()
        store.close()


def test_a_reset_clears_the_files_and_tells_every_tab(app, http, lab):
    other = second_tab(app, http)
    other.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE})
    lab.received()
    assert other.request("reset", {})["sandbox"]
    assert files_of(other) == {}
    assert files_of(lab) == {}
    other.request("file_write", {"path": "index.html", "text": "<h1>hi</h1>\n"})
    assert files_of(lab) == {"index.html": "<h1>hi</h1>\n"}


def test_a_class_reset_clears_learners_files(app, manager, lab):
    lab.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE})
    sandbox = manager.all()[0]
    lab.received()
    app.extensions["lab.namespace"].reset_sandbox(sandbox)
    assert files_of(lab) == {}
    assert sandbox.engine.workspace.snapshot() == {}


def test_files_count_toward_the_log_limit(make_app):
    app = make_app(LAB_MAX_LOG=3)
    http = app.test_client()
    http.get("/sandbox")
    lab = LabClient(app, flask_test_client=http)
    for n in range(3):
        assert lab.request("file_write", {"path": "a.txt", "text": str(n)}) == {"ok": True}
    ack = lab.request("file_write", {"path": "a.txt", "text": "3"})
    assert "limit of 3 logged" in ack["error"]
    assert lab.run("docker ps")["exit_code"] == 1  # the log is full for commands too


def test_the_docker_client_builds_from_the_files(app, lab):
    """`docker build .` reads the workspace (a refusal until the engine builds: still the files)."""
    lab.request("file_write", {"path": "Dockerfile", "text": DOCKERFILE})
    result = lab.run("docker build -t mine .")
    assert "unable to prepare context" not in result["stderr"]


def test_a_lesson_seeding_files_is_not_rate_limited_but_is_logged(tmp_path):
    store = Store(tmp_path / "lab.db")
    manager = SandboxManager(store, clock="virtual", rate=1.0)
    try:
        sandbox = manager.open("s1")
        for n in range(5):
            assert sandbox.write_file(f"f{n}.txt", "seeded")
        assert len(store.load("s1")[1]) == 5
    finally:
        manager.close()
        store.close()


class AdoptingEngines(SimEngines):
    """Engines whose containers outlive the server (as the real daemon's do): never replayed."""

    replays = False


def test_an_engine_that_adopts_its_containers_still_gets_its_files_back(tmp_path):
    store = Store(tmp_path / "lab.db")
    first = SandboxManager(store, clock="virtual", engines=AdoptingEngines())
    sandbox = first.open("s1")
    sandbox.write_file("Dockerfile", "FROM alpine\n")
    sandbox.write_file("Dockerfile", DOCKERFILE)
    sandbox.write_file("gone.txt", "x")
    sandbox.remove_file("gone.txt")
    first.close()
    second = SandboxManager(store, clock="virtual", engines=AdoptingEngines())
    try:
        again = second.open("s1")
        assert again.files() == {"Dockerfile": DOCKERFILE}
        assert again.log_length == 4
    finally:
        second.close()
        store.close()


def test_a_change_made_on_the_server_reaches_every_console(app, manager, lab):
    """A lesson seeding files writes through `Sandbox.write_file`: the consoles see it at once."""
    lab.run("docker ps")  # the console's sandbox opens
    lab.received()
    sandbox = manager.all()[0]
    sandbox.write_file("Dockerfile", DOCKERFILE)
    assert files_of(lab) == {"Dockerfile": DOCKERFILE}
    sandbox.remove_file("Dockerfile")
    assert files_of(lab) == {}
