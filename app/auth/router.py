"""HTTP endpoints of /api/auth: parse, call the service, shape the response.

Every reply here carries `Cache-Control: no-store` (tokens and accounts must not be cached;
`app.web.middleware`). Account endpoints run on the system session (`AccountSessionDep`),
which checks the caller's login session; the owner-only ones also need `OwnerDep`.
"""

import json
from typing import Annotated

from fastapi import APIRouter, Depends, Request, Response, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service, sessions
from app.auth.dependencies import (
    AccountSessionDep,
    ClientAddressDep,
    DeviceDep,
    OwnerDep,
    PrincipalDep,
    ShopSessionDep,
)
from app.auth.schemas import (
    MeOut,
    MessageOut,
    PasswordChange,
    PasswordReset,
    RefreshIn,
    RegisterIn,
    RegisterOut,
    ShopRead,
    ShopUpdate,
    StaffCreate,
    StaffMember,
    TokenOut,
    UserRead,
    UserUpdate,
)
from app.core.openapi import AUTHED, BODY, WRITE, error_responses
from app.core.pagination import IdPath
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute
from app.db.session import SessionDep, SessionMakerDep
from app.idempotency.service import (
    BEFORE_A_SHOP,
    IdempotencyKeyDep,
    claim,
    fingerprint_post,
    idempotent,
    remember,
)

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=DecimalRoute)

_REGISTER = "/api/auth/register"
_TOKEN_FIELDS = {"access_token", "refresh_token"}


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=RegisterOut,
    responses=error_responses(400, 409, 413, 422, 429, 503),
)
async def register(
    data: RegisterIn,
    session: SessionDep,
    sessions_maker: SessionMakerDep,
    device: DeviceDep,
    address: ClientAddressDep,
    request: Request,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Open a shop: creates the shop and its owner, and returns an access and a refresh token.

    Limited per client address (`REGISTER_MAX_PER_HOUR`, a 429 beyond it; a replay is not
    counted). Takes `Idempotency-Key`: keys sent before a shop exists share one key space, and
    a replay needs the same body, password included. A replay answers the same shop and owner
    with the tokens of a new session: tokens are never stored with the key.
    """
    settings = request.app.state.settings
    secret = request.app.state.secret_key
    claimed = await claim(
        session,
        BEFORE_A_SHOP,
        idempotency_key,
        fingerprint_post(_REGISTER, data, secret=secret),
    )
    if claimed.is_replay:
        first = json.loads(claimed.replay_body or "{}")
        resumed = await service.resume_registration(
            session,
            user_id=int(first["user"]["user_id"]),
            shop_id=int(first["shop"]["shop_id"]),
            device=device,
            secret=secret,
            auth=settings.auth,
        )
        return respond(
            resumed,
            status_code=claimed.replay_status or 201,
            headers={"Idempotent-Replayed": "true"},
        )
    await sessions.AttemptLimiter(sessions_maker, settings.auth).registration(address)
    out = await service.register(
        session, data, device=device, defaults=settings.shop, secret=secret, auth=settings.auth
    )
    response = respond(out, status_code=status.HTTP_201_CREATED)
    stored = out.model_dump(mode="json", exclude=_TOKEN_FIELDS)
    await remember(session, BEFORE_A_SHOP, claimed, 201, json.dumps(stored))
    return response


@router.post(
    "/token", response_model=TokenOut, responses=error_responses(400, 401, 413, 422, 429, 503)
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    sessions_maker: SessionMakerDep,
    device: DeviceDep,
    address: ClientAddressDep,
    request: Request,
) -> DecimalJSONResponse:
    """OAuth2 password flow; `username` is the phone. Opens a session on this device
    (`X-Device-ID`, else the User-Agent) and returns an access and a refresh token.

    Attempts are limited per phone and client address (`LOGIN_MAX_FAILURES` in
    `LOGIN_WINDOW_SECONDS`) and failures per address (`LOGIN_MAX_FAILURES_PER_ADDRESS`):
    a 429 beyond either.
    """
    settings = request.app.state.settings
    out = await service.login(
        session,
        sessions.AttemptLimiter(sessions_maker, settings.auth),
        username=form.username,
        password=form.password,
        client_address=address,
        device=device,
        defaults=settings.shop,
        secret=request.app.state.secret_key,
        auth=settings.auth,
    )
    return respond(out)


@router.post(
    "/refresh", response_model=TokenOut, responses=error_responses(400, 401, 413, 422, 503)
)
async def refresh(
    data: RefreshIn, session: SessionDep, sessions_maker: SessionMakerDep, request: Request
) -> DecimalJSONResponse:
    """Exchange a refresh token for a new access token and a new refresh token.

    Each refresh token works once. Presenting a used one again ends its whole session (a
    copied token), and its access tokens stop working too: log in again. The new access
    token carries the user's current role.
    """
    out = await sessions.refresh(
        session,
        sessions_maker,
        data.refresh_token,
        secret=request.app.state.secret_key,
        auth=request.app.state.settings.auth,
    )
    return respond(out)


@router.post("/logout", response_model=MessageOut, responses=error_responses(*WRITE))
async def logout(session: AccountSessionDep, principal: PrincipalDep) -> DecimalJSONResponse:
    """End this session: its access and refresh tokens stop working."""
    await sessions.end_session(session, principal)
    return respond({"msg": "Logged out"})


@router.post("/password", response_model=MessageOut, responses=error_responses(*BODY))
async def change_password(
    data: PasswordChange, session: AccountSessionDep, principal: PrincipalDep
) -> DecimalJSONResponse:
    """Change your own password. Your other sessions end; this one goes on. A wrong
    `current_password` is a 422 naming it."""
    await service.change_password(session, principal, data)
    return respond({"msg": "Password changed; your other sessions have been logged out"})


@router.get("/me", response_model=MeOut, responses=error_responses(*AUTHED, 404))
async def me(session: ShopSessionDep, principal: PrincipalDep) -> DecimalJSONResponse:
    """The logged-in user and their shop."""
    return respond(await service.me(session, principal))


@router.get("/users", response_model=list[StaffMember], responses=error_responses(*AUTHED, 403))
async def list_users(session: AccountSessionDep, owner: OwnerDep) -> DecimalJSONResponse:
    """Owners only: the shop's users, owners and staff, active or not."""
    return respond(await service.list_users(session, owner.shop_id))


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=error_responses(*BODY, 403, 409),
)
async def add_staff(
    data: StaffCreate,
    session: AccountSessionDep,
    owner: OwnerDep,
    request: Request,
    idempotency_key: IdempotencyKeyDep,
) -> Response:
    """Owners only: add a staff login to the shop. Takes `Idempotency-Key`.

    Runs on the system session because a phone must be unique across all shops, which the
    shop-confined role cannot check.
    """
    return await idempotent(
        session,
        owner,
        idempotency_key,
        "/api/auth/users",
        data,
        lambda: service.add_staff(session, owner, data),
        secret=request.app.state.secret_key,
    )


@router.patch(
    "/users/{user_id}",
    response_model=StaffMember,
    responses=error_responses(*BODY, 403, 404, 409),
)
async def update_user(
    user_id: IdPath, data: UserUpdate, session: AccountSessionDep, owner: OwnerDep
) -> DecimalJSONResponse:
    """Owners only: change a user's `role` (`owner` | `staff`) or deactivate/reactivate them.

    Takes effect on the user's next request (their tokens are refused with a 401; a demoted
    or promoted user refreshes or logs in again). Deactivating ends the user's sessions, so a
    reactivated user logs in afresh. You cannot demote or deactivate yourself (409): the
    shop keeps an active owner.
    """
    return respond(await service.update_user(session, owner, user_id, data))


@router.post(
    "/users/{user_id}/password",
    response_model=MessageOut,
    responses=error_responses(*BODY, 403, 404, 409),
)
async def reset_password(
    user_id: IdPath, data: PasswordReset, session: AccountSessionDep, owner: OwnerDep
) -> DecimalJSONResponse:
    """Owners only: set another user's password (e.g. a counter hand who forgot theirs).
    All of that user's sessions end."""
    await service.reset_password(session, owner, user_id, data)
    return respond({"msg": "Password reset; the user's sessions have been logged out"})


@router.patch("/shop", response_model=ShopRead, responses=error_responses(*BODY, 403))
async def update_shop(
    data: ShopUpdate, session: AccountSessionDep, owner: OwnerDep
) -> DecimalJSONResponse:
    """Owners only: rename the shop or change its settings (e.g. `allow_negative_stock`)."""
    return respond(await service.update_shop(session, owner.shop_id, data, user_id=owner.user_id))
