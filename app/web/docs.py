"""The interactive docs (`/docs`, `/redoc`) served from the app's own install, not from CDNs.

FastAPI's default pages load Swagger UI and ReDoc from public CDNs, fonts from Google and the
favicon from fastapi.tiangolo.com, so on a shop's PC without internet they are blank. The
`fastapi-standalone-docs` package ships those assets; it mounts them under `/docs/` and
`/redoc/` and points FastAPI's own page builders at them, so everything else FastAPI does for
the pages (the OAuth2 redirect page, `init_oauth`, the Swagger UI parameters) is unchanged.
This module must not decide *whether* docs are served: `create_app` does (production mode
keeps them off unless `DOCS_ENABLED`), and an app without docs gets nothing mounted here.
"""

from collections.abc import Callable, Iterator, Sequence
from typing import Any

from fastapi import FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.encoders import jsonable_encoder
from fastapi.routing import APIRoute, RouteContext, iter_route_contexts
from fastapi.security.base import SecurityBase
from fastapi_standalone_docs import StandaloneDocs
from starlette.routing import Route


def serve_docs_offline(app: FastAPI) -> None:
    """Serve the docs pages' scripts, styles and favicon from this app, same origin.

    ReDoc's Google-fonts link is left out too (it would be a request to fonts.googleapis.com);
    ReDoc falls back to the system's sans-serif fonts.
    """
    pages = [page for page in (app.docs_url, app.redoc_url) if page]
    if not pages:
        return
    for page in pages:
        _serve_with_trailing_slash(app, page)
    StandaloneDocs(app, with_google_fonts=False)


def _serve_with_trailing_slash(app: FastAPI, page: str) -> None:
    """`/docs/` keeps answering with the page, as every path here does with or without its
    slash: the asset mount at `/docs/` would otherwise claim it (and answer 404), so the page
    is routed at `/docs/` too, ahead of the mount."""
    endpoint = next(
        route.endpoint for route in app.routes if isinstance(route, Route) and route.path == page
    )
    app.add_route(page + "/", endpoint, include_in_schema=False)


def document_auth(
    app: FastAPI, dependency: Callable[..., Any], schemes: Sequence[SecurityBase]
) -> None:
    """Document `schemes` as the security of every operation that depends on `dependency`.

    The authentication dependency reads the `Authorization` header itself, so FastAPI does
    not see the schemes; the document (and the docs' Authorize button) still gets them, in
    the form FastAPI gives security dependencies: each scheme under `securitySchemes`, and
    on each operation one requirement per scheme, any one of which is enough.
    """
    build = app.openapi
    documented: dict[str, Any] | None = None

    def openapi() -> dict[str, Any]:
        nonlocal documented
        if documented is None:
            documented = _with_security(build(), app, dependency, schemes)
        return documented

    app.openapi = openapi  # type: ignore[method-assign]


def _with_security(
    schema: dict[str, Any],
    app: FastAPI,
    dependency: Callable[..., Any],
    schemes: Sequence[SecurityBase],
) -> dict[str, Any]:
    requirements: list[dict[str, list[str]]] = [{scheme.scheme_name: []} for scheme in schemes]
    paths = schema.get("paths", {})
    secured = 0
    for route in routes_depending_on(app, dependency):
        operations = paths.get(route.path_format, {})
        for method in route.methods or ():
            operation = operations.get(method.lower())
            if operation is not None:
                operation.setdefault("security", []).extend(requirements)
                secured += 1
    if secured:
        known = schema.setdefault("components", {}).setdefault("securitySchemes", {})
        for scheme in schemes:
            known[scheme.scheme_name] = jsonable_encoder(
                scheme.model, by_alias=True, exclude_none=True
            )
    return schema


def routes_depending_on(app: FastAPI, dependency: Callable[..., Any]) -> Iterator[RouteContext]:
    """The app's documented API routes whose dependencies include `dependency`, each as
    the app serves it (the prefixes of the routers it is included through applied): what
    FastAPI itself walks to write the OpenAPI document."""
    for route in iter_route_contexts(app.routes):
        if (
            isinstance(route.original_route, APIRoute)
            and route.include_in_schema
            and dependency in dependencies_of(route.dependant)
        ):
            yield route


def dependencies_of(dependant: Dependant) -> set[Callable[..., Any]]:
    """Every callable `dependant` depends on, however deep (the endpoint itself included)."""
    found = {dependant.call} if dependant.call is not None else set()
    for sub in dependant.dependencies:
        found |= dependencies_of(sub)
    return found
