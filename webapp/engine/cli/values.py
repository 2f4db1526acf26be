"""Flag value types: how each pflag/docker value type parses a string, and its error text.

`convert()` returns the value to store; a ValueError's text is what pflag prints after
`invalid argument "<v>" for "<flag>" flag: `.  Validators the docker CLI attaches to list flags
(`-e`, `-a`, `--label`, `--dns`, ...) live here too, because their errors are flag errors (exit 125).
"""

from __future__ import annotations

import csv
import ipaddress
import re
from fractions import Fraction

from .gostrconv import (
    GoError,
    parse_bool,
    parse_duration,
    parse_float,
    parse_int,
    parse_uint,
    quote,
)

# Types whose flag may be given many times, each value kept (stored as list[str]).
REPEATABLE_TYPES = frozenset({
    "list", "map", "filter", "mount", "ulimit", "network", "gpu-request", "stringArray", "strings",
    "stringToString", "external-ca", "command", "pref", "port", "config", "secret",
    "credential-spec", "node-addr", "ipNetSlice", "pem-file",
})
INT_BITS = {"int": 64, "int8": 8, "int16": 16, "int32": 32, "int64": 64}
UINT_BITS = {"uint": 64, "uint8": 8, "uint16": 16, "uint32": 32, "uint64": 64}


def is_repeatable(ftype: str) -> bool:
    return ftype in REPEATABLE_TYPES


def ram_in_bytes(value: str) -> int:
    """The bytes `-m`/`--memory-swap` mean (`--memory-swap -1`: unlimited swap, -1)."""
    return -1 if value == "-1" else _bytes(value)


def _bytes(value: str) -> int:
    """docker/go-units RAMInBytes (v0.5.0), used by `-m`, `--shm-size`, ..."""
    sep = max(value.rfind(c) for c in "01234567890. ")
    if sep == -1:
        raise ValueError(f"invalid size: '{value}'")
    if value[sep] != " ":
        num, sfx = value[:sep + 1], value[sep + 1:]
    else:
        num, sfx = value[:sep], value[sep + 1:]
    size = parse_float(num)
    if size < 0:
        raise ValueError(f"invalid size: '{value}'")
    if not sfx:
        return int(size)
    if len(sfx.encode("utf-8", "surrogatepass")) > 3:  # Go measures bytes
        raise ValueError(f"invalid suffix: '{sfx}'")
    low = sfx.lower()
    if low[0] == "b":
        if len(low) > 1:
            raise ValueError(f"invalid suffix: '{low}'")
        return int(size)
    if low[0] not in "kmgtp" or (len(low) == 2 and low[1] != "b") or (
            len(low) == 3 and low[1:] != "ib"):
        raise ValueError(f"invalid suffix: '{low}'")
    return int(size * 1024 ** ("kmgtp".index(low[0]) + 1))


_RAT_DEC = re.compile(r"[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?")
_RAT_FRAC = re.compile(r"[+-]?\d+/\d+")


def _decimal(value: str) -> None:
    """docker/cli opts.ParseCPUs (big.Rat), used by `--cpus`."""
    if not (_RAT_DEC.fullmatch(value) or _RAT_FRAC.fullmatch(value) and
            not re.fullmatch(r"[+-]?\d+/0+", value)):
        raise ValueError(f"failed to parse {value} as a rational number")
    if not (Fraction(value) * 1_000_000_000).denominator == 1:
        raise ValueError("value is too precise")


def _ip_ok(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True


def _validate_attach(value: str) -> str:
    low = value.lower()
    if low in ("stdin", "stdout", "stderr"):
        return low
    raise ValueError("valid streams are STDIN, STDOUT and STDERR")


def _validate_env(value: str) -> str:
    if value.split("=", 1)[0] == "":
        raise ValueError("invalid environment variable: " + value)
    return value


def _validate_label(value: str) -> str:
    if value.split("=", 1)[0].strip() == "":
        raise ValueError(f"invalid label '{value}': empty name")
    return value


def _validate_ip(value: str) -> str:
    if not _ip_ok(value.strip()):
        raise ValueError(f"IP address is not correctly formatted: {value}")
    return value.strip()


def _validate_extra_host(value: str) -> str:
    key, sep, addr = value.partition("=")
    if not sep:
        key, sep, addr = value.partition(":")
    if not sep or not key or ":" in key:
        raise ValueError(f"bad format for add-host: {quote(value)}")
    if addr != "host-gateway":
        if len(addr) > 2 and addr[0] == "[" and addr[-1] == "]":
            addr = addr[1:-1]
        if not _ip_ok(addr.strip()):
            raise ValueError(f"invalid IP address in add-host: {quote(addr)}")
    return f"{key}:{addr}"


def _validate_link(value: str) -> str:
    if value == "":
        raise ValueError("empty string specified for links")
    if value.count(":") > 1:
        raise ValueError("bad format for links: " + value)
    return value


_DOMAIN = re.compile(r"(:?(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9]))"
                     r"(:?\.(:?[a-zA-Z0-9]|(:?[a-zA-Z0-9][a-zA-Z0-9\-]*[a-zA-Z0-9])))*)\.?")


def _validate_dns_search(value: str) -> str:
    value = value.strip(" ")
    if value == ".":
        return value
    m = _DOMAIN.fullmatch(value)
    if not re.search(r"[a-zA-Z]", value) or not m or len(m.group(1)) >= 255:
        raise ValueError(f"{value} is not a valid domain")
    return m.group(1)


_CGROUP_RULE = re.compile(r"[acb] ([0-9]+|\*):([0-9]+|\*) [rwm]{1,3}")


def _validate_cgroup_rule(value: str) -> str:
    if not _CGROUP_RULE.fullmatch(value):
        raise ValueError(f"invalid device cgroup format '{value}'")
    return value


_SYSCTLS = {"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem", "kernel.shmall",
            "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced"}


def _validate_sysctl(value: str) -> str:
    parts = value.split("=")
    if len(parts) >= 2 and (parts[0] in _SYSCTLS or parts[0].startswith(("net.", "fs.mqueue."))):
        return value
    raise ValueError(f"sysctl '{value}' is not allowed")


# Validators docker/cli attaches to list/map flags, by flag name.
LIST_VALIDATORS = {
    "attach": _validate_attach, "env": _validate_env, "label": _validate_label,
    "dns": _validate_ip, "add-host": _validate_extra_host, "link": _validate_link,
    "dns-search": _validate_dns_search, "device-cgroup-rule": _validate_cgroup_rule,
    "sysctl": _validate_sysctl,
}


def convert(name: str, ftype: str, value: str, current: object) -> object:
    """Parse `value` for flag `name` of pflag type `ftype`; return the new stored value."""
    try:
        if ftype == "bool":
            return parse_bool(value)
        if ftype in INT_BITS:
            return parse_int(value, INT_BITS[ftype])
        if ftype in UINT_BITS:
            return parse_uint(value, UINT_BITS[ftype])
        if ftype in ("float", "float32", "float64"):
            return parse_float(value)
        if ftype == "duration":
            parse_duration(value)
            return value
        if ftype == "bytes":
            if not (name == "memory-swap" and value == "-1"):
                _bytes(value)
            return value
        if ftype == "decimal":
            _decimal(value)
            return value
    except GoError as err:
        raise ValueError(str(err)) from None
    if not is_repeatable(ftype):
        return value
    items = list(current) if isinstance(current, list) else []
    if ftype == "filter":
        if value == "":
            return items
        if "=" not in value:
            raise ValueError("bad format of filter (expected name=value)")
        return [*items, value]
    if ftype == "strings":
        try:
            return [*items, *next(csv.reader([value]), [])]
        except csv.Error:
            return [*items, value]
    validator = LIST_VALIDATORS.get(name)
    return [*items, validator(value) if validator else value]
