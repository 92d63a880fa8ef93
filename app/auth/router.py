"""HTTP endpoints of /api/auth: parse, call the service, shape the response."""

from typing import Annotated

from fastapi import APIRouter, Depends, Request, status
from fastapi.security import OAuth2PasswordRequestForm

from app.auth import service
from app.auth.dependencies import OwnerDep, PrincipalDep, ShopSessionDep
from app.auth.schemas import (
    MeOut,
    RegisterIn,
    RegisterOut,
    ShopRead,
    ShopUpdate,
    StaffCreate,
    TokenOut,
    UserRead,
)
from app.core.db import SessionDep, SessionMakerDep
from app.core.openapi import AUTHED, BODY, error_responses
from app.core.responses import DecimalJSONResponse, respond
from app.core.routing import DecimalRoute

router = APIRouter(prefix="/api/auth", tags=["auth"], route_class=DecimalRoute)


@router.post(
    "/register",
    status_code=status.HTTP_201_CREATED,
    response_model=RegisterOut,
    responses=error_responses(400, 409, 413, 422, 503),
)
async def register(data: RegisterIn, session: SessionDep, request: Request) -> DecimalJSONResponse:
    """Open a shop: creates the shop and its owner, and returns a bearer token."""
    settings = request.app.state.settings
    out = await service.register(
        session,
        data,
        defaults=settings.shop,
        secret=request.app.state.secret_key,
        auth=settings.auth,
    )
    return respond(out, status_code=status.HTTP_201_CREATED)


@router.post(
    "/token", response_model=TokenOut, responses=error_responses(400, 401, 413, 422, 429, 503)
)
async def token(
    form: Annotated[OAuth2PasswordRequestForm, Depends()],
    session: SessionDep,
    sessions: SessionMakerDep,
    request: Request,
) -> DecimalJSONResponse:
    """OAuth2 password flow; `username` is the phone. The 6th failure in 15 minutes is a 429."""
    settings = request.app.state.settings
    out = await service.login(
        session,
        service.LoginLimiter(sessions, settings.auth),
        username=form.username,
        password=form.password,
        client_address=request.client.host if request.client else "unknown",
        defaults=settings.shop,
        secret=request.app.state.secret_key,
        auth=settings.auth,
    )
    return respond(out)


@router.get("/me", response_model=MeOut, responses=error_responses(*AUTHED, 404))
async def me(session: ShopSessionDep, principal: PrincipalDep) -> DecimalJSONResponse:
    """The logged-in user and their shop."""
    return respond(await service.me(session, principal))


@router.post(
    "/users",
    status_code=status.HTTP_201_CREATED,
    response_model=UserRead,
    responses=error_responses(*BODY, 403, 409),
)
async def add_staff(data: StaffCreate, session: SessionDep, owner: OwnerDep) -> DecimalJSONResponse:
    """Owners only: add a staff login to the shop.

    Runs on the system session because a phone must be unique across all shops, which the
    shop-confined role cannot check.
    """
    user = await service.add_staff(session, owner, data)
    return respond(user, status_code=status.HTTP_201_CREATED)


@router.patch("/shop", response_model=ShopRead, responses=error_responses(*BODY, 403))
async def update_shop(
    data: ShopUpdate, session: SessionDep, owner: OwnerDep
) -> DecimalJSONResponse:
    """Owners only: rename the shop or change its settings (e.g. `allow_negative_stock`)."""
    return respond(await service.update_shop(session, owner.shop_id, data))
