"""How coachlog leaves when the terminal closes or it is asked to stop."""

from __future__ import annotations


def exit_cleanly_on_signals() -> None:
    """A closed terminal (SIGHUP) or a plain `kill` (SIGTERM) ends coachlog the normal way
    out (SystemExit 128+n), so the open transaction rolls back and `finally` blocks run
    (the editor's private folder is removed). Both paths, fast and normal, use this."""
    import signal

    def leave(signum: int, _frame: object) -> None:
        raise SystemExit(128 + signum)

    for sig in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, leave)
