"""The small utilities found in every image (sleep, cat, env, ls, ps, ...), GNU or busybox flavoured.

Ubuntu-based images print GNU coreutils/procps text; alpine and busybox print busybox's.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Callable, Generator
from typing import Any

from .process import INTERRUPTED, Forever, Proc, ReadChunk, Sleep

Gen = Generator[Any, Any, int]


def echo_text(args: list[str]) -> str:
    newline = True
    while args and args[0] in ("-n", "-e", "-E", "-ne", "-en"):
        if "n" in args[0]:
            newline = False
        args = args[1:]
    return " ".join(args) + ("\n" if newline else "")


def _gnu(proc: Proc) -> bool:
    return getattr(proc.box, "flavour", "gnu") == "gnu"


def _usage_error(proc: Proc, name: str, message: str) -> int:
    if _gnu(proc):
        proc.write(f"{name}: {message}\nTry '{name} --help' for more information.\n", "stderr")
    else:
        proc.write(f"{name}: {message}\n", "stderr")
    return 1


def parse_duration(text: str) -> float | None:
    """`sleep` operands: plain or with an s/m/h/d suffix, or `infinity`."""
    if text.lower() in ("inf", "infinity"):
        return float("inf")
    units = {"s": 1, "m": 60, "h": 3600, "d": 86400}
    scale = 1
    if text and text[-1] in units:
        scale = units[text[-1]]
        text = text[:-1]
    try:
        value = float(text)
    except ValueError:
        return None
    if value < 0 or math.isnan(value):
        return None
    return value * scale


def sleep(proc: Proc) -> Gen:
    args = proc.argv[1:]
    if not args:
        return _usage_error(proc, "sleep", "missing operand")
    total = 0.0
    for arg in args:
        seconds = parse_duration(arg)
        if seconds is None:
            message = f"invalid time interval '{arg}'" if _gnu(proc) else f"invalid number '{arg}'"
            return _usage_error(proc, "sleep", message)
        total += seconds
    if total == float("inf"):
        yield Forever()
        return 0
    while True:
        started = proc.box.clock.now()
        result = yield Sleep(total)
        if result is not INTERRUPTED:
            return 0
        total -= proc.box.clock.now() - started


def echo(proc: Proc) -> Gen:
    proc.write(echo_text(proc.argv[1:]))
    return 0
    yield  # pragma: no cover


def true(proc: Proc) -> Gen:
    return 0
    yield  # pragma: no cover


def false(proc: Proc) -> Gen:
    return 1
    yield  # pragma: no cover


def cat(proc: Proc) -> Gen:
    files = [a for a in proc.argv[1:] if a != "-"]
    if not files:
        while True:
            chunk = yield ReadChunk()
            if chunk is None:
                return 0
            if chunk is INTERRUPTED:
                continue
            proc.write(chunk)
    status = 0
    for name in files:
        path = name if name.startswith("/") else f"{proc.cwd.rstrip('/')}/{name}"
        kind = proc.box.path_kind(proc, path)
        if kind == "dir":
            proc.write(f"cat: {name}: Is a directory\n", "stderr")
            status = 1
            continue
        content = proc.box.read_file(proc, path)
        if content is None:
            proc.write(f"cat: {name}: No such file or directory\n", "stderr")
            status = 1
            continue
        proc.write(content)
    return status


def env(proc: Proc) -> Gen:
    args = proc.argv[1:]
    if args:
        from .shell import Shell

        # `env VAR=x cmd`: run cmd with the extra variables.
        extra = {}
        while args and "=" in args[0]:
            key, _, value = args.pop(0).partition("=")
            extra[key] = value
        if args:
            sh = Shell(proc, "sh", [])
            merged = dict(proc.env) | extra
            from .shell import IO

            return (yield from sh.run_external(args, merged, IO(proc.write, proc.stdin)))
        proc.env.update(extra)
    proc.write("".join(f"{k}={v}\n" for k, v in proc.env.items()))
    return 0


def printenv(proc: Proc) -> Gen:
    names = proc.argv[1:]
    if not names:
        proc.write("".join(f"{k}={v}\n" for k, v in proc.env.items()))
        return 0
    status = 0
    for name in names:
        if name in proc.env:
            proc.write(proc.env[name] + "\n")
        else:
            status = 1
    return status
    yield  # pragma: no cover


def hostname(proc: Proc) -> Gen:
    if "-i" in proc.argv[1:] or "-I" in proc.argv[1:]:
        proc.write((proc.box.ip or "127.0.0.1") + "\n")
    else:
        proc.write(proc.box.hostname + "\n")
    return 0
    yield  # pragma: no cover


def whoami(proc: Proc) -> Gen:
    proc.write(proc.user + "\n")
    return 0
    yield  # pragma: no cover


def pwd(proc: Proc) -> Gen:
    proc.write(proc.cwd + "\n")
    return 0
    yield  # pragma: no cover


def uname(proc: Proc) -> Gen:
    if "-a" in proc.argv[1:]:
        host = proc.box.hostname
        proc.write(f"Linux {host} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) "
                   "x86_64 x86_64 x86_64 GNU/Linux\n" if _gnu(proc) else
                   f"Linux {host} 6.1.0-28-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.119-1 (2024-11-22) "
                   "x86_64 Linux\n")
    else:
        proc.write("Linux\n")
    return 0
    yield  # pragma: no cover


def date(proc: Proc) -> Gen:
    now = _time.gmtime(proc.box.clock.now())
    day = _time.strftime("%a %b", now) + f" {now.tm_mday:>2} " + _time.strftime("%H:%M:%S", now)
    proc.write(f"{day} UTC {now.tm_year}\n")
    return 0
    yield  # pragma: no cover


def id_(proc: Proc) -> Gen:
    proc.write("uid=0(root) gid=0(root) groups=0(root)\n" if _gnu(proc) else
               "uid=0(root) gid=0(root) groups=0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),"
               "11(floppy),20(dialout),26(tape),27(video)\n")
    return 0
    yield  # pragma: no cover


def ls(proc: Proc) -> Gen:
    args = [a for a in proc.argv[1:] if not a.startswith("-")]
    flags = "".join(a[1:] for a in proc.argv[1:] if a.startswith("-") and a != "-")
    show_all = "a" in flags
    targets = args or ["."]
    status = 0
    chunks = []
    for name in targets:
        path = proc.cwd if name == "." else (name if name.startswith("/") else
                                              f"{proc.cwd.rstrip('/')}/{name}")
        kind = proc.box.path_kind(proc, path)
        if kind is None:
            if _gnu(proc):
                proc.write(f"ls: cannot access '{name}': No such file or directory\n", "stderr")
                status = 2
            else:
                proc.write(f"ls: {name}: No such file or directory\n", "stderr")
                status = 1
            continue
        if kind != "dir":
            chunks.append((None, [name]))
            continue
        entries = proc.box.list_dir(proc, path)
        if show_all:
            entries = [".", ".."] + entries
        chunks.append((name if len(targets) > 1 else None, entries))
    out = []
    for index, (title, entries) in enumerate(chunks):
        if title is not None:
            out.append(("\n" if index else "") + f"{title}:\n")
        if proc.tty:
            out.append(_columns(entries, 80))
        else:
            out.append("".join(e + "\n" for e in entries))
    proc.write("".join(out))
    return status
    yield  # pragma: no cover


def _columns(entries: list[str], width: int) -> str:
    """GNU ls -C layout: fill columns top to bottom, as few rows as fit in `width`."""
    if not entries:
        return ""
    for rows in range(1, len(entries) + 1):
        cols = -(-len(entries) // rows)
        widths = []
        for c in range(cols):
            column = entries[c * rows:(c + 1) * rows]
            widths.append(max(len(e) for e in column) + 2 if column else 0)
        if sum(widths) - 2 <= width or rows == len(entries):
            lines = []
            for r in range(rows):
                cells = []
                for c in range(cols):
                    i = c * rows + r
                    if i < len(entries):
                        cells.append(entries[i].ljust(widths[c]) if c < cols - 1 else entries[i])
                lines.append("".join(cells).rstrip() + "\n")
            return "".join(lines)
    return ""


def ps(proc: Proc) -> Gen:
    rows = proc.box.process_table(proc)
    args = "".join(proc.argv[1:])
    full = any(f in args for f in ("e", "a", "x", "f"))
    if not _gnu(proc):
        out = ["PID   USER     TIME  COMMAND\n"]
        for row in rows:
            out.append(f"{row['pid']:>5} {row['user']:<8} {row['time']:>5} {row['cmd']}\n")
        proc.write("".join(out))
        return 0
    if "aux" in args or args.startswith("aux"):
        out = ["USER         PID %CPU %MEM    VSZ   RSS TTY      STAT START   TIME COMMAND\n"]
        for row in rows:
            out.append(f"{row['user']:<10}{row['pid']:>7}  0.0  0.0   4624  3712 {row['tty']:<8} "
                       f"{row['stat']:<4} {row['start']:>5}   {row['time']} {row['cmd']}\n")
    elif full:
        out = ["UID          PID    PPID  C STIME TTY          TIME CMD\n"]
        for row in rows:
            out.append(f"{row['user']:<8} {row['pid']:>7} {row['ppid']:>7}  0 {row['start']} "
                       f"{row['tty']:<8} {row['time_full']:>8} {row['cmd']}\n")
    else:
        tty = "pts/0" if proc.tty else "?"
        out = [f"{'PID':>7} {'TTY':<8} {'TIME':>8} CMD\n"]
        for row in rows:
            if row["tty"] == tty:
                out.append(f"{row['pid']:>7} {row['tty']:<8} {row['time_full']:>8} {row['comm']}\n")
    proc.write("".join(out))
    return 0
    yield  # pragma: no cover


APPLETS: dict[str, Callable[[Proc], Gen]] = {
    "sleep": sleep, "echo": echo, "true": true, "false": false, "cat": cat, "env": env,
    "printenv": printenv, "hostname": hostname, "whoami": whoami, "pwd": pwd, "uname": uname,
    "date": date, "id": id_, "ls": ls, "ps": ps,
}
