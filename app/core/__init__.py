"""Shared building blocks: database, errors, money, phones, pagination, security.

Imports `app.config` only."""
