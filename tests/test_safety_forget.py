"""`client forget` erases for real: after it, the client's text is in none of the files in
the store's folder (store, -wal, -shm), byte for byte, while other clients are intact.

The marker goes into every kind of text a client has: name, context, communication style,
agreement elements (two versions), session notes, reflections, themes, promise texts,
notes and repairs. The grep is proven able to see it before the forget."""

from __future__ import annotations

from pathlib import Path

import pytest

from support.contention import SecondTerminal
from support.processes import grep_bytes, integrity, ok, query, run, run_in_terminal

MARK = "xqzjv"  # no word in the seed data starts like this, so a grep for it is exact


def _add_sessions(ok, client: str, tag: str, *, n: int, broken: int) -> None:
    """Sessions with promises both ways, one promise broken with a note and a repair."""
    for i in range(n):
        ok(
            None,
            "session",
            "new",
            client,
            "--at",
            f"2026-11-{1 + 7 * i:02d} 15:00",
            "--minutes",
            "60",
            "--notes",
            f"{tag}notes{i} talked about delegation and {tag}boss",
            "--reflection",
            f"{tag}reflection{i}: I rushed the silence",
            "--theme",
            f"{tag}theme",
            "--theme",
            "delegation",
            "--trust",
            "4",
            "--promise",
            f"{tag}promise coach {i}: send the article @ 2026-11-{3 + 7 * i:02d}",
            "--commitment",
            f"{tag}promise client {i}: talk to Rui @ 2026-11-{4 + 7 * i:02d}",
        )
    ok(None, "promises", "break", str(broken), "--repair", f"{tag}repair0", "--note", f"{tag}note0")


def _seed(cli, db: Path) -> None:
    """Seeded in this process (quicker); forget itself always runs as a real process."""

    def ok(_db: Path, *args: str) -> None:
        r = cli(*args)
        assert r.code == 0, (args, r.err)

    ok(
        db,
        "client",
        "add",
        f"Ana {MARK.upper()}name Lima",
        "--context",
        f"Portuguese at home; {MARK}context",
        "--style",
        f"thinks aloud {MARK}style",
        "--email",
        f"ana@{MARK}mail.example",
    )
    ok(db, "agreement", "new", "ana", "--goals", f"Lead without rescuing {MARK}goals")
    ok(db, "agreement", "new", "ana", "--fees", f"{MARK}fees 170 a session")
    _add_sessions(ok, "ana", MARK, n=3, broken=1)
    # another client, who must come through untouched
    ok(db, "client", "add", "Bruno Keep", "--context", "keepcontext")
    ok(db, "agreement", "new", "bruno", "--goals", "keepgoals grow the team")
    _add_sessions(ok, "bruno", "keep", n=2, broken=7)


@pytest.mark.parametrize("second_terminal", [False, True], ids=["alone", "second-terminal-open"])
def test_forget_leaves_no_trace_in_any_file(cli, db_path: Path, second_terminal: bool):
    folder = db_path.parent
    other = None
    if second_terminal:
        # Another coachlog with the store open the whole time: the WAL then outlives each
        # command, holding every page ever written, until a checkpoint empties it.
        ok(db_path, "init")
        other = SecondTerminal(db_path)
    _seed(cli, db_path)
    before = grep_bytes(folder, MARK)
    assert before, "the grep cannot see the marker: the test would prove nothing"

    r = ok(db_path, "client", "forget", "ana", "--yes")
    assert "Erased Ana" in r.out
    assert "2 agreement versions, 3 sessions, 6 promises" in r.out

    assert grep_bytes(folder, MARK) == {}
    if other is not None:
        assert (folder / "coachlog.db-wal").stat().st_size == 0
        other.close()
    assert integrity(db_path) == "ok"
    # Bruno is whole: his client row, agreement, sessions, promises and search entries
    bruno = ok(db_path, "client", "show", "bruno", "--json").json
    assert bruno["context"] == "keepcontext"
    assert ok(db_path, "agreement", "show", "bruno", "--json").json["goals"] == (
        "keepgoals grow the team"
    )
    assert query(db_path, "SELECT count(*) FROM sessions") == [(2,)]
    assert query(db_path, "SELECT count(*) FROM promises") == [(4,)]
    assert query(db_path, "SELECT count(*) FROM clients") == [(1,)]
    hits = query(
        db_path, "SELECT kind FROM search_index WHERE search_index MATCH 'keepgoals OR keepnotes0'"
    )
    assert sorted(hits) == [("agreement",), ("session",)]


def test_forget_without_a_terminal_needs_yes(cli, db_path: Path):
    _seed(cli, db_path)
    r = run(db_path, "client", "forget", "ana")
    assert r.code == 2
    assert "--yes" in r.err and "Traceback" not in r.err
    assert query(db_path, "SELECT count(*) FROM clients") == [(2,)]


def test_forget_on_a_terminal_asks_for_the_name(cli, db_path: Path):
    _seed(cli, db_path)
    name = f"Ana {MARK.upper()}name Lima"
    r = run_in_terminal(db_path, "client", "forget", "ana", answers=[("or y", "Ana\r")])
    assert r.code == 1, r.out
    assert "2 agreement versions, 3 sessions, 6 promises" in r.plain
    assert "Nothing was erased" in r.plain
    assert query(db_path, "SELECT count(*) FROM clients") == [(2,)]

    r = run_in_terminal(db_path, "client", "forget", "ana", answers=[("or y", name + "\r")])
    assert r.code == 0, r.out
    assert "Erased" in r.plain
    assert query(db_path, "SELECT name FROM clients") == [("Bruno Keep",)]


def test_forget_json_and_older_backups_are_named(cli, db_path: Path):
    _seed(cli, db_path)
    backup = Path(ok(db_path, "backup", "--json").json["backup"])
    r = ok(db_path, "client", "forget", "ana", "--yes", "--json")
    data = r.json
    assert list(data) == [
        "client",
        "id",
        "uid",
        "erased",
        "kept_for_others",
        "index_rebuilt",
        "vacuumed",
        "wal_emptied",
        "kept_texts_erased",
        "older_backups",
    ]
    assert data["erased"] == {"agreements": 2, "sessions": 3, "promises": 6}
    assert data["kept_for_others"] == 0
    assert (data["index_rebuilt"], data["vacuumed"], data["wal_emptied"]) == (True, True, True)
    assert data["older_backups"] == [str(backup)]
    # the warning says plainly that the backup still holds the client
    assert "still holds this client's records" in r.err and str(backup) in r.err.replace("\n", "")
    # ...and it is the only file that does
    assert set(grep_bytes(db_path.parent, MARK)) == {backup.name}


def test_forget_unknown_client_changes_nothing(cli, db_path: Path):
    _seed(cli, db_path)
    r = run(db_path, "client", "forget", "zed", "--yes")
    assert r.code == 1 and "No client matches 'zed'" in r.err
    assert query(db_path, "SELECT count(*) FROM clients") == [(2,)]


def test_forget_service_on_any_backend(store, now):
    """The deleting part is portable SQLAlchemy: it runs on PostgreSQL too."""
    from sqlmodel import select

    from coachlog.models import Agreement, Client, CoachingSession, Promise
    from coachlog.services.agreements import new_agreement
    from coachlog.services.clients import add_client
    from coachlog.services.forget import forget_client, preview

    with store.write() as db:
        ana = add_client(db, values={"name": "Ana"}, now=now)
        bea = add_client(db, values={"name": "Bea"}, now=now)
        for c in (ana, bea):
            new_agreement(db, c, values={"goals": "g"}, now=now, today=now.date())
            s = CoachingSession(client_id=c.id, held_at=now)
            db.add(s)
            db.flush()
            db.add(Promise(client_id=c.id, session_id=s.id, text="t", made_at=now, due_at=now))
    with store.read() as db:
        ana = db.exec(select(Client).where(Client.name == "Ana")).one()
        assert preview(db, ana).as_dict()["erased"] == {
            "agreements": 1,
            "sessions": 1,
            "promises": 1,
        }
    with store.write() as db:
        ana = db.exec(select(Client).where(Client.name == "Ana")).one()
        forget_client(db, ana)
    with store.read() as db:
        assert [c.name for c in db.exec(select(Client)).all()] == ["Bea"]
        for model in (Agreement, CoachingSession, Promise):
            assert len(db.exec(select(model)).all()) == 1
