"""Bill photo -> line items: image checks, reading engines (Gemini, offline OCR), and matching
the lines to the shop's own products. Stores nothing; purchase drafts (`app.drafts`) do.
"""
