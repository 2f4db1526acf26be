"""The `serve` subcommand refuses what it cannot run, before binding a port."""

from webapp.cli import build_parser, main


def test_serve_defaults():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.engine) == ("127.0.0.1", 5000, None)


def test_serve_with_the_docker_engine_fails_clearly(capsys, monkeypatch):
    monkeypatch.delenv("LAB_ENGINE", raising=False)
    assert main(["serve", "--engine", "docker"]) == 2
    assert "not implemented yet" in capsys.readouterr().err
