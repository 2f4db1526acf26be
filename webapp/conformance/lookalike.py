"""Build look-alikes of the catalogue's images on a real Docker daemon, offline.

No registry is needed: every image is a busybox-static root file system laid out like the real image
(top-level folders, /usr-merge symlinks, /etc/os-release, /etc/passwd, the catalogue's files), with
the catalogue's *programs* turned into small busybox shell scripts that behave as the simulator's
programs do (same lines, same exit codes, same reaction to signals). The root file system is written
as a tar stream in memory and fed to `docker import -c ...` (CMD, ENTRYPOINT, ENV, EXPOSE, WORKDIR,
USER, LABEL); settings that import refuses (STOPSIGNAL) come from a `docker build` FROM that image.

Each image carries the label `lifecycle-lab.lookalike=<fingerprint>`, a hash of its catalogue entry,
of this builder and of the busybox binary. An image whose label matches is not rebuilt.

Usage: `lifecycle-lab images build [--force] [--docker PATH] [REF ...]`
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import posixpath
import re
import shlex
import shutil
import subprocess
import sys
import tarfile
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from pathlib import Path

from webapp.engine.images import CATALOGUE, Image, Program, normalize_ref

BUILDER_VERSION = "5"
FINGERPRINT_LABEL = "lifecycle-lab.lookalike"
#: Where the busybox binary goes in images that have no shell (hello-world): out of every PATH.
HIDDEN_BUSYBOX = "/.lookalike/busybox"
SCRIPT_KINDS = ("message", "server", "entrypoint", "repl", "daemonize", "packages")

SIGNAL_NUMBERS = {
    "SIGHUP": 1, "SIGINT": 2, "SIGQUIT": 3, "SIGILL": 4, "SIGTRAP": 5, "SIGABRT": 6, "SIGBUS": 7,
    "SIGFPE": 8, "SIGKILL": 9, "SIGUSR1": 10, "SIGSEGV": 11, "SIGUSR2": 12, "SIGPIPE": 13,
    "SIGALRM": 14, "SIGTERM": 15, "SIGSTKFLT": 16, "SIGCHLD": 17, "SIGCONT": 18, "SIGSTOP": 19,
    "SIGTSTP": 20, "SIGTTIN": 21, "SIGTTOU": 22, "SIGURG": 23, "SIGXCPU": 24, "SIGXFSZ": 25,
    "SIGVTALRM": 26, "SIGPROF": 27, "SIGWINCH": 28, "SIGIO": 29, "SIGPWR": 30, "SIGSYS": 31,
}


class LookalikeError(RuntimeError):
    """A look-alike image could not be built."""


# --------------------------------------------------------------------------------------------------
# busybox
# --------------------------------------------------------------------------------------------------


def find_busybox() -> Path:
    """The host's statically linked busybox (Debian: busybox-static), or $LOOKALIKE_BUSYBOX."""
    candidates = [os.environ.get("LOOKALIKE_BUSYBOX", ""), "/bin/busybox", "/usr/bin/busybox",
                  shutil.which("busybox") or ""]
    for candidate in candidates:
        if candidate and Path(candidate).is_file():
            path = Path(candidate)
            if _is_static_elf(path.read_bytes()):
                return path
            raise LookalikeError(
                f"{path} is dynamically linked; install busybox-static "
                "(apt-get install busybox-static) or set LOOKALIKE_BUSYBOX to a static busybox")
    raise LookalikeError("busybox not found; install busybox-static (apt-get install busybox-static)")


def _is_static_elf(data: bytes) -> bool:
    """True when an ELF executable has no program interpreter (PT_INTERP)."""
    if data[:4] != b"\x7fELF":
        return False
    is64 = data[4] == 2
    order = "little" if data[5] == 1 else "big"

    def num(offset: int, size: int) -> int:
        return int.from_bytes(data[offset:offset + size], order)

    if is64:
        phoff, phentsize, phnum = num(0x20, 8), num(0x36, 2), num(0x38, 2)
    else:
        phoff, phentsize, phnum = num(0x1C, 4), num(0x2A, 2), num(0x2C, 2)
    return all(num(phoff + i * phentsize, 4) != 3 for i in range(phnum))


# --------------------------------------------------------------------------------------------------
# Paths inside an image
# --------------------------------------------------------------------------------------------------


def resolve(image: Image, path: str) -> str:
    """Canonical absolute path of `path` in the image, following the image's directory symlinks."""
    path = posixpath.normpath("/" + path.lstrip("/"))
    for _ in range(40):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts)):  # parents only: a link's own entry stays a link
            prefix = "/" + "/".join(parts[:i])
            target = image.symlinks.get(prefix)
            if target is not None:
                base = target if target.startswith("/") else posixpath.join(
                    posixpath.dirname(prefix), target)
                path = posixpath.normpath(posixpath.join(base, *parts[i:]))
                break
        else:
            return path
    raise LookalikeError(f"{image.ref}: symlink loop at {path}")


def busybox_path(image: Image) -> str:
    """Where the busybox binary lives in the look-alike of `image`."""
    if any(p.kind in ("shell", "applet") for p in image.executables.values()):
        return resolve(image, "/bin/busybox")
    return HIDDEN_BUSYBOX


def shell_path(image: Image) -> str | None:
    """The image's `sh`, canonical, if it has one."""
    for candidate in ("/bin/sh", "/usr/bin/sh"):
        program = image.executables.get(resolve(image, candidate))
        if program is not None and program.kind == "shell":
            return candidate
    for path, program in image.executables.items():
        if program.kind == "shell" and posixpath.basename(path) == "sh":
            return path
    return None


# --------------------------------------------------------------------------------------------------
# Shells: busybox ash, forking where the real image's shell forks
# --------------------------------------------------------------------------------------------------

#: Shells whose `-c` handling busybox ash reproduces as it is: ash itself and dash 0.5.11+ exec the
#: last command they reach; bash 5.1+ execs the last of a `;`/&&/|| list (ash also after `&`, in
#: `if` and braces: rare in what lessons and scenarios run).
EXECS_LIKE_ASH = ("last", "list")

# `sh -c STRING [NAME ARGS]` of a shell that forks the last command ash would exec: the same STRING
# followed by a line `exit`, so that command is no longer the last one; `exit` keeps its status.
# Everything else (`sh`, `sh FILE`, `sh -i`) runs ash as it is: ash forks in scripts, too.
_SHELL_WRAPPER = r"""#!{bb} sh
# The look-alike's {name}: busybox ash, but its last command of `-c` is forked as {real} forks it.
if [ "$1" = -c ] && [ $# -ge 2 ]; then
  s=$2; shift 2
{decide}  if [ -n "$fork" ]; then
    exec -a {argv0} {bb} -c "$s
exit" "$@"
  fi
  exec -a {argv0} {bb} -c "$s" "$@"
fi
exec -a {argv0} {bb} "$@"
"""

# bash execs the last line of the string when it is one simple command without redirections
# ("single"), also when that command ends an &&/|| list ("andor"); otherwise it forks.
_BASH_DECIDE = r"""  line=$s
  while :; do case $line in *"
"|*" "|*"	") line=${{line%?}} ;; *) break ;; esac; done
  line=${{line##*"
"}}
{andor}  fork=
  case $line in *[\;\&\|\<\>\(\)\{{\}}\`]*|"!"*|if\ *|while\ *|until\ *|for\ *|case\ *) fork=1 ;; esac
"""

_ANDOR_STRIP = r"""  for op in '&&' '||'; do
    rest=$line; line=
    while :; do case $rest in *"$op"*) line="$line${{rest%%"$op"*}} "; rest=${{rest#*"$op"}} ;; *) break ;; esac; done
    line=$line$rest
  done
"""


def shell_file(image: Image, path: str, program: Program) -> tuple[bytes, int] | None:
    """The look-alike's file for a shell of the catalogue: None when it is busybox itself (a
    symlink to it), else a small wrapper script that runs busybox ash so that `sh -c` forks or
    execs its last command as the real shell does (images.Program.exec_last)."""
    bb = busybox_path(image)
    canonical = resolve(image, path)
    name = posixpath.basename(canonical)
    is_sh = name in ("sh", "ash")
    if is_sh and program.exec_last in EXECS_LIKE_ASH:
        return None
    sh = shell_path(image)
    if sh is None:
        raise LookalikeError(f"{image.ref}: {path} needs an sh in the image")
    if not is_sh and program.exec_last in EXECS_LIKE_ASH:
        return f'#!{sh}\nexec {sh} "$@"\n'.encode(), 0o755
    if program.exec_last == "none":
        decide = "  fork=1\n"
    else:
        decide = _BASH_DECIDE.format(andor=_ANDOR_STRIP.format() if program.exec_last == "andor"
                                     else "")
    real = {"none": "dash before 0.5.11", "single": "bash 4.2",
            "andor": "bash 4.4 and 5.0"}.get(program.exec_last, program.exec_last)
    # ash is chosen by argv[0]'s name: the caller's path for sh, the image's sh for bash.
    argv0 = '"$0"' if is_sh else sh
    text = _SHELL_WRAPPER.format(bb=bb, name=name, real=real, decide=decide, argv0=argv0)
    return text.encode(), 0o755


# --------------------------------------------------------------------------------------------------
# Program scripts
# --------------------------------------------------------------------------------------------------

PLACEHOLDER = re.compile(r"\{(hostname|ip|pid|signal|signum|from|now:[^{}]*)\}")


def _squote(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def sh_word(text: str, *, in_shutdown: bool = False) -> str:
    """One shell word that expands to `text` with the catalogue's placeholders filled in."""
    out: list[str] = []
    pos = 0
    for match in PLACEHOLDER.finditer(text):
        if match.start() > pos:
            out.append(_squote(text[pos:match.start()]))
        name = match.group(1)
        if name == "hostname":
            out.append('"$("$BB" hostname)"')
        elif name == "ip":
            out.append('"$(_ip)"')
        elif name == "pid":
            out.append('"$$"')
        elif name == "from":
            out.append('"$_from"' if in_shutdown else _squote(match.group(0)))
        elif name in ("signal", "signum"):
            if not in_shutdown:
                out.append(_squote(match.group(0)))
            else:
                out.append('"$1"' if name == "signal" else '"$2"')
        else:
            out.append('"$(_now ' + _squote(name[4:]) + ')"')
        pos = match.end()
    if pos < len(text) or not out:
        out.append(_squote(text[pos:]))
    return "".join(out)


def _print_lines(lines: Iterable[str], stream: str = "stdout", *, indent: str = "",
                 in_shutdown: bool = False) -> list[str]:
    lines = list(lines)
    if not lines:
        return []
    words = [sh_word(line, in_shutdown=in_shutdown) for line in lines]
    redirect = " >&2" if stream == "stderr" else ""
    if len(words) == 1:
        return [f"{indent}printf '%s\\n' {words[0]}{redirect}"]
    body = [f"{indent}printf '%s\\n' \\"]
    body += [f"{indent}  {w} \\" for w in words[:-1]]
    body.append(f"{indent}  {words[-1]}{redirect}")
    return body


HELPERS = r"""
# {now:FMT}: strftime-like in UTC, plus %f (microseconds) and %L (milliseconds): busybox date has no
# sub-second clock, adjtimex (read-only) has. Its tv_usec is in nanoseconds when the kernel's clock
# runs in STA_NANO mode (status bit 0x2000).
_now() {
  _t=$("$BB" adjtimex 2>/dev/null | "$BB" awk '/status/ {st=$2} /tv_sec/ {s=$2} /tv_usec/ {u=$2}
    END {if (int(st / 8192) % 2) u = int(u / 1000); printf "%s %06d", s, u}')
  [ -n "${_t% *}" ] || _t="$("$BB" date +%s) 000000"
  _us=${_t#* }; _fmt=$1; _fmt=${_fmt//%f/$_us}; _fmt=${_fmt//%L/${_us:0:3}}
  "$BB" date -u -d "@${_t% *}" "+$_fmt"
}
# {ip}: the container's IPv4 address, as Docker wrote it into /etc/hosts.
_ip() { "$BB" awk -v h="$("$BB" hostname)" '$2 == h { print $1; exit }' /etc/hosts; }
"""


def program_script(image: Image, path: str, program: Program) -> str:
    """The busybox-sh script standing in for `program` at `path` in `image`."""
    bb = busybox_path(image)
    lines = [
        f"#!{bb} sh",
        f"# Look-alike of {path} in {image.ref} ({program.kind} program), generated from the",
        "# Lifecycle Lab image catalogue. Do not edit: rebuild with `lifecycle-lab images build`.",
        f"BB={bb}",
    ]
    uses = " ".join(program.stdout + program.stderr + program.shutdown + program.missing_env
                    + program.banner + program.control_started + program.control_no_pid
                    + tuple(line for r in program.reactions().values() for line in r.lines)
                    + (program.spawns,))
    if "{now:" in uses or "{ip}" in uses:
        lines += HELPERS.strip("\n").splitlines()
    kind = program.kind
    if kind == "message":
        lines += _print_lines(program.stdout)
        lines += _print_lines(program.stderr, "stderr")
        lines.append(f"exit {program.exit_code}")
    elif kind == "server":
        if program.control:
            lines += _control_lines(program)
        if program.requires_env:
            test = " && ".join(_env_missing_test(item) for item in program.requires_env)
            lines.append(f"if {test}; then")
            lines += _print_lines(program.missing_env, "stderr", indent="  ")
            lines += ["  exit 1", "fi"]
        # The handlers first, as the real servers install theirs before they log: a signal that
        # arrives while the start-up lines print (busybox forks for each timestamp, which takes a
        # while on a busy machine) runs its trap once the current line is out.
        lines.append("_child=")
        lines += _reaction_lines(image, path, program)
        lines += _print_lines(program.stdout)
        lines += _print_lines(program.stderr, "stderr")
        if program.pid_file:
            lines.append(f'echo "$$" > {_squote(program.pid_file)}')
        lines += [
            "# Run in the foreground until a signal ends it; as PID 1 every other signal is ignored.",
            "while :; do",
            '  if [ -z "$_child" ] || ! kill -0 "$_child" 2>/dev/null; then',
            '    "$BB" sleep 2147483647 & _child=$!',
            "  fi",
            '  wait "$_child"',
            "done",
        ]
    elif kind == "entrypoint":
        if program.triggers and (program.stdout or program.stderr):
            patterns = "|".join(_squote(t) for t in program.triggers)
            lines += ['if [ "$#" -gt 0 ]; then', '  case "$1" in', f"    {patterns})"]
            lines += _print_lines(program.stdout, indent="      ")
            lines += _print_lines(program.stderr, "stderr", indent="      ")
            lines += ["      ;;", "  esac", "fi"]
        lines.append('exec "$@"')
    elif kind == "repl":
        if program.version:
            lines.append(f'case "${{1:-}}" in --version|-V) printf \'%s\\n\' {_squote(program.version)};'
                         " exit 0 ;; esac")
        name = posixpath.basename(path)
        refusal = (f"{name}: Lifecycle Lab: the simulator runs this interpreter only interactively "
                   f"(docker run -it IMAGE {name}); it cannot run code or scripts")
        lines.append(f'case "${{1:-}}" in ""|-i|-q) ;; *) printf \'%s\\n\' {_squote(refusal)} >&2;'
                     " exit 2 ;; esac")
        lines.append("if [ -t 1 ]; then")
        lines += _print_lines(program.banner, indent="  ") or ["  :"]
        if program.prompt:
            lines.append(f"  printf '%s' {sh_word(program.prompt)}")
        if program.interrupt or program.interrupt_twice_exits:
            lines += ["  _pressed=", "  _on_int() {"]
            if program.interrupt_twice_exits:
                lines.append('    [ -n "$_pressed" ] && { printf \'\\n\'; exit 0; }')
            lines.append("    _pressed=1; printf '\\n'")
            lines += _print_lines(program.interrupt, indent="    ")
            if program.prompt:
                lines.append(f"    printf '%s' {sh_word(program.prompt)}")
            lines += ["  }", "  trap _on_int INT", "else"]
        else:
            lines.append("else")
        lines += ["  _child="] + [f"  {line}" for line in _reaction_lines(image, path, program)]
        lines += [
            "fi",
            "# Read stdin to its end in a child, so that a trapped signal interrupts the wait.",
            'exec 3<&0; "$BB" cat <&3 >/dev/null & _child=$!',
            'while kill -0 "$_child" 2>/dev/null; do wait "$_child"; done',
            "exit 0",
        ]
    elif kind == "daemonize":
        lines += _print_lines(program.stdout)
        lines += _print_lines(program.stderr, "stderr")
        if program.spawns:
            words = " ".join(sh_word(w) for w in shlex.split(program.spawns))
            lines.append(f'"$BB" setsid {words} </dev/null >/dev/null 2>&1 &')
        lines.append("exit 0")
    elif kind == "packages":
        lines += _package_lines(posixpath.basename(path))
    else:
        raise LookalikeError(f"{image.ref} {path}: no script for program kind {kind!r}")
    return "\n".join(lines) + "\n"


def _env_missing_test(item: str) -> str:
    """The shell test that a `requires_env` item (`VAR` or `VAR=value`) does not hold."""
    name, eq, value = item.partition("=")
    return f'[ "${{{name}:-}}" != {_squote(value)} ]' if eq else f'[ -z "${{{name}:-}}" ]'


def _signal_number(image: Image, path: str, signal: str) -> tuple[str, int]:
    name = signal if signal.startswith("SIG") else "SIG" + signal
    if name not in SIGNAL_NUMBERS:
        raise LookalikeError(f"{image.ref} {path}: unknown signal {signal}")
    return name, SIGNAL_NUMBERS[name]


def _reaction_lines(image: Image, path: str, program: Program) -> list[str]:
    """One shell function and trap per signal reaction, and `trap ''` for the ignored signals.

    The function prints the reaction's lines ({signal}, {signum} from its arguments, {from} from
    the file `nginx -s` leaves beside the pid file) and exits, or returns to the wait (a reload).
    """
    lines: list[str] = []
    for signal in program.ignores:
        name, _ = _signal_number(image, path, signal)
        lines.append(f"trap '' {name[3:]}")
    for n, (signal, reaction) in enumerate(program.reactions().items()):
        name, number = _signal_number(image, path, signal)
        lines.append(f"_on{n}() {{")
        if program.pid_file:
            sender = _squote(program.pid_file + ".from")
            lines += [f'  _from=; [ -s {sender} ] && _from=" from $("$BB" cat {sender})"',
                      f'  "$BB" rm -f {sender}']
        else:
            lines.append("  _from=")
        lines += _print_lines(reaction.lines, reaction.stream, indent="  ", in_shutdown=True)
        if reaction.exit is not None:
            if program.pid_file:
                lines.append(f'  "$BB" rm -f {_squote(program.pid_file)}')
            lines += ['  [ -n "$_child" ] && kill "$_child" 2>/dev/null', f"  exit {reaction.exit}"]
        else:
            lines.append("  :")
        lines += ["}", f"trap '_on{n} {name} {number}' {name[3:]}"]
    return lines


def _package_lines(tool: str) -> list[str]:
    """apt-get / apt / apk as the simulator's (webapp.engine.sim.packages): the same offline words.
    Installing prints what the simulator prints but adds no program (busybox's are not the same)."""
    from webapp.engine.sim import packages

    if tool == "apk":
        note = (f"{packages.NOTE}; apk installs only what the simulator implements: "
                f"{', '.join(packages.APK_PACKAGES)}.")
        known = "|".join(_squote(n) for n in packages.APK_PACKAGES)
        return [
            'case "$1" in',
            f"  update) printf '%s\\n' {_squote(note)} 'OK: nothing downloaded'; exit 0 ;;",
            "  add) shift ;;",
            f"  *) printf '%s\\n' {_squote(note)} >&2; exit 1 ;;",
            "esac",
            '_bad=0; _n=0; for _p in "$@"; do case "$_p" in -*) ;; ' + known + ") ;; *)",
            '  [ "$_bad" = 0 ] && echo "ERROR: unable to select packages:" >&2',
            ('  printf \'  %s (no such package):\\n    required by: world[%s]\\n\' "$_p" "$_p" >&2;'
             ' _bad=$((_bad+1)) ;; esac; done'),
            f'if [ "$_bad" -gt 0 ]; then printf \'%s\\n\' {_squote(note)} >&2; exit "$_bad"; fi',
            '_t=0; for _p in "$@"; do case "$_p" in -*) ;; *) _t=$((_t+1)) ;; esac; done',
            ('for _p in "$@"; do case "$_p" in -*) ;; *) _n=$((_n+1));'
             ' echo "($_n/$_t) Installing $_p (offline, from the simulator)" ;; esac; done'),
            "echo OK",
        ]
    note = (f"{packages.NOTE}; {tool} installs only what the simulator implements: "
            f"{', '.join(packages.APT_PACKAGES)}.")
    known = "|".join(_squote(n) for n in packages.APT_PACKAGES)
    lines = []
    if tool == "apt":
        lines.append("[ -t 0 ] || printf '\\nWARNING: apt does not have a stable CLI interface. "
                     "Use with caution in scripts.\\n\\n' >&2")
    lines += [
        ('_cmd=; _names=; for _a in "$@"; do case "$_a" in -*) ;; *) if [ -z "$_cmd" ]; then _cmd=$_a;'
         ' else _names="$_names $_a"; fi ;; esac; done'),
        f'[ -n "$_cmd" ] || {{ printf \'Usage: {tool} [options] command\\n%s\\n\' {_squote(note)} >&2; exit 1; }}',
        'case "$_cmd" in',
        (f"  update) printf '%s\\n' {_squote(note)} 'Reading package lists... Done';"
         " : > /tmp/.lookalike-apt-updated; exit 0 ;;"),
        "  install) ;;",
        ("  upgrade|remove|purge) printf 'Reading package lists... Done\\nBuilding dependency tree... Done"
         "\\nReading state information... Done\\n';"
         f' echo "E: {packages.NOTE}: \\`{tool} $_cmd\\` is not available in the simulator." >&2; exit 100 ;;'),
        (f'  *) echo "E: {packages.NOTE}: \\`{tool} $_cmd\\` is not available in the simulator; use update or'
         ' install." >&2; exit 100 ;;'),
        "esac",
        ("printf 'Reading package lists... Done\\nBuilding dependency tree... Done\\n"
         "Reading state information... Done\\n'"),
        ('[ -n "$_names" ] || { echo "0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.";'
         " exit 0; }"),
        "_n=0; for _p in $_names; do",
        "  _n=$((_n+1))",
        '  case "$_p" in ' + known + ") ;; *) _p=; ;; esac",
        '  if [ -z "$_p" ] || [ ! -e /tmp/.lookalike-apt-updated ]; then',
        '    for _q in $_names; do :; done; set -- $_names; shift $((_n-1))',
        '    echo "E: Unable to locate package $1" >&2',
        "    if [ -e /tmp/.lookalike-apt-updated ]; then " + f"printf '%s\\n' {_squote(note)} >&2; else",
        f'      echo "{packages.NOTE}: run \\`{tool} update\\` first, as on a real fresh image." >&2; fi',
        "    exit 100",
        "  fi",
        "done",
        'printf \'The following NEW packages will be installed:\\n \'; for _p in $_names; do printf \' %s\' "$_p"; done; echo',
        'echo "0 upgraded, $_n newly installed, 0 to remove and 0 not upgraded."',
        'for _p in $_names; do echo "Setting up $_p (installed offline by the Lifecycle Lab simulator) ..."; done',
        "exit 0",
    ]
    return lines


def _control_lines(program: Program) -> list[str]:
    """`nginx -s NAME`: signal the running master through its pid file, as nginx does."""
    pid_file = _squote(program.pid_file)
    lines = [
        '_s=; _has=',
        'for _a in "$@"; do',
        '  if [ "$_has" = 1 ]; then _s=$_a; _has=2; fi',
        '  [ "$_a" = -s ] && [ -z "$_has" ] && _has=1',
        "done",
        'if [ -n "$_has" ]; then',
        '  case "$_s" in',
    ]
    for action, signal in program.control.items():
        lines.append(f"    {_squote(action)}) _sig={signal.removeprefix('SIG')} ;;")
    lines += [
        """    '') echo 'nginx: option "-s" requires parameter' >&2; exit 1 ;;""",
        '    *) printf \'nginx: invalid option: "-s %s"\\n\' "$_s" >&2; exit 1 ;;',
        "  esac",
    ]
    lines += _print_lines(program.control_started, "stderr", indent="  ")
    lines.append(f"  if [ ! -e {pid_file} ]; then")
    lines += _print_lines(program.control_no_pid, "stderr", indent="    ")
    lines += ["    exit 1", "  fi",
              f'  echo "$$" > {_squote(program.pid_file + ".from")}',
              f'  kill -s "$_sig" "$("$BB" cat {pid_file})"',
              "  exit 0", "fi"]
    return lines


# --------------------------------------------------------------------------------------------------
# Root file system
# --------------------------------------------------------------------------------------------------

DEFAULT_PASSWD = "root:x:0:0:root:/root:/bin/sh\n"
DEFAULT_GROUP = "root:x:0:\n"


def rootfs_entries(image: Image, busybox: bytes) -> list[tarfile.TarInfo | tuple[tarfile.TarInfo, bytes]]:
    """The tar members of the look-alike's root file system, parents first."""
    dirs: dict[str, int] = {}
    links: dict[str, str] = {}
    files: dict[str, tuple[bytes, int]] = {}

    def add_dir(path: str, mode: int = 0o755) -> None:
        path = resolve(image, path)
        while path != "/" and path not in dirs:
            dirs[path] = 0o1777 if path in ("/tmp", "/var/tmp") else mode
            path = posixpath.dirname(path)

    def add_file(path: str, content: bytes, mode: int = 0o644) -> None:
        path = resolve(image, path)
        add_dir(posixpath.dirname(path))
        files[path] = (content, mode)

    def add_link(path: str, target: str) -> None:
        path = resolve(image, path)
        add_dir(posixpath.dirname(path))
        links[path] = target

    for path in image.dirs:
        add_dir(path)
    for path, target in image.symlinks.items():
        add_dir(posixpath.dirname(path))
        links[resolve(image, path)] = target
        target_abs = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
        if path in ("/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"):
            add_dir(target_abs)  # the /usr-merge targets always exist
    has_shell = busybox_path(image) != HIDDEN_BUSYBOX
    if has_shell:
        for path in ("/etc", "/root", "/tmp"):
            add_dir(path)

    bb = busybox_path(image)
    add_file(bb, busybox, 0o755)
    for path, program in image.executables.items():
        canonical = resolve(image, path)
        if program.kind in ("shell", "applet"):
            wrapper = shell_file(image, path, program) if program.kind == "shell" else None
            if wrapper is not None:
                add_file(canonical, *wrapper)
            else:
                add_link(canonical, posixpath.relpath(bb, posixpath.dirname(canonical)))
        elif program.kind in SCRIPT_KINDS:
            add_file(canonical, program_script(image, path, program).encode(), 0o755)
        else:
            raise LookalikeError(f"{image.ref}: {path} has an unknown program kind {program.kind!r}")

    if has_shell or image.files:
        content = dict(image.files)
        content.setdefault("/etc/passwd", DEFAULT_PASSWD)
        content.setdefault("/etc/group", DEFAULT_GROUP)
        if image.os_release:
            content.setdefault("/etc/os-release", image.os_release)
        for path, text in content.items():
            add_file(path, text.encode(), image.modes.get(path, 0o644))
    for path, text in image.scripts.items():  # executable text files: `#!` scripts and the like
        add_file(path, text.encode(), image.modes.get(path, 0o755))

    members: list[tarfile.TarInfo | tuple[tarfile.TarInfo, bytes]] = []
    mtime = int(time.time())

    def info(path: str, kind: bytes, mode: int) -> tarfile.TarInfo:
        member = tarfile.TarInfo("." + path)
        member.type, member.mode, member.mtime = kind, mode, mtime
        member.uid = member.gid = 0
        member.uname = member.gname = "root"
        return member

    for path in sorted(dirs):
        members.append(info(path, tarfile.DIRTYPE, dirs[path]))
    for path in sorted(links):
        member = info(path, tarfile.SYMTYPE, 0o777)
        member.linkname = links[path]
        members.append(member)
    for path in sorted(files):
        data, mode = files[path]
        member = info(path, tarfile.REGTYPE, mode)
        member.size = len(data)
        members.append((member, data))
    return members


def rootfs_tar(image: Image, busybox: bytes) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.GNU_FORMAT) as tar:
        tar.addfile(_root_dir())
        for member in rootfs_entries(image, busybox):
            if isinstance(member, tuple):
                tar.addfile(member[0], io.BytesIO(member[1]))
            else:
                tar.addfile(member)
    return buffer.getvalue()


def _root_dir() -> tarfile.TarInfo:
    member = tarfile.TarInfo("./")
    member.type, member.mode, member.mtime = tarfile.DIRTYPE, 0o755, int(time.time())
    member.uname = member.gname = "root"
    return member


# --------------------------------------------------------------------------------------------------
# docker import / build
# --------------------------------------------------------------------------------------------------


def _dq(value: str) -> str:
    """A double-quoted Dockerfile value."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def fingerprint(image: Image, busybox: bytes) -> str:
    """A hash of everything that makes up the look-alike: its files and its configuration."""
    digest = hashlib.sha256(BUILDER_VERSION.encode())
    digest.update(repr(image).encode())
    for member in rootfs_entries(image, busybox):
        info, data = member if isinstance(member, tuple) else (member, b"")
        digest.update(f"{info.name}\0{info.type!r}\0{info.mode}\0{info.linkname}\0".encode())
        digest.update(hashlib.sha256(data).digest())
    for change in import_changes(image, ""):
        digest.update(change.encode() + b"\0")
    digest.update(image.stop_signal.encode())
    return digest.hexdigest()[:16]


def build_instructions(image: Image) -> list[str]:
    """Dockerfile instructions for what `docker import` refuses: STOPSIGNAL and HEALTHCHECK."""
    lines = []
    if image.stop_signal:
        lines.append(f"STOPSIGNAL {image.stop_signal}")
    check = image.healthcheck
    if check is not None:
        if not check.test or check.test[0] == "NONE":
            lines.append("HEALTHCHECK NONE")
        else:
            options = "".join(f" --{flag}={value}" for flag, value in (
                ("interval", check.interval), ("timeout", check.timeout),
                ("start-period", check.start_period), ("start-interval", check.start_interval),
                ("retries", str(check.retries) if check.retries else "")) if value)
            kind, *rest = check.test
            command = " ".join(rest) if kind == "CMD-SHELL" else json.dumps(rest)
            lines.append(f"HEALTHCHECK{options} CMD {command}")
    return lines


def import_changes(image: Image, fp: str) -> list[str]:
    """`docker import -c` instructions for everything import accepts."""
    changes: list[str] = []
    if image.entrypoint is not None:
        changes.append("ENTRYPOINT " + json.dumps(list(image.entrypoint)))
    if image.cmd is not None:
        changes.append("CMD " + json.dumps(list(image.cmd)))
    for item in image.env:
        key, _, value = item.partition("=")
        changes.append(f"ENV {key}={_dq(value)}")
    for port in image.exposed_ports:
        changes.append(f"EXPOSE {port}")
    if image.workdir:
        changes.append(f"WORKDIR {image.workdir}")
    if image.user:
        changes.append(f"USER {image.user}")
    labels = dict(image.labels) | {FINGERPRINT_LABEL: fp}
    for key, value in labels.items():
        changes.append(f"LABEL {_dq(key)}={_dq(value)}")
    return changes


def _run(argv: list[str], *, data: bytes | None = None, check: bool = True,
         timeout: float = 120) -> subprocess.CompletedProcess[bytes]:
    proc = subprocess.run(argv, input=data, capture_output=True, timeout=timeout, check=False)
    if check and proc.returncode != 0:
        raise LookalikeError(
            f"`{shlex.join(argv[:4])} …` failed ({proc.returncode}): "
            f"{proc.stderr.decode(errors='replace').strip()}")
    return proc


def existing_image(docker: str, ref: str) -> tuple[str, str | None, int] | None:
    """(image id, fingerprint label or None, creation time in Unix seconds) of a local image, or
    None when there is none."""
    proc = _run([docker, "image", "inspect", "--format", "{{json .}}", ref], check=False)
    if proc.returncode != 0:
        return None
    data = json.loads(proc.stdout.decode().splitlines()[0])
    labels = (data.get("Config") or {}).get("Labels") or {}
    created = data.get("Created", "")
    try:
        seconds = int(datetime.fromisoformat(created[:19]).replace(tzinfo=UTC).timestamp())
    except ValueError:
        seconds = 0
    return data["Id"], labels.get(FINGERPRINT_LABEL), seconds


def build_image(image: Image, *, docker: str = "docker", busybox: bytes | None = None,
                force: bool = False) -> bool:
    """Build one look-alike; returns False when an up-to-date one already exists."""
    if busybox is None:
        busybox = find_busybox().read_bytes()
    fp = fingerprint(image, busybox)
    current = existing_image(docker, image.ref)
    if current is not None:
        old_id, old_fp, _ = current
        if old_fp == fp and not force:
            return False
        if old_fp is None and not force:
            raise LookalikeError(
                f"{image.ref} exists on this daemon and is not a Lifecycle Lab look-alike (no "
                f"{FINGERPRINT_LABEL} label); remove it or build with --force to take over the tag")
    else:
        old_id, old_fp = None, None
    tar = rootfs_tar(image, busybox)
    argv = [docker, "import"]
    for change in import_changes(image, fp):
        argv += ["-c", change]
    argv += ["-m", f"Lifecycle Lab look-alike of {image.ref}", "-", image.ref]
    _run(argv, data=tar)
    extra = build_instructions(image)
    if extra:
        dockerfile = f"FROM {image.ref}\n" + "".join(line + "\n" for line in extra)
        env = os.environ | {"DOCKER_BUILDKIT": "0"}
        proc = subprocess.run([docker, "build", "-q", "-t", image.ref, "-"],
                              input=dockerfile.encode(), capture_output=True, timeout=120,
                              env=env, check=False)
        if proc.returncode != 0:
            raise LookalikeError(f"docker build of {image.ref} failed: "
                                 f"{proc.stderr.decode(errors='replace').strip()}")
    if old_id is not None and old_fp is not None:
        # our previous look-alike is now untagged; drop it unless a container still uses it
        # (somebody else's image whose tag --force took over is left alone)
        _run([docker, "rmi", old_id], check=False)
    return True


def select(only: Iterable[str] | None) -> list[Image]:
    """Catalogue images to build, oldest `created` first (so `docker images` lists them in the
    same order as the simulator, newest first)."""
    if only:
        refs = [normalize_ref(ref) for ref in only]
        unknown = [ref for ref in refs if ref not in CATALOGUE]
        if unknown:
            raise LookalikeError(f"not in the image catalogue: {', '.join(unknown)}")
        images = [CATALOGUE[ref] for ref in refs]
    else:
        images = list(CATALOGUE.values())
    return sorted(images, key=lambda image: image.created)


def build_all(docker: str = "docker", only: list[str] | None = None, *, force: bool = False,
              log: Callable[[str], None] | None = None) -> None:
    """Build (or confirm up to date) the look-alike of every catalogue image, or of `only`."""
    busybox = find_busybox().read_bytes()
    previous = 0  # creation second of the previous image in catalogue order
    for image in select(only):
        started = time.monotonic()
        current = existing_image(docker, image.ref)
        fresh = current is not None and current[1] == fingerprint(image, busybox) and not force
        if fresh and current is not None and current[2] > previous:
            previous = current[2]
            if log is not None:
                log(f"up to date {image.ref}")
            continue
        # Docker keeps image creation times in whole seconds and `docker images` lists the newest
        # first: built one second apart, in catalogue order, the look-alikes are listed in the same
        # order as the simulator lists its images. An up-to-date image that is out of order is
        # rebuilt too.
        time.sleep(max(0.0, previous + 1.05 - time.time()))
        build_image(image, docker=docker, busybox=busybox, force=force or fresh)
        after = existing_image(docker, image.ref)
        previous = after[2] if after is not None else int(time.time())
        if log is not None:
            log(f"built      {image.ref} ({time.monotonic() - started:.1f} s)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="lifecycle-lab images build",
        description="Build offline look-alikes of the catalogue's images on the local Docker daemon.")
    parser.add_argument("refs", nargs="*", metavar="REF", help="images to build (default: all)")
    parser.add_argument("--force", action="store_true", help="rebuild even when up to date")
    parser.add_argument("--docker", default="docker", help="docker CLI to use (default: docker)")
    parser.add_argument("--list", action="store_true", help="list the catalogue and exit")
    args = parser.parse_args(argv)
    if args.list:
        for image in select(args.refs):
            print(image.ref)
        return 0
    started = time.monotonic()
    try:
        build_all(args.docker, args.refs or None, force=args.force, log=print)
    except (LookalikeError, subprocess.TimeoutExpired, FileNotFoundError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"done in {time.monotonic() - started:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
