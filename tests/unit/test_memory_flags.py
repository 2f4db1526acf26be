"""`-m`/`--memory-swap` in the one CLI's create request, and the real-daemon sandbox's cap on them."""

from __future__ import annotations

import pytest

from webapp.engine.cli import parse_argv, split_line
from webapp.engine.cli.client_side import run_options
from webapp.engine.cli.commands.create import create_body
from webapp.engine.cli.values import ram_in_bytes
from webapp.engine.docker.policy import Policy, Scope, check_run, host_config


def body(line: str) -> dict:
    cmd = parse_argv(split_line(line)[1:])
    return create_body(cmd, run_options(cmd, cmd.command))["HostConfig"]


@pytest.mark.parametrize(("text", "size"), [
    ("8m", 8 << 20), ("8M", 8 << 20), ("8MiB", 8 << 20), ("1.5g", 3 << 29), ("6", 6), ("512k", 1 << 19),
    ("100b", 100), ("-1", -1),
])
def test_ram_in_bytes_as_go_units(text: str, size: int) -> None:
    assert ram_in_bytes(text) == size


def test_the_create_request_carries_memory_and_swap() -> None:
    host = body("docker run -m 8m --memory-swap 24m ubuntu:20.04 true")
    assert (host["Memory"], host["MemorySwap"]) == (8 << 20, 24 << 20)
    host = body("docker create --memory=1g --memory-swap=-1 ubuntu:20.04")
    assert (host["Memory"], host["MemorySwap"]) == (1 << 30, -1)
    host = body("docker run ubuntu:20.04 true")
    assert (host["Memory"], host["MemorySwap"]) == (0, 0)  # the daemon's default applies


def refusal(line: str, policy: Policy | None = None) -> str | None:
    found = check_run(parse_argv(split_line(line)[1:]), policy)
    return None if found is None else str(found)


def test_the_sandbox_allows_memory_within_its_cap() -> None:
    assert refusal("docker run -m 8m ubuntu:20.04 true") is None
    assert refusal("docker run -m 64m --memory-swap 128m ubuntu:20.04 true") is None
    assert refusal("docker run -m 4m ubuntu:20.04 true") is None  # the daemon's own error follows
    assert "at most 64 MiB" in (refusal("docker run -m 65m ubuntu:20.04 true") or "")
    assert "at most 8 MiB" in (refusal("docker run -m 9m ubuntu:20.04 true",
                                        Policy(memory=8 << 20)) or "")
    assert "unlimited swap" in (refusal("docker run -m 8m --memory-swap -1 ubuntu:20.04 true") or "")
    assert "together" in (refusal("docker run -m 8m --memory-swap 129m ubuntu:20.04 true") or "")
    assert "fixes every container's resources" in (
        refusal("docker run --memory-reservation 8m ubuntu:20.04 true") or "")


def test_the_sandbox_s_host_config_keeps_its_memory_unless_m_is_given() -> None:
    scope, policy = Scope("0123456789abcdef0123"), Policy()
    common = {"restart": "no", "retries": 0, "auto_remove": False, "init": None, "network": None}
    plain = host_config(policy, scope, **common)
    assert (plain["Memory"], plain["MemorySwap"]) == (64 << 20, 64 << 20)
    given = host_config(policy, scope, memory=8 << 20, **common)
    assert (given["Memory"], given["MemorySwap"]) == (8 << 20, 0)  # the daemon doubles it
    swap_only = host_config(policy, scope, memory_swap=16 << 20, **common)
    assert (swap_only["Memory"], swap_only["MemorySwap"]) == (0, 16 << 20)  # the daemon refuses
