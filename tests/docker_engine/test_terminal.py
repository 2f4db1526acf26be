"""Interactive terminals on real processes: `run -it`, `start -ai`, `attach`, `exec -it`, detach
keys, resize, a terminal's cooked mode in front of a plain stdin, and Ctrl-C."""

from __future__ import annotations

import threading
import time

import pytest

from webapp.engine.job import Job

pytestmark = pytest.mark.docker


class Console:
    """A job started as the web console starts it (a terminal), with its output collected."""

    def __init__(self, engine, line: str):
        self.engine = engine
        self.text = ""
        self.stderr = ""
        self._lock = threading.Lock()
        self.done = threading.Event()
        self.job: Job = engine.execute(line, tty=True, on_output=self._output)
        with engine.lock:
            self.job.done_listeners.append(lambda _: self.done.set())
            if self.job.done:
                self.done.set()

    def _output(self, text: str, stream: str) -> None:
        with self._lock:
            self.text += text
            if stream == "stderr":
                self.stderr += text

    def type(self, keys: str) -> None:
        with self.engine.lock:
            self.job.send(keys)

    def expect_more(self, words: str, seen: int, timeout: float = 10.0) -> None:
        """Wait until `words` has been printed more than `seen` times."""
        deadline = time.monotonic() + timeout
        while self.text.count(words) <= seen:
            if time.monotonic() > deadline:
                raise AssertionError(f"{words!r} not printed again in {self.text!r}")
            time.sleep(0.02)

    def expect(self, words: str, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while words not in self.text:
            if time.monotonic() > deadline:
                raise AssertionError(f"{words!r} not in {self.text!r}")
            time.sleep(0.02)

    def finished(self, timeout: float = 10.0) -> int:
        assert self.done.wait(timeout), f"still running; output so far: {self.text!r}"
        return self.job.exit_code  # type: ignore[return-value]


def test_run_it_is_a_real_terminal(make_engine) -> None:
    engine = make_engine()
    console = Console(engine, "docker run -it --name tty ubuntu:20.04")
    console.type("echo $((6*7)) answers\r")  # may arrive before the shell: the TTY keeps it
    console.expect("42 answers")
    console.type("tty\r")
    console.expect("/dev/pts/")
    console.type("exit 0\r")
    assert console.finished() == 0
    engine.settle(0.2)
    resize = [e for e in engine.history if e.action == "resize"]
    assert resize and resize[0].attributes["height"] == "24" and resize[0].attributes["width"] == "80"
    assert [e.action for e in engine.history][-1] == "die"


def test_detach_keys_leave_the_container_running(make_engine) -> None:
    engine = make_engine()
    console = Console(engine, "docker run -it --name det ubuntu:20.04")
    console.type("echo ready\r")
    console.expect("ready")
    console.type("\x10\x11")
    assert console.finished() == 0
    assert engine.container_state("det") == "running"
    attach = Console(engine, "docker attach det")
    attach.type("echo again\r")
    attach.expect("again")
    attach.type("\x10\x11")
    assert attach.finished() == 1
    assert "read escape sequence" in attach.stderr
    engine.settle(0.2)
    assert [e.action for e in engine.history].count("detach") == 2
    assert engine.container_state("det") == "running"

    exec_ = Console(engine, "docker exec -it det sh")
    exec_.type("echo inside; exit 5\r")
    exec_.expect("inside")
    assert exec_.finished() == 5
    exec_ = Console(engine, "docker exec -it det sh")
    exec_.type("\x10\x11")  # detached on the client side, as the docker CLI does
    assert exec_.finished() == 1 and "read escape sequence" in exec_.stderr
    engine.settle(0.2)
    assert [e.action.split(":")[0] for e in engine.history][-2:] == ["exec_create", "exec_start"]
    assert "sh" in engine.run("docker top det").stdout  # the exec's shell lives on
    assert engine.run("docker kill det").exit_code == 0


def test_start_ai_and_custom_detach_keys(make_engine) -> None:
    engine = make_engine()
    assert engine.run("docker create -it --name box ubuntu:20.04").exit_code == 0
    console = Console(engine, "docker start -ai --detach-keys ctrl-x box")
    console.type("echo started\r")
    console.expect("started")
    console.type("\x18")
    assert console.finished() == 0
    assert engine.container_state("box") == "running"
    console = Console(engine, "docker attach box")
    console.type("exit 4\r")
    assert console.finished() == 4
    engine.settle(0.2)
    assert engine.container_state("box") == "exited"


def expect_size(console: Console, size: str, timeout: float = 10.0) -> None:
    """Ask the TTY its size until it says `size`: a resize reaches the daemon a moment after the
    console's, as with a real terminal, so one `stty` may still see the old size."""
    deadline = time.monotonic() + timeout
    while True:
        seen = console.text.count(size)
        console.type("busybox stty size\r")
        try:
            console.expect_more(size, seen, timeout=1.0)
            return
        except AssertionError:
            if time.monotonic() > deadline:
                raise


def test_resize_reaches_the_container_s_terminal(make_engine) -> None:
    engine = make_engine()
    console = Console(engine, "docker run -it --name sized ubuntu:20.04")
    expect_size(console, "24 80")
    with engine.lock:
        console.job.resize(40, 100)
    expect_size(console, "40 100")
    console.type("exit\r")
    assert console.finished() == 0
    engine.run("docker start sized")
    shell = Console(engine, "docker exec -it sized sh")
    with engine.lock:  # at once, while the exec is still starting: its first size must not win
        shell.job.resize(33, 77)
    expect_size(shell, "33 77")
    shell.type("exit\r")
    assert shell.finished() == 0
    engine.run("docker kill sized")


def test_a_plain_stdin_gets_a_terminal_s_cooked_mode(make_engine) -> None:
    engine = make_engine()
    console = Console(engine, "docker run -i --rm ubuntu:20.04 cat")
    console.type("helo\x7flo\r")  # echoed, erased, handed over as a line on Enter
    console.expect("helo\b \blo\r\nhello\n")
    console.type("\x04")  # Ctrl-D: end of input, cat ends
    assert console.finished() == 0


def test_ctrl_c_is_forwarded_as_sigint(make_engine) -> None:
    engine = make_engine()
    console = Console(engine, "docker run --name trapper ubuntu:20.04 sh -c "
                              "'trap \"echo got INT; exit 3\" INT; echo ready; "
                              "while true; do sleep 0.1; done'")
    console.expect("ready")
    console.type("\x03")
    assert console.finished() == 3
    assert "got INT" in console.text
    engine.settle(0.2)
    assert ("kill", "2") in [(e.action, e.attributes.get("signal")) for e in engine.history]


@pytest.mark.parametrize("image", ["nginx", "httpd", "redis"])
def test_ctrl_c_ends_a_foreground_server_that_stops_on_sigint(make_engine, image: str) -> None:
    """No TTY: the CLI's sig-proxy forwards SIGINT to PID 1, which nginx, httpd and redis handle."""
    engine = make_engine()
    console = Console(engine, f"docker run --name fg {image}")
    console.expect({"nginx": "start worker process", "httpd": "AH00094",
                    "redis": "Ready to accept connections"}[image])
    console.type("\x03")
    assert console.finished() == 0
    console.expect({"nginx": "signal 2 (SIGINT) received, exiting",
                    "httpd": "AH00491: caught SIGTERM, shutting down",
                    "redis": "Received SIGINT scheduling shutdown..."}[image])


def test_ctrl_c_on_nginx_with_a_terminal(make_engine) -> None:
    """-it: the container's terminal turns ^C into SIGINT for nginx, its foreground process."""
    engine = make_engine()
    console = Console(engine, "docker run -it --name fgt nginx")
    console.expect("start worker process")
    console.type("\x03")
    assert console.finished() == 0
    console.expect("signal 2 (SIGINT) received, exiting")


def test_hanging_up_leaves_the_container_running(make_engine) -> None:
    engine = make_engine()
    console = Console(engine, "docker run --name stays ubuntu:20.04 sleep 100")
    deadline = time.monotonic() + 10
    while engine.container_state("stays") != "running" and time.monotonic() < deadline:
        time.sleep(0.05)
    with engine.lock:
        console.job.cancel()
    assert console.finished() == 130
    time.sleep(0.3)
    assert engine.container_state("stays") == "running"
    assert engine.run("docker kill stays").exit_code == 0


def test_a_setup_line_runs_to_completion_inside_execute(make_engine) -> None:
    engine = make_engine()
    job = engine.execute("docker run --name quick ubuntu:20.04 sh -c 'echo done; exit 2'",
                         tty=False, record=False)
    assert job.done and job.exit_code == 2 and job.stdout == "done\n"
    assert list(engine.commands) == []
