"""Shops, users, registration, tokens, and the current-shop dependency."""
