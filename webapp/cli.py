"""The `lifecycle-lab` command: `serve` (the web app), `cluster`, `console`, `replay`, `fuzz`,
`lessons check`, `images build|pull`, `db upgrade|current`."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any


def cmd_replay(args: argparse.Namespace) -> int:
    """Replay a scenario and print its transcript (the conformance format) as JSON."""
    from .conformance.scenario import load_scenario

    try:
        scenario = load_scenario(args.scenario)
    except (OSError, ValueError, TypeError) as err:
        print(f"lifecycle-lab replay: {err}", file=sys.stderr)
        return 2
    if args.engine == "sim":
        from .conformance.sim_runner import run_scenario_sim

        transcript = run_scenario_sim(scenario)
    elif args.engine == "docker":  # through the real-daemon engine the web app serves
        from .conformance.engine_runner import run_scenario_engine
        from .engine.docker import Connection, DaemonUnavailable

        try:
            connection = Connection()
            if not connection.ping(5.0):
                raise DaemonUnavailable(connection.unavailable)
            transcript = run_scenario_engine(scenario, connection=connection)
        except (DaemonUnavailable, OSError, RuntimeError, ValueError) as err:
            print(f"lifecycle-lab replay: {err}", file=sys.stderr)
            return 1
    else:  # docker-cli: the docker CLI itself, the conformance suite's reference
        from .conformance.real_runner import run_scenario_real

        try:
            transcript = run_scenario_real(scenario)
        except (OSError, RuntimeError, ValueError) as err:  # the daemon is outside our control
            print(f"lifecycle-lab replay: {err}", file=sys.stderr)
            return 1
    json.dump(transcript, sys.stdout, indent=2 if args.pretty else None, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def cmd_fuzz(args: argparse.Namespace) -> int:
    """Differential fuzzing: generated sequences on the daemon (docker CLI) and on the simulator."""
    from .conformance import fuzz
    from .conformance.compare import load_allowlist

    seed = args.seed if args.seed is not None else fuzz.seed_from_env()
    count = args.sequences if args.sequences is not None else fuzz.sequences_from_env()
    scenarios = fuzz.generate_all(seed, count)
    if args.only is not None:
        scenarios = [s for s in scenarios if s["name"].endswith(f"-{args.only:03d}")]
    print(f"lifecycle-lab fuzz: seed {seed}, {len(scenarios)} sequence(s) "
          f"(replay with `lifecycle-lab fuzz --seed {seed} --sequences {count}`)", flush=True)
    if args.show:
        for scenario in scenarios:
            print(json.dumps(scenario, indent=2))
        return 0
    allow = load_allowlist(args.allowlist) if args.allowlist and args.allowlist.exists() else []
    try:
        outcomes = fuzz.fuzz_scenarios(scenarios, jobs=args.jobs, allow=allow)
    except (OSError, RuntimeError) as err:  # the daemon is outside our control
        print(f"lifecycle-lab fuzz: {err}", file=sys.stderr)
        return 1
    failing = [o for o in outcomes if not o.report.ok]
    for outcome in failing:
        print(fuzz.replay_hint(outcome))
    if args.out:
        fuzz.write_artifacts(outcomes, args.out)
    tolerated = sum(len(o.report.tolerated) for o in outcomes)
    print(f"lifecycle-lab fuzz: seed {seed}: {len(outcomes) - len(failing)} of {len(outcomes)} "
          f"sequence(s) match ({tolerated} allowed difference(s))")
    return 1 if failing else 0


def cmd_images(args: argparse.Namespace) -> int:
    from .conformance import lookalike

    if args.action == "build":
        argv = ["--force"] if args.force else []
        argv += args.only or []
        return lookalike.main(argv)
    from .engine.docker.pull_all import pull_catalogue

    return pull_catalogue(args.only or None, timeout=args.timeout)


def cmd_lessons(args: argparse.Namespace) -> int:
    """`lessons check`: per lesson and locale, the text is complete and the solutions pass (every
    step's check false before its solution and true after, on a fresh engine)."""
    from .lessons import LESSONS_DIR, LessonError, load_lessons
    from .lessons.runner import check_lessons, format_results

    try:
        lessons = load_lessons(args.dir or LESSONS_DIR)
    except LessonError as err:
        print("lifecycle-lab lessons check: the lesson files have problems:", file=sys.stderr)
        for line in err.errors:
            print(f"  {line}", file=sys.stderr)
        return 1
    if args.lessons:
        known = {lesson.id: lesson for lesson in lessons}
        unknown = [i for i in args.lessons if i not in known]
        if unknown:
            print(f"lifecycle-lab lessons check: no such lesson: {', '.join(unknown)} (there are: "
                  f"{', '.join(known)})", file=sys.stderr)
            return 2
        lessons = [known[i] for i in args.lessons]

    if args.engine == "docker":
        # Real time on a real daemon: each lesson in a sandbox of its own, several at once.
        import secrets

        from .engine.docker import Connection, DockerEngine

        connection = Connection()
        if not connection.ping(5.0):
            print(f"lifecycle-lab lessons check: {connection.unavailable}", file=sys.stderr)
            return 1
        run = secrets.token_hex(4)
        results = check_lessons(
            lessons, lambda: DockerEngine(f"lessons-check-{run}-{secrets.token_hex(4)}",
                                          connection=connection),
            parallel=args.jobs or 4)
    else:
        from .engine.clock import VirtualClock
        from .engine.sim.engine import SimEngine

        results = check_lessons(lessons, lambda: SimEngine(VirtualClock(), seed=0))
    sys.stdout.write(format_results(results, verbose=args.verbose))
    return 0 if all(r.ok for r in results) else 1


def cmd_console(args: argparse.Namespace) -> int:
    from .terminal_console import run_console

    return run_console()


def no_delay_handler() -> type:
    """Werkzeug's request handler with Nagle's algorithm off on each connection.

    A command answers with several small websocket frames (output, engine events, state, the ack);
    with Nagle on, the later ones wait for the client's delayed ACK, some 40 ms a command. gunicorn
    sets TCP_NODELAY itself.
    """
    import socket

    from werkzeug.serving import WSGIRequestHandler

    class NoDelayHandler(WSGIRequestHandler):
        def setup(self) -> None:
            super().setup()
            try:
                self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:  # not TCP (a Unix socket)
                pass

    return NoDelayHandler


WORKERS = ("gevent", "gthread")  # gunicorn worker classes of `serve --production`; the first is
# the default: on bench/class_load.py's workload it served 500 learners with less CPU and memory
# per learner than threads (README, "Performance")
GEVENT_CONNECTIONS = 2000  # consoles one gevent worker serves at once
# Given as a file, not `python:webapp.gunicorn_conf`: importing the package in gunicorn's master
# would import Flask, ssl and the rest before the gevent worker patches the standard library.
GUNICORN_CONF = Path(__file__).resolve().parent / "gunicorn_conf.py"


def gunicorn_argv(host: str, port: int, threads: int, worker: str = WORKERS[0]) -> list[str]:
    """The production command: gunicorn, one worker (Flask-SocketIO keeps sessions in a process).

    `gevent`: one greenlet per connection (the app's threads become greenlets too, see
    `webapp.async_mode`), up to GEVENT_CONNECTIONS consoles. `gthread`: each open console holds one
    of the worker's threads, so `threads` bounds the consoles the process serves at once.
    `webapp.gunicorn_conf` makes SIGTERM a graceful stop.
    """
    if worker not in WORKERS:
        raise ValueError(f"worker {worker!r}: expected one of {', '.join(WORKERS)}")
    bind = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    kind = (["--worker-class", "gevent", "--worker-connections", str(GEVENT_CONNECTIONS)]
            if worker == "gevent" else ["--worker-class", "gthread", "--threads", str(threads)])
    return [sys.executable, "-m", "gunicorn", "--workers", "1", *kind,
            "--bind", bind, "--no-control-socket", "--config", str(GUNICORN_CONF),
            "webapp.wsgi:app"]


def stop_gracefully_on_sigterm(app: Any) -> None:
    """The development server stops as the production one does on SIGTERM (webapp/drain.py): the
    commands in flight finish and are acknowledged, the sockets close, then the server exits."""
    import _thread
    import signal
    import threading

    def stop() -> None:
        try:
            app.extensions["lab.drain"].shutdown(app.extensions["lab.sio_server"])
        finally:
            _thread.interrupt_main()  # the server's loop ends as on Ctrl-C; close_app follows

    def on_term(signum: int, frame: Any) -> None:
        signal.signal(signal.SIGTERM, signal.SIG_DFL)  # a second SIGTERM stops at once
        threading.Thread(target=stop, name="graceful-stop", daemon=True).start()

    signal.signal(signal.SIGTERM, on_term)


def cmd_serve(args: argparse.Namespace) -> int:
    """Run the web app on Flask-SocketIO's threaded server (fine for a classroom, not a data centre).

    `--production` hands the process over to gunicorn (`gunicorn_argv`) instead.
    """
    from . import close_app, create_app, heap, socketio
    from .config import ConfigError

    if args.production:
        import os

        if args.engine:
            os.environ["LAB_ENGINE"] = args.engine
        argv = gunicorn_argv(args.host, args.port, args.threads, args.worker)
        sys.stdout.flush()
        os.execv(argv[0], argv)  # returns only by raising OSError
    overrides = {"LAB_ENGINE": args.engine} if args.engine else None
    try:
        app = create_app(overrides)
    except ConfigError as err:
        print(f"lifecycle-lab serve: {err}", file=sys.stderr)
        return 2
    heap.settle()
    stop_gracefully_on_sigterm(app)
    host = f"[{args.host}]" if ":" in args.host else args.host
    engine = app.config.get("LAB_ENGINE_LABEL") or app.config["LAB_ENGINE"]
    print(f"Lifecycle Lab on http://{host}:{args.port}/ (engine: {engine}; "
          f"Ctrl-C to stop)", flush=True)
    try:
        socketio.run(app, host=args.host, port=args.port, allow_unsafe_werkzeug=True,
                     use_reloader=False, request_handler=no_delay_handler())
    except KeyboardInterrupt:
        pass
    finally:
        close_app(app)
    return 0


def cmd_cluster(args: argparse.Namespace) -> int:
    """A trial of `deploy/` on this machine: app processes behind nginx, Redis, a database."""
    import time

    from .devserver import ServerError
    from .services import ServiceUnavailable
    from .services.cluster import Cluster

    print("lifecycle-lab cluster: starting ...", flush=True)
    try:
        cluster = Cluster(args.processes, database=args.database, port=args.port,
                          threads=args.threads)
    except (ServiceUnavailable, ServerError) as err:
        print(f"lifecycle-lab cluster: {err}", file=sys.stderr)
        return 1
    try:
        ports = ", ".join(str(port) for port in cluster.ports)
        print(f"Lifecycle Lab on {cluster.url}/ through nginx: {args.processes} app process(es) "
              f"(ports {ports}), database {cluster.db_kind}, Redis {cluster.redis.url if cluster.redis else '-'}"
              f"; files in {cluster.folder}; Ctrl-C stops and removes everything", flush=True)
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        pass
    finally:
        cluster.stop()
    return 0


def cmd_db(args: argparse.Namespace) -> int:
    """`db current`: the database's schema revision; `db upgrade`: migrate it to this build's.

    The server upgrades at start anyway; these are for an operator who wants to look first, or
    to migrate once before starting many processes."""
    from sqlalchemy.exc import SQLAlchemyError

    from .config import PROJECT_ROOT, ConfigError, load_config
    from .db import Database, DatabaseError, current, head, parse_target, upgrade

    try:
        settings = load_config({"LAB_DB": args.db} if args.db else None)
        instance = Path(settings["LAB_INSTANCE"] or PROJECT_ROOT / "instance")
        db = Database(parse_target(settings["LAB_DB"] or str(instance / "lab.db")))
    except ConfigError as err:
        print(f"lifecycle-lab db: {err}", file=sys.stderr)
        return 2
    try:
        if args.action == "current":
            revision = current(db)
            newest = head()
            state = ("up to date" if revision == newest else
                     "empty, or made before migrations" if revision is None else "behind")
            print(f"{db.target.shown}: revision {revision or 'none'} ({state}; this build's "
                  f"newest is {newest})")
            return 0
        before, after = upgrade(db)
        print(f"{db.target.shown}: {before or 'none'} -> {after}"
              + (" (already up to date)" if before == after else ""))
        return 0
    except DatabaseError as err:
        print(f"lifecycle-lab db: {err}", file=sys.stderr)
        return 1
    except (SQLAlchemyError, OSError) as err:  # unreachable, bad credentials: one line
        print(f"lifecycle-lab db: {db.target.shown}: {str(err).splitlines()[0]}", file=sys.stderr)
        return 1
    finally:
        db.dispose()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="lifecycle-lab",
                                     description="Learn how Docker containers live and die.")
    sub = parser.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="the web app: console, lifecycle graph and lessons")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=5000, help="port (default 5000)")
    serve.add_argument("--engine", choices=("sim", "docker"), default=None,
                       help="engine (default: $LAB_ENGINE, else sim)")
    serve.add_argument("--production", action="store_true",
                       help="serve with gunicorn (one worker, gevent) instead of the development "
                            "server")
    serve.add_argument("--worker", choices=WORKERS, default=WORKERS[0],
                       help=f"--production: gunicorn's worker class (default {WORKERS[0]}; "
                            f"gevent serves up to {GEVENT_CONNECTIONS} consoles)")
    serve.add_argument("--threads", type=int, default=200,
                       help="--production --worker gthread: the worker's threads; each open "
                            "console holds one (default 200)")
    serve.set_defaults(func=cmd_serve)
    cluster = sub.add_parser("cluster", help="try the deployment of deploy/ on this machine: app "
                                             "processes behind nginx, Redis, a database")
    cluster.add_argument("--processes", type=int, default=2, help="app processes (default 2)")
    cluster.add_argument("--port", type=int, default=None, help="nginx's port (default: a free one)")
    cluster.add_argument("--database", choices=("auto", "postgres", "sqlite"), default="auto",
                         help="auto (the default): PostgreSQL when it is installed, else SQLite")
    cluster.add_argument("--threads", type=int, default=None,
                         help="each process's threads (see serve --threads)")
    cluster.set_defaults(func=cmd_cluster)
    console = sub.add_parser("console", help="a docker console on the simulator, in this terminal")
    console.set_defaults(func=cmd_console)
    replay = sub.add_parser("replay", help="replay a scenario and print its transcript")
    replay.add_argument("scenario", type=Path)
    replay.add_argument("--engine", choices=("sim", "docker", "docker-cli"), default="sim",
                        help="sim: the simulator; docker: the real-daemon engine (what `serve "
                             "--engine docker` runs); docker-cli: the docker CLI itself on the "
                             "daemon (the conformance reference)")
    replay.add_argument("--pretty", action="store_true", help="indent the JSON")
    replay.set_defaults(func=cmd_replay)
    fuzz = sub.add_parser("fuzz", help="differential fuzzing: generated command sequences on the "
                                       "Docker daemon and on the simulator, compared")
    fuzz.add_argument("--seed", type=int, default=None, help="default: $FUZZ_SEED, else random")
    fuzz.add_argument("--sequences", type=int, default=None,
                      help="how many sequences (default: $FUZZ_SEQUENCES, else 100)")
    fuzz.add_argument("--only", type=int, default=None, metavar="INDEX",
                      help="run only sequence INDEX of the seed")
    fuzz.add_argument("--jobs", type=int, default=6, help="sequences run at once (default 6)")
    fuzz.add_argument("--show", action="store_true",
                      help="print the generated scenarios instead of running them")
    fuzz.add_argument("--allowlist", type=Path,
                      default=Path(__file__).resolve().parent.parent / "tests" / "conformance"
                      / "fuzz_allowlist.json",
                      help="tolerated differences (default tests/conformance/fuzz_allowlist.json)")
    fuzz.add_argument("--out", type=Path, default=None,
                      help="write each failing sequence and its two transcripts to this folder")
    fuzz.set_defaults(func=cmd_fuzz)
    lessons = sub.add_parser("lessons", help="lesson tools")
    lessons_sub = lessons.add_subparsers(dest="action", required=True)
    check = lessons_sub.add_parser(
        "check", help="per lesson and locale: the text is complete and the solutions pass "
                      "(each check false before, true after)")
    check.add_argument("lessons", nargs="*", metavar="LESSON", help="only these lessons (ids)")
    check.add_argument("--engine", choices=("sim", "docker"), default="sim")
    check.add_argument("--jobs", type=int, default=None,
                       help="lessons checked at once on the docker engine (default 4)")
    check.add_argument("--dir", type=Path, default=None, help="the lessons folder (default: lessons/)")
    check.add_argument("-v", "--verbose", action="store_true",
                       help="also show every step: its check before and after its solution")
    check.set_defaults(func=cmd_lessons)
    images = sub.add_parser("images", help="images for the real engine: build offline look-alikes, "
                                           "or pull the real ones")
    images.add_argument("action", choices=("build", "pull"))
    images.add_argument("only", nargs="*", help="only these images (repository:tag)")
    images.add_argument("--force", action="store_true", help="rebuild even when up to date")
    images.add_argument("--timeout", type=float, default=30.0,
                        help="pull: seconds without progress before giving up (default 30)")
    images.set_defaults(func=cmd_images)
    db = sub.add_parser("db", help="the database's schema: its revision, or migrate it")
    db.add_argument("action", choices=("current", "upgrade"),
                    help="current: print the revision; upgrade: migrate to this build's newest")
    db.add_argument("--db", default=None, metavar="LAB_DB",
                    help="a SQLite path or a postgresql:// URL (default: $LAB_DB, else "
                         "instance/lab.db)")
    db.set_defaults(func=cmd_db)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args))


if __name__ == "__main__":
    sys.exit(main())
