"""Clients: the rules (services) and the commands a coach types."""

from __future__ import annotations

import pytest

from coachlog.errors import Ambiguous, InvalidInput, NotFound
from coachlog.services.clients import add_client, edit_client, find_client, list_clients


@pytest.fixture
def three(store, now):
    with store.write() as db:
        for name in ("Ana Lima", "Anabel Ortiz", "Érica Sá"):
            add_client(db, values={"name": name}, now=now)
    return store


def test_find_by_id_exact_name_and_unique_prefix(three):
    with three.read() as db:
        assert find_client(db, "1").name == "Ana Lima"
        assert find_client(db, "ana lima").name == "Ana Lima"  # exact beats prefix
        assert find_client(db, "anab").name == "Anabel Ortiz"
        assert find_client(db, "éRI").name == "Érica Sá"  # case-insensitive, non-ASCII


def test_ambiguous_prefix_lists_the_matches(three):
    with three.read() as db, pytest.raises(Ambiguous) as err:
        find_client(db, "an")
    assert "Ana Lima (id 1)" in err.value.message and "Anabel Ortiz (id 2)" in err.value.message


def test_unknown_client(three):
    with three.read() as db:
        with pytest.raises(NotFound):
            find_client(db, "zed")
        with pytest.raises(NotFound):
            find_client(db, "42")


def test_names_are_unique_ignoring_case(three, now):
    with three.write() as db, pytest.raises(InvalidInput, match="already a client"):
        add_client(db, values={"name": "ANA LIMA"}, now=now)


def test_new_active_client_starts_today_and_list_hides_closed(store, now):
    with store.write() as db:
        c = add_client(db, values={"name": "Ana"}, now=now)
        add_client(db, values={"name": "Old", "status": "closed"}, now=now)
        assert c.started_on.isoformat() == "2026-11-22"
    with store.read() as db:
        assert [c.name for c in list_clients(db)] == ["Ana"]
        assert [c.name for c in list_clients(db, include_all=True)] == ["Ana", "Old"]


def test_edit_rejects_bad_values(three, now):
    with three.write() as db:
        c = find_client(db, "1")
        with pytest.raises(InvalidInput, match="time zone"):
            edit_client(db, c, values={"timezone": "Mars/Olympus"}, now=now)
        with pytest.raises(InvalidInput, match="status"):
            edit_client(db, c, values={"status": "gone"}, now=now)


# --- through the real command line -------------------------------------------------------


def test_client_add_list_json_shape(cli):
    r = cli(
        "client",
        "add",
        "Ana Lima",
        "--pronouns",
        "she/her",
        "--timezone",
        "Europe/Lisbon",
        "--style",
        "thinks aloud",
        "--context",
        "Portuguese at home",
        "--sponsor",
        "Acme",
    )
    assert r.code == 0, r.err
    assert "Added Ana Lima (client 1)" in r.out
    rows = cli("client", "list", "--json").json
    assert len(rows) == 1
    assert list(rows[0]) == [
        "id",
        "uid",
        "name",
        "email",
        "phone",
        "pronouns",
        "timezone",
        "status",
        "started_on",
        "ended_on",
        "preferred_channel",
        "communication_style",
        "context",
        "sponsor",
        "pitstop_every_sessions",
        "pitstop_every_weeks",
        "payment",
        "icf_consent",
        "icf_consent_note",
        "created_at",
        "updated_at",
    ]
    row = rows[0]
    assert row["id"] == 1 and row["name"] == "Ana Lima" and row["status"] == "active"
    assert row["communication_style"] == "thinks aloud" and row["sponsor"] == "Acme"
    assert len(row["uid"]) == 36 and row["created_at"].endswith("+00:00")


def test_client_edit_close_reopen(cli):
    cli("client", "add", "Ana Lima", "--email", "ana@example.com")
    r = cli("client", "edit", "ana", "--email", "", "--channel", "Signal")
    assert r.code == 0, r.err
    row = cli("client", "show", "ana", "--json").json
    assert row["email"] is None and row["preferred_channel"] == "Signal"
    assert cli("client", "close", "ana").code == 0
    assert cli("client", "list", "--json").json == []
    closed = cli("client", "list", "--all", "--json").json[0]
    assert closed["status"] == "closed" and closed["ended_on"] is not None
    assert cli("client", "reopen", "ana").code == 0
    assert cli("client", "show", "1", "--json").json["ended_on"] is None


def test_ambiguous_prefix_on_the_command_line(cli):
    cli("client", "add", "Ana Lima")
    cli("client", "add", "Anabel Ortiz")
    r = cli("client", "show", "an")
    assert r.code == 1
    assert "matches 2 clients" in r.err and "Ana Lima (id 1)" in r.err
    assert "Traceback" not in r.err


def test_edit_with_nothing_is_a_usage_error(cli):
    cli("client", "add", "Ana")
    r = cli("client", "edit", "ana")
    assert r.code == 2 and "Nothing to change" in r.err


def test_started_date_in_words_is_read(cli):
    r = cli("client", "add", "Ana", "--started", "2026-01-10", "--json")
    assert r.json["started_on"] == "2026-01-10"
    r = cli("client", "add", "Bo", "--started", "someday")
    assert r.code == 2 and "Accepted" in r.err
