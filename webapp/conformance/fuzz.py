"""Differential fuzzing: generated command sequences run on the real daemon and on the simulator.

A seeded random walk over the container lifecycle (`webapp/engine/lifecycle.py`) writes sequences of
5-10 `docker` commands: run / create with -d -i -t --rm --init --restart --stop-signal -m, start,
stop -t, kill -s, pause, unpause, restart, rm [-f], exec, wait, rename, logs, ps with filters and
inspect formats. The walk keeps a belief about each container's state so that most commands are
valid, and on purpose some are not (acting on missing or removed containers, pausing exited ones,
name conflicts): error messages and exit codes must match too.

Each sequence is an ordinary conformance scenario (so `lifecycle-lab replay` replays it); it runs on
the daemon with the docker CLI and on a fresh simulator, and the transcripts are compared with the
conformance rules (`compare.py`) and the fuzz allow-list.

Sequences run concurrently on one daemon: every container a sequence makes is named with the
sequence's own prefix (`fz007-…`), every `docker ps` filters on that prefix, and the events and
states recorded for a sequence are those of its own containers (events are read per step as the
span `docker events --since --until` of the step, which a loaded daemon answers completely, up to
a moment after the states were read, so that a step holds every event its states show). A sequence
refuses to start when a container with its prefix exists already (a leftover, or somebody else's),
rather than touching it.

Generated containers either run until they are signalled (sleep, a shell waiting on stdin, httpd,
nginx) or end at once (echo, exit N); a restart policy's first back-off (0.1 s) ends within the
settle time, and
`stop`/`restart` use `-t 0` or `-t 1`, since a PID 1 that ignores SIGTERM makes a real `docker stop`
wait out its whole timeout.
"""

from __future__ import annotations

import json
import os
import random
import secrets
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from .compare import Report, compare
from .real_runner import (
    KEPT_ATTRS,
    DaemonNotEmptyError,
    _daemon_now,
    _docker,
    _inspect,
    _run_step,
    _state_record,
)
from .scenario import steps_of
from .sim_runner import run_scenario_sim

#: `-t` without `-i` (`run -dt ubuntu`): a shell on a terminal waits for input and stays Up.
TTY_WITHOUT_STDIN = True

DEFAULT_SEQUENCES = 100
DEFAULT_JOBS = 6
SETTLE = 0.3
QUICK_END = 1.0  # extra seconds after starting a program that ends at once
REMOVAL_WAIT = 5.0
# how far DaemonClock.now() may lag the daemon's own clock (its margin plus a `docker info` round trip)
CLOCK_SLACK = 0.1

SIGNALS = ("KILL", "TERM", "INT", "HUP", "USR1", "SIGKILL", "9", "15")
STOP_SIGNALS = ("SIGKILL", "SIGINT", "SIGTERM", "SIGHUP")
RESTART_POLICIES = ("no", "always", "unless-stopped", "on-failure", "on-failure:3")
INSPECT_FORMATS = (
    "{{.State.Status}}",
    "{{.State.Status}} {{.State.ExitCode}}",
    "{{.State.Running}} {{.State.Paused}} {{.State.Restarting}}",
    "{{.RestartCount}}",
    "{{.Name}}",
    "{{.Config.Cmd}}",
    "{{json .Config.Cmd}}",
    "{{.Config.Image}}",
    "{{.HostConfig.RestartPolicy.Name}}",
    "{{.HostConfig.AutoRemove}}",
    "{{.Config.Tty}} {{.Config.OpenStdin}}",
    "{{.Config.StopSignal}}",
    "{{json .State.Status}}",
)
PS_FORMATS = (
    None,
    "{{.Names}} {{.Status}}",
    "{{.Names}}\\t{{.Image}}\\t{{.Command}}",
    "{{.Names}}: {{.State}}",
    "table {{.Names}}\\t{{.Status}}",
)

#: `docker VERB` -> `docker container VERB2` (the management-command spelling, now and then)
MANAGEMENT = {verb: verb for verb in ("run", "create", "start", "stop", "kill", "pause", "unpause",
                                      "restart", "rm", "exec", "wait", "rename", "logs", "inspect")}
MANAGEMENT["ps"] = "ls"

# (image, command) of containers that run until signalled; the first word says how they take
# signals as PID 1: "sleep" ignores every signal but SIGKILL (no handlers), "shell" waits on stdin,
# "server" has handlers of its own.
LONG = (
    ("sleep", "ubuntu:20.04", "sleep 1000"),
    ("sleep", "busybox:latest", "sleep 1000"),
    ("sleep", "alpine:latest", "sleep 1000"),
    ("shell", "ubuntu:20.04", ""),
    ("shell", "busybox:latest", ""),
    ("server", "httpd:latest", ""),
    ("server", "nginx:latest", ""),
)
SHORT = (
    ("ubuntu:20.04", "echo hello"),
    ("busybox:latest", "sh -c 'exit 3'"),
    ("alpine:latest", "true"),
    ("ubuntu:20.04", "false"),
    # (a moment between the streams: the daemon copies stdout and stderr to the log separately,
    # so lines written at once may reach `logs --tail` in either order)
    ("ubuntu:20.04", "sh -c 'echo out; sleep 0.2; echo err >&2; exit 2'"),
    ("busybox:latest", "echo a b c"),
)


@dataclass
class Box:
    """What the generator believes about one container (`state` "unknown": maybe running)."""

    name: str
    kind: str  # sleep | shell | server | short
    state: str  # created | running | paused | exited | unknown
    init: bool = False
    rm: bool = False
    restart: str = "no"
    stop_signal: str = ""
    image: str = ""
    tty: bool = False


@dataclass
class Walk:
    """One sequence being generated."""

    rng: random.Random
    prefix: str
    boxes: dict[str, Box] = field(default_factory=dict)
    removed: list[str] = field(default_factory=list)
    steps: list = field(default_factory=list)

    # ---------------------------------------------------------------- names
    def fresh_name(self) -> str:
        taken = set(self.boxes) | set(self.removed)
        for suffix in ("web", "db", "app", "job", "box", "tmp", "one", "two", "srv", "cli"):
            if self.prefix + suffix not in taken:
                return self.prefix + suffix
        return self.prefix + f"x{len(taken)}"

    def target(self) -> str:
        """A container to act on: mostly a live one, sometimes a removed or never-made name."""
        roll = self.rng.random()
        if self.boxes and roll < 0.86:
            return self.rng.choice(sorted(self.boxes))
        if self.removed and roll < 0.94:
            return self.rng.choice(self.removed)
        return self.prefix + "nosuch"

    def targets(self) -> list[str]:
        """One container to act on, sometimes two (the CLI acts on each; one error fails all)."""
        first = self.target()
        if self.rng.random() < 0.12:
            second = self.target()
            if second != first:
                return [first, second]
        return [first]

    def add(self, cmd: str, stdin: str | None = None) -> None:
        verb = cmd.split()[1]
        if verb in MANAGEMENT and self.rng.random() < 0.08:  # `docker container stop`, `… ls`
            cmd = cmd.replace(f"docker {verb}", f"docker container {MANAGEMENT[verb]}", 1)
        self.steps.append({"cmd": cmd, "stdin": stdin} if stdin is not None else cmd)

    def let_end(self) -> None:
        """The last step started a program that ends at once, without waiting for it: give it a
        moment more (a loaded daemon may take longer than the settle time to see it end)."""
        step = self.steps[-1]
        self.steps[-1] = {**step, "sleep": QUICK_END} if isinstance(step, dict) else {
            "cmd": step, "sleep": QUICK_END}

    def remove(self, name: str) -> None:
        self.boxes.pop(name, None)
        if name not in self.removed:
            self.removed.append(name)

    # ---------------------------------------------------------------- commands
    def make(self) -> None:
        """`docker run` or `docker create`, of a long-running or a short container."""
        rng = self.rng
        conflict = bool(self.boxes) and rng.random() < 0.1
        name = rng.choice(sorted(self.boxes)) if conflict else self.fresh_name()
        create = rng.random() < 0.3
        long = rng.random() < 0.65
        if long:
            kind, image, command = rng.choice(LONG)
        else:
            kind, (image, command) = "short", rng.choice(SHORT)
        flags: list[str] = []
        init = rng.random() < 0.2
        if init:
            flags.append("--init")
        if rng.random() < 0.1:
            flags += ["-m", rng.choice(("512m", "1g"))]
        stop_signal = ""
        if kind != "server" and rng.random() < 0.15:
            # (not for servers: how nginx or httpd take another signal is the programs' business,
            # and the look-alikes only mimic their own stop signals)
            stop_signal = rng.choice(STOP_SIGNALS)
            flags += ["--stop-signal", stop_signal]
        rm = rng.random() < 0.2
        restart = "no"
        if long and rng.random() < 0.25:
            restart = rng.choice(RESTART_POLICIES)
            flags += ["--restart", restart]
            if rm and rng.random() < 0.7:
                rm = False  # mostly valid; sometimes the --rm/--restart conflict
        if rm:
            flags.append("--rm")
        if long:
            if kind == "shell":  # a shell waits on its open stdin
                modes = ["-i", "-it"] if create else ["-di", "-d -i", "-dit"]
                if TTY_WITHOUT_STDIN:
                    modes += ["-t"] if create else ["-dt"]
                flags.insert(0, rng.choice(modes))
            elif not create:
                flags.insert(0, "-d")
            words = ["docker", "create" if create else "run", *flags, "--name", name, image]
            state = "created" if create else "running"
        else:
            if not create and rng.random() < 0.15:
                flags.append("-i")  # a foreground shell-less command with stdin: same result
            words = ["docker", "create" if create else "run", *flags, "--name", name, image]
            state = "created" if create else "exited"
        if command:
            words.append(command)
        self.add(" ".join(words))
        if conflict:
            return  # the name is taken: the command fails, nothing changes
        if rm and restart != "no":
            return  # conflicting options: nothing is created
        box = Box(name, kind, state, init=init, rm=rm, restart=restart, stop_signal=stop_signal,
                  image=image, tty=any(f.startswith("-") and "t" in f and not f.startswith("--")
                                       for f in flags))
        if box.rm and state == "exited":
            self.remove(name)
            return
        self.boxes[name] = box

    def start(self) -> None:
        name = self.target()
        box = self.boxes.get(name)
        attach = box is not None and box.kind == "short" and self.rng.random() < 0.5
        self.add(f"docker start {'-a ' if attach else ''}{name}")
        if box is None or box.state in ("paused", "running", "unknown"):
            return
        if box.kind == "short" and not attach:
            self.let_end()
        if box.kind == "short":
            box.state = "exited"
            if box.rm:
                self.remove(name)
        else:
            box.state = "running"

    def ended(self, box: Box) -> None:
        """`box` was stopped or killed by hand: it ends (and goes, with --rm)."""
        box.state = "exited"
        if box.rm:
            self.remove(box.name)

    def stop(self) -> None:
        names = self.targets()
        verb = self.rng.choice(("stop", "stop", "restart"))
        boxes = [self.boxes[n] for n in names if n in self.boxes]
        timeout = self.rng.choice((0, 1))
        if any(box.state == "paused" or box.kind == "server" or box.stop_signal == "SIGKILL"
               or box.init for box in boxes):
            # -t 0 races on the real daemon: the thaw of a paused container against the SIGKILL
            # (`unpause` logged before or after `kill 9`), a server's quick graceful stop against
            # the SIGKILL (exit 0 or 137), a SIGKILL stop signal, or a process tini lets die of
            # the stop signal, against the daemon's SIGKILL (one `kill` event or two)
            timeout = 1
        if any(box.kind == "server" for box in boxes):
            # a server ends on its stop signal: a longer grace costs nothing, and on a loaded
            # machine its look-alike may need more than a second for its graceful exit
            timeout = 3
        self.add(f"docker {verb} -t {timeout} {' '.join(names)}")
        if verb == "restart" and any(box.kind == "short" for box in boxes):
            self.let_end()
        for box in boxes:
            self.stopped(box, verb)

    def stopped(self, box: Box, verb: str) -> None:
        name = box.name
        if verb == "restart":
            if box.kind == "short":
                box.state = "exited"
                if box.rm:
                    self.remove(name)
            elif box.rm and box.state in ("running", "paused", "unknown"):
                box.state = "unknown"  # --rm and restart: removal races the new start
            else:
                box.state = "running"
        elif box.state in ("running", "paused", "unknown"):
            self.ended(box)

    def kill(self) -> None:
        names = self.targets()
        boxes = [self.boxes[n] for n in names if n in self.boxes]
        signal = ""
        if self.rng.random() < 0.6 and all(box.kind != "server" for box in boxes):
            signal = self.rng.choice(SIGNALS)
        self.add(f"docker kill {'-s ' + signal + ' ' if signal else ''}{' '.join(names)}")
        for box in boxes:
            self.signalled(box, signal)

    def signalled(self, box: Box, signal: str) -> None:
        if box.state not in ("running", "paused", "unknown"):
            return
        fatal = signal in ("", "KILL", "SIGKILL", "9")
        if box.state == "paused" and not fatal:
            # the daemon thaws a paused container for its stop signal (any, when none is set)
            if box.stop_signal and _signum(signal) != _signum(box.stop_signal):
                return  # pending until it is unpaused
            box.state = "running"
        if box.restart != "no":
            box.state = "unknown"  # whether a policy restarts it is the daemon's business
        elif fatal:
            self.ended(box)
        elif box.kind == "sleep" and not box.init:
            pass  # PID 1 without handlers: the signal is ignored
        elif box.kind == "sleep" and box.state == "running":
            self.ended(box)  # tini forwards it and sleep dies of it
        else:
            box.state = "unknown"

    def pause(self) -> None:
        names = self.targets()
        verb = "pause" if self.rng.random() < 0.55 else "unpause"
        self.add(f"docker {verb} {' '.join(names)}")
        for box in [self.boxes[n] for n in names if n in self.boxes]:
            if verb == "pause" and box.state == "running":
                box.state = "paused"
            elif verb == "unpause" and box.state == "paused":
                box.state = "running"

    def rm(self) -> None:
        names = self.targets()
        force = self.rng.random() < 0.5
        self.add(f"docker rm {'-f ' if force else ''}{' '.join(names)}")
        for box in [self.boxes[n] for n in names if n in self.boxes]:
            if force or box.state in ("created", "exited"):
                self.remove(box.name)

    def exec_(self) -> None:
        name = self.target()
        box = self.boxes.get(name)
        if box is not None and box.state == "unknown":
            return self.inspect()
        choice = self.rng.randrange(6)
        if choice == 0:
            self.add(f"docker exec {name} echo hi")
        elif choice == 1:
            self.add(f"docker exec {name} sh -c 'exit 4'")
        elif choice == 2:
            self.add(f"docker exec -i {name} cat", stdin="typed line\n")
        elif choice == 3:
            self.add(f"docker exec -w /tmp {name} pwd")
        elif choice == 4:
            self.add(f"docker exec -e GREETING=hey {name} sh -c 'echo $GREETING'")
        else:
            self.add(f"docker exec {name} true")
        return None

    def wait(self) -> None:
        """`docker wait` only where it returns at once: an ended container, or a missing one."""
        candidates = [b.name for b in self.boxes.values() if b.state == "exited"]
        if candidates and self.rng.random() < 0.8:
            self.add(f"docker wait {self.rng.choice(candidates)}")
        else:
            self.add(f"docker wait {self.rng.choice([*self.removed, self.prefix + 'nosuch'])}")

    def rename(self) -> None:
        name = self.target()
        if self.boxes and self.rng.random() < 0.15:
            new = self.rng.choice(sorted(self.boxes))  # taken (or the same name)
        else:
            new = self.fresh_name()
        self.add(f"docker rename {name} {new}")
        box = self.boxes.get(name)
        if box is None or new in self.boxes:
            return
        del self.boxes[name]
        box.name = new
        self.boxes[new] = box

    def logs(self) -> None:
        name = self.target()
        box = self.boxes.get(name)
        if box is not None and (box.kind == "server" or box.tty):
            # the look-alikes write their start-up lines over a moment: how many a given instant
            # shows is timing (and stdout/stderr interleaving with it); a shell on a terminal
            # writes its prompt, which in the look-alikes is busybox's, not the image's
            name = self.prefix + "nosuch"
        tail = self.rng.choice(("", "", "--tail 1 ", "-n 2 "))
        self.add(f"docker logs {tail}{name}")

    def ps(self) -> None:
        flags = ["docker", "ps"]
        if self.rng.random() < 0.7:
            flags.append("-a")
        if self.rng.random() < 0.2:
            flags.append("-q")
        flags += ["--filter", f"name={self.prefix}"]
        roll = self.rng.random()
        if roll < 0.2:
            flags += ["--filter", f"status={self.rng.choice(('running', 'exited', 'paused', 'created'))}"]
        elif roll < 0.3:
            flags += ["--filter", f"exited={self.rng.choice((0, 2, 137))}"]
        fmt = self.rng.choice(PS_FORMATS)
        if fmt and "-q" not in flags:
            flags += ["--format", f"'{fmt}'"]
        self.add(" ".join(flags))

    def inspect(self) -> None:
        name = self.target()
        fmt = self.rng.choice(INSPECT_FORMATS)
        self.add(f"docker inspect -f '{fmt}' {name}")


def _signum(name: str) -> str:
    """'SIGINT', 'INT' -> 'INT'; '9' -> 'KILL'; '15' -> 'TERM' (for comparing signal names)."""
    name = name.upper().removeprefix("SIG")
    return {"9": "KILL", "15": "TERM"}.get(name, name)


def generate(seed: int, index: int, *, width: int = 3) -> dict:
    """Sequence `index` of the run seeded `seed`, as a scenario (the same for the same arguments)."""
    rng = random.Random(f"{seed}/{index}")
    walk = Walk(rng, f"fz{index:0{width}d}-")
    length = rng.randint(5, 10)
    actions: list[tuple[Callable[[], None], float]] = [
        (walk.make, 2.0), (walk.start, 1.2), (walk.stop, 1.2), (walk.kill, 1.0), (walk.pause, 1.2),
        (walk.rm, 0.8), (walk.exec_, 1.0), (walk.wait, 0.4), (walk.rename, 0.5), (walk.logs, 0.8),
        (walk.ps, 1.2), (walk.inspect, 1.2),
    ]
    funcs, weights = zip(*actions, strict=True)
    walk.make()
    while len(walk.steps) < length:
        if not walk.boxes and rng.random() < 0.7:
            walk.make()
            continue
        rng.choices(funcs, weights)[0]()
    return {"name": f"fuzz-{seed}-{index:0{width}d}",
            "description": f"generated by `lifecycle-lab fuzz --seed {seed}` (sequence {index})",
            "steps": walk.steps}


def generate_all(seed: int, count: int) -> list[dict]:
    width = max(3, len(str(count - 1)))
    return [generate(seed, index, width=width) for index in range(count)]


def scenario_prefix(scenario: dict) -> str:
    """The container-name prefix of a generated scenario (`fuzz-SEED-007` -> `fz007-`)."""
    return "fz" + scenario["name"].rsplit("-", 1)[1] + "-"


# --------------------------------------------------------------------------------------------------
# The real daemon, shared by concurrent sequences
# --------------------------------------------------------------------------------------------------


class DaemonClock:
    """The daemon's clock, read once: events are fetched per step as `docker events --since A
    --until B`, which answers at once with every event of that span (a live `docker events`
    stream may deliver them later than the settle time on a loaded machine)."""

    def __init__(self, docker: str) -> None:
        self.offset = float(_daemon_now(docker)) + 0.05 - time.time()

    def now(self) -> float:
        return time.time() + self.offset - 0.01  # never in the daemon's future: --until would wait


def _events_between(docker: str, since: float, until: float, prefix: str) -> list[dict]:
    """Container events of the span whose container name starts with `prefix`, in order."""
    proc = _docker(docker, "events", "--since", f"{since:.6f}", "--until", f"{until:.6f}",
                   "--filter", "type=container", "--format", "{{json .}}")
    events = []
    for line in proc.stdout.splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        name = ((event.get("Actor") or {}).get("Attributes") or {}).get("name", "")
        if name.startswith(prefix):
            events.append(event)
    return events


def _containers_named(docker: str, prefix: str) -> list[str]:
    proc = _docker(docker, "ps", "-aq", "--no-trunc", "--filter", f"name={prefix}")
    return proc.stdout.split()


@dataclass
class _SpanReader:
    """Reads a sequence's events span by span (`docker events --since --until`), noting the
    containers created and destroyed."""

    docker: str
    clock: DaemonClock
    prefix: str
    since: float
    seen: set[tuple[str, str, int]] = field(default_factory=set)
    ids: list[str] = field(default_factory=list)
    destroyed: set[str] = field(default_factory=set)

    def read(self, into: list[dict]) -> None:
        """Append the events from the end of the previous span up to now to `into`."""
        until = self.clock.now()
        for event in _events_between(self.docker, self.since, until, self.prefix):
            actor = event.get("Actor") or {}
            key = (actor.get("ID", ""), event.get("Action", ""), event.get("timeNano", 0))
            if key in self.seen:  # on the boundary of two spans
                continue
            self.seen.add(key)
            if event.get("Action") == "create" and actor.get("ID") not in self.ids:
                self.ids.append(actor.get("ID", ""))
            elif event.get("Action") == "destroy":
                self.destroyed.add(actor.get("ID", ""))
            attributes = actor.get("Attributes") or {}
            into.append({"type": "container", "action": event.get("Action", ""),
                         "name": attributes.get("name", ""),
                         "attrs": {k: attributes[k] for k in KEPT_ATTRS if k in attributes}})
        self.since = until


def run_sequence_real(scenario: dict, clock: DaemonClock, *, docker: str = "docker",
                      settle: float = SETTLE, step_timeout: float = 30) -> dict:
    """Run a generated scenario on the daemon beside others; its containers only are recorded."""
    prefix = scenario_prefix(scenario)
    if _containers_named(docker, prefix):
        raise DaemonNotEmptyError(
            f"containers named {prefix}* exist on the daemon already; the fuzzer leaves them alone: "
            "remove them yourself, or point DOCKER_HOST at a daemon of your own")
    reader = _SpanReader(docker, clock, prefix, clock.now())
    results = []
    try:
        time.sleep(0.1)
        for step in steps_of(scenario):
            stdout, stderr, code, note = _run_step(docker, step, step_timeout)
            time.sleep(step.sleep + settle)
            events: list[dict] = []
            deadline = time.monotonic() + REMOVAL_WAIT
            while True:
                reader.read(events)
                found = _inspect(docker, reader.ids)
                # --rm removes an ended container in the background, which under load can take
                # longer than the settle time: wait for it, and for its `destroy` event (the
                # simulator removes at once)
                gone = set(reader.ids) - {d.get("Id") for d in found}
                removing = any((d.get("State") or {}).get("Status") == "removing" for d in found)
                if (not removing and gone <= reader.destroyed) or time.monotonic() > deadline:
                    break
                time.sleep(0.1)
            states = {data.get("Name", "").lstrip("/"): _state_record(data) for data in found}
            # The events logged while the states were read (a restart's `start` the states show):
            # the clock reads the daemon's time a little behind, so wait that out first.
            time.sleep(CLOCK_SLACK)
            reader.read(events)
            result = {"cmd": step.cmd, "stdin": step.stdin, "stdout": stdout, "stderr": stderr,
                      "exit": code, "events": events, "states": states}
            if note:
                result["note"] = note
            results.append(result)
    finally:
        leftovers = _containers_named(docker, prefix)
        if leftovers:
            _docker(docker, "rm", "-f", *leftovers, timeout=120)
    return {"name": scenario["name"], "steps": results}


# --------------------------------------------------------------------------------------------------
# A fuzzing run
# --------------------------------------------------------------------------------------------------


@dataclass
class Outcome:
    scenario: dict
    real: dict
    sim: dict
    report: Report


def fuzz_scenarios(scenarios: list[dict], *, docker: str = "docker", jobs: int = DEFAULT_JOBS,
                   allow: list[dict] | None = None,
                   progress: Callable[[Outcome], None] | None = None) -> list[Outcome]:
    """Run generated sequences on the daemon (`jobs` at once) and on the simulator; compare."""
    clock = DaemonClock(docker)

    def one(scenario: dict) -> Outcome:
        real = run_sequence_real(scenario, clock, docker=docker)
        sim = run_scenario_sim(scenario)
        outcome = Outcome(scenario, real, sim, compare(real, sim, allow))
        if progress:
            progress(outcome)
        return outcome

    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        return list(pool.map(one, scenarios))


def seed_from_env() -> int:
    """`FUZZ_SEED` if set, else a fresh random seed (printed by the callers, for replay)."""
    value = os.environ.get("FUZZ_SEED", "").strip()
    return int(value) if value else secrets.randbelow(10**9)


def sequences_from_env() -> int:
    value = os.environ.get("FUZZ_SEQUENCES", "").strip()
    return int(value) if value else DEFAULT_SEQUENCES


def replay_hint(outcome: Outcome) -> str:
    """A failing sequence as a scenario file's text, with how to replay it."""
    name = outcome.scenario["name"]
    return (f"--- {name}: save as {name}.json and run `lifecycle-lab replay {name}.json` (simulator) "
            f"or `lifecycle-lab replay --engine docker-cli {name}.json` (the daemon)\n"
            + json.dumps(outcome.scenario, indent=2) + "\n"
            + outcome.report.summary())


def write_artifacts(outcomes: list[Outcome], folder: Path) -> None:
    """Every failing sequence's scenario and both transcripts, for reading and replay."""
    folder.mkdir(parents=True, exist_ok=True)
    for outcome in outcomes:
        if outcome.report.ok:
            continue
        name = outcome.scenario["name"]
        for suffix, data in (("", outcome.scenario), (".docker", outcome.real),
                             (".sim", outcome.sim)):
            (folder / f"{name}{suffix}.json").write_text(
                json.dumps(data, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
