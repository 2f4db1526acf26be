"""`docker pull`, simulated: the registry is the image catalogue, the download takes (virtual) time.

On a terminal each layer's line is redrawn in place with a progress bar, the way the docker CLI's
jsonmessage renderer does it; without a terminal only the status lines without byte counts appear.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from ..formats.sizes import human_size
from ..images import CATALOGUE, Image, normalize_ref
from ..job import Job

if TYPE_CHECKING:
    from .engine import SimEngine

SPEED = 40_000_000  # bytes per (virtual) second
TICK = 0.25
REF_RE = re.compile(r"^[a-z0-9]+(?:[._-][a-z0-9]+)*(?:/[a-z0-9]+(?:[._-][a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?$")


def _bar(done: int, total: int) -> str:
    width = 50
    filled = int(width * done / total) if total else width
    arrow = ">" if filled < width else ""
    bar = "=" * max(0, filled - (1 if arrow else 0)) + arrow
    return f"[{bar:<{width}}] {human_size(done)}/{human_size(total)}"


def pull(engine: SimEngine, job: Job, ref: str, *, stream: str, implicit: bool, quiet: bool,
         done: Callable[[bool, str], None]) -> None:
    """Pull `ref` into the engine's daemon, printing progress to `stream` of the job."""
    out = job.write_out if stream == "stdout" else job.write_err
    name_part = ref.split("@")[0]
    repo = name_part.rsplit(":", 1)[0] if ":" in name_part.split("/")[-1] else name_part
    if repo != repo.lower():
        done(False, f"invalid reference format: repository name (library/{repo}) must be lowercase")
        return
    if not REF_RE.match(name_part.removeprefix("docker.io/").removeprefix("library/")):
        done(False, "invalid reference format")
        return
    familiar = normalize_ref(ref)
    name, tag = familiar.rsplit(":", 1)
    if not implicit and not quiet and ":" not in ref.split("/")[-1] and "@" not in ref:
        out("Using default tag: latest\n")
    image = CATALOGUE.get(familiar)
    if image is None:
        if any(i.repository == name for i in CATALOGUE.values()):
            done(False, f"manifest for {name}:{tag} not found: manifest unknown: manifest unknown")
        else:
            done(False, f"pull access denied for {name}, repository does not exist or may require "
                        "'docker login': denied: requested access to the resource is denied")
        return
    path = f"library/{name}" if "/" not in name else name
    daemon = engine.daemon
    local = daemon.images.by_ref.get(familiar)
    show = not quiet
    if show:
        out(f"{tag}: Pulling from {path}\n")
    if local is not None and local.id == image.id:
        if show:
            out(f"Digest: {image.digest}\nStatus: Image is up to date for {familiar}\n")
        _finish(engine, job, image, familiar, out, implicit, quiet, done)
        return
    present = {layer for other in daemon.images.by_ref.values() for layer in other.layers}
    layers = [layer for layer in image.layers if layer not in present]
    for layer in image.layers:
        if layer in present and show:
            out(f"{layer}: Already exists\n")
    if not layers:
        _complete(engine, job, image, familiar, out, implicit, quiet, done, show)
        return
    per_layer = max(1, image.size // max(1, len(image.layers)) // 2)  # compressed size
    tty = job.tty and show
    if show:
        for layer in layers:
            out(f"{layer}: Pulling fs layer\n")
    progress = {layer: 0 for layer in layers}
    status = {layer: "Pulling fs layer" for layer in layers}

    def redraw(layer: str, text: str) -> None:
        status[layer] = text
        if not tty:
            return
        up = len(layers) - layers.index(layer)
        out(f"\x1b[{up}A\r\x1b[2K{layer}: {text}\r\x1b[{up}B")

    def tick() -> None:
        if job.done:
            return
        active = [layer for layer in layers if status[layer] != "Pull complete"]
        if not active:
            _complete(engine, job, image, familiar, out, implicit, quiet, done, show)
            return
        layer = active[0]
        progress[layer] = min(per_layer, progress[layer] + int(SPEED * TICK))
        if progress[layer] < per_layer:
            redraw(layer, "Downloading " + _bar(progress[layer], per_layer))
        else:
            for text in ("Verifying Checksum", "Download complete"):
                redraw(layer, text)
                if not tty and show:
                    out(f"{layer}: {text}\n")
            redraw(layer, "Extracting " + _bar(per_layer, per_layer))
            redraw(layer, "Pull complete")
            if not tty and show:
                out(f"{layer}: Pull complete\n")
        engine.clock.call_later(TICK, tick)

    engine.clock.call_later(TICK, tick)


def _complete(engine: SimEngine, job: Job, image: Image, familiar: str, out: Callable[[str], None],
              implicit: bool, quiet: bool, done: Callable[[bool, str], None], show: bool) -> None:
    engine.daemon.images.add(image)
    if show:
        out(f"Digest: {image.digest}\nStatus: Downloaded newer image for {familiar}\n")
    _finish(engine, job, image, familiar, out, implicit, quiet, done)


def _finish(engine: SimEngine, job: Job, image: Image, familiar: str, out: Callable[[str], None],
            implicit: bool, quiet: bool, done: Callable[[bool, str], None]) -> None:
    engine.daemon.images.add(image)
    engine.daemon.emit(None, "pull", {"name": familiar.rsplit(":", 1)[0]} | dict(image.labels),
                       type_="image", actor_id=familiar)
    if not implicit:
        name = familiar.rsplit(":", 1)[0]
        prefix = "docker.io/library/" if "/" not in name else "docker.io/"
        out(f"{prefix}{familiar}\n")
    done(True, "")
