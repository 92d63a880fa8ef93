"""Thin typed clients of outside services (Twilio, Gemini, OCR), behind small Protocols; no DB."""
