"""Loopback fake servers of outside services, for tests."""
