"""coachlog: a command-line journal for professional coaches."""

__version__ = "0.1.0"
