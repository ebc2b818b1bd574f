"""The store: where it is, how it is opened, how its schema is kept current."""

from __future__ import annotations

import os
from collections.abc import Callable

from coachlog.errors import StoreError
from coachlog.store.coach import local_coach
from coachlog.store.engine import Store, check_regular, is_encrypted_file, prepare_file
from coachlog.store.paths import Location, resolve

__all__ = ["Location", "Store", "open_store", "resolve"]


def open_store(
    db: str | None = None,
    *,
    encrypt: bool = False,
    ask_passphrase: Callable[[bool], str | None] | None = None,
    create: bool = True,
    upgrade: bool = False,
) -> Store:
    """Open (creating on first use) and migrate the store.

    create=False, for a command that only reads (SPEC §2a): a store named by --db,
    COACHLOG_DB or the settings file that does not exist is an error naming the path, and
    the default store before its first use reads as empty, from a throwaway copy in a
    private temporary folder; nothing is created where the store would be.

    ask_passphrase(new) is called when a passphrase is needed and COACHLOG_PASSPHRASE is
    unset; `new` tells whether the store is being created (so the caller can confirm it).

    upgrade=True only from `coachlog practice upgrade`: a server store is migrated by its
    owner, on purpose, never as a side effect of another command (SPEC §8)."""
    location = resolve(db)
    passphrase: str | None = None
    existed = True
    if location.path is not None:
        check_regular(location.path)
        existed = location.path.exists() and location.path.stat().st_size > 0
        if not existed and not create:
            if not location.default:
                raise StoreError(
                    f"There is no coachlog store at {location.path}.",
                    hint="Check the path (--db, COACHLOG_DB or the db setting: coachlog "
                    "config); a command that records something creates a store there.",
                )
            return _empty_store()
        env_pass = os.environ.get("COACHLOG_PASSPHRASE") or None
        if existed and is_encrypted_file(location.path):
            passphrase = env_pass or (ask_passphrase(False) if ask_passphrase else None)
            if not passphrase:
                raise StoreError(
                    f"The store at {location.path} is encrypted (or is not a coachlog store) "
                    "and no passphrase was given.",
                    hint="Set COACHLOG_PASSPHRASE, or run coachlog in a terminal to be asked.",
                )
        elif not existed and (encrypt or env_pass):
            passphrase = env_pass or (ask_passphrase(True) if ask_passphrase else None)
            if not passphrase:
                raise StoreError(
                    "An encrypted store needs a passphrase.",
                    hint="Set COACHLOG_PASSPHRASE, or run 'coachlog init --encrypt' in a terminal.",
                )
        elif existed and encrypt:
            raise StoreError(
                f"The store at {location.path} already exists and is not encrypted.",
                hint="Export it, then import into a new store made with 'coachlog init --encrypt'.",
            )
        prepare_file(location.path)
    elif encrypt:
        raise StoreError(
            "Encryption is for a store in a file; a PostgreSQL server protects its data itself.",
            hint="Use the server's own encryption at rest, or --db PATH for an encrypted file.",
        )
    store = Store(location, coach=local_coach(), passphrase=passphrase)
    store.created = location.path is not None and not existed
    # A passphrase in the environment that this store does not use: the caller says so
    # (a coach who believes the store is encrypted must learn that it is not).
    store.passphrase_unused = passphrase is None and bool(os.environ.get("COACHLOG_PASSPHRASE"))
    try:
        # The first thing done with the store is a read (its schema version): with a wrong
        # passphrase it fails before anything is written, so the file is left as it was.
        from coachlog.store.migrate import ensure_schema

        if not store.is_sqlite:
            # Before anything else: whose rows these are is the server's answer (SPEC §8).
            store.coach = store.server_coach()
        store.backup_written = ensure_schema(store, upgrade=upgrade)
    except StoreError:
        store.dispose()
        raise
    except Exception as exc:
        store.dispose()
        from coachlog.store.engine import translate

        raise translate(exc, location, encrypted=passphrase is not None) from exc
    return store


def _empty_store() -> Store:
    """An empty, migrated store in a private temporary folder, removed when it is closed:
    what a reading command sees before the default store's first use."""
    import shutil
    import tempfile
    from pathlib import Path

    from coachlog.store.paths import Location

    folder = Path(tempfile.mkdtemp(prefix="coachlog-empty-"))
    path = folder / "coachlog.db"
    store = Store(Location(url=f"sqlite:///{path}", path=path), coach=local_coach())
    store.on_dispose = lambda: shutil.rmtree(folder, ignore_errors=True)
    try:
        from coachlog.store.migrate import ensure_schema

        ensure_schema(store)
    except BaseException:
        store.dispose()
        raise
    return store
