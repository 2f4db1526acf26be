"""The small utilities found in every image (sleep, cat, env, ls, ps, ...), GNU or busybox flavoured.

Ubuntu-based images print GNU coreutils/procps text; alpine and busybox print busybox's.
"""

from __future__ import annotations

import math
import time as _time
from collections.abc import Callable, Generator
from typing import Any

from .process import INTERRUPTED, Forever, Proc, ReadChunk, Sleep
from .users import id_line

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
    name = proc.ident.name
    if name is None:  # a uid with no passwd entry
        proc.write(f"whoami: cannot find name for user ID {proc.ident.uid}\n" if _gnu(proc) else
                   f"whoami: unknown uid {proc.ident.uid}\n", "stderr")
        return 1
    proc.write(name + "\n")
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
    """`id`, and `id -u|-g|-G [-n]` (one field; `-n` its name), as coreutils and busybox print it."""
    ident = proc.ident
    flags = "".join(a[1:] for a in proc.argv[1:] if a.startswith("-") and not a.startswith("--"))
    longs = {a for a in proc.argv[1:] if a.startswith("--")}
    flags += "".join(letter for word, letter in (("--user", "u"), ("--group", "g"), ("--groups", "G"),
                                                 ("--name", "n")) if word in longs)
    users = [a for a in proc.argv[1:] if not a.startswith("-")]
    if users and users != [ident.name] and users != [str(ident.uid)]:
        proc.write(f"id: '{users[0]}': no such user\n" if _gnu(proc)
                   else f"id: unknown user {users[0]}\n", "stderr")
        return 1
    unknown = set(flags) - set("ugGnr")
    if unknown:
        letter = min(unknown)
        proc.write(f"id: invalid option -- '{letter}'\n", "stderr")
        return 1
    if not set(flags) & set("ugG"):
        proc.write(id_line(ident))
        return 0
    if "u" in flags:
        values = [(ident.uid, ident.name)]
    elif "g" in flags:
        values = [(ident.gid, ident.group_name(ident.gid))]
    else:
        values = [(g, ident.group_name(g)) for g in dict.fromkeys(ident.groups)]
    words = [(label or str(number)) if "n" in flags else str(number) for number, label in values]
    proc.write(" ".join(words) + "\n")
    return 0
    yield  # pragma: no cover


def ls(proc: Proc) -> Gen:
    args = [a for a in proc.argv[1:] if not a.startswith("-")]
    flags = "".join(a[1:] for a in proc.argv[1:] if a.startswith("-") and a != "-")
    show_all = "a" in flags
    targets = args or ["."]
    status = 0
    chunks: list[tuple[str | None, list[str]]] = []  # (heading, entries) per target
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
        if not show_all and "A" not in flags:  # names starting with a dot are hidden, as in ls
            entries = [e for e in entries if not e.startswith(".")]
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


def _input_text(proc: Proc, files: list[str], name: str) -> Generator[Any, Any, tuple[str, int]]:
    """The text a filter reads: its files, or stdin to end-of-file."""
    if not files:
        parts: list[str] = []
        while True:
            chunk = yield ReadChunk()
            if chunk is None:
                return "".join(parts), 0
            if chunk is not INTERRUPTED:
                parts.append(chunk)
    out, status = [], 0
    for file in files:
        path = file if file.startswith("/") else f"{proc.cwd.rstrip('/')}/{file}"
        content = proc.box.read_file(proc, path)
        if content is None:
            why = "Is a directory" if proc.box.path_kind(proc, path) == "dir" else "No such file or directory"
            quoted = f"'{file}'" if _gnu(proc) and name in ("head", "tail") else file
            proc.write(f"{name}: {'cannot open ' if _gnu(proc) and name in ('head', 'tail') else ''}"
                       f"{quoted}{' for reading' if _gnu(proc) and name in ('head', 'tail') else ''}: "
                       f"{why}\n", "stderr")
            status = 1
            continue
        out.append(content)
    return "".join(out), status


def _count_option(args: list[str], default: int) -> tuple[int, list[str]]:
    count, rest = default, []
    index = 0
    while index < len(args):
        arg = args[index]
        if arg == "-n" and index + 1 < len(args):
            count = int(args[index + 1]) if args[index + 1].lstrip("-").isdigit() else default
            index += 2
            continue
        if arg.startswith("-n") and arg[2:].isdigit():
            count = int(arg[2:])
        elif arg.startswith("-") and arg[1:].isdigit():
            count = int(arg[1:])
        else:
            rest.append(arg)
        index += 1
    return count, rest


def head(proc: Proc) -> Gen:
    count, files = _count_option(proc.argv[1:], 10)
    text, status = yield from _input_text(proc, files, "head")
    proc.write("".join(text.splitlines(keepends=True)[:count]))
    return status


def tail(proc: Proc) -> Gen:
    count, files = _count_option(proc.argv[1:], 10)
    text, status = yield from _input_text(proc, files, "tail")
    lines = text.splitlines(keepends=True)
    proc.write("".join(lines[-count:] if count else []))
    return status


def wc(proc: Proc) -> Gen:
    flags = "".join(a[1:] for a in proc.argv[1:] if a.startswith("-") and a != "-")
    files = [a for a in proc.argv[1:] if not a.startswith("-") or a == "-"]
    text, status = yield from _input_text(proc, [f for f in files if f != "-"], "wc")
    counts = {"l": text.count("\n"), "w": len(text.split()), "c": len(text.encode())}
    wanted = [k for k in "lwc" if k in flags] or ["l", "w", "c"]
    values = [counts[k] for k in wanted]
    if len(values) == 1:
        line = str(values[0])
    elif _gnu(proc):
        width = max(len(str(v)) for v in values) if files else 7
        line = " ".join(str(v).rjust(width) for v in values)
    else:
        line = " ".join(str(v).rjust(9) for v in values)
    proc.write(line + (f" {files[0]}" if files and files[0] != "-" else "") + "\n")
    return status


def grep(proc: Proc) -> Gen:
    args = proc.argv[1:]
    flags = "".join(a[1:] for a in args if a.startswith("-") and len(a) > 1)
    rest = [a for a in args if not (a.startswith("-") and len(a) > 1)]
    if not rest:
        proc.write("Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.\n"
                   if _gnu(proc) else "BusyBox v1.36.1 multi-call binary.\n\nUsage: grep [-HhnlLoqvsrRiwFE] "
                   "PATTERN/-e PATTERN.../-f FILE [FILE]...\n", "stderr")
        return 2
    import re as _re

    pattern, files = rest[0], rest[1:]
    try:
        regex = _re.compile(pattern, _re.IGNORECASE if "i" in flags else 0)
    except _re.error:
        regex = _re.compile(_re.escape(pattern), _re.IGNORECASE if "i" in flags else 0)
    text, status = yield from _input_text(proc, files, "grep")
    invert = "v" in flags
    matched = [line for line in text.splitlines(keepends=True) if bool(regex.search(line)) != invert]
    if "c" in flags:
        proc.write(f"{len(matched)}\n")
    elif "q" not in flags:
        proc.write("".join(m if m.endswith("\n") else m + "\n" for m in matched))
    return status or (0 if matched else 1)


def sort(proc: Proc) -> Gen:
    flags = "".join(a[1:] for a in proc.argv[1:] if a.startswith("-") and len(a) > 1)
    files = [a for a in proc.argv[1:] if not (a.startswith("-") and len(a) > 1)]
    text, status = yield from _input_text(proc, files, "sort")
    lines = text.splitlines()
    if "n" in flags:
        def key(line: str) -> float:
            try:
                return float(line.split()[0]) if line.split() else 0.0
            except ValueError:
                return 0.0
        lines.sort(key=key, reverse="r" in flags)
    else:
        lines.sort(reverse="r" in flags)
    proc.write("".join(line + "\n" for line in lines))
    return status


def mkdir(proc: Proc) -> Gen:
    """`mkdir [-p] DIR...`: each folder in an existing one; `-p` makes the missing parents too and
    accepts folders that exist (GNU's and busybox's words)."""
    options = [a for a in proc.argv[1:] if a.startswith("-") and a != "-"]
    parents = any(a == "--parents" or (not a.startswith("--") and "p" in a) for a in options)
    verb = "cannot create directory" if _gnu(proc) else "can't create directory"
    status = 0
    for name in (a for a in proc.argv[1:] if not a.startswith("-") or a == "-"):
        path = name if name.startswith("/") else f"{proc.cwd.rstrip('/')}/{name}"
        parts = [part for part in path.split("/") if part and part != "."]
        targets = [("/" + "/".join(parts[:n])) for n in range(1, len(parts) + 1)] if parents \
            else ["/" + "/".join(parts)]
        for target in targets:
            kind = proc.box.path_kind(proc, target)
            if kind == "dir" and (parents or target != targets[-1]):
                continue
            problem = ""
            if kind is not None:
                problem = "File exists" if target == targets[-1] or kind == "dir" else "Not a directory"
            elif proc.box.write_denied(proc, target.rstrip("/") + "/.keep"):
                problem = "Permission denied"
            elif not proc.box.make_dir(proc, target):
                problem = "No such file or directory"
            if problem:
                proc.write(f"mkdir: {verb} '{name}': {problem}\n", "stderr")
                status = 1
                break
    return status
    yield  # pragma: no cover


def touch(proc: Proc) -> Gen:
    status = 0
    for name in (a for a in proc.argv[1:] if not a.startswith("-")):
        path = name if name.startswith("/") else f"{proc.cwd.rstrip('/')}/{name}"
        if proc.box.write_denied(proc, path):
            proc.write(f"touch: cannot touch '{name}': Permission denied\n" if _gnu(proc)
                       else f"touch: {name}: Permission denied\n", "stderr")
            status = 1
            continue
        if proc.box.read_file(proc, path) is None and not proc.box.write_file(proc, path, ""):
            proc.write(f"touch: cannot touch '{name}': No such file or directory\n" if _gnu(proc)
                       else f"touch: {name}: No such file or directory\n", "stderr")
            status = 1
    return status
    yield  # pragma: no cover


def chmod_mode(spec: str, mode: int, is_dir: bool = False) -> int | None:
    """The new permission bits for `chmod SPEC` of a file with `mode`; None when SPEC is not a
    mode (octal, or symbolic `[ugoa]*[-+=][rwxXst]*`, comma-separated). Without `ugoa` the umask
    (022) limits what `+`/`=` give, as chmod(1) says."""
    if spec and all(c in "01234567" for c in spec):
        return int(spec, 8) & 0o7777 if len(spec) <= 4 else None
    for clause in spec.split(","):
        who_end = 0
        while who_end < len(clause) and clause[who_end] in "ugoa":
            who_end += 1
        who = clause[:who_end] or ""
        rest = clause[who_end:]
        if not rest or rest[0] not in "+-=":
            return None
        masks = {"u": 0o4700, "g": 0o2070, "o": 0o1007}
        affected = sum(masks[w] for w in set(who.replace("a", "ugo"))) if who else 0o7777
        umask = 0 if who else 0o022
        while rest:
            op, rest = rest[0], rest[1:]
            perms = ""
            while rest and rest[0] not in "+-=":
                perms += rest[0]
                rest = rest[1:]
            if any(p not in "rwxXst" for p in perms):
                return None
            bits = 0
            for p in perms:
                if p == "X" and not (is_dir or mode & 0o111):
                    continue
                bits |= {"r": 0o444, "w": 0o222, "x": 0o111, "X": 0o111, "s": 0o6000,
                         "t": 0o1000}[p]
            bits &= affected
            if op == "+":
                mode |= bits & ~umask
            elif op == "-":
                mode &= ~bits
            else:
                mode = (mode & ~affected) | (bits & ~umask)
    return mode & 0o7777


def chmod(proc: Proc) -> Gen:
    """chmod MODE FILE...: the container keeps the bits (what `test -x` and exec look at)."""
    args = [a for a in proc.argv[1:] if a not in ("-R", "-f", "-v", "-c", "--")]
    gnu = _gnu(proc)
    if len(args) < 2:
        if gnu:
            proc.write("chmod: missing operand\nTry 'chmod --help' for more information.\n" if not args
                       else f"chmod: missing operand after '{args[0]}'\n"
                       "Try 'chmod --help' for more information.\n", "stderr")
            return 1
        proc.write("Usage: chmod [-Rcvf] MODE[,MODE]... FILE...\n\nMODE is octal number (bit pattern "
                   "sstrwxrwxrwx) or [ugoa]{+|-|=}[rwxXst]\n\n\t-R\tRecurse\n\t-c\tList changed "
                   "files\n\t-v\tVerbose\n\t-f\tHide errors\n", "stderr")
        return 1
    spec, names = args[0], args[1:]
    if chmod_mode(spec, 0o644) is None:
        proc.write(f"chmod: invalid mode: '{spec}'\nTry 'chmod --help' for more information.\n"
                   if gnu else f"chmod: invalid mode '{spec}'\n", "stderr")
        return 1
    box = proc.box
    status = 0
    for name in names:
        path = name if name.startswith("/") else f"{proc.cwd.rstrip('/')}/{name}"
        kind = box.path_kind(proc, path)
        mode_of = getattr(box, "mode_of", None)
        set_mode = getattr(box, "set_mode", None)
        if kind is None or mode_of is None or set_mode is None:
            proc.write(f"chmod: cannot access '{name}': No such file or directory\n" if gnu
                       else f"chmod: {name}: No such file or directory\n", "stderr")
            status = 1
            continue
        real = box.real_path(path) if hasattr(box, "real_path") else path
        new = chmod_mode(spec, mode_of(real) or (0o755 if kind == "dir" else 0o644), kind == "dir")
        set_mode(proc, path, new if new is not None else 0o644)
    return status
    yield  # pragma: no cover


APPLETS: dict[str, Callable[[Proc], Gen]] = {
    "sleep": sleep, "echo": echo, "true": true, "false": false, "cat": cat, "env": env,
    "printenv": printenv, "hostname": hostname, "whoami": whoami, "pwd": pwd, "uname": uname,
    "date": date, "id": id_, "ls": ls, "ps": ps, "head": head, "tail": tail, "wc": wc, "grep": grep,
    "sort": sort, "mkdir": mkdir, "touch": touch, "chmod": chmod,
}
