"""Shared building blocks: database, errors, money, phones, pagination, security. Imports config only."""
