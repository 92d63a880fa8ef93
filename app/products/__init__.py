"""The catalogue: products, their prices, units, barcodes and reorder levels."""
