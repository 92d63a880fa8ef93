"""A demo shop with three months of history, built through the domains' services
(`dukaan demo`, `make demo`). Top of the domain layer, beside `app.imports`."""
