"""Replay a scenario on a real Docker daemon and record its transcript.

Each step runs `docker <args>` as a subprocess (stdin: the step's text, or empty; no TTY), then the
runner sleeps the step's `sleep` plus `settle` seconds and records stdout, stderr, the exit status,
the state of every container the scenario created (`docker inspect`) and the container events
logged since the previous recording up to that inspection (from one `docker events` stream opened
before the first step, read up to a marker event made after the inspection). Afterwards every container the scenario created is removed with `docker rm -f`, and every
image tag (and untagged image) that appeared while it ran is removed with `docker rmi`.

A scenario's `files` are written into a temporary folder (a file whose text starts with `#!` gets mode
0755, else 0644), the working folder of every step. `docker build` steps run with a BuildKit-capable
client (`build_client`), so the daemon's BuildKit, as current Docker uses it, judges the build.

The daemon must hold no containers when a scenario starts: the transcript (`docker ps -a`, events)
would otherwise include other people's containers. Containers this runner did not create are never
touched; a clear error is raised instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from webapp.conformance.scenario import Step, files_of, steps_of

#: Attributes kept on recorded events (the rest — labels, execDuration, … — is dropped).
KEPT_ATTRS = ("exitCode", "signal", "image", "name", "execID", "oldName")

#: Docker subcommands that may create containers; a `create` event seen during any other step is
#: taken as another client's work on the same daemon.
CREATING_COMMANDS = {"run", "create"}

_LEFTOVERS: set[str] = set()
"""IDs of containers this process created and could not remove (removed at the next scenario)."""


class DaemonNotEmptyError(RuntimeError):
    """The daemon holds containers that this runner did not create."""


class DockerUnavailableError(RuntimeError):
    """No Docker daemon answers."""


#: Environment variable naming the docker client that runs `docker build` steps (with
#: DOCKER_BUILDKIT=1), instead of the one `build_client` picks.
BUILD_CLI_ENV = "LAB_BUILD_DOCKER_CLI"
#: A client older than this builds with BuildKit when DOCKER_BUILDKIT=1 without buildx.
LEGACY_BUILDKIT_CLIENT = "/usr/bin/docker"
BUILD_STEP_TIMEOUT = 120.0


def build_client(docker: str = "docker") -> tuple[str, dict[str, str]]:
    """The docker client (and the environment it adds) for `docker build` steps, chosen so the
    daemon's BuildKit builds, as with current Docker (whose `docker build` is buildx):

    1. `$LAB_BUILD_DOCKER_CLI` when set (with DOCKER_BUILDKIT=1);
    2. `docker` itself when `docker buildx version` works (buildx is the builder);
    3. else a client older than 23.0 (`/usr/bin/docker`, or `docker` if it is one), whose built-in
       BuildKit client DOCKER_BUILDKIT=1 turns on;
    4. else `docker` as it is (23+ without buildx: the classic builder, with its deprecation
       warning — not a BuildKit reference, and a scenario whose build has a RUN step fails: the
       classic builder's intermediate containers look like another client's work).
    """
    from webapp.conformance.scenario import version_tuple

    env = {"DOCKER_BUILDKIT": "1"}
    override = os.environ.get(BUILD_CLI_ENV, "").strip()
    if override:
        return override, env
    try:
        if _docker(docker, "buildx", "version", timeout=20).returncode == 0:
            return docker, env
    except (OSError, subprocess.TimeoutExpired):
        pass
    for candidate in (docker, LEGACY_BUILDKIT_CLIENT):
        if shutil.which(candidate) is None:
            continue
        try:
            proc = _docker(candidate, "version", "--format", "{{.Client.Version}}", timeout=20)
        except (OSError, subprocess.TimeoutExpired):
            continue
        version = version_tuple(proc.stdout.strip())
        if version and version < (23,):
            return candidate, env
    return docker, {}


def _is_build(step: Step) -> bool:
    argv = step.argv
    return bool(argv) and (argv[0] == "build" or argv[:2] in (["image", "build"],
                                                              ["buildx", "build"]))


def write_files(folder: str, files: dict[str, str]) -> None:
    """The workspace into `folder`, with the modes the learner's workspace gives its files."""
    from webapp.engine.workspace import Workspace

    for item in Workspace(files):
        path = os.path.join(folder, *item.path.split("/"))
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            handle.write(item.text)
        os.chmod(path, item.mode)


def _docker(docker: str, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([docker, *args], capture_output=True, text=True, timeout=timeout,
                          check=False, stdin=subprocess.DEVNULL)


def daemon_available(docker: str = "docker", timeout: float = 20) -> bool:
    try:
        return _docker(docker, "version", "--format", "{{.Server.Version}}",
                       timeout=timeout).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@dataclass
class _EventStream:
    """One `docker events` subprocess, read by a thread."""

    docker: str
    since: str
    events: list[dict] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.proc = subprocess.Popen(
            [self.docker, "events", "--since", self.since, "--format", "{{json .}}"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL, text=True,
            bufsize=1)
        self.thread = threading.Thread(target=self._read, name="docker-events", daemon=True)
        self.thread.start()
        self.taken = 0

    def _read(self) -> None:
        assert self.proc.stdout is not None
        for line in self.proc.stdout:
            line = line.strip()
            if not line:
                continue
            try:
                event = json.loads(line)
            except json.JSONDecodeError:
                continue
            with self.lock:
                self.events.append(event)

    def take(self) -> list[dict]:
        """Events that arrived since the previous call."""
        with self.lock:
            new = self.events[self.taken:]
            self.taken = len(self.events)
        return new

    def sync(self, timeout: float = 10) -> None:
        """Wait until every event the daemon logged before now has been read.

        The daemon sends events in the order it logs them, so once the destroy event of a volume
        made and removed now arrives, everything logged before it has arrived too. Without this a
        step's last events (say, the `start` of a restart its states already show) could land in
        the next step's record.
        """
        name = f"lab-sync-{uuid.uuid4().hex[:16]}"
        _docker(self.docker, "volume", "create", name)
        _docker(self.docker, "volume", "rm", name)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and self.proc.poll() is None:
            with self.lock:
                if any(event.get("Type") == "volume" and event.get("Action") == "destroy"
                       and (event.get("Actor") or {}).get("ID") == name
                       for event in self.events[self.taken:]):
                    return
            time.sleep(0.01)

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.thread.join(timeout=5)


def _event_record(event: dict) -> dict:
    actor = event.get("Actor") or {}
    attributes = actor.get("Attributes") or {}
    return {
        "type": event.get("Type", ""),
        "action": event.get("Action", event.get("status", "")),
        "name": attributes.get("name", ""),
        "attrs": {key: attributes[key] for key in KEPT_ATTRS if key in attributes},
    }


def _state_record(data: dict) -> dict:
    state = data.get("State") or {}
    config = data.get("Config") or {}
    return {
        "status": state.get("Status"),
        "exit_code": state.get("ExitCode"),
        "running": state.get("Running"),
        "paused": state.get("Paused"),
        "restarting": state.get("Restarting"),
        "restart_count": data.get("RestartCount"),
        "image": config.get("Image"),
        "cmd": config.get("Cmd"),
        "tty": config.get("Tty"),
        "open_stdin": config.get("OpenStdin"),
        "health": (state.get("Health") or {}).get("Status"),
    }


def _inspect(docker: str, ids: list[str]) -> list[dict]:
    if not ids:
        return []
    proc = _docker(docker, "inspect", "--type", "container", *ids)
    try:
        return json.loads(proc.stdout or "[]")
    except json.JSONDecodeError:
        return []


def _existing_containers(docker: str) -> list[tuple[str, str]]:
    proc = _docker(docker, "ps", "-a", "--no-trunc", "--format", "{{.ID}} {{.Names}}")
    if proc.returncode != 0:
        raise DockerUnavailableError(f"`docker ps` failed: {proc.stderr.strip()}")
    return [tuple(line.split(" ", 1)) for line in proc.stdout.splitlines() if line.strip()]  # type: ignore[misc]


def _remove(docker: str, ids: list[str]) -> None:
    if not ids:
        return
    _docker(docker, "rm", "-f", *ids, timeout=120)
    remaining = {cid for cid, _ in _existing_containers(docker)}
    for cid in ids:
        if cid in remaining:
            _LEFTOVERS.add(cid)
        else:
            _LEFTOVERS.discard(cid)


def ensure_empty_daemon(docker: str = "docker") -> None:
    """Remove this process's own leftovers; raise when anybody else's containers are present."""
    present = _existing_containers(docker)
    ours = [cid for cid, _ in present if cid in _LEFTOVERS]
    _remove(docker, ours)
    foreign = [(cid, name) for cid, name in present if cid not in _LEFTOVERS and cid not in ours]
    if foreign:
        names = ", ".join(name for _, name in foreign[:10])
        more = f" and {len(foreign) - 10} more" if len(foreign) > 10 else ""
        raise DaemonNotEmptyError(
            f"the Docker daemon holds {len(foreign)} container(s) this runner did not create "
            f"({names}{more}); conformance scenarios need a daemon with no containers. They were "
            "left alone: remove them yourself, or point DOCKER_HOST at a daemon of your own.")


def _daemon_now(docker: str) -> str:
    """The daemon's clock as a `docker events --since` value (the local clock as a fallback)."""
    proc = _docker(docker, "info", "--format", "{{json .SystemTime}}")
    try:
        stamp = json.loads(proc.stdout)
        when = datetime.fromisoformat(stamp[:26].rstrip("Z") + "+00:00" if stamp.endswith("Z")
                                      else stamp)
        return f"{when.timestamp() - 0.05:.6f}"
    except (ValueError, TypeError):
        return f"{time.time() - 0.05:.6f}"


def _image_refs(docker: str) -> set[str]:
    """Every image on the daemon, as `repo:tag` (or the ID of an untagged one)."""
    proc = _docker(docker, "images", "-a", "--no-trunc", "--format", "{{.Repository}}:{{.Tag}} {{.ID}}")
    refs = set()
    for line in proc.stdout.splitlines():
        ref, _, image_id = line.partition(" ")
        refs.add(image_id if ref == "<none>:<none>" else ref)
    return refs


def _remove_images(docker: str, before: set[str]) -> None:
    """Remove the tags and untagged images that appeared since `before` (the scenario's builds)."""
    new = _image_refs(docker) - before
    if new:
        _docker(docker, "rmi", "-f", *sorted(new), timeout=120)


def _run_step(docker: str, step: Step, timeout: float, cwd: str | None = None,
              build: tuple[str, dict[str, str]] | None = None) -> tuple[str, str, int, str | None]:
    argv = [docker, *step.argv]
    env = None
    if build is not None and _is_build(step):
        argv = [build[0], *step.argv]
        env = dict(os.environ, **build[1])
        timeout = max(timeout, BUILD_STEP_TIMEOUT)
    try:
        proc = subprocess.run(
            argv, input=(step.stdin or "").encode(), capture_output=True,
            timeout=timeout, check=False, cwd=cwd, env=env)
    except subprocess.TimeoutExpired as err:
        out = (err.stdout or b"").decode(errors="replace")
        errtext = (err.stderr or b"").decode(errors="replace")
        return out, errtext, -1, f"killed after blocking for more than {timeout:g} s"
    return (proc.stdout.decode(errors="replace"), proc.stderr.decode(errors="replace"),
            proc.returncode, None)


def _step_events(taken: list[dict], step: Step, created: list[str], foreign: set[str]) -> list[dict]:
    """The events of the scenario's own containers among `taken`; notes the containers this step
    created in `created` (and anybody else's in `foreign`)."""
    events: list[dict] = []
    creates = bool(step.argv) and (
        step.argv[0] in CREATING_COMMANDS
        or (step.argv[0] == "container" and len(step.argv) > 1 and step.argv[1] in CREATING_COMMANDS))
    for event in taken:
        if event.get("Type") != "container":
            continue
        cid = (event.get("Actor") or {}).get("ID", "")
        if cid == "" and event.get("Action") == "prune":  # the daemon's, of no container
            events.append(_event_record(event))
            continue
        if event.get("Action") == "create" and cid not in created:
            if creates:
                created.append(cid)
            else:
                foreign.add(cid)
        if cid in foreign or cid not in created:
            continue
        events.append(_event_record(event))
    return events


def run_scenario_real(scenario: dict, *, docker: str = "docker", settle: float = 0.3,
                      step_timeout: float = 30) -> dict:
    """Run `scenario` on the daemon `docker` talks to; return its transcript."""
    steps = steps_of(scenario)
    files = files_of(scenario)
    ensure_empty_daemon(docker)
    build = build_client(docker) if any(_is_build(step) for step in steps) else None
    images_before = _image_refs(docker)
    folder = tempfile.mkdtemp(prefix="lab-scenario-")
    write_files(folder, files)
    stream = _EventStream(docker, since=_daemon_now(docker))
    created: list[str] = []  # container IDs, in creation order
    foreign: set[str] = set()
    results: list[dict] = []
    try:
        time.sleep(0.1)
        for step in steps:
            stdout, stderr, code, note = _run_step(docker, step, step_timeout, folder, build)
            time.sleep(step.sleep + settle)
            # Events first (they name the containers this step created), then the states, then
            # the events logged while the states were read: a step's record holds every event up
            # to its states.
            stream.sync()
            events = _step_events(stream.take(), step, created, foreign)
            states: dict[str, dict] = {}
            for data in _inspect(docker, created):
                states[data.get("Name", "").lstrip("/")] = _state_record(data)
            stream.sync()
            events += _step_events(stream.take(), step, created, foreign)
            result = {"cmd": step.cmd, "stdin": step.stdin, "stdout": stdout, "stderr": stderr,
                      "exit": code, "events": events, "states": states}
            if step.timing:
                result["timing"] = True
            if note:
                result["note"] = note
            results.append(result)
    finally:
        stream.close()
        _remove(docker, [cid for cid in created if cid not in foreign])
        _remove_images(docker, images_before)
        shutil.rmtree(folder, ignore_errors=True)
    if foreign:
        raise DaemonNotEmptyError(
            f"scenario {scenario.get('name')!r}: another client created {len(foreign)} container(s) "
            "on this daemon while the scenario ran; its transcript is not trustworthy")
    return {"name": scenario.get("name", ""), "steps": results}


def main(argv: list[str] | None = None) -> int:
    """`python -m webapp.conformance.real_runner [--out DIR] SCENARIO.json ...`: record real
    transcripts (printed as JSON for one scenario, or written to DIR/<name>.json)."""
    import argparse
    from pathlib import Path

    from webapp.conformance.scenario import load_scenario

    parser = argparse.ArgumentParser(description="Record scenarios' transcripts on a real daemon.")
    parser.add_argument("scenarios", nargs="+", metavar="SCENARIO.json")
    parser.add_argument("--docker", default="docker")
    parser.add_argument("--out", help="write DIR/<scenario>.json instead of printing")
    args = parser.parse_args(argv)
    for path in args.scenarios:
        scenario = load_scenario(path)
        started = time.monotonic()
        transcript = run_scenario_real(scenario, docker=args.docker)
        text = json.dumps(transcript, indent=2, ensure_ascii=False) + "\n"
        if args.out:
            out = Path(args.out) / f"{scenario['name']}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text, encoding="utf-8")
            print(f"{scenario['name']}: {len(transcript['steps'])} steps, "
                  f"{time.monotonic() - started:.1f} s -> {out}")
        else:
            print(text, end="")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
