"""Udhaar (credit) both ways: entries per credit bill, settled by payment and reversal rows."""
