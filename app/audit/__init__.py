"""The audit log domain: who changed what, when, before and after."""
