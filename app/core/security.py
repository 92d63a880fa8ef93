"""Password hashing (argon2, off the event loop) and signed bearer tokens (JWT, HS256 pinned,
`exp` required), which name the login session (`sid`) the database checks on every request."""

import datetime as dt
import functools
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import jwt
from anyio import CapacityLimiter, to_thread
from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

Role = Literal["owner", "staff"]
ROLES: tuple[Role, ...] = ("owner", "staff")
_ALGORITHM = "HS256"
_SECRET_FILE = "secret_key"  # noqa: S105 - a file name

_hasher = PasswordHash((Argon2Hasher(),))
# Verifying against this when the phone is unknown keeps a failed login's timing the same
# whether or not the account exists.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


# An argon2 hash takes ~80 ms of CPU; computed on the event loop it stalls every request of
# the worker (issue 12: four clients registering in a loop pushed /api/health past 1 s). So
# hashes run in worker threads (argon2 releases the GIL), at most this many at once: more
# would only queue in the OS instead of here.
_HASHING = CapacityLimiter(2)


def set_hash_threads(threads: int) -> None:
    """How many passwords one worker process hashes at once (`PASSWORD_HASH_THREADS`)."""
    _HASHING.total_tokens = threads


async def hash_password(password: str) -> str:
    return await to_thread.run_sync(_hasher.hash, password, limiter=_HASHING)


async def verify_password(password: str, password_hash: str | None) -> bool:
    matches = await to_thread.run_sync(
        _hasher.verify, password, password_hash or _DUMMY_HASH, limiter=_HASHING
    )
    return matches and password_hash is not None


class InvalidToken(Exception):
    pass


@dataclass(frozen=True, slots=True)
class Principal:
    """Who is calling: the user, their shop, their role and their login session, as signed
    into the token. The signature proves what the token said when issued; whether the session
    is still live and the role still held is checked by the database with the shop switch."""

    user_id: int
    shop_id: int
    role: Role
    session_id: int


def issue_token(principal: Principal, secret: str, minutes: int) -> str:
    now = dt.datetime.now(dt.UTC)
    claims = {
        "sub": str(principal.user_id),
        "shop": principal.shop_id,
        "role": principal.role,
        "sid": principal.session_id,
        "iat": now,
        "exp": now + dt.timedelta(minutes=minutes),
    }
    return jwt.encode(claims, secret, algorithm=_ALGORITHM)


def bearer_token(authorization: str | None) -> str | None:
    """The token of an `Authorization: Bearer <token>` header: the scheme in any case, any
    spacing around the token; None for another scheme or no token. The one reading of the
    header, for authentication and for the per-user write limit alike, so a client cannot
    spell it one way for one and another way for the other."""
    if not authorization:
        return None
    scheme, _, token = authorization.strip().partition(" ")
    token = token.strip()
    return token if scheme.lower() == "bearer" and token else None


def read_token(token: str, secret: str) -> Principal:
    """The caller of a valid, unexpired token; InvalidToken otherwise.

    A token's signature is checked once per worker and remembered (`_verified`): a shop's
    app sends the same token with every request, and decoding it was 3% of a sale's CPU.
    Expiry is checked on every call, against the remembered `exp`.
    """
    principal, expires = _verified(token, secret)
    if expires <= time.time():
        raise InvalidToken("Signature has expired")
    return principal


@functools.lru_cache(maxsize=4096)
def _verified(token: str, secret: str) -> tuple[Principal, int]:
    """The principal and expiry (epoch seconds) of a token with a good signature and claims.

    Raises InvalidToken (not cached: only good tokens are remembered).
    """
    try:
        claims = jwt.decode(
            token,
            secret,
            algorithms=[_ALGORITHM],
            options={"require": ["exp", "sub", "shop", "sid"]},
        )
        role = claims.get("role")
        if role not in ROLES:
            raise InvalidToken("unknown role")
        principal = Principal(
            user_id=int(claims["sub"]),
            shop_id=int(claims["shop"]),
            role=role,
            session_id=int(claims["sid"]),
        )
        return principal, int(claims["exp"])
    except (jwt.PyJWTError, ValueError, TypeError) as exc:
        raise InvalidToken(str(exc)) from exc


def load_or_create_secret(configured: str | None, data_dir: Path) -> str:
    """The configured secret, else one generated once and kept in the data dir (mode 0600).

    Created with O_EXCL so that several workers starting together agree on one secret.
    """
    if configured:
        return configured
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / _SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_urlsafe(48))
    for _ in range(50):
        secret = path.read_text().strip()
        if secret:
            return secret
        # another process created the file and has not written it yet
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty")
