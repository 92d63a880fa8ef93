"""Offline OCR with `rapidocr-onnxruntime` (its ONNX models ship inside the wheel).

It returns text boxes only; turning boxes into bill lines is `app.extraction.layout`'s job.
"""
