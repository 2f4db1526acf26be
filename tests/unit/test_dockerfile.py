"""The Dockerfile, read line by line: base image, non-root user, production command, what it copies.

Building the image needs a registry, so CI cannot; these checks catch what breaks an image
quietly instead: a COPY of a file that moved (or that .dockerignore drops), a command naming a
module that is gone, a health check on a URL the app does not answer, the daemon socket by default.
"""

from __future__ import annotations

import ast
import fnmatch
import json
import re
import shlex
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from webapp import close_app, create_app
from webapp.cli import build_parser, cmd_serve
from webapp.views import VENDOR_FILES

ROOT = Path(__file__).resolve().parents[2]
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


@dataclass
class Stage:
    image: str
    name: str | None
    lines: list[tuple[str, str]] = field(default_factory=list)  # (INSTRUCTION, arguments)

    def all(self, instruction: str) -> list[str]:
        return [args for name, args in self.lines if name == instruction]

    def last(self, instruction: str) -> str:
        found = self.all(instruction)
        assert found, f"no {instruction} in the stage FROM {self.image}"
        return found[-1]


def parse(text: str) -> list[Stage]:
    """Stages of a Dockerfile: comments dropped, continuation lines joined."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if pending and line.startswith("#"):
            continue  # a comment inside a continued instruction
        if line.endswith("\\"):
            pending += line[:-1].rstrip() + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[Stage] = []
    for line in logical:
        instruction, _, args = line.partition(" ")
        instruction, args = instruction.upper(), args.strip()
        if instruction == "FROM":
            words = args.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
            stages.append(Stage(words[0], name))
        else:
            assert stages, f"{instruction} before the first FROM"
            stages[-1].lines.append((instruction, args))
    return stages


def exec_form(args: str) -> list[str]:
    """A JSON-array argument (CMD ["a", "b"]), as a list."""
    value = json.loads(args)
    assert isinstance(value, list) and all(isinstance(v, str) for v in value), args
    return value


def copy_args(args: str) -> tuple[dict[str, str], list[str], str]:
    """COPY's --flags, sources and destination."""
    words = shlex.split(args)
    flags = {}
    while words and words[0].startswith("--"):
        key, _, value = words.pop(0)[2:].partition("=")
        flags[key] = value
    return flags, words[:-1], words[-1]


def ignored(path: str, patterns: list[str]) -> bool:
    """Whether .dockerignore keeps `path` out of the build context (its common forms only)."""
    hit = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = raw.lstrip("!").strip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        match = any(fnmatch.fnmatchcase(p, pattern) for p in prefixes)
        if pattern.startswith("**/"):
            match = match or any(fnmatch.fnmatchcase(p, pattern[3:]) for p in parts)
        if match:
            hit = not negate
    return hit


@pytest.fixture(scope="module")
def stages() -> list[Stage]:
    return parse(DOCKERFILE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def final(stages) -> Stage:
    return stages[-1]


@pytest.fixture(scope="module")
def ignore_patterns() -> list[str]:
    lines = DOCKERIGNORE.read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


def test_the_parser_reads_continuations_and_stages():
    text = "FROM a AS one\n# note\nRUN x \\\n    # inside\n    && y\nFROM b\nUSER me\n"
    one, two = parse(text)
    assert (one.image, one.name, one.lines) == ("a", "one", [("RUN", "x && y")])
    assert (two.image, two.name, two.lines) == ("b", None, [("USER", "me")])


def test_multi_stage_with_npm_ci_and_a_python_slim_runtime(stages, final):
    assert len(stages) >= 2
    assert final.image == "python:3.11-slim"
    node = [s for s in stages[:-1] if s.image.startswith("node:")]
    assert node and node[0].name, "a named node stage installs the front-end packages"
    assert any(re.search(r"\bnpm ci\b", run) for run in node[0].all("RUN"))
    copies = [copy_args(a) for a in node[0].all("COPY")]
    assert {"package.json", "package-lock.json"} <= {s for _, srcs, _ in copies for s in srcs}


def test_runs_as_a_non_root_user(final):
    user = final.last("USER").split(":")[0]
    assert user not in ("root", "0")
    order = [name for name, _ in final.lines]
    assert order.index("USER") < order.index("CMD")
    assert any(re.search(rf"\buseradd\b.*\b{re.escape(user)}\b", run) for run in final.all("RUN"))


def test_the_command_is_the_production_server_on_the_exposed_port(final):
    """`lifecycle-lab serve --production` (gunicorn on webapp.wsgi:app), or gunicorn directly."""
    assert not final.all("ENTRYPOINT")
    command = exec_form(final.last("CMD"))
    if command[0] == "lifecycle-lab":
        args = build_parser().parse_args(command[1:])
        assert args.func is cmd_serve and args.production, command
        host, port, target = args.host, str(args.port), "webapp.wsgi:app"
    else:
        assert command[0] == "gunicorn", command
        assert command[command.index("-w") + 1] == "1"  # sandboxes live in one process's memory
        host, _, port = command[command.index("-b") + 1].rpartition(":")
        target = command[-1]
    assert host == "0.0.0.0" and final.last("EXPOSE") == port == "5000"
    module, _, attribute = target.partition(":")
    source = ROOT / (module.replace(".", "/") + ".py")
    assert source.is_file(), f"{target}: no {source.relative_to(ROOT)}"
    tree = ast.parse(source.read_text(encoding="utf-8"))
    names = {t.id for node in tree.body if isinstance(node, ast.Assign)
             for t in node.targets if isinstance(t, ast.Name)}
    assert attribute in names, f"{source.name} defines no {attribute}"
    installs = " ".join(run for run in final.all("RUN") if "pip install" in run)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "gunicorn" in installs or re.search(r'^\s*"gunicorn\b', pyproject, re.MULTILINE)


def test_every_copied_file_is_in_the_repository_and_the_build_context(stages, ignore_patterns):
    checked = 0
    for stage in stages:
        for args in stage.all("COPY") + stage.all("ADD"):
            flags, sources, _ = copy_args(args)
            if "from" in flags:
                continue
            for src in sources:
                assert (ROOT / src).exists(), f"COPY {src}: not in the repository"
                assert not ignored(src, ignore_patterns), f"COPY {src}: excluded by .dockerignore"
                checked += 1
    assert checked >= 6


def test_the_image_holds_every_front_end_package_the_pages_load(stages, final):
    node = {s.name: s for s in stages if s.name}
    copied: list[str] = []
    for args in final.all("COPY"):
        flags, sources, dest = copy_args(args)
        if flags.get("from") in node:
            assert dest.rstrip("/").startswith("./node_modules") or "/node_modules" in dest
            copied += [src.split("node_modules/", 1)[1].rstrip("/") for src in sources]
    packages = {"/".join(p.split("/")[:2] if p.startswith("@") else p.split("/")[:1])
                for p in VENDOR_FILES}
    for package in packages:
        assert any(package == c or package.startswith(c + "/") for c in copied), package


def test_state_and_settings_default_to_the_simulator_and_a_volume(final):
    env = " ".join(final.all("ENV"))
    assert re.search(r"\bLAB_ENGINE=sim\b", env)
    db = re.search(r"\bLAB_DB=(\S+)", env)
    assert db, "LAB_DB is set"
    volumes = [v for args in final.all("VOLUME") for v in exec_form(args)]
    assert any(db.group(1).startswith(v.rstrip("/") + "/") for v in volumes)
    assert "LAB_SECRET_KEY=" not in env  # a secret is given at run time, never baked in
    text = DOCKERFILE.read_text(encoding="utf-8")
    live = [line for line in text.splitlines() if not line.lstrip().startswith("#")]
    assert not any("docker.sock" in line for line in live)
    assert "LAB_SECRET_KEY" in text and "LAB_ENGINE=docker" in text  # both documented


def test_the_healthcheck_asks_a_url_the_app_answers(final, tmp_path):
    check = final.last("HEALTHCHECK")
    url = re.search(r"https?://[^'\" ]+", check)
    assert url, check
    match = re.fullmatch(r"http://(127\.0\.0\.1|localhost):(\d+)(/\S*)", url.group(0))
    assert match and match.group(2) == final.last("EXPOSE")
    app = create_app({"LAB_DB": str(tmp_path / "lab.db"), "LAB_INSTANCE": str(tmp_path),
                      "LAB_ENGINE": "sim", "LAB_REAP_INTERVAL": 0, "SECRET_KEY": "x"})
    try:
        assert app.test_client().get(match.group(3)).status_code == 200
    finally:
        close_app(app)


@pytest.mark.parametrize("entry", [".venv", "node_modules", "instance", ".git"])
def test_dockerignore_keeps_local_state_out(ignore_patterns, entry):
    assert ignored(entry, ignore_patterns)
    assert ignored(f"{entry}/some/file", ignore_patterns)


def test_dockerignore_keeps_what_the_app_needs(ignore_patterns):
    for path in ("webapp/wsgi.py", "templates/base.html", "static/js/app.js",
                 "lessons", "pyproject.toml", "README.md"):
        assert not ignored(path, ignore_patterns), path
