"""`docker events`: the daemon's past events in the window, then live ones until `--until` or
until the learner stops the command."""

from __future__ import annotations

from typing import Any

from ...formats.gotemplate import TemplateError
from ...futures import Future
from ..client import Cli
from ..client_side import EventQuery, template_failed
from ..parsed import ParsedCommand


async def events(cli: Cli, cmd: ParsedCommand) -> int:
    query = EventQuery.of(cmd, cli.now())
    source = cli.api.events()
    ended: Future[int] = Future()
    job = cli.job

    def show(event: dict[str, Any]) -> None:
        try:
            query.show(cli.printer, event)
        except TemplateError as err:
            ended.set_result(template_failed(cli.printer, err))

    with cli.locked():  # no event may slip between the history and the subscription
        for event in query.past(source.history):
            show(event)
            if ended.done():
                return ended.result()
        if query.ended:
            return 0
        unsubscribe = source.subscribe(lambda event: None if job.done or ended.done()
                                       else show(event.to_dict()))
        job.done_listeners.append(lambda _: ended.set_result(0))
    if query.until is not None:
        cli.call_later(query.until - query.now, lambda: ended.set_result(0))
    try:
        return await ended
    finally:
        unsubscribe()
