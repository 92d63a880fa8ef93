"""Bringing a shop's data in from spreadsheets (CSV/XLSX): cells, headings, rows, and the
product catalogue import, which acts through the products and stock services."""
