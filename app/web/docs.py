"""The interactive docs (`/docs`, `/redoc`) served from the app's own install, not from CDNs.

FastAPI's default pages load Swagger UI and ReDoc from public CDNs, fonts from Google and the
favicon from fastapi.tiangolo.com, so on a shop's PC without internet they are blank. The
`fastapi-standalone-docs` package ships those assets; it mounts them under `/docs/` and
`/redoc/` and points FastAPI's own page builders at them, so everything else FastAPI does for
the pages (the OAuth2 redirect page, `init_oauth`, the Swagger UI parameters) is unchanged.
This module must not decide *whether* docs are served: `create_app` does (production mode
keeps them off unless `DOCS_ENABLED`), and an app without docs gets nothing mounted here.
"""

from fastapi import FastAPI
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
