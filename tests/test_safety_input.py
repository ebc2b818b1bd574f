"""Input that is not text, or too much of it, is a message, never a crash (issue 12, items
6 and 10; SPEC §3a, last line).

Python hands bytes that are not UTF-8 (in arguments, environment variables, standard
input) over as lone surrogates, and JSON can spell one out (\\udce9): either used to reach
the store's driver or the terminal and end in "coachlog hit an unexpected problem". Notes
read from standard input were read whole, so `--notes - < /dev/zero` ran out of memory.
Each case runs the real program against a real store, and checks that nothing was saved."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from support.processes import COACHLOG, env_for, ok, query, run

LATIN1 = "Jos\udce9"  # the bytes b"Jos\xe9" as Python hands them over (surrogateescape)
MiB = 1024 * 1024


def _no_crash(r) -> None:
    for bad in ("Traceback", "unexpected problem", "MemoryError", "UnicodeEncodeError"):
        assert bad not in r.shown, r.shown


def _store(db: Path) -> None:
    ok(db, "client", "add", "Ana Lima")


def _sessions(db: Path) -> int:
    return query(db, "SELECT count(*) FROM sessions")[0][0]


def test_an_argument_that_is_not_utf8_is_refused_by_name(db_path: Path):
    _store(db_path)
    r = run(db_path, "client", "add", LATIN1)
    assert r.code == 1, r.shown
    _no_crash(r)
    assert "is not UTF-8 text" in r.err and "Jos\\xe9" in r.err, r.err
    assert query(db_path, "SELECT name FROM clients") == [("Ana Lima",)]
    for args in (
        ["session", "new", "ana", "--notes", LATIN1],
        ["promises", "due", "--client", LATIN1],  # the fast path declines, main() says it
        ["search", LATIN1],
    ):
        r = run(db_path, *args)
        assert r.code == 1 and "is not UTF-8 text" in r.err, (args, r.shown)
        _no_crash(r)
    assert _sessions(db_path) == 0


def test_an_environment_variable_that_is_not_utf8_is_a_message(db_path: Path):
    _store(db_path)
    for var in ("COACHLOG_COACH", "COACHLOG_TZ", "COACHLOG_NOW"):
        r = run(db_path, "session", "new", "ana", "--notes", "x", env={var: LATIN1})
        _no_crash(r)
        assert r.code in (0, 1, 2), (var, r.shown)


def _stdin_run(db: Path, stdin_path: str, *args: str) -> subprocess.CompletedProcess[str]:
    with open(stdin_path, "rb") as fh:
        return subprocess.run(
            [*COACHLOG, *args],
            stdin=fh,
            capture_output=True,
            text=True,
            env=env_for(db),
            timeout=60,
        )


def test_notes_from_stdin_that_are_not_utf8_are_refused(db_path: Path, tmp_path: Path):
    _store(db_path)
    bad = tmp_path / "latin1.txt"
    bad.write_bytes("Reunião com a equipa".encode("latin-1"))
    p = _stdin_run(db_path, str(bad), "session", "new", "ana", "--notes", "-")
    assert p.returncode == 1, p.stderr
    assert "not UTF-8 text" in p.stderr and "byte 5 is 0xE3" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and "unexpected" not in p.stderr
    assert _sessions(db_path) == 0


def test_endless_notes_from_stdin_stop_at_10_mib(db_path: Path):
    _store(db_path)
    p = _stdin_run(db_path, "/dev/zero", "session", "new", "ana", "--notes", "-")
    assert p.returncode == 1, p.stderr
    assert "larger than 10 MiB" in p.stderr, p.stderr
    assert "Traceback" not in p.stderr and "MemoryError" not in p.stderr
    assert _sessions(db_path) == 0


def test_notes_of_just_under_10_mib_are_kept_whole(db_path: Path, tmp_path: Path):
    _store(db_path)
    big = tmp_path / "big.md"
    big.write_bytes(b"word " * (10 * MiB // 5))  # exactly 10 MiB
    p = _stdin_run(db_path, str(big), "session", "new", "ana", "--notes", "-")
    assert p.returncode == 0, p.stderr
    assert query(db_path, "SELECT length(notes) FROM sessions") == [(10 * MiB,)]


def test_an_agreement_file_that_is_not_utf8_or_too_large_is_refused(db_path: Path, tmp_path: Path):
    _store(db_path)
    bad = tmp_path / "agreement.md"
    bad.write_bytes("## Goals\nLiderança\n".encode("latin-1"))
    r = run(db_path, "agreement", "new", "ana", "--from", str(bad))
    assert r.code == 1 and "not UTF-8 text" in r.err, r.shown
    _no_crash(r)
    huge = tmp_path / "huge.md"
    huge.write_bytes(b"## Goals\n" + b"x" * (10 * MiB + 1))
    r = run(db_path, "agreement", "new", "ana", "--from", str(huge))
    assert r.code == 1 and "larger than 10 MiB" in r.err, r.shown
    _no_crash(r)
    assert query(db_path, "SELECT count(*) FROM agreements") == [(0,)]


def _export(db: Path, tmp_path: Path) -> dict:
    ok(db, "session", "new", "ana", "--at", "2026-11-20 15:00", "--notes", "fine")
    out = tmp_path / "all.json"
    ok(db, "export", "--all", "--format", "json", "--out", str(out))
    return json.loads(out.read_text())


def test_a_lone_surrogate_in_an_import_file_names_the_record_and_field(
    db_path: Path, tmp_path: Path
):
    _store(db_path)
    doc = _export(db_path, tmp_path)
    doc["sessions"][0]["notes"] = "broken \ud800 text"
    doc["sessions"][0]["themes"] = ["ok", "bad \udce9"]
    doc["clients"][0]["name"] = "Ana \udfff"
    doc["sessions"][0]["m\udce9od"] = 1  # a key that is not text either
    path = tmp_path / "surrogates.json"
    path.write_text(json.dumps(doc))  # ensure_ascii: written as \ud800 escapes
    before = query(db_path, "SELECT uid, notes, updated_at FROM sessions")
    r = run(db_path, "import", str(path))
    assert r.code == 1, r.shown
    _no_crash(r)
    flat = " ".join(r.err.split())
    assert "sessions[0] (uid " in flat
    assert "notes: holds a lone surrogate (\\ud800)" in flat, flat
    assert "themes: holds a lone surrogate (\\udce9)" in flat, flat
    assert "clients[0] (uid " in flat and "name: holds a lone surrogate (\\udfff)" in flat, flat
    assert "m<U+DCE9>od: unknown key" in flat, flat
    assert query(db_path, "SELECT uid, notes, updated_at FROM sessions") == before


def test_a_version_that_is_not_an_integer_is_refused(db_path: Path, tmp_path: Path):
    _store(db_path)
    doc = _export(db_path, tmp_path)
    doc["sessions"][0]["notes"] = "changed"
    doc["sessions"][0]["updated_at"] = "2026-11-22T11:00:00+00:00"
    for version, shown in ((True, "true"), (1.0, "1.0")):
        path = tmp_path / "v.json"
        path.write_text(json.dumps({**doc, "version": version}))
        r = run(db_path, "import", str(path))
        assert r.code == 1, (version, r.shown)
        assert f"is in format version {shown}, which is not a whole number" in r.err, r.err
        assert query(db_path, "SELECT notes FROM sessions") == [("fine",)]
