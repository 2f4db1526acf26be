"""Events in the Docker Engine's own schema, whichever engine produced them.

The browser, the lesson checks and the replay transcripts all read this one shape, so the simulator
and the real-daemon engine are interchangeable behind them.
"""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Event:
    """One `docker events` record (`Type`, `Action`, `Actor{ID, Attributes}`, `time`, `timeNano`)."""

    type: str
    action: str
    actor_id: str
    attributes: dict[str, str] = field(default_factory=dict)
    time_nano: int = 0
    scope: str = "local"

    @property
    def time(self) -> int:
        return self.time_nano // 1_000_000_000

    @property
    def name(self) -> str:
        return self.attributes.get("name", "")

    def to_dict(self) -> dict[str, Any]:
        """The JSON object the Engine API's `GET /events` streams."""
        return {
            "Type": self.type,
            "Action": self.action,
            "Actor": {"ID": self.actor_id, "Attributes": dict(self.attributes)},
            "scope": self.scope,
            "time": self.time,
            "timeNano": self.time_nano,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Event:
        actor = data.get("Actor") or {}
        time_nano = data.get("timeNano") or int(data.get("time", 0)) * 1_000_000_000
        return cls(
            type=str(data.get("Type", "")),
            action=str(data.get("Action", "")),
            actor_id=str(actor.get("ID", "")),
            attributes={str(k): str(v) for k, v in (actor.get("Attributes") or {}).items()},
            time_nano=int(time_nano),
            scope=str(data.get("scope", "local")),
        )


class EventLog:
    """An engine's events: the recent history and the live subscribers, the same for both engines."""

    def __init__(self, maxlen: int):
        self.history: deque[Event] = deque(maxlen=maxlen)
        self._subscribers: list[Callable[[Event], None]] = []

    def publish(self, event: Event) -> None:
        self.history.append(event)
        for subscriber in list(self._subscribers):
            try:
                subscriber(event)
            except Exception:  # a broken listener must not break the engine
                log.exception("event subscriber failed")

    def subscribe(self, callback: Callable[[Event], None]) -> Callable[[], None]:
        """Call `callback` for every event from now on; returns the function that unsubscribes."""
        self._subscribers.append(callback)

        def unsubscribe() -> None:
            if callback in self._subscribers:
                self._subscribers.remove(callback)

        return unsubscribe
