"""What every bill shares, as pure functions: line pricing, dates, settlement, refunds.

Sales, purchases, returns and purchase drafts compute their money here and nowhere else.
No I/O: this package imports only `app.core` and `app.config`.
"""
