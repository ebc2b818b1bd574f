"""The store: where it is, how it is opened, how its schema is kept current."""

from __future__ import annotations

import os
from collections.abc import Callable

from coachlog.errors import StoreError
from coachlog.store.coach import local_coach
from coachlog.store.connect import (
    check_regular,
    no_store_here,
    passphrase_for,
    prepare_file,
    store_exists,
)
from coachlog.store.engine import Store
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
        existed = store_exists(location.path)
        if not existed and not create:
            if not location.default:
                raise no_store_here(location.path)
            return _empty_store()
        passphrase = passphrase_for(
            location.path, existed=existed, encrypt=encrypt, ask_passphrase=ask_passphrase
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
