"""The health-check flags as docker/cli reads them (cli/command/container/opts.go), the sandbox's
rule on probe rates, and the image/container merge of moby's daemon/commit.go."""

from __future__ import annotations

import pytest

from webapp.engine.cli import parse_argv, split_line
from webapp.engine.cli.client_side import UsageError
from webapp.engine.cli.healthcheck import api_version_problem, health_config
from webapp.engine.docker.policy import RUN_FLAGS, check_run
from webapp.engine.healthcheck import merge_with_image, probe_command, probe_rate_refusal


def parsed(line: str):
    return parse_argv(split_line(line)[1:])


def config(flags: str):
    return health_config(parsed(f"docker run {flags} ubuntu:20.04"))


def test_no_flags_leave_the_image_s_check():
    assert config("-d") is None


def test_every_flag_goes_into_the_config_in_nanoseconds():
    assert config('--health-cmd "curl -f localhost" --health-interval 1m30s --health-timeout 500ms '
                  "--health-start-period 10s --health-start-interval 2s --health-retries 4") == {
        "Test": ["CMD-SHELL", "curl -f localhost"], "Interval": 90_000_000_000,
        "Timeout": 500_000_000, "StartPeriod": 10_000_000_000, "StartInterval": 2_000_000_000,
        "Retries": 4}


def test_settings_without_a_command_send_no_test():
    assert config("--health-retries 2") == {"Retries": 2}
    assert config("--health-interval 0s") is None  # zero is "not set", as in the CLI


def test_no_healthcheck_sends_none():
    assert config("--no-healthcheck") == {"Test": ["NONE"]}


@pytest.mark.parametrize(("flags", "message"), [
    ("--no-healthcheck --health-cmd true", "--no-healthcheck conflicts with --health-* options"),
    ("--no-healthcheck --health-timeout 1s", "--no-healthcheck conflicts with --health-* options"),
    ("--health-interval -1s", "--health-interval cannot be negative"),
    ("--health-timeout -1s", "--health-timeout cannot be negative"),
    ("--health-retries -1", "--health-retries cannot be negative"),
    ("--health-start-period -5s", "--health-start-period cannot be negative"),
    ("--health-start-interval -1ms", "--health-start-interval cannot be negative"),
    ("--health-timeout -1s --health-interval -1s", "--health-interval cannot be negative"),
])
def test_the_cli_s_checks_and_words(flags, message):
    with pytest.raises(UsageError) as err:
        config(flags)
    assert str(err.value) == message


def test_run_and_create_print_them_with_the_usage_hint_and_exit_125():
    from webapp.engine.clock import VirtualClock
    from webapp.engine.sim.engine import SimEngine

    engine = SimEngine(VirtualClock(), seed=1)
    result = engine.run("docker create --health-retries -1 ubuntu:20.04")
    assert (result.exit_code, result.stderr) == (125, (
        "docker: --health-retries cannot be negative\n\nRun 'docker create --help' for more "
        "information\n"))
    result = engine.run("docker run --health-interval 5 ubuntu:20.04")
    assert result.exit_code == 125
    assert result.stderr.startswith('invalid argument "5" for "--health-interval" flag: time: missing '
                                    'unit in duration "5"')


def test_start_interval_needs_api_1_44():
    cmd = parsed("docker run --health-start-interval 2s ubuntu:20.04")
    assert api_version_problem(cmd, "1.41") == (
        '"--health-start-interval" requires API version 1.44, but the Docker daemon API version is 1.41')
    assert api_version_problem(cmd, "1.44") is None
    assert api_version_problem(parsed("docker run --health-interval 2s ubuntu:20.04"), "1.41") is None


def test_the_sandbox_allows_the_flags_and_refuses_probes_more_often_than_once_a_second():
    assert {"health-cmd", "health-interval", "no-healthcheck"} <= RUN_FLAGS
    assert check_run(parsed('docker run --health-cmd "true" --health-interval 1s ubuntu:20.04')) is None
    assert probe_rate_refusal({"Interval": 1_000_000_000}) is None
    assert probe_rate_refusal({"Timeout": 1_000_000}) is None  # a short timeout costs nothing
    assert probe_rate_refusal({"Interval": 999_000_000}) == (
        "--health-interval 999ms is too short for this sandbox: health checks may run at most once "
        "every 1s")
    assert "--health-start-interval 1ms" in str(probe_rate_refusal({"StartInterval": 1_000_000}))


def test_merge_takes_the_container_s_fields_first_and_the_image_s_for_the_rest():
    image = {"Test": ["CMD-SHELL", "curl -f localhost"], "Interval": 5, "Retries": 3}
    assert merge_with_image(None, image) == image
    assert merge_with_image({"Interval": 9}, image) == {"Interval": 9, "Test": image["Test"],
                                                        "Retries": 3}
    assert merge_with_image({"Test": ["NONE"]}, image)["Test"] == ["NONE"]
    assert merge_with_image({"Retries": 1}, None) == {"Retries": 1}


def test_probe_commands():
    assert probe_command({"Test": ["CMD-SHELL", "test -e /x"]}) == ["/bin/sh", "-c", "test -e /x"]
    assert probe_command({"Test": ["CMD", "/bin/check", "-q"]}) == ["/bin/check", "-q"]
    assert probe_command({"Test": ["NONE"]}) is None
    assert probe_command({"Retries": 2}) is None
    assert probe_command(None) is None
