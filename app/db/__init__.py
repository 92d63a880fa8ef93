"""The database: engine and pool, the transaction owner, the shop switch, the embedded server,
migrations and tenancy DDL, and paged fetching. Imports `app.core` and `app.config` only."""
