"""Customers and vendors: the people the shop sells to and buys from, found by phone number."""
