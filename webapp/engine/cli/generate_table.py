"""Regenerate `commands.json` from a real docker client (developer tool; never used at run time).

The parser must answer exactly like the real CLI, so its command table is captured from the real
client instead of being typed by hand:

* `docker <path> --help` gives the usage line, description, aliases, visible flags and the help
  text itself.  It runs against the live daemon with ``DOCKER_API_VERSION`` pinned to a current API
  version, because the client hides flags that the daemon's API version is too old for, and flags
  for other operating systems.
* Hidden flags are found by probing candidate names: ``docker <path> --NAME=zz --zzbad`` fails on
  ``--NAME`` if it is unknown or its value invalid, or on ``--zzbad`` when it parsed fine.  The
  pflag error text also tells the flag's type.  Nothing here reaches the point of running a command.
* Argument-count rules come from calling each command with 0 and with 30 arguments while
  ``DOCKER_HOST`` points at a socket that does not exist, so a command that passes validation fails
  to connect instead of doing anything.

Usage: ``python -m webapp.engine.cli.generate_table`` (needs the docker CLI on PATH).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

OUT = Path(__file__).with_name("commands.json")

# The client prints its config directory (from $HOME) in the global options; use a neutral one.
LAB_HOME = "/home/learner"
# The newest API version the captured client speaks; flags gated on newer versions would be hidden.
API_VERSION = "1.50"

# Flags that share storage with a visible flag: the parser files them under the visible name.
HIDDEN_ALIASES = {"net": "network", "net-alias": "network-alias", "dns-opt": "dns-option",
                  "time": "timeout"}
# Types of hidden flags whose type the probe cannot tell (they accept any value).
HIDDEN_TYPES = {"net": "network", "net-alias": "list", "dns-opt": "list"}
# Candidate names for hidden flags (deprecated spellings, OS-specific or experimental flags).
HIDDEN_CANDIDATES = [
    "dns-opt", "net", "net-alias", "cpu-count", "cpu-percent", "io-maxbandwidth", "io-maxiops",
    "kernel-memory", "time", "tree", "kubeconfig", "link", "use-api-socket", "credential-spec",
    "stop-signal", "detach-keys", "disable-content-trust", "compress", "squash", "stream",
    "isolation", "privileged", "all", "quiet", "force", "filter", "format", "no-trunc", "size",
    "platform", "type", "since", "until", "tail", "follow", "timestamps", "details", "digests",
]
# Commands that exist but are not listed in any help page.
EXTRA_PATHS = [["help"], ["completion"]]

_FLAG_RE = re.compile(
    r"^  (?:-(?P<short>\S), |    )--(?P<long>[^\s=]+)(?: (?P<type>\S+))?(?:\s{2,}(?P<usage>.*))?$")
_CMD_RE = re.compile(r"^  (?P<name>\S+?)\*?\s{2,}(?P<short>.*)$")
_CMD_SECTIONS = ("Common Commands:", "Management Commands:", "Swarm Commands:", "Commands:")


def _env(probe: bool, home: str) -> dict[str, str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": home, "LANG": "C.UTF-8"}
    if probe:
        env["DOCKER_HOST"] = "unix:///nonexistent/lifecycle-lab/docker.sock"
        env["DOCKER_CONFIG"] = os.path.join(home, ".docker")
    else:
        env["DOCKER_API_VERSION"] = API_VERSION
    return env


def _docker(argv: list[str], env: dict[str, str]) -> tuple[str, str, int]:
    proc = subprocess.run(["docker", *argv], stdin=subprocess.DEVNULL, capture_output=True,
                          env=env, timeout=20, check=False)
    return (proc.stdout.decode("utf-8", "replace"), proc.stderr.decode("utf-8", "replace"),
            proc.returncode)


def parse_help(text: str) -> dict:
    """Split one help page into usage, description, aliases, subcommands and visible flags."""
    lines = text.split("\n")
    i = lines.index("")  # the usage line can wrap onto a second, tab-indented line (docker cp)
    usage = "\n".join(lines[:i]).removeprefix("Usage:  ")
    i += 1
    desc: list[str] = []
    while i < len(lines) and lines[i] != "":
        desc.append(lines[i])
        i += 1
    info: dict = {"usage": usage, "short": "\n".join(desc), "aliases": "", "subcommands": [],
                  "flags": []}
    section = ""
    for line in lines[i:]:
        if line and not line.startswith(" "):
            section = line
            continue
        if section == "Aliases:" and line.strip():
            info["aliases"] = line.strip()
        elif section in _CMD_SECTIONS and (m := _CMD_RE.match(line)):
            info["subcommands"].append(m.group("name"))
        elif section in ("Options:", "Global Options:"):
            m = _FLAG_RE.match(line)
            if m:
                info["flags"].append({"long": m.group("long"), "short": m.group("short") or "",
                                      "type": m.group("type") or "bool",
                                      "usage": m.group("usage") or ""})
            elif info["flags"] and line.strip():
                info["flags"][-1]["usage"] += " " + line.strip()
    for flag in info["flags"]:
        m = re.search(r"\(default (.*)\)$", flag["usage"])
        flag["default"] = m.group(1) if m else ""
        flag["hidden"] = False
    return info


def _probe_type(err: str) -> str:
    if "strconv.ParseBool" in err:
        return "bool"
    if "strconv.ParseInt" in err:
        return "int"
    if "strconv.ParseUint" in err:
        return "uint"
    if "invalid size" in err:
        return "bytes"
    if err.startswith("time:") or "time: invalid duration" in err:
        return "duration"
    return "string"


def _first_error(err: str) -> str:
    """The first line of an error, past the legacy builder's deprecation notice."""
    for line in err.split("\n"):
        if line and not line.startswith((" ", "DEPRECATED:")):
            return line
    return ""


def probe_hidden(path: list[str], visible: set[str], env: dict[str, str]) -> list[dict]:
    """Find hidden flags of one command among HIDDEN_CANDIDATES."""
    found = []
    for name in HIDDEN_CANDIDATES:
        if name in visible:
            continue
        _, err, _ = _docker([*path, f"--{name}=zz", "--zzbad"], env)
        first = _first_error(err)
        if first.startswith(f"unknown flag: --{name}"):
            continue
        m = re.match(r'invalid argument "zz" for "(?:-(.), )?--[^"]+" flag: (.*)$', first)
        ftype = _probe_type(m.group(2)) if m else "string"
        ftype = HIDDEN_TYPES.get(name, ftype)
        found.append({"long": name, "short": (m.group(1) or "") if m else "", "type": ftype,
                      "usage": "", "default": "", "hidden": True,
                      "alias_of": HIDDEN_ALIASES.get(name, "")})
    return found


_ARG_PATTERNS = [
    (re.compile(r"' accepts no arguments"), lambda m: ("none", 0, 0)),
    (re.compile(r"' requires at least (\d+) and at most (\d+) argument"),
     lambda m: ("range", int(m.group(1)), int(m.group(2)))),
    (re.compile(r"' requires at least (\d+) argument"), lambda m: ("min", int(m.group(1)), 0)),
    (re.compile(r"' requires at most (\d+) argument"), lambda m: ("max", 0, int(m.group(1)))),
    (re.compile(r"' requires (\d+) argument"), lambda m: ("exact", int(m.group(1)),
                                                          int(m.group(1)))),
    # cobra's own validators, used by a few commands (plain message, no usage block)
    (re.compile(r"^accepts (\d+) arg\(s\), received"),
     lambda m: ("cobra_exact", int(m.group(1)), int(m.group(1)))),
    (re.compile(r"^requires at least (\d+) arg\(s\), only received"),
     lambda m: ("cobra_min", int(m.group(1)), 0)),
    (re.compile(r"^accepts at most (\d+) arg\(s\), received"),
     lambda m: ("cobra_max", 0, int(m.group(1)))),
    (re.compile(r"^accepts between (\d+) and (\d+) arg\(s\), received"),
     lambda m: ("cobra_range", int(m.group(1)), int(m.group(2)))),
]


def _arg_error(err: str) -> tuple[str, int, int] | None:
    for line in err.split("\n"):  # the legacy builder prints a notice first
        for pattern, build in _ARG_PATTERNS:
            m = pattern.search(line)
            if m:
                return build(m)
    return None


def probe_args(path: list[str], env: dict[str, str]) -> dict:
    """Work out the argument-count rule from the errors for 0 and for 30 arguments."""
    rules = [_arg_error(_docker(path, env)[1]),
             _arg_error(_docker([*path, *(f"zz{i}" for i in range(30))], env)[1])]
    for rule in rules:
        if rule:
            kind, lo, hi = rule
            return {"kind": kind, "min": lo, "max": hi}
    return {"kind": "any", "min": 0, "max": 0}


def main() -> int:
    help_env = _env(False, LAB_HOME)
    version = _docker(["version", "--format", "{{.Client.Version}}"], help_env)[0].strip()
    version_line = _docker(["--version"], help_env)[0].strip()
    with tempfile.TemporaryDirectory() as home:
        probe_env = _env(True, home)
        pages: dict[str, dict] = {}
        queue: list[list[str]] = [[]]
        while queue:
            path = queue.pop(0)
            key = " ".join(["docker", *path])
            if key in pages:
                continue
            out, err, code = _docker([*path, "--help"], help_env)
            if code != 0 or not out.startswith("Usage:"):
                print(f"skip {key}: {err.strip()[:80]}", file=sys.stderr)
                continue
            info = parse_help(out)
            info["help"] = out
            pages[key] = info
            queue.extend([*path, sub] for sub in info["subcommands"])
            if not path:
                queue.extend(EXTRA_PATHS)

        def finish(key: str) -> None:
            info = pages[key]
            path = key.split()[1:]
            if not path:
                return
            if info["subcommands"]:
                out, err, _ = _docker(path, probe_env)
                info["bare_help_stream"] = "stdout" if out.startswith("Usage:") else "stderr"
                out, err, _ = _docker([*path, "zz"], probe_env)
                info["unknown_sub"] = "help" if out.startswith("Usage:") else "error"
                return
            out, err, _ = _docker([*path, "zz", "--zzbad"], probe_env)
            info["interspersed"] = "unknown flag: --zzbad" in _first_error(err)
            visible = {f["long"] for f in info["flags"]}
            info["flags"].extend(probe_hidden(path, visible, probe_env))
            info["args"] = probe_args(path, probe_env)

        with ThreadPoolExecutor(max_workers=8) as pool:
            list(pool.map(finish, list(pages)))
    table = {"client_version": version, "version_line": version_line, "home": LAB_HOME,
             "commands": pages}
    OUT.write_text(json.dumps(table, indent=1, ensure_ascii=False, sort_keys=True) + "\n")
    print(f"wrote {OUT.name}: {len(pages)} command pages from docker {version}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
