"""How often one visitor address may use the public portal: submitting appeals, and looking up or rating by
tracking code (which also bounds guessing codes). Counted in the cache like the API's limits (DRF's rate
throttle); with several server processes that cache must be the shared one (Redis)."""

import math

from rest_framework.throttling import SimpleRateThrottle

from .conf import appeals_setting


class PortalLimit(SimpleRateThrottle):
    def __init__(self, setting: str) -> None:
        # The rate is read per request, so a deployment's or a test's setting applies at once.
        self.scope = setting.lower()
        self.rate = appeals_setting(setting)
        self.num_requests, self.duration = self.parse_rate(self.rate)

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def seconds_to_wait(request, setting: str) -> int:
    """Counts this use against the limit named by `setting`; 0 if it is allowed, else the seconds until
    the visitor may try again."""
    limit = PortalLimit(setting)
    if limit.allow_request(request, None):
        return 0
    return max(1, math.ceil(limit.wait() or 1))
