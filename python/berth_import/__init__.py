"""The Python side of `berth import` (see berth-import.py). Standard library only at import time:
each framework and converter is imported when an artifact needs it."""
