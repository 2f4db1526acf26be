"""`docker build` (and `image build`, `builder build`), as docker buildx runs it: the context is the
client's current folder (the learner's workspace), progress is BuildKit's on stderr, `-q` prints
only the image ID on stdout, a failure is `ERROR: failed to build: ...` with exit code 1."""

from __future__ import annotations

from ...api import ApiError
from ..buildprogress import BuildCancelled, BuildDisplay, failure_text
from ..client import Cli
from ..parsed import ParsedCommand

PROGRESS_MODES = ("auto", "plain", "tty", "quiet", "rawjson")


def _build_args(cmd: ParsedCommand) -> tuple[dict[str, str], str | None]:
    """`--build-arg K=V` pairs, or the refusal of a `--build-arg K` (which would read the client's
    environment: the console does not pass it on)."""
    args: dict[str, str] = {}
    for item in cmd.values("build-arg"):
        key, eq, value = item.partition("=")
        if not eq:
            return {}, (f"--build-arg {key} takes its value from the docker client's environment, "
                        f"which this console does not pass on: write --build-arg {key}=VALUE")
        args[key] = value
    return args, None


async def build(cli: Cli, cmd: ParsedCommand) -> int:
    context = cmd.args[0]
    progress = str(cmd.get("progress") or "auto")
    quiet = cmd.flag("quiet")
    if progress not in PROGRESS_MODES:
        cli.err(f"ERROR: failed to build: invalid progress mode {progress}\n")
        return 1
    if progress == "rawjson":
        cli.err("docker: refused by the Lifecycle Lab sandbox: --progress=rawjson is not "
                "available in this sandbox: use --progress=plain or --progress=tty\n")
        return 1
    if context == "-":
        cli.err("docker: refused by the Lifecycle Lab sandbox: a build context on stdin "
                "(docker build -) is not available in this sandbox: the context is the "
                "workspace, `docker build .`\n")
        return 1
    if "://" in context or context.startswith("git@"):
        cli.err("docker: refused by the Lifecycle Lab sandbox: a build context from a URL is not "
                "available in this sandbox (no network): the context is the workspace, "
                "`docker build .`\n")
        return 1
    if context.rstrip("/") not in (".", "./.") and context not in ("./",):
        cli.err(f'ERROR: failed to build: unable to prepare context: path "{context}" not found\n')
        return 1
    dockerfile = str(cmd.get("file") or "Dockerfile")
    if dockerfile == "-":
        cli.err("docker: refused by the Lifecycle Lab sandbox: a Dockerfile on stdin (-f -) is not "
                "available in this sandbox: write it in the workspace's Dockerfile\n")
        return 1
    dockerfile = dockerfile.removeprefix("./")
    build_args, refusal = _build_args(cmd)
    if refusal is not None:
        cli.err(f"docker: refused by the Lifecycle Lab sandbox: {refusal}\n")
        return 1
    labels = {}
    for item in cmd.values("label"):
        key, _, value = item.partition("=")
        labels[key] = value
    tags = cmd.values("tag")
    for tag in tags:
        problem = _tag_format(tag)
        if problem is not None:
            cli.err(f'ERROR: failed to build: invalid tag "{tag}": {problem}\n')
            return 1
    if quiet:
        mode = "quiet"
    elif progress in ("auto", ""):
        mode = "tty" if cli.job.tty else "plain"
    else:
        mode = progress
    if mode == "tty" and not cli.job.tty:
        cli.err("ERROR: failed to build: failed to get console: provided file is not a console\n")
        return 1
    size = cli.job.tty_size
    display = BuildDisplay(cli.err, mode, out=cli.out, width=size[1] if size else 80)
    job = cli.job

    def on_message(message: dict) -> None:
        if job.done:  # Ctrl-C ended the client: the build is cancelled with it
            raise BuildCancelled()
        display.message(message)

    try:
        image_id = await cli.api.image_build(
            cli.workspace, dockerfile=dockerfile, tags=tags, build_args=build_args,
            target=str(cmd.get("target") or ""), no_cache=cmd.flag("no-cache"),
            labels=labels or None, on_message=on_message)
    except BuildCancelled:
        return 130
    except ApiError as err:
        display.finish()
        cli.err(failure_text(display, err.message, getattr(err, "source", None)))
        return 1
    display.finish()
    if display.error is not None:
        cli.err(failure_text(display, display.error))
        return 1
    cli.err(display.warnings_text())
    if quiet:
        cli.out(f"{image_id}\n")
    return 0


def _tag_format(tag: str) -> str | None:
    """The reference problems buildx reports before it builds (`invalid reference format`)."""
    import re

    name, _, version = tag.rpartition(":") if ":" in tag.rsplit("/", 1)[-1] else (tag, "", "")
    if not re.fullmatch(r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:/[a-z0-9]+(?:(?:[._]|__|-+)"
                        r"[a-z0-9]+)*)*", name.split("/", 1)[1] if "." in name.split("/")[0]
                        and "/" in name else name):
        if any(c.isupper() for c in name):
            return "repository name must be lowercase"
        return "invalid reference format"
    if version and not re.fullmatch(r"[\w][\w.-]{0,127}", version):
        return "invalid reference format"
    return None
