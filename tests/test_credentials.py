"""The credential commands end to end (SPEC §9): the client and session fields, `icf log`
(CSV with ICF's header, Markdown, JSON), `icf progress`, the learning log and `renewal`,
on both backends; and what only a real process shows (what reaches the CSV file)."""

from __future__ import annotations

import csv
import io
import json
import os
import stat

import pytest

HEADER = (
    "Client Name,Contact Information,Individual/Group,Number in Group,Start Date,End Date,"
    "Paid Hours,Pro Bono Hours"
)


@pytest.fixture
def practice(cli):
    """Three clients: Ana (paid, consented; one-to-one and a group), Rui (pro bono,
    consented), Zed (declined); one session of Ana's does not count."""
    ok = [
        cli("client", "add", "Ana Lima", "--email", "ana@example.com", "--icf-consent", "yes",
            "--icf-consent-note", "verbal, first session"),
        cli("client", "add", "Rui Costa", "--phone", "+351 912 345 678", "--payment",
            "pro-bono", "--icf-consent", "yes"),
        cli("client", "add", "Zed", "--icf-consent", "no"),
        cli("session", "new", "ana", "--at", "2026-03-02 10:00", "--minutes", "50", "--notes", "a"),
        cli("session", "new", "ana", "--at", "2026-03-09 10:00", "--minutes", "90",
            "--group-size", "5", "--notes", "b"),
        cli("session", "new", "ana", "--at", "2026-03-16 10:00", "--minutes", "90",
            "--group-size", "6", "--notes", "c"),
        cli("session", "new", "ana", "--at", "2026-04-01 10:00", "--minutes", "40", "--notes", "d"),
        cli("session", "new", "rui", "--at", "2026-04-02 10:00", "--minutes", "20", "--notes", "e"),
        cli("session", "new", "zed", "--at", "2026-04-03 10:00", "--minutes", "60", "--notes", "f"),
        cli("session", "new", "ana", "--at", "2026-04-10 10:00", "--minutes", "60",
            "--not-for-icf", "--notes", "mentor coaching I gave"),
    ]  # fmt: skip
    assert all(r.code == 0 for r in ok), [r.err for r in ok if r.code]
    return cli


# --- the fields -------------------------------------------------------------------------------


def test_client_fields_by_flag_on_the_page_and_in_json(practice):
    cli = practice
    ana = cli("client", "show", "ana", "--json").json
    assert (ana["payment"], ana["icf_consent"], ana["icf_consent_note"]) == (
        "paid",
        "yes",
        "verbal, first session",
    )
    assert cli("client", "show", "rui", "--json").json["payment"] == "pro_bono"
    page = cli("client", "show", "ana").out
    assert "ICF log" in page and "consented to be listed" in page and "verbal, first" in page
    # "" clears the consent: not asked again
    r = cli("client", "edit", "ana", "--icf-consent", "", "--json")
    assert r.code == 0 and r.json["icf_consent"] is None
    assert "consent not asked yet" in cli("client", "show", "ana").out
    assert cli("client", "add", "New").code == 0
    new = cli("client", "show", "new", "--json").json
    assert (new["payment"], new["icf_consent"], new["icf_consent_note"]) == ("paid", None, None)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--payment", "free"], "payment must be one of: paid, pro_bono (got 'free')"),
        (["--payment", ""], "payment must be one of: paid, pro_bono"),
        (["--icf-consent", "maybe"], "ICF consent must be one of: yes, no (got 'maybe')"),
    ],
)
def test_bad_client_values_are_refused_naming_what_is_accepted(practice, args, message):
    r = practice("client", "edit", "ana", *args)
    assert r.code == 1 and message in " ".join(r.err.split()), r.err
    assert practice("client", "show", "ana", "--json").json["payment"] == "paid"


def test_session_fields_by_flag(practice):
    cli = practice
    rows = cli("session", "list", "--json").json
    assert [(r["group_size"], r["counts_for_icf"], r["status"]) for r in rows][1:3] == [
        (5, True, "held"),
        (6, True, "held"),
    ]
    assert rows[-1]["counts_for_icf"] is False
    r = cli("session", "edit", str(rows[-1]["id"]), "--counts-for-icf", "--group-size", "3",
            "--json")  # fmt: skip
    assert r.code == 0 and (r.json["counts_for_icf"], r.json["group_size"]) == (True, 3)
    shown = cli("session", "show", str(rows[-1]["id"])).out
    assert "a group of 3; counts" in shown
    bad = cli("session", "edit", str(rows[-1]["id"]), "--group-size", "0")
    assert bad.code == 2 and "group-size" in bad.err


# --- icf log ----------------------------------------------------------------------------------


def test_icf_log_csv_has_icf_header_a_row_per_client_and_kind_and_the_right_hours(practice):
    r = practice("icf", "log")
    assert r.code == 0, r.err
    lines = r.out.splitlines()
    assert lines[0] == HEADER
    rows = list(csv.reader(io.StringIO(r.out)))[1:]
    # A hand count: Ana one-to-one 50 + 40 = 90 min = 1.50 h; her groups 90 + 90 = 3.00 h,
    # the largest of 6; Rui 20 min = 0.33 h pro bono; Zed left off; the mentor session out.
    assert rows == [
        ["Ana Lima", "ana@example.com", "Individual", "1", "2026-03-02", "2026-04-01", "1.50",
         "0.00"],
        ["Ana Lima", "ana@example.com", "Group", "6", "2026-03-09", "2026-03-16", "3.00", "0.00"],
        ["Rui Costa", "+351 912 345 678", "Individual", "1", "2026-04-02", "2026-04-02", "0.00",
         "0.33"],
    ]  # fmt: skip
    note = " ".join(r.err.split())
    assert "Left off (no consent to be listed): 1 client, 1.00 hours" in note
    assert "Zed: 1.00 h (did not consent to be listed)" in note
    assert "Not counted: 1 session" in note and "counts_for_icf is false" in note


def test_icf_log_counts_from_training_and_within_the_period(practice):
    env = {"COACHLOG_TRAINING_STARTED_ON": "2026-03-10"}
    rows = list(csv.reader(io.StringIO(practice("icf", "log", env=env).out)))[1:]
    assert [(r[0], r[2], r[6], r[7]) for r in rows] == [
        ("Ana Lima", "Individual", "0.67", "0.00"),
        ("Ana Lima", "Group", "1.50", "0.00"),
        ("Rui Costa", "Individual", "0.00", "0.33"),
    ]
    data = practice("icf", "log", "--format", "json", env=env).json
    assert data["training_started_on"] == "2026-03-10"
    assert [e["reason"] for e in data["excluded"]][:2] == [
        "held before your coach-specific training began (2026-03-10)",
        "held before your coach-specific training began (2026-03-10)",
    ]
    r = practice("icf", "log", "--since", "2026-04-01", "--until", "2026-04-02", "--format",
                 "json")  # fmt: skip
    assert [(row["client"], row["sessions"]) for row in r.json["rows"]] == [
        ("Ana Lima", 1),
        ("Rui Costa", 1),
    ]
    assert r.json["excluded"] == [] and r.json["left_off"] == []


def test_icf_log_json_and_markdown_carry_left_off_and_excluded(practice):
    data = practice("icf", "log", "--format", "json").json
    assert list(data) == ["since", "until", "training_started_on", "rows", "totals", "left_off",
                          "excluded"]  # fmt: skip
    assert data["totals"] == {"paid_hours": 4.5, "pro_bono_hours": 0.33, "hours": 4.83,
                              "sessions": 5}  # fmt: skip
    assert data["rows"][1] == {
        "client_id": 1,
        "client": "Ana Lima",
        "contact": "ana@example.com",
        "individual_group": "Group",
        "number_in_group": 6,
        "start_date": "2026-03-09",
        "end_date": "2026-03-16",
        "paid_hours": 3,
        "pro_bono_hours": 0,
        "sessions": 2,
    }
    assert data["left_off"] == [
        {"client_id": 3, "client": "Zed", "icf_consent": "no",
         "reason": "did not consent to be listed", "hours": 1, "sessions": 1}
    ]  # fmt: skip
    assert [(e["client"], e["minutes"]) for e in data["excluded"]] == [("Ana Lima", 60)]
    md = practice("icf", "log", "--format", "md").out
    assert "| " + " | ".join(HEADER.split(",")) + " |" in md
    assert "| **Total** |" in md and "**4.50**" in md
    assert "## Left off: not consented to be listed" in md and "- Zed: 1.00 hours" in md
    assert "## Sessions that do not count" in md


def test_icf_log_refuses_a_bad_format_or_period(practice):
    r = practice("icf", "log", "--format", "xlsx")
    assert r.code == 2 and "--format must be csv, md or json" in r.err
    r = practice("icf", "log", "--since", "2026-05-01", "--until", "2026-04-01")
    assert r.code == 1 and "--since is after --until" in r.err


def test_an_empty_store_gives_the_header_alone(cli):
    cli("init")  # a reading command never creates the store (SPEC §2a)
    r = cli("icf", "log")
    assert r.code == 0 and r.out == HEADER + "\n"


# --- what reaches the file: a real process ----------------------------------------------------


def test_the_csv_file_holds_only_consented_clients_and_no_formula(proc, tmp_path):
    """The CSV is what a coach shows ICF: a client who did not consent must not be in it,
    and a name written like a formula must not run in a spreadsheet."""
    for args in (
        ["client", "add", "=HYPERLINK(\"http://x\")", "--icf-consent", "yes"],
        ["client", "add", "Declined Person", "--icf-consent", "no", "--email", "d@example.com"],
        ["client", "add", "Not Asked", "--email", "n@example.com"],
        ["session", "new", "=HYPERLINK(\"http://x\")", "--minutes", "60", "--notes", "x",
         "--at", "2026-11-20"],
        ["session", "new", "Declined", "--minutes", "60", "--notes", "x", "--at", "2026-11-20"],
        ["session", "new", "Not", "--minutes", "60", "--notes", "x", "--at", "2026-11-20"],
    ):  # fmt: skip
        r = proc(*args)
        assert r.code == 0, r.err
    target = tmp_path / "log.csv"
    r = proc("icf", "log", "--out", str(target))
    assert r.code == 0, r.err
    text = target.read_text()
    assert "Declined" not in text and "d@example.com" not in text
    assert "Not Asked" not in text and "n@example.com" not in text
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[1][0] == '\'=HYPERLINK("http://x")'
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    # ... and the coach is told, on the terminal, who was left off and why
    said = " ".join(r.out.split())
    assert "Declined Person: 1.00 h (did not consent to be listed)" in said
    assert "Not Asked: 1.00 h (not asked for consent yet)" in said


# --- icf progress -----------------------------------------------------------------------------


def test_progress_json_against_a_target(practice):
    r = practice("icf", "progress", "--target", "PCC", "--json")
    assert r.code == 0, r.err
    assert r.json == {
        "target": "pcc",
        "hours": 4.83,
        "paid_hours": 4.5,
        "clients": 8,  # Ana 1 + her group of 6 + Rui 1
        "recent_hours": 4.83,
        "unlisted_hours": 1,
        "recent_since": "2025-05-22",
        "required": {"hours": 500, "paid_hours": 450, "clients": 25, "recent_hours": 50},
        "met": False,
    }


def test_progress_targets_the_level_after_the_coachs_credential(practice):
    assert practice("icf", "progress", "--json").json["target"] == "acc"
    r = practice("icf", "progress", "--json", env={"COACHLOG_CREDENTIAL": "acc"})
    assert r.json["target"] == "pcc"
    screen = practice("icf", "progress", env={"COACHLOG_CREDENTIAL": "pcc"}).out
    assert "Toward the ICF MCC" in screen and "█" in screen and "to go" in screen
    assert "Not listable for lack of consent: 1.00 hours" in " ".join(screen.split())
    bad = practice("icf", "progress", "--target", "bcc")
    assert bad.code == 2 and "--target must be acc, pcc or mcc" in bad.err


# --- learning and renewal ---------------------------------------------------------------------


def test_learning_add_list_delete(cli):
    r = cli("learning", "add", "ICF ethics course", "--hours", "3", "--category", "core",
            "--ethics", "--on", "2026-01-10", "--provider", "ICF", "--json")  # fmt: skip
    assert r.code == 0, r.err
    assert r.json == {
        "id": 1,
        "uid": r.json["uid"],
        "title": "ICF ethics course",
        "hours": 3,
        "category": "core",
        "ethics": True,
        "completed_on": "2026-01-10",
        "provider": "ICF",
        "proof": None,
        "created_at": "2026-11-22T10:00:00+00:00",
        "updated_at": "2026-11-22T10:00:00+00:00",
    }
    r = cli("learning", "add", "Supervision", "--hours", "1.5", "--category", "sup")
    assert r.code == 0 and "1.5 h of supervision" in r.out
    listed = cli("learning", "list", "--json").json
    assert [(e["title"], e["hours"], e["completed_on"]) for e in listed] == [
        ("ICF ethics course", 3, "2026-01-10"),
        ("Supervision", 1.5, "2026-11-22"),
    ]
    assert [
        e["title"] for e in cli("learning", "list", "--since", "2026-06-01", "--json").json
    ] == ["Supervision"]
    assert "4.5 hours" in cli("learning", "list").out
    r = cli("learning", "delete", "1")
    assert r.code == 2 and "needs --yes" in r.err
    assert cli("learning", "delete", "1", "--yes").code == 0
    assert [e["id"] for e in cli("learning", "list", "--json").json] == [2]
    r = cli("learning", "delete", "1", "--yes")
    assert r.code == 1 and "No learning entry with id 1" in r.err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--hours", "0", "--category", "core"], "--hours must be a number of hours from 0.01"),
        (["--hours", "1.234", "--category", "core"], "--hours takes at most two decimals"),
        (["--hours", "2", "--category", "fun"], "--category must be one of: core, resource"),
        (["--hours", "2", "--category", "resource", "--ethics"], "use --category core with"),
        (["--hours", "2", "--category", "core", "--on", "2026-12-01"], "after today"),
        (["--hours", "2", "--category", "core", "--on", "blursday"], "--on:"),
    ],
)
def test_bad_learning_is_refused_and_nothing_is_written(cli, args, message):
    cli("init")  # a reading command never creates the store (SPEC §2a)
    r = cli("learning", "add", "A course", *args)
    unreadable_date = "blursday" in args  # a bad option value: a usage error
    assert r.code == (2 if unreadable_date else 1) and message in " ".join(r.err.split()), r.err
    assert cli("learning", "list", "--json").json == []


def test_renewal_needs_the_expiry_date(cli):
    r = cli("renewal")
    assert r.code == 1
    said = " ".join(r.err.split())
    assert "credential_expires_on is not set" in said
    assert "coachlog config set credential_expires_on YYYY-MM-DD" in said


def test_renewal_says_what_is_met_and_what_is_missing(cli):
    env = {"COACHLOG_CREDENTIAL": "acc", "COACHLOG_CREDENTIAL_EXPIRES_ON": "2027-06-30"}
    for title, hours, category, extra in (
        ("Ethics", "3", "core", ["--ethics"]),
        ("Listening", "12", "core", []),
        ("Business", "20", "resource", []),
        ("Mentor coaching", "6", "mentor", []),
        ("Too early", "10", "core", ["--on", "2024-06-29"]),
    ):
        assert cli("learning", "add", title, "--hours", hours, "--category", category,
                   *extra).code == 0  # fmt: skip
    r = cli("renewal", "--json", env=env)
    assert r.code == 0, r.err
    assert r.json == {
        "credential": "acc",
        "cycle_start": "2024-06-30",
        "cycle_end": "2027-06-30",
        "days_left": 220,
        "cce": 37,
        "core": 21,
        "ethics": 3,
        "resource_counted": 16,
        "resource_hours": 20,
        "mentor_hours": 6,
        "supervision_hours": 0,
        "required": {"cce": 40, "core": 24, "ethics": 3, "mentor_hours": 10},
        "caps": {"resource_counted": 16, "mentor_and_supervision": 10},
        "missing": [
            "3 more CCE (37 of 40 counted).",
            "3 more in Core Competencies (21 of at least 24).",
            "4 more hours of mentor coaching (6 of the 10 an ACC needs).",
        ],
        "notes": ["Resource Development: 20 logged, 16 count (the most ICF accepts)."],
        "met": False,
    }
    screen = " ".join(cli("renewal", env=env).out.split())
    assert "Renewal of your ACC: the cycle 30 Jun 2024 – 30 Jun 2027 (220 days left)" in screen
    assert "Still missing:" in screen and "4 more hours of mentor coaching" in screen
    assert cli("learning", "add", "Mentor", "--hours", "4", "--category", "mentor").code == 0
    done = cli("renewal", "--json", env=env).json
    assert (done["met"], done["missing"], done["cce"]) == (True, [], 41)


# --- the interchange format, version 2 --------------------------------------------------------


def test_version_2_round_trip_is_byte_identical(practice, tmp_path, monkeypatch):
    cli = practice
    assert cli("learning", "add", "Ethics", "--hours", "3", "--category", "core", "--ethics",
               "--on", "2026-02-01", "--proof", str(tmp_path / "cert.pdf")).code == 0  # fmt: skip
    assert cli("learning", "add", "Mentor", "--hours", "1.25", "--category", "mentor").code == 0
    first = tmp_path / "first.json"
    assert cli("export", "--all", "--format", "json", "--out", str(first)).code == 0
    data = json.loads(first.read_text())
    assert data["version"] == 2
    assert [e["hours"] for e in data["learning"]] == [3, 1.25]
    assert {c["name"]: c["payment"] for c in data["clients"]}["Rui Costa"] == "pro_bono"
    other = tmp_path / "other" / "coachlog.db"
    monkeypatch.setenv("COACHLOG_DB", str(other))
    assert cli("import", str(first)).code == 0
    second = tmp_path / "second.json"
    assert cli("export", "--all", "--format", "json", "--out", str(second)).code == 0
    assert second.read_bytes() == first.read_bytes()
    again = cli("import", str(first), "--json").json
    assert again["added"] == again["updated"] == 0 and again["learning"]["unchanged"] == 2


def _v1(uid: str = "3f2b9c1e-8d4a-4c1b-9e2f-5a6b7c8d9e0f") -> dict:
    stamp = "2026-01-10T10:00:00+00:00"
    return {
        "format": "coachlog",
        "version": 1,
        "exported_at": stamp,
        "clients": [
            {"uid": uid, "name": "Old Client", "email": None, "phone": None, "pronouns": None,
             "timezone": None, "status": "active", "started_on": "2026-01-10", "ended_on": None,
             "preferred_channel": None, "communication_style": None, "context": None,
             "sponsor": None, "created_at": stamp, "updated_at": stamp}
        ],
        "agreements": [],
        "sessions": [
            {"uid": "4f2b9c1e-8d4a-4c1b-9e2f-5a6b7c8d9e0f", "client_uid": uid,
             "held_at": stamp, "minutes": 60, "kind": "regular", "notes": None, "themes": [],
             "trust_pulse": None, "reflection": None, "private": False, "created_at": stamp,
             "updated_at": stamp}
        ],
        "promises": [],
    }  # fmt: skip


def test_a_version_1_file_imports_with_the_defaults(cli, tmp_path):
    path = tmp_path / "v1.json"
    path.write_text(json.dumps(_v1()))
    r = cli("import", str(path))
    assert r.code == 0, r.err
    c = cli("client", "show", "old", "--json").json
    assert (c["payment"], c["icf_consent"], c["icf_consent_note"]) == ("paid", None, None)
    s = cli("session", "list", "--json").json[0]
    assert (s["status"], s["group_size"], s["counts_for_icf"]) == ("held", 1, True)
    # Consent given since then survives importing the old file again.
    assert cli("client", "edit", "old", "--icf-consent", "yes").code == 0
    assert cli("session", "edit", str(s["id"]), "--group-size", "4").code == 0
    r = cli("import", str(path))
    assert r.code == 0, r.err
    assert cli("client", "show", "old", "--json").json["icf_consent"] == "yes"
    assert cli("session", "list", "--json").json[0]["group_size"] == 4


@pytest.mark.parametrize(
    ("patch", "message"),
    [
        ({"clients": {"payment": "free"}}, "clients[0] (uid 3f2b9c1e…), payment: must be one of"),
        ({"sessions": {"group_size": 0}}, "group_size: must be between 1 and 500"),
        ({"sessions": {"status": "postponed"}}, "status: must be one of held, planned, cancelled"),
        ({"sessions": {"counts_for_icf": "yes"}}, "counts_for_icf: must be true or false"),
    ],
)
def test_bad_version_2_values_are_refused_whole(cli, tmp_path, patch, message):
    cli("init")  # a reading command never creates the store (SPEC §2a)
    doc = _v1()
    doc["version"] = 2
    for table, values in patch.items():
        doc[table][0].update(values)
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    r = cli("import", str(path))
    assert r.code == 1 and message in r.err, r.err
    assert cli("client", "list", "--all", "--json").json == []


def test_bad_learning_in_a_file_is_refused(cli, tmp_path):
    doc = _v1()
    doc["version"] = 2
    stamp = "2026-01-10T10:00:00+00:00"
    doc["learning"] = [
        {"uid": "5f2b9c1e-8d4a-4c1b-9e2f-5a6b7c8d9e0f", "title": "x", "hours": 1.234,
         "category": "core", "ethics": False, "completed_on": "2026-01-01", "provider": None,
         "proof": None, "created_at": stamp, "updated_at": stamp}
    ]  # fmt: skip
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(doc))
    r = cli("import", str(path))
    assert r.code == 1 and "learning[0] (uid 5f2b9c1e…), hours: must be hours in hundredths" in (
        r.err
    )


# --- the migration ----------------------------------------------------------------------------


def test_a_store_of_the_previous_version_upgrades_with_its_rows_read_as_before(db_path):
    """Migration 0005 on a store as the previous coachlog left it: every client paid and
    not asked, every session held, one-to-one and counting; the learning log empty."""
    import sqlite3

    from alembic import command
    from sqlalchemy import text

    from coachlog.store import open_store
    from coachlog.store.engine import Store, prepare_file
    from coachlog.store.migrate import HEAD, REVISIONS, alembic_config
    from coachlog.store.paths import resolve

    previous = REVISIONS[REVISIONS.index("0005") - 1]
    prepare_file(db_path)
    old = Store(resolve(str(db_path)), coach="t")
    with old.engine.connect() as conn, conn.begin():
        command.upgrade(alembic_config(conn), previous)
    old.dispose()
    raw = sqlite3.connect(db_path)
    raw.executescript(
        """
        INSERT INTO clients (id, uid, created_at, updated_at, coach, name, status)
          VALUES (1, 'c-1', '2026-01-01 10:00:00', '2026-01-01 10:00:00', 't', 'Zoë', 'active');
        INSERT INTO sessions (id, uid, created_at, updated_at, client_id, held_at, minutes,
                              kind, themes, private)
          VALUES (1, 's-1', '2026-01-02 10:00:00', '2026-01-02 10:00:00', 1,
                  '2026-01-02 10:00:00', 45, 'regular', '[]', 0);
        """
    )
    raw.commit()
    raw.close()

    s = open_store(str(db_path))
    assert s.backup_written is not None
    with s.read() as db:
        assert db.exec(text("SELECT version_num FROM alembic_version")).scalar() == HEAD
        assert db.exec(
            text("SELECT payment, icf_consent, icf_consent_note FROM clients")
        ).all() == [("paid", None, None)]
        assert db.exec(
            text("SELECT status, group_size, counts_for_icf, minutes FROM sessions")
        ).all() == [("held", 1, 1, 45)]
        assert db.exec(text("SELECT count(*) FROM learning")).scalar() == 0
    s.dispose()


def test_learning_add_and_delete_are_undone_one_step_each(cli):
    assert cli("client", "add", "Ana").code == 0
    r = cli("learning", "add", "Supervision group", "--hours", "2", "--category", "supervision")
    assert r.code == 0, r.err
    assert cli("learning", "delete", "1", "--yes").code == 0
    r = cli("undo")
    assert r.code == 0, r.err
    said = " ".join(r.out.split())
    assert "deleted learning entry #1: Supervision group" in said
    assert "learning entry #1 back again" in said
    assert [e["title"] for e in cli("learning", "list", "--json").json] == ["Supervision group"]
    r = cli("undo")
    assert r.code == 0 and "added learning entry #1" in " ".join(r.out.split())
    assert cli("learning", "list", "--json").json == []
    # the step before it is the client's, not lost behind the learning
    r = cli("undo")
    assert r.code == 0 and "client add" in r.out
