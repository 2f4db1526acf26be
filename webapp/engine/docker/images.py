"""Images on the real daemon, as one learner sees them; and `docker pull`'s progress display.

Images are shared by every learner on the daemon, so a learner never removes one for real: the
sandbox shows each learner the allowed images the daemon has (`Policy.images`), minus those the
learner removed with `docker rmi`. Such a removal hides the image from that learner's `docker images`
(with Docker's own `Untagged:`/`Deleted:` lines and `untag`/`delete` events); `docker pull`, or a
`docker run` that pulls implicitly, brings it back from the daemon's local store, with `pull` output
and a `pull` event, without any registry traffic. An allowed image the daemon does not have at all is
pulled for real, through the daemon, with progress (that needs a reachable registry).

`render_pull` prints the daemon's pull stream (JSON messages) the way the docker CLI's jsonmessage
display does: on a terminal each layer's line is redrawn in place; otherwise only status lines.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from ..cli.jsonmessage import PullDisplay
from ..images import normalize_ref
from .connection import ApiError, Connection
from .policy import Policy


@dataclass
class ImageView:
    """What one learner sees of the daemon's images."""

    conn: Connection
    policy: Policy
    hidden: set[str] = field(default_factory=set)  # familiar refs the learner removed

    def listing(self) -> list[dict[str, Any]]:
        """`GET /images/json`, limited to allowed, visible tags (images left without one dropped)."""
        out = []
        for image in self.conn.get("/images/json") or []:
            tags = [t for t in image.get("RepoTags") or [] if self.visible(t)]
            if not tags:
                continue
            shown = dict(image)
            shown["RepoTags"] = tags
            repos = {normalize_ref(t).rsplit(":", 1)[0] for t in tags}
            shown["RepoDigests"] = [d for d in image.get("RepoDigests") or []
                                    if normalize_ref(d.split("@")[0]).rsplit(":", 1)[0] in repos]
            out.append(shown)
        return out

    def visible(self, ref: str) -> bool:
        familiar = normalize_ref(ref)
        return familiar in self.policy.images and familiar not in self.hidden

    def refs(self) -> list[dict[str, str]]:
        """`[{"ref", "id"}]` for lesson checks and completion."""
        return [{"ref": normalize_ref(tag), "id": image["Id"]} for image in self.listing()
                for tag in image["RepoTags"]]

    def find(self, ref: str) -> tuple[dict[str, Any], list[str]] | None:
        """The visible image `ref` names (a tag, or an ID / ID prefix): (summary, its visible tags)."""
        images = self.listing()
        familiar = normalize_ref(ref)
        for image in images:
            if familiar in (normalize_ref(t) for t in image["RepoTags"]):
                return image, image["RepoTags"]
        hexpart = ref.removeprefix("sha256:")
        if hexpart and all(c in "0123456789abcdef" for c in hexpart):
            matches = [i for i in images if i["Id"].removeprefix("sha256:").startswith(hexpart)]
            if len(matches) == 1:
                return matches[0], matches[0]["RepoTags"]
        return None

    def present(self, ref: str) -> dict[str, Any] | None:
        """The daemon's image for an allowed ref, hidden or not (None: the daemon lacks it)."""
        try:
            return self.conn.get("/images/{0}/json", normalize_ref(ref))
        except ApiError as err:
            if err.status == 404:
                return None
            raise

    def inspect(self, ref: str) -> dict[str, Any] | None:
        found = self.find(ref)
        if found is None:
            return None
        image, tags = found
        data = self.conn.get("/images/{0}/json", image["Id"])
        data = dict(data)
        data["RepoTags"] = tags
        data["RepoDigests"] = image.get("RepoDigests") or []
        return data


def pull_path(familiar: str) -> str:
    name = familiar.rsplit(":", 1)[0]
    return f"library/{name}" if "/" not in name else name


def local_pull_lines(ref: str, image: dict[str, Any], *, implicit: bool, was_hidden: bool,
                     quiet: bool) -> list[str]:
    """What `docker pull` prints for an image served from the daemon's local store."""
    familiar = normalize_ref(ref)
    tag = familiar.rsplit(":", 1)[1]
    lines: list[str] = []
    if quiet:
        return [f"docker.io/{pull_path(familiar)}:{tag}"] if not implicit else []
    if not implicit and ":" not in ref.split("/")[-1] and "@" not in ref:
        lines.append("Using default tag: latest")
    lines.append(f"{tag}: Pulling from {pull_path(familiar)}")
    digests = [d for d in image.get("RepoDigests") or [] if "@" in d]
    if digests:
        lines.append(f"Digest: {digests[0].split('@', 1)[1]}")
    if was_hidden:
        lines.append(f"Status: Downloaded newer image for {familiar}")
    else:
        lines.append(f"Status: Image is up to date for {familiar}")
    if not implicit:
        lines.append(f"docker.io/{pull_path(familiar)}:{tag}")
    return lines


def stream_messages(chunks: Iterable[bytes]) -> Iterable[dict[str, Any]]:
    """JSON messages from a streamed body (one per line, possibly split across chunks)."""
    buffer = b""
    for chunk in chunks:
        buffer += chunk
        while b"\n" in buffer:
            line, buffer = buffer.split(b"\n", 1)
            if line.strip():
                try:
                    yield json.loads(line)
                except ValueError:
                    continue
    if buffer.strip():
        try:
            yield json.loads(buffer)
        except ValueError:
            pass


def daemon_pull(conn: Connection, ref: str, display: PullDisplay, *,
                timeout: float | None = 120.0, on_response: Callable[[Any], None] | None = None
                ) -> str | None:
    """Pull `ref` through the daemon, showing progress; returns the error, or None on success."""
    familiar = normalize_ref(ref)
    name, tag = familiar.rsplit(":", 1)
    response = conn.request("POST", "/images/create", params={"fromImage": name, "tag": tag},
                            stream=True, timeout=timeout)
    if on_response is not None:
        on_response(response)
    try:
        for msg in stream_messages(response.iter_content(chunk_size=None)):
            display.message(msg)
    finally:
        response.close()
    return display.error
