"""Human-readable durations, exactly as docker/go-units v0.5.0 ``HumanDuration`` prints them.

The CLI uses this for the ps CREATED column and the images CREATED column; the daemon uses it
inside STATUS strings (``Up 2 minutes``). Go truncates seconds and minutes but rounds hours half
up, so 90 minutes is already ``2 hours`` while 89 minutes is ``About an hour``.
"""

from __future__ import annotations

_NS_PER_SECOND = 1_000_000_000
_NS_PER_MINUTE = 60 * _NS_PER_SECOND
_NS_PER_HOUR = 60 * _NS_PER_MINUTE


def _to_nanoseconds(seconds: float) -> int:
    """Go measures in integer nanoseconds; round the float once so 60.0 stays 60 s."""
    return round(seconds * _NS_PER_SECOND)


def _trunc_div(a: int, b: int) -> int:
    """Integer division truncating toward zero, like Go's int() of a float quotient."""
    q = abs(a) // b
    return q if a >= 0 else -q


def human_duration(seconds: float) -> str:
    """Format a duration given in seconds the way ``units.HumanDuration`` does."""
    d = _to_nanoseconds(seconds)
    secs = _trunc_div(d, _NS_PER_SECOND)
    if secs < 1:
        return "Less than a second"
    if secs == 1:
        return "1 second"
    if secs < 60:
        return f"{secs} seconds"
    minutes = _trunc_div(d, _NS_PER_MINUTE)
    if minutes == 1:
        return "About a minute"
    if minutes < 60:
        return f"{minutes} minutes"
    # time.Duration.Hours(): whole hours plus the remainder as a float, then +0.5 and int().
    whole, rest = divmod(d, _NS_PER_HOUR)
    hours = int(float(whole) + float(rest) / (60 * 60 * 1e9) + 0.5)
    if hours == 1:
        return "About an hour"
    if hours < 48:
        return f"{hours} hours"
    if hours < 24 * 7 * 2:
        return f"{hours // 24} days"
    if hours < 24 * 30 * 2:
        return f"{hours // 24 // 7} weeks"
    if hours < 24 * 365 * 2:
        return f"{hours // 24 // 30} months"
    return f"{int(float(whole) + float(rest) / (60 * 60 * 1e9)) // 24 // 365} years"
