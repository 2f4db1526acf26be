"""The real-daemon engine against the docker CLI: what a learner's command costs through the sandbox.

Run: `.venv/bin/python bench/real_engine.py` (needs a Docker daemon and the look-alike images:
`lifecycle-lab images build`; `--rounds 30` by default). Each round times `docker run -d`,
`docker stop -t 0` and `docker rm` of one container twice, interleaved so both see the same load:
through `webapp.engine.docker` (a sandbox, as a learner's console line: parsing, the policy's checks,
the label and limits, the API calls, the CLI's output) and through the plain `docker` CLI on the same
daemon (a subprocess per command, as a person at a shell would run it). Prints the median and 95th
percentile in milliseconds of each, and the ratio of the medians (engine / CLI). The containers are
removed at the end, even after a failure.
"""

from __future__ import annotations

import argparse
import secrets
import statistics
import subprocess
import time
from collections.abc import Callable

from webapp.engine.docker import Connection, DockerEngine

COMMANDS = ("run -d", "stop -t 0", "rm")


def timed(action: Callable[[], None]) -> float:
    start = time.perf_counter()
    action()
    return (time.perf_counter() - start) * 1000


def engine_step(engine: DockerEngine, line: str) -> Callable[[], None]:
    def act() -> None:
        result = engine.run(line, timeout=60)
        if result.exit_code != 0:
            raise SystemExit(f"engine: {line!r} failed: {result.stderr}")
    return act


def cli_step(docker: str, args: list[str]) -> Callable[[], None]:
    def act() -> None:
        proc = subprocess.run([docker, *args], capture_output=True, text=True, timeout=60,
                              check=False, stdin=subprocess.DEVNULL)
        if proc.returncode != 0:
            raise SystemExit(f"cli: docker {' '.join(args)} failed: {proc.stderr}")
    return act


def lines(name: str, image: str) -> list[list[str]]:
    return [["run", "-d", "--name", name, image, "sleep", "1000"], ["stop", "-t", "0", name],
            ["rm", name]]


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30, help="rounds of run/stop/rm for each")
    parser.add_argument("--image", default="ubuntu:20.04")
    parser.add_argument("--docker", default="docker", help="the docker CLI")
    args = parser.parse_args()

    conn = Connection()
    if not conn.ping(5):
        raise SystemExit(conn.unavailable)
    tag = secrets.token_hex(4)
    engine = DockerEngine(f"bench-{tag}", connection=conn, watch_health=False)
    cli_names: list[str] = []
    times: dict[tuple[str, str], list[float]] = {(w, c): [] for w in ("engine", "cli")
                                                 for c in COMMANDS}
    try:
        # one untimed round each: the sandbox's network, the image's layers, the CLI's caches
        for index in range(-1, args.rounds):
            engine_name, cli_name = f"e{index + 1}", f"bench-{tag}-{index + 1}"
            cli_names.append(cli_name)
            for command, shell_args, cli_args in zip(COMMANDS, lines(engine_name, args.image),
                                                     lines(cli_name, args.image), strict=True):
                line = "docker " + " ".join(shell_args)
                spent_engine = timed(engine_step(engine, line))
                spent_cli = timed(cli_step(args.docker, cli_args))
                if index >= 0:
                    times["engine", command].append(spent_engine)
                    times["cli", command].append(spent_cli)
    finally:
        engine.close()
        subprocess.run([args.docker, "rm", "-f", *cli_names], capture_output=True, check=False)

    print(f"{args.rounds} rounds, image {args.image}, daemon {conn.host}")
    print(f"{'command':<17} {'engine median':>13} {'engine p95':>10} {'cli median':>10} "
          f"{'cli p95':>8} {'ratio':>6}")
    for command in COMMANDS:
        ours, theirs = times["engine", command], times["cli", command]
        ratio = statistics.median(ours) / statistics.median(theirs)
        print(f"{'docker ' + command:<17} {statistics.median(ours):>13.1f} {p95(ours):>10.1f} "
              f"{statistics.median(theirs):>10.1f} {p95(theirs):>8.1f} {ratio:>6.2f}")
    print("(milliseconds; ratio: engine median / CLI median)")


if __name__ == "__main__":
    main()
