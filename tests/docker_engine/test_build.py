"""`docker build`, history, tag and rmi of built images on the real-daemon engine, under the sandbox
policy: builds from the workspace, BuildKit-shaped progress, metadata, refusals (foreign bases,
other learners' images, downloads, reserved labels, the image cap), isolation, reaping, events.

The build goes through the engine's API (`image_build`) where the CLI's `build`, `history` and
`tag` commands are not needed to show the behaviour; the rest through console lines."""

from __future__ import annotations

from typing import Any

import pytest

from webapp.engine.api import ApiError, Refused
from webapp.engine.docker import DockerEngine
from webapp.engine.docker.policy import LABEL, Policy, session_label, sweep_orphans
from webapp.engine.futures import block_on, spawn

pytestmark = pytest.mark.docker

GREETER = ('FROM busybox\nENV GREETING=hello\nWORKDIR /app\nCOPY greet.sh /app/greet.sh\n'
           'RUN echo built && ls /nope || true\nEXPOSE 8080\nSTOPSIGNAL SIGINT\n'
           'ENTRYPOINT ["/app/greet.sh"]\nCMD ["world"]\n')
GREET_SH = '#!/bin/sh\necho "$GREETING, $1 from $(pwd)"\n'


def build(engine: DockerEngine, dockerfile: str, *, tags: list[str] | None = None,
          files: dict[str, str] | None = None, **options: Any) -> tuple[str, list[dict]]:
    engine.workspace.clear()
    engine.workspace.write("Dockerfile", dockerfile)
    for path, text in (files or {}).items():
        engine.workspace.write(path, text)
    messages: list[dict] = []
    image_id = block_on(spawn(engine.api.image_build(engine.workspace, tags=tags or [],
                                                     on_message=messages.append, **options)))
    return image_id, messages


def daemon_images(daemon, engine: DockerEngine) -> list[dict]:
    """The daemon's images that carry this sandbox's label or one of its scoped tags."""
    prefix = engine.scope.prefix + "-"
    return [i for i in daemon.get("/images/json") or []
            if (i.get("Labels") or {}).get(LABEL) == engine.scope.session
            or any(t.startswith(prefix) for t in i.get("RepoTags") or [])]


def test_a_build_from_the_workspace_runs_with_bare_names(make_engine, daemon) -> None:
    engine = make_engine()
    image_id, messages = build(engine, GREETER, tags=["greeter", "greeter:2"],
                               files={"greet.sh": GREET_SH})
    assert image_id.startswith("sha256:")
    # progress in BuildKit's shape: the steps BuildKit shows, the RUN step's output on its streams
    names = []
    logs = []
    for msg in messages:
        if msg.get("id") != "moby.buildkit.trace":
            continue
        for vertex in msg["aux"]["vertexes"]:
            if vertex["name"] not in names:
                names.append(vertex["name"])
        logs += [(log["stream"], log["data"]) for log in msg["aux"]["logs"]]
    assert names == [
        "[internal] load build definition from Dockerfile", "[internal] load .dockerignore",
        "[internal] load metadata for docker.io/library/busybox:latest",
        "[1/4] FROM docker.io/library/busybox", "[2/4] WORKDIR /app",
        "[internal] load build context", "[3/4] COPY greet.sh /app/greet.sh",
        "[4/4] RUN echo built && ls /nope || true", "exporting to image"]
    # (the two streams are two pipes: their order is the daemon's to choose)
    assert sorted(logs) == [(1, "built\n"), (2, "ls: /nope: No such file or directory\n")]
    assert messages[-1] == {"id": "moby.image.id", "aux": {"ID": image_id}}
    # the learner sees bare names; the daemon holds scoped tags and the learner's label
    listing = engine.run("docker images --format '{{.Repository}}:{{.Tag}} {{.ID}}'").stdout
    assert f"greeter:latest {image_id[7:19]}" in listing
    assert f"greeter:2 {image_id[7:19]}" in listing
    raw = daemon.get("/images/{0}/json", image_id)
    assert sorted(raw["RepoTags"]) == sorted(f"{engine.scope.prefix}-greeter:{t}"
                                             for t in ("2", "latest"))
    assert raw["Config"]["Labels"][LABEL] == engine.scope.session
    result = engine.run("docker run --name gg greeter there")
    assert (result.exit_code, result.stdout) == (0, "hello, there from /app\n")
    shown = engine.run("docker inspect -f '{{.Config.Image}} {{.Config.Labels}}' gg").stdout
    assert shown.startswith("greeter ") and "lifecycle-lab.session" not in shown
    ps = engine.run("docker ps -a --format '{{.Image}} {{.Names}}'").stdout
    assert ps == "greeter gg\n"
    assert [c["image"] for c in engine.containers()] == ["greeter"]  # the page's graph
    assert engine.run("docker ps -a -q --filter ancestor=greeter:2").stdout.strip() != ""


def test_built_metadata_and_history(make_engine) -> None:
    engine = make_engine()
    image_id, _ = build(engine, GREETER, tags=["greeter"], files={"greet.sh": GREET_SH})
    inspect = block_on(spawn(engine.api.image_inspect("greeter")))
    config = inspect["Config"]
    assert config["Cmd"] == ["world"] and config["Entrypoint"] == ["/app/greet.sh"]
    assert "GREETING=hello" in config["Env"] and config["WorkingDir"] == "/app"
    assert config["ExposedPorts"] == {"8080/tcp": {}} and config["StopSignal"] == "SIGINT"
    assert LABEL not in (config.get("Labels") or {})
    assert inspect["RepoTags"] == ["greeter:latest"]
    history = block_on(spawn(engine.api.image_history("greeter")))
    assert history[0]["Id"] == image_id and history[0]["Tags"] == ["greeter:latest"]
    assert all(row["Id"] == "<missing>" for row in history[1:])
    created = [row["CreatedBy"] for row in history]
    assert created[:2] == ['CMD ["world"]', 'ENTRYPOINT ["/app/greet.sh"]']
    assert "RUN /bin/sh -c echo built && ls /nope || true # buildkit" in created
    assert not any("lifecycle-lab" in c for c in created)
    # tag, then rmi: the tag goes, then the image
    block_on(spawn(engine.api.image_tag("greeter", "greeter", "v2")))
    assert "greeter:v2" in engine.run("docker images --format '{{.Repository}}:{{.Tag}}'").stdout
    result = engine.run("docker rmi greeter:v2 greeter")
    assert result.exit_code == 0
    assert result.stdout == ("Untagged: greeter:v2\nUntagged: greeter:latest\n"
                             f"Deleted: {image_id}\n")
    assert engine.run("docker images -q greeter").stdout == ""


@pytest.mark.parametrize(("dockerfile", "why"), [
    ("FROM nosuchimage:1\nRUN true\n", "not available in this sandbox"),
    ("FROM ubuntu@sha256:" + "0" * 64 + "\n", "by digest"),
    ("ARG BASE=nosuch\nFROM ${BASE}\n", "not available in this sandbox"),
    ("FROM busybox AS b\nFROM alpine\nCOPY --from=nosuch:2 /x /x\n", "not available"),
    ("FROM busybox\nADD https://example.com/x /x\n", "no network"),
    ("FROM busybox\nONBUILD ADD http://example.com/x /x\n", "no network"),
    ("FROM busybox\nLABEL lifecycle-lab.session=someone\n", "reserved"),
])
def test_refused_builds_say_why_and_build_nothing(make_engine, daemon, dockerfile, why) -> None:
    engine = make_engine()
    with pytest.raises(Refused) as refused:
        build(engine, dockerfile, tags=["x"])
    assert why in refused.value.reason
    assert daemon_images(daemon, engine) == []


def test_refused_names_and_labels(make_engine) -> None:
    engine = make_engine()
    with pytest.raises(Refused, match="registry host"):
        build(engine, "FROM busybox\n", tags=["localhost:5000/x"])
    with pytest.raises(Refused, match="reserved"):
        build(engine, "FROM busybox\n", tags=["x"], labels={"lifecycle-lab.session": "s"})


def test_builds_fail_in_buildkit_words_and_leave_nothing(make_engine, daemon) -> None:
    engine = make_engine()
    with pytest.raises(ApiError) as failed:
        build(engine, "FROM busybox\nRUN echo before && exit 3\n", tags=["x"])
    assert failed.value.message == ('failed to solve: process "/bin/sh -c echo before && exit 3" '
                                    "did not complete successfully: exit code: 3")
    assert failed.value.source[2] == 2  # type: ignore[attr-defined]  # the failing line
    with pytest.raises(ApiError, match="unknown instruction: FROBNICATE"):
        build(engine, "FROM busybox\nFROBNICATE\n", tags=["x"])
    with pytest.raises(ApiError, match="no such file or directory"):
        engine.workspace.clear()
        block_on(spawn(engine.api.image_build(engine.workspace, dockerfile="nosuch",
                                              on_message=lambda m: None)))
    with pytest.raises(ApiError):  # the context is the workspace: no file of the server's
        build(engine, "FROM busybox\nCOPY /etc/passwd /x\n", tags=["x"])
    with pytest.raises(ApiError):
        build(engine, "FROM busybox\nCOPY ../../../../etc/passwd /x\n", tags=["x"])
    assert daemon.get("/containers/json", params={"all": True, "filters": {
        "label": [f"{LABEL}={engine.scope.session}"]}}) == []
    assert [i for i in daemon_images(daemon, engine) if i.get("RepoTags")] == []


def test_run_steps_have_no_network_and_the_sandbox_limits(make_engine) -> None:
    engine = make_engine()
    _, messages = build(engine, "FROM busybox\nRUN ls /sys/class/net && "
                                "cat /sys/fs/cgroup/memory/memory.limit_in_bytes "
                                "/sys/fs/cgroup/cpu/cpu.cfs_quota_us 2>/dev/null || "
                                "cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max\n")
    output = "".join(log["data"] for msg in messages if msg.get("id") == "moby.buildkit.trace"
                     for log in msg["aux"]["logs"]).split()
    assert output[0] == "lo" and "eth0" not in output  # networkmode=none
    assert str(Policy().memory) in output
    assert "50000" in output


def test_other_learners_images_are_invisible(make_engine) -> None:
    alice, bob = make_engine(), make_engine()
    image_id, _ = build(bob, "FROM busybox\nCMD [\"echo\", \"secret\"]\n", tags=["secret"])
    assert "secret" not in alice.run("docker images").stdout
    for ref in ("secret", image_id, image_id[7:19]):
        with pytest.raises(ApiError):
            block_on(spawn(alice.api.image_inspect(ref)))
    result = alice.run("docker run --rm secret")
    assert result.exit_code == 125 and "secret" not in result.stdout
    with pytest.raises(Refused, match="not available in this sandbox"):
        build(alice, f"FROM {bob.scope.prefix}-secret\n", tags=["mine"])
    with pytest.raises(Refused):
        build(alice, f"FROM {image_id}\n", tags=["mine"])
    # a learner builds from their own image
    own_id, _ = build(bob, "FROM secret\nRUN echo again\n", tags=["again"])
    assert bob.run("docker run --rm again").stdout == "secret\n"
    assert own_id != image_id


def test_the_image_cap_refuses_by_name(make_engine) -> None:
    engine = make_engine(policy=Policy(max_images=2))
    build(engine, "FROM busybox\n", tags=["one"])
    build(engine, "FROM busybox\nENV X=1\n", tags=["two"])
    build(engine, "FROM busybox\nENV X=2\n", tags=["two"])  # a rebuild replaces its own tag
    assert engine.run("docker images -q two").stdout.count("\n") == 1
    with pytest.raises(Refused, match="its limit is 2"):
        build(engine, "FROM busybox\nENV X=3\n", tags=["three"])
    with pytest.raises(Refused, match="its limit is 2"):
        block_on(spawn(engine.api.image_tag("one", "another", "latest")))
    engine.run("docker rmi one")
    build(engine, "FROM busybox\nENV X=3\n", tags=["three"])


def test_images_are_reaped_with_the_sandbox_and_by_the_sweep(make_engine, daemon) -> None:
    engine = make_engine()
    build(engine, "FROM busybox\nRUN true\n", tags=["kept"])
    build(engine, "FROM busybox\nRUN echo untagged\n")
    block_on(spawn(engine.api.image_tag("busybox", "mybox", "latest")))  # a tag of a shared image
    assert len(daemon_images(daemon, engine)) == 3
    engine.close()
    assert daemon_images(daemon, engine) == []
    assert daemon.get("/images/{0}/json", "busybox:latest")  # the shared image stays
    orphan = make_engine()
    build(orphan, "FROM busybox\nRUN true\n", tags=["orphan"])
    orphan.shutdown()  # the server stops: the image stays until the next start's sweep
    assert daemon_images(daemon, orphan)
    sweep_orphans(daemon, live={session_label("someone-else")})
    assert daemon_images(daemon, orphan) == []


def test_a_build_shows_no_containers_only_its_tag(make_engine) -> None:
    """The classic builder's intermediate containers never reach the learner's events or ps, even
    those of a build from the learner's own (labelled) image."""
    engine = make_engine()
    mark = len(engine.history)
    build(engine, "FROM busybox\nRUN echo one\n", tags=["base"])
    build(engine, "FROM base\nRUN echo two\nCMD [\"true\"]\n", tags=["child"])
    engine.settle()
    events = [(e.type, e.action, e.attributes.get("name")) for e in list(engine.history)[mark:]]
    assert events == [("image", "tag", "base:latest"), ("image", "tag", "child:latest")]
    assert engine.run("docker ps -a -q").stdout == ""
    result = engine.run("docker run --name cc child")
    assert result.exit_code == 0
    engine.settle()
    actions = [e.action for e in list(engine.history)[mark:] if e.type == "container"]
    assert actions[:3] == ["create", "attach", "start"] and "die" in actions
