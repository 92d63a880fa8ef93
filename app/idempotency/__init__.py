"""Idempotent creating POSTs: keys claimed, replies stored and replayed (docs/api.md)."""
