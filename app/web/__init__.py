"""The HTTP edge wired by `app.main`: exception handlers, middleware, rate limits and the
Uvicorn protocol. Domains never import it."""
