"""Profit and loss, and other summaries computed in SQL."""
