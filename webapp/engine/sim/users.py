"""`-u/--user` as the daemon resolves it against the image's /etc/passwd and /etc/group.

The rules are moby/sys/user's `GetExecUser` (vendored by moby at vendor/github.com/moby/sys/user/
user.go, called from daemon/oci_linux.go `getUser` when a container starts and from daemon/exec.go
when an exec is created): `user`, `uid`, `user:group`, `uid:gid` and mixed forms; a numeric user
with no passwd entry is accepted as is (gid 0), a name must exist; supplementary groups come from
/etc/group only in the implicit form (no `:group`); the primary gid always leads the list.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache


class UnknownUser(ValueError):
    """The daemon's words for a user or group the image does not have."""


@dataclass(frozen=True)
class Identity:
    uid: int
    gid: int
    groups: tuple[int, ...]  # the primary gid first, then supplementary groups
    name: str | None  # the passwd name of uid, None when it has none
    names: dict[int, str]  # group names by gid, for `id`
    home: str = "/"

    def may_write(self, path: str, owner: int | None) -> bool:
        """Whether this user may create or change `path` in an image's root-owned tree: root
        anywhere; anyone in the world-writable temporary folders, their home, and their own
        files."""
        if self.uid == 0 or owner == self.uid:
            return True
        if path.startswith(WORLD_WRITABLE):
            return True
        return self.home not in ("/", "") and (path == self.home or
                                               path.startswith(self.home.rstrip("/") + "/"))

    def group_name(self, gid: int) -> str | None:
        return self.names.get(gid)


WORLD_WRITABLE = ("/tmp/", "/var/tmp/", "/dev/shm/")
ROOT = Identity(0, 0, (0,), "root", {0: "root"}, "/root")


def _numeric(text: str) -> int | None:
    return int(text) if text.isdigit() else None


def _table(text: str | None) -> list[list[str]]:
    rows = []
    for line in (text or "").splitlines():
        if line and not line.startswith("#"):
            rows.append(line.split(":"))
    return rows


@lru_cache(maxsize=256)
def resolve(spec: str, passwd: str | None, group: str | None) -> Identity:
    """The identity `spec` names in this image (UnknownUser as the daemon says it). Cached: every
    start resolves it, from the same few files (an Identity is never changed once made)."""
    user_arg, _, group_arg = spec.partition(":")
    users = [r for r in _table(passwd) if len(r) >= 4 and r[2].isdigit() and r[3].isdigit()]
    groups = [r for r in _table(group) if len(r) >= 3 and r[2].isdigit()]
    group_names = {int(r[2]): r[0] for r in reversed(groups)}
    uid_arg = _numeric(user_arg)
    if user_arg == "":
        match = [r for r in users if int(r[2]) == 0]
    elif uid_arg is not None:
        match = [r for r in users if int(r[2]) == uid_arg]
    else:
        match = [r for r in users if r[0] == user_arg]
    name: str | None = None
    uid, gid, home = 0, 0, "/"
    if match:
        name, uid, gid = match[0][0], int(match[0][2]), int(match[0][3])
        home = match[0][5] if len(match[0]) > 5 else "/"
    elif user_arg:
        if uid_arg is None:
            raise UnknownUser(f"unable to find user {user_arg}: no matching entries in passwd file")
        uid = uid_arg
    extra: list[int] = []
    if group_arg:
        gid_arg = _numeric(group_arg)
        found = [r for r in groups if (int(r[2]) == gid_arg if gid_arg is not None
                                       else r[0] == group_arg)]
        if found:
            gid = int(found[0][2])
        elif gid_arg is None:
            raise UnknownUser(f"unable to find group {group_arg}: no matching entries in group file")
        else:
            gid = gid_arg
    elif name is not None:
        extra = [int(r[2]) for r in groups if len(r) >= 4 and name in r[3].split(",")]
    return Identity(uid, gid, (gid, *extra), name, group_names, home)


def id_line(ident: Identity) -> str:
    """`id`'s line, as coreutils and busybox both print it."""

    def named(number: int, label: str | None) -> str:
        return f"{number}({label})" if label else str(number)

    groups = ",".join(named(g, ident.group_name(g)) for g in dict.fromkeys(ident.groups))
    return (f"uid={named(ident.uid, ident.name)} gid={named(ident.gid, ident.group_name(ident.gid))} "
            f"groups={groups}\n")
