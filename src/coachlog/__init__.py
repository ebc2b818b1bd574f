"""coachlog: a command-line journal for professional coaches."""

__version__ = "0.2.0"
