"""The real-daemon engine's build policy and progress translation (`engine/docker/build.py`), without
a daemon: which Dockerfiles are refused, how bases are named by ID, and how the classic builder's
stream reads in BuildKit's shape."""

from __future__ import annotations

import pytest

from webapp.engine.api import ApiError, Refused
from webapp.engine.docker import build
from webapp.engine.docker.policy import Policy

IDS = {"busybox": "sha256:" + "b" * 64, "alpine": "sha256:" + "a" * 64,
       "mine": "sha256:" + "c" * 64}


def resolve(ref: str) -> str | None:
    return IDS.get(ref) or IDS.get(ref.removesuffix(":latest"))


def plan(text: str, **options: object) -> build.Plan:
    kwargs: dict = {"build_args": {}, "target": "", "resolve": resolve,
                    "refuse_image": lambda ref: f"image '{ref}' is not available"}
    kwargs.update(options)
    return build.plan(text, **kwargs)


def test_instructions_join_continuations_and_skip_comments() -> None:
    text = "# escape=`\n# a comment\nFROM busybox\nRUN echo a `\n  # inside\n  && echo b\nCMD [\"sh\"]\n"
    found = build.instructions(text)
    assert [(i.cmd, i.args, i.line) for i in found] == [
        ("from", "busybox", 3), ("run", "echo a && echo b", 4), ("cmd", '["sh"]', 7)]


def test_bases_are_named_by_id_on_their_own_lines() -> None:
    text = ("ARG BASE=alpine\nFROM busybox AS build\nRUN echo hi\nFROM ${BASE}\n"
            "COPY --from=build /x /x\nCOPY --from=mine /y /y\n")
    result = plan(text)
    lines = result.dockerfile.split("\n")
    assert lines[1] == f"FROM {IDS['busybox']} AS build"
    assert lines[3] == f"FROM {IDS['alpine']}"
    assert lines[4] == "COPY --from=build /x /x"
    assert lines[5] == f"COPY --from={IDS['mine']} /y /y"
    assert [s.base for s in result.stages] == ["busybox", "alpine"]


def test_build_args_pick_the_base() -> None:
    result = plan("ARG BASE=nosuch\nFROM $BASE\n", build_args={"BASE": "busybox"})
    assert result.dockerfile.startswith(f"ARG BASE=nosuch\nFROM {IDS['busybox']}")


@pytest.mark.parametrize(("text", "words"), [
    ("FROM nosuch\n", "not available"),
    ("FROM busybox\nCOPY --from=nosuch:1 /a /a\n", "not available"),
    ("FROM busybox\nADD http://example.com/f /f\n", "no network"),
    ("FROM busybox\nADD [\"https://example.com/f\", \"/f\"]\n", "no network"),
    ("FROM busybox\nONBUILD ADD git@github.com:x/y /y\n", "no network"),
    ("FROM busybox\nLABEL a=b \"lifecycle-lab.session\"=x\n", "reserved"),
    ("FROM \\\n  busybox\n", "first line"),
])
def test_refusals(text: str, words: str) -> None:
    with pytest.raises(Refused) as refused:
        plan(text)
    assert words in refused.value.reason


def test_downloads_pass_the_scan_when_the_policy_allows_the_network() -> None:
    """(The Dockerfile frontend, where installed, refuses ADD of a URL by name anyway.)"""
    build._check(build.Instruction("add", "http://example.com/f /f", 2), allow_network=True)
    with pytest.raises(Refused):
        build._check(build.Instruction("add", "http://example.com/f /f", 2), allow_network=False)


def test_an_unknown_target_is_the_builders_error() -> None:
    with pytest.raises(ApiError, match="target nope"):
        plan("FROM busybox AS one\n", target="nope")


def test_build_params_carry_the_sandbox_limits() -> None:
    params = build.build_params(Policy(), dockerfile="Dockerfile", tags=["abc-x:latest"],
                                labels={"k": "v"}, build_args={}, target="", no_cache=False)
    assert params["networkmode"] == "none" and params["pull"] is False
    assert params["rm"] and params["forcerm"]
    assert params["memory"] == params["memswap"] == Policy().memory
    assert params["cpuquota"] == 50_000 and params["cpuperiod"] == 100_000


def classic_stream(image_id: str) -> list[dict]:
    return [
        {"stream": "Step 1/5 : FROM " + IDS["busybox"]}, {"stream": "\n"},
        {"stream": " ---> bbbbbbbbbbbb\n"},
        {"stream": "Step 2/5 : COPY run.sh /run.sh"}, {"stream": "\n"},
        {"stream": " ---> Using cache\n"}, {"stream": " ---> 111111111111\n"},
        {"stream": "Step 3/5 : RUN echo hi && ls /nope"}, {"stream": "\n"},
        {"stream": " ---> Running in 222222222222\n"}, {"stream": "hi\n"},
        {"stream": "\u001b[91mls: /nope: No such file or directory\n\u001b[0m"},
        {"stream": "Removing intermediate container 222222222222\n"},
        {"stream": " ---> 333333333333\n"},
        {"stream": "Step 4/5 : CMD [\"/run.sh\"]"}, {"stream": "\n"},
        {"stream": " ---> 444444444444\n"},
        {"stream": "Step 5/5 : LABEL lifecycle-lab.session=s"}, {"stream": "\n"},
        {"stream": " ---> 555555555555\n"},
        {"aux": {"ID": image_id}},
        {"stream": "Successfully built 555555555555\n"},
        {"stream": "Successfully tagged abc-x:latest\n"},
    ]


def test_the_classic_stream_reads_as_buildkit_progress() -> None:
    text = "FROM busybox\nCOPY run.sh /run.sh\nRUN echo hi && ls /nope\nCMD [\"/run.sh\"]\n"
    messages: list[dict] = []
    ticks = iter(range(1000))
    translator = build.BuildkitTranslator(plan(text), dockerfile="Dockerfile", context_bytes=99,
                                          tags=["x:latest"], emit=messages.append,
                                          clock=lambda: float(next(ticks)))
    image_id = "sha256:" + "5" * 64
    for msg in classic_stream(image_id):
        translator.message(msg)
    translator.finish(["x:latest"])
    vertexes: dict[str, dict] = {}
    logs = []
    statuses = []
    for msg in messages[:-1]:
        assert msg["id"] == "moby.buildkit.trace"
        for v in msg["aux"]["vertexes"]:
            vertexes[v["digest"]] = v
        logs += [(log["stream"], log["data"]) for log in msg["aux"]["logs"]]
        statuses += [s["id"] for s in msg["aux"]["statuses"]]
    assert [v["name"] for v in vertexes.values()] == [
        "[internal] load build definition from Dockerfile", "[internal] load .dockerignore",
        "[internal] load metadata for docker.io/library/busybox:latest",
        "[1/3] FROM docker.io/library/busybox", "[internal] load build context",
        "[2/3] COPY run.sh /run.sh", "[3/3] RUN echo hi && ls /nope", "exporting to image"]
    assert all(v["completed"] is not None for v in vertexes.values())
    assert [v["cached"] for v in vertexes.values()][5] is True
    assert logs == [(1, "hi\n"), (2, "ls: /nope: No such file or directory\n")]
    assert statuses[-3:] == ["exporting layers", f"writing image {image_id}",
                             "naming to docker.io/library/x:latest"]
    assert messages[-1] == {"id": "moby.image.id", "aux": {"ID": image_id}}


def test_a_failing_step_carries_buildkits_error() -> None:
    text = "FROM busybox\nRUN exit 3\n"
    messages: list[dict] = []
    translator = build.BuildkitTranslator(plan(text), dockerfile="Dockerfile", context_bytes=1,
                                          tags=[], emit=messages.append)
    for msg in [{"stream": "Step 1/2 : FROM x\n"}, {"stream": "Step 2/2 : RUN exit 3\n"},
                {"errorDetail": {"code": 3, "message":
                                 "The command '/bin/sh -c exit 3' returned a non-zero code: 3"},
                 "error": "The command '/bin/sh -c exit 3' returned a non-zero code: 3"}]:
        translator.message(msg)
    assert translator.line == 2
    failed = messages[-1]["aux"]["vertexes"][0]
    assert failed["name"] == "[2/2] RUN exit 3"
    assert failed["error"] == 'process "/bin/sh -c exit 3" did not complete successfully: exit code: 3'


def test_multi_stage_names() -> None:
    text = "FROM busybox AS build\nRUN true\nFROM alpine\nCOPY --from=build /a /a\n"
    translator = build.BuildkitTranslator(plan(text), dockerfile="Dockerfile", context_bytes=1,
                                          tags=[], emit=lambda m: None)
    assert translator._names == ["[build 1/2] FROM docker.io/library/busybox",
                                 "[build 2/2] RUN true", "[stage-1 1/2] FROM docker.io/library/alpine",
                                 "[stage-1 2/2] COPY --from=build /a /a"]


def test_history_reads_as_buildkits() -> None:
    image_id = "sha256:" + "9" * 64
    layers = [
        {"Id": image_id, "CreatedBy": "/bin/sh -c #(nop)  LABEL lifecycle-lab.session=abc",
         "Tags": ["x"]},
        {"Id": "sha256:" + "8" * 64, "CreatedBy": '/bin/sh -c #(nop)  CMD ["sh"]', "Tags": None},
        {"Id": "sha256:" + "7" * 64, "CreatedBy": "/bin/sh -c echo hi", "Tags": None},
        {"Id": "sha256:" + "6" * 64, "CreatedBy": "/bin/sh -c #(nop) COPY file:abc in /x ",
         "Tags": None},
        {"Id": "sha256:" + "5" * 64, "CreatedBy": "", "Tags": ["busybox:latest"],
         "Comment": "imported"},
    ]
    rows = build.buildkit_history(layers, image_id)
    assert [r["Id"] for r in rows] == [image_id] + ["<missing>"] * 3
    assert [r["CreatedBy"] for r in rows] == [
        'CMD ["sh"]', "RUN /bin/sh -c echo hi # buildkit", "COPY file:abc in /x # buildkit", ""]
    assert rows[-1]["Comment"] == "imported"
