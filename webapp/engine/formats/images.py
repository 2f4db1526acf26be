"""``docker images`` output (the classic table, not the v29 tree view).

Input is the image summary shape of ``GET /images/json`` (``Id``, ``RepoTags``, ``RepoDigests``,
``Created``, ``Size``, ``SharedSize``, ``Containers`` ...). One row is printed per repository
and tag (an image tagged twice appears twice); untagged images show ``<none>``. Rendering
follows docker/cli ``cli/command/formatter/image.go``. Unlike ``docker ps`` there is no
template pre-check, so template errors read ``template parsing error: ...``.
"""

from __future__ import annotations

from datetime import UTC, tzinfo
from typing import Any

from .containers import familiar_name, go_time_string, parse_reference, truncate_id, write_formatted
from .durations import human_duration
from .gofmt import GoFunc, GoStruct
from .gojson import RawJSON, dumps
from .sizes import human_size, human_size_with_precision

DEFAULT_IMAGE_TABLE = (
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t"
    "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
)
DEFAULT_IMAGE_TABLE_DIGESTS = (
    "table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t"
    "{{if .CreatedSince }}{{.CreatedSince}}{{else}}N/A{{end}}\t{{.Size}}"
)
RAW_IMAGE = ("repository: {{ .Repository }}\ntag: {{.Tag}}\nimage_id: {{.ID}}\n"
             "created_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n")
RAW_IMAGE_DIGESTS = ("repository: {{ .Repository }}\ntag: {{.Tag}}\ndigest: {{.Digest}}\n"
                     "image_id: {{.ID}}\ncreated_at: {{.CreatedAt}}\nvirtual_size: {{.Size}}\n")

IMAGE_HEADERS = {
    "ID": "IMAGE ID",
    "Repository": "REPOSITORY",
    "Tag": "TAG",
    "Digest": "DIGEST",
    "CreatedSince": "CREATED",
    "CreatedAt": "CREATED AT",
    "Size": "SIZE",
    "Containers": "CONTAINERS",
    "VirtualSize": "SIZE",
    "SharedSize": "SHARED SIZE",
    "UniqueSize": "UNIQUE SIZE",
}

_FIELDS = ("ID", "Repository", "Tag", "Digest", "CreatedSince", "CreatedAt", "Size",
           "Containers", "VirtualSize", "SharedSize", "UniqueSize")


class ImageContext(GoStruct):
    """The template data for one image row (``*formatter.imageContext``)."""

    def __init__(self, summary: dict[str, Any] | None = None, *, repo: str = "", tag: str = "",
                 digest: str = "", trunc: bool = True, now: float = 0.0,
                 tz: tzinfo = UTC) -> None:
        self.i = summary or {}
        self.repo, self.tag, self.digest = repo, tag, digest
        self.trunc = trunc
        self.now = now
        self.tz = tz
        methods = {name: GoFunc(getattr(self, name), ()) for name in _FIELDS}
        super().__init__("formatter.imageContext", {}, pointer=True, methods=methods,
                         marshal=self.marshal_json)

    def ID(self) -> str:
        id_ = self.i.get("Id") or ""
        return truncate_id(id_) if self.trunc else id_

    def Repository(self) -> str:
        return self.repo

    def Tag(self) -> str:
        return self.tag

    def Digest(self) -> str:
        return self.digest

    def CreatedSince(self) -> str:
        return human_duration(self.now - int(self.i.get("Created") or 0)) + " ago"

    def CreatedAt(self) -> str:
        return go_time_string(int(self.i.get("Created") or 0), self.tz)

    def Size(self) -> str:
        return human_size(int(self.i.get("Size") or 0))

    def Containers(self) -> str:
        n = self.i.get("Containers", -1)
        return "N/A" if n is None or n == -1 else str(int(n))

    def VirtualSize(self) -> str:
        return human_size_with_precision(int(self.i.get("Size") or 0), 4)

    def SharedSize(self) -> str:
        shared = self.i.get("SharedSize", -1)
        if shared is None or shared == -1:
            return "N/A"
        return human_size_with_precision(int(shared), 4)

    def UniqueSize(self) -> str:
        size = self.i.get("Size", 0)
        shared = self.i.get("SharedSize", -1)
        if size == -1 or shared is None or shared == -1:
            return "N/A"
        return human_size_with_precision(int(size or 0) - int(shared), 4)

    def marshal_json(self) -> RawJSON:
        return RawJSON(dumps({n: self.methods[n].fn() for n in _FIELDS}, sort_keys=True))


def _is_dangling(img: dict[str, Any]) -> bool:
    tags = img.get("RepoTags") or []
    digests = img.get("RepoDigests") or []
    if not tags and not digests:
        return True
    return tags == ["<none>:<none>"] and digests == ["<none>@<none>"]


def image_rows(img: dict[str, Any], *, digests: bool, need_digest: bool) -> list[tuple[str, str, str]]:
    """(repository, tag, digest) for each row one image contributes to the table.

    Go walks maps here, so rows of different repositories come in random order; we keep the
    order of ``RepoTags``.
    """
    if _is_dangling(img):
        return [("<none>", "<none>", "<none>")]
    repo_tags: dict[str, list[str]] = {}
    repo_digests: dict[str, list[str]] = {}
    for ref in img.get("RepoTags") or []:
        parsed = parse_reference(ref)
        if parsed is None or not parsed[2]:
            continue
        repo_tags.setdefault(familiar_name(parsed[0], parsed[1]), []).append(parsed[2])
    for ref in img.get("RepoDigests") or []:
        parsed = parse_reference(ref)
        if parsed is None or not parsed[3]:
            continue
        repo_digests.setdefault(familiar_name(parsed[0], parsed[1]), []).append(parsed[3])
    rows: list[tuple[str, str, str]] = []
    for repo, tags in repo_tags.items():
        dgsts = repo_digests.pop(repo, [])
        if not need_digest:
            dgsts = []
        for tag in tags:
            if not dgsts:
                rows.append((repo, tag, "<none>"))
                continue
            for d in dgsts:
                rows.append((repo, tag, d))
    for repo, dgsts in repo_digests.items():
        if digests:
            for d in dgsts:
                rows.append((repo, "<none>", d))
        else:
            rows.append((repo, "<none>", ""))
    return rows


def image_format(fmt: str, quiet: bool, digests: bool) -> str:
    """formatter.NewImageFormat: the template text docker renders."""
    if fmt == "table":
        if quiet:
            return "{{.ID}}"
        return DEFAULT_IMAGE_TABLE_DIGESTS if digests else DEFAULT_IMAGE_TABLE
    if fmt == "raw":
        if quiet:
            return "image_id: {{.ID}}"
        return RAW_IMAGE_DIGESTS if digests else RAW_IMAGE
    if fmt.startswith("table") and digests and "{{.Digest}}" not in fmt:
        fmt += "\t{{.Digest}}"
    return fmt


def format_images(summaries: list[dict[str, Any]], *, fmt: str | None = None,
                  quiet: bool = False, no_trunc: bool = False, digests: bool = False,
                  now: float, tz: tzinfo = UTC) -> tuple[str, str]:
    """Everything ``docker images`` prints for these summaries: (stdout, stderr).

    As in docker, ``-q`` only applies to the built-in formats; with a custom ``--format`` it
    is ignored. Template errors raise :class:`TemplateError` (exit code 1).
    """
    source = fmt or "table"
    final = image_format(source, quiet, digests)
    need_digest = digests or "{{.Digest}}" in final
    contexts: list[GoStruct] = []
    for img in summaries:
        for repo, tag, dgst in image_rows(img, digests=digests, need_digest=need_digest):
            contexts.append(ImageContext(img, repo=repo, tag=tag, digest=dgst,
                                         trunc=not no_trunc, now=now, tz=tz))
    return write_formatted(final, contexts, IMAGE_HEADERS), ""
