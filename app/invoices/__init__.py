"""Bills people can hold: invoices, credit notes, purchase bills and party statements as A4
PDF, HTML and thermal receipts; UPI payment requests; signed share links."""
