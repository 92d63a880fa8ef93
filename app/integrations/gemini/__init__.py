"""Gemini, through the official `google-genai` SDK: a bill photo in, schema-shaped lines out.

Only the wire concerns live here (client, timeout, retries, response schema, parsing the
answer). What the lines mean and how they are matched to products is `app.extraction`'s job.
"""
