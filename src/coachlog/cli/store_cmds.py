"""The store's own commands: init, passphrase, backup, doctor."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from coachlog.cli.common import (
    ForceOpt,
    JsonOpt,
    state,
)

if TYPE_CHECKING:
    from coachlog.cli.context import AppState
    from coachlog.export.files import Output
    from coachlog.store import Store


def init(
    ctx: typer.Context,
    encrypt: Annotated[
        bool,
        typer.Option(
            "--encrypt",
            help="Encrypt the store with SQLCipher (an existing plain store is encrypted in "
            "place, after a backup). The passphrase comes from $COACHLOG_PASSPHRASE, else you "
            "are asked for it. It cannot be recovered if lost.",
        ),
    ] = False,
) -> None:
    """Create the store (otherwise it is made on first use). With --encrypt, or with
    COACHLOG_PASSPHRASE set, the new store is encrypted. On an existing store it changes
    nothing and says so, except --encrypt on a plain store, which encrypts it in place
    after writing a checked backup.

    \b
    Example:
      coachlog init --encrypt
      COACHLOG_PASSPHRASE="$(pass show coachlog)" coachlog --db ~/practice.db init
    """
    from coachlog.errors import StoreError
    from coachlog.render.messages import say, success
    from coachlog.store.engine import is_encrypted_file
    from coachlog.store.paths import resolve

    st = state(ctx)
    location = resolve(st.db)
    path = location.path
    if path is not None:
        from coachlog.store.engine import check_regular

        check_regular(path)
    if path is not None and path.exists() and path.stat().st_size > 0:
        encrypted = is_encrypted_file(path)
        if not encrypted and not _looks_like_a_store(path):
            raise StoreError(
                f"{path} exists and is not a coachlog store; nothing changed.",
                hint="Choose another file with --db PATH.",
            )
        if encrypt and not encrypted:
            _encrypt_existing(st, path)
            return
        state_word = "encrypted" if encrypted else "not encrypted"
        say(
            "The store already exists at ",
            (str(path), "name"),
            f" ({state_word}); nothing changed.",
        )
        return
    st.encrypt = encrypt
    store = st.store()
    if path is None:
        success("The store on ", (location.describe(), "name"), " is ready.")
        return
    if store.encrypted:
        success("Created the encrypted store at ", (str(path), "name"), ".")
        say(
            ("Keep the passphrase somewhere safe: it cannot be recovered, and without it ", "warn"),
            ("nobody can read the store, you included.", "warn"),
        )
    else:
        success("Created the store at ", (str(path), "name"), " (not encrypted; mode 0600).")


def _encrypt_existing(st: AppState, path: Path) -> None:
    """init --encrypt on a plain store: a checked backup, then the store encrypted in place."""
    import os

    from coachlog.cli.context import ask_passphrase
    from coachlog.errors import StoreError
    from coachlog.render.messages import say, success, warn
    from coachlog.store import open_store
    from coachlog.store.backup import backup_sqlite, default_backup_path
    from coachlog.store.rekey import encrypt_in_place

    passphrase = os.environ.get("COACHLOG_PASSPHRASE") or ask_passphrase(True)
    if not passphrase:
        raise StoreError(
            f"Encrypting the store at {path} needs a passphrase; nothing changed.",
            hint="Set COACHLOG_PASSPHRASE, or run 'coachlog init --encrypt' in a terminal.",
        )
    store = open_store(st.db)
    try:
        copy = backup_sqlite(store, default_backup_path(store))
    finally:
        store.dispose()
    encrypt_in_place(path, passphrase)
    success("Encrypted the store at ", (str(path), "name"), ".")
    warn(
        "The backup made before, at ",
        (str(copy), "name"),
        ", is not encrypted: delete it once you have checked the store (e.g. 'coachlog doctor').",
    )
    say(
        ("Keep the passphrase somewhere safe: it cannot be recovered, and without it ", "warn"),
        ("nobody can read the store, you included.", "warn"),
    )


def passphrase(ctx: typer.Context) -> None:
    """Change the passphrase of an encrypted store. The current one comes from
    $COACHLOG_PASSPHRASE, else you are asked for it; the new one from
    $COACHLOG_NEW_PASSPHRASE, else you are asked for it twice. Every page is re-encrypted
    in one transaction. Backups made before keep the old passphrase.

    \b
    Example:
      coachlog passphrase
      COACHLOG_PASSPHRASE="$(pass show coachlog)" COACHLOG_NEW_PASSPHRASE="$(pass show new)" \\
          coachlog passphrase
    """
    import os

    from coachlog.cli.context import interactive
    from coachlog.errors import InvalidInput, StoreError
    from coachlog.render.messages import success
    from coachlog.services.forget import older_copies
    from coachlog.store.engine import is_encrypted_file
    from coachlog.store.paths import resolve
    from coachlog.store.rekey import change_passphrase

    st = state(ctx)
    path = resolve(st.db).path
    if path is None:
        raise StoreError(
            "A passphrase is for an encrypted store in a file; a PostgreSQL server protects "
            "its data itself."
        )
    if not path.exists() or path.stat().st_size == 0:
        raise StoreError(f"There is no store at {path}; nothing changed.")
    if not is_encrypted_file(path):
        raise StoreError(
            f"The store at {path} is not encrypted, so it has no passphrase to change.",
            hint="'coachlog init --encrypt' encrypts it (after a backup).",
        )
    store = st.store()  # the current passphrase: a wrong one stops here
    new = os.environ.get("COACHLOG_NEW_PASSPHRASE") or None
    if new is None and interactive():
        new = _ask_new_passphrase()
    if not new:
        raise InvalidInput(
            "No new passphrase was given; nothing changed.",
            hint="Set COACHLOG_NEW_PASSPHRASE, or run 'coachlog passphrase' in a terminal.",
        )
    if new == store.passphrase:
        raise InvalidInput("The new passphrase is the current one; nothing changed.")
    raw = store.engine.raw_connection()
    try:
        change_passphrase(raw, path, new)
    finally:
        raw.close()
        st.close()
    success("Changed the passphrase of the store at ", (str(path), "name"), ".")
    copies = older_copies(path)
    if copies:
        from coachlog.render.messages import warn

        warn(
            f"{len(copies)} older backup{'' if len(copies) == 1 else 's'} beside the store "
            "still open with the old passphrase; delete them if it must no longer work."
        )


def _ask_new_passphrase() -> str | None:
    import getpass
    import sys

    from coachlog.errors import InvalidInput

    try:
        sys.stderr.write("Choose the new passphrase; it cannot be recovered if lost.\n")
        first = getpass.getpass("New passphrase: ")
        if not first:
            return None
        if getpass.getpass("Repeat the new passphrase: ") != first:
            raise InvalidInput("The two passphrases differ; nothing changed.")
        return first
    except EOFError:
        return None


def _looks_like_a_store(path: Path) -> bool:
    """A plain SQLite file that is a coachlog store, or a blank one (store/identity.py);
    read without changing a byte of it."""
    import sqlite3

    from coachlog.store.identity import check_file

    try:
        return check_file(path) != "foreign"
    except sqlite3.Error:  # not a SQLite file at all
        return False


def backup(
    ctx: typer.Context,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Where to write the copy (a file, a folder, or '-' for standard output). "
            "Default: a new file in the 'backups' folder beside the store.",
            metavar="FILE",
        ),
    ] = None,
    force: ForceOpt = False,
    json: JsonOpt = False,
) -> None:
    """Write a consistent copy of the store, even while other commands run. The copy is
    0600, checked with SQLite's integrity check, and encrypted when the store is. It is
    written under a temporary name and renamed once checked, so an interrupted backup
    leaves nothing that looks like one. On a practice's PostgreSQL store it writes your
    own records as interchange JSON, from one snapshot ('coachlog import' reads it).

    \b
    Example:
      coachlog backup
      coachlog backup --out /media/usb/coachlog-2026-11-22.db
      coachlog backup --out - | gpg --encrypt -r me > coachlog.db.gpg
    """
    import sys

    from coachlog.errors import UsageError
    from coachlog.export.files import Output, output
    from coachlog.render import print_json
    from coachlog.render.messages import success
    from coachlog.store.backup import backup_sqlite, default_backup_path, free_name

    st = state(ctx)
    if out is not None and str(out) == "-":
        if json:
            raise UsageError("--out - and --json both use standard output; choose one.")
        if sys.stdout.isatty():
            raise UsageError(
                "A backup is a binary file: send it to a file, or redirect or pipe standard "
                "output (coachlog backup --out - > copy.db)."
            )
    store = st.store()
    if store.location.path is None:
        _server_backup(st, store, out, force=force, json=json)
        return
    if out is None:
        target = Output("", "file", default_backup_path(store))
    elif str(out) != "-" and out.expanduser().is_dir():
        target = Output(str(out), "file", free_name(out.expanduser(), store.location.path))
    else:
        target = output(out, force=force, option="--out", store=store.location.path)
    if target.kind != "file":
        _stream_backup(store, target)
        return
    assert target.path is not None
    path = backup_sqlite(store, target.path, replace=target.replace)
    size = path.stat().st_size
    if json:
        print_json(
            {
                "backup": str(path),
                "encrypted": store.encrypted,
                "size_bytes": size,
                "integrity": "ok",
            }
        )
        return
    from coachlog.render.doctor import size as human

    what = "an encrypted copy" if store.encrypted else "a copy"
    success(f"Wrote {what} of the store to ", (str(path), "name"), f" ({human(size)}, checked).")


def _server_backup(
    st: AppState, store: Store, out: Path | None, *, force: bool, json: bool
) -> None:
    """backup on a server store (SPEC §8): the coach's own records as an interchange JSON
    file (0600), read in one snapshot (REPEATABLE READ), so records written meanwhile are
    either all in it or not at all. `coachlog import` into an empty store gives them back."""
    from coachlog.cli.output import write_output
    from coachlog.export.files import json_text, output
    from coachlog.queries import exchange
    from coachlog.render import print_json
    from coachlog.render.exchange import counts_line
    from coachlog.render.messages import success
    from coachlog.store.backup import server_backup_path

    if out is None:
        target = output(server_backup_path(store), force=False, option="--out", store=None)
    elif str(out) != "-" and out.expanduser().is_dir():
        target = output(
            server_backup_path(store, folder=out.expanduser()), force=False, option="--out",
            store=None,
        )  # fmt: skip
    else:
        target = output(out, force=force, option="--out", store=None)
    db = st.reader()  # one snapshot (REPEATABLE READ, READ ONLY: queries/db.py)
    clients = exchange.practice_clients(db)
    doc = exchange.Document(db, clients=clients, now=st.now, whole=True)
    path = write_output(target, json_text(doc.head, doc.tables()))
    if json and path is not None:
        print_json({"backup": str(path), "format": "coachlog interchange JSON", **doc.counts})
    elif path is not None:
        success(
            f"Wrote your own records ({counts_line(doc.counts)}) to ", (str(path), "name"),
            " (0600); 'coachlog import' gives them back.",
        )  # fmt: skip


def _stream_backup(store: Store, target: Output) -> None:
    """A backup to standard output, a FIFO or a device: nothing else is printed there."""
    import os
    import sys

    from coachlog.errors import StoreError
    from coachlog.render.messages import success
    from coachlog.store.backup import backup_stream

    if target.kind == "stdout":
        sys.stdout.flush()
        out = sys.stdout.buffer
        backup_stream(store, out.write)
        out.flush()
        return
    assert target.path is not None
    try:
        fd = os.open(target.path, os.O_WRONLY | os.O_NOCTTY)
        with os.fdopen(fd, "wb") as fh:
            size = backup_stream(store, fh.write)
    except OSError as exc:
        raise StoreError(f"Cannot write {target.shown}: {exc.strerror}.") from exc
    from coachlog.render.doctor import size as human

    what = "an encrypted copy" if store.encrypted else "a copy"
    success(f"Wrote {what} of the store to ", (target.shown, "name"), f" ({human(size)}, checked).")


def doctor(ctx: typer.Context, json: JsonOpt = False) -> None:
    """Check the store: integrity, broken references, the permissions of the store and its
    folder (with the command that fixes each problem), schema version, encryption, counts.
    Exits with status 1 when something is wrong.

    \b
    Example:
      coachlog doctor
      coachlog --db ~/practice.db doctor --json
    """
    import os

    from coachlog.errors import CoachlogError
    from coachlog.render import print_json
    from coachlog.render.doctor import doctor_report
    from coachlog.services.doctor import (
        FAIL,
        Report,
        backups_report,
        file_report,
        store_report,
    )
    from coachlog.store.paths import default_path, resolve

    st = state(ctx)
    location = resolve(st.db)
    if location.path is not None:
        is_default = not (st.db or os.environ.get("COACHLOG_DB")) or location.path == default_path()
        report = file_report(location, default=is_default)
        # No store to open: nothing there, a folder, or not a regular file (/dev/null).
        missing = any(c.name == "Store" and c.status == FAIL for c in report.checks)
    else:
        report = Report(store=location.describe(), backend="postgresql")
        missing = False
    passphrase = None
    if not missing:
        try:
            store = st.store()
            passphrase = store.passphrase
            store_report(report, store, coach=None if store.is_sqlite else store.coach)
        except CoachlogError as exc:
            report.add("Open", FAIL, exc.message, exc.hint)
    if location.path is not None and location.path.is_file():
        backups_report(report, location.path, passphrase=passphrase)
    if json:
        print_json(report.as_dict())
    else:
        doctor_report(report)
    if not report.ok:
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("passphrase")(passphrase)
    app.command("backup")(backup)
    app.command("doctor")(doctor)
