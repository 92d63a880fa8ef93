"""Sale bills: lines, bill numbers, profit, voids and returns."""
