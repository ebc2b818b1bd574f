"""A practice of several coaches on one PostgreSQL server (SPEC §8), attacked as the audit of
issue 15 did: through coachlog, with any environment variable a coach can set, and through
psql with a colleague's own login. The DATABASE keeps each coach's rows to that coach.

The server is a private cluster this module starts (tests/support/pgcluster.py): passwords
required (scram-sha-256), a unix socket in a temporary folder, no TCP. Its setup superuser
only creates the owner role and the coaches' roles; everything else is done as the
practice's owner and its coaches, which are neither superusers nor BYPASSRLS."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from support import NOW_ISO
from support.pgcluster import Cluster, pg_bin, start

OWNER, OWNER_PW = "t_owner", "owner pw ✓"
COACHES = {"coach_a": "a-secret", "coach_b": "b-secret"}


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    found = pg_bin()
    if found is None:
        pytest.skip("no PostgreSQL server binaries (initdb) on this machine; CI installs them")
    c = start(found)
    try:
        owner_pw = OWNER_PW.replace("'", "''")
        c.su(f"CREATE ROLE {OWNER} LOGIN CREATEROLE PASSWORD '{owner_pw}'", db="postgres")
        for role, pw in COACHES.items():
            c.su(f"CREATE ROLE {role} LOGIN PASSWORD '{pw}'", db="postgres")
        yield c
    finally:
        c.stop()


@dataclass
class Practice:
    cluster: Cluster
    db: str

    def url(self, role: str, password: str | None = None) -> str:
        return self.cluster.url(role, password, db=self.db)

    def run(
        self,
        role: str,
        *args: str,
        password: str | None = None,
        env: dict[str, str] | None = None,
        input: str | None = None,
    ) -> subprocess.CompletedProcess[str]:
        """coachlog as a real process, logged in as `role` with its own password (given
        through PGPASSWORD, as libpq reads it), unless `password` says otherwise."""
        pw = password if password is not None else {OWNER: OWNER_PW, **COACHES}.get(role, "")
        full = {**os.environ, "COACHLOG_DB": self.url(role), "PGPASSWORD": pw,
                "COACHLOG_NOW": NOW_ISO, "COLUMNS": "200", **(env or {})}  # fmt: skip
        return subprocess.run(
            [sys.executable, "-m", "coachlog", *args],
            capture_output=True, text=True, env=full, timeout=120, input=input,
            stdin=None if input is not None else subprocess.DEVNULL,
        )  # fmt: skip

    def ok(self, role: str, *args: str, **kw: object) -> subprocess.CompletedProcess[str]:
        r = self.run(role, *args, **kw)  # type: ignore[arg-type]
        assert r.returncode == 0, (args, r.stdout, r.stderr)
        return r

    def psql(self, role: str, sql: str) -> subprocess.CompletedProcess[str]:
        return self.cluster.psql(role, {OWNER: OWNER_PW, **COACHES}[role], sql, db=self.db)

    def su(self, sql: str) -> str:
        return self.cluster.su(sql, db=self.db)


@pytest.fixture
def empty_db(cluster: Cluster) -> Iterator[Practice]:
    """A new database owned by the practice's owner, with nothing in it yet."""
    db = "p_" + uuid.uuid4().hex[:10]
    cluster.su(f"CREATE DATABASE {db} OWNER {OWNER}", db="postgres")
    yield Practice(cluster, db)
    cluster.su(f"DROP DATABASE {db} WITH (FORCE)", db="postgres")


@pytest.fixture
def practice(empty_db: Practice) -> Practice:
    """The administrator's setup (docs/practice.md): `coachlog init` as the owner, then
    `practice add-coach` for each coach. coach_a has a client with a private session."""
    p = empty_db
    p.ok(OWNER, "init")
    for role in COACHES:
        p.ok(OWNER, "practice", "add-coach", role)
    p.ok("coach_a", "client", "add", "Ana Lima", "--email", "ana@example.org")
    p.ok("coach_a", "agreement", "new", "ana", "--goals", "Lead the merger")
    p.ok("coach_a", "session", "new", "ana", "--at", "2026-11-20 15:00", "--minutes", "60",
         "--notes", "Ana fears the café meeting; confidential.", "--private",
         "--promise", "Send the article @ 2026-11-25")  # fmt: skip
    return p


def a_is_intact(p: Practice) -> None:
    """coach_a's records are all there, with coach_a's own text."""
    out = p.ok("coach_a", "export", "--all", "--format", "json").stdout
    doc = json.loads(out)
    assert [c["name"] for c in doc["clients"]] == ["Ana Lima"]
    assert [s["notes"] for s in doc["sessions"]] == ["Ana fears the café meeting; confidential."]
    assert [a["goals"] for a in doc["agreements"]] == ["Lead the merger"]
    assert [x["text"] for x in doc["promises"]] == ["Send the article"]


def one_sentence(err: str) -> None:
    """A clear message: no traceback, no SQL."""
    assert "Traceback" not in err and "SELECT" not in err and "sqlalchemy" not in err.lower(), err


# --- attack 1: a colleague sets COACHLOG_COACH ----------------------------------------------


def test_a_colleague_who_sets_coachlog_coach_reads_and_erases_nothing(practice: Practice):
    claim = {"COACHLOG_COACH": "coach_a"}
    for args in (
        ("session", "show", "1"),
        ("search", "cafe"),
        ("export", "--all", "--include-private", "--format", "json"),
        ("client", "forget", "ana", "--yes"),
        ("promises", "due", "--within", "30d"),  # the read path without the ORM, too
    ):
        r = practice.run("coach_b", *args, env=claim)
        assert r.returncode == 1, (args, r.stdout)
        assert "COACHLOG_COACH is 'coach_a'" in r.stderr and "as 'coach_b'" in r.stderr
        assert "café" not in r.stdout + r.stderr
        one_sentence(r.stderr)
    a_is_intact(practice)


def test_without_any_variable_a_colleague_sees_none_of_it(practice: Practice):
    """Two coaches whose machines have the same login name (root) and no COACHLOG_COACH:
    the database role decides, so they share nothing."""
    same = {"USER": "root", "LOGNAME": "root"}
    b = practice.run("coach_b", "session", "show", "1", env=same)
    assert b.returncode == 1 and "No session with id 1" in b.stderr
    assert practice.ok("coach_b", "search", "cafe", env=same).stdout.strip() == (
        "No matches for cafe."
    )
    doc = json.loads(
        practice.ok("coach_b", "export", "--all", "--include-private", "-f", "json").stdout
    )
    assert doc["clients"] == doc["sessions"] == doc["promises"] == []
    due = practice.ok("coach_b", "promises", "due", "--within", "30d", env=same).stdout
    assert due.strip() == "Nothing due in the next 30 days."
    assert "Send the article" in practice.ok("coach_a", "promises", "due", "-w", "30d").stdout
    r = practice.run("coach_b", "client", "forget", "ana", "--yes", env=same)
    assert r.returncode == 1 and "No client matches" in r.stderr
    assert practice.ok("coach_b", "client", "list", "--json", env=same).stdout.strip() == "[]"
    # the same name is free for coach_b's own client, and the ids do not collide
    practice.ok("coach_b", "client", "add", "Ana Lima", env=same)
    a_is_intact(practice)


# --- attack 2: an import carrying a colleague's uids ----------------------------------------


def test_an_import_of_a_colleagues_uids_changes_nothing(practice: Practice, tmp_path: Path):
    doc = json.loads(practice.ok("coach_a", "export", "--all", "-f", "json").stdout)
    for table in ("clients", "agreements", "sessions", "promises"):
        for record in doc[table]:
            record["updated_at"] = "2099-01-01T00:00:00+00:00"
    doc["sessions"][0]["notes"] = "Overwritten by coach_b"
    forged = tmp_path / "forged.json"
    forged.write_text(json.dumps(doc))
    for env in ({}, {"COACHLOG_COACH": "coach_a"}):
        r = practice.run("coach_b", "import", str(forged), env=env)
        assert r.returncode == 1, r.stdout
        assert "updated" not in r.stdout
        said = "COACHLOG_COACH is 'coach_a'" if env else "uid is already used by another coach"
        assert said in r.stderr, r.stderr
        one_sentence(r.stderr)
    assert practice.ok("coach_b", "client", "list", "--json").stdout.strip() == "[]"
    a_is_intact(practice)
    # coach_a's own re-import of the original keeps coach_a's version: nothing to change
    mine = tmp_path / "mine.json"
    mine.write_text(practice.ok("coach_a", "export", "--all", "-f", "json").stdout)
    again = practice.ok("coach_a", "import", str(mine))
    assert "all 4 records are already here" in again.stdout


# --- attack 3: psql with a colleague's own login --------------------------------------------


def test_psql_with_a_colleagues_own_login_reads_and_changes_nothing(practice: Practice):
    counts = "SELECT (SELECT count(*) FROM clients) || ',' || (SELECT count(*) FROM sessions) "
    counts += (
        "|| ',' || (SELECT count(*) FROM promises) || ',' || (SELECT count(*) FROM agreements)"
    )
    assert practice.psql("coach_a", counts).stdout.strip() == "1,1,1,1"
    r = practice.psql("coach_b", counts)
    assert r.returncode == 0 and r.stdout.strip() == "0,0,0,0"
    for sql, said in (
        ("UPDATE sessions SET notes = 'mine now'", "UPDATE 0"),
        ("DELETE FROM promises", "DELETE 0"),
        ("DELETE FROM clients", "DELETE 0"),
        ("UPDATE clients SET coach = 'coach_b'", "UPDATE 0"),
    ):
        r = practice.psql("coach_b", sql)
        assert r.returncode == 0 and said in r.stdout + r.stderr, (sql, r.stdout, r.stderr)
    refused = (
        # a session, a promise or an agreement for coach_a's client (id 1)
        "INSERT INTO sessions (uid, created_at, updated_at, client_id, held_at, kind, themes, "
        "private, status, group_size, counts_for_icf) VALUES ('x', now(), now(), 1, now(), "
        "'regular', '[]', false, 'held', 1, true)",
        "INSERT INTO agreements (uid, created_at, updated_at, client_id, version, status) "
        "VALUES ('y', now(), now(), 1, 9, 'draft')",
        # a client written in coach_a's name
        "INSERT INTO clients (uid, created_at, updated_at, coach, name, status, payment) "
        "VALUES ('z', now(), now(), 'coach_a', 'Planted', 'active', 'paid')",
        # switching the protection off, or becoming coach_a
        "ALTER TABLE clients DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE sessions NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY coachlog_own_rows ON clients",
        "SET ROLE coach_a",
        "SET SESSION AUTHORIZATION coach_a",
        "TRUNCATE sessions",
    )
    for sql in refused:
        r = practice.psql("coach_b", sql)
        assert r.returncode != 0, sql
        assert re.search(r"row-level security|must be owner|permission denied", r.stderr), r.stderr
    # coach_b's own client cannot be given to coach_a, nor a promise tied to A's session
    practice.ok("coach_b", "client", "add", "Bruno Costa")
    r = practice.psql("coach_b", "UPDATE clients SET coach = 'coach_a'")
    assert r.returncode != 0 and "row-level security" in r.stderr
    r = practice.psql(
        "coach_b",
        "INSERT INTO promises (uid, created_at, updated_at, client_id, session_id, owner, text, "
        "made_at, due_at, status, due_history) SELECT 'p', now(), now(), id, 1, 'coach', 't', "
        "now(), now(), 'open', '[]' FROM clients",
    )
    assert r.returncode != 0 and "row-level security" in r.stderr
    a_is_intact(practice)


# --- attack 4: migrations by a coach, at once -----------------------------------------------


def test_a_coach_never_creates_or_migrates_the_shared_schema(empty_db: Practice):
    p = empty_db
    p.su(
        f"GRANT CONNECT ON DATABASE {p.db} TO coach_a; GRANT USAGE, CREATE ON SCHEMA public "
        "TO coach_a"
    )  # fmt: skip  (grants that would let a coach's coachlog create tables)
    r = p.run("coach_a", "client", "add", "Ana Lima")
    assert r.returncode == 1
    assert "only its owner ('t_owner') can create it" in r.stderr
    assert "coachlog init" in r.stderr
    one_sentence(r.stderr)
    assert p.su("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").strip() == "0"
    # made by the owner (two at once: one creates it, the other waits and finds it made),
    # then marked older: a coach's coachlog refuses and names the owner
    env = {**os.environ, "COACHLOG_DB": p.url(OWNER), "PGPASSWORD": OWNER_PW}
    cmd = [sys.executable, "-m", "coachlog", "init"]
    both = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]  # fmt: skip
    results = [(proc.wait(timeout=120), *proc.communicate()) for proc in both]
    assert [code for code, _, _ in results] == [0, 0], results
    p.ok(OWNER, "practice", "add-coach", "coach_a")
    p.su("UPDATE alembic_version SET version_num = '0003'")
    r = p.run("coach_a", "client", "list")
    assert r.returncode == 1
    assert "only its owner ('t_owner') can upgrade it" in r.stderr
    assert "coachlog practice upgrade" in r.stderr
    r = p.run("coach_a", "practice", "upgrade", "--backed-up")
    assert r.returncode == 1 and "only its owner ('t_owner')" in r.stderr
    # the owner too is only told: ordinary commands never migrate a server store
    r = p.run(OWNER, "client", "list")
    assert r.returncode == 1 and "coachlog practice upgrade" in r.stderr
    assert p.su("SELECT version_num FROM alembic_version").strip() == "0003"


def test_the_owner_upgrades_after_a_confirmed_backup_one_at_a_time(empty_db: Practice):
    """A store made by the previous schema (0003) is upgraded to 0006 only by `practice
    upgrade` as the owner, with --backed-up; two upgrades at once: one waits, neither
    fails; the coach's records written before are then the coach's under the policies."""
    p = empty_db
    from sqlalchemy import create_engine

    from coachlog.store.migrate import alembic_config

    engine = create_engine(p.url(OWNER, OWNER_PW))
    with engine.begin() as conn:
        from alembic import command

        command.upgrade(alembic_config(conn), "0003")
        conn.exec_driver_sql(
            "INSERT INTO clients (uid, created_at, updated_at, coach, name, status, payment) "
            "VALUES ('u1', now(), now(), 'coach_a', 'Old Client', 'active', 'paid')"
        )
    engine.dispose()
    r = p.run(OWNER, "practice", "upgrade")
    assert r.returncode == 2 and "--backed-up" in r.stderr
    assert p.su("SELECT version_num FROM alembic_version").strip() == "0003"
    env = {**os.environ, "COACHLOG_DB": p.url(OWNER), "PGPASSWORD": OWNER_PW}
    cmd = [sys.executable, "-m", "coachlog", "practice", "upgrade", "--backed-up"]
    both = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             text=True) for _ in range(2)]  # fmt: skip
    results = [(proc.wait(timeout=120), *proc.communicate()) for proc in both]
    assert [code for code, _, _ in results] == [0, 0], results
    assert p.su("SELECT version_num FROM alembic_version").strip() == "0006"
    p.ok(OWNER, "practice", "add-coach", "coach_a")
    p.ok(OWNER, "practice", "add-coach", "coach_b")
    assert p.ok("coach_a", "client", "list", "--json").stdout.count("Old Client") == 1
    assert p.ok("coach_b", "client", "list", "--json").stdout.strip() == "[]"


# --- attack 5: one coach, two terminals ------------------------------------------------------


def test_one_coach_in_several_terminals_at_once(practice: Practice):
    """Writes of one coach are taken one at a time (an advisory lock per coach): the same
    new client from four terminals is added once, and four new agreements get versions
    2 to 5, with no raw duplicate-key error."""
    env = {**os.environ, "COACHLOG_DB": practice.url("coach_a"), "PGPASSWORD": COACHES["coach_a"],
           "COACHLOG_NOW": NOW_ISO}  # fmt: skip

    def at_once(*args: str, n: int = 4) -> list[tuple[int, str, str]]:
        cmd = [sys.executable, "-m", "coachlog", *args]
        procs = [subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for _ in range(n)]  # fmt: skip
        return [(proc.wait(timeout=120), *proc.communicate()) for proc in procs]

    added = at_once("client", "add", "Bea Kaur")
    assert sorted(code for code, _, _ in added) == [0, 1, 1, 1], added
    for code, _, err in added:
        assert "duplicate key" not in err
        if code:
            assert "There is already a client named 'Bea Kaur'" in err
    versions = at_once("agreement", "new", "ana", "--goals", "Again")
    assert [code for code, _, _ in versions] == [0, 0, 0, 0], versions
    listed = json.loads(practice.ok("coach_a", "agreement", "list", "ana", "--json").stdout)
    assert sorted(a["version"] for a in listed) == [1, 2, 3, 4, 5]


# --- backup, doctor, status ------------------------------------------------------------------


def test_backup_is_the_coachs_own_records_as_interchange_json(practice: Practice, tmp_path):
    practice.ok("coach_b", "client", "add", "Bruno Costa")
    out = tmp_path / "b.json"
    r = practice.ok("coach_b", "backup", "--out", str(out))
    assert "Wrote your own records" in r.stdout
    assert out.stat().st_mode & 0o777 == 0o600
    doc = json.loads(out.read_text())
    assert [c["name"] for c in doc["clients"]] == ["Bruno Costa"] and doc["sessions"] == []
    # and it gives them back: into an empty store, uid for uid
    store = tmp_path / "restored.db"
    r = subprocess.run(
        [sys.executable, "-m", "coachlog", "--db", str(store), "import", str(out)],
        capture_output=True,
        text=True,
        env={**os.environ, "COACHLOG_NOW": NOW_ISO},
    )
    assert r.returncode == 0, r.stderr  # fmt: skip
    a = tmp_path / "a.json"
    practice.ok("coach_a", "backup", "--out", str(a))
    assert "café" in a.read_text() and "Bruno" not in a.read_text()


def test_doctor_and_status_check_the_policies_and_the_role(practice: Practice, cluster):
    r = practice.ok("coach_a", "doctor", "--json")
    checks = {c["name"]: c["status"] for c in json.loads(r.stdout)["checks"]}
    assert checks["Separation"] == "ok" and checks["Role"] == "ok"
    status = json.loads(practice.ok(OWNER, "practice", "status", "--json").stdout)
    counts = {c["role"]: (c["clients"], c["sessions"], c["promises"]) for c in status["coaches"]}
    assert counts == {"coach_a": (1, 1, 1), "coach_b": (0, 0, 0)} and status["ok"] is True
    r = practice.run("coach_a", "practice", "status")
    assert r.returncode == 1 and "Only the store's owner ('t_owner')" in r.stderr
    # a store whose protection is off is not "All good"
    practice.su("ALTER TABLE sessions NO FORCE ROW LEVEL SECURITY")
    practice.su("ALTER TABLE promises DISABLE ROW LEVEL SECURITY")
    r = practice.run("coach_a", "doctor")
    assert r.returncode == 1 and "All good" not in r.stdout
    assert "row-level security is off on promises" in r.stdout.lower()
    assert "not forced on sessions" in r.stdout
    assert practice.run(OWNER, "practice", "status").returncode == 1
    # a superuser is warned that it reads everyone's records
    r = cluster.psql("postgres", "super-secret-setup", "SELECT 1", db=practice.db)
    assert r.returncode == 0
    r = practice.run("postgres", "doctor", "--json", password="super-secret-setup")
    checks = {c["name"]: c for c in json.loads(r.stdout)["checks"]}
    assert checks["Role"]["status"] == "warn" and "superuser" in checks["Role"]["detail"]


# --- errors a coach can meet ------------------------------------------------------------------


def test_errors_are_one_clear_sentence(practice: Practice, tmp_path: Path):
    cases = [
        (practice.run("coach_a", "client", "list", password="wrong"), "wrong password"),
        (practice.run("coach_a", "client", "list", password=""), "wrong password"),
    ]
    # a role without the grants (never given add-coach)
    practice.su("CREATE ROLE coach_c LOGIN PASSWORD 'c-secret'")
    try:
        cases.append(
            (practice.run("coach_c", "client", "list", password="c-secret"), "has no access")
        )
        cases.append(
            (practice.run("coach_c", "client", "add", "X", password="c-secret"), "has no access")
        )
    finally:
        practice.su(f"REVOKE ALL ON DATABASE {practice.db} FROM coach_c; DROP ROLE coach_c")
    nowhere = practice.url("coach_a").replace(str(practice.cluster.socket), str(tmp_path))
    cases.append(
        (practice.run("coach_a", "client", "list", env={"COACHLOG_DB": nowhere}), "Cannot reach")
    )
    # no driver: psycopg made unimportable for this process
    blocker = tmp_path / "nodriver"
    blocker.mkdir()
    (blocker / "psycopg.py").write_text("raise ImportError('No module named psycopg')\n")
    cases.append(
        (
            practice.run("coach_a", "client", "list", env={"PYTHONPATH": str(blocker)}),
            "pip install 'coachlog[postgres]'",
        )
    )
    for r, said in cases:
        assert r.returncode == 1, (said, r.stdout, r.stderr)
        assert said in r.stderr, r.stderr
        one_sentence(r.stderr)
        assert len(r.stderr.strip().splitlines()) <= 3, r.stderr


def test_add_coach_gives_exactly_a_coachs_grants(empty_db: Practice):
    p = empty_db
    p.ok(OWNER, "init")
    r = p.ok(OWNER, "practice", "add-coach", "coach_new", "--create-login",
             env={"COACHLOG_COACH_PASSWORD": "n-secret"})  # fmt: skip
    assert "Created the login role coach_new" in r.stdout
    try:
        powers = p.su(
            "SELECT rolsuper, rolbypassrls, rolcreaterole, rolcreatedb, rolcanlogin, "
            "rolpassword LIKE 'SCRAM-SHA-256$%' FROM pg_authid WHERE rolname = 'coach_new'"
        )
        assert powers.strip() == "f|f|f|f|t|t"
        grants = p.su(
            "SELECT table_name || ':' || string_agg(privilege_type, ',' ORDER BY privilege_type) "
            "FROM information_schema.role_table_grants WHERE grantee = 'coach_new' "
            "GROUP BY table_name ORDER BY table_name"
        ).split()
        rw = "DELETE,INSERT,SELECT,UPDATE"
        assert grants == [
            "agreements:" + rw, "alembic_version:SELECT", "clients:" + rw, "learning:" + rw,
            "promises:" + rw, "sessions:" + rw, "undo_step_clients:" + rw, "undo_steps:" + rw,
        ]  # fmt: skip
        assert p.su("SELECT has_schema_privilege('coach_new', 'public', 'CREATE')").strip() == "f"
        # the new coach works, and sees only their own
        r = p.run("coach_new", "client", "add", "Nina", password="n-secret")
        assert r.returncode == 0, r.stderr
        r = p.run(OWNER, "practice", "add-coach", "postgres")
        assert r.returncode == 1 and "superuser" in r.stderr
        r = p.run(OWNER, "practice", "add-coach", "x; DROP TABLE clients")
        assert r.returncode == 1 and "not a role name" in r.stderr
        p.ok(OWNER, "practice", "add-coach", "coach_a")
        r = p.run("coach_a", "practice", "add-coach", "coach_b")
        assert r.returncode == 1 and "Only the store's owner ('t_owner')" in r.stderr
    finally:
        p.su("DROP OWNED BY coach_new; DROP ROLE coach_new")


# --- the administrator's guide, followed on a fresh cluster ----------------------------------


def test_the_guide_followed_step_by_step(cluster: Cluster, tmp_path: Path):
    """docs/practice.md as an administrator follows it: every block marked for a step is
    run in order, as its role; the server name in the guide is the private cluster's."""
    guide = (Path(__file__).parent.parent / "docs" / "practice.md").read_text()
    blocks = re.findall(r"```(sql|sh) step=(\S+)\n(.*?)```", guide, re.S)
    assert len(blocks) == 5
    host = f"@/practice?host={cluster.socket}&port={cluster.port}"
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "COACHLOG_NOW": NOW_ISO, "HOME": str(tmp_path),
           "PATH": bindir + os.pathsep + os.environ["PATH"], "COLUMNS": "200"}  # fmt: skip
    env.pop("COACHLOG_DB", None)
    seen = []
    try:
        for lang, who, body in blocks:
            body = body.replace("@db.example.org/practice", host)
            if lang == "sql":  # psql, as that role, with that role's password
                pw = {"superuser": "super-secret-setup", "coach_ben": "ben's own secret"}[who]
                role, db = ("postgres", "postgres") if who == "superuser" else (who, "practice")
                r = cluster.psql(role, pw, body, db=db)
            else:
                r = subprocess.run(["bash", "-e", "-c", body], capture_output=True, text=True,
                                   env=env, timeout=300)  # fmt: skip
            seen.append((who, r.stdout, r.stderr))
            assert r.returncode == 0, seen[-1]
        out = "\n".join(o + e for _, o, e in seen)
        assert out.count("Row-level security is on and forced on every table") == 2
        assert "coach_ana: 1 clients" in out
        assert [o.strip() for who, o, _ in seen if who == "coach_ben"] == ["0"]
    finally:
        cluster.su("DROP DATABASE IF EXISTS practice WITH (FORCE)", db="postgres")
        for role in ("coach_ana", "coach_ben", "practice_owner"):
            cluster.su(f"DROP ROLE IF EXISTS {role}", db="postgres")


# --- personal stores ---------------------------------------------------------------------------


def test_sqlite_store_is_personal_whatever_the_coach_name(backend, cli):
    if backend != "sqlite":
        pytest.skip("about personal stores")
    cli("client", "add", "Ana Lima", env={"COACHLOG_COACH": "amal"})
    # a personal file is protected by its permissions; the name is recorded, not enforced,
    # so moving the file to a machine with another login name loses nothing
    assert len(cli("client", "list", "--json", env={"COACHLOG_COACH": "other"}).json) == 1


def test_the_coach_of_a_server_store_is_the_role():
    from coachlog.errors import StoreError
    from coachlog.store.coach import check_server_coach, local_coach

    assert check_server_coach("coach_a", {}) == "coach_a"
    assert check_server_coach("coach_a", {"COACHLOG_COACH": " coach_a "}) == "coach_a"
    with pytest.raises(StoreError, match=r"COACHLOG_COACH is 'coach_b'.*as 'coach_a'"):
        check_server_coach("coach_a", {"COACHLOG_COACH": "coach_b"})
    assert local_coach({"COACHLOG_COACH": "amal"}) == "amal"


def test_the_search_expression_is_the_index_expression():
    """queries/search.py must write exactly the expression migration 0006 indexes, or
    PostgreSQL would scan every row instead of using the GIN index."""
    import importlib

    from coachlog.queries.search import pg_document

    migration = importlib.import_module("coachlog.store.migrations.versions.0006_practice_security")
    for table in ("sessions", "promises", "agreements"):
        assert pg_document(table) == migration.search_document(table)
