"""`docker build` on the simulator (sim/build.py), through the one CLI, on the virtual clock:
image metadata, errors as buildx prints them, the cache, history, tags, rmi and prune of built
images, running them, and the bounds of a RUN."""

from __future__ import annotations

import json

import pytest

from webapp.engine.clock import VirtualClock
from webapp.engine.sim.build import BUILD_RUN_TIMEOUT
from webapp.engine.sim.engine import SimEngine


def _engine(files: dict[str, str]) -> SimEngine:
    engine = SimEngine(VirtualClock(), seed=3)
    for path, text in files.items():
        engine.workspace.write(path, text)
    return engine


def _ok(engine: SimEngine, line: str) -> str:
    result = engine.run(line)
    assert result.exit_code == 0, (line, result.stdout, result.stderr)
    return result.stdout


def _config(engine: SimEngine, ref: str) -> dict:
    return json.loads(_ok(engine, f"docker image inspect {ref}"))[0]


SERVE = "#!/bin/sh\necho serving\n"


def test_a_build_with_a_tag_prints_buildkit_progress_and_makes_the_image() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nCOPY serve.sh /\nRUN echo hi\n"
                                    'CMD ["/serve.sh"]\n', "serve.sh": SERVE})
    result = engine.run("docker build -t web .")
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    err = result.stderr
    assert err.startswith('#0 building with "default" instance using docker driver\n\n'
                          "#1 [internal] load build definition from Dockerfile\n"
                          "#1 transferring dockerfile: ")
    for text in ("#2 [internal] load metadata for docker.io/library/busybox:latest\n",
                 "#4 [1/3] FROM docker.io/library/busybox:latest\n",
                 "#5 [internal] load build context\n",
                 "#6 [2/3] COPY serve.sh /\n#6 DONE 0.0s\n",
                 "#7 [3/3] RUN echo hi\n#7 0.000 hi\n#7 DONE 0.0s\n",
                 "#8 exporting to image\n#8 exporting layers done\n#8 writing image sha256:",
                 "#8 naming to docker.io/library/web:latest done\n#8 DONE 0.0s\n"):
        assert text in err, text
    image = _config(engine, "web")
    assert image["RepoTags"] == ["web:latest"]
    assert image["RepoDigests"] == []
    assert image["Comment"] == "buildkit.dockerfile.v0"
    assert image["Parent"] == ""
    assert image["Config"]["Cmd"] == ["/serve.sh"]
    assert image["Id"] in err
    listing = _ok(engine, "docker images web")
    assert listing.splitlines()[1].split()[:3] == ["web", "latest", image["Id"][7:19]]
    assert "Less than a second ago" in listing


def test_the_build_emits_only_image_tag_events_and_lists_no_container() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nRUN echo hi > /greeting\n"})
    before = len(list(engine.history))
    _ok(engine, "docker build -t a -t b:1 .")
    events = [(e.type, e.action, dict(e.attributes)) for e in list(engine.history)[before:]]
    assert [(t, a) for t, a, _ in events] == [("image", "tag"), ("image", "tag")]
    assert [attrs["name"] for _, _, attrs in events] == ["a:latest", "b:1"]
    assert _ok(engine, "docker ps -aq") == ""


def test_metadata_of_every_instruction() -> None:
    engine = _engine({"Dockerfile": (
        "FROM busybox\n"
        "ENV A=1 B=two\n"
        "WORKDIR /app\n"
        "USER nobody\n"
        "EXPOSE 8080 53/udp\n"
        "STOPSIGNAL SIGQUIT\n"
        "LABEL org.example.k=v\n"
        "HEALTHCHECK --interval=5s --retries=2 CMD true\n"
        'ENTRYPOINT ["/bin/sh", "-c"]\n'
        'CMD ["echo $A"]\n')})
    _ok(engine, "docker build -t meta --label extra=yes .")
    config = _config(engine, "meta")["Config"]
    assert config["Env"][-2:] == ["A=1", "B=two"]
    assert config["WorkingDir"] == "/app"
    assert config["User"] == "nobody"
    assert config["ExposedPorts"] == {"53/udp": {}, "8080/tcp": {}} or \
        set(config["ExposedPorts"]) == {"8080/tcp", "53/udp"}
    assert config["StopSignal"] == "SIGQUIT"
    assert config["Labels"] == {"org.example.k": "v", "extra": "yes"}
    assert config["Healthcheck"] == {"Test": ["CMD-SHELL", "true"], "Interval": 5_000_000_000,
                                     "Retries": 2}
    assert config["Entrypoint"] == ["/bin/sh", "-c"]
    assert config["Cmd"] == ["echo $A"]
    result = engine.run("docker run --rm meta")
    assert result.stdout == "1\n"


@pytest.mark.parametrize(("lines", "entrypoint", "cmd"), [
    ('CMD ["sleep", "5"]', None, ["sleep", "5"]),
    ("CMD sleep 5", None, ["/bin/sh", "-c", "sleep 5"]),
    ('ENTRYPOINT ["top", "-b"]', ["top", "-b"], None),
    ('ENTRYPOINT ["top", "-b"]\nCMD ["-c"]', ["top", "-b"], ["-c"]),
    ('CMD ["-c"]\nENTRYPOINT ["top", "-b"]', ["top", "-b"], ["-c"]),
    ("ENTRYPOINT top -b", ["/bin/sh", "-c", "top -b"], None),
])
def test_cmd_and_entrypoint_forms(lines: str, entrypoint: list[str] | None,
                                  cmd: list[str] | None) -> None:
    engine = _engine({"Dockerfile": f"FROM busybox\n{lines}\n"})
    _ok(engine, "docker build -t forms .")
    config = _config(engine, "forms")["Config"]
    assert (config["Entrypoint"], config["Cmd"]) == (entrypoint, cmd)


def test_copy_modes_workdir_and_files_written_by_run_land_in_the_image() -> None:
    engine = _engine({"Dockerfile": ("FROM busybox\nWORKDIR /srv/www\nCOPY index.html serve.sh ./\n"
                                     "COPY --chmod=600 index.html /private.html\n"
                                     "RUN echo made > note.txt\n"),
                      "index.html": "<h1>hi</h1>\n", "serve.sh": SERVE})
    _ok(engine, "docker build -t files .")
    assert _ok(engine, "docker run --rm files cat /srv/www/index.html") == "<h1>hi</h1>\n"
    assert _ok(engine, "docker run --rm files cat note.txt") == "made\n"
    assert _ok(engine, "docker run --rm files pwd") == "/srv/www\n"
    assert _ok(engine, "docker run --rm files cat /private.html") == "<h1>hi</h1>\n"


def test_dockerignore_is_honoured() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nCOPY . /ctx/\n", ".dockerignore": "secret*\n",
                      "secret.txt": "no\n", "ok.txt": "yes\n"})
    _ok(engine, "docker build -t ctx .")
    assert _ok(engine, "docker run --rm ctx cat /ctx/ok.txt") == "yes\n"
    assert engine.run("docker run --rm ctx cat /ctx/secret.txt").exit_code != 0


def test_packages_installed_by_run_are_in_the_image() -> None:
    engine = _engine({"Dockerfile": "FROM alpine\nRUN apk add curl\n"})
    _ok(engine, "docker build -t withcurl .")
    assert engine.run("docker run --rm alpine curl --version").exit_code == 127
    assert engine.run("docker run --rm withcurl curl --version").exit_code != 127


def test_a_failing_run_is_buildx_error_with_the_dockerfile_lines() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nRUN echo hi; exit 3\nCMD [\"x\"]\n"})
    result = engine.run("docker build -t bad .")
    assert result.exit_code == 1
    error = 'process "/bin/sh -c echo hi; exit 3" did not complete successfully: exit code: 3'
    assert f"#5 ERROR: {error}\n" in result.stderr
    assert result.stderr.endswith(
        "------\n > [2/2] RUN echo hi; exit 3:\n0.000 hi\n------\n"
        "Dockerfile:2\n--------------------\n"
        "   1 |     FROM busybox\n"
        "   2 | >>> RUN echo hi; exit 3\n"
        '   3 |     CMD ["x"]\n'
        "   4 |     \n"
        "--------------------\n"
        f"ERROR: failed to build: failed to solve: {error}\n")
    assert "bad" not in _ok(engine, "docker images")


def test_a_missing_copy_source_is_buildkits_checksum_error() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nCOPY nope /\n"})
    result = engine.run("docker build .")
    assert result.exit_code == 1
    last = result.stderr.splitlines()[-1]
    assert last.startswith("ERROR: failed to build: failed to solve: failed to compute cache key: "
                           "failed to calculate checksum of ref moby::")
    assert last.endswith(': "/nope": not found')


def test_a_missing_base_is_a_failed_metadata_resolve() -> None:
    engine = _engine({"Dockerfile": "FROM busybox:nope\n"})
    result = engine.run("docker build .")
    assert result.exit_code == 1
    assert ("ERROR: failed to build: failed to solve: docker.io/library/busybox:nope: failed to "
            "resolve source metadata for docker.io/library/busybox:nope: image 'busybox:nope' "
            "is not available in this sandbox") in result.stderr


def test_context_dockerfile_and_flag_errors() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\n"})
    result = engine.run("docker build -f Nope .")
    assert result.exit_code == 1
    assert result.stderr.endswith("ERROR: failed to build: failed to solve: failed to read "
                                  "dockerfile: open Nope: no such file or directory\n")
    result = engine.run("docker build elsewhere")
    assert (result.exit_code, result.stderr) == (
        1, 'ERROR: failed to build: unable to prepare context: path "elsewhere" not found\n')
    for line, words in (("docker build -f - .", "-f -"), ("docker build -", "docker build -"),
                        ("docker build --progress=rawjson .", "rawjson"),
                        ("docker build --build-arg A .", "--build-arg A"),
                        ("docker build --network none .", "--network")):
        result = engine.run(line)
        assert result.exit_code == 1 and "refused by the Lifecycle Lab sandbox" in result.stderr
        assert words in result.stderr, line
    result = engine.run("docker build --progress=fancy .")
    assert result.stderr == "ERROR: failed to build: invalid progress mode fancy\n"


def test_quiet_prints_only_the_id_and_the_cache_answers_an_identical_build() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nCOPY serve.sh /\nRUN echo hi\n",
                      "serve.sh": SERVE})
    first = engine.run("docker build -q .")
    assert first.stderr == ""
    assert first.stdout.startswith("sha256:") and len(first.stdout) == 72
    again = engine.run("docker build .")
    assert "#6 [2/3] COPY serve.sh /\n#6 CACHED\n" in again.stderr
    assert "#7 [3/3] RUN echo hi\n#7 CACHED\n" in again.stderr
    assert "#4 [1/3] FROM docker.io/library/busybox:latest\n#4 CACHED\n" in again.stderr
    assert first.stdout.strip() in again.stderr  # the same image
    fresh = engine.run("docker build --no-cache .")
    assert "CACHED" not in fresh.stderr
    engine.workspace.write("serve.sh", SERVE + "# changed\n")
    changed = engine.run("docker build .")
    assert "#6 [2/3] COPY serve.sh /\n#6 DONE" in changed.stderr


def test_history_lists_the_build_steps_over_the_base() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nCOPY serve.sh /\nRUN echo hi\nCMD [\"/serve.sh\"]\n",
                      "serve.sh": SERVE})
    _ok(engine, "docker build -t h .")
    lines = _ok(engine, "docker history h").splitlines()
    assert lines[0].split() == ["IMAGE", "CREATED", "CREATED", "BY", "SIZE", "COMMENT"]
    image_id = _config(engine, "h")["Id"]
    assert lines[1].startswith(image_id[7:19] + "   ")
    assert 'CMD ["/serve.sh"]' in lines[1] and lines[1].rstrip().endswith("buildkit.dockerfile.v0")
    assert all(line.startswith("<missing>") for line in lines[2:])
    assert "RUN /bin/sh -c echo hi # buildkit" in lines[2]
    assert "COPY serve.sh / # buildkit" in lines[3] and " 23B " in lines[3]
    assert _ok(engine, "docker history -q h").splitlines() == [image_id[7:19]] + \
        ["<missing>"] * (len(lines) - 2)
    full = _ok(engine, "docker history --no-trunc --format '{{.ID}} {{.CreatedBy}}' h")
    assert full.splitlines()[0] == f'{image_id} CMD ["/serve.sh"]'
    assert engine.run("docker history nope").stderr == \
        "Error response from daemon: No such image: nope:latest\n"


def test_tag_rmi_dangling_and_prune() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nRUN echo one > /v\n"})
    _ok(engine, "docker build -t app .")
    first = _config(engine, "app")["Id"]
    _ok(engine, "docker tag app app:v1")
    assert _config(engine, "app:v1")["RepoTags"] == ["app:latest", "app:v1"]
    assert engine.run("docker tag nope x").stderr == \
        "Error response from daemon: No such image: nope:latest\n"
    assert engine.run("docker tag app Bad").exit_code == 1
    engine.workspace.write("Dockerfile", "FROM busybox\nRUN echo two > /v\n")
    _ok(engine, "docker build -t app:v1 .")
    assert _config(engine, first)["RepoTags"] == ["app:latest"]
    _ok(engine, "docker build -t app .")  # the first image has no tag left: <none>
    assert "<none>        <none>     " + first[7:19] in _ok(engine, "docker images")
    assert _config(engine, first)["RepoTags"] == []
    before = len(list(engine.history))
    out = _ok(engine, "docker image prune -f")
    assert out.startswith(f"Deleted Images:\ndeleted: {first}\n\nTotal reclaimed space: ")
    assert [e.action for e in list(engine.history)[before:]] == ["delete", "prune"]
    assert "<none>" not in _ok(engine, "docker images")
    second = _config(engine, "app")["Id"]
    out = _ok(engine, "docker rmi app app:v1")
    # BuildKit keeps a built image's layers in its cache: rmi deletes only the image
    assert out == f"Untagged: app:latest\nUntagged: app:v1\nDeleted: {second}\n"
    assert engine.run("docker image inspect app").exit_code == 1


def test_a_built_image_runs_with_its_metadata_and_healthcheck() -> None:
    engine = _engine({"Dockerfile": ("FROM busybox\nHEALTHCHECK --interval=1s CMD true\n"
                                     'CMD ["sleep", "1000"]\n')})
    _ok(engine, "docker build -t healthy .")
    _ok(engine, "docker run -d --name hc healthy")
    engine.clock.advance(5)  # type: ignore[attr-defined]
    assert _ok(engine, "docker inspect -f '{{.State.Health.Status}}' hc").strip() == "healthy"
    assert "(healthy)" in _ok(engine, "docker ps")


@pytest.mark.parametrize(("cmd", "code"), [('["sleep", "1000"]', 137), ("sleep 1000", 137)])
def test_stop_of_a_built_image(cmd: str, code: int) -> None:
    engine = _engine({"Dockerfile": f"FROM ubuntu:20.04\nCMD {cmd}\n"})
    _ok(engine, "docker build -t sleeper .")
    _ok(engine, "docker run -d --name sl sleeper")
    _ok(engine, "docker stop sl")
    assert _ok(engine, "docker inspect -f '{{.State.ExitCode}}' sl").strip() == str(code)


def test_a_run_that_never_ends_is_stopped_by_the_build_timeout() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nRUN sleep 100000\n"})
    result = engine.run("docker build .", timeout=BUILD_RUN_TIMEOUT + 60)
    assert result.exit_code == 1
    assert f"the sandbox stopped it after {int(BUILD_RUN_TIMEOUT)}s" in result.stderr
    assert _ok(engine, "docker ps -aq") == ""


def test_a_busy_loop_is_bounded_too() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nRUN while :; do :; done\n"})
    result = engine.run("docker build .", timeout=BUILD_RUN_TIMEOUT + 60)
    assert result.exit_code == 1
    assert "the sandbox stopped it" in result.stderr


def test_multi_stage_copy_from_and_target() -> None:
    engine = _engine({"Dockerfile": ("FROM busybox AS build\nRUN echo artefact > /out.txt\n\n"
                                     "FROM alpine\nCOPY --from=build /out.txt /app/out.txt\n"
                                     'CMD ["cat", "/app/out.txt"]\n')})
    result = engine.run("docker build -t multi .")
    assert result.exit_code == 0, result.stderr
    assert "[build 2/2] RUN echo artefact > /out.txt" in result.stderr
    assert "[stage-1 2/2] COPY --from=build /out.txt /app/out.txt" in result.stderr
    assert _ok(engine, "docker run --rm multi") == "artefact\n"
    _ok(engine, "docker build -t first --target build .")
    assert _ok(engine, "docker run --rm first cat /out.txt") == "artefact\n"


def test_the_image_cap_bounds_builds() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\n"})
    engine.daemon.limits.images = len(engine.daemon.images.ids())  # type: ignore[attr-defined]
    engine.workspace.write("Dockerfile", "FROM busybox\nLABEL n=1\n")
    result = engine.run("docker build -t over .")
    assert result.exit_code == 1
    assert "sandbox limit reached: at most" in result.stderr


def test_ctrl_c_cancels_the_build() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nRUN sleep 30\n"})
    job = engine.execute("docker build -t never .", tty=True)
    engine.clock.advance(5)  # type: ignore[attr-defined]
    assert not job.done
    job.send("\x03")  # the console's Ctrl-C reaches the docker client
    assert job.exit_code == 130
    engine.clock.advance(60)  # type: ignore[attr-defined]
    assert engine.run("docker image inspect never").exit_code == 1


def test_tty_progress_draws_frames_and_ends_with_the_finished_one() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nRUN sleep 2\n"})
    result = engine.run("docker build -t t .", tty=True)
    assert result.exit_code == 0
    frames = result.stdout + result.stderr
    assert frames.startswith("[+] Building 0.0s (4/5) ")  # drawn when the RUN starts
    assert " => [2/2] RUN sleep 2 " in frames
    assert "\x1b[8A\r[+] Building 2.0s (6/6) FINISHED" in frames  # then drawn over


def test_shell_form_cmd_gets_buildx_lint_warning() -> None:
    engine = _engine({"Dockerfile": "FROM busybox\nCMD sleep 5\n"})
    result = engine.run("docker build -t w .")
    assert ("#1 WARN: JSONArgsRecommended: JSON arguments recommended for CMD to prevent "
            "unintended behavior related to OS signals (line 2)\n#1 DONE 0.0s\n") in result.stderr
    assert result.stderr.endswith(
        "\n 1 warning found (use docker --debug to expand):\n"
        " - JSONArgsRecommended: JSON arguments recommended for CMD to prevent unintended "
        "behavior related to OS signals (line 2)\n")
    assert engine.run("docker build -q .").stderr == ""


TRAPPING = "#!/bin/sh\ntrap 'echo bye; exit 0' TERM\necho up\nwhile true; do sleep 1 & wait; done\n"


@pytest.mark.parametrize(("base", "cmd", "code", "seconds"), [
    ("busybox", '["/serve.sh"]', 0, 1),   # exec form: the script is PID 1 and traps TERM
    ("busybox", "/serve.sh", 0, 1),       # busybox sh execs the last command: the same
    ("ubuntu:20.04", "/serve.sh", 137, 10),  # dash 0.5.10 forks: sh is PID 1, ignores TERM
])
def test_stop_of_a_built_image_depends_on_who_is_pid_1(base: str, cmd: str, code: int,
                                                       seconds: int) -> None:
    engine = _engine({"Dockerfile": f"FROM {base}\nCOPY serve.sh /\nCMD {cmd}\n",
                      "serve.sh": TRAPPING})
    _ok(engine, "docker build -t trap .")
    _ok(engine, "docker run -d --name tr trap")
    engine.clock.advance(0.5)  # type: ignore[attr-defined]
    started = engine.clock.now()
    _ok(engine, "docker stop tr")
    assert _ok(engine, "docker inspect -f '{{.State.ExitCode}}' tr").strip() == str(code)
    assert engine.clock.now() - started < seconds + 0.5


def test_tag_errors_as_the_client_and_daemon_print_them() -> None:
    engine = _engine({})
    for line, err in (
            ("docker tag nope x", "Error response from daemon: No such image: nope:latest\n"),
            ("docker tag busybox Bad", ('Error parsing reference: "Bad" is not a valid '
             "repository/tag: invalid reference format: repository name (library/Bad) must be "
             "lowercase\n")),
            ("docker tag busybox a@sha256:" + "0" * 64,
             "refusing to create a tag with a digest reference\n")):
        result = engine.run(line)
        assert (result.exit_code, result.stderr) == (1, err), line
    _ok(engine, "docker tag busybox mine:1")
    assert _config(engine, "mine:1")["RepoTags"] == ["busybox:latest", "mine:1"]


def test_copy_chmod_and_files_of_run_in_existing_folders() -> None:
    engine = _engine({"Dockerfile": ("FROM busybox\nCOPY --chmod=700 serve.sh /serve.sh\n"
                                     "COPY --chmod=644 serve.sh /plain.sh\n"
                                     "RUN echo x > /etc/f\n"
                                     'CMD ["/serve.sh"]\n'),
                      "serve.sh": SERVE})
    _ok(engine, "docker build -t modes .")
    assert _ok(engine, "docker run --rm modes") == "serving\n"
    assert _ok(engine, "docker run --rm modes cat /etc/f") == "x\n"
    assert engine.run("docker run --rm modes /plain.sh").exit_code == 126


def test_onbuild_triggers_and_shell_carry_to_images_built_from_a_built_image() -> None:
    engine = _engine({"Dockerfile": ('FROM busybox\nSHELL ["/bin/sh", "-xc"]\n'
                                     "ONBUILD RUN echo triggered > /t\n")})
    _ok(engine, "docker build -t parent .")
    config = _config(engine, "parent")["Config"]
    assert config["OnBuild"] == ["RUN echo triggered > /t"]
    assert config["Shell"] == ["/bin/sh", "-xc"]
    engine.workspace.write("Dockerfile", "FROM parent\nRUN echo child\n")
    result = engine.run("docker build -t child .")
    assert result.exit_code == 0, result.stderr
    assert "RUN echo triggered > /t" in result.stderr
    assert _ok(engine, "docker run --rm child cat /t") == "triggered\n"
    child = _config(engine, "child")["Config"]
    assert child["OnBuild"] is None
    assert child["Shell"] == ["/bin/sh", "-xc"]


def test_from_scratch_has_no_base_layers() -> None:
    engine = _engine({"Dockerfile": 'FROM scratch\nCOPY index.html /\nCMD ["/index.html"]\n',
                      "index.html": "<p>hi</p>\n"})
    result = engine.run("docker build -t bare .")
    assert result.exit_code == 0, result.stderr
    assert "FROM scratch" not in result.stderr and "load metadata" not in result.stderr
    assert "#3 [2/2] COPY index.html /\n" in result.stderr or "[2/2] COPY index.html /" in result.stderr
    history = _ok(engine, "docker history -q bare").split()
    assert len(history) == 2


def test_run_without_a_shell_and_copy_of_a_program_from_an_image() -> None:
    engine = _engine({"Dockerfile": "FROM scratch\nRUN echo hi\n"})
    result = engine.run("docker build .")
    assert result.stderr.endswith(
        'ERROR: failed to build: failed to solve: process "/bin/sh -c echo hi" did not complete '
        'successfully: runc run failed: unable to start container process: exec: "/bin/sh": '
        "stat /bin/sh: no such file or directory\n")
    engine.workspace.write("Dockerfile", 'FROM scratch\nCOPY --from=busybox /bin/echo /echo\n'
                                         'ENTRYPOINT ["/echo"]\n')
    _ok(engine, "docker build -t tiny .")
    assert _ok(engine, "docker run --rm tiny made from nothing") == "made from nothing\n"


def test_a_build_adds_a_bounded_amount_and_its_steps_a_bounded_time(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from webapp.engine.sim import build

    monkeypatch.setattr(build, "MAX_ADDED_BYTES", 100)
    engine = _engine({"Dockerfile": "FROM busybox\nCOPY big.txt /\n", "big.txt": "x" * 200})
    result = engine.run("docker build .")
    assert result.exit_code == 1
    assert "the sandbox's images hold at most 0 MiB of files added by a build" in result.stderr
    monkeypatch.setattr(build, "BUILD_TIMEOUT", 150.0)
    engine.workspace.write("Dockerfile", "FROM busybox\nRUN sleep 100\nRUN sleep 100\n")
    result = engine.run("docker build .", timeout=400)
    assert result.exit_code == 1
    assert "#6 ERROR: process \"/bin/sh -c sleep 100\" did not complete successfully: the " \
           "sandbox stopped it after 50s" in result.stderr


def test_the_cache_survives_a_base_whose_last_layer_is_large() -> None:
    engine = _engine({"Dockerfile": "FROM nginx\nRUN echo hi\n"})
    _ok(engine, "docker build .")
    again = engine.run("docker build .")
    assert "RUN echo hi\n#" in again.stderr and "CACHED" in again.stderr
