"""Human-readable sizes, exactly as docker/go-units ``HumanSizeWithPrecision`` prints them.

Decimal units (1 kB = 1000 B), Go ``%.*g`` formatting and no space before the unit, so values
just under a unit boundary keep Go's quirk: 999,600 bytes print as ``1e+03kB``.
"""

from __future__ import annotations

_DECIMAL_UNITS = ("B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB")
_BINARY_UNITS = ("B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB")


def _scale(size: float, base: float, units: tuple[str, ...]) -> tuple[float, str]:
    """Divide by ``base`` until the value drops below it (or the units run out)."""
    i = 0
    while size >= base and i < len(units) - 1:
        size /= base
        i += 1
    return size, units[i]


def human_size_with_precision(n: float, precision: int) -> str:
    """``HumanSizeWithPrecision``: Go ``%.<precision>g`` plus a decimal unit."""
    size, unit = _scale(float(n), 1000.0, _DECIMAL_UNITS)
    # Python's %g follows the same rules as Go's %g for a given precision
    # (shortest digits, trailing zeros removed, e+XX with at least two digits).
    return f"{size:.{precision}g}{unit}"


def human_size(n: float) -> str:
    """``HumanSizeWithPrecision(n, 3)``: what ``docker ps -s`` and ``docker images`` show."""
    return human_size_with_precision(n, 3)


def bytes_size(n: float) -> str:
    """``units.BytesSize``: binary units with ``%.4g`` (used by a few other docker commands)."""
    size, unit = _scale(float(n), 1024.0, _BINARY_UNITS)
    return f"{size:.4g}{unit}"
