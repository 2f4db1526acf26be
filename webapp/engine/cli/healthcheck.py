"""`docker run`/`create` health-check flags: `Config.Healthcheck` as docker/cli builds it
(cli/command/container/opts.go), with its checks and their words."""

from __future__ import annotations

from ..api import JSON
from .client_side import UsageError
from .gostrconv import parse_duration
from .parsed import ParsedCommand

#: The duration flags, the config field each sets, in the order the CLI checks them.
DURATIONS = (("health-interval", "Interval"), ("health-timeout", "Timeout"),
             ("health-start-period", "StartPeriod"), ("health-start-interval", "StartInterval"))
#: Flags the CLI only sends to a daemon of at least this API version (flag annotations).
MIN_API = {"health-start-interval": "1.44"}


def _duration(cmd: ParsedCommand, flag: str) -> int:
    text = cmd.text(flag)
    return parse_duration(text) if text else 0  # the parser has checked its syntax


def health_config(cmd: ParsedCommand) -> JSON | None:
    """The health check the flags ask for (None: the image's own), or UsageError as the CLI
    words it. `--no-healthcheck` sends `{"Test": ["NONE"]}`."""
    durations = {field: _duration(cmd, flag) for flag, field in DURATIONS}
    retries = int(str(cmd.get("health-retries", 0) or 0))
    probe = cmd.text("health-cmd") or ""
    have = bool(probe) or retries != 0 or any(durations.values())
    if cmd.flag("no-healthcheck"):
        if have:
            raise UsageError("--no-healthcheck conflicts with --health-* options")
        return {"Test": ["NONE"]}
    if not have:
        return None
    checks = (("health-interval", durations["Interval"]), ("health-timeout", durations["Timeout"]),
              ("health-retries", retries), ("health-start-period", durations["StartPeriod"]),
              ("health-start-interval", durations["StartInterval"]))
    for flag, value in checks:
        if value < 0:
            raise UsageError(f"--{flag} cannot be negative")
    config: JSON = {}  # the CLI's HealthConfig: every field `omitempty`
    if probe:
        config["Test"] = ["CMD-SHELL", probe]
    for field, value in durations.items():
        if value:
            config[field] = value
    if retries:
        config["Retries"] = retries
    return config


def api_version_problem(cmd: ParsedCommand, api_version: str) -> str | None:
    """What the CLI says before anything else when a flag needs a newer daemon API."""
    def parts(version: str) -> tuple[int, ...]:
        return tuple(int(p) for p in version.split(".") if p.isdigit())

    for flag, minimum in MIN_API.items():
        if cmd.given(flag) and api_version and parts(api_version) < parts(minimum):
            return (f'"--{flag}" requires API version {minimum}, but the Docker daemon API '
                    f"version is {api_version}")
    return None
