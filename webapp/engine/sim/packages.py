"""apt-get, apt and apk in a sandbox with no network: honest about it, and able to install a few
packages the simulator implements (procps, curl, iputils-ping, vim), which then exist in that
container as they would after a real install.

A fresh Debian or Ubuntu image has no package lists, so, as in real life, `apt-get install` finds
nothing until `apt-get update` has run; here `update` downloads nothing and says so.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from .applets import APPLETS
from .process import Proc

Gen = Generator[Any, Any, int]

#: Debian/Ubuntu package -> the programs it installs (absolute path -> applet name).
APT_PACKAGES: dict[str, dict[str, str]] = {
    "curl": {"/usr/bin/curl": "curl"},
    "iputils-ping": {"/usr/bin/ping": "ping"},
    "procps": {"/usr/bin/ps": "ps"},
    "vim": {"/usr/bin/vim": "vim", "/usr/bin/vi": "vim"},
}
#: Alpine package -> programs (busybox already has ps, ping and vi).
APK_PACKAGES: dict[str, dict[str, str]] = {
    "curl": {"/usr/bin/curl": "curl"},
    "iputils": {"/bin/ping": "ping"},
    "procps": {"/bin/ps": "ps"},
    "vim": {"/usr/bin/vim": "vim"},
}
NOTE = "Lifecycle Lab: this sandbox has no network"


def _apt_note(tool: str) -> str:
    return (f"{NOTE}; {tool} installs only what the simulator implements: "
            f"{', '.join(APT_PACKAGES)}.\n")


def _install(proc: Proc, files: dict[str, str]) -> None:
    install = getattr(proc.box, "install", None)
    if install is not None:
        for path, applet in files.items():
            install(path, applet)


def apt_get(proc: Proc) -> Gen:
    """apt-get / apt: update (nothing to download), install (from APT_PACKAGES), anything else
    refused by name."""
    tool = proc.argv[0].rsplit("/", 1)[-1]
    if tool == "apt" and not proc.tty:
        proc.write("\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n",
                   "stderr")
    words = [a for a in proc.argv[1:] if not a.startswith("-")]
    if not words:
        proc.write(f"Usage: {tool} [options] command\n{_apt_note(tool)}", "stderr")
        return 1
    command, names = words[0], words[1:]
    if command == "update":
        proc.write(_apt_note(tool) + "Reading package lists... Done\n")
        proc.box.apt_updated = True  # type: ignore[attr-defined]
        return 0
    if command not in ("install", "upgrade", "remove", "purge"):
        proc.write(f"E: {NOTE}: `{tool} {command}` is not available in the simulator; "
                   "use update or install.\n", "stderr")
        return 100
    proc.write("Reading package lists... Done\nBuilding dependency tree... Done\n"
               "Reading state information... Done\n")
    if command != "install":
        proc.write(f"E: {NOTE}: `{tool} {command}` is not available in the simulator.\n", "stderr")
        return 100
    if not names:
        proc.write("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.\n")
        return 0
    updated = getattr(proc.box, "apt_updated", False)
    for name in names:
        if not updated or name not in APT_PACKAGES:
            proc.write(f"E: Unable to locate package {name}\n", "stderr")
            proc.write((_apt_note(tool) if updated else
                        f"{NOTE}: run `{tool} update` first, as on a real fresh image.\n"), "stderr")
            return 100
    proc.write("The following NEW packages will be installed:\n  " + " ".join(names) + "\n"
               f"0 upgraded, {len(names)} newly installed, 0 to remove and 0 not upgraded.\n")
    for name in names:
        _install(proc, APT_PACKAGES[name])
        proc.write(f"Setting up {name} (installed offline by the Lifecycle Lab simulator) ...\n")
    return 0
    yield  # pragma: no cover


def apk(proc: Proc) -> Gen:
    """apk add / update, offline."""
    words = [a for a in proc.argv[1:] if not a.startswith("-")]
    note = f"{NOTE}; apk installs only what the simulator implements: {', '.join(APK_PACKAGES)}.\n"
    if not words or words[0] not in ("add", "update"):
        proc.write(note if words else "usage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]\n" + note,
                   "stderr")
        return 1
    if words[0] == "update":
        proc.write(note + "OK: nothing downloaded\n")
        return 0
    unknown = [name for name in words[1:] if name not in APK_PACKAGES]
    if unknown:
        proc.write("ERROR: unable to select packages:\n" + "".join(
            f"  {name} (no such package):\n    required by: world[{name}]\n" for name in unknown)
            + note, "stderr")
        return len(unknown)
    for n, name in enumerate(words[1:], 1):
        _install(proc, APK_PACKAGES[name])
        proc.write(f"({n}/{len(words) - 1}) Installing {name} (offline, from the simulator)\n")
    proc.write("OK\n")
    return 0
    yield  # pragma: no cover


WEB_ROOTS = ("/usr/share/nginx/html/index.html", "/usr/local/apache2/htdocs/index.html")


def curl(proc: Proc) -> Gen:
    """curl to a web server of this same container (nginx, httpd); no network beyond it."""
    urls = [a for a in proc.argv[1:] if not a.startswith("-")]
    if not urls:
        proc.write("curl: try 'curl --help' or 'curl --manual' for more information\n", "stderr")
        return 2
    url = urls[0].split("://", 1)[-1]
    host = url.split("/", 1)[0].split(":", 1)[0]
    local = host in ("localhost", "127.0.0.1", proc.box.hostname, proc.box.ip)
    serving = any(p.argv and p.argv[0].rsplit("/", 1)[-1] in ("nginx", "httpd", "httpd-foreground")
                  and "-s" not in p.argv for p in proc.box.procs.values())
    if local and serving:
        for path in WEB_ROOTS:
            page = proc.box.read_file(proc, path)
            if page is not None:
                proc.write(page)
                return 0
    if local:
        proc.write(f"curl: (7) Failed to connect to {host} port 80 after 0 ms: Couldn't connect "
                   "to server\n", "stderr")
        return 7
    proc.write(f"curl: {NOTE}: the simulator's curl reaches only a server in this same container "
               "(curl localhost)\n", "stderr")
    return 7
    yield  # pragma: no cover


def ping(proc: Proc) -> Gen:
    proc.write(f"ping: {NOTE}: the simulator does not model the network between containers\n",
               "stderr")
    return 2
    yield  # pragma: no cover


def vim(proc: Proc) -> Gen:
    proc.write("vim: Lifecycle Lab: the console has no full-screen editor; write files with "
               "echo 'text' > file\n", "stderr")
    return 1
    yield  # pragma: no cover


PROGRAMS: dict[str, Callable[[Proc], Gen]] = {
    "apt-get": apt_get, "apt": apt_get, "apk": apk, "curl": curl, "ping": ping, "vim": vim,
}


def installed_program(name: str) -> Callable[[Proc], Gen]:
    """The program behind an installed file: a package program or an applet (ps)."""
    return PROGRAMS.get(name) or APPLETS[name]
