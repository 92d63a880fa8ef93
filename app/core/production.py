"""Refuse to run in production with settings that are only safe on a developer's machine.

`DUKAAN_ENV=production` turns these into start-up errors rather than warnings: a generated
or weak token secret (each machine would sign its own tokens, and a short one can be
guessed offline), or API docs exposed without being asked for. A `*` CORS origin is refused
in every environment by the settings themselves.
"""

from app.config import Settings

MIN_SECRET_CHARS = 32
_WEAK_SECRETS = frozenset({"secret", "changeme", "change-me", "dev", "development", "test"})


class UnsafeConfiguration(RuntimeError):
    """The process must not start: the message lists every problem found."""


def problems(settings: Settings) -> list[str]:
    found: list[str] = []
    secret = settings.auth.secret_key
    if not secret:
        found.append("DUKAAN_SECRET_KEY is not set (a generated per-machine secret is for dev)")
    elif len(secret) < MIN_SECRET_CHARS or secret.lower() in _WEAK_SECRETS:
        found.append(f"DUKAAN_SECRET_KEY must be a random string of {MIN_SECRET_CHARS}+ chars")
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
