"""The page's own modules, exercised in the browser with synthetic Docker events.

The director turns events into token moves along the lifecycle table's edges; these tests feed it
the event sequences of docs/the project's Docker spec (5.5) and check which edge each move takes,
without timing: the modules are imported into the page and run directly. A command's context is
built, as on the page, from the server's summary of the line (`ctxOf('docker …')` in a script is
given `summarize_line` of that line, the payload of the `command` message).
"""

from __future__ import annotations

import re

import pytest

from webapp.command_summary import summarize_line

pytestmark = pytest.mark.browser

HARNESS = """
async (summaries) => {
  const lc = await import('/static/js/lifecycle.js');
  const cmd = await import('/static/js/command.js');
  const fmt = await import('/static/js/format.js');
  const json = await (await fetch('/api/lifecycle')).json();
  const life = new lc.Lifecycle(json);
  let n = 0;
  const ev = (action, name, attrs = {}, id = null) => {
    n += 1;
    return { Type: 'container', Action: action, Actor: { ID: id || name.padEnd(64, '0'), Attributes: { image: 'ubuntu:20.04', name, ...attrs } }, time: 1767603600 + n, timeNano: (1767603600 + n) * 1e9 };
  };
  const ctxOf = (line) => cmd.commandContext(line, summaries[line] ?? null);
  const moves = (steps) => steps.filter((s) => s.type === 'move').map((s) => `${s.from}>${s.to} via ${s.t ? s.t.edge : '-'}`);
  SCRIPT
}
"""


@pytest.fixture()
def js(lab):
    def run(script: str):
        lines = [m.group(2) for m in re.finditer(r"ctxOf\((['\"])(.*?)\1\)", script)]
        summaries = {line: summarize_line(line) for line in lines}
        assert all(summaries[line] for line in lines if line.startswith("docker ")), summaries
        # One function text (page.evaluate is not subject to the page's CSP; new Function would be).
        return lab.page.evaluate(HARNESS.replace("SCRIPT", script), summaries)

    return run


def test_run_is_one_move_along_the_run_edge_then_die(js):
    out = js("""
      const d = new lc.Director(life);
      const ctx = ctxOf('docker run ubuntu:20.04');
      const steps = [ev('create', 'a'), ev('attach', 'a'), ev('start', 'a'), ev('die', 'a', { exitCode: '0' })]
        .flatMap((e) => d.apply(e, ctx));
      return { moves: moves(steps), state: d.tokens()[0].state };
    """)
    assert out["moves"] == ["image>running via run", "running>exited via die"]
    assert out["state"] == "exited"


def test_a_run_whose_start_fails_lands_in_created(js):
    out = js("""
      const d = new lc.Director(life);
      const ctx = ctxOf('docker run ubuntu:20.04 nosuchcmd');
      const steps = [ev('create', 'b'), ev('attach', 'b')].flatMap((e) => d.apply(e, ctx));
      return moves(steps.concat(d.flushAll()));
    """)
    assert out == ["image>created via create"]


def test_stop_waits_out_the_grace_period_then_moves_along_stop(js):
    out = js("""
      const d = new lc.Director(life);
      d.apply(ev('create', 's'), null); d.apply(ev('start', 's'), null);
      const ctx = ctxOf('docker stop -t 3 s');
      const kill15 = d.apply(ev('kill', 's', { signal: '15' }), ctx);
      const rest = [ev('kill', 's', { signal: '9' }), ev('die', 's', { exitCode: '137' }), ev('stop', 's')]
        .flatMap((e) => d.apply(e, ctx));
      return { grace: kill15.filter((s) => s.type === 'grace').map((s) => s.seconds),
               ends: rest.filter((s) => s.type === 'grace-end').length,
               badges: rest.filter((s) => s.type === 'badge').map((s) => s.text),
               moves: moves(rest) };
    """)
    assert out["grace"] == [3]
    assert out["ends"] >= 1
    assert "exitCode=137" in out["badges"] and any(b.startswith("signal=9") for b in out["badges"])
    assert out["moves"] == ["running>exited via stop"]


def test_kill_and_rm_force_use_their_own_edges(js):
    out = js("""
      const d = new lc.Director(life);
      for (const name of ['k', 'f']) { d.apply(ev('create', name), null); d.apply(ev('start', name), null); }
      const kill = ctxOf('docker kill k');
      const a = [ev('kill', 'k', { signal: '9' }), ev('die', 'k', { exitCode: '137' })].flatMap((e) => d.apply(e, kill));
      const rmf = ctxOf('docker rm -f f');
      const b = [ev('kill', 'f', { signal: '9' }), ev('die', 'f', { exitCode: '137' }), ev('destroy', 'f')].flatMap((e) => d.apply(e, rmf));
      return [moves(a), moves(b)];
    """)
    assert out == [["running>exited via kill"], ["running>removed via rm -f"]]


def test_restart_of_a_running_container_is_the_self_loop(js):
    out = js("""
      const d = new lc.Director(life);
      d.apply(ev('create', 'r'), null); d.apply(ev('start', 'r'), null);
      const ctx = ctxOf('docker restart r');
      const steps = ['kill', 'die', 'stop', 'start', 'restart'].map((a) => ev(a, 'r', a === 'kill' ? { signal: '15' } : {}))
        .flatMap((e) => d.apply(e, ctx));
      return moves(steps);
    """)
    assert out == ["running>running via restart"]


def test_a_restart_policy_sends_the_token_to_restarting_and_back(js):
    out = js("""
      const d = new lc.Director(life);
      const ctx = ctxOf('docker run -d --restart=always --name p ubuntu:20.04 false');
      d.apply(ev('create', 'p'), ctx); d.apply(ev('start', 'p'), ctx);
      const steps = [ev('die', 'p', { exitCode: '1' }), ev('start', 'p')].flatMap((e) => d.apply(e, null));
      return moves(steps);
    """)
    assert out == ["running>restarting via die", "restarting>running via start"]


def test_snapshots_are_authoritative(js):
    out = js("""
      const d = new lc.Director(life);
      d.apply(ev('create', 'x'), null); d.apply(ev('start', 'x'), null);
      const id = d.tokens()[0].id;
      // The daemon says it is restarting (a policy we did not know about); then it is gone.
      const a = d.reconcile([{ name: 'x', id, image: 'ubuntu:20.04', state: 'restarting', status: 'Restarting (1) 1 second ago' }]);
      const b = d.reconcile([]);
      const c = d.reconcile([{ name: 'y', id: 'f'.repeat(64), image: 'nginx', state: 'paused', status: 'Up (Paused)' }]);
      return [moves(a), moves(b), c.filter((s) => s.type === 'spawn').map((s) => `${s.name}@${s.state}`)];
    """)
    assert out[0] == ["running>restarting via die"]
    assert out[1] == ["restarting>removed via rm -f"]
    assert out[2] == ["y@paused"]


def test_rewinding_recomputes_the_past(js):
    out = js("""
      const entries = [ev('create', 'w'), ev('start', 'w'), ev('pause', 'w'), ev('unpause', 'w')]
        .map((event) => ({ event, ctx: null, resolved: null }));
      return [0, 1, 2, 3].map((i) => lc.modelAt(life, entries, i).map((c) => `${c.name}@${c.state}`).join());
    """)
    assert out == ["w@created", "w@running", "w@paused", "w@running"]


def test_event_lines_are_printed_like_docker_events(js):
    out = js("""
      return fmt.formatEvent({ Type: 'container', Action: 'die',
        Actor: { ID: 'a'.repeat(64), Attributes: { name: 'x', image: 'ubuntu:20.04', exitCode: '0' } },
        time: 1767603601, timeNano: 1767603601000000000 });
    """)
    assert out == (
        "2026-01-05T09:00:01.000000000Z container die "
        + "a" * 64
        + " (exitCode=0, image=ubuntu:20.04, name=x)"
    )


def test_a_command_is_read_from_the_servers_summary(js):
    out = js("""
      const p = (i) => ({ command: i.command, prefer: i.prefer, targets: i.targets, attach: i.attach, timeout: i.timeout, name: i.name, restart: i.restart, newContainer: i.newContainer });
      const byId = ctxOf('docker pause ab12');
      return [p(ctxOf('docker run -it --name d1 ubuntu:20.04')), p(ctxOf('docker container stop --time=4 web db')),
              p(ctxOf('docker rm -f a')), p(ctxOf("docker run -d -e 'A=1 2' --restart always ubuntu:20.04 sh -c 'sleep 5'")),
              p(ctxOf('docker exec -it web sh')), p(ctxOf('ls -l')),
              [cmd.mentions(byId, { name: 'x', id: 'ab12'.padEnd(64, '0') }), cmd.mentions(byId, { name: 'ab', id: 'cd'.padEnd(64, '0') })],
              [cmd.stopTimeout(ctxOf('docker stop web'), { stopTimeout: 2 }), cmd.stopTimeout(ctxOf('docker stop -t 0 web'), { stopTimeout: 2 }), cmd.stopTimeout(null, null)]];
    """)
    run_it, stop, rmf, run_d, exec_it, ls, by_id, timeouts = out
    assert run_it["command"] == "run" and run_it["name"] == "d1" and run_it["newContainer"]
    assert run_it["attach"] == {"container": "d1", "stdin": True, "tty": True}
    assert run_it["prefer"] == ["run"] and run_it["targets"] == ["d1"]
    assert stop["command"] == "stop" and stop["targets"] == ["web", "db"] and stop["timeout"] == 4
    assert rmf["prefer"] == ["rm -f"] and rmf["targets"] == ["a"]
    assert run_d["attach"] is None and run_d["restart"] == "always" and run_d["targets"] == []
    assert exec_it["attach"]["container"] == "web" and exec_it["prefer"] == []
    assert ls["command"] is None and ls["targets"] == [] and ls["attach"] is None
    assert by_id == [True, False]
    assert timeouts == [2, 0, 10]
