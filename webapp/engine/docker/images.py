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
from .policy import LABEL, Policy, Scope


@dataclass
class ImageView:
    """What one learner sees of the daemon's images: the allowed (shared) ones, and their own.

    The learner's own images are the ones they built (their label) and the tags they made
    (`<prefix>-name:tag` on the daemon), shown with the bare names. An own tag hides a shared one
    of the same name, as a new build takes a tag over on any daemon."""

    conn: Connection
    policy: Policy
    hidden: set[str] = field(default_factory=set)  # familiar refs the learner removed
    scope: Scope | None = None

    def _own_tags(self, image: dict[str, Any]) -> list[str]:
        if self.scope is None:
            return []
        prefix = self.scope.prefix + "-"
        return [t[len(prefix):] for t in image.get("RepoTags") or [] if t.startswith(prefix)]

    def listing(self) -> list[dict[str, Any]]:
        """`GET /images/json`, limited to the learner's images and the allowed, visible tags
        (images left without a tag dropped, except the learner's own)."""
        everything = self.conn.get("/images/json") or []
        own_refs = {normalize_ref(t) for image in everything for t in self._own_tags(image)}
        out = []
        for image in everything:
            own = self._own_tags(image)
            built = self.scope is not None and self.scope.owns_image(image)
            labelled = (image.get("Labels") or {}).get(LABEL) is not None
            shared = [] if labelled else [t for t in image.get("RepoTags") or []
                                          if self.visible(t) and normalize_ref(t) not in own_refs]
            tags = own + shared
            if not tags and not built:
                continue
            shown = dict(image)
            shown["RepoTags"] = tags
            repos = {normalize_ref(t).rsplit(":", 1)[0] for t in shared}
            shown["RepoDigests"] = [d for d in image.get("RepoDigests") or []
                                    if normalize_ref(d.split("@")[0]).rsplit(":", 1)[0] in repos]
            if self.scope is not None:
                shown["Labels"] = self.scope.labels(image.get("Labels"))
            out.append(shown)
        return out

    def own_count(self) -> int:
        """The learner's images and tags, against `Policy.max_images`: each own tag, and each
        image they built that has none."""
        if self.scope is None:
            return 0
        count = 0
        for image in self.conn.get("/images/json") or []:
            own = self._own_tags(image)
            count += len(own) if own else int(self.scope.owns_image(image))
        return count

    def is_built(self, image_id: str) -> bool:
        """Whether the learner built this image (its label, read from the daemon: the summaries
        this view hands out do not show the label)."""
        if self.scope is None:
            return False
        try:
            return self.scope.owns_image(self.conn.get("/images/{0}/json", image_id))
        except ApiError:
            return False

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

    def daemon_ref(self, image: dict[str, Any], ref: str) -> str:
        """The daemon's name for the learner's `ref` of `image`: a scoped tag for an own one, the
        shared tag, or the image's ID (a ref by ID)."""
        familiar = normalize_ref(ref)
        if self.scope is not None:
            daemon_tag = self.scope.image_tag(familiar)
            if any(normalize_ref(t) == daemon_tag for t in self._raw_tags(image)):
                return daemon_tag
        if familiar in (normalize_ref(t) for t in image["RepoTags"]):
            return familiar
        return str(image["Id"])

    def own_tag(self, image: dict[str, Any], tag: str) -> bool:
        """Whether `tag` (shown) is the learner's own tag of `image` (scoped on the daemon)."""
        if self.scope is None:
            return False
        daemon_tag = self.scope.image_tag(normalize_ref(tag))
        return any(normalize_ref(t) == daemon_tag for t in self._raw_tags(image))

    def _raw_tags(self, image: dict[str, Any]) -> list[str]:
        try:
            data = self.conn.get("/images/{0}/json", image["Id"])
        except ApiError:
            return []
        return list(data.get("RepoTags") or [])

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
        if self.scope is not None:
            for key in ("Config", "ContainerConfig"):
                if isinstance(data.get(key), dict) and "Labels" in data[key]:
                    data[key] = dict(data[key], Labels=self.scope.labels(data[key]["Labels"]))
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
