"""buildx's rendering of BuildKit progress (cli/buildprogress.py), from the message shapes both
engines send: plain (printer.go), the tty's last frame (display.go), errors and source lines
(errdefs.Source.Print), the classic builder's stream."""

from __future__ import annotations

from webapp.engine.cli.buildprogress import BuildDisplay, failure_text, render, source_lines

T0 = 1767603600.0


def _trace(**aux: object) -> dict:
    return {"id": "moby.buildkit.trace", "aux": aux}


def _vertex(n: int, name: str, started: float, completed: float | None = None, *,
            cached: bool = False, error: str = "") -> dict:
    return {"digest": f"sha256:{n:064x}", "name": name, "started": started,
            "completed": completed, "cached": cached, "error": error}


def _messages() -> list[dict]:
    v1 = _vertex(1, "[internal] load build definition from Dockerfile", T0)
    v2 = _vertex(2, "[1/2] FROM docker.io/library/busybox:latest", T0)
    v3 = _vertex(3, "[2/2] RUN echo hi", T0)
    return [
        _trace(vertexes=[v1]),
        _trace(statuses=[{"id": "transferring dockerfile:", "vertex": v1["digest"], "current": 68,
                          "total": 0, "started": T0, "completed": T0, "timestamp": T0}]),
        _trace(vertexes=[dict(v1, completed=T0)]),
        _trace(vertexes=[v2]), _trace(vertexes=[dict(v2, completed=T0, cached=True)]),
        _trace(vertexes=[v3]),
        _trace(logs=[{"vertex": v3["digest"], "stream": 1, "data": "hi\nthe", "timestamp": T0 + 0.123}]),
        _trace(logs=[{"vertex": v3["digest"], "stream": 1, "data": "re\n", "timestamp": T0 + 0.2}]),
        _trace(vertexes=[dict(v3, completed=T0 + 0.25)]),
        {"id": "moby.image.id", "aux": {"ID": "sha256:" + "ab" * 32}},
    ]


def test_plain_progress_is_printers_text() -> None:
    assert render(_messages(), "plain") == (
        '#0 building with "default" instance using docker driver\n\n'
        "#1 [internal] load build definition from Dockerfile\n"
        "#1 transferring dockerfile: 68B done\n"
        "#1 DONE 0.0s\n\n"
        "#2 [1/2] FROM docker.io/library/busybox:latest\n"
        "#2 CACHED\n\n"
        "#3 [2/2] RUN echo hi\n"
        "#3 0.123 hi\n"
        "#3 0.200 there\n"
        "#3 DONE 0.2s\n")


def test_tty_final_frame_aligns_times_on_the_right() -> None:
    text = render(_messages(), "tty")
    assert text.startswith("[+] Building 0.0s (2/3) ")  # a frame while the RUN step runs
    text = text.rsplit("A\r", 1)[1]  # the last frame, drawn over it
    lines = [line.removeprefix("\x1b[0m") for line in text.split("\n")]  # aec resets after "\n"
    assert lines[0] == "[+] Building 0.2s (3/3) FINISHED" + " " * 33 + "docker:default"
    assert len(lines[0]) == 79
    assert "\x1b[34m => [internal] load build definition from Dockerfile" in lines[1]
    assert lines[1].endswith("0.0s")
    assert " => => transferring dockerfile: 68B" in lines[2]
    assert " => CACHED [1/2] FROM docker.io/library/busybox:latest" in lines[3]
    assert lines[4].startswith("\x1b[34m => [2/2] RUN echo hi ")
    assert lines[4].endswith(" 0.2s")
    assert len(lines[4].removeprefix("\x1b[34m")) == 79


def test_quiet_prints_nothing_and_keeps_the_image_id() -> None:
    printed: list[str] = []
    display = BuildDisplay(printed.append, "quiet")
    for msg in _messages():
        display.message(msg)
    display.finish()
    assert printed == []
    assert display.image_id == "sha256:" + "ab" * 32


def test_a_failed_step_shows_its_last_lines_the_dockerfile_and_buildx_error() -> None:
    v = _vertex(4, "[2/2] RUN echo hi; exit 3", T0)
    error = 'process "/bin/sh -c echo hi; exit 3" did not complete successfully: exit code: 3'
    printed: list[str] = []
    display = BuildDisplay(printed.append, "plain", instance=False)
    for msg in [_trace(vertexes=[v]),
                _trace(logs=[{"vertex": v["digest"], "stream": 1, "data": "hi\n",
                              "timestamp": T0 + 0.01}]),
                _trace(vertexes=[dict(v, completed=T0 + 0.02, error=error)])]:
        display.message(msg)
    display.finish()
    assert "".join(printed) == (f"#1 [2/2] RUN echo hi; exit 3\n#1 0.010 hi\n#1 ERROR: {error}\n")
    text = failure_text(display, f"failed to solve: {error}",
                        ("Dockerfile", "FROM busybox\nRUN echo hi; exit 3\n", 2, 2))
    assert text == (
        "------\n > [2/2] RUN echo hi; exit 3:\n0.010 hi\n------\n"
        "Dockerfile:2\n--------------------\n"
        "   1 |     FROM busybox\n"
        "   2 | >>> RUN echo hi; exit 3\n"
        "   3 |     \n"
        "--------------------\n"
        f"ERROR: failed to build: failed to solve: {error}\n")


def test_source_lines_pad_as_buildkit_does() -> None:
    text = "\n".join(f"L{i}" for i in range(1, 11))
    assert source_lines("Dockerfile", text, 5, 5).splitlines()[2:-1] == [
        "   3 |     L3", "   4 |     L4", "   5 | >>> L5", "   6 |     L6", "   7 |     L7"]
    assert source_lines("Dockerfile", text, 5, 6).splitlines()[2:-1] == [
        "   4 |     L4", "   5 | >>> L5", "   6 | >>> L6", "   7 |     L7"]
    assert source_lines("Dockerfile", "", 3, 3) == ""


def test_classic_builder_stream_goes_to_stdout() -> None:
    out: list[str] = []
    err: list[str] = []
    display = BuildDisplay(err.append, "plain", out=out.append)
    display.message({"stream": "Step 1/2 : FROM busybox\n"})
    display.message({"aux": {"ID": "sha256:" + "cd" * 32}})
    display.message({"errorDetail": {"message": "boom"}, "error": "boom"})
    display.finish()
    assert out == ["Step 1/2 : FROM busybox\n"]
    assert err == []
    assert display.image_id == "sha256:" + "cd" * 32
    assert display.error == "boom"
