"""Linux signal numbers and names, and how Docker parses a signal argument."""

from __future__ import annotations

SIGNALS: dict[str, int] = {
    "HUP": 1, "INT": 2, "QUIT": 3, "ILL": 4, "TRAP": 5, "ABRT": 6, "IOT": 6, "BUS": 7, "FPE": 8,
    "KILL": 9, "USR1": 10, "SEGV": 11, "USR2": 12, "PIPE": 13, "ALRM": 14, "TERM": 15,
    "STKFLT": 16, "CHLD": 17, "CONT": 18, "STOP": 19, "TSTP": 20, "TTIN": 21, "TTOU": 22,
    "URG": 23, "XCPU": 24, "XFSZ": 25, "VTALRM": 26, "PROF": 27, "WINCH": 28, "IO": 29,
    "POLL": 29, "PWR": 30, "SYS": 31,
}
NAMES: dict[int, str] = {}
for _name, _num in SIGNALS.items():
    NAMES.setdefault(_num, _name)

SIGHUP, SIGINT, SIGQUIT, SIGKILL, SIGTERM, SIGWINCH = 1, 2, 3, 9, 15, 28
SIGSTOP = 19

# Signals whose default action is to do nothing (or to stop/continue, which we treat alike).
DEFAULT_IGNORED = frozenset({17, 18, 19, 20, 21, 22, 23, 28})


class InvalidSignal(ValueError):
    pass


def parse_signal(text: str) -> int:
    """Parse `TERM`, `SIGTERM`, `sigterm` or `15` as Docker does (`signal.ParseSignal`)."""
    raw = text.strip()
    if raw.isdigit():
        num = int(raw)
        if num == 0 or num > 64:
            raise InvalidSignal(f"Invalid signal: {text}")
        return num
    name = raw.upper().removeprefix("SIG")
    if name in SIGNALS:
        return SIGNALS[name]
    if name.startswith(("RTMIN", "RTMAX")):
        base, _, off = name.partition("+") if "+" in name else name.partition("-")
        try:
            offset = int(off) if off else 0
        except ValueError:
            raise InvalidSignal(f"Invalid signal: {text}") from None
        num = 34 + offset if base == "RTMIN" else 64 - offset
        if 34 <= num <= 64:
            return num
    raise InvalidSignal(f"Invalid signal: {text}")


def signal_name(num: int) -> str:
    return "SIG" + NAMES.get(num, str(num))

# Signals tini does not forward (it reaps children on SIGCHLD itself; SIGSTOP cannot be caught).
SIGCHLD_LIKE = frozenset({17, 19})
