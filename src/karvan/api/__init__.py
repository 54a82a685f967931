"""The HTTP API: a thin FastAPI layer over the capabilities' plain-Python cores."""
