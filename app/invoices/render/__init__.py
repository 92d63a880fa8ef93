"""Turning a document (`app.invoices.model`) into PDF, HTML or thermal-printer text.

Pure and synchronous: no database, no settings, no event loop. The service runs these in a
worker thread, so a PDF's few tens of milliseconds never block other requests.
"""
