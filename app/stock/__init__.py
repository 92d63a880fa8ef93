"""The stock ledger: the only code that changes a product's quantity."""
