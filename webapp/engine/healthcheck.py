"""Health-check configuration as the Engine API carries it (`Config.Healthcheck`), shared by the
docker CLI, the simulator and the sandbox policy.

A `HealthConfig` is Docker's JSON: `Test` (`["CMD-SHELL", "cmd"]`, `["CMD", ...]` or `["NONE"]`)
and durations in nanoseconds (`Interval`, `Timeout`, `StartPeriod`, `StartInterval`), plus
`Retries`; zero or absent means the daemon's default. The sandbox adds one rule of its own: probes
may not run more often than once a second, so a learner's `--health-interval 1ms` cannot turn the
server into a probe loop. Both engines refuse it with the same words (`probe_rate_refusal`).
"""

from __future__ import annotations

from typing import Any

NANOS = 1_000_000_000
#: The shortest interval between probes the sandbox allows (Docker's own minimum is 1ms).
MIN_PROBE_INTERVAL = 1 * NANOS
#: The field of the config and the flag that sets it.
RATE_FIELDS = (("Interval", "health-interval"), ("StartInterval", "health-start-interval"))


def go_duration(ns: int) -> str:
    """Go's time.Duration.String(), e.g. `1m30s`, `500ms`."""
    from .formats.gofmt import go_duration as fmt

    return fmt(ns)


def probe_rate_refusal(config: Any) -> str | None:
    """Why the sandbox refuses this health-check config (probes too often), or None."""
    if not isinstance(config, dict):
        return None
    for key, flag in RATE_FIELDS:
        value = config.get(key) or 0
        if isinstance(value, int) and 0 < value < MIN_PROBE_INTERVAL:
            return (f"--{flag} {go_duration(value)} is too short for this sandbox: health checks "
                    f"may run at most once every {go_duration(MIN_PROBE_INTERVAL)}")
    return None


def merge_with_image(user: dict[str, Any] | None,
                     image: dict[str, Any] | None) -> dict[str, Any] | None:
    """The container's health check from its own and its image's (moby daemon/commit.go merge):
    the container's fields win, its empty ones come from the image."""
    if image is None:
        return None if user is None else dict(user)
    if user is None:
        return dict(image)
    merged = dict(user)
    for key in ("Test", "Interval", "Timeout", "StartPeriod", "StartInterval", "Retries"):
        if not merged.get(key) and image.get(key):
            merged[key] = image[key]
    return merged


def probe_command(config: dict[str, Any] | None) -> list[str] | None:
    """The argv a probe runs, or None when no probe is configured (moby getProbe): CMD-SHELL runs
    its command through `/bin/sh -c`, CMD as given; NONE, an empty or unknown test: no probe."""
    if not config:
        return None
    test = list(config.get("Test") or [])
    if not test or len(test) < 2:
        return None
    if test[0] == "CMD-SHELL":
        return ["/bin/sh", "-c", *test[1:]]
    if test[0] == "CMD":
        return test[1:]
    return None
