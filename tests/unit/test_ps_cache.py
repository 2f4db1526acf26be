"""`docker ps` from cached rows prints exactly what the template path prints, and never a stale row.

The oracle everywhere is the template path (``write_formatted`` with the CLI's default table
template, or ``docker ps --format "<that template>"``), which keeps nothing between calls. The
simulator's own caches (summary, STATUS) are checked against a summary built from scratch.
"""

from __future__ import annotations

import copy
import re
from datetime import UTC

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.unit.test_formats_ps import NOW, SUMMARIES
from webapp.engine.clock import VirtualClock
from webapp.engine.formats import ps_table
from webapp.engine.formats.containers import (
    CONTAINER_HEADERS,
    DEFAULT_TABLE_FORMAT,
    ContainerContext,
    container_format,
    format_containers,
    write_formatted,
)
from webapp.engine.formats.durations import _to_nanoseconds, human_duration
from webapp.engine.formats.ps_times import duration_window, relative
from webapp.engine.sim.engine import SimEngine
from webapp.engine.sim.views import container_summary

SECOND = 1_000_000_000
MINUTE = 60 * SECOND
HOUR = 60 * MINUTE
DAY = 24 * HOUR


def template_path(summaries: list[dict], *, now: float, no_trunc: bool = False, size: bool = False,
                  quiet: bool = False) -> str:
    """What `docker ps` prints when the default table goes through the template engine."""
    contexts = [ContainerContext(s, trunc=not no_trunc, now=now, tz=UTC) for s in summaries]
    return write_formatted(container_format("", quiet, size), contexts, CONTAINER_HEADERS)


def fast_path(summaries: list[dict], *, now: float, no_trunc: bool = False, size: bool = False,
              quiet: bool = False) -> str:
    out, err = format_containers(summaries, quiet=quiet, no_trunc=no_trunc, size=size, now=now)
    assert err == ""
    return out


# -- relative times ------------------------------------------------------------------------------


@settings(max_examples=400, deadline=None)
@given(st.integers(min_value=-10 * SECOND, max_value=3 * 365 * DAY), st.data())
def test_human_duration_is_constant_on_each_window(d: int, data: st.DataObject) -> None:
    seconds = d / SECOND
    d = _to_nanoseconds(seconds)
    lo, hi = duration_window(d)
    assert lo <= d < hi
    other = data.draw(st.integers(min_value=max(lo, d - 400 * DAY), max_value=hi - 1))
    other_seconds = other / SECOND
    if _to_nanoseconds(other_seconds) != other:
        return  # not reachable as a float number of seconds
    assert human_duration(other_seconds) == human_duration(seconds)


@pytest.mark.parametrize("seconds", [0.2, 1, 59.99, 60, 3599.999, 3600, 4000, 5399.5, 5399.9995, 5400.0005, 7199,
                                     47.4 * 3600, 47.6 * 3600, 13.9 * 86400, 364 * 86400, 731 * 86400])
def test_both_ends_of_a_window_print_the_same(seconds):
    d = _to_nanoseconds(seconds)
    lo, hi = duration_window(d)
    for end in (max(lo, -SECOND), hi - 1):
        assert _to_nanoseconds(end / SECOND) == end
        assert human_duration(end / SECOND) == human_duration(seconds)


@pytest.mark.parametrize(("seconds", "window"), [
    (0.5, (None, SECOND)),
    (-3, (None, SECOND)),
    (1.2, (SECOND, 2 * SECOND)),
    (59.5, (59 * SECOND, 60 * SECOND)),
    (90, (MINUTE, 2 * MINUTE)),
    (3599, (59 * MINUTE, HOUR)),
    (3600.5, (HOUR + 1_000_000, HOUR + HOUR // 2 - 1_000_000)),
    (2 * 3600 - 1, (HOUR + HOUR // 2 + 1_000_000, 2 * HOUR - 1_000_000)),
])
def test_windows_span_the_whole_unit_away_from_rounding_points(seconds, window):
    lo, hi = duration_window(_to_nanoseconds(seconds))
    assert (None if lo < -SECOND else lo, hi) == window


def test_relative_text_follows_the_clock_and_its_key():
    first = relative("k", 2.0, None, "Up ")
    assert first.text == "Up 2 seconds"
    assert relative("k", 2.9, first, "Up ") is first
    assert relative("k", 3.0, first, "Up ").text == "Up 3 seconds"
    assert relative("k", 61, first, "Up ").text == "Up About a minute"
    assert relative("other", 2.5, first, "Exited (0) ", " ago").text == "Exited (0) 2 seconds ago"
    assert relative("k", 1.5, first, "Up ").text == "Up 1 second"  # the clock may be set back


# -- the formatter's row cache -------------------------------------------------------------------

FLAGS = [{}, {"no_trunc": True}, {"size": True}, {"quiet": True}, {"no_trunc": True, "quiet": True},
         {"no_trunc": True, "size": True}]


@pytest.mark.parametrize("flags", FLAGS)
def test_recorded_summaries_match_the_template_path(flags):
    summaries = copy.deepcopy(SUMMARIES)
    for offset in (0, 0.4, 1, 59, 60, 3599, 5400, 3 * 86400):
        expected = template_path(summaries, now=NOW + offset, **flags)
        assert fast_path(summaries, now=NOW + offset, **flags) == expected
        assert fast_path(summaries, now=NOW + offset, **flags) == expected  # from the cache


def test_empty_listing_prints_the_header_only():
    assert fast_path([], now=NOW) == template_path([], now=NOW)
    assert fast_path([], now=NOW, size=True) == template_path([], now=NOW, size=True)
    assert fast_path([], now=NOW, quiet=True) == ""


CHANGES = [
    ("Id", "1234567890ab" + "c" * 52),
    ("Names", ["/renamed"]),
    ("Names", ["/other/alias", "/second"]),
    ("Image", "nginx:1.25"),
    ("ImageID", "sha256:" + "1" * 64),
    ("Command", "sleep 100000 and a much longer tail"),
    ("Created", NOW - 7200),
    ("Status", "Exited (137) 3 seconds ago"),
    ("Ports", [{"PrivatePort": 80, "PublicPort": 8080, "IP": "0.0.0.0", "Type": "tcp"}]),
    ("Ports", []),
    ("SizeRw", 99_999_999),
    ("SizeRootFs", 5),
]


@pytest.mark.parametrize(("field", "value"), CHANGES)
@pytest.mark.parametrize("flags", [{}, {"size": True}, {"no_trunc": True}])
def test_a_changed_field_never_prints_the_cached_row(field, value, flags):
    summaries = copy.deepcopy(SUMMARIES)
    assert fast_path(summaries, now=NOW, **flags) == template_path(summaries, now=NOW, **flags)
    for s in summaries:  # changed in place, as the same dicts
        s[field] = copy.deepcopy(value)
    changed = fast_path(summaries, now=NOW, **flags)
    assert changed == template_path(summaries, now=NOW, **flags)


def test_unchanged_rows_are_reused_and_the_cache_stays_bounded(monkeypatch):
    monkeypatch.setattr(ps_table, "_ROWS", {})
    summaries = copy.deepcopy(SUMMARIES)
    fast_path(summaries, now=NOW)
    rows = dict(ps_table._ROWS)
    assert len(rows) == len(summaries)
    fast_path(summaries, now=NOW + 30)
    assert ps_table._ROWS == rows and all(ps_table._ROWS[k] is rows[k] for k in rows)

    monkeypatch.setattr(ps_table, "MAX_ROWS", 5)
    many = [dict(SUMMARIES[0], Id=f"{i:064x}") for i in range(12)]
    assert fast_path(many, now=NOW) == template_path(many, now=NOW)
    assert len(ps_table._ROWS) <= 5


names = st.lists(st.from_regex(r"/[a-z][a-z0-9_.-]{1,12}(/[a-z]{1,5})?", fullmatch=True),
                 min_size=1, max_size=3)
ports = st.lists(st.fixed_dictionaries(
    {"PrivatePort": st.integers(1, 9000), "Type": st.sampled_from(["tcp", "udp"])},
    optional={"PublicPort": st.integers(1, 65535), "IP": st.sampled_from(["0.0.0.0", "::", "127.0.0.1"])}),
    max_size=4)
summary = st.fixed_dictionaries({
    "Id": st.sampled_from(["a" * 64, "b" * 64, "0123456789ab" + "c" * 52, "sha256:" + "d" * 64]),
    "Names": names,
    "Image": st.sampled_from(["alpine", "nginx:1.25", "docker.io/library/ubuntu:20.04", "Bad Ref",
                              "sha256:" + "ab" * 32, "ababababab", "localhost:5000/x/y:t@sha256:" + "e" * 64]),
    "ImageID": st.just("sha256:" + "ab" * 32),
    "Command": st.one_of(st.sampled_from(["sleep 100000", "/hello", "sh -c 'exit 3'"]),
                         st.text(max_size=30)),
    "Created": st.integers(NOW - 800 * 86400, NOW + 5),
    "Status": st.one_of(st.sampled_from(["Up 2 seconds", "Created", "Exited (0) 1 second ago",
                                         "Up 5 minutes (Paused)", ""]), st.text(max_size=12)),
    "Ports": ports,
    "SizeRw": st.integers(0, 10**9),
    "SizeRootFs": st.integers(0, 10**9),
})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(summary, max_size=6), st.lists(st.floats(0, 3 * 86400), min_size=1, max_size=4),
       st.sampled_from(FLAGS), st.data())
def test_any_summaries_at_any_time_match_the_template_path(summaries, offsets, flags, data):
    now = float(NOW)
    for offset in offsets:
        now += offset
        assert fast_path(summaries, now=now, **flags) == template_path(summaries, now=now, **flags)
        if summaries:  # one container changes between two listings
            index = data.draw(st.integers(0, len(summaries) - 1))
            summaries[index] = data.draw(summary)


# -- the simulator's summaries and `docker ps` end to end ----------------------------------------

DEFAULT_FORMAT_ARG = '"' + DEFAULT_TABLE_FORMAT.replace("\t", "\\t") + '"'
SIZE_FORMAT_ARG = DEFAULT_FORMAT_ARG[:-1] + '\\t{{.Size}}"'
# (flags, the same listing through a template)
PS_FLAGS = [(flags, f"{flags} --format {DEFAULT_FORMAT_ARG}") for flags in (
    "", "-a", "-n 2", "-l", "-a --no-trunc", "--filter status=exited", "--filter name=web",
    "-a --filter exited=7")] + [
    ("-a -s", f"-a --format {SIZE_FORMAT_ARG}"),
    ("-q", "--format '{{.ID}}'"),
    ("-aq --no-trunc", "-a --no-trunc --format '{{.ID}}'"),
]


def from_scratch(engine: SimEngine, name: str) -> dict:
    """The container's summary built without anything kept from an earlier listing."""
    c = engine.daemon.get(name)
    kept = (c.summary_cache, c.status_cache)
    c.summary_cache = c.status_cache = None
    try:
        return container_summary(engine.daemon, c, engine.clock.now())
    finally:
        c.summary_cache, c.status_cache = kept


def check_listings(engine: SimEngine) -> str:
    """Compare every listing with its template twin; return what `docker ps -a` printed."""
    now = engine.clock.now()
    for c in engine.daemon.listing():
        assert container_summary(engine.daemon, c, now) == from_scratch(engine, c.id)
    for flags, through_template in PS_FLAGS:
        fast = engine.run(f"docker ps {flags}")
        slow = engine.run(f"docker ps {through_template}")
        assert (fast.exit_code, fast.stderr) == (0, "")
        assert fast.stdout == slow.stdout, flags
    return engine.run("docker ps -a").stdout


def status_of(engine: SimEngine, name: str) -> str:
    return engine.containers()[[c["name"] for c in engine.containers()].index(name)]["status"]


SETUP = [
    "docker run -d --name web -p 8080:80 nginx",
    "docker run -d --name sleeper ubuntu:20.04 sleep 100000",
    "docker run --name ex ubuntu:20.04 sh -c 'exit 7'",
    "docker run -d --name wide ubuntu:20.04 sleep 日本語日本語日本語日本語",
    "docker create --name fresh ubuntu:20.04",
    "docker run -d --name flaky --restart on-failure:2 ubuntu:20.04 sh -c 'sleep 2; exit 3'",
    "docker run -d --name pz ubuntu:20.04 sleep 100000",
    "docker pause pz",
]


@pytest.fixture
def engine() -> SimEngine:
    engine = SimEngine(VirtualClock(), seed=5)
    for line in SETUP:
        assert engine.run(line).exit_code in (0, 7), line
    return engine


def test_ps_follows_time_and_state_changes(engine):
    start = engine.clock.now()
    steps = [
        (0, None), (0.5, None), (1.0, "docker stop -t 0 sleeper"), (2.0, "docker start sleeper"),
        (58.9, "docker rename web web2"), (60.0, "docker unpause pz"), (61.0, "docker rename web2 web"),
        (119.0, "docker exec sleeper sh -c 'echo hello > /tmp/f'"), (3599.0, "docker kill web"),
        (3600.0, "docker start web"), (5399.0, None), (5400.0, "docker pause sleeper"),
        (3 * 86400.0, "docker rm -f ex"), (20 * 86400.0, None), (800 * 86400.0, None),
    ]
    seen = []
    for at, line in steps:
        engine.clock.advance_to(start + at)
        seen.append(check_listings(engine))
        if line is not None:
            engine.run(line)
            seen.append(check_listings(engine))
    printed = "".join(seen)
    for status in ("Restarting (3)", "(Paused)", "Exited (3)", "Exited (7)", "Created", "0.0.0.0:8080->80/tcp",
                   "sleep 日本語", "Up About an hour", "2 years ago"):
        assert status in printed


def test_status_moves_from_seconds_to_about_a_minute(engine):
    engine.run("docker run -d --name ticker ubuntu:20.04 sleep 100000")
    engine.clock.advance(2)
    assert status_of(engine, "ticker") == "Up 2 seconds"
    assert re.search(r"Up 2 seconds +ticker\n", engine.run("docker ps").stdout)
    engine.clock.advance(58)
    assert status_of(engine, "ticker") == "Up About a minute"
    assert re.search(r"About a minute ago +Up About a minute +ticker\n", engine.run("docker ps").stdout)
    engine.run("docker stop -t 0 ticker")
    engine.clock.advance(120)
    assert status_of(engine, "ticker") == "Exited (137) 2 minutes ago"


def test_summary_is_rebuilt_on_every_change_it_shows(engine):
    now = engine.clock.now()
    c = engine.daemon.get("sleeper")
    first = container_summary(engine.daemon, c, now)
    assert container_summary(engine.daemon, c, now) is first  # unchanged: kept
    engine.run("docker exec sleeper sh -c 'echo hello > /tmp/f'")
    written = container_summary(engine.daemon, c, now)
    assert written["SizeRw"] > first["SizeRw"] and written == from_scratch(engine, "sleeper")
    engine.run("docker rename sleeper sleepy")
    assert container_summary(engine.daemon, c, now)["Names"] == ["/sleepy"]
    engine.run("docker stop -t 0 sleepy")
    stopped = container_summary(engine.daemon, c, engine.clock.now())
    assert (stopped["State"], stopped["Status"]) == ("exited", "Exited (137) Less than a second ago")
    assert stopped["NetworkSettings"]["Networks"]["bridge"]["IPAddress"] == ""
    assert first["State"] == "running" and first["Names"] == ["/sleeper"]  # earlier results untouched


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(
    st.sampled_from([
        "docker stop -t 0 {n}", "docker start {n}", "docker pause {n}", "docker unpause {n}",
        "docker kill {n}", "docker restart -t 0 {n}", "docker rename {n} {n}x", "docker rename {n}x {n}",
        "docker exec {n} sh -c 'echo data >> /tmp/f'", "docker rm -f {n}",
        "docker run -d --name {n} -p 8{i}:80 nginx", "docker run -d --name {n} ubuntu:20.04 sleep 1000",
    ]),
    st.sampled_from(["aa", "bb", "cc"]),
    st.sampled_from([0, 0.3, 1, 59, 61, 1800, 3600, 90000])), max_size=12))
def test_random_lifecycles_keep_every_listing_exact(steps):
    engine = SimEngine(VirtualClock(), seed=9)
    for index, (line, name, gap) in enumerate(steps):
        engine.run(line.format(n=name, i=index % 10))
        engine.clock.advance(gap)
        check_listings(engine)
