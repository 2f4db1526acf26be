"""The Socket.IO namespace `/lab`: console lines and keystrokes in; output, events and state out.

Protocol (DESIGN.md): client -> server `run {"line"}` (acked with `{"exit_code", "stdout", "stderr",
"parsed"}` when the command returns; `parsed` summarizes the command, see `webapp.command_summary`;
`run {"line", "streamed": true}` is for a client that shows the `output` messages: acked with
empty stdout/stderr and `"streamed": true` when the output went out as `output` messages, or, for a
command that was over by the time it started, with its output in the ack and no `output` message;
with `"inline": true` too, everything such a command sent this console comes in the ack as
`"messages"`, see `webapp.outbox`),
`input {"data"}`, `complete {"line", "cursor"}` (acked with
`{"candidates", "replace_from"}`), `reset {}`; server -> client `hello`, `command {"line", "parsed"}`
(to the console that ran the line, once it is accepted and before any of its output or events; a
list or a pipe adds one `command {"line", "parsed", "invocation"}` per docker command it starts),
`output {"data", "stream"}`, `engine_events {"events": [...]}` (the Docker events one command or
keystroke caused, in order, in one message), `engine_event` (one Docker event that came later on its
own: a container dying after `sleep 5`), `state {"containers"}` and `error {"message"}`. While the
process is stopping (SIGTERM, `webapp.drain`), `run`, `input` and the other changes are acked with
`{"retry": true, "error": "server restarting"}` and not run: the client sends them again after it
has reconnected.
Workspace (the learner's files, `webapp.engine.workspace`): client -> server `file_write {"path",
"text"}` and `file_remove {"path"}`, acked `{"ok": true}` or `{"error": "..."}` (a name, size or
count the workspace refuses, or too many changes a second); server -> client `files {"files": {path:
text}}` on connect (once the sandbox is open; none yet is `{}`), after every change (to every
console of the sandbox, so two tabs stay in step, including a lesson seeding files) and after a reset.
Lessons (`webapp.lesson_live`): client -> server `lesson {"id", "restart", "lang"}` and `hint {}`;
server -> client `progress` after each command and event while a lesson page is open.

A console holds no sandbox until it needs one (see `LabNamespace.on_connect`): consoles that never
run a command cost the server no sandbox, and a full server refuses with the code `server_full`.

In threading mode every event runs in its own thread, so `run` may simply wait for an attached
command while `input` events from the same console reach it. Anything malformed gets an `error`
event (and a refusal as its ack); the connection always stays up. Other layers (classes) watch the
consoles through the signals of `webapp.signals`, sent with this namespace as the sender.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from flask import request, session
from flask.ctx import RequestContext
from socketio.exceptions import ConnectionRefusedError as ConnectionRefused

from . import signals
from .command_summary import summarize, summarize_line, with_outcome
from .completion import complete
from .drain import Drain, retry_ack
from .engine import lifecycle
from .engine.base import Unsubscribe
from .engine.events import Event
from .engine.workspace import MAX_FILE_BYTES, WorkspaceError
from .guarded import GuardedNamespace, Refused
from .lesson_live import LessonRelay
from .lessons import Catalog, LessonProgress, pick_locale
from .outbox import Outbox, defer
from .session import Sandbox, SandboxError, SandboxManager, TooManySandboxes, new_sandbox_id

NAMESPACE = "/lab"
SESSION_KEY = "sandbox"  # the Flask session (signed cookie) field naming the learner's sandbox
LESSON_KEY = "lesson"  # the session field naming the lesson page loaded last (None: the sandbox)
LANG_KEY = "lang"  # the session field with the locale the learner chose (?lang=)
STATE_DELAY = 0.05  # seconds of sandbox time over which a burst of events becomes one `state`
HELLO_HISTORY = 200  # recent events sent on connect, to redraw the graph and event log
EXAMPLES = {
    "run": '{"line": "docker ps -a"}',
    "input": '{"data": "ls\\r"}',
    "complete": '{"line": "docker st", "cursor": 9}',
    "reset": "{}",
    "lesson": '{"id": "why-exit"}',
    "hint": "{}",
    "resize": '{"rows": 24, "cols": 80}',
    "file_write": '{"path": "Dockerfile", "text": "FROM busybox\\n"}',
    "file_remove": '{"path": "serve.sh"}',
}
# A `file_write` carries a whole file: its JSON (every non-ASCII character escaped) may run to six
# characters a byte; the transport reads messages of up to FILE_MESSAGE_CHARS bytes.
FILE_PAYLOAD_CHARS = 6 * MAX_FILE_BYTES + 4096
FILE_MESSAGE_CHARS = 2 * MAX_FILE_BYTES + 8192


class Broadcaster:
    """Pushes one sandbox's Docker events to its room as they happen; coalesces `state` snapshots.

    Events may come from a command or, later, from the engine's clock thread; both call us under the
    sandbox lock. While a handler runs a command or keystrokes (`holding`), their events are
    gathered and go out as one `engine_events` message when it ends (each Socket.IO message costs
    encoding and a websocket frame on both sides: `run --rm ... echo` causes five events), or
    earlier when the next docker command of a list is announced or a `state` is sent
    (`release_events`): a client sees a command's events after its `command` message and before
    the next one's, and before the `state` they led to. The command's `output` is not held back
    (a terminal shows it as it comes), so it may arrive before events that preceded it. Events that
    come later on their own go out at once as `engine_event`. A burst (`rm -f a b c`, a restart loop tick) marks the state dirty once and is
    flushed `STATE_DELAY` later on the sandbox's own clock, or at once when a handler finishes.
    """

    def __init__(self, outbox: Outbox, sandbox: Sandbox):
        self.outbox = outbox
        self.sandbox = sandbox
        self._dirty = False
        self._scheduled = False
        self._holding = 0  # handlers that flush when they finish: their events need no timer
        self._events: list[dict[str, Any]] = []  # a holding handler's events not sent yet
        self._unsubscribe: Unsubscribe | None = None
        self._unsubscribe_notices: Unsubscribe | None = None

    def attach(self) -> None:
        """Listen to the sandbox's current engine (again, after a reset)."""
        with self.sandbox.lock:
            if self.send_files_to_room not in self.sandbox.file_listeners:
                self.sandbox.file_listeners.append(self.send_files_to_room)
            if self._unsubscribe is not None:
                self._unsubscribe()
            if self._unsubscribe_notices is not None:
                self._unsubscribe_notices()
                self._unsubscribe_notices = None
            self._scheduled = False
            self._unsubscribe = self.sandbox.engine.subscribe(self._on_event)
            # the real daemon went away or came back (a simulator has nothing to say)
            self._unsubscribe_notices = self.sandbox.engine.subscribe_notices(self._on_notice)

    def _on_notice(self, text: str) -> None:
        """A message for every console of the sandbox that no command printed; then fresh state."""
        self.release_events()
        self.outbox.emit("output", {"data": text, "stream": "stderr"}, self.sandbox.id)
        self._dirty = True
        self.flush()

    def _on_event(self, event: Event) -> None:
        self._dirty = True
        if self._holding:
            self._events.append(event.to_dict())
            return
        self.outbox.emit("engine_event", event.to_dict(), self.sandbox.id)
        if not self._scheduled:
            self._scheduled = True
            self.sandbox.clock.call_later(STATE_DELAY, self._timer_flush)

    def release_events(self) -> None:
        """Send the events gathered so far as one `engine_events`: before any other message."""
        with self.sandbox.lock:
            if self._events:
                events, self._events = self._events, []
                self.outbox.emit("engine_events", {"events": events}, self.sandbox.id)

    @contextmanager
    def holding(self) -> Iterator[None]:
        """A handler's own work: its events are flushed as one `state` when it ends, not on a timer."""
        with self.sandbox.lock:
            self._holding += 1
        try:
            yield
        finally:
            with self.sandbox.lock:
                self._holding -= 1
            self.flush()

    def _timer_flush(self) -> None:
        self._scheduled = False
        self.flush()

    def flush(self) -> None:
        with self.sandbox.lock:
            self.release_events()
            if self._dirty:
                self._dirty = False
                self.send_state(self.sandbox.id)

    def send_files_to_room(self) -> None:
        """Every console of the sandbox sees a change to its files, whoever made it."""
        self.send_files(self.sandbox.id)

    def send_files(self, to: str) -> None:
        files = self.sandbox.files()
        self.outbox.emit("files", {"files": files}, to)

    def send_state(self, to: str) -> None:
        with self.sandbox.lock:
            self.release_events()
            containers = self.sandbox.snapshot()
        self.outbox.emit("state", {"containers": containers}, to)


@dataclass
class Connection:
    """One console. Its sandbox is opened when there is something to show or to run, not before:
    a connection that never runs a command holds no sandbox (`sandbox` None, `sandbox_id` the id
    it will have)."""

    sandbox_id: str
    ephemeral: bool  # no cookie: nobody can come back to this sandbox once the socket closes
    sandbox: Sandbox | None = None
    keys: deque[str] = field(default_factory=deque)  # keystrokes in arrival order
    typing: threading.Lock = field(default_factory=threading.Lock)  # one thread delivers them
    opening: threading.Lock = field(default_factory=threading.Lock)  # one thread opens the sandbox
    locale: str = "en"  # for lesson hints
    lesson: str | None = None  # a lesson page waiting for the sandbox (set-up runs in it)


def refusal_ack(event: str, message: str) -> dict[str, Any] | None:
    """What a refused request is acknowledged with, so a client waiting on its ack never hangs."""
    if event == "run":  # shaped like a result, plus the reason
        return {"exit_code": 1, "stdout": "", "stderr": f"lifecycle-lab: {message}\n",
                "error": message}
    if event == "complete":
        return {"candidates": [], "replace_from": 0, "error": message}
    if event in ("lesson", "hint", "file_write", "file_remove"):
        return {"error": message}
    return None


class LabNamespace(GuardedNamespace[Connection]):
    """One connection = one console on the learner's sandbox (several tabs may share a sandbox)."""

    examples = EXAMPLES
    refusals = (Refused, SandboxError)

    def __init__(self, manager: SandboxManager, config: dict[str, Any],
                 lessons: Catalog | None = None):
        # Keystrokes are messages too: far more of them than commands (LAB_RATE) are allowed.
        super().__init__(NAMESPACE, max_payload=int(config["LAB_MAX_PAYLOAD"]),
                         rate=max(100.0, 10 * float(config["LAB_RATE"])))
        self.manager = manager
        self.max_line = int(config["LAB_MAX_LINE"])
        self.engine_name = config.get("LAB_ENGINE_LABEL") or config["LAB_ENGINE"]
        self.lessons: LessonRelay | None = None
        # Other layers say which learners' sandboxes open as soon as their console connects (a
        # class member's, so the dashboard sees them), given the sandbox id.
        self.open_at_connect: list[Callable[[str], bool]] = []
        self.drain = Drain()  # the app's own (create_app) counts this namespace's events
        self._outbox: Outbox | None = None
        if lessons is not None:
            self.lessons = LessonRelay(self._send, lessons, manager.store)
        manager.on_engine = self._on_engine

    # -- plumbing ------------------------------------------------------------------------------------

    def _on_engine(self, sandbox: Sandbox) -> None:
        broadcaster = sandbox.extras.get("live")
        if broadcaster is None:
            broadcaster = sandbox.extras["live"] = Broadcaster(self.outbox, sandbox)
        broadcaster.attach()
        if self.lessons is not None:
            self.lessons.on_engine(sandbox)
        signals.notify(signals.engine_attached, self, sandbox=sandbox)

    def _broadcaster(self, sandbox: Sandbox) -> Broadcaster:
        return sandbox.extras["live"]

    @property
    def outbox(self) -> Outbox:
        """Where every message of the namespace goes out (made once the server is known)."""
        if self._outbox is None:
            self._outbox = Outbox(self.server, NAMESPACE)
        return self._outbox

    def _send(self, event: str, data: Any, to: str) -> None:
        self.outbox.emit(event, data, to)
        if event == "progress":
            conn = self._connection(to)
            if conn is not None and conn.sandbox is not None:
                signals.notify(signals.lesson_progress, self, sid=to, sandbox=conn.sandbox,
                               progress=data)

    def dispatch(self, event: str, sid: str, conn: Connection, args: tuple[Any, ...]) -> Any:
        if self.drain.refuses(event):  # this process is stopping: the client sends it again
            return retry_ack(event)
        if event == "input":
            return self._input(sid, conn, args)
        return self._handle(event, sid, args)

    def refusal(self, event: str, message: str) -> dict[str, Any] | None:
        return refusal_ack(event, message)

    def unconnected(self, event: str) -> dict[str, Any] | None:
        # A command racing the close of a stopping process: not run, so the client may send it again.
        return retry_ack(event) if self.drain.refuses(event) else None

    def _handle(self, event: str, sid: str, args: tuple[Any, ...]) -> Any:
        """Run `on_<event>` in a request context that reuses the connection's session.

        Flask-SocketIO builds a request context for every event, and Flask opens the session of the
        handshake's cookie anew each time: checking the signature and decoding the cookie cost more
        than the rest of a `docker ps`. The context gets the connection's session instead (the copy
        Flask-SocketIO made at `connect`, which its handlers would be given anyway).
        """
        environ = self.server.get_environ(sid, namespace=NAMESPACE)
        saved = environ.get("saved_session") if environ else None
        if saved is None or not self.socketio.manage_session:
            return self.handle(event, sid, *args)
        with RequestContext(environ["flask.app"], environ, session=saved):
            request.sid = sid
            request.namespace = NAMESPACE
            request.event = {"message": event, "args": args}
            return getattr(self, f"on_{event}")(*args)

    def _sandbox(self) -> Sandbox:
        """The console's sandbox, opened now if this is the first thing that needs it."""
        sid = request.sid
        conn = self._connection(sid)
        if conn is None:
            raise Refused("not connected to a sandbox")
        if conn.sandbox is not None:
            return conn.sandbox
        with conn.opening:
            if conn.sandbox is None:
                sandbox = self.manager.open(conn.sandbox_id, sid=sid)  # may be TooManySandboxes
                if self._connection(sid) is None:  # the console closed meanwhile
                    self.manager.disconnect(sandbox, sid, forget=conn.ephemeral)
                    raise Refused("not connected to a sandbox")
                conn.sandbox = sandbox
                self._opened(sid, conn, sandbox, lazily=True)
        return conn.sandbox

    def _opened(self, sid: str, conn: Connection, sandbox: Sandbox, *, lazily: bool) -> None:
        """The console has its sandbox: what it shows, its lesson, and the other layers told."""
        if lazily:
            with sandbox.lock:
                shown = bool(sandbox.engine.history)
            if shown:  # came back from the store: the page draws what happened meanwhile
                self._send("hello", self._hello(sandbox), sid)
                self._broadcaster(sandbox).send_state(sid)
            self._broadcaster(sandbox).send_files(sid)
        if conn.lesson is not None and self.lessons is not None:
            lesson, conn.lesson = conn.lesson, None
            try:
                self._send("progress", self.lessons.open(sid, sandbox, lesson), sid)
            except SandboxError as err:
                self._error(sid, str(err))
        signals.notify(signals.console_connected, self, sid=sid, sandbox=sandbox)

    def _hello(self, sandbox: Sandbox | None, sandbox_id: str | None = None) -> dict[str, Any]:
        history: list[dict[str, Any]] = []
        if sandbox is not None:
            with sandbox.lock:
                history = [e.to_dict() for e in list(sandbox.engine.history)[-HELLO_HISTORY:]]
        return {"sandbox": sandbox.id if sandbox is not None else sandbox_id,
                "engine": self.engine_name, "lifecycle": lifecycle.as_json(), "history": history}

    # -- connection lifecycle --------------------------------------------------------------------------

    def on_connect(self, auth: Any = None) -> None:
        """Admit the console; open its sandbox only if there is something to show.

        A learner coming back (their sandbox in memory or in the store), a lesson page (its set-up
        runs in the sandbox) or a class member opens it now; anyone else, and every connection
        without a cookie, gets an empty graph and a sandbox on their first command.
        """
        sid = request.sid
        wanted = session.get(SESSION_KEY)
        ephemeral = not isinstance(wanted, str) or not wanted
        conn = Connection(new_sandbox_id() if ephemeral else wanted, ephemeral)
        auth = auth if isinstance(auth, dict) else {}
        lesson = self._lesson_wanted(conn, auth)
        if not ephemeral and (lesson is not None or self.manager.exists(conn.sandbox_id)
                              or any(check(conn.sandbox_id) for check in self.open_at_connect)):
            try:
                conn.sandbox = self.manager.open(conn.sandbox_id, sid=sid)
            except TooManySandboxes as err:
                raise ConnectionRefused(str(err), {"code": err.code}) from None
        self.admit(sid, conn)
        self.server.enter_room(sid, conn.sandbox_id, namespace=NAMESPACE)
        self._send("hello", self._hello(conn.sandbox, conn.sandbox_id), sid)
        if conn.sandbox is not None:
            self._broadcaster(conn.sandbox).send_state(sid)
            self._broadcaster(conn.sandbox).send_files(sid)
            conn.lesson = lesson
            self._opened(sid, conn, conn.sandbox, lazily=False)
        else:
            self._send("state", {"containers": []}, sid)
            self._send("files", {"files": {}}, sid)
            if lesson is not None and self.lessons is not None:
                conn.lesson = lesson  # opened with the sandbox; until then, a lesson not started
                found = self.lessons.catalog.get(lesson)
                self._send("progress", LessonProgress(found).payload(None), sid)

    def _lesson_wanted(self, conn: Connection, auth: dict[str, Any]) -> str | None:
        """The lesson page this console belongs to: `auth.lesson`, else the page loaded last."""
        if self.lessons is None:
            return None
        wanted = auth.get("lang") if isinstance(auth.get("lang"), str) else session.get(LANG_KEY)
        conn.locale = pick_locale(wanted, [lang for lang, _ in request.accept_languages])
        lesson = auth.get("lesson", session.get(LESSON_KEY))
        if isinstance(lesson, str) and self.lessons.catalog.get(lesson) is not None:
            return lesson
        return None

    def on_disconnect(self, reason: Any = None) -> None:
        sid = request.sid
        conn = self.release(sid)
        if conn is not None:
            if self.lessons is not None:
                self.lessons.close(sid)
            with conn.opening:  # not while a handler is opening it
                sandbox = conn.sandbox
            if sandbox is not None:
                self.manager.disconnect(sandbox, sid, forget=conn.ephemeral)
                signals.notify(signals.console_closed, self, sid=sid, sandbox=sandbox)

    # -- console ---------------------------------------------------------------------------------------

    def on_run(self, *args: Any) -> dict[str, Any]:
        sid = request.sid
        payload = self.payload("run", args, line=str)
        line: str = payload["line"]
        streamed = payload.get("streamed") is True  # the client shows `output` messages itself
        # A client that takes its messages in the ack (`inline`, the page) gets everything sent to
        # it while a command that is over at once ran, in the ack, in order (webapp.outbox),
        # starting with what a sandbox opened now sends.
        inline = (streamed and payload.get("inline") is True
                  and defer(lambda: self.outbox.release(sid)))
        if inline:
            self.outbox.hold(sid)
        sandbox = self._sandbox()
        if len(line) > self.max_line:
            raise Refused(f"line too long ({len(line)} characters; at most {self.max_line})")

        broadcaster = self._broadcaster(sandbox)
        # A client that shows `output` itself (the page) gets the output of a command that is over
        # by the time it has started in this thread in the ack instead: one message, not several.
        # Until then the output is held here (under the sandbox lock, like every output call).
        held: list[list[tuple[str, str]] | None] = [[] if streamed and not inline else None]

        def output(text: str, stream: str) -> None:
            if held[0] is not None:
                held[0].append((text, stream))
            else:
                self._send("output", {"data": text, "stream": stream}, sid)
            signals.notify(signals.command_output, self, sid=sid, sandbox=sandbox, text=text,
                           stream=stream)

        # The page reads events and output in the light of the command that caused them: the summary
        # goes out first, from this thread, before the engine starts (so before any of its events).
        summary = summarize_line(line)
        last = {"summary": summary}

        def announce() -> None:
            self._send("command", {"line": line, "parsed": summary}, sid)

        def announce_each(text: str, parsed: Any, plain: bool) -> None:
            # A list or a pipe: each docker command is announced as it starts (before its events),
            # in the light of the console line the page is showing.
            if plain:
                return  # the line itself, already announced
            last["summary"] = summarize(parsed)
            broadcaster.release_events()  # the previous command's events, before this one starts
            self._send("command", {"line": line, "parsed": last["summary"], "invocation": text}, sid)

        signals.notify(signals.command_started, self, sid=sid, sandbox=sandbox, line=line)
        with broadcaster.holding():
            job = sandbox.run(line, owner=sid, on_output=output, on_start=announce,
                              on_command=announce_each)
            if self._connection(sid) is None:  # the console closed while the command was starting
                sandbox.hang_up(owner=sid)
        if inline and not job.done:  # it runs on (attached): what it sends goes out as it comes
            with sandbox.lock:
                self.outbox.release(sid)
            inline = False
        folded = self._fold_output(sandbox, job, held, sid)
        finished = threading.Event()
        with sandbox.lock:
            job.done_listeners.append(lambda _job: finished.set())
            if job.done:
                finished.set()
        finished.wait()  # an attached command: input events reach it from other handler threads
        broadcaster.flush()
        if self.lessons is not None:
            self.lessons.refresh(sandbox)
        with sandbox.lock:
            result = job.result().as_dict()
            failed = result["exit_code"] != 0
            parsed = with_outcome(last["summary"], result["exit_code"],
                                  sandbox.snapshot() if failed else None, result["stderr"])
        signals.notify(signals.command_finished, self, sid=sid, sandbox=sandbox, line=line,
                       result=result)
        if inline:  # what follows waits for the ack to go out (released after it)
            return {"exit_code": result["exit_code"], "stdout": "", "stderr": "", "streamed": True,
                    "parsed": parsed, "messages": self.outbox.take(sid)}
        if folded is not None:  # the terminal shows the ack's output: it was sent nowhere else
            return {"exit_code": result["exit_code"], "stdout": folded[0], "stderr": folded[1],
                    "parsed": parsed}
        if streamed:  # everything the command printed already went out as `output` messages
            return {"exit_code": result["exit_code"], "stdout": "", "stderr": "", "streamed": True,
                    "parsed": parsed}
        return {**result, "parsed": parsed}

    def _fold_output(self, sandbox: Sandbox, job: Any, held: list[list[tuple[str, str]] | None],
                     sid: str) -> tuple[str, str] | None:
        """The held output of a command that is over, as (stdout, stderr) for its ack; else None.

        Folded only when the ack's two fields show it as it was printed (no stdout after stderr:
        the page writes the ack's stdout, then its stderr). Otherwise, or when the command still
        runs (attached, waiting for a container), the held output goes out as `output` messages,
        in order, and what the command prints from now on follows as it comes.
        """
        with sandbox.lock:
            chunks, held[0] = held[0], None
            if chunks is None:
                return None
            streams = [stream for _, stream in chunks]
            if job.done and streams == sorted(streams, key=lambda name: name != "stdout"):
                return ("".join(text for text, stream in chunks if stream == "stdout"),
                        "".join(text for text, stream in chunks if stream != "stdout"))
            for text, stream in chunks:
                self._send("output", {"data": text, "stream": stream}, sid)
            return None

    def _input(self, sid: str, conn: Connection, args: tuple[Any, ...]) -> None:
        """Keystrokes, kept in order although each event runs in a thread of its own.

        Handled here, at the top of the event's thread, rather than in an `on_input` behind
        Flask-SocketIO's request set-up: the queue entry is made a few bytecodes after the thread
        starts (threads start in arrival order), and one thread at a time delivers the queue.
        """
        data: str = self.payload("input", args, data=str)["data"]
        if conn.sandbox is None:  # nothing runs yet: keystrokes are dropped, as on any idle console
            return
        conn.keys.append(data)
        with conn.typing, self._broadcaster(conn.sandbox).holding():
            try:
                while conn.keys:
                    conn.sandbox.send_input(conn.keys.popleft(), owner=sid)
            except SandboxError:
                conn.keys.clear()  # the rest was meant for the same refused command
                raise

    def on_resize(self, *args: Any) -> dict[str, Any]:
        """`resize {"rows", "cols"}`: the console's terminal size, for an attached container TTY."""
        sid = request.sid
        conn = self._connection(sid)
        payload = self.payload("resize", args, rows=int, cols=int)
        rows, cols = payload["rows"], payload["cols"]
        if not (0 < rows <= 1000 and 0 < cols <= 1000):
            raise Refused("'resize' needs rows and cols between 1 and 1000")
        sandbox = conn.sandbox if conn is not None else None
        if sandbox is None:  # no sandbox, so no terminal to resize: not a reason to open one
            return {"rows": rows, "cols": cols}
        with sandbox.lock:
            if sandbox.busy and sandbox.owner == sid and sandbox.job is not None:
                sandbox.job.resize(rows, cols)
        return {"rows": rows, "cols": cols}

    def on_complete(self, *args: Any) -> dict[str, Any]:
        sandbox = self._sandbox()
        payload = self.payload("complete", args, line=str)
        line: str = payload["line"]
        cursor = payload.get("cursor", len(line))
        if not isinstance(cursor, int) or isinstance(cursor, bool) or not 0 <= cursor <= len(line):
            raise Refused(f"'complete' needs an integer 'cursor' between 0 and {len(line)}")
        with sandbox.lock:
            candidates, start = complete(line, cursor, sandbox.engine)
        return {"candidates": candidates, "replace_from": start}

    def on_reset(self, *args: Any) -> dict[str, Any]:
        sandbox = self._sandbox()
        if self.payload("reset", args, optional=True):
            raise Refused(f"'reset' expects no payload or {EXAMPLES['reset']}")
        self.reset_sandbox(sandbox)
        return {"sandbox": sandbox.id}

    def reset_sandbox(self, sandbox: Sandbox) -> None:
        """Forget the sandbox's containers and tell every console on it (also for a class reset)."""
        self.manager.reset(sandbox)
        self._send("hello", self._hello(sandbox), sandbox.id)
        self._broadcaster(sandbox).send_state(sandbox.id)
        self._broadcaster(sandbox).send_files(sandbox.id)  # empty, or what an open lesson seeded
        if self.lessons is not None:
            self.lessons.refresh(sandbox, force=True)
        signals.notify(signals.sandbox_reset, self, sandbox=sandbox)

    # -- workspace -------------------------------------------------------------------------------------

    def on_file_write(self, *args: Any) -> dict[str, Any]:
        """`file_write {"path", "text"}`: create or replace a workspace file (logged)."""
        payload = self.payload("file_write", args, max_size=FILE_PAYLOAD_CHARS, path=str, text=str)
        sandbox = self._sandbox()
        try:
            sandbox.write_file(payload["path"], payload["text"], rate_limited=True)
        except WorkspaceError as err:
            raise Refused(str(err)) from None
        return {"ok": True}

    def on_file_remove(self, *args: Any) -> dict[str, Any]:
        """`file_remove {"path"}`: delete a workspace file (logged); an unknown name is refused."""
        path: str = self.payload("file_remove", args, path=str)["path"]
        sandbox = self._sandbox()
        if not sandbox.remove_file(path, rate_limited=True):
            raise Refused(f"no file {path[:100]!r} in the workspace")
        return {"ok": True}

    # -- lessons ---------------------------------------------------------------------------------------

    def on_lesson(self, *args: Any) -> dict[str, Any]:
        """`lesson {"id": "why-exit"}`: this console shows that lesson (null: none); acked with progress."""
        sid = request.sid
        sandbox = self._sandbox()
        payload = self.payload("lesson", args)
        if self.lessons is None:
            raise Refused("lessons are not available on this server")
        lesson_id, restart, lang = payload.get("id"), payload.get("restart", False), payload.get("lang")
        if not isinstance(restart, bool):
            raise Refused("'lesson' field 'restart' must be true or false")
        if lang is not None:
            if not isinstance(lang, str):
                raise Refused("'lesson' field 'lang' must be a string such as \"ko\"")
            conn = self._connection(sid)
            if conn is not None:
                conn.locale = pick_locale(lang)
        if lesson_id is None:
            self.lessons.close(sid)
            return {"lesson": None}
        if not isinstance(lesson_id, str) or self.lessons.catalog.get(lesson_id) is None:
            known = ", ".join(lesson.id for lesson in self.lessons.catalog)
            raise Refused(f"unknown lesson {str(lesson_id)[:60]!r}; the lessons are: {known}")
        progress = self.lessons.open(sid, sandbox, lesson_id, restart=restart)
        signals.notify(signals.lesson_progress, self, sid=sid, sandbox=sandbox, progress=progress)
        return progress

    def on_hint(self, *args: Any) -> dict[str, Any]:
        """`hint {}`: reveal the next hint of the open lesson's active step (acked with the hints)."""
        sid = request.sid
        sandbox = self._sandbox()
        payload = self.payload("hint", args, optional=True)
        if self.lessons is None:
            raise Refused("lessons are not available on this server")
        conn = self._connection(sid)
        lang = payload.get("lang")
        if isinstance(lang, str) and lang:
            locale = pick_locale(lang)
        else:
            locale = conn.locale if conn is not None else "en"
        try:
            return self.lessons.hint(sid, sandbox, locale)
        except LookupError as err:
            raise Refused(str(err)) from None
