"""The cash book: the day book of every money movement, and the owner's cash counts."""
