"""The image catalogue is consistent: every image can run its own default command (no daemon)."""

from __future__ import annotations

import posixpath
import re
from datetime import datetime

import pytest

from webapp.conformance.lookalike import SIGNAL_NUMBERS, resolve
from webapp.engine.images import CATALOGUE, Image, lookup

EXPECTED = [
    "ubuntu:20.04", "ubuntu:22.04", "ubuntu:latest", "alpine:latest", "busybox:latest",
    "hello-world:latest", "httpd:latest", "nginx:latest", "mysql:5.7", "redis:latest",
    "node:latest", "python:3.8.5", "spark-base:3.0.3",
    # the images tutorials use most (issue 14)
    "ubuntu:18.04", "ubuntu:24.04", "debian:latest", "debian:bookworm", "nginx:alpine", "node:20",
    "python:3.12", "python:3.11", "mysql:8", "mysql:latest", "postgres:latest", "postgres:16",
]
IMAGES = list(CATALOGUE.values())


def test_catalogue_holds_the_lesson_images() -> None:
    assert sorted(CATALOGUE) == sorted(EXPECTED)
    assert lookup("ubuntu") is CATALOGUE["ubuntu:latest"]
    assert lookup("docker.io/library/httpd") is CATALOGUE["httpd:latest"]


def _path_of(image: Image) -> list[str]:
    for item in image.env:
        if item.startswith("PATH="):
            return item[5:].split(":")
    return []


def _find(image: Image, word: str) -> str | None:
    """The canonical path `word` runs in the image (PATH lookup for bare names)."""
    candidates = [word] if "/" in word else [posixpath.join(d, word) for d in _path_of(image)]
    for candidate in candidates:
        canonical = resolve(image, candidate)
        if canonical in image.executables:
            return canonical
        target = image.symlinks.get(canonical)
        if target is not None:
            linked = resolve(image, posixpath.normpath(posixpath.join(posixpath.dirname(canonical),
                                                                      target)))
            if linked in image.executables:
                return linked
    return None


@pytest.mark.parametrize("image", IMAGES, ids=[i.ref for i in IMAGES])
def test_image_metadata_is_well_formed(image: Image) -> None:
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", image.id)
    assert re.fullmatch(r"sha256:[0-9a-f]{64}", image.digest)
    assert image.layers and all(re.fullmatch(r"[0-9a-f]{12}", layer) for layer in image.layers)
    assert image.size > 0
    datetime.fromisoformat(image.created[:26].rstrip("Z"))
    assert image.cmd or image.entrypoint
    assert any(item.startswith("PATH=") for item in image.env)
    assert image.stop_signal in ("", *SIGNAL_NUMBERS)
    for path in image.executables:
        assert resolve(image, path) == path, f"{path} is not canonical (a parent is a symlink)"


@pytest.mark.parametrize("image", IMAGES, ids=[i.ref for i in IMAGES])
def test_default_command_is_found(image: Image) -> None:
    argv = list(image.entrypoint or ()) + list(image.cmd or ())
    first = _find(image, argv[0])
    assert first is not None, f"{image.ref}: {argv[0]} not found"
    program = image.executables[first]
    if program.kind == "entrypoint" and len(argv) > 1:
        assert _find(image, argv[1]) is not None, f"{image.ref}: {argv[1]} not found"


@pytest.mark.parametrize("image", IMAGES, ids=[i.ref for i in IMAGES])
def test_programs_are_consistent(image: Image) -> None:
    for path, program in image.executables.items():
        assert program.kind in ("shell", "applet", "message", "server", "repl", "entrypoint",
                                "daemonize", "packages"), path
        for signal in (*program.graceful, *program.ignores, *program.signals,
                       *program.control.values()):
            assert signal in SIGNAL_NUMBERS, (path, signal)
        for reaction in program.reactions().values():
            assert reaction.stream in ("stdout", "stderr"), path
        if program.control:
            assert program.pid_file and program.control_started and program.control_no_pid, path
        if program.requires_env:
            assert program.missing_env, path
        assert program.shutdown_stream in ("stdout", "stderr")
    if image.ref != "hello-world:latest":
        assert _find(image, "sh") is not None
        assert "root:x:0:0:root:/root:" in image.files["/etc/passwd"]


def test_lesson_specific_behaviour() -> None:
    httpd = CATALOGUE["httpd:latest"]
    assert httpd.stop_signal == "SIGWINCH"
    server = httpd.executables["/usr/local/bin/httpd-foreground"]
    assert server.graceful == ("SIGWINCH",) and server.graceful_exit == 0
    assert "caught SIGWINCH, shutting down gracefully" in server.shutdown[0]
    assert CATALOGUE["nginx:latest"].stop_signal == "SIGQUIT"
    mysqld = CATALOGUE["mysql:5.7"].executables["/usr/sbin/mysqld"]
    assert "MYSQL_ALLOW_EMPTY_PASSWORD" in mysqld.requires_env
    assert "Database is uninitialized and password option is not specified" in mysqld.missing_env[0]
    spark = CATALOGUE["spark-base:3.0.3"]
    assert spark.executables["/opt/spark/bin/spark-class"].graceful_exit == 143
    assert spark.executables["/opt/spark/sbin/start-master.sh"].kind == "daemonize"
    assert "SPARK_HOME=/opt/spark" in spark.env
    hello = CATALOGUE["hello-world:latest"].executables["/hello"]
    assert hello.stdout[1] == "Hello from Docker!"
    ubuntu = CATALOGUE["ubuntu:20.04"]
    assert ubuntu.symlinks["/bin"] == "usr/bin" and "/usr/bin/sleep" in ubuntu.executables
    assert "/bin/sleep" in CATALOGUE["busybox:latest"].executables


def test_signal_behaviour_of_the_servers() -> None:
    """Each server's reaction per signal, as its sources and manuals describe it."""
    nginx = CATALOGUE["nginx:latest"].executables["/usr/sbin/nginx"].reactions()
    assert {s: r.exit for s, r in nginx.items()} == {
        "SIGQUIT": 0, "SIGTERM": 0, "SIGINT": 0, "SIGHUP": None, "SIGUSR1": None, "SIGWINCH": None}
    assert "received{from}, shutting down" in nginx["SIGQUIT"].lines[0]
    assert "received{from}, exiting" in nginx["SIGINT"].lines[0]
    httpd = CATALOGUE["httpd:latest"].executables["/usr/local/bin/httpd-foreground"].reactions()
    assert httpd["SIGINT"].exit == 0 and "AH00491: caught SIGTERM, shutting down" in httpd["SIGINT"].lines[0]
    redis = CATALOGUE["redis:latest"].executables["/usr/local/bin/redis-server"]
    assert set(redis.reactions()) == {"SIGTERM", "SIGINT"} and redis.ignores == ("SIGHUP",)
    for ref in ("mysql:5.7", "mysql:8", "mysql:latest"):
        mysqld = CATALOGUE[ref].executables["/usr/sbin/mysqld"]
        assert mysqld.ignores == ("SIGINT",) and mysqld.reactions()["SIGTERM"].exit == 0, ref
    for ref, major in (("postgres:latest", "17"), ("postgres:16", "16")):
        image = CATALOGUE[ref]
        assert image.stop_signal == "SIGINT" and image.exposed_ports == ("5432/tcp",)
        postgres = image.executables[f"/usr/lib/postgresql/{major}/bin/postgres"]
        assert "received fast shutdown request" in postgres.reactions()["SIGINT"].lines[0]
        assert "POSTGRES_HOST_AUTH_METHOD=trust" in postgres.requires_env
    for ref in ("python:3.8.5", "python:3.11", "python:3.12"):
        python = CATALOGUE[ref].executables["/usr/local/bin/python3"]
        assert python.interrupt == ("KeyboardInterrupt",) and python.reactions()["SIGINT"].exit == 130
    node = CATALOGUE["node:20"].executables["/usr/local/bin/node"]
    assert node.interrupt_twice_exits and node.banner[0] == "Welcome to Node.js v20.18.1."


def test_package_managers_where_the_real_images_have_them() -> None:
    for ref, image in CATALOGUE.items():
        names = {posixpath.basename(p) for p, prog in image.executables.items() if prog.kind == "packages"}
        debian_family = "ID=debian" in image.os_release or "ID_LIKE=debian" in image.os_release
        assert ("apt-get" in names) == debian_family, ref
        assert ("apk" in names) == ("ID=alpine" in image.os_release), ref
    assert "/usr/bin/ps" not in CATALOGUE["ubuntu:24.04"].executables  # no procps in ubuntu
    assert "/bin/ps" not in CATALOGUE["ubuntu:18.04"].executables
