"""The `serve` subcommand refuses what it cannot run, before binding a port."""

from webapp.cli import build_parser, main


def test_serve_defaults():
    args = build_parser().parse_args(["serve"])
    assert (args.host, args.port, args.engine) == ("127.0.0.1", 5000, None)


def test_serve_with_the_docker_engine_and_no_daemon_fails_clearly(capsys, monkeypatch, tmp_path):
    monkeypatch.delenv("LAB_ENGINE", raising=False)
    monkeypatch.delenv("LAB_FALLBACK", raising=False)
    monkeypatch.setenv("LAB_DB", str(tmp_path / "lab.db"))
    monkeypatch.setenv("DOCKER_HOST", f"unix://{tmp_path}/no-daemon.sock")
    assert main(["serve", "--engine", "docker"]) == 2
    err = capsys.readouterr().err
    assert "Cannot connect to the Docker daemon" in err
    assert "LAB_FALLBACK=sim" in err
