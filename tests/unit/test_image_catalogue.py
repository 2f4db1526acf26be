"""The catalogue file's loader: YAML into Image and Program records, with the file's list forms."""

from __future__ import annotations

from pathlib import Path

import pytest

from webapp.engine.images import (
    CATALOGUE,
    CATALOGUE_FILE,
    CatalogueError,
    Image,
    Program,
    Reaction,
    load_catalogue,
)

SHARED = """\
shared:
  base: &base {/usr/bin/sh: shell, /usr/bin/sleep: applet}
  passwd: &passwd "root:x:0:0:root:/root:/bin/sh\\n"
  dirs: &dirs [/etc, /usr]
images:
"""


def load(tmp_path: Path, images: str) -> dict[str, Image]:
    path = tmp_path / "catalogue.yaml"
    path.write_text(SHARED + images, encoding="utf-8")
    return load_catalogue(path)


def test_the_shipped_file_is_the_catalogue() -> None:
    assert CATALOGUE_FILE.exists()
    assert load_catalogue() == CATALOGUE
    assert list(CATALOGUE)[:3] == ["ubuntu:20.04", "ubuntu:22.04", "ubuntu:latest"]


def test_lists_join_texts_merge_mappings_and_splice_lists(tmp_path: Path) -> None:
    (image,) = load(tmp_path, """\
  - repository: demo
    tag: "1.0"
    id: sha256:aa
    digest: sha256:bb
    created: "2024-01-01T00:00:00Z"
    size: 1_000
    layers: ["0123456789ab"]
    dirs: [*dirs, /opt]
    files:
      /etc/passwd: [*passwd, "demo:x:1000:1000::/home/demo:/bin/sh\\n"]
    executables:
      - *base
      - /usr/bin/sleep: echo
        /usr/local/bin/serve: {kind: server, graceful: [SIGTERM], graceful_exit: 143}
""").values()
    assert image.ref == "demo:1.0" and image.size == 1000 and image.cmd is None
    assert image.dirs == ("/etc", "/usr", "/opt")
    assert image.files["/etc/passwd"].splitlines() == [
        "root:x:0:0:root:/root:/bin/sh", "demo:x:1000:1000::/home/demo:/bin/sh"]
    assert list(image.executables) == ["/usr/bin/sh", "/usr/bin/sleep", "/usr/local/bin/serve"]
    assert image.executables["/usr/bin/sleep"] == Program("echo")
    assert image.executables["/usr/local/bin/serve"] == Program(
        "server", graceful=("SIGTERM",), graceful_exit=143)


MINIMAL = {"repository": "demo", "tag": '"1"', "id": "x", "digest": "y", "created": "z",
           "size": "1", "layers": "[]"}


@pytest.mark.parametrize(("key", "value", "message"), [
    ("tag", "5.7", "tag: expected text, got 5.7 (quote it)"),
    ("colour", "blue", "unknown field(s) colour"),
    ("size", "many", "size: expected a whole number, got 'many'"),
    ("dirs", "/etc", "dirs: expected a list, got '/etc'"),
    ("id", None, "missing field(s) id"),
])
def test_a_wrong_field_is_named(tmp_path: Path, key: str, value: str | None, message: str) -> None:
    fields = MINIMAL | {key: value}
    entry = "\n".join(f"    {k}: {v}" for k, v in fields.items() if v is not None)
    with pytest.raises(CatalogueError) as info:
        load(tmp_path, "  -" + entry[3:] + "\n")
    assert str(info.value).endswith(message)


def test_an_image_healthcheck_is_read_and_becomes_the_engine_api_s_config(tmp_path: Path) -> None:
    fields = MINIMAL | {"healthcheck": '{test: [CMD-SHELL, "curl -f http://localhost/"], '
                                       "interval: 1m30s, timeout: 3s, retries: 2}"}
    entry = "\n".join(f"    {k}: {v}" for k, v in fields.items())
    (image,) = load(tmp_path, "  -" + entry[3:] + "\n").values()
    assert image.healthcheck is not None
    assert image.healthcheck.to_json() == {
        "Test": ["CMD-SHELL", "curl -f http://localhost/"], "Interval": 90_000_000_000,
        "Timeout": 3_000_000_000, "Retries": 2}
    with pytest.raises(CatalogueError) as info:
        load(tmp_path, "  -" + entry[3:].replace("retries: 2", "every: 2") + "\n")
    assert str(info.value).endswith("healthcheck: unknown field(s) every")

def test_signal_reactions_and_yaml_merge_keys(tmp_path: Path) -> None:
    """A program's per-signal reactions, and an image entry derived from another with `<<`."""
    images = load(tmp_path, """\
  - &demo
    repository: demo
    tag: "1.0"
    id: sha256:aa
    digest: sha256:bb
    created: "2024-01-01T00:00:00Z"
    size: 1_000
    layers: ["0123456789ab"]
    executables:
      /usr/sbin/serve:
        kind: server
        graceful: [SIGTERM]
        ignores: [SIGHUP]
        pid_file: /run/serve.pid
        control: {stop: SIGTERM}
        control_started: ["started"]
        control_no_pid: ["no pid"]
        signals:
          SIGINT: {exit: 130, lines: ["bye"], stream: stdout}
          SIGUSR1: {lines: ["reopening"]}
      /usr/bin/repl: {kind: repl, interrupt: ["KeyboardInterrupt"], interrupt_twice_exits: true}
  - <<: *demo
    tag: "2.0"
    id: sha256:cc
""")
    first, second = images["demo:1.0"], images["demo:2.0"]
    serve = first.executables["/usr/sbin/serve"]
    reactions = serve.reactions()
    assert list(reactions) == ["SIGTERM", "SIGINT", "SIGUSR1"]
    assert reactions["SIGINT"] == Reaction(("bye",), "stdout", 130)
    assert reactions["SIGUSR1"].exit is None and reactions["SIGTERM"].exit == 0
    assert serve.ignores == ("SIGHUP",) and serve.control == {"stop": "SIGTERM"}
    assert first.executables["/usr/bin/repl"].interrupt_twice_exits is True
    assert second.executables == first.executables and second.id == "sha256:cc"


def test_a_flag_must_be_true_or_false(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as info:
        load(tmp_path, "  -" + "\n".join(f"    {k}: {v}" for k, v in MINIMAL.items())[3:]
             + "\n    executables: {/x: {kind: repl, interrupt_twice_exits: twice}}\n")
    assert str(info.value).endswith("interrupt_twice_exits: expected true or false, got 'twice'")
