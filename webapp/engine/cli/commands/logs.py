"""`docker logs`: print the log the daemon kept, and with `-f` what comes until the container ends."""

from __future__ import annotations

from ...api import ApiError
from ..client import Cli
from ..client_side import parse_time
from ..parsed import ParsedCommand


async def logs(cli: Cli, cmd: ParsedCommand) -> int:
    now = cli.now()
    try:
        stream = await cli.api.container_logs(
            cmd.args[0], follow=bool(cmd.get("follow")), timestamps=bool(cmd.get("timestamps")),
            tail=str(cmd.get("tail", "all")), since=parse_time(cmd.get("since"), now),
            until=parse_time(cmd.get("until"), now))
    except ApiError as err:
        cli.daemon_error(err.message)
        return 1
    job = cli.job
    with cli.locked():
        job.cancel_handler = stream.close
        job.done_listeners.append(lambda _: stream.close())

    def chunk(stream_name: str, text: str) -> None:
        (cli.err if stream_name == "stderr" else cli.out)(text)

    await stream.read(chunk)
    return 0
