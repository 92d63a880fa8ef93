"""Purchase bills: stock in, moving-average cost, vendor udhaar."""
