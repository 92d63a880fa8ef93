"""Expenses: what the shop spent, by category and payment mode; voids are reversing rows."""
