"""Taking a shop's data out: `dukaan export`, every table a shop owns as CSVs in one zip,
with a manifest a later restore checks itself against."""
