"""The simulated shell and process model, on a bare box (no container, no daemon)."""

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.applets import APPLETS
from webapp.engine.sim.process import Box, Proc, Stream
from webapp.engine.sim.shell import shell_program
from webapp.engine.sim.tty import LineDiscipline


class FakeBox(Box):
    flavour = "gnu"
    hostname = "0123456789ab"

    def __init__(self, clock):
        super().__init__(clock)
        self.files = {"/etc/motd": "hello from motd\n"}

    def resolve(self, proc, argv, path_env=None, cwd=None):
        name = argv[0].rsplit("/", 1)[-1]
        if name in ("bash", "sh"):
            return shell_program(name), 0, ""
        if name in APPLETS:
            return APPLETS[name], 0, ""
        return None, 127, "not found"

    def path_kind(self, proc, path):
        if path in self.files:
            return "file"
        return "dir" if path in ("/", "/root", "/tmp", "/etc") else None

    def read_file(self, proc, path):
        return self.files.get(path)

    def write_file(self, proc, path, text, append=False):
        self.files[path] = (self.files.get(path, "") if append else "") + text
        return True

    def list_dir(self, proc, path):
        return ["bin", "etc", "root", "tmp"]

    def process_table(self, proc):
        return [{"pid": p.pid, "ppid": p.parent.pid if p.parent else 0, "user": "root", "tty": "?",
                 "time": "0:00", "time_full": "00:00:00", "start": "09:00", "stat": "S",
                 "cmd": " ".join(p.argv), "comm": p.argv[0]} for p in self.procs.values()]


def start(argv, *, stdin=None, tty=False, pid1=True, closed=True):
    clock = VirtualClock(start=0.0)
    box = FakeBox(clock)
    out = []
    stream = Stream()
    if stdin:
        stream.feed(stdin)
    if closed and not tty:
        stream.close()
    proc = Proc(box, argv, env={"PATH": "/bin", "HOME": "/root"},
                out=lambda text, where: out.append((where, text)), stdin=stream, tty=tty, pid1=pid1)
    proc.start(shell_program(argv[0]))
    return proc, out, clock, stream


def text(out, where="stdout"):
    return "".join(t for w, t in out if w == where)


@pytest.mark.parametrize(("script", "stdout", "code"), [
    ("echo hello world", "hello world\n", 0),
    ("echo a; exit 3", "a\n", 3),
    ("false || echo fallback", "fallback\n", 0),
    ("true && echo both", "both\n", 0),
    ("for i in 1 2 3; do echo $i; done", "1\n2\n3\n", 0),
    ("X=5; echo $X ${Y:-def}", "5 def\n", 0),
    ("echo $(hostname)", "0123456789ab\n", 0),
    ("echo 'a ; b' \"home=$HOME\"", "a ; b home=/root\n", 0),
    ("if [ 1 -eq 2 ]; then echo yes; else echo no; fi", "no\n", 0),
    ("echo hi | cat", "hi\n", 0),
    ("false; echo $?", "1\n", 0),
    ("echo saved > /tmp/x; cat /tmp/x", "saved\n", 0),
    ("cat /etc/motd", "hello from motd\n", 0),
    ("exit 300", "", 44),
])
def test_scripts(script, stdout, code):
    proc, out, clock, _ = start(["bash", "-c", script])
    clock.advance(1)
    assert text(out) == stdout
    assert proc.exit_code == code


def test_unknown_command_is_127_with_bash_wording():
    proc, out, _, _ = start(["bash", "-c", "nosuch"])
    assert proc.exit_code == 127
    assert text(out, "stderr") == "bash: nosuch: command not found\n"


@pytest.mark.parametrize("script", ["f() { echo hi; }; f", "function f { echo hi; }",
                                    "echo a; g () { :; }"])
def test_a_function_definition_is_refused_by_name_not_called_a_syntax_error(script):
    proc, out, clock, _ = start(["bash", "-c", script])
    clock.advance(1)
    assert proc.exit_code == 2 and text(out) == ""
    assert text(out, "stderr") == ("bash: -c: line 1: shell functions are not modelled in this "
                                   "sandbox: write the commands out (or loop with for/while)\n")


def test_parentheses_after_a_command_word_are_still_a_subshell_or_an_error():
    proc, out, clock, _ = start(["bash", "-c", "echo a; (echo b)"])
    clock.advance(1)
    assert (proc.exit_code, text(out)) == (0, "a\nb\n")


def test_sh_wording_differs_from_bash():
    _proc, out, _clock, _ = start(["sh", "-c", "nosuch"])
    assert text(out, "stderr") == "sh: nosuch: not found\n"


def test_sleep_takes_virtual_time():
    proc, out, clock, _ = start(["bash", "-c", "sleep 5; echo done"])
    clock.advance(4.9)
    assert proc.alive and text(out) == ""
    clock.advance(0.2)
    assert proc.exit_code == 0 and text(out) == "done\n"


def test_pid1_ignores_sigterm_but_not_sigkill():
    proc, _out, _clock, _ = start(["bash", "-c", "sleep 100"])
    proc.signal(15)
    assert proc.alive
    proc.signal(9)
    assert proc.exit_code == 137


def test_not_pid1_dies_of_sigterm():
    proc, _out, _clock, _ = start(["bash", "-c", "sleep 100"], pid1=False)
    proc.signal(15)
    assert proc.exit_code == 143


def test_trap_interrupts_wait():
    proc, out, clock, _ = start(["bash", "-c", "trap 'echo bye; exit 0' TERM; sleep 100 & wait"])
    clock.advance(1)
    assert proc.alive
    proc.signal(15)
    assert proc.exit_code == 0
    assert text(out) == "bye\n"


def test_shell_reads_commands_from_stdin_until_eof():
    proc, out, _clock, _ = start(["bash"], stdin="echo hi\nexit 7\n")
    assert proc.exit_code == 7
    assert text(out) == "hi\n"


def test_shell_exits_zero_at_end_of_input():
    proc, _out, _clock, _ = start(["bash"])
    assert proc.exit_code == 0


def test_open_stdin_keeps_shell_waiting():
    proc, _out, clock, stream = start(["bash"], closed=False)
    clock.advance(1000)
    assert proc.alive
    stream.feed("exit 4\n")
    assert proc.exit_code == 4


def test_interactive_shell_prompt_and_tty_echo():
    proc, out, _clock, stream = start(["bash"], tty=True)
    echoed = []
    ldisc = LineDiscipline(stream, echoed.append, proc.interrupt_foreground)
    assert text(out).endswith("root@0123456789ab:~# ") or text(out).endswith("root@0123456789ab:/# ")
    ldisc.input("echo hi\r")
    assert "".join(echoed) == "echo hi\r\n"
    assert "hi\n" in text(out)
    proc.signal(15)
    assert proc.alive, "an interactive shell ignores SIGTERM"
    ldisc.input("exit\r")
    assert proc.exit_code == 0


def test_ctrl_c_reaches_foreground_child_not_shell():
    proc, out, clock, stream = start(["bash"], tty=True)
    ldisc = LineDiscipline(stream, lambda t: None, proc.interrupt_foreground)
    ldisc.input("sleep 50\r")
    clock.advance(1)
    assert proc.foreground is not None and proc.foreground.alive
    ldisc.input("\x03")
    assert proc.alive
    assert proc.foreground is None
    ldisc.input("echo $?\r")
    assert "130\n" in text(out)


def test_freeze_holds_time():
    proc, out, clock, _ = start(["bash", "-c", "sleep 5; echo done"])
    clock.advance(2)
    for p in list(proc.box.procs.values()):
        p.freeze()
    clock.advance(100)
    assert text(out) == ""
    for p in list(proc.box.procs.values()):
        p.thaw()
    clock.advance(2.9)
    assert text(out) == ""
    clock.advance(0.2)
    assert text(out) == "done\n"


def test_runaway_loop_yields_to_the_clock():
    proc, _out, clock, _ = start(["bash", "-c", "while true; do true; done"])
    clock.advance(0.01)
    assert proc.alive
    proc.signal(9)
    assert proc.exit_code == 137


@pytest.mark.parametrize("script", ["echo 'unterminated", "if true; then", "echo )", "for", "$((", "'"])
def test_syntax_errors_are_reported_not_raised(script):
    proc, _out, clock, _ = start(["bash", "-c", script])
    clock.advance(1)
    assert proc.exit_code in (1, 2, 127)
