"""Failed logins slow a password guesser to a crawl: past a few failures for one account,
or many from one address, within a quarter of an hour, logins are refused (429) until the
window has moved on, whether the password is right or not, so guessing on gains nothing.

Counted with `limits` (a moving window, in this process's memory: one app process serves
a database, and a restart forgetting the count costs a guesser only one window). The
per-address limit is the higher one: behind the council's reverse proxy every request may
come from the proxy's address, and one person's typing must not lock out the team.
"""

from __future__ import annotations

import math
import time

from limits import RateLimitItem, RateLimitItemPerMinute
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

WINDOW_MINUTES = 15
PER_ACCOUNT = RateLimitItemPerMinute(5, WINDOW_MINUTES)
PER_ADDRESS = RateLimitItemPerMinute(50, WINDOW_MINUTES)


class LoginLimits:
    def __init__(
        self, per_account: RateLimitItem = PER_ACCOUNT, per_address: RateLimitItem = PER_ADDRESS
    ) -> None:
        self._limiter = MovingWindowRateLimiter(MemoryStorage())
        self._checks = (("account", per_account), ("address", per_address))

    def _keys(self, name: str, address: str) -> list[tuple[RateLimitItem, str, str]]:
        # Names are compared as typed but case-folded: "Alice" and "alice" share a count.
        keys = {"account": name.casefold()[:64], "address": address}
        return [(item, kind, keys[kind]) for kind, item in self._checks]

    def refused_for(self, name: str, address: str) -> int:
        """Seconds until a login for `name` from `address` may be tried again; 0: now."""
        waits = [
            self._limiter.get_window_stats(item, kind, key).reset_time - time.time()
            for item, kind, key in self._keys(name, address)
            if not self._limiter.test(item, kind, key)
        ]
        return max(1, math.ceil(max(waits))) if waits else 0

    def failed(self, name: str, address: str) -> None:
        for item, kind, key in self._keys(name, address):
            self._limiter.hit(item, kind, key)

    def succeeded(self, name: str) -> None:
        """The account's own count starts again; the address's does not."""
        item, kind, key = self._keys(name, "")[0]
        self._limiter.clear(item, kind, key)
