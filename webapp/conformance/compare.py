"""Compare two transcripts of one scenario: the real daemon's (expected) and the simulator's (actual).

Normalisation (applied to both sides before comparing):
- container and exec IDs (64 hex), short IDs (12 hex; all digits where IDs stand: a line of their own
  or a table cell), image IDs and digests (`sha256:<hex>`) become
  numbered placeholders `<ID1>`, `<ID2>`, … in order of first appearance in the transcript (a short ID
  gets the number of the full ID it abbreviates), so two containers stay distinguishable;
- generated names (`adjective_surname`, as Docker's name generator makes them) become `<NAME1>`, …;
- human durations (`Less than a second`, `5 seconds`, `About a minute`, …) become `<DURATION>`;
- timestamps (RFC 3339, Docker's `CreatedAt`, and the log formats of the catalogue's servers) become
  `<TIME>`; Unix times become `<EPOCH>`;
- IPv4 addresses other than 0.0.0.0 and 127.x become `<IP>`; sizes (`1.98MB`, `13.3kB`) become `<SIZE>`;
- in `docker top` tables, the PID, PPID, C, STIME and TIME columns become placeholders, and a
  shell's `-c` string loses a last line `exit` (shown as ` exit`): the look-alike of a shell that
  forks its last command (dash before 0.5.11, bash before 5.1) appends it (lookalike.shell_file);
- where a placeholder replaced text of varying width in a table, column padding (runs of 2+ spaces)
  is collapsed to three spaces and trailing spaces are dropped.

Per step, compared: the exit status; stdout (exactly, after normalisation); stderr loosely (both empty
or both non-empty: error wordings differ between Docker versions); for `docker build` steps also the
build's output (`build_output`): the lines the build's steps printed, as BuildKit's plain progress
shows them on stderr (`#7 0.145 hi` -> `hi`), in order — the progress itself (step numbers, vertex
names, `DONE 0.1s`, `CACHED`, digests) is not compared, since it differs in timings, digests and
the order BuildKit happens to finish its internal steps in; each container's event sequence
as (action, exitCode, signal), with a `stop` directly before its `die` reordered to `die, stop`
(the engine does not order them) and a `health_status` directly before an `exec_die` reordered
to `exec_die, health_status` (the daemon races a timed-out probe's end with its verdict); the states (every key of every container). Steps marked
`"timing": true` compare their states only.

The allow-list is data: entries `{"scenario": glob, "step": index or "*", "field": glob,
"reason": "..."}` where field is `stdout`, `stderr`, `exit`, `events`, `states.<name>.<key>` (or
`events.<name>`, `states.<name>` for a container present on one side only), and optionally
`"cmd": glob`, matched against the step's command line (generated scenarios, whose step indexes mean
nothing, are allow-listed by command). A difference is tolerated only when an entry matches it; every
entry must give a reason.
"""

from __future__ import annotations

import difflib
import fnmatch
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

# --------------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------------

# moby/moby names-generator adjectives
_ADJECTIVES = (
    "admiring adoring affectionate agitated amazing angry awesome beautiful blissful bold boring "
    "brave busy charming clever compassionate competent condescending confident cool cranky crazy "
    "dazzling determined distracted dreamy eager ecstatic elastic elated elegant eloquent epic "
    "exciting fervent festive flamboyant focused friendly frosty funny gallant gifted goofy gracious "
    "great happy hardcore heuristic hopeful hungry infallible inspiring intelligent interesting "
    "jolly jovial keen kind laughing loving lucid magical modest musing mystifying naughty nervous "
    "nice nifty nostalgic objective optimistic peaceful pedantic pensive practical priceless quirky "
    "quizzical recursing relaxed reverent romantic sad serene sharp silly sleepy stoic strange "
    "stupefied suspicious sweet tender thirsty trusting unruffled upbeat vibrant vigilant vigorous "
    "wizardly wonderful xenodochial youthful zealous zen"
)
ADJECTIVES = tuple(_ADJECTIVES.split())

NAME_RE = re.compile(r"\b(?:" + "|".join(ADJECTIVES) + r")_[a-z]+[0-9]?\b")
SHA_RE = re.compile(r"sha256:([0-9a-f]{64}|[0-9a-f]{12})\b")
HEX64_RE = re.compile(r"(?<![0-9a-zA-Z])[0-9a-f]{64}(?![0-9a-zA-Z])")
HEX12_RE = re.compile(r"(?<![0-9a-zA-Z])(?=[0-9]*[a-f])[0-9a-f]{12}(?![0-9a-zA-Z])")
# A short ID may be all digits (one in 280 is: with a few dozen images in a transcript, often
# enough to fail a run now and then). Twelve digits are taken for one where IDs stand: a line of
# their own (`-q`) or a table cell (two spaces or more around it); elsewhere they are a number.
DIGITS12 = r"(?:^|(?<=  ))[0-9]{12}(?=  |$)"
SHORT_ID_RE = re.compile(HEX12_RE.pattern + "|" + DIGITS12, re.MULTILINE)  # one pass: in order
DURATION_RE = re.compile(
    r"\b(?:Less than a second|About a minute|About an hour|1 second|"
    r"\d+ (?:seconds|minutes|hours|days|weeks|months|years))\b")
TIME_RES = [
    # 2026-11-22T11:36:53.123456789Z, 2026-11-22 11:36:53+00:00, Docker CreatedAt
    re.compile(r"\b\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?"
               r"(?: ?(?:Z|[+-]\d{2}:?\d{2})(?: [A-Z]{2,5})?)?"),
    re.compile(r"\b\d{4}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\b"),  # nginx
    re.compile(r"\b\d{2}/\d{2}/\d{2} \d{2}:\d{2}:\d{2}\b"),  # log4j (spark)
    # httpd: Sun Nov 22 11:36:08.520000 2026; date(1): Sun Nov 22 11:36:08 UTC 2026
    re.compile(r"\b[A-Z][a-z]{2} [A-Z][a-z]{2} [ \d]\d \d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [A-Z]{2,5})? "
               r"\d{4}\b"),
    re.compile(r"\b\d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2}(?:\.\d+)?\b"),  # redis
]
EPOCH_RE = re.compile(r"\b1[6-9]\d{8}\b")
IP_RE = re.compile(r"(?<![\d.])(?!0\.0\.0\.0\b|127\.)(?:\d{1,3}\.){3}\d{1,3}(?!\d|\.\d)")
SIZE_RE = re.compile(r"(?<![\w.])\d+(?:\.\d+)?(?:B|kB|MB|GB|TB)\b")
TOP_HEADER = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]
PADDING_RE = re.compile(r" {2,}")


class Normaliser:
    """Stateful per transcript: numbers IDs and generated names in order of first appearance."""

    def __init__(self) -> None:
        self.ids: dict[str, int] = {}  # 12-hex prefix -> number
        self.names: dict[str, int] = {}

    def _id(self, hexid: str) -> str:
        key = hexid[:12]
        if key not in self.ids:
            self.ids[key] = len(self.ids) + 1
        return f"<ID{self.ids[key]}>"

    def _name(self, name: str) -> str:
        if name not in self.names:
            self.names[name] = len(self.names) + 1
        return f"<NAME{self.names[name]}>"

    def name(self, name: str) -> str:
        return NAME_RE.sub(lambda m: self._name(m.group(0)), name)

    def text(self, text: str) -> str:
        if not text:
            return text
        is_top = _is_top(text)
        if is_top:
            text = _normalise_top(text)
        text = SHA_RE.sub(lambda m: "sha256:" + self._id(m.group(1)), text)
        text = HEX64_RE.sub(lambda m: self._id(m.group(0)), text)
        text = SHORT_ID_RE.sub(lambda m: self._id(m.group(0)), text)
        fixed_width = text
        text = NAME_RE.sub(lambda m: self._name(m.group(0)), text)
        for pattern in TIME_RES:
            text = pattern.sub("<TIME>", text)
        text = EPOCH_RE.sub("<EPOCH>", text)
        text = DURATION_RE.sub("<DURATION>", text)
        text = IP_RE.sub("<IP>", text)
        text = SIZE_RE.sub("<SIZE>", text)
        if is_top or text != fixed_width:
            # placeholders replaced text of varying width: table padding is no longer comparable
            text = "\n".join(PADDING_RE.sub("   ", line).rstrip(" ") for line in text.split("\n"))
        return text

    def value(self, value: object) -> object:
        if isinstance(value, str):
            return self.text(value)
        if isinstance(value, list):
            return [self.value(v) for v in value]
        if isinstance(value, dict):
            return {self.name(k): self.value(v) for k, v in value.items()}
        return value


#: A shell's `-c` command line in `docker top` with the look-alike's appended `exit` line.
FORK_MARK_RE = re.compile(r"^(\S*sh -c .*?)\s+exit$")


def _is_top(text: str) -> bool:
    first = text.split("\n", 1)[0].split()
    return first == TOP_HEADER


def _normalise_top(text: str) -> str:
    """Placeholders for the host-specific columns of a `docker top` table."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        cells = line.split(None, 7)
        if len(cells) == 8:
            cells[1:5] = ["<PID>", "<PPID>", "<C>", "<STIME>"]
            cells[6] = "<CPUTIME>"
            cells[7] = FORK_MARK_RE.sub(r"\1", cells[7])
        out.append("   ".join(cells))
    return "\n".join(out)


def normalise(transcript: dict) -> dict:
    """A normalised copy of a transcript (see the module docstring)."""
    norm = Normaliser()
    steps = []
    for step in transcript.get("steps", []):
        out = dict(step)
        out["stdout"] = norm.text(step.get("stdout") or "")
        stderr = step.get("stderr") or ""
        if is_build(step.get("cmd", "")):
            # BuildKit 0.8 (Docker 20.10) prints each step's digest (`#3 sha256:…`), later ones
            # do not: dropped, so the IDs the transcript shows keep their numbers
            stderr = VERTEX_DIGEST_RE.sub("", stderr)
        out["stderr"] = norm.text(stderr)
        events = []
        for event in step.get("events") or []:
            if event.get("type", "container") != "container":
                continue
            events.append({
                "type": "container",
                "action": norm.text(event.get("action", "")),
                "name": norm.name(event.get("name", "")),
                "attrs": {k: (norm.name(v) if k in ("name", "oldName") else norm.text(v))
                          for k, v in (event.get("attrs") or {}).items()},
            })
        out["events"] = events
        out["states"] = {norm.name(name): norm.value(state)
                         for name, state in (step.get("states") or {}).items()}
        steps.append(out)
    return {"name": transcript.get("name", ""), "steps": steps}


BUILD_LOG_RE = re.compile(r"^#\d+ \d+\.\d+ (.*)$")
VERTEX_DIGEST_RE = re.compile(r"^#\d+ sha256:[0-9a-f]{64}\n", re.MULTILINE)


def is_build(cmd: str) -> bool:
    words = cmd.split()
    return len(words) > 1 and (words[1] == "build" or words[1:3] in (["image", "build"],
                                                                      ["buildx", "build"]))


def build_output(stderr: str) -> list[str]:
    """What a build's steps printed, from BuildKit's plain progress (`#N <seconds> <text>`)."""
    return [m.group(1) for line in stderr.splitlines() if (m := BUILD_LOG_RE.match(line))]


def event_sequences(events: list[dict]) -> dict[str, list[tuple[str, str | None, str | None]]]:
    """Per container: its events as (action, exitCode, signal), network events ignored."""
    seqs: dict[str, list[tuple[str, str | None, str | None]]] = {}
    for event in events:
        if event.get("type", "container") != "container":
            continue
        attrs = event.get("attrs") or {}
        name = event.get("name") or attrs.get("name", "")
        seqs.setdefault(name, []).append(
            (event.get("action", ""), attrs.get("exitCode"), attrs.get("signal")))
    for seq in seqs.values():
        for i in range(len(seq) - 1):
            pair = (seq[i][0].split(":")[0], seq[i + 1][0])
            if pair in (("stop", "die"), ("health_status", "exec_die")):
                seq[i], seq[i + 1] = seq[i + 1], seq[i]
    return seqs


# --------------------------------------------------------------------------------------------------
# Allow-list
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Allowance:
    scenario: str
    step: int | str
    field: str
    reason: str
    cmd: str = "*"

    def matches(self, scenario: str, step: int, field_name: str, cmd: str = "") -> bool:
        if not fnmatch.fnmatchcase(scenario, self.scenario):
            return False
        if self.step != "*" and self.step != step:
            return False
        if self.cmd != "*" and not fnmatch.fnmatchcase(cmd, self.cmd):
            return False
        return fnmatch.fnmatchcase(field_name, self.field)


def parse_allowlist(entries: list[dict]) -> list[Allowance]:
    out = []
    for index, entry in enumerate(entries):
        missing = {"scenario", "step", "field", "reason"} - set(entry)
        if missing:
            raise ValueError(f"allow-list entry {index} lacks {sorted(missing)}: {entry}")
        if not str(entry["reason"]).strip():
            raise ValueError(f"allow-list entry {index} has no reason: {entry}")
        step = entry["step"]
        if step != "*" and not isinstance(step, int):
            raise ValueError(f"allow-list entry {index}: step is an index or \"*\": {entry}")
        out.append(Allowance(entry["scenario"], step, entry["field"], entry["reason"],
                             str(entry.get("cmd", "*"))))
    return out


def load_allowlist(path: str | Path) -> list[dict]:
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = data["allow"] if isinstance(data, dict) else data
    parse_allowlist(entries)
    return entries


# --------------------------------------------------------------------------------------------------
# Comparison
# --------------------------------------------------------------------------------------------------


@dataclass
class Difference:
    scenario: str
    step: int
    cmd: str
    field: str
    expected: object
    actual: object
    reason: str | None = None  # set when an allow-list entry tolerates it

    def __str__(self) -> str:
        where = f"{self.scenario} step {self.step} `{self.cmd}` {self.field}"
        if (isinstance(self.expected, str) and isinstance(self.actual, str)
                and ("\n" in self.expected.rstrip("\n") or "\n" in self.actual.rstrip("\n"))):
            diff = difflib.unified_diff(self.expected.splitlines(), self.actual.splitlines(),
                                        "expected (docker)", "actual (simulator)", lineterm="")
            text = f"{where}:\n    " + "\n    ".join(diff)
        else:
            text = f"{where}: expected {self.expected!r}, actual {self.actual!r}"
        if self.reason:
            text += f"  [allowed: {self.reason}]"
        return text


@dataclass
class Report:
    scenario: str
    compared: int = 0
    raw: list[Difference] = field(default_factory=list)  # every difference, tolerated or not

    @property
    def differences(self) -> list[str]:
        """The differences no allow-list entry tolerates, as readable strings."""
        return [str(d) for d in self.raw if d.reason is None]

    @property
    def tolerated(self) -> list[str]:
        return [str(d) for d in self.raw if d.reason is not None]

    @property
    def match_rate(self) -> float:
        """Share of compared items (exit, stdout, stderr, events, state keys) that are equal."""
        if not self.compared:
            return 1.0
        return (self.compared - len(self.raw)) / self.compared

    @property
    def ok(self) -> bool:
        return not self.differences

    def summary(self) -> str:
        head = (f"{self.scenario}: match rate {self.match_rate:.1%} over {self.compared} items, "
                f"{len(self.differences)} difference(s), {len(self.tolerated)} allowed")
        lines = [head]
        lines += ["  " + d.replace("\n", "\n  ") for d in self.differences]
        return "\n".join(lines)


def compare(expected: dict, actual: dict, allow: list[dict] | None = None) -> Report:
    """Compare the real transcript `expected` with the simulator's `actual`."""
    allowances = parse_allowlist(allow or [])
    name = expected.get("name") or actual.get("name") or ""
    report = Report(name)
    exp, act = normalise(expected), normalise(actual)

    def check(index: int, cmd: str, field_name: str, e: object, a: object) -> None:
        report.compared += 1
        if e == a:
            return
        reason = next((al.reason for al in allowances if al.matches(name, index, field_name, cmd)),
                      None)
        report.raw.append(Difference(name, index, cmd, field_name, e, a, reason))

    exp_steps, act_steps = exp["steps"], act["steps"]
    if len(exp_steps) != len(act_steps):
        check(-1, "", "steps", len(exp_steps), len(act_steps))
    for index, (es, as_) in enumerate(zip(exp_steps, act_steps, strict=False)):
        cmd = es.get("cmd", "")
        if cmd != as_.get("cmd", ""):
            check(index, cmd, "cmd", cmd, as_.get("cmd", ""))
            continue
        timing = bool(es.get("timing") or as_.get("timing"))
        if not timing:
            check(index, cmd, "exit", es.get("exit"), as_.get("exit"))
            check(index, cmd, "stdout", es.get("stdout", ""), as_.get("stdout", ""))
            e_err, a_err = es.get("stderr", ""), as_.get("stderr", "")
            if bool(e_err.strip()) == bool(a_err.strip()):
                report.compared += 1  # loosely equal: error wordings differ between versions
            else:
                check(index, cmd, "stderr", e_err, a_err)
            if is_build(cmd):
                check(index, cmd, "build_output", build_output(e_err), build_output(a_err))
            e_seq, a_seq = event_sequences(es["events"]), event_sequences(as_["events"])
            if e_seq != a_seq:
                for cname in sorted(set(e_seq) | set(a_seq)):
                    if cname in e_seq and cname in a_seq:
                        check(index, cmd, "events", {cname: e_seq[cname]}, {cname: a_seq[cname]})
                    else:
                        check(index, cmd, f"events.{cname}", e_seq.get(cname), a_seq.get(cname))
            else:
                report.compared += 1
        e_states, a_states = es["states"], as_["states"]
        for cname in sorted(set(e_states) | set(a_states)):
            if cname not in e_states or cname not in a_states:
                check(index, cmd, f"states.{cname}", "present" if cname in e_states else "absent",
                      "present" if cname in a_states else "absent")
                continue
            keys = sorted(set(e_states[cname]) | set(a_states[cname]))
            for key in keys:
                check(index, cmd, f"states.{cname}.{key}", e_states[cname].get(key),
                      a_states[cname].get(key))
    return report
