"""Rate limits, counted in the cache: per client application for keys (its own limit per minute; every key
of a client shares it, so rotating keys does not double it), per account for signed-in people, per address
for anonymous callers. With several server processes the cache must be shared (Redis) to count across them.
"""

from rest_framework.throttling import AnonRateThrottle, SimpleRateThrottle, UserRateThrottle

from .models import ApiKey


class ApiKeyRateThrottle(SimpleRateThrottle):
    scope = "api_key"

    def __init__(self) -> None:
        # The rate is the client's own, read per request in allow_request.
        pass

    def get_cache_key(self, request, view) -> str | None:
        if not isinstance(request.auth, ApiKey):
            return None
        return f"throttle_api_client_{request.auth.client_id}"

    def allow_request(self, request, view) -> bool:
        if not isinstance(request.auth, ApiKey):
            return True
        self.rate = f"{request.auth.client.rate_limit_per_minute}/min"
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)


class SignedInRateThrottle(UserRateThrottle):
    """Signed-in people; calls made with a key are counted by ApiKeyRateThrottle instead."""

    def get_cache_key(self, request, view) -> str | None:
        return None if isinstance(request.auth, ApiKey) else super().get_cache_key(request, view)


__all__ = ["AnonRateThrottle", "ApiKeyRateThrottle", "SignedInRateThrottle"]
