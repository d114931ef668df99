"""Benchmarks that print figures: run each as a script (`.venv/bin/python benchmarks/run.py`)."""
