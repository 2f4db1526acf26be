"""`POST /images/create` on the simulator: the registry is the image catalogue, and the download
takes (virtual) time, reported as the daemon's JSON progress messages that the CLI prints."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ..api import ApiError
from ..clock import Clock
from ..futures import Future
from ..images import CATALOGUE, normalize_ref, unavailable_image
from .daemon import Daemon

SPEED = 40_000_000  # bytes per (virtual) second
TICK = 0.25

Message = Callable[[dict[str, Any]], None]


def pull(daemon: Daemon, clock: Clock, ref: str, on_message: Message) -> Future[None]:
    """Pull `ref` into the daemon from the catalogue; settled when the image is there."""
    done: Future[None] = Future()
    familiar = normalize_ref(ref)
    name, tag = familiar.rsplit(":", 1)
    image = CATALOGUE.get(familiar)
    if image is None:
        raise ApiError(404, unavailable_image(familiar))
    path = f"library/{name}" if "/" not in name else name
    on_message({"status": f"Pulling from {path}", "id": tag})

    def finish(status: str) -> None:
        on_message({"status": f"Digest: {image.digest}"})
        on_message({"status": f"Status: {status} for {familiar}"})
        daemon.images.add(image)
        daemon.emit(None, "pull", {"name": name} | dict(image.labels), type_="image",
                    actor_id=familiar)
        done.set_result(None)

    local = daemon.images.by_ref.get(familiar)
    if local is not None and local.id == image.id:
        finish("Image is up to date")
        return done
    present = {layer for other in daemon.images.by_ref.values() for layer in other.layers}
    layers = [layer for layer in image.layers if layer not in present]
    for layer in image.layers:
        if layer in present:
            on_message({"status": "Already exists", "id": layer})
    if not layers:
        finish("Downloaded newer image")
        return done
    per_layer = max(1, image.size // max(1, len(image.layers)) // 2)  # compressed size
    for layer in layers:
        on_message({"status": "Pulling fs layer", "id": layer, "progressDetail": {}})
    progress = dict.fromkeys(layers, 0)
    complete: set[str] = set()

    def tick() -> None:
        if done.done():
            return
        active = [layer for layer in layers if layer not in complete]
        if not active:
            finish("Downloaded newer image")
            return
        layer = active[0]
        progress[layer] = min(per_layer, progress[layer] + int(SPEED * TICK))
        if progress[layer] < per_layer:
            on_message({"status": "Downloading", "id": layer,
                        "progressDetail": {"current": progress[layer], "total": per_layer}})
        else:
            on_message({"status": "Verifying Checksum", "id": layer, "progressDetail": {}})
            on_message({"status": "Download complete", "id": layer, "progressDetail": {}})
            on_message({"status": "Extracting", "id": layer,
                        "progressDetail": {"current": per_layer, "total": per_layer}})
            on_message({"status": "Pull complete", "id": layer, "progressDetail": {}})
            complete.add(layer)
        clock.call_later(TICK, tick)

    clock.call_later(TICK, tick)
    return done
