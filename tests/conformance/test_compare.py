"""Unit tests for the transcript comparison: normalisation, per-step rules, allow-list (no daemon)."""

from __future__ import annotations

import copy

import pytest

from webapp.conformance.compare import (
    Normaliser,
    compare,
    event_sequences,
    normalise,
    parse_allowlist,
)

CID_A = "3f2a9c1b7d4e" + "a" * 52
CID_B = "0f9e8d7c6b5a" + "b" * 52


def step(cmd: str = "docker ps -a", **fields: object) -> dict:
    out = {"cmd": cmd, "stdin": None, "stdout": "", "stderr": "", "exit": 0, "events": [],
           "states": {}}
    out.update(fields)
    return out


def transcript(*steps: dict, name: str = "demo") -> dict:
    return {"name": name, "steps": list(steps)}


def ev(action: str, name: str, **attrs: str) -> dict:
    return {"type": "container", "action": action, "name": name,
            "attrs": {"image": "ubuntu:20.04", "name": name, **attrs}}


def state(**overrides: object) -> dict:
    base = {"status": "exited", "exit_code": 0, "running": False, "paused": False,
            "restarting": False, "restart_count": 0, "image": "ubuntu:20.04", "cmd": ["/bin/bash"],
            "tty": False, "open_stdin": False}
    base.update(overrides)
    return base


# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------


def test_ids_are_numbered_by_first_appearance_and_short_ids_follow_full_ones() -> None:
    norm = Normaliser()
    assert norm.text(CID_A + "\n") == "<ID1>\n"
    assert norm.text(f"{CID_B[:12]}\n{CID_A[:12]}\n") == "<ID2>\n<ID1>\n"
    assert norm.text(f'container "{CID_B}" is running') == 'container "<ID2>" is running'


def test_image_ids_and_digests() -> None:
    norm = Normaliser()
    text = "Deleted: sha256:" + "c" * 64 + "\nDigest: sha256:" + "d" * 64
    assert norm.text(text) == "Deleted: sha256:<ID1>\nDigest: sha256:<ID2>"


def test_all_digit_twelve_character_numbers_are_not_ids() -> None:
    assert Normaliser().text("tid 140245263673216 and 123456789012") == (
        "tid 140245263673216 and 123456789012")


def test_all_digit_short_ids_where_ids_stand() -> None:
    """One short ID in 280 has no letter: in a table cell or on a line of its own it is an ID."""
    norm = Normaliser()
    table = ("REPOSITORY   TAG   IMAGE ID   CREATED   SIZE\n"
             "ubuntu   latest   858666267559   5 seconds ago   1.99MB\n")
    assert norm.text(table).split("\n")[1] == "ubuntu   latest   <ID1>   <DURATION> ago   <SIZE>"
    assert norm.text("8e8666267559\n858666267559\n") == "<ID2>\n<ID1>\n"  # numbered in order


def test_generated_names_only() -> None:
    norm = Normaliser()
    assert norm.text("pedantic_liskov boring_wozniak3") == "<NAME1> <NAME2>"
    assert norm.name("pedantic_liskov") == "<NAME1>"
    # words with underscores that are not generated names stay
    assert norm.text("exec_create restart_count open_stdin my_web") == (
        "exec_create restart_count open_stdin my_web")


@pytest.mark.parametrize("text", [
    "Less than a second", "1 second", "5 seconds", "About a minute", "3 minutes", "About an hour",
    "2 hours", "3 days", "2 weeks", "4 months", "2 years"])
def test_human_durations(text: str) -> None:
    assert Normaliser().text(f"Up {text}") == "Up <DURATION>"
    assert Normaliser().text(f"Exited (0) {text} ago") == "Exited (0) <DURATION> ago"


@pytest.mark.parametrize(("line", "expected"), [
    ("[Sun Nov 22 11:36:08.520000 2026] [mpm_event:notice] x", "[<TIME>] [mpm_event:notice] x"),
    ("2026/11/22 11:36:54 [notice] 1#1: nginx/1.27.3", "<TIME> [notice] 1#1: nginx/1.27.3"),
    ("1:M 22 Nov 2026 11:36:54.534 * Server initialized", "1:M <TIME> * Server initialized"),
    ("1:signal-handler (1795347798) Received SIGTERM", "1:signal-handler (<EPOCH>) Received SIGTERM"),
    ("2026-11-22 11:42:11+00:00 [Note] [Entrypoint]: x", "<TIME> [Note] [Entrypoint]: x"),
    ("2026-11-22T11:36:55.891683Z 0 [Note] mysqld", "<TIME> 0 [Note] mysqld"),
    ("26/11/22 11:36:54 INFO Master: Running", "<TIME> INFO Master: Running"),
    ("2026-08-23 10:15:30 +0000 UTC", "<TIME>"),
    ("Sun Nov 22 11:32:40 UTC 2026", "<TIME>"),
])
def test_timestamps(line: str, expected: str) -> None:
    assert Normaliser().text(line) == expected


def test_ips_and_sizes() -> None:
    norm = Normaliser()
    assert norm.text("using 172.17.0.3. Set") == "using <IP>. Set"
    assert norm.text("0.0.0.0:8080->80/tcp 127.0.0.1") == "0.0.0.0:8080->80/tcp 127.0.0.1"
    assert norm.text("1.98MB 13.3kB 0B (virtual 187MB)") == "<SIZE> <SIZE> <SIZE> (virtual <SIZE>)"


def test_table_padding_is_collapsed_when_cells_of_varying_width_were_replaced() -> None:
    real = ("CONTAINER ID   IMAGE          STATUS                              NAMES\n"
            f"{CID_A[:12]}   ubuntu:20.04   Exited (0) Less than a second ago   web\n")
    sim = ("CONTAINER ID   IMAGE          STATUS                     NAMES\n"
           f"{CID_B[:12]}   ubuntu:20.04   Exited (0) 5 seconds ago   web\n")
    assert Normaliser().text(real) == Normaliser().text(sim)
    # without variable-width replacements the layout is compared exactly
    assert Normaliser().text("a    b\n") == "a    b\n"


def test_top_tables_hide_host_pids_and_times() -> None:
    real = ("UID                 PID                 PPID                C                   "
            "STIME               TTY                 TIME                CMD\n"
            "root                5062                5042                1                   "
            "11:43               ?                   00:00:00            sleep 100\n")
    sim = ("UID   PID   PPID   C   STIME   TTY   TIME   CMD\n"
           "root   1234   1200   0   09:00   ?   00:00:01   sleep 100\n")
    assert Normaliser().text(real) == Normaliser().text(sim)
    assert "sleep 100" in Normaliser().text(real)


def test_normalise_renames_state_keys_and_event_names() -> None:
    t = transcript(step("docker run ubuntu:20.04", events=[ev("create", "jolly_hopper")],
                        states={"jolly_hopper": state()}))
    out = normalise(t)["steps"][0]
    assert out["events"][0]["name"] == "<NAME1>"
    assert out["events"][0]["attrs"]["name"] == "<NAME1>"
    assert list(out["states"]) == ["<NAME1>"]


def test_event_sequences_ignore_network_events_and_order_stop_after_die() -> None:
    events = [ev("kill", "web", signal="15"),
              {"type": "network", "action": "disconnect", "name": "bridge", "attrs": {}},
              ev("stop", "web"), ev("die", "web", exitCode="0"), ev("kill", "db", signal="9")]
    assert event_sequences(events) == {
        "web": [("kill", None, "15"), ("die", "0", None), ("stop", None, None)],
        "db": [("kill", None, "9")],
    }


def test_a_timed_out_probe_s_exec_die_and_verdict_compare_in_either_order() -> None:
    probe = "exec_start: /bin/sh -c sleep 5"
    racing = [ev(probe, "slow"), ev("health_status: unhealthy", "slow"), ev("exec_die", "slow",
                                                                            exitCode="127")]
    settled = [ev(probe, "slow"), ev("exec_die", "slow", exitCode="127"),
               ev("health_status: unhealthy", "slow")]
    assert event_sequences(racing) == event_sequences(settled) == {"slow": [
        (probe, None, None), ("exec_die", "127", None), ("health_status: unhealthy", None, None)]}


# --------------------------------------------------------------------------------------------------
# Per-step comparison
# --------------------------------------------------------------------------------------------------

REAL = transcript(
    step("docker run -d --name web httpd", stdout=CID_A + "\n",
         events=[ev("create", "web"), ev("start", "web")],
         states={"web": state(status="running", running=True, image="httpd")}),
    step("docker stop web", stdout="web\n",
         events=[ev("kill", "web", signal="28"), ev("die", "web", exitCode="0"), ev("stop", "web")],
         states={"web": state(image="httpd")}),
    step("docker rm nosuch", exit=1, stderr="Error response from daemon: No such container: nosuch\n",
         states={"web": state(image="httpd")}),
)


def test_identical_modulo_normalisation_matches_fully() -> None:
    sim = copy.deepcopy(REAL)
    sim["steps"][0]["stdout"] = CID_B + "\n"
    sim["steps"][2]["stderr"] = "Error response from daemon: No such container: nosuch (v29)\n"
    report = compare(REAL, sim, [])
    assert report.ok, report.summary()
    assert report.match_rate == 1.0
    assert report.compared > 10


def test_stderr_is_compared_loosely_but_emptiness_matters() -> None:
    sim = copy.deepcopy(REAL)
    sim["steps"][2]["stderr"] = ""
    report = compare(REAL, sim, [])
    assert len(report.differences) == 1
    assert "step 2 `docker rm nosuch` stderr" in report.differences[0]


def test_exit_stdout_events_and_state_differences_are_reported() -> None:
    sim = copy.deepcopy(REAL)
    sim["steps"][1]["exit"] = 1
    sim["steps"][1]["stdout"] = "web\nextra\n"
    sim["steps"][1]["events"] = [ev("kill", "web", signal="15"), ev("die", "web", exitCode="143"),
                                 ev("stop", "web")]
    sim["steps"][1]["states"]["web"]["exit_code"] = 143
    report = compare(REAL, sim, [])
    fields = sorted(d.field for d in report.raw)
    assert fields == ["events", "exit", "states.web.exit_code", "stdout"]
    assert report.match_rate < 1.0
    text = "\n".join(report.differences)
    assert "demo step 1 `docker stop web` exit: expected 0, actual 1" in text
    assert "+extra" in text  # multi-line output comes as a diff


def test_missing_container_and_missing_events_are_reported() -> None:
    sim = copy.deepcopy(REAL)
    sim["steps"][0]["events"] = [ev("create", "web")]
    sim["steps"][2]["states"] = {}
    report = compare(REAL, sim, [])
    fields = sorted(d.field for d in report.raw)
    assert fields == ["events", "states.web"]


def test_timing_steps_compare_states_only() -> None:
    real = copy.deepcopy(REAL)
    real["steps"][0]["timing"] = True
    sim = copy.deepcopy(real)
    sim["steps"][0]["events"] = [ev("create", "web"), ev("start", "web"), ev("die", "web"),
                                 ev("start", "web")]
    sim["steps"][0]["stdout"] = "different\n"
    assert compare(real, sim, []).ok
    sim["steps"][0]["states"]["web"]["restart_count"] = 3
    assert [d.field for d in compare(real, sim, []).raw] == ["states.web.restart_count"]


def test_step_count_and_command_mismatches() -> None:
    sim = copy.deepcopy(REAL)
    sim["steps"] = sim["steps"][:2]
    assert any(d.field == "steps" for d in compare(REAL, sim, []).raw)
    sim = copy.deepcopy(REAL)
    sim["steps"][1]["cmd"] = "docker kill web"
    assert any(d.field == "cmd" for d in compare(REAL, sim, []).raw)


# --------------------------------------------------------------------------------------------------
# Allow-list
# --------------------------------------------------------------------------------------------------


def test_allow_list_tolerates_only_matching_differences() -> None:
    sim = copy.deepcopy(REAL)
    sim["steps"][1]["exit"] = 1
    sim["steps"][1]["states"]["web"]["exit_code"] = 143
    allow = [{"scenario": "de*", "step": 1, "field": "states.*.exit_code",
              "reason": "demonstration of a tolerated difference"}]
    report = compare(REAL, sim, allow)
    assert len(report.raw) == 2
    assert len(report.tolerated) == 1 and "demonstration" in report.tolerated[0]
    assert len(report.differences) == 1 and "exit" in report.differences[0]
    assert not report.ok
    # another scenario or step does not match
    for other in ({"scenario": "other", "step": 1}, {"scenario": "demo", "step": 0}):
        entry = allow[0] | other
        assert len(compare(REAL, sim, [entry]).differences) == 2
    star = allow[0] | {"step": "*", "field": "*"}
    assert compare(REAL, sim, [star]).ok


@pytest.mark.parametrize("entry", [
    {"scenario": "demo", "step": 1, "field": "exit"},
    {"scenario": "demo", "step": 1, "field": "exit", "reason": "  "},
    {"scenario": "demo", "step": "1", "field": "exit", "reason": "a reason"},
])
def test_allow_list_entries_need_a_reason_and_a_valid_step(entry: dict) -> None:
    with pytest.raises(ValueError):
        parse_allowlist([entry])
