"""Dukaan Sahaayak: the backend of a small shop's books."""
