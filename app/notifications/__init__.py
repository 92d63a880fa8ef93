"""The outbox of messages (bill SMS, reminders) and their templates."""
