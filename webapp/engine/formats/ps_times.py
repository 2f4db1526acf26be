"""Relative-time strings of `docker ps` (CREATED "5 minutes ago", STATUS "Up 2 seconds"), kept
until the clock moves them.

``human_duration`` depends only on the elapsed time in whole nanoseconds, and its text stays the
same for a whole second, minute or half hour. :func:`duration_window` gives that span, so a
listing that runs many times a second formats each relative time once per change instead of on
every call.
"""

from __future__ import annotations

from typing import NamedTuple

from .durations import _to_nanoseconds, human_duration

_SECOND = 1_000_000_000
_MINUTE = 60 * _SECOND
_HOUR = 60 * _MINUTE
_HALF_HOUR = _HOUR // 2
# Hours are computed in floating point (see human_duration); keep clear of the exact points
# where the rounding could go either way. Within a millisecond of one, nothing is reused.
_MARGIN = 1_000_000
# Past about a million hours the float's precision is too coarse for the margin above.
_MAX_WHOLE_HOURS = 1 << 20
_FAR_PAST = -(1 << 63)


def duration_window(d: int) -> tuple[int, int]:
    """``[lo, hi)``: the elapsed nanoseconds around ``d`` for which human_duration prints the same.

    Spans may be shorter than the real ones (never longer): a shorter span only costs a recompute.
    """
    if d < _SECOND:
        return _FAR_PAST, _SECOND  # "Less than a second", negative durations included
    if d < _MINUTE:
        lo = d - d % _SECOND
        return lo, lo + _SECOND
    if d < _HOUR:
        lo = d - d % _MINUTE
        return lo, lo + _MINUTE
    whole, rest = divmod(d, _HOUR)
    base = d - rest
    if whole < _MAX_WHOLE_HOURS:
        # Hours round half up; years truncate whole hours. Both are constant on each half.
        if _MARGIN <= rest < _HALF_HOUR - _MARGIN:
            return base + _MARGIN, base + _HALF_HOUR - _MARGIN
        if _HALF_HOUR + _MARGIN <= rest < _HOUR - _MARGIN:
            return base + _HALF_HOUR + _MARGIN, base + _HOUR - _MARGIN
    return d, d + 1


class Relative(NamedTuple):
    """A rendered relative time: ``text`` holds while the elapsed nanoseconds are in [lo, hi)
    and the caller's ``key`` (what else the text was built from) is unchanged."""

    key: object
    lo: int
    hi: int
    text: str


def relative(key: object, seconds: float, cached: Relative | None, head: str = "",
             tail: str = "") -> Relative:
    """``head + human_duration(seconds) + tail``, reusing ``cached`` while it still holds.

    The result is immutable, so a cache slot can be replaced in one assignment even when several
    threads render the same row.
    """
    d = _to_nanoseconds(seconds)
    if cached is not None and cached.lo <= d < cached.hi and cached.key == key:
        return cached
    lo, hi = duration_window(d)
    return Relative(key, lo, hi, head + human_duration(seconds) + tail)
