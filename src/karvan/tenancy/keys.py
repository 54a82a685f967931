"""API key tokens: `kv_<prefix>_<secret>`.

The prefix (8 hex characters) finds the key's row; the SHA-256 of the whole token is the only secret
kept, compared in constant time. A random 32-byte secret makes a fast hash sufficient (no password
stretching is needed for tokens nobody chose).
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass

TOKEN_RE = re.compile(r"^kv_([0-9a-f]{8})_([A-Za-z0-9_-]{43})$")


@dataclass(frozen=True)
class NewToken:
    token: str
    prefix: str
    sha256: str


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def new_token() -> NewToken:
    prefix = secrets.token_hex(4)
    token = f"kv_{prefix}_{secrets.token_urlsafe(32)}"
    return NewToken(token=token, prefix=prefix, sha256=token_sha256(token))


def token_prefix(token: str) -> str | None:
    """The lookup prefix of a well-formed token, else None."""
    match = TOKEN_RE.match(token)
    return match.group(1) if match else None


def token_matches(token: str, stored_sha256: str) -> bool:
    return hmac.compare_digest(token_sha256(token), stored_sha256)
