"""The learner's workspace: the few small text files (a Dockerfile, scripts, an index.html) that
`docker build .` sends as its context.

It plays the part of the docker client's current folder. The page edits it, lessons seed it, and the
sandbox's log records every change (a reload or a restart rebuilds it like the containers). A file
whose text starts with `#!` is executable (mode 0755, else 0644), as if the learner had run
`chmod +x` on it. Sizes and counts are bounded so no learner grows the server.
"""

from __future__ import annotations

import io
import re
import tarfile
from collections.abc import Iterator
from dataclasses import dataclass

MAX_FILES = 16
MAX_FILE_BYTES = 64 * 1024
MAX_TOTAL_BYTES = 256 * 1024
MAX_NAME = 100
# Relative paths of plain names: letters, digits, `.`, `_`, `-`, separated by `/`; no `.` or `..`.
_NAME = re.compile(r"[A-Za-z0-9_.-]+(?:/[A-Za-z0-9_.-]+)*")


class WorkspaceError(ValueError):
    """A change the workspace refuses (a bad name, too big, too many files); the message says why."""


@dataclass(frozen=True)
class WorkspaceFile:
    """One file: its text and whether it is executable (its text starts with `#!`)."""

    path: str
    text: str

    @property
    def executable(self) -> bool:
        return self.text.startswith("#!")

    @property
    def mode(self) -> int:
        return 0o755 if self.executable else 0o644

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


def check_name(path: str) -> str:
    """`path` if it is an acceptable workspace name, else WorkspaceError."""
    if not isinstance(path, str) or not path:
        raise WorkspaceError("a file needs a name")
    if len(path) > MAX_NAME:
        raise WorkspaceError(f"file names are at most {MAX_NAME} characters")
    if not _NAME.fullmatch(path) or any(part in (".", "..") for part in path.split("/")):
        raise WorkspaceError(f"{path!r} is not a file name the workspace accepts (letters, digits, "
                             "'.', '_', '-', and '/' between folder names)")
    return path


class Workspace:
    """The files, by path, in the order they were first written."""

    def __init__(self, files: dict[str, str] | None = None) -> None:
        self._files: dict[str, WorkspaceFile] = {}
        for path, text in (files or {}).items():
            self.write(path, text)

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def __iter__(self) -> Iterator[WorkspaceFile]:
        return iter(list(self._files.values()))

    def __len__(self) -> int:
        return len(self._files)

    def get(self, path: str) -> WorkspaceFile | None:
        return self._files.get(path)

    def read(self, path: str) -> str | None:
        found = self._files.get(path)
        return found.text if found is not None else None

    def names(self) -> list[str]:
        return list(self._files)

    def total_bytes(self) -> int:
        return sum(f.size for f in self._files.values())

    def write(self, path: str, text: str) -> WorkspaceFile:
        """Create or replace a file (WorkspaceError if that breaks a limit; nothing changes then)."""
        check_name(path)
        if not isinstance(text, str):
            raise WorkspaceError("a file's content must be text")
        new = WorkspaceFile(path, text)
        if new.size > MAX_FILE_BYTES:
            raise WorkspaceError(f"{path}: a file holds at most {MAX_FILE_BYTES // 1024} KiB")
        old = self._files.get(path)
        if old is None:
            if len(self._files) >= MAX_FILES:
                raise WorkspaceError(f"the workspace holds at most {MAX_FILES} files")
            for other in self._files:  # a file cannot also be a folder, nor the other way round
                if other.startswith(path + "/") or path.startswith(other + "/"):
                    raise WorkspaceError(f"{path}: {other} is in the way")
        total = self.total_bytes() - (old.size if old else 0) + new.size
        if total > MAX_TOTAL_BYTES:
            raise WorkspaceError(f"the workspace holds at most {MAX_TOTAL_BYTES // 1024} KiB in all")
        self._files[path] = new
        return new

    def remove(self, path: str) -> bool:
        return self._files.pop(path, None) is not None

    def clear(self) -> None:
        self._files.clear()

    def snapshot(self) -> dict[str, str]:
        """Path -> text, for the page and for a transcript's `files`."""
        return {f.path: f.text for f in self._files.values()}

    def to_tar(self) -> bytes:
        """The build context as `docker build` sends it: an uncompressed tar of every file, with modes."""
        buffer = io.BytesIO()
        with tarfile.open(fileobj=buffer, mode="w", format=tarfile.PAX_FORMAT) as tar:
            for f in self._files.values():
                data = f.text.encode("utf-8")
                info = tarfile.TarInfo(f.path)
                info.size = len(data)
                info.mode = f.mode
                tar.addfile(info, io.BytesIO(data))
        return buffer.getvalue()
