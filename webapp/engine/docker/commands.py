"""The docker CLI on a real daemon: each parsed command becomes Engine API calls and what `docker`
prints.

It mirrors `webapp.engine.sim.commands` (same structure, same strings where the client makes them)
and follows the docker CLI's own call sequences, so the daemon logs the same events as for the real
client: an attached `run` is create, attach, start (then resize on a terminal), wait; `start -a` is
attach, start; `exec` is exec create, exec start (hijacked), exec inspect. Daemon messages are
passed through, with the learner's container names shown bare (`Scope.text`). Every container is
reached through `policy.Guard`; every flag and image is checked by `policy` first.
"""

from __future__ import annotations

import json
import threading
import time
from typing import TYPE_CHECKING, Any, ClassVar

import requests

from ..cli import ParsedCommand
from ..cli.client import Cli, Command, run_command
from ..cli.client_side import (
    ATTACH_REFUSED,
    DEFAULT_DETACH_KEYS,
    STDIN_NOT_A_TERMINAL,
    answered_before_dispatch,
    keys_for_attach,
    keys_for_run,
    status_for_start_error,
)
from ..cli.commands import lookup
from ..cli.commands.create import create_container
from ..cli.commands.exec import exec_body
from ..cli.commands.system import client_block
from ..futures import block_on, spawn
from ..job import Job
from . import policy
from .connection import ApiError, DaemonUnavailable, shutdown_response
from .policy import Owned, Refusal
from .streams import Bridge

if TYPE_CHECKING:
    from .engine import DockerEngine, Writer

DETACH_SPEC = "ctrl-p,ctrl-q"
TTY_SIZE = (24, 80)  # rows, columns of the console until it says otherwise (as the simulator)
DIE_EVENT_WAIT = 1.0  # seconds an attached command waits for the `die` event before returning
BLOCKING = {"run", "start", "attach", "exec", "stop", "restart", "wait", "logs", "events", "pull"}


def _keys_spec(keys: str) -> str:
    """The detach keys as the daemon's `detachKeys` parameter wants them."""
    special = {0: "ctrl-@", 27: "ctrl-[", 28: "ctrl-\\", 29: "ctrl-]", 30: "ctrl-^", 31: "ctrl-_"}
    out = []
    for ch in keys:
        code = ord(ch)
        out.append("ctrl-" + chr(code + 96) if 1 <= code <= 26 else special.get(code, ch))
    return ",".join(out)


class DockerCli:
    """Runs parsed docker commands against the learner's part of the daemon."""

    ALIASES: ClassVar[dict[str, str]] = {"container inspect": "inspect", "image inspect": "inspect"}

    def __init__(self, engine: DockerEngine):
        self.engine = engine
        self.guard = engine.guard
        self.scope = engine.scope
        self.conn = engine.conn
        self.policy = engine.policy
        self.images = engine.image_view

    # -- dispatch -----------------------------------------------------------------------------------

    def dispatch(self, job: Job, cmd: ParsedCommand, *, inline: bool) -> None:
        from .engine import Writer

        if answered_before_dispatch(job, cmd):
            return
        name = self.ALIASES.get(cmd.command, cmd.command)
        command = lookup(cmd)
        handler = getattr(self, "cmd_" + name.replace(" ", "_").replace("-", "_"), None)
        if handler is None and command is None:
            job.write_err(f"docker: 'docker {cmd.command}' is not available in this sandbox: Lifecycle "
                          "Lab runs containers and shows images; networks, volumes, builds, copying "
                          "files and swarm are not part of it\n")
            job.finish(1)
            return
        refusal = policy.check_global(cmd)
        if refusal is not None:
            self.refuse(Writer(self.engine, job, inline=True), refusal, code=1)
            return
        if not self.engine.available and name != "help" and not cmd.is_version_flag:
            if name == "version":
                job.write_out(client_block(""))
            job.write_err(f"{self.conn.unavailable}\n")
            job.finish(1)
            return
        if command is not None:
            gate = self._policy_gate(cmd)
            if gate is not None:
                refusal, hint, code = gate
                self.refuse(Writer(self.engine, job, inline=True), refusal, command=hint, code=code)
                return
            self._run(job, cmd, command, inline=inline, blocking=name in BLOCKING and not (
                name == "logs" and not cmd.get("follow")))
            return
        assert handler is not None
        blocking = name in BLOCKING and not (name == "run" and cmd.get("detach")) and not (
            name == "start" and not (cmd.get("attach") or cmd.get("interactive"))) and not (
            name == "exec" and cmd.get("detach")) and not (name == "logs" and not cmd.get("follow"))

        def work(o: Writer) -> None:
            try:
                handler(o, cmd)
            except DaemonUnavailable as err:
                o.err(f"{err}\n")
                if self.engine.monitor is not None:
                    self.engine.monitor.poke()
                o.finish(1)

        if blocking:
            if name in ("run", "start", "attach", "exec"):
                EarlyInput(job)  # keystrokes and end of input before the worker is ready
            self.engine.background(job, work, inline=inline)
        else:
            self.engine.background(job, work, inline=True)

    def _policy_gate(self, cmd: ParsedCommand) -> tuple[Refusal, str | None, int] | None:
        """The sandbox's refusal of a command's flags or image, before the CLI runs it."""
        if cmd.command in ("run", "create", "exec"):
            refusal = policy.check_exec(cmd) if cmd.command == "exec" else policy.check_run(cmd)
            return (refusal, cmd.command, 125) if refusal is not None else None
        if cmd.command == "pull":
            refusal = policy.check_options(cmd) or policy.check_image(self.policy, cmd.args[0])
            return (refusal, None, 1) if refusal is not None else None
        return None

    def _run(self, job: Job, cmd: ParsedCommand, command: Command, *, inline: bool,
             blocking: bool) -> None:
        """Run a command of the one CLI: here under the lock when it answers at once (or waits
        for keys from this console), on a worker thread when it waits on the daemon."""
        from .engine import Writer

        engine = self.engine
        writer = Writer(engine, job, inline=inline or not blocking)
        cli = self._cli(writer)
        poke = engine.monitor.poke if engine.monitor is not None else None
        if not blocking:
            run_command(cli, command, cmd, poke)
            return

        def work() -> None:
            writer.finish(block_on(run_command(cli, command, cmd, poke, finish=False)))

        if inline:
            work()
        else:
            threading.Thread(target=work, name="lab-docker-job", daemon=True).start()

    # -- helpers -------------------------------------------------------------------------------------

    @staticmethod
    def refuse(o: Writer, refusal: Refusal, *, command: str | None = None, code: int = 125) -> None:
        text = f"docker: refused by the Lifecycle Lab sandbox: {refusal}\n"
        if command:
            text += f"\nRun 'docker {command} --help' for more information\n"
        o.err(text)
        o.finish(code)

    def daemon_error(self, o: Writer, message: str) -> None:
        o.err(f"Error response from daemon: {self.scope.text(message)}\n")

    def wrapped(self, o: Writer, command: str, message: str) -> None:
        """The run/create error wrapper of current Docker."""
        o.err(f"docker: {self.scope.text(message)}\n\nRun 'docker {command} --help' for more "
              "information\n")

    def resolve(self, ref: str) -> Owned:
        return self.guard.resolve(ref)

    # -- create and run -----------------------------------------------------------------------------

    def cmd_run(self, o: Writer, cmd: ParsedCommand) -> None:
        """An attached `docker run` (`run -d` is the one CLI's): created as the CLI creates, then
        attached here."""
        if cmd.flag("interactive") and cmd.flag("tty") and not o.job.tty:
            o.err(STDIN_NOT_A_TERMINAL)
            o.finish(1)
            return
        keys = keys_for_run(cmd)
        # Keystrokes typed while the container is being created are kept for it.
        bridge = self._bridge(o, tty=cmd.flag("tty"), stdin=cmd.flag("interactive"),
                              keys=keys or DEFAULT_DETACH_KEYS,
                              sig_proxy=cmd.get("sig-proxy", True) is not False)
        created = block_on(spawn(create_container(self._cli(o), cmd, "run")))
        if isinstance(created, int):
            bridge.close()
            o.finish(created)
            return
        owned = self.resolve(created)
        if keys is None:  # the daemon refuses the attach: the container stays created
            bridge.close()
            o.err(ATTACH_REFUSED)
            o.finish(1)
            return
        inspect = self.guard.inspect(owned)
        self._attach_and_wait(o, owned, inspect, bridge=bridge, mode="run", start=True,
                              auto_remove=cmd.flag("rm"), keys_spec=_keys_spec(keys))

    def _cli(self, o: Writer) -> Cli:
        engine = self.engine
        return Cli(engine.api, o, now=time.time, call_later=engine.clock.call_later,
                   locked=lambda: engine.lock)

    # -- attaching ----------------------------------------------------------------------------------

    def _bridge(self, o: Writer, *, tty: bool, stdin: bool, keys: str,
                owned: Owned | None = None, client_escape: bool = False,
                sig_proxy: bool = True) -> Bridge:
        """A bridge for the job, its keystroke handlers installed at once (they buffer until the
        daemon's stream is up)."""
        job = o.job
        holder: dict[str, Any] = {"owned": owned}

        def interrupt() -> None:  # sig-proxy: the CLI forwards SIGINT to the container
            target = holder.get("owned")
            if target is None:
                return
            try:
                self.guard.post(target, "kill", params={"signal": "SIGINT"})
            except (ApiError, DaemonUnavailable):
                pass

        bridge = Bridge(o.write, tty=tty, stdin=stdin, cooked=job.tty and stdin and not tty,
                        escape_keys=keys.encode("latin-1", "replace"), interrupt=interrupt,
                        client_escape=client_escape)
        bridge.holder = holder  # type: ignore[attr-defined]
        with self.engine.lock:
            early = getattr(job, "early_input", None)
            job.done_listeners.append(lambda _: bridge.close())
            job.input_handler = job.eof_handler = None
            if stdin:
                job.input_handler = bridge.feed
                if not tty:
                    job.eof_handler = bridge.close_stdin
            if (not tty or not stdin) and sig_proxy:
                job.interrupt_handler = interrupt
            job.cancel_handler = bridge.close
            if early is not None:
                early.hand_over(job)
        return bridge

    def _attach_and_wait(self, o: Writer, owned: Owned, inspect: dict[str, Any], *, bridge: Bridge,
                         mode: str, start: bool, auto_remove: bool = False,
                         keys_spec: str | None = None) -> None:
        """Stream a container to the job (and keystrokes back) until it exits or we detach.

        mode: "run", "start" or "attach": how the CLI ends (exit code, detach message).
        """
        job = o.job
        config = inspect.get("Config") or {}
        tty = bool(config.get("Tty"))
        bridge.holder["owned"] = owned  # type: ignore[attr-defined]
        job.attached = owned.name
        if mode == "run":
            want_out, want_err = bool(config.get("AttachStdout")), bool(config.get("AttachStderr"))
        else:
            want_out = want_err = True
        params = {"stream": True, "stdin": bridge.stdin, "stdout": want_out, "stderr": want_err,
                  "detachKeys": keys_spec or DETACH_SPEC}
        try:
            stream = self.guard.attach(owned, params)
        except ApiError as err:
            bridge.close()
            if mode == "run":
                self.wrapped(o, "run", f"Error response from daemon: {err.message}")
                o.finish(125)
            else:
                self.daemon_error(o, err.message)
                o.finish(1)
            return
        if job.done:  # hung up while attaching
            stream.close()
            return
        waiter = _Waiter(self, owned, "removed" if auto_remove else "next-exit") \
            if start else _Waiter(self, owned, "not-running")
        with self.engine.lock:
            job.done_listeners.append(lambda _: waiter.cancel())
        if start:
            waiter.ready.wait(2.0)
            try:
                self.guard.post(owned, "start")
            except ApiError as err:
                stream.close()
                bridge.close()
                if mode == "run":
                    self.wrapped(o, "run", f"Error response from daemon: {err.message}")
                    if auto_remove:
                        waiter.wait(10.0)
                    waiter.cancel()
                    o.finish(status_for_start_error(err.message))
                else:
                    waiter.cancel()
                    self.daemon_error(o, err.message)
                    o.finish(1)
                return
        bridge.connect(stream)
        if tty and job.tty:
            with self.engine.lock:
                job.resize_handler = lambda rows, cols: self._resize(owned, rows, cols)
                rows, cols = job.tty_size or TTY_SIZE
            self._resize(owned, rows, cols)
        bridge.wait()
        if job.done:  # hung up, or ended by a lost daemon
            waiter.cancel()
            return
        if bridge.escape.seen and not waiter.wait(0.2):
            # The daemon saw the detach keys (and logged `detach`), unless the container just ended.
            waiter.cancel()
            if mode == "attach":
                o.err("read escape sequence\n")
                o.finish(1)
            else:
                o.finish(0)
            return
        code = waiter.wait(None) if not o.inline else waiter.wait(60.0)
        if code is None:
            code = waiter.error_code
        self._await_die(owned, o)
        o.finish(code if code is not None else 125)

    def _await_die(self, owned: Owned, o: Writer) -> None:
        """Let the daemon's `die` event reach the history before the prompt comes back (the daemon
        answers the wait a moment before it logs the event)."""
        deadline = time.monotonic() + DIE_EVENT_WAIT
        mark = len(self.engine.history)
        while time.monotonic() < deadline:
            if o.inline:  # the feed thread waits for the lock this thread holds: ask directly
                self.engine.feed.catch_up()
            recent = list(self.engine.history)[max(0, mark - 20):]
            if any(e.actor_id == owned.id and e.action == "die" for e in recent):
                return
            time.sleep(0.02)
        self.engine.feed.catch_up()

    def _resize(self, owned: Owned, rows: int, cols: int) -> None:
        try:
            self.guard.post(owned, "resize", params={"h": rows, "w": cols})
        except (ApiError, DaemonUnavailable):
            pass

    def _wait_removed(self, owned: Owned, timeout: float = 10.0) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                self.guard.inspect(owned)
            except ApiError:
                return
            time.sleep(0.05)

    def cmd_start(self, o: Writer, cmd: ParsedCommand) -> None:
        """`start -a` / `-i` (plain `start` is the one CLI's)."""
        if len(cmd.args) > 1:
            o.err("you cannot start and attach multiple containers at once\n")
            o.finish(1)
            return
        try:
            owned = self.resolve(cmd.args[0])
            inspect = self.guard.inspect(owned)
        except ApiError as err:
            self.daemon_error(o, err.message)
            o.finish(1)
            return
        state = inspect.get("State") or {}
        config = inspect.get("Config") or {}
        if state.get("Paused"):
            self.daemon_error(o, "cannot start a paused container, try unpause instead")
            o.finish(1)
            return
        interactive = bool(cmd.get("interactive")) and bool(config.get("OpenStdin"))
        keys = keys_for_attach(o, cmd, stdin=interactive, tty=bool(config.get("Tty")))
        if keys is None:
            return
        bridge = self._bridge(o, tty=bool(config.get("Tty")), stdin=interactive, keys=keys,
                              owned=owned)
        running = bool(state.get("Running")) and not state.get("Restarting")
        self._attach_and_wait(o, owned, inspect, bridge=bridge, mode="start",
                              start=not running, keys_spec=_keys_spec(keys))

    def cmd_attach(self, o: Writer, cmd: ParsedCommand) -> None:
        try:
            owned = self.resolve(cmd.args[0])
            inspect = self.guard.inspect(owned)
        except ApiError as err:
            self.daemon_error(o, err.message)
            o.finish(1)
            return
        state = inspect.get("State") or {}
        config = inspect.get("Config") or {}
        if not state.get("Running"):
            o.err("cannot attach to a stopped container, start it first\n")
            o.finish(1)
            return
        if state.get("Paused"):
            o.err("cannot attach to a paused container, unpause it first\n")
            o.finish(1)
            return
        if state.get("Restarting"):
            o.err("cannot attach to a restarting container, wait until it is running\n")
            o.finish(1)
            return
        stdin = bool(config.get("OpenStdin")) and not cmd.get("no-stdin")
        keys = keys_for_attach(o, cmd, stdin=stdin, tty=bool(config.get("Tty")))
        if keys is None:
            return
        bridge = self._bridge(o, tty=bool(config.get("Tty")), stdin=stdin, keys=keys, owned=owned,
                              sig_proxy=cmd.get("sig-proxy", True) is not False)
        self._attach_and_wait(o, owned, inspect, bridge=bridge, mode="attach", start=False,
                              keys_spec=_keys_spec(keys))

    # -- stop, kill, restart, pause, rm --------------------------------------------------------------

    # -- exec ---------------------------------------------------------------------------------------

    def cmd_exec(self, o: Writer, cmd: ParsedCommand) -> None:
        """An attached `docker exec` (`exec -d` is the one CLI's)."""
        refusal = policy.check_exec(cmd)
        if refusal is not None:
            self.refuse(o, refusal, command="exec")
            return
        ref = cmd.args[0]
        interactive, tty = cmd.flag("interactive"), cmd.flag("tty")
        keys = keys_for_attach(o, cmd, stdin=interactive, tty=tty)
        if keys is None:
            return
        bridge = self._bridge(o, tty=tty, stdin=interactive, keys=keys, client_escape=True)
        try:
            owned = self.resolve(ref)
            exec_id = self.guard.exec_create(owned, exec_body(cmd))
        except ApiError as err:
            bridge.close()
            self.daemon_error(o, err.message)
            o.finish(1)
            return
        bridge.holder["owned"] = owned  # type: ignore[attr-defined]
        o.job.attached = owned.name
        try:
            stream = self.conn.hijack("/exec/{0}/start", exec_id, body={"Detach": False, "Tty": tty})
        except ApiError as err:
            bridge.close()
            self.daemon_error(o, err.message)
            o.finish(1)
            return
        bridge.connect(stream)
        if tty and o.job.tty:
            with self.engine.lock:
                o.job.resize_handler = lambda rows, cols: self._resize_exec(exec_id, rows, cols)
                rows, cols = o.job.tty_size or TTY_SIZE
            self._resize_exec(exec_id, rows, cols)
        bridge.wait()
        if o.job.done:
            return
        if bridge.escape.seen:  # detached on this side, as the CLI: the process runs on
            o.err("read escape sequence\n")
            o.finish(1)
            return
        info = self._exec_info(exec_id)
        deadline = time.monotonic() + 2.0
        while info.get("Running") and time.monotonic() < deadline:
            time.sleep(0.02)
            info = self._exec_info(exec_id)
        code = info.get("ExitCode")
        o.finish(int(code) if code is not None else 126)

    def _resize_exec(self, exec_id: str, rows: int, cols: int) -> None:
        try:
            self.conn.post("/exec/{0}/resize", exec_id, params={"h": rows, "w": cols})
        except (ApiError, DaemonUnavailable):
            pass

    def _exec_info(self, exec_id: str) -> dict[str, Any]:
        try:
            return self.conn.get("/exec/{0}/json", exec_id) or {}
        except ApiError:
            return {}

    # -- looking at things ---------------------------------------------------------------------------

    # -- images -------------------------------------------------------------------------------------


class EarlyInput:
    """Holds what the console types (and its end of input) between `execute()` and the moment the
    worker has its attach stream ready, then hands it over in order."""

    def __init__(self, job: Job):
        self.chunks: list[str] = []
        self.eof = False
        job.early_input = self  # type: ignore[attr-defined]
        job.input_handler = self.chunks.append
        job.eof_handler = self._eof

    def _eof(self) -> None:
        self.eof = True

    def hand_over(self, job: Job) -> None:
        job.early_input = None  # type: ignore[attr-defined]
        for chunk in self.chunks:
            job.send(chunk)
        if self.eof:
            job.close_stdin()


class _Waiter:
    """`POST /containers/{id}/wait?condition=...` on a thread of its own, set up before start (as
    the CLI's waitExitOrRemoved), so an exit right after start is never missed."""

    def __init__(self, cli: DockerCli, owned: Owned, condition: str):
        self.cli = cli
        self.owned = owned
        self.condition = condition
        self.code: int | None = None
        self.error_code: int | None = None
        self.ready = threading.Event()
        self.done = threading.Event()
        self._response: Any = None
        self._cancelled = False
        threading.Thread(target=self._run, name="lab-docker-wait", daemon=True).start()

    def _run(self) -> None:
        conn = self.cli.conn
        try:
            response = conn.request("POST", "/containers/{0}/wait", self.owned.id,
                                    params={"condition": self.condition}, stream=True, timeout=None)
            self._response = response
            self.ready.set()
            if self._cancelled:
                shutdown_response(response)
                return
            body = response.content
            data = json.loads(body) if body else {}
            if data.get("Error") and data["Error"].get("Message"):
                self.error_code = 125
            self.code = int(data.get("StatusCode", 0))
        except (ApiError, DaemonUnavailable, ValueError, OSError,
                requests.exceptions.RequestException, AttributeError):
            self.error_code = 125  # includes a stream closed by cancel()
        finally:
            self.ready.set()
            self.done.set()

    def wait(self, timeout: float | None) -> int | None:
        self.done.wait(timeout)
        return self.code

    def cancel(self) -> None:
        self._cancelled = True
        if self._response is not None:
            shutdown_response(self._response)
