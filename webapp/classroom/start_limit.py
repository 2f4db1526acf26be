"""How often one client may start a class (`LAB_CLASS_RATE`, e.g. "10/minute;30/hour").

Each start is a row in the store and an instructor secret in a cookie: a script posting the start
form in a loop must not fill the database. Counted per client address with the `limits` library's
moving window, in this process's memory (a class start is rare; a restart forgets the counts).
"""

from __future__ import annotations

import time

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter


class StartLimit:
    """`allow(client)` counts one start and says whether it is within every limit."""

    def __init__(self, rates: str):
        self.items: list[RateLimitItem] = parse_many(rates)
        self.limiter = MovingWindowRateLimiter(MemoryStorage())

    def allow(self, client: str) -> bool:
        if not all(self.limiter.test(item, "class-start", client) for item in self.items):
            return False
        hits = [self.limiter.hit(item, "class-start", client) for item in self.items]  # every one
        return all(hits)

    def retry_after(self, client: str) -> int:
        """Seconds until this client may start a class again (at least 1)."""
        resets = [self.limiter.get_window_stats(item, "class-start", client).reset_time
                  for item in self.items
                  if not self.limiter.test(item, "class-start", client)]
        return max(1, int(max(resets, default=time.time()) - time.time()) + 1)
