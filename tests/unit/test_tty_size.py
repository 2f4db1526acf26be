"""The size of an attached process's TTY follows the console's: one resize call at a time, the
latest size last.

The calls go to the daemon (the real one over HTTP, from threads): two in flight together may land
in any order, and the size sent as the process starts landing after a resize from the console left
the TTY at the old size. Here each call waits on a future the test settles, so the order is the
test's to choose.
"""

from __future__ import annotations

from types import SimpleNamespace

from webapp.engine.cli.client import Cli
from webapp.engine.cli.client_side import JobPrinter
from webapp.engine.cli.terminal import TTY_SIZE, Terminal
from webapp.engine.futures import Future
from webapp.engine.job import Job


class SlowDaemon:
    """A resize endpoint whose calls stay in flight until the test lets each one land."""

    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []
        self.in_flight: list[Future[None]] = []
        self.landed: list[tuple[int, int]] = []

    async def resize(self, rows: int, cols: int) -> None:
        self.calls.append((rows, cols))
        reply: Future[None] = Future()
        self.in_flight.append(reply)
        await reply
        self.landed.append((rows, cols))

    def land_all(self) -> None:
        while self.in_flight:
            self.in_flight.pop(0).set_result(None)


def terminal(job: Job) -> Terminal:
    cli = Cli(SimpleNamespace(), JobPrinter(job), now=lambda: 0.0, call_later=lambda *_: None)
    return Terminal(cli, tty=True, stdin=True, sig_proxy=True)


def test_resizes_while_one_is_in_flight_send_only_the_latest_after_it():
    job = Job("docker run -it ubuntu", tty=True)
    daemon = SlowDaemon()
    terminal(job).follow_size(daemon.resize)
    assert daemon.calls == [TTY_SIZE]  # the first size, sent as the process starts
    job.resize(40, 100)  # the console is resized twice before that call lands
    job.resize(33, 77)
    assert daemon.calls == [TTY_SIZE]  # nothing overtakes the call in flight
    daemon.land_all()
    assert daemon.calls == [TTY_SIZE, (33, 77)]  # then only the latest
    daemon.land_all()
    assert daemon.landed[-1] == (33, 77)
    job.resize(20, 60)  # nothing in flight: sent at once
    assert daemon.calls[-1] == (20, 60)


def test_a_console_resized_before_the_process_started_sizes_it_so_from_the_start():
    job = Job("docker exec -it box sh", tty=True)
    job.resize(33, 77)  # before the command followed the size
    daemon = SlowDaemon()
    terminal(job).follow_size(daemon.resize)
    daemon.land_all()
    assert daemon.calls == [(33, 77)]
