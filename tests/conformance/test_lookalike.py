"""The look-alike builder without a daemon: root file systems, import settings, generated scripts
(run with the host's busybox when it has one)."""

from __future__ import annotations

import dataclasses
import shutil
import signal
import subprocess
import time
from pathlib import Path

import pytest

from webapp.conformance import lookalike
from webapp.engine.images import CATALOGUE, Healthcheck, Program

BUSYBOX = shutil.which("busybox")
needs_busybox = pytest.mark.skipif(BUSYBOX is None, reason="no busybox on this machine")


def members(ref: str) -> dict[str, tuple]:
    out = {}
    for member in lookalike.rootfs_entries(CATALOGUE[ref], b"BUSYBOX"):
        info, data = member if isinstance(member, tuple) else (member, b"")
        out[info.name.removeprefix(".")] = (info, data)
    return out


def test_ubuntu_rootfs_is_usr_merged_with_busybox_applets() -> None:
    m = members("ubuntu:20.04")
    assert m["/bin"][0].issym() and m["/bin"][0].linkname == "usr/bin"
    assert m["/usr/bin/busybox"][1] == b"BUSYBOX"
    assert m["/usr/bin/sleep"][0].issym() and m["/usr/bin/sleep"][0].linkname == "busybox"
    # Ubuntu 20.04's dash and bash fork where busybox ash would exec: wrappers (see below)
    assert m["/usr/bin/sh"][1].startswith(b"#!/usr/bin/busybox sh\n")
    assert m["/usr/bin/bash"][1].startswith(b"#!/usr/bin/busybox sh\n")
    assert m["/usr/bin/bash"][0].mode == 0o755
    m22 = members("ubuntu:22.04")  # dash 0.5.11 and bash 5.1 exec as ash does
    assert m22["/usr/bin/sh"][0].issym() and m22["/usr/bin/sh"][0].linkname == "busybox"
    assert m22["/usr/bin/bash"][1] == b'#!/bin/sh\nexec /bin/sh "$@"\n'
    assert b"Focal Fossa" in m["/etc/os-release"][1]
    assert m["/etc/passwd"][1].startswith(b"root:x:0:0:root:/root:")
    assert m["/tmp"][0].mode == 0o1777
    assert "/usr/bin/ps" not in m  # the real ubuntu image has no procps
    assert all(info.uid == 0 and info.gid == 0 for info, _ in m.values())


def test_hello_world_has_no_shell_on_its_path() -> None:
    m = members("hello-world:latest")
    assert "/bin" not in m and "/usr" not in m
    assert m["/hello"][1].startswith(b"#!/.lookalike/busybox sh\n")
    assert "/.lookalike/busybox" in m


def test_alpine_applets_live_where_alpine_has_them() -> None:
    m = members("alpine:latest")
    assert m["/bin/sleep"][0].linkname == "busybox"
    assert m["/usr/bin/env"][0].linkname == "../../bin/busybox"


def test_import_changes_and_fingerprint() -> None:
    nginx = CATALOGUE["nginx:latest"]
    changes = lookalike.import_changes(nginx, "f00")
    assert 'ENTRYPOINT ["/docker-entrypoint.sh"]' in changes
    assert 'CMD ["nginx", "-g", "daemon off;"]' in changes
    assert 'ENV NGINX_VERSION="1.27.3"' in changes
    assert "EXPOSE 80/tcp" in changes
    assert 'LABEL "maintainer"="NGINX Docker Maintainers <docker-maint@nginx.com>"' in changes
    assert f'LABEL "{lookalike.FINGERPRINT_LABEL}"="f00"' in changes
    fp = lookalike.fingerprint(nginx, b"bb")
    assert fp == lookalike.fingerprint(nginx, b"bb")
    assert fp != lookalike.fingerprint(nginx, b"other busybox")
    assert fp != lookalike.fingerprint(dataclasses.replace(nginx, stop_signal="SIGTERM"), b"bb")


def test_settings_import_refuses_come_from_a_build() -> None:
    image = dataclasses.replace(CATALOGUE["ubuntu:20.04"], stop_signal="SIGQUIT", healthcheck=Healthcheck(
        test=("CMD-SHELL", "test -e /tmp/ok"), interval="5s", retries=2))
    assert lookalike.build_instructions(image) == [
        "STOPSIGNAL SIGQUIT", "HEALTHCHECK --interval=5s --retries=2 CMD test -e /tmp/ok"]
    exec_form = dataclasses.replace(image, stop_signal="", healthcheck=Healthcheck(test=("CMD", "true")))
    assert lookalike.build_instructions(exec_form) == ['HEALTHCHECK CMD ["true"]']
    assert lookalike.build_instructions(CATALOGUE["ubuntu:20.04"]) == []
    assert lookalike.fingerprint(image, b"bb") != lookalike.fingerprint(exec_form, b"bb")


def test_builds_follow_the_catalogue_creation_order() -> None:
    images = lookalike.select(None)
    assert [i.created for i in images] == sorted(i.created for i in images)
    assert [i.ref for i in lookalike.select(["ubuntu", "hello-world"])] == [
        "hello-world:latest", "ubuntu:latest"]
    with pytest.raises(lookalike.LookalikeError):
        lookalike.select(["nosuchimage"])


@needs_busybox
def test_host_busybox_is_recognised_as_static_or_not() -> None:
    data = Path(BUSYBOX).read_bytes()
    assert lookalike._is_static_elf(data) in (True, False)
    assert not lookalike._is_static_elf(b"#!/bin/sh\n")


# --------------------------------------------------------------------------------------------------
# Generated scripts, run with the host's busybox sh
# --------------------------------------------------------------------------------------------------


def _script(tmp_path: Path, ref: str, path: str) -> Path:
    image = CATALOGUE[ref]
    text = lookalike.program_script(image, path, image.executables[path])
    text = text.replace(f"BB={lookalike.busybox_path(image)}", f"BB={BUSYBOX}")
    text = text.replace("'/run/nginx.pid", f"'{tmp_path}/nginx.pid")  # not the host's /run
    text = text.replace("/tmp/.lookalike-apt-updated", f"{tmp_path}/apt-updated")
    script = tmp_path / "program.sh"
    script.write_text(text)
    return script


def _run(script: Path, *args: str, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([BUSYBOX, "sh", str(script), *args], capture_output=True, text=True,
                          timeout=20, env=env or {"PATH": "/usr/bin:/bin"}, check=False)


@needs_busybox
@pytest.mark.parametrize("text", [
    "plain", "it's", 'say "hi"', "$HOME and `cmd` and \\n", "{not a placeholder} {ip", ""])
def test_sh_word_reproduces_literal_text(text: str) -> None:
    word = lookalike.sh_word(text)
    proc = subprocess.run([BUSYBOX, "sh", "-c", f"printf '%s' {word}"], capture_output=True,
                          text=True, check=True)
    assert proc.stdout == text


@needs_busybox
def test_sh_word_fills_placeholders() -> None:
    prelude = f"BB={BUSYBOX}\n" + lookalike.HELPERS
    word = lookalike.sh_word("pid={pid} year={now:%Y} us={now:%f} host={hostname}")
    proc = subprocess.run([BUSYBOX, "sh", "-c", prelude + f"printf '%s' {word}"],
                          capture_output=True, text=True, check=True)
    assert proc.stdout.startswith("pid=")
    _, year, micro, host = (part.split("=", 1)[1] for part in proc.stdout.split(" "))
    assert len(year) == 4 and year.isdigit()
    assert len(micro) == 6 and micro.isdigit()
    assert host


@needs_busybox
def test_message_program_prints_exactly_its_text(tmp_path: Path) -> None:
    proc = _run(_script(tmp_path, "hello-world:latest", "/hello"))
    assert proc.returncode == 0
    assert proc.stdout == "\n".join(CATALOGUE["hello-world:latest"].executables["/hello"].stdout) + "\n"


@needs_busybox
def test_server_refuses_to_start_without_its_environment(tmp_path: Path) -> None:
    proc = _run(_script(tmp_path, "mysql:5.7", "/usr/sbin/mysqld"))
    assert proc.returncode == 1
    assert "Database is uninitialized and password option is not specified" in proc.stderr
    assert proc.stdout == ""


def _serving(pid: int) -> bool:
    """Whether a server script is in its final wait: its child is the `sleep` it waits on."""
    try:
        children = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
        return any(b"sleep" in Path(f"/proc/{child}/cmdline").read_bytes() for child in children)
    except OSError:
        return False


def _catches(pid: int, signum: int) -> bool:
    """Whether process `pid` handles `signum` (a shell's `trap` installs a handler), from /proc."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigCgt:"):
            return bool(int(line.split()[1], 16) >> (signum - 1) & 1)
    return False


@needs_busybox
def test_server_stops_gracefully_on_its_signal(tmp_path: Path) -> None:
    script = _script(tmp_path, "nginx:latest", "/usr/sbin/nginx")
    proc = subprocess.Popen([BUSYBOX, "sh", str(script)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while not _serving(proc.pid):  # its traps are set and its start-up lines out
            assert proc.poll() is None, proc.communicate()
            assert time.monotonic() < deadline, "the script never reached its wait"
            time.sleep(0.01)
        proc.send_signal(signal.SIGQUIT)
        _out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "nginx/1.27.3" in err
    assert "signal 3 (SIGQUIT) received, shutting down" in err
    assert err.rstrip().endswith(": exit")


@needs_busybox
def test_entrypoint_prints_for_its_triggers_then_execs(tmp_path: Path) -> None:
    script = _script(tmp_path, "mysql:5.7", "/usr/local/bin/docker-entrypoint.sh")
    proc = _run(script, "mysqld")
    assert "Entrypoint script for MySQL Server 5.7.44-1.el7 started." in proc.stdout
    assert proc.returncode == 127  # no mysqld on this host: exec fails like a missing binary
    proc = _run(script, "echo", "direct")
    assert proc.stdout == "direct\n" and proc.returncode == 0


@needs_busybox
def test_repl_without_a_terminal_reads_to_end_of_input(tmp_path: Path) -> None:
    proc = subprocess.run([BUSYBOX, "sh", str(_script(tmp_path, "python:3.8.5",
                                                       "/usr/local/bin/python3"))],
                          input="print(1)\n", capture_output=True, text=True, timeout=10, check=False)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")


def test_every_program_gets_a_script() -> None:
    for image in CATALOGUE.values():
        for path, program in image.executables.items():
            if program.kind in lookalike.SCRIPT_KINDS:
                script = lookalike.program_script(image, path, program)
                assert script.startswith(f"#!{lookalike.busybox_path(image)} sh\n")
    with pytest.raises(lookalike.LookalikeError):
        lookalike.program_script(CATALOGUE["ubuntu:20.04"], "/x", Program("nonsense"))


def _start_server(script: Path, signum: int, *args: str) -> subprocess.Popen[str]:
    proc = subprocess.Popen([BUSYBOX, "sh", str(script), *args], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 10
    while not (_catches(proc.pid, signum) and _serving(proc.pid)):
        assert proc.poll() is None, proc.communicate()
        assert time.monotonic() < deadline, f"the script never trapped signal {signum}"
        time.sleep(0.01)
    return proc


@needs_busybox
def test_nginx_lookalike_reloads_on_nginx_s_and_stops_on_sigint(tmp_path: Path) -> None:
    script = _script(tmp_path, "nginx:latest", "/usr/sbin/nginx")
    missing = _run(script, "-s", "reload")
    assert missing.returncode == 1
    assert missing.stderr.endswith('nginx: [error] open() "/run/nginx.pid" failed '
                                   "(2: No such file or directory)\n")
    proc = _start_server(script, signal.SIGUSR1)  # its traps are set in order, USR1 late
    try:
        assert (tmp_path / "nginx.pid").read_text().strip() == str(proc.pid)
        reload = _run(script, "-s", "reload")
        assert reload.returncode == 0 and reload.stderr.endswith("signal process started\n")
        deadline = time.monotonic() + 10
        while (tmp_path / "nginx.pid.from").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        assert proc.poll() is None, "a reload keeps nginx running"
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0
    assert "signal 1 (SIGHUP) received from " in err and ", reconfiguring" in err
    assert "signal 2 (SIGINT) received, exiting" in err
    assert not (tmp_path / "nginx.pid").exists()


@needs_busybox
def test_python_lookalike_dies_of_keyboard_interrupt(tmp_path: Path) -> None:
    script = _script(tmp_path, "python:3.12", "/usr/local/bin/python3")
    proc = subprocess.Popen([BUSYBOX, "sh", str(script)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 10
        while not _catches(proc.pid, signal.SIGINT):
            assert time.monotonic() < deadline
            time.sleep(0.01)
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130
    assert err.endswith('  File "<stdin>", line 0, in <module>\nKeyboardInterrupt\n')


@needs_busybox
def test_apt_get_lookalike_says_what_the_simulator_says(tmp_path: Path) -> None:
    script = _script(tmp_path, "ubuntu:24.04", "/usr/bin/apt-get")
    early = _run(script, "install", "-y", "curl")
    assert early.returncode == 100 and "E: Unable to locate package curl" in early.stderr
    assert "run `apt-get update` first" in early.stderr
    update = _run(script, "update")
    assert update.returncode == 0 and "curl, iputils-ping, procps, vim" in update.stdout
    ok = _run(script, "install", "-y", "curl", "procps")
    assert ok.returncode == 0 and "2 newly installed" in ok.stdout
    assert _run(script, "install", "emacs").returncode == 100
    apk = _script(tmp_path, "alpine:latest", "/sbin/apk")
    assert _run(apk, "add", "curl").stdout == "(1/1) Installing curl (offline, from the simulator)\nOK\n"
    assert _run(apk, "add", "nosuch").returncode == 1


def _run_shell(tmp_path: Path, ref: str, path: str, *args: str) -> tuple[list[str], int]:
    """Run the look-alike's shell file at `path` of `ref` with the host's busybox (ubuntu:18.04
    keeps busybox at /bin/busybox, where the host has it)."""
    image = CATALOGUE[ref]
    content = lookalike.shell_file(image, path, image.executables[path])
    assert content is not None
    script = tmp_path / path.rsplit("/", 1)[-1]
    script.write_bytes(content[0])
    done = subprocess.run([BUSYBOX or "busybox", "sh", str(script), *args], check=False,
                          capture_output=True,
                          text=True, timeout=10)
    return done.stdout.split(), done.returncode


# The last command reports its parent: the caller (this test) when the shell exec'd it, the shell
# (whose $$ the first command printed) when the shell forked it.
PARENT = "/bin/busybox sh -c 'echo $PPID'"


@needs_busybox
@pytest.mark.skipif(not Path("/bin/busybox").exists(), reason="the host's busybox is elsewhere")
@pytest.mark.parametrize(("path", "script", "forks"), [
    ("/bin/sh", f"echo $$; {PARENT}", True),  # dash 0.5.8 forks everything
    ("/bin/sh", f"echo $$\n{PARENT}", True),
    ("/bin/bash", f"echo $$; {PARENT}", True),  # bash 4.4 forks after `;`
    ("/bin/bash", f"echo $$ && {PARENT}", False),  # and execs the end of an && list
    ("/bin/bash", f"echo $$\n{PARENT}", False),  # and a lone command on the last line
])
def test_forking_shells_wrappers(tmp_path: Path, path: str, script: str, forks: bool) -> None:
    import os

    (shell_pid, parent), status = _run_shell(tmp_path, "ubuntu:18.04", path, "-c", script)
    assert status == 0
    assert (parent == shell_pid) is forks
    if not forks:
        assert parent == str(os.getpid())


@needs_busybox
@pytest.mark.skipif(not Path("/bin/busybox").exists(), reason="the host's busybox is elsewhere")
def test_forking_shell_wrapper_keeps_status_and_arguments(tmp_path: Path) -> None:
    out, status = _run_shell(tmp_path, "ubuntu:18.04", "/bin/sh", "-c", 'echo "$0" "$1"; exit 7',
                             "name", "one")
    assert (out, status) == (["name", "one"], 7)
    out, status = _run_shell(tmp_path, "ubuntu:18.04", "/bin/sh", "-c", "false")
    assert status == 1
