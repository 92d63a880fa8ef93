"""Refuse to run in production with settings that are only safe on a developer's machine.

`DUKAAN_ENV=production` turns these into start-up errors rather than warnings: a generated
or weak token secret (each machine would sign its own tokens, and a short or patterned one
can be guessed offline), or API docs exposed without being asked for. A `*` CORS origin is
refused in every environment by the settings themselves.
"""

import math
import zlib
from collections import Counter

from app.config import Settings

MIN_SECRET_CHARS = 32
MIN_SECRET_BITS = 128
"""The least estimated entropy of DUKAAN_SECRET_KEY in production (HS256 wants 256 real bits;
`secrets.token_urlsafe(32)` estimates at about 200, 32 x `a` at 0)."""
_WEAK_SECRETS = frozenset({"secret", "changeme", "change-me", "dev", "development", "test"})
_ZLIB_FRAMING = len(zlib.compress(b"", 9))
_HOW_TO_GENERATE = "python -c 'import secrets; print(secrets.token_urlsafe(32))'"


def estimated_bits(secret: str) -> float:
    """A rough upper bound on a secret's entropy, from the secret alone.

    Bits per character (the Shannon entropy of its character counts: low for `aaaa...` and
    `abab...`) times the characters that carry news: its length, or fewer when it
    compresses (repeated chunks such as `abcd` x 16, whose characters alone look varied).
    A random secret scores near its true strength; a patterned one scores low.
    """
    if not secret:
        return 0.0
    counts = Counter(secret)
    length = len(secret)
    per_char = -sum(n / length * math.log2(n / length) for n in counts.values())
    compressed = len(zlib.compress(secret.encode(), 9)) - _ZLIB_FRAMING
    return per_char * min(length, compressed)


class UnsafeConfiguration(RuntimeError):
    """The process must not start: the message lists every problem found."""


def problems(settings: Settings) -> list[str]:
    found: list[str] = []
    secret = settings.auth.secret_key
    if not secret:
        found.append("DUKAAN_SECRET_KEY is not set (a generated per-machine secret is for dev)")
    elif len(secret) < MIN_SECRET_CHARS or secret.lower() in _WEAK_SECRETS:
        found.append(f"DUKAAN_SECRET_KEY must be a random string of {MIN_SECRET_CHARS}+ chars")
    elif (bits := estimated_bits(secret)) < MIN_SECRET_BITS:
        found.append(
            f"DUKAAN_SECRET_KEY looks guessable (about {bits:.0f} bits of entropy, "
            f"{MIN_SECRET_BITS}+ needed); generate one with {_HOW_TO_GENERATE}"
        )
    if "*" in settings.server.cors_origins:
        found.append("CORS_ORIGINS must not be '*'")
    return found


def check(settings: Settings) -> None:
    """Raise `UnsafeConfiguration` in production when any problem is found."""
    if settings.server.env != "production":
        return
    found = problems(settings)
    if found:
        raise UnsafeConfiguration("Refusing to start in production: " + "; ".join(found))
