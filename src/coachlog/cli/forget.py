"""`coachlog client forget`: erase a client and everything linked, leaving no readable trace
(SPEC §7). A command of the client group (cli/clients.py adds it), in a module of its own
because erasure has more to it than the everyday client commands."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from coachlog.cli.common import ClientArg, JsonOpt, find_client, state


def forget(
    ctx: typer.Context,
    client: ClientArg,
    yes: Annotated[
        bool, typer.Option("--yes", "-y", help="Erase without asking (needed without a terminal).")
    ] = False,
    json: JsonOpt = False,
) -> None:
    """Erase a client and everything linked to them: agreements, sessions, promises and
    their search entries. The records are then wiped from the store's files (search index
    rebuilt, file vacuumed, write-ahead log emptied), so no readable trace is left.
    This cannot be undone. Backups made earlier still hold the client (they are listed).

    \b
    Example:
      coachlog client forget "Ana Lima"
      coachlog client forget 7 --yes
    """
    from coachlog.cli.context import interactive
    from coachlog.errors import Cancelled, UsageError
    from coachlog.render import print_json
    from coachlog.render.doctor import counts, erasure_preview, stale_copies
    from coachlog.render.messages import say, success, warn
    from coachlog.services.forget import forget_client, older_copies, preview, scrub

    st = state(ctx)
    store = st.store()
    with store.read() as db:
        found = find_client(db, client)
        planned = preview(db, found)
    if not yes:
        if not interactive():
            raise UsageError(
                "client forget erases records for good; without a terminal to confirm, add --yes.",
                hint=f"coachlog client forget {planned.client_id} --yes",
            )
        from coachlog.cli.ask import ask_text

        erasure_preview(planned)
        if planned.kept_for_others:
            say(_kept_for_others(planned.kept_for_others, done=False))
        answer = ask_text(f"To erase, type the client's name ({planned.client}) or y")
        typed = (answer or "").strip()
        if typed.casefold() not in ("y", "yes") and typed.casefold() != planned.client.casefold():
            raise Cancelled("Nothing was erased.")
    with store.write() as db:
        # Found again inside the transaction: the client may have changed meanwhile.
        found = find_client(db, str(planned.client_id))
        erased = forget_client(db, found)
        from coachlog.services import undo

        undo.barrier(db, "client forget", "erased a client and their records", now=st.now)
    scrubbed = scrub(store)
    texts = _erase_kept_texts(erased.uid)
    copies = older_copies(store.location.path)
    if json:
        print_json(
            {
                **erased.as_dict(),
                "index_rebuilt": scrubbed.index_rebuilt,
                "vacuumed": scrubbed.vacuumed,
                "wal_emptied": scrubbed.wal_emptied,
                "kept_texts_erased": texts,
                "older_backups": [str(p) for p in copies],
            }
        )
    else:
        success(
            "Erased ", (erased.client, "name"), f" (client {erased.client_id}): ", counts(erased)
        )
        if erased.kept_for_others:
            say(_kept_for_others(erased.kept_for_others, done=True))
        if texts:
            say(
                f"Erased {texts} text{'' if texts == 1 else 's'} written in the editor for this "
                "client and kept because it could not be saved."
            )
    if store.is_sqlite and not scrubbed.wal_emptied:
        warn(
            "Another coachlog has the store open, so the write-ahead log could not be emptied "
            "yet; the erased pages leave it when that command ends."
        )
    if copies:
        stale_copies(copies)


def _erase_kept_texts(client_uid: str) -> int:
    """Texts written in the editor for this client that could not be saved and were kept
    (drafts.keep_text names them with the client's uid): overwritten, then removed. Texts
    kept by an older coachlog carry no uid and cannot be told apart; see docs/privacy.md."""
    import os
    import tempfile

    from coachlog.drafts import recovery_folder

    pattern = f"unsaved-*-{client_uid}.md"
    # unsaved/ in the user data folder, or (when that disk was full) a private folder under
    # $TMPDIR that keep_text made instead.
    found = list(recovery_folder().glob(pattern))
    found += Path(tempfile.gettempdir()).glob(f"coachlog-unsaved-*/{pattern}")
    erased = 0
    for path in found:
        try:
            size = path.stat().st_size
            with path.open("r+b") as fh:
                fh.write(b"\0" * size)
                fh.flush()
                os.fsync(fh.fileno())
            path.unlink()
            erased += 1
        except OSError:
            continue
    return erased


def _kept_for_others(n: int, *, done: bool) -> str:
    """Promises of other clients made in the forgotten client's sessions (an older
    coachlog's import could leave them): they stay, without their session."""
    what = f"{n} promise{'' if n == 1 else 's'} of other clients made in these sessions"
    if done:
        return f"Kept {what}; {'they are' if n != 1 else 'it is'} no longer tied to a session."
    return f"Not erased: {what}; {'they stay' if n != 1 else 'it stays'}, without the session."
