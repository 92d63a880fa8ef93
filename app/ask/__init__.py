"""Ask the shop: questions in plain language answered from the shop's own books.

No model ever writes SQL that runs: a question becomes an `Intent` (a metric, dimensions,
filters, sort and limit, all from fixed vocabularies), by the offline parser or by Gemini
under a response schema of enums, and our compiler turns the intent into parameterised SQL
over the semantic layer's views, run read-only in the shop's own transaction.
"""
