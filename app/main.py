"""The ASGI application: `create_app()` wires lifespan, middleware, handlers and routers.

Nothing imports this module; `uvicorn app.main:app` and the tests do.
"""

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from app.ask.router import router as ask_router
from app.auth.audit_router import router as audit_router
from app.auth.dependencies import AUTH_SCHEMES, get_principal
from app.auth.router import router as auth_router
from app.cashbook.router import router as cashbook_router
from app.config import Settings, get_settings
from app.core import production
from app.core.logging import configure_logging
from app.core.responses import DecimalJSONResponse
from app.core.security import load_or_create_secret, set_hash_threads
from app.db.embedded import ensure_database, start_server
from app.db.session import create_engine, create_sessionmaker
from app.drafts.router import router as drafts_router
from app.expenses.router import router as expenses_router
from app.extraction.router import router as extraction_router
from app.integrations.ocr import pool as ocr_pool
from app.invoices.router import public_router as public_documents_router
from app.invoices.router import router as invoices_router
from app.jobs.router import router as jobs_router
from app.jobs.runner import inline_runner
from app.notifications.dispatcher import inline_dispatcher
from app.notifications.router import router as notifications_router
from app.notifications.webhook_router import router as webhooks_router
from app.parties.router import router as parties_router
from app.products.router import router as products_router
from app.purchases.router import router as purchases_router
from app.reports.router import router as reports_router
from app.sales.quotes import QuoteCache
from app.sales.router import router as sales_router
from app.system.router import router as system_router
from app.udhaar import reminders as udhaar_reminders
from app.udhaar import service as udhaar_service
from app.udhaar.router import router as udhaar_router
from app.web import handlers, heap
from app.web.docs import document_auth, serve_docs_offline
from app.web.middleware import (
    BodyLimitMiddleware,
    RequestIdMiddleware,
    tolerate_trailing_slashes,
)
from app.web.ratelimit import WriteRateLimitMiddleware

_log = logging.getLogger("dukaan")

DESCRIPTION = """
Books for a small shop: products and stock, sale and purchase bills, customers and vendors by
phone number, udhaar (credit) both ways, and profit per sale.

Log in with **Authorize** (phone number and password), or register a shop first with
`POST /api/auth/register`. Errors are `{"detail", "code"}`; money is an exact decimal number.
"""


def _database_url(settings: Settings) -> str:
    """The configured server, or the embedded one (started here when run bare under uvicorn)."""
    if settings.db.url:
        return settings.db.url
    server = start_server(settings.db.data_dir)
    return ensure_database(server)


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    production.check(settings)
    set_hash_threads(settings.auth.password_hash_threads)
    docs = settings.server.serve_docs

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        ocr_pool.return_big_buffers_to_the_os()  # bill photos must not grow the worker for good
        engine = create_engine(_database_url(settings), settings.db)
        app.state.engine = engine
        app.state.sessionmaker = create_sessionmaker(engine)
        app.state.secret_key = load_or_create_secret(settings.auth.secret_key, settings.db.data_dir)
        if settings.server.env != "test":  # each test's app would pay a full collection
            heap.settle()
        _log.info("started", extra={"env": settings.server.env})
        try:
            # DISPATCHER=inline sends the outbox and runs import/export jobs from this
            # process; both are stopped before the pool.
            async with (
                inline_dispatcher(
                    app.state.sessionmaker,
                    settings,
                    udhaar_reminders.periodic_jobs(
                        public_links=bool(settings.messaging.public_base_url)
                    ),
                ),
                inline_runner(engine, settings),
            ):
                yield
        finally:
            ocr_pool.shutdown()  # the OCR children, if a bill was read offline
            await engine.dispose()

    app = FastAPI(
        title="Dukaan Sahaayak",
        version="0.1.0",
        description=DESCRIPTION,
        lifespan=lifespan,
        default_response_class=DecimalJSONResponse,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    serve_docs_offline(app)
    # A party's balance is udhaar's; the parties domain, below udhaar, is handed the reader.
    app.state.party_balances = udhaar_service.balances
    # What this worker read of shops and products, for pricing bills (checked on every use).
    app.state.sale_quotes = QuoteCache()
    handlers.install(app)
    if settings.server.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=settings.server.cors_origins,
            allow_credentials=True,
            allow_methods=["*"],
            allow_headers=["*"],
            expose_headers=["X-Total-Count", "Link", "X-Request-ID", "Retry-After"],
        )
    # Bill photos get their own byte limit (plus room for the multipart framing).
    photo_limit = settings.extraction.max_upload_bytes + 64 * 1024
    app.add_middleware(
        BodyLimitMiddleware,
        max_bytes=settings.server.max_json_bytes,
        upload_limits={
            "/api/extract-products": photo_limit,
            "/api/purchases/drafts": photo_limit,
            # an import's own check answers 413 `file_too_large` up to this
            "/api/imports": settings.jobs.import_max_bytes + 64 * 1024,
        },
    )
    app.add_middleware(WriteRateLimitMiddleware, per_minute=settings.server.write_rate_limit)
    app.add_middleware(RequestIdMiddleware)
    for router in (
        system_router,
        auth_router,
        products_router,
        parties_router,
        sales_router,
        drafts_router,  # before purchases: /api/purchases/{id} would claim /drafts
        purchases_router,
        extraction_router,
        reports_router,
        cashbook_router,
        expenses_router,
        udhaar_router,
        invoices_router,
        ask_router,
        public_documents_router,
        notifications_router,
        webhooks_router,
        audit_router,
        jobs_router,
    ):
        app.include_router(router)
    tolerate_trailing_slashes(app.router)
    document_auth(app, get_principal, AUTH_SCHEMES)
    return app


def _app_from_environment() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.server.log_level)
    return create_app(settings)


app = _app_from_environment()
