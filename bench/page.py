"""The sandbox page in headless Chromium: time to an input-ready console, bytes and requests.

Run: `.venv/bin/python bench/page.py` (`--runs 10`, `--server dev|gunicorn|both`, `--resources` for
the per-file breakdown of one cold load). The app runs in a subprocess on a free port with the
simulator: the development server (`lifecycle-lab serve`) and the production one
(`lifecycle-lab serve --production`: gunicorn on `webapp.wsgi:app`). Each run is a cold load (a fresh browser context, so an empty
cache and no cookie) followed by a warm load (the same context visits the page again).

What is measured, per load:
- ready: milliseconds from navigation start (`performance.timeOrigin`) until `#console` carries
  `data-ready="true"`: the terminal shows its prompt and the server's `hello` has been applied, so a
  keystroke is a command (the hook is described in docs/protocol.md). An observer installed before
  the page's own scripts records the moment the attribute changes.
- wire: bytes received for the page's HTTP requests as Chromium counts them (CDP
  `Network.loadingFinished.encodedDataLength`: headers plus the body as transferred, compressed when
  the server compressed it). Socket.IO frames after the websocket upgrade are not included.
- decoded: the same bodies after decompression (CDP `Network.dataReceived.dataLength`).
- requests: requests that reached the server; cached: those answered from the browser's cache.
Targets (issue 7): ready under 1 s, wire under 600 KB on a cold load.

On loopback bytes cost almost nothing; `--mbps 10 --rtt 40` has Chromium emulate a slower link,
and `--identity` asks for uncompressed responses (Accept-Encoding: identity) to see what the
compression buys (Chromium skips its cache while a header is overridden, so the warm
numbers of that mode are not a warm load).
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Error as PlaywrightError
from playwright.sync_api import Page, sync_playwright

from webapp.devserver import AppServer, ServerError

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
READY_SELECTOR = '#console[data-ready="true"]'
# Runs before the page's scripts: note when the console first reports itself ready.
READY_OBSERVER = """
(() => {
  const mark = () => {
    const el = document.getElementById('console');
    if (el && el.dataset.ready === 'true' && window.__labReadyAt === undefined) {
      window.__labReadyAt = performance.now();
    }
  };
  new MutationObserver(mark).observe(document, {
    subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'],
  });
})();
"""
TARGET_READY_MS = 1000
TARGET_WIRE_KB = 600


@dataclass
class Network:
    """How the browser's link is emulated: no limit by default; `identity` refuses compression."""

    mbps: float = 0.0
    rtt_ms: float = 0.0
    identity: bool = False


@dataclass
class Resource:
    """One HTTP request of a page load, as the Chrome DevTools Protocol reported it."""

    url: str
    status: int = 0
    encoding: str = ""
    wire: int = 0
    decoded: int = 0
    cached: bool = False
    done: bool = False


@dataclass
class Load:
    """The numbers of one page load."""

    ready_ms: float
    resources: list[Resource] = field(default_factory=list)

    @property
    def wire(self) -> int:
        return sum(r.wire for r in self.resources)

    @property
    def decoded(self) -> int:
        return sum(r.decoded for r in self.resources)

    @property
    def requests(self) -> int:
        return sum(1 for r in self.resources if not r.cached)

    @property
    def cached(self) -> int:
        return sum(1 for r in self.resources if r.cached)


class Recorder:
    """Collects the Network.* events of one page through a CDP session, and its errors."""

    def __init__(self, page: Page, network: Network):
        self.cdp = page.context.new_cdp_session(page)
        self.resources: dict[str, Resource] = {}
        self.errors: list[str] = []
        page.on("pageerror", lambda err: self.errors.append(str(err)))
        page.on("console", lambda msg: self.errors.append(msg.text) if msg.type == "error" else None)
        on = self.cdp.on
        on("Network.requestWillBeSent", self._sent)
        on("Network.requestServedFromCache", self._from_cache)
        on("Network.responseReceived", self._response)
        on("Network.dataReceived", self._data)
        on("Network.loadingFinished", self._finished)
        on("Network.loadingFailed", self._failed)
        self.cdp.send("Network.enable")
        if network.mbps or network.rtt_ms:
            rate = network.mbps * 125_000 if network.mbps else -1  # bytes per second
            self.cdp.send("Network.emulateNetworkConditions", {
                "offline": False, "latency": network.rtt_ms,
                "downloadThroughput": rate, "uploadThroughput": rate})
        if network.identity:
            self.cdp.send("Network.setExtraHTTPHeaders", {"headers": {"Accept-Encoding": "identity"}})

    def reset(self) -> None:
        self.resources = {}

    def pending(self) -> int:
        return sum(1 for r in self.resources.values() if not r.done)

    def _get(self, params: dict[str, Any]) -> Resource | None:
        return self.resources.get(params["requestId"])

    def _sent(self, params: dict[str, Any]) -> None:
        url = params["request"]["url"]
        if url.startswith("data:"):
            return
        old = self.resources.get(params["requestId"])
        if old is not None:  # a redirect reuses the id: keep the hop's bytes as their own entry
            self.resources[params["requestId"] + f"#{len(self.resources)}"] = old
            old.done = True
        self.resources[params["requestId"]] = Resource(url)

    def _from_cache(self, params: dict[str, Any]) -> None:
        if (res := self._get(params)) is not None:
            res.cached = True

    def _response(self, params: dict[str, Any]) -> None:
        if (res := self._get(params)) is None:
            return
        response = params["response"]
        res.status = int(response.get("status", 0))
        headers = {k.lower(): v for k, v in (response.get("headers") or {}).items()}
        res.encoding = headers.get("content-encoding", "")
        if response.get("fromDiskCache") or response.get("fromPrefetchCache"):
            res.cached = True

    def _data(self, params: dict[str, Any]) -> None:
        if (res := self._get(params)) is not None:
            res.decoded += int(params.get("dataLength", 0))

    def _finished(self, params: dict[str, Any]) -> None:
        if (res := self._get(params)) is not None:
            res.wire = int(params.get("encodedDataLength", 0))
            res.done = True

    def _failed(self, params: dict[str, Any]) -> None:
        if (res := self._get(params)) is not None:
            res.done = True


class NetworkChanged(Exception):
    """Chromium aborted requests because the machine's network interfaces changed (containers
    starting elsewhere): no fault of the page, so the sample is taken again."""


def visit(page: Page, recorder: Recorder, url: str) -> Load:
    """Navigate to `url`, wait for the input-ready console and for the requests to settle."""
    recorder.reset()
    page.goto(url, wait_until="commit")
    try:
        page.wait_for_selector(READY_SELECTOR, state="attached", timeout=30_000)
    except PlaywrightError:
        if any("ERR_NETWORK_CHANGED" in e for e in recorder.errors):
            raise NetworkChanged from None
        raise SystemExit(f"{url}: the console never became ready; page errors: "
                         f"{recorder.errors}") from None
    page.wait_for_function("() => window.__labReadyAt !== undefined", timeout=5_000)
    ready = float(page.evaluate("window.__labReadyAt"))
    page.wait_for_load_state("load")
    deadline = time.monotonic() + 3  # a Socket.IO long-poll may still be closing after the upgrade
    while recorder.pending() and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    return Load(ready, list(recorder.resources.values()))


@contextmanager
def app_server(kind: str) -> Iterator[str]:
    """The app with the simulator on a free port, its own instance folder; yields the base URL.

    "dev" is `lifecycle-lab serve`, "gunicorn" is `lifecycle-lab serve --production`.
    """
    try:
        server = AppServer(production=kind == "gunicorn", env={"LAB_ENGINE": "sim"}, timeout=60,
                           name=f"the {kind} server")
    except ServerError as err:
        raise SystemExit(str(err)) from None
    with server:
        yield server.url


def measure(base: str, runs: int, network: Network) -> tuple[list[Load], list[Load]]:
    """`runs` cold loads, each followed by a warm one in the same browser context."""
    cold: list[Load] = []
    warm: list[Load] = []
    url = f"{base}/sandbox"
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            retries = 0
            while len(cold) < runs + 1:  # the first round warms the server up and is dropped
                context = browser.new_context(viewport={"width": 1440, "height": 900})
                page = context.new_page()
                page.add_init_script(READY_OBSERVER)
                recorder = Recorder(page, network)
                try:
                    first = visit(page, recorder, url)
                    second = visit(page, recorder, url)
                except NetworkChanged:
                    retries += 1
                    if retries > 2 * runs:
                        raise SystemExit("the network kept changing under the browser") from None
                    continue
                finally:
                    context.close()
                cold.append(first)
                warm.append(second)
        finally:
            browser.close()
    return cold[1:], warm[1:]


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered) + 0.5) - 1))]


def row(server: str, kind: str, loads: list[Load]) -> str:
    times = [load.ready_ms for load in loads]
    return (f"{server:<9} {kind:<5} {statistics.median(times):>9.0f} {p95(times):>7.0f} "
            f"{statistics.median(load.wire for load in loads) / 1024:>8.1f} "
            f"{statistics.median(load.decoded for load in loads) / 1024:>10.1f} "
            f"{statistics.median(load.requests for load in loads):>8.0f} "
            f"{statistics.median(load.cached for load in loads):>6.0f}")


def resources_table(load: Load, base: str) -> str:
    lines = [f"  {'wire KB':>8} {'decoded KB':>10} {'enc':<5} {'st':>3}  url"]
    for res in sorted(load.resources, key=lambda r: -r.wire):
        url = res.url.removeprefix(base)
        lines.append(f"  {res.wire / 1024:>8.1f} {res.decoded / 1024:>10.1f} "
                     f"{res.encoding or '-':<5} {res.status:>3}  {url[:90]}")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=10, help="cold+warm pairs per server")
    parser.add_argument("--server", choices=("dev", "gunicorn", "both"), default="both")
    parser.add_argument("--mbps", type=float, default=0.0, help="emulated bandwidth (0: none)")
    parser.add_argument("--rtt", type=float, default=0.0, help="emulated round trip, ms")
    parser.add_argument("--identity", action="store_true", help="refuse compressed responses")
    parser.add_argument("--resources", action="store_true",
                        help="also list every request of one cold load")
    args = parser.parse_args()
    servers = ["dev", "gunicorn"] if args.server == "both" else [args.server]
    if args.server == "both" and importlib.util.find_spec("gunicorn") is None:
        servers = ["dev"]
    print(f"{'server':<9} {'load':<5} {'ready ms':>9} {'p95 ms':>7} {'wire KB':>8} "
          f"{'decoded KB':>10} {'requests':>8} {'cached':>6}")
    failed = []
    for server in servers:
        with app_server(server) as base:
            cold, warm = measure(base, args.runs, Network(args.mbps, args.rtt, args.identity))
        print(row(server, "cold", cold))
        print(row(server, "warm", warm))
        if args.resources:
            print(f"one cold load ({server}):\n{resources_table(cold[0], base)}")
        if statistics.median(load.ready_ms for load in cold) > TARGET_READY_MS:
            failed.append(f"{server}: cold ready over {TARGET_READY_MS} ms")
        if statistics.median(load.wire for load in cold) > TARGET_WIRE_KB * 1024:
            failed.append(f"{server}: cold wire over {TARGET_WIRE_KB} KB")
    print(f"median of {args.runs} runs; targets: ready < {TARGET_READY_MS} ms, "
          f"cold wire < {TARGET_WIRE_KB} KB" + (" — missed: " + "; ".join(failed) if failed else ""))


if __name__ == "__main__":
    main()
