"""The shape of a personal API token: ``tpd_<prefix>_<secret>``.

The prefix (8 hex characters) is stored in clear so a user can tell their tokens apart; the whole token is stored
only as its SHA-256 hash. The secret has 256 bits of entropy, so a plain (unsalted) hash is safe and lets a token be
found by an indexed lookup of its hash instead of comparing it against every stored token.
"""

from __future__ import annotations

import hashlib
import secrets

TOKEN_SCHEME = "tpd"  # noqa: S105 - the public label of our tokens, not a secret
PREFIX_LENGTH = 8
SECRET_BYTES = 32
MAX_TOKEN_LENGTH = 128


def token_generate() -> tuple[str, str]:
    """A fresh token as ``(prefix, plaintext)``."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    return prefix, f"{TOKEN_SCHEME}_{prefix}_{secrets.token_urlsafe(SECRET_BYTES)}"


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def token_prefix(raw: str) -> str | None:
    """The prefix of a well-formed token, or None when ``raw`` is not one of ours."""
    if not raw or len(raw) > MAX_TOKEN_LENGTH:
        return None
    scheme, _, rest = raw.partition("_")
    prefix, _, secret = rest.partition("_")
    if scheme != TOKEN_SCHEME or len(prefix) != PREFIX_LENGTH or not secret:
        return None
    return prefix


def token_display(prefix: str) -> str:
    """How a stored token is shown in lists: its public part only."""
    return f"{TOKEN_SCHEME}_{prefix}_…"
