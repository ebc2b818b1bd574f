"""A practice of several coaches on one PostgreSQL server (SPEC §8): each coach's rows are
theirs alone."""

from __future__ import annotations

import pytest


@pytest.fixture
def server(backend: str) -> None:
    if backend != "postgres":
        pytest.skip("a shared server is a PostgreSQL store")


def test_one_coach_never_sees_another_coachs_clients(server, cli):
    amal = {"COACHLOG_COACH": "amal"}
    bea = {"COACHLOG_COACH": "bea"}
    assert cli("client", "add", "Ana Lima", env=amal).code == 0
    assert cli("agreement", "new", "ana", "--goals", "Lead", env=amal).code == 0
    assert cli("client", "list", "--json", env=bea).json == []
    r = cli("client", "show", "1", env=bea)
    assert r.code == 1 and "No client with id 1" in r.err
    r = cli("client", "show", "ana", env=bea)
    assert r.code == 1 and "No client matches" in r.err
    # the same name is free for another coach's own client
    assert cli("client", "add", "Ana Lima", env=bea).code == 0
    assert [c["id"] for c in cli("client", "list", "--json", env=bea).json] == [2]
    assert [c["id"] for c in cli("client", "list", "--json", env=amal).json] == [1]
    assert cli("agreement", "list", "ana", "--json", env=bea).json == []


def test_sqlite_store_is_personal_whatever_the_coach_name(backend, cli):
    if backend != "sqlite":
        pytest.skip("about personal stores")
    cli("client", "add", "Ana Lima", env={"COACHLOG_COACH": "amal"})
    # a personal file is protected by its permissions; the name is recorded, not enforced,
    # so moving the file to a machine with another login name loses nothing
    assert len(cli("client", "list", "--json", env={"COACHLOG_COACH": "other"}).json) == 1
