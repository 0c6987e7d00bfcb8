"""API key tokens: "cg_<8 hex prefix>_<43 url-safe characters>", 32 random bytes behind a visible prefix that
finds the row; only the SHA-256 digest of the whole token is stored."""

import hashlib
import secrets

TOKEN_PREFIX = "cg"
PREFIX_LENGTH = 8


def new_token() -> tuple[str, str]:
    """(lookup prefix, token)."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{TOKEN_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def split_token(token: str) -> str | None:
    """The lookup prefix of a well-formed token, else None."""
    parts = token.split("_", 2)
    if len(parts) != 3 or parts[0] != TOKEN_PREFIX or len(parts[1]) != PREFIX_LENGTH or not parts[2]:
        return None
    return parts[1]
