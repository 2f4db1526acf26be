"""The docker CLI, simulated: each parsed command becomes daemon calls and what `docker` prints.

Strings follow current Docker (v29); see the project's docker spec. A command either finishes at once
or keeps its `Job` open (attached streams, stop grace periods, `logs -f`, `events`) and finishes later
from a clock or process callback.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, ClassVar

from ..cli import CliError, ParsedCommand, help_text, usage_line
from ..cli.client_side import (
    ATTACH_REFUSED,
    STATES,
    STDIN_NOT_A_TERMINAL,
    EventQuery,
    JobPrinter,
    RunRefused,
    UsageError,
    answered_before_dispatch,
    check_signal,
    confirm,
    detach_keys,
    keys_for_attach,
    keys_for_run,
    print_inspect,
    print_listing,
    regex_match,
    run_options,
    status_for_start_error,
)
from ..formats.containers import format_containers
from ..formats.images import format_images
from ..images import CATALOGUE, normalize_ref
from ..job import Job
from .container import Config, Container, ExecInstance, HostConfig
from .daemon import DaemonError, NotModified
from .pull import pull
from .signals import InvalidSignal
from .views import container_inspect, container_summary, image_inspect, image_summary

if TYPE_CHECKING:
    from .engine import SimEngine

def daemon_error(job: Job, message: str) -> None:
    job.write_err(f"Error response from daemon: {message}\n")


def wrapped(job: Job, command: str, message: str) -> None:
    """The run/create error wrapper of current Docker."""
    job.write_err(f"docker: {message}\n\nRun 'docker {command} --help' for more information\n")


class EscapeProxy:
    """Watches keystrokes for the detach sequence, passing everything else through (moby/term)."""

    def __init__(self, keys: str, forward: Callable[[str], None], on_escape: Callable[[], None]):
        self.keys = keys
        self.forward = forward
        self.on_escape = on_escape
        self.matched = ""

    def feed(self, data: str) -> None:
        for ch in data:
            if self.keys and ch == self.keys[len(self.matched)]:
                self.matched += ch
                if self.matched == self.keys:
                    self.matched = ""
                    self.on_escape()
                    return
                continue
            if self.matched:
                self.forward(self.matched)
                self.matched = ""
            self.forward(ch)


class SimCli:
    """Runs parsed docker commands against the engine's daemon."""

    def __init__(self, engine: SimEngine):
        self.engine = engine
        self.daemon = engine.daemon
        self.clock = engine.clock

    # -- dispatch ---------------------------------------------------------------------------------

    ALIASES: ClassVar[dict[str, str]] = {"container inspect": "inspect", "image inspect": "inspect"}

    def dispatch(self, job: Job, cmd: ParsedCommand) -> None:
        if answered_before_dispatch(job, cmd):
            return
        name = self.ALIASES.get(cmd.command, cmd.command)
        handler = getattr(self, "cmd_" + name.replace(" ", "_").replace("-", "_"), None)
        if handler is None:
            job.write_err(f"docker: 'docker {cmd.command}' is not available in this sandbox: Lifecycle Lab "
                          "simulates containers and images, not networks, volumes, builds or swarm\n")
            job.finish(1)
            return
        handler(job, cmd)

    # -- create and run ---------------------------------------------------------------------------

    def _configs(self, job: Job, cmd: ParsedCommand, command: str) -> tuple[Config, HostConfig] | None:
        """The container's configs, or None with the job finished as the CLI ends it."""
        try:
            options = run_options(cmd, command)
        except UsageError as err:
            wrapped(job, command, str(err))
            job.finish(125)
            return None
        except RunRefused as err:
            job.write_err(f"{err}\n")
            job.finish(1)
            return None
        config = Config(
            image=options.image,
            cmd=options.argv or None,
            entrypoint=options.entrypoint,
            env=options.env,
            tty=options.tty,
            open_stdin=options.interactive,
            stdin_once=options.stdin_once,
            attach_stdin=options.attach_stdin,
            attach_stdout=options.attach_stdout,
            attach_stderr=options.attach_stderr,
            workdir=str(cmd.get("workdir") or ""),
            hostname=str(cmd.get("hostname") or ""),
            user=str(cmd.get("user") or ""),
            labels=options.labels,
            stop_signal=options.stop_signal,
            stop_timeout=options.stop_timeout,
            exposed_ports=options.exposed,
        )
        host = HostConfig(
            restart_policy=options.restart,
            restart_max=options.retries,
            auto_remove=bool(cmd.get("rm")),
            init=True if cmd.get("init") else None,
            port_bindings=options.bindings,
            publish_all=bool(cmd.get("publish-all")),
        )
        return config, host

    def _create(self, job: Job, cmd: ParsedCommand, command: str,
                then: Callable[[Container], None]) -> None:
        """Create the container, pulling the image first if it is missing, as the CLI does."""
        configs = self._configs(job, cmd, command)
        if configs is None:
            return
        config, host = configs
        name = cmd.get("name")
        quiet = bool(cmd.get("quiet"))

        def attempt(pulled: bool) -> None:
            try:
                container = self.daemon.create(config, host, name)
            except DaemonError as err:
                if err.status == 404 and "No such image" in err.message and not pulled:
                    policy = cmd.get("pull", "missing")
                    if policy == "never":
                        self._create_failed(job, command, err.message)
                        return
                    ref = normalize_ref(config.image)
                    if not quiet:
                        job.write_err(f"Unable to find image '{ref}' locally\n")
                    pull(self.engine, job, config.image, stream="stderr", implicit=True, quiet=quiet,
                         done=lambda ok, message: attempt(True) if ok
                         else self._create_failed(job, command, message))
                    return
                self._create_failed(job, command, err.message)
                return
            then(container)

        attempt(False)

    def _create_failed(self, job: Job, command: str, message: str) -> None:
        if command == "create":
            daemon_error(job, message)
            job.finish(1)
        else:
            wrapped(job, command, f"Error response from daemon: {message}")
            job.finish(125)

    def cmd_create(self, job: Job, cmd: ParsedCommand) -> None:
        def created(container: Container) -> None:
            job.write_out(container.id + "\n")
            job.finish(0)

        self._create(job, cmd, "create", created)

    def cmd_run(self, job: Job, cmd: ParsedCommand) -> None:
        detach = bool(cmd.get("detach"))
        if not detach and cmd.get("interactive") and cmd.get("tty") and not job.tty:
            job.write_err(STDIN_NOT_A_TERMINAL)
            job.finish(1)
            return
        keys = keys_for_run(cmd)

        def created(container: Container) -> None:
            if keys is None:
                job.write_err(ATTACH_REFUSED)
                job.finish(1)
                return
            if detach:
                try:
                    self.daemon.start(container)
                except DaemonError as err:
                    wrapped(job, "run", f"Error response from daemon: {err.message}")
                    job.finish(status_for_start_error(err.message))
                    return
                job.write_out(container.id + "\n")
                job.finish(0)
                return
            self._attach_and_wait(job, container, keys=keys, stdin=container.config.attach_stdin,
                                  mode="run", start=True)

        self._create(job, cmd, "run", created)

    # -- attaching --------------------------------------------------------------------------------

    def _attach_and_wait(self, job: Job, container: Container, *, keys: str, stdin: bool, mode: str,
                         start: bool) -> None:
        """Stream a container's output to the job (and keystrokes back) until it exits or we detach.

        mode: "run", "start" or "attach": how the CLI ends (exit code, detach message).
        """
        daemon = self.daemon
        config = container.config
        finished = {"done": False}

        def output(text: str, stream: str) -> None:
            if stream == "stderr" and (mode != "run" or config.attach_stderr):
                job.write_err(text)
            elif stream == "stdout":
                job.write_out(text)

        def detach_listeners() -> None:
            if output in container.attachments:
                container.attachments.remove(output)

        def on_exit(c: Container) -> None:
            if finished["done"]:
                return
            finished["done"] = True
            detach_listeners()
            job.finish(c.exit_code)

        def escape() -> None:
            if finished["done"]:
                return
            finished["done"] = True
            detach_listeners()
            daemon.emit(container, "detach")
            waiters = daemon.exit_waiters.get(container.id, [])
            if on_exit in waiters:
                waiters.remove(on_exit)
            if mode == "attach":
                job.write_err("read escape sequence\n")
                job.finish(1)
            else:
                job.finish(0)

        def forward(data: str) -> None:
            if container.ldisc is not None:
                container.ldisc.input(data)
            elif container.stdin is not None:
                container.stdin.feed(data)

        container.attachments.append(output)
        daemon.emit(container, "attach")
        job.attached = container.name
        if stdin:
            if config.tty:
                proxy = EscapeProxy(keys, forward, escape)
                job.input_handler = proxy.feed
            else:
                job.input_handler = forward

            def eof() -> None:
                if config.stdin_once and not config.tty and container.stdin is not None:
                    container.stdin.close()

            job.eof_handler = eof
        if not config.tty or not stdin:
            def interrupt() -> None:
                if container.running and not container.restarting and container.main is not None:
                    try:
                        daemon.kill(container, "SIGINT")
                    except DaemonError:
                        pass

            job.interrupt_handler = interrupt

        def cancel() -> None:
            finished["done"] = True
            detach_listeners()

        job.cancel_handler = cancel
        if start:
            try:
                daemon.start(container)
            except DaemonError as err:
                finished["done"] = True
                detach_listeners()
                if mode == "run":
                    wrapped(job, "run", f"Error response from daemon: {err.message}")
                    job.finish(status_for_start_error(err.message))
                else:
                    daemon_error(job, err.message)
                    job.finish(1)
                return
            except NotModified:
                pass
            if job.tty and config.tty and not job.done:
                daemon.emit(container, "resize", {"height": "24", "width": "80"})
        if not finished["done"]:
            daemon.when_exited(container, on_exit) if (container.running and not container.restarting) \
                else on_exit(container)

    def cmd_start(self, job: Job, cmd: ParsedCommand) -> None:
        attach = bool(cmd.get("attach")) or bool(cmd.get("interactive"))
        if attach:
            if len(cmd.args) > 1:
                job.write_err("you cannot start and attach multiple containers at once\n")
                job.finish(1)
                return
            try:
                container = self.daemon.get(cmd.args[0])
            except DaemonError as err:
                daemon_error(job, err.message)
                job.finish(1)
                return
            if container.paused:
                daemon_error(job, "cannot start a paused container, try unpause instead")
                job.finish(1)
                return
            interactive = bool(cmd.get("interactive")) and container.config.open_stdin
            keys = keys_for_attach(JobPrinter(job), cmd, stdin=interactive, tty=container.config.tty)
            if keys is None:
                return
            self._attach_and_wait(job, container, keys=keys, stdin=interactive, mode="start",
                                  start=not container.running)
            return
        failed = []
        for ref in cmd.args:
            try:
                container = self.daemon.get(ref)
                self.daemon.start(container)
            except NotModified:
                pass
            except DaemonError as err:
                daemon_error(job, err.message)
                failed.append(ref)
                continue
            job.write_out(ref + "\n")
        if failed:
            job.write_err(f"failed to start containers: {', '.join(failed)}\n")
            job.finish(1)
        else:
            job.finish(0)

    def cmd_attach(self, job: Job, cmd: ParsedCommand) -> None:
        try:
            container = self.daemon.get(cmd.args[0])
        except DaemonError as err:
            daemon_error(job, err.message)
            job.finish(1)
            return
        if not container.running:
            job.write_err("cannot attach to a stopped container, start it first\n")
            job.finish(1)
            return
        if container.paused:
            job.write_err("cannot attach to a paused container, unpause it first\n")
            job.finish(1)
            return
        if container.restarting:
            job.write_err("cannot attach to a restarting container, wait until it is running\n")
            job.finish(1)
            return
        stdin = container.config.open_stdin and not cmd.get("no-stdin")
        keys = keys_for_attach(JobPrinter(job), cmd, stdin=stdin, tty=container.config.tty)
        if keys is None:
            return
        self._attach_and_wait(job, container, keys=keys, stdin=stdin, mode="attach", start=False)
        if container.config.tty and not job.done and container.main is not None:
            # A fresh attach shows the shell's prompt again once the user presses a key; real docker
            # shows nothing until then. Redraw nothing, like Docker.
            pass

    # -- stop, kill, restart, pause, rm -----------------------------------------------------------

    def _each(self, job: Job, refs: list[str], action: Callable[[Container, str, Callable[[], None]], None],
              *, error_prefix: Callable[[str], str] = lambda ref: "") -> None:
        """Run `action` on every argument in parallel; print names in argument order at the end."""
        results: dict[int, str | None] = {}
        pending = {"n": len(refs)}

        def complete() -> None:
            pending["n"] -= 1
            if pending["n"] == 0:
                failed = False
                for index, ref in enumerate(refs):
                    err = results.get(index)
                    if err is None:
                        job.write_out(ref + "\n")
                    else:
                        failed = True
                        job.write_err(f"Error response from daemon: {error_prefix(ref)}{err}\n")
                job.finish(1 if failed else 0)

        for index, ref in enumerate(refs):
            def done(index: int = index) -> None:
                results.setdefault(index, None)
                complete()

            try:
                container = self.daemon.get(ref)
                action(container, ref, done)
            except NotModified:
                done()
            except DaemonError as err:
                results[index] = err.message
                complete()

    def cmd_stop(self, job: Job, cmd: ParsedCommand) -> None:
        timeout = cmd.get("timeout")
        signal = cmd.get("signal")
        try:
            check_signal(signal)
        except InvalidSignal as err:
            job.write_err(f"{err}\n")
            job.finish(1)
            return

        def stop(container: Container, ref: str, done: Callable[[], None]) -> None:
            self.daemon.stop(container, int(timeout) if timeout is not None else None,
                             str(signal) if signal is not None else None, done)

        self._each(job, cmd.args, stop)

    def cmd_kill(self, job: Job, cmd: ParsedCommand) -> None:
        signal = cmd.get("signal")

        def kill(container: Container, ref: str, done: Callable[[], None]) -> None:
            self.daemon.kill(container, str(signal) if signal is not None else None)
            done()

        self._each(job, cmd.args, kill, error_prefix=lambda ref: f"cannot kill container: {ref}: ")

    def cmd_restart(self, job: Job, cmd: ParsedCommand) -> None:
        timeout = cmd.get("timeout")
        signal = cmd.get("signal")

        def restart(container: Container, ref: str, done: Callable[[], None]) -> None:
            errors: list[str] = []

            def finished(err: BaseException | None) -> None:
                if isinstance(err, DaemonError):
                    errors.append(err.message)
                done()

            self.daemon.restart(container, int(timeout) if timeout is not None else None,
                                str(signal) if signal is not None else None, finished)

        self._each(job, cmd.args, restart,
                   error_prefix=lambda ref: f"Cannot restart container {ref}: ")

    def cmd_pause(self, job: Job, cmd: ParsedCommand) -> None:
        self._each(job, cmd.args, lambda c, ref, done: (self.daemon.pause(c), done()))

    def cmd_unpause(self, job: Job, cmd: ParsedCommand) -> None:
        self._each(job, cmd.args, lambda c, ref, done: (self.daemon.unpause(c), done()))

    def cmd_rm(self, job: Job, cmd: ParsedCommand) -> None:
        force = bool(cmd.get("force"))
        results: list[tuple[str, str | None]] = []
        for ref in cmd.args:
            try:
                container = self.daemon.get(ref)
                self.daemon.remove(container, ref, force)
                results.append((ref, None))
            except DaemonError as err:
                if force and err.status == 404:
                    continue
                results.append((ref, err.message))
        failed = False
        for ref, err in results:
            if err is None:
                job.write_out(ref + "\n")
            else:
                failed = True
                daemon_error(job, err)
        job.finish(1 if failed else 0)

    def cmd_rename(self, job: Job, cmd: ParsedCommand) -> None:
        old, new = cmd.args[0], cmd.args[1]
        try:
            container = self.daemon.get(old)
            self.daemon.rename(container, new)
        except DaemonError as err:
            daemon_error(job, err.message)
            job.finish(1)
            return
        job.finish(0)

    def cmd_wait(self, job: Job, cmd: ParsedCommand) -> None:
        results: dict[int, str] = {}
        errors: list[str] = []
        pending = {"n": len(cmd.args)}

        def complete() -> None:
            pending["n"] -= 1
            if pending["n"] == 0:
                for index in range(len(cmd.args)):
                    if index in results:
                        job.write_out(results[index] + "\n")
                for err in errors:
                    daemon_error(job, err)
                job.finish(1 if errors else 0)

        for index, ref in enumerate(cmd.args):
            try:
                container = self.daemon.get(ref)
            except DaemonError as err:
                errors.append(err.message)
                complete()
                continue

            def exited(c: Container, index: int = index) -> None:
                results[index] = str(c.exit_code)
                complete()

            self.daemon.when_exited(container, exited)

    # -- exec -------------------------------------------------------------------------------------

    def cmd_exec(self, job: Job, cmd: ParsedCommand) -> None:
        ref, argv = cmd.args[0], cmd.args[1:]
        interactive = bool(cmd.get("interactive"))
        tty = bool(cmd.get("tty"))
        detach = bool(cmd.get("detach"))
        if interactive and tty and not detach and not job.tty:
            job.write_err(STDIN_NOT_A_TERMINAL)
            job.finish(1)
            return
        try:
            container = self.daemon.get(ref)
            instance = self.daemon.exec_create(
                container, ref, argv, tty=tty, interactive=interactive, detach=detach,
                env=[e for e in (cmd.get("env") or []) if "=" in e], workdir=str(cmd.get("workdir") or ""),
                user=str(cmd.get("user") or ""))
        except DaemonError as err:
            daemon_error(job, err.message)
            job.finish(1)
            return
        if detach:
            self.daemon.exec_start(instance)
            job.finish(0)
            return
        try:
            keys = detach_keys(cmd)
        except ValueError as err:
            job.write_err(f"{err}\n")
            job.finish(1)
            return
        self._exec_attached(job, instance, keys)

    def _exec_attached(self, job: Job, instance: ExecInstance, keys: str) -> None:
        daemon = self.daemon
        state = {"done": False}

        def output(text: str, stream: str) -> None:
            if stream == "exit":
                if not state["done"]:
                    state["done"] = True
                    job.finish(instance.exit_code or 0)
                return
            if stream == "stderr":
                job.write_err(text)
            else:
                job.write_out(text)

        def forward(data: str) -> None:
            if instance.ldisc is not None:
                instance.ldisc.input(data)
            elif instance.stdin is not None:
                instance.stdin.feed(data)

        def escape() -> None:
            if state["done"]:
                return
            state["done"] = True
            if output in instance.listeners:
                instance.listeners.remove(output)
            daemon.emit(instance.container, "exec_detach", {"execID": instance.id})
            job.write_err("read escape sequence\n")
            job.finish(1)

        instance.listeners.append(output)
        job.attached = instance.container.name
        if instance.interactive:
            job.input_handler = EscapeProxy(keys, forward, escape).feed if instance.tty else forward

            def eof() -> None:
                if instance.stdin is not None and not instance.tty:
                    instance.stdin.close()

            job.eof_handler = eof

        def cancel() -> None:
            state["done"] = True
            if output in instance.listeners:
                instance.listeners.remove(output)

        job.cancel_handler = cancel
        daemon.exec_start(instance)

    # -- looking at things ------------------------------------------------------------------------

    def cmd_ps(self, job: Job, cmd: ParsedCommand) -> None:
        now = self.clock.now()
        try:
            selected = self._filter_containers(cmd.get("filter") or [])
        except ValueError as err:
            daemon_error(job, str(err))
            job.finish(1)
            return
        show_all = bool(cmd.get("all")) or selected[1]
        containers = selected[0]
        last = int(cmd.get("last", -1)) if cmd.given("last") else -1
        if cmd.get("latest") and not cmd.given("last"):
            last = 1
        if last > 0:
            containers = containers[:last]
        elif not show_all:
            containers = [c for c in containers if c.running]
        summaries = [container_summary(self.daemon, c, now) for c in containers]
        fmt = cmd.get("format")
        print_listing(JobPrinter(job), lambda: format_containers(
            summaries, fmt=str(fmt) if fmt is not None else None, quiet=bool(cmd.get("quiet")),
            no_trunc=bool(cmd.get("no-trunc")), size=bool(cmd.get("size")), now=now))

    def _filter_containers(self, filters: list[str]) -> tuple[list[Container], bool]:
        import re

        by_key: dict[str, list[str]] = {}
        for item in filters:
            key, _, value = item.partition("=")
            by_key.setdefault(key.lower(), []).append(value)
        allowed = {"ancestor", "before", "exited", "id", "name", "label", "status", "health", "since",
                   "volume", "network", "isolation", "is-task", "publish", "expose"}
        for key in by_key:
            if key not in allowed:
                raise ValueError(f"invalid filter '{key}'")
        for value in by_key.get("status", []):
            if value not in STATES:
                raise ValueError(f"invalid filter 'status={value}': invalid value for state ({value}): must "
                                 "be one of created, running, paused, restarting, removing, exited, dead")
        exited_codes = []
        for value in by_key.get("exited", []):
            try:
                exited_codes.append(int(value))
            except ValueError:
                raise ValueError(f'invalid filter \'exited={value}\': strconv.Atoi: parsing "{value}": '
                                 "invalid syntax") from None
        ancestors = set()
        for value in by_key.get("ancestor", []):
            image = self.daemon.images.find(value)
            if image is not None:
                ancestors.add(image.id)
        out = []
        for c in self.daemon.listing():
            if "status" in by_key and c.docker_state not in by_key["status"]:
                continue
            if "name" in by_key and not any(regex_match(v, c.name) or regex_match(v, "/" + c.name)
                                            for v in by_key["name"]):
                continue
            if "id" in by_key and not any(regex_match(v, c.id) for v in by_key["id"]):
                continue
            if "ancestor" in by_key and c.image.id not in ancestors:
                continue
            if exited_codes and (c.running or not c.has_been_started or c.exit_code not in exited_codes):
                continue
            if "label" in by_key:
                labels = dict(c.image.labels) | c.config.labels
                ok = True
                for value in by_key["label"]:
                    key, eq, want = value.partition("=")
                    if key not in labels or (eq and labels[key] != want):
                        ok = False
                if not ok:
                    continue
            out.append(c)
        del re
        return out, "status" in by_key

    def cmd_logs(self, job: Job, cmd: ParsedCommand) -> None:
        try:
            container = self.daemon.get(cmd.args[0])
        except DaemonError as err:
            daemon_error(job, err.message)
            job.finish(1)
            return
        timestamps = bool(cmd.get("timestamps"))
        tail = str(cmd.get("tail", "all"))
        entries = list(container.logs)
        if tail != "all":
            try:
                count = int(tail)
            except ValueError:
                count = -1
            if count >= 0:
                entries = _tail_lines(entries, count)

        def emit(entry_time: float, stream: str, text: str) -> None:
            if timestamps:
                from .views import rfc3339nano

                stamp = rfc3339nano(entry_time)
                text = "".join(f"{stamp} {line}" for line in text.splitlines(keepends=True))
            (job.write_out if stream == "stdout" else job.write_err)(text)

        for entry in entries:
            emit(entry.time, entry.stream, entry.text)
        if not cmd.get("follow") or not container.running:
            job.finish(0)
            return

        def live(text: str, stream: str) -> None:
            emit(self.clock.now(), stream, text)

        container.attachments.append(live)

        def ended(_: Container) -> None:
            if live in container.attachments:
                container.attachments.remove(live)
            job.finish(0)

        def cancel() -> None:
            if live in container.attachments:
                container.attachments.remove(live)

        job.cancel_handler = cancel
        self.daemon.when_exited(container, ended)

    def cmd_inspect(self, job: Job, cmd: ParsedCommand) -> None:
        def container(ref: str) -> dict | None:
            try:
                return container_inspect(self.daemon, self.daemon.get(ref))
            except DaemonError:
                return None

        def image(ref: str) -> dict | None:
            found = self.daemon.images.find(ref)
            if found is None:
                return None
            return image_inspect(found, [r for r, i in self.daemon.images.by_ref.items() if i.id == found.id])

        print_inspect(JobPrinter(job), cmd, container, image)

    def cmd_top(self, job: Job, cmd: ParsedCommand) -> None:
        try:
            container = self.daemon.get(cmd.args[0])
        except DaemonError as err:
            daemon_error(job, err.message)
            job.finish(1)
            return
        if not container.running or container.restarting:
            daemon_error(job, f"container {container.id} is not running")
            job.finish(1)
            return
        from ..formats.table import tabwrite

        self.daemon.emit(container, "top")
        rows = [["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]]
        host_pid = container.pid_on_host
        for row in container.process_table(None):
            pid = host_pid + int(row["pid"]) - 1
            ppid = 0 if row["pid"] == 1 else host_pid + int(row["ppid"]) - 1
            if row["pid"] == 1:
                ppid = host_pid - 20
            rows.append([str(row["user"]), str(pid), str(ppid), "0", str(row["start"]), str(row["tty"]),
                         "00:00:00", str(row["cmd"])])
        job.write_out(tabwrite(rows))
        job.finish(0)

    # -- images -----------------------------------------------------------------------------------

    def cmd_pull(self, job: Job, cmd: ParsedCommand) -> None:
        pull(self.engine, job, cmd.args[0], stream="stdout", implicit=False, quiet=bool(cmd.get("quiet")),
             done=lambda ok, message: job.finish(0) if ok else (daemon_error(job, message), job.finish(1)))

    def cmd_images(self, job: Job, cmd: ParsedCommand) -> None:
        now = self.clock.now()
        by_id: dict[str, list[str]] = {}
        images = {}
        for ref, image in self.daemon.images.by_ref.items():
            by_id.setdefault(image.id, []).append(ref)
            images[image.id] = image
        wanted = cmd.args[0] if cmd.args else None
        summaries = []
        for image_id, tags in by_id.items():
            image = images[image_id]
            if wanted is not None:
                repo, _, tag = wanted.partition(":")
                tags = [t for t in tags if t.split(":")[0] == repo and (not tag or t.split(":", 1)[1] == tag)]
                if not tags:
                    continue
            users = len(self.daemon.image_users(image))
            summaries.append(image_summary(image, tags, users))
        summaries.sort(key=lambda s: s["Created"], reverse=True)
        fmt = cmd.get("format")
        print_listing(JobPrinter(job), lambda: format_images(
            summaries, fmt=str(fmt) if fmt is not None else None, quiet=bool(cmd.get("quiet")),
            no_trunc=bool(cmd.get("no-trunc")), digests=bool(cmd.get("digests")), now=now))

    def cmd_rmi(self, job: Job, cmd: ParsedCommand) -> None:
        failed = False
        for ref in cmd.args:
            try:
                for line in self.daemon.remove_image(ref, bool(cmd.get("force"))):
                    job.write_out(line + "\n")
            except DaemonError as err:
                if err.status == 404 and cmd.get("force"):
                    daemon_error(job, err.message)
                    continue
                failed = True
                daemon_error(job, err.message)
        job.finish(1 if failed else 0)

    def cmd_container_prune(self, job: Job, cmd: ParsedCommand) -> None:
        def prune() -> None:
            removed = []
            for c in self.daemon.listing():
                if not c.running:
                    self.daemon.remove(c, c.name, False)
                    removed.append(c.id)
            if removed:
                job.write_out("Deleted Containers:\n" + "".join(f"{cid}\n" for cid in removed) + "\n")
            job.write_out("Total reclaimed space: 0B\n")
            job.finish(0)

        if cmd.get("force"):
            prune()
            return
        job.input_handler, job.eof_handler = confirm(
            JobPrinter(job), "This will remove all stopped containers.", prune)

    def cmd_image_prune(self, job: Job, cmd: ParsedCommand) -> None:
        job.write_out("Total reclaimed space: 0B\n")
        job.finish(0)

    # -- events -----------------------------------------------------------------------------------

    def cmd_events(self, job: Job, cmd: ParsedCommand) -> None:
        query = EventQuery.of(cmd, self.clock.now())
        printer = JobPrinter(job)
        for event in query.past(self.engine.history):
            if not query.show(printer, event):
                return
        if query.ended:
            job.finish(0)
            return

        def live(event: object) -> None:
            if not job.done:
                query.show(printer, event.to_dict())  # type: ignore[attr-defined]

        unsubscribe = self.engine.subscribe(live)
        job.done_listeners.append(lambda _: unsubscribe())
        if query.until is not None:
            self.clock.call_later(query.until - query.now, lambda: job.finish(0))

    # -- misc -------------------------------------------------------------------------------------

    def cmd_version(self, job: Job, cmd: ParsedCommand) -> None:
        job.write_out(VERSION_TEXT)
        job.finish(0)

    def cmd_info(self, job: Job, cmd: ParsedCommand) -> None:
        containers = list(self.daemon.containers.values())
        running = sum(1 for c in containers if c.running and not c.paused)
        paused = sum(1 for c in containers if c.paused)
        job.write_out(
            "Client:\n Version:    29.1.0\n Context:    default\n Debug Mode: false\n\nServer:\n"
            f" Containers: {len(containers)}\n  Running: {running}\n  Paused: {paused}\n"
            f"  Stopped: {len(containers) - running - paused}\n Images: {len(self.daemon.images.by_ref)}\n"
            " Server Version: 29.1.0\n Storage Driver: overlayfs\n Logging Driver: json-file\n"
            " Cgroup Driver: systemd\n Cgroup Version: 2\n Default Runtime: runc\n Init Binary: docker-init\n"
            " Kernel Version: 6.1.0-28-amd64\n Operating System: Lifecycle Lab simulator\n OSType: linux\n"
            " Architecture: x86_64\n CPUs: 2\n Name: lifecycle-lab\n")
        job.finish(0)

    def cmd_help(self, job: Job, cmd: ParsedCommand) -> None:
        job.write_out(help_text("help"))
        job.finish(0)


VERSION_TEXT = """Client:
 Version:           29.1.0
 API version:       1.52
 Go version:        go1.25.4
 OS/Arch:           linux/amd64
 Context:           default

Server: Lifecycle Lab simulator
 Engine:
  Version:          29.1.0
  API version:      1.52 (minimum version 1.44)
  OS/Arch:          linux/amd64
"""


def _tail_lines(entries: list, count: int) -> list:
    """Keep the last `count` lines of the log."""
    from .container import LogEntry

    lines: list[LogEntry] = []
    for entry in entries:
        for line in entry.text.splitlines(keepends=True):
            lines.append(LogEntry(entry.time, entry.stream, line))
    return lines[-count:] if count else []


__all__ = ["CATALOGUE", "CliError", "SimCli", "json", "usage_line"]
